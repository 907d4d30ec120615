"""The three checks every one-node nn op gets, shared by ``test_nn_names*.py``.

A case is ``fn(F, lib, *tensors)`` written once against the torch API (``F`` is the
library's ``nn.functional``); it runs with chainrule and with PyTorch on the same arrays.
"""
from __future__ import annotations

import numpy as np

import chainrule as cr
import chainrule.autograd.forward_ad as fw
from helpers import assert_same, to_torch, torch_or_skip

# float32 gradients: PyTorch and NumPy sum in different orders.
GRAD_TOLERANCE = {"float32": dict(rtol=1e-3, atol=1e-4), "float64": dict(rtol=1e-9, atol=1e-12)}


def arrays_away_from_kinks(shapes, seed=0) -> list:
    """Standard normal arrays of ``shapes``, scaled by 1.5, with no entry within 0.075 of
    0 (the kinks of hardtanh, relu6, elu, thresholds and shrinks)."""
    rng = np.random.default_rng(seed)
    return [np.where(np.abs(a) < 0.05, 0.3, a) * 1.5
            for a in (rng.standard_normal(shape) for shape in shapes)]


def run_both(fn, arrays, dtype="float64"):
    """``fn`` on chainrule and on PyTorch leaves made from ``arrays``: (out, ins, tout, tins)."""
    torch = torch_or_skip()
    ours = [cr.tensor(a.astype(dtype)).requires_grad_() for a in arrays]
    theirs = [to_torch(t, requires_grad=True) for t in ours]
    return (fn(cr.nn.functional, cr, *ours), ours,
            fn(torch.nn.functional, torch, *theirs), theirs)


def check_name_values_gradients(fn, arrays, dtype, grad_tolerance: dict) -> None:
    """Same grad_fn name (and printed suffix), values and input gradients as PyTorch."""
    torch = torch_or_skip()
    out, ours, tout, theirs = run_both(fn, arrays, dtype)
    assert out.grad_fn.name() == tout.grad_fn.name()
    assert repr(out).split("grad_fn=")[1] == repr(tout).split("grad_fn=")[1]
    assert_same(out, tout, rtol=1e-4 if dtype == "float32" else 1e-10)
    seed = np.random.default_rng(1).standard_normal(tuple(out.shape)).astype(dtype)
    grads = cr.autograd.grad(out, ours, cr.tensor(seed))
    tgrads = torch.autograd.grad(tout, theirs, torch.from_numpy(seed))
    for g, tg in zip(grads, tgrads):
        assert_same(g, tg, **grad_tolerance[dtype])


def check_gradcheck_and_gradgradcheck(fn, arrays) -> None:
    """First and second derivatives against finite differences (float64)."""
    xs = [cr.tensor(a).requires_grad_() for a in arrays]

    def f(*ts):
        return fn(cr.nn.functional, cr, *ts)

    assert cr.autograd.gradcheck(f, xs)
    assert cr.autograd.gradgradcheck(f, xs)


def check_forward_mode(fn, arrays, tangents) -> None:
    """The jvp rule against ``torch.func.jvp`` on the same primals and tangents."""
    torch = torch_or_skip()
    with fw.dual_level():
        duals = [fw.make_dual(cr.tensor(a), cr.tensor(t)) for a, t in zip(arrays, tangents)]
        out = fn(cr.nn.functional, cr, *duals)
        primal, tangent = fw.unpack_dual(out)
        primal, tangent = primal.detach().numpy().copy(), tangent.numpy().copy()
    tprimal, ttangent = torch.func.jvp(
        lambda *ts: fn(torch.nn.functional, torch, *ts),
        tuple(torch.from_numpy(a) for a in arrays), tuple(torch.from_numpy(t) for t in tangents))
    np.testing.assert_allclose(primal, tprimal.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(tangent, ttangent.numpy(), rtol=1e-9, atol=1e-12)
