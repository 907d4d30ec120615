"""Losses, activations and linear are one node each, named as PyTorch names them.

For every option: the printed grad_fn name, values, gradients, gradcheck and gradgradcheck
(float64), and forward mode, all against PyTorch.
"""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, to_torch, torch_or_skip
from nn_oracle import (
    check_forward_mode,
    check_gradcheck_and_gradgradcheck,
    check_name_values_gradients,
    run_both,
)

_rng = np.random.default_rng(7)
WEIGHT = _rng.uniform(0.5, 2.0, (3, 4))
POS_WEIGHT = _rng.uniform(0.5, 3.0, (4,))
LIN_W = _rng.standard_normal((5, 4))
LIN_B = _rng.standard_normal(5)


def _const(lib, array, like):
    return lib.tensor(array.astype(np.float64 if like.dtype == lib.float64 else np.float32))


def _case(name, fn, inputs):
    """``inputs``: (shape, domain) per differentiable tensor; domain "real" or "prob"."""
    return pytest.param(fn, inputs, id=name)


CASES = []
for r in ("mean", "sum", "none"):
    CASES += [
        _case(f"mse_{r}", lambda F, lib, x, t, r=r: F.mse_loss(x, t, reduction=r),
              [((3, 4), "real"), ((3, 4), "real")]),
        _case(f"mse_broadcast_{r}", lambda F, lib, x, t, r=r: F.mse_loss(x, t, reduction=r),
              [((3, 1), "real"), ((3, 4), "real")]),
    ]
    for delta in (1.0, 0.5):
        CASES += [
            _case(f"huber_{r}_{delta}",
                  lambda F, lib, x, t, r=r, d=delta: F.huber_loss(x, t, reduction=r, delta=d),
                  [((3, 4), "real"), ((3, 4), "real")]),
            _case(f"smooth_l1_{r}_{delta}",
                  lambda F, lib, x, t, r=r, d=delta: F.smooth_l1_loss(x, t, reduction=r, beta=d),
                  [((3, 4), "real"), ((3, 4), "real")]),
        ]
    CASES += [
        _case(f"bce_{r}", lambda F, lib, p, t, r=r: F.binary_cross_entropy(p, t, reduction=r),
              [((3, 4), "prob"), ((3, 4), "prob")]),
        _case(f"bce_weight_{r}", lambda F, lib, p, t, r=r: F.binary_cross_entropy(
            p, t, weight=_const(lib, WEIGHT, p), reduction=r),
            [((3, 4), "prob"), ((3, 4), "prob")]),
        _case(f"bce_logits_{r}",
              lambda F, lib, x, t, r=r: F.binary_cross_entropy_with_logits(x, t, reduction=r),
              [((3, 4), "real"), ((3, 4), "prob")]),
        _case(f"bce_logits_weights_{r}", lambda F, lib, x, t, r=r:
              F.binary_cross_entropy_with_logits(x, t, weight=_const(lib, WEIGHT, x),
                                                 pos_weight=_const(lib, POS_WEIGHT, x),
                                                 reduction=r),
              [((3, 4), "real"), ((3, 4), "prob")]),
    ]
for shape in ((4,), (2, 4), (3, 2, 4)):
    CASES += [
        _case(f"linear_{len(shape)}d", lambda F, lib, x, w, b: F.linear(x, w, b),
              [(shape, "real"), ((5, 4), "real"), ((5,), "real")]),
        _case(f"linear_{len(shape)}d_nobias", lambda F, lib, x, w: F.linear(x, w),
              [(shape, "real"), ((5, 4), "real")]),
    ]
CASES += [
    _case("gelu", lambda F, lib, x: F.gelu(x), [((3, 4), "real")]),
    _case("gelu_tanh", lambda F, lib, x: F.gelu(x, approximate="tanh"), [((3, 4), "real")]),
    _case("leaky_relu", lambda F, lib, x: F.leaky_relu(x), [((3, 4), "real")]),
    _case("leaky_relu_0.2", lambda F, lib, x: F.leaky_relu(x, 0.2), [((3, 4), "real")]),
]


def _arrays(inputs, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for shape, domain in inputs:
        if domain == "prob":
            out.append(rng.uniform(0.05, 0.95, shape))
        else:
            # away from 0: leaky_relu and gelu's neighbours have kinks or steep spots there
            a = rng.standard_normal(shape)
            out.append(np.where(np.abs(a) < 0.05, 0.3, a))
    return out


# float32 gradients: PyTorch and NumPy sum in different orders.
GRAD_TOLERANCE = {"float32": dict(rtol=1e-4), "float64": dict(rtol=1e-9)}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("fn, inputs", CASES)
def test_name_values_and_gradients_match_pytorch(fn, inputs, dtype):
    check_name_values_gradients(fn, _arrays(inputs), dtype, GRAD_TOLERANCE)


@pytest.mark.parametrize("fn, inputs", CASES)
def test_gradcheck_and_gradgradcheck(fn, inputs):
    check_gradcheck_and_gradgradcheck(fn, _arrays(inputs, seed=2))


@pytest.mark.parametrize("fn, inputs", CASES)
def test_forward_mode_matches_torch_func_jvp(fn, inputs):
    tangents = _arrays([(s, "real") for s, _ in inputs], seed=4)
    check_forward_mode(fn, _arrays(inputs, seed=3), tangents)


def test_mixed_dtypes_promote_as_pytorch():
    # (PyTorch's huber and BCE losses do not promote; chainrule promotes there too.)
    torch = torch_or_skip()
    F, TF = cr.nn.functional, torch.nn.functional
    x = cr.tensor(_arrays([((3,), "prob")])[0].astype("float32")).requires_grad_()
    t = cr.tensor(_arrays([((3,), "prob")], seed=5)[0])  # float64
    for f in ("mse_loss", "smooth_l1_loss"):
        out, tout = getattr(F, f)(x, t), getattr(TF, f)(to_torch(x), to_torch(t))
        assert_same(out, tout)
        assert out.grad_fn.name() == tout.grad_fn.name()
        (g,) = cr.autograd.grad(out, [x])
        assert g.dtype is cr.float32


def test_weighted_mse_and_beta_zero_compose_as_pytorch():
    torch = torch_or_skip()
    x, t = _arrays([((3, 4), "real"), ((3, 4), "real")], seed=6)
    for r in ("mean", "sum", "none"):
        out, _, tout, _ = run_both(lambda F, lib, a, b, r=r: F.mse_loss(
            a, b, reduction=r, weight=_const(lib, WEIGHT, a)), [x, t])
        assert_same(out, tout, rtol=1e-10)
        assert out.grad_fn.name() == tout.grad_fn.name()
        out, _, tout, _ = run_both(lambda F, lib, a, b, r=r: F.smooth_l1_loss(
            a, b, reduction=r, beta=0.0), [x, t])
        assert_same(out, tout, rtol=1e-10)
        assert out.grad_fn.name() == tout.grad_fn.name()
    del torch


def test_errors_match_pytorch():
    torch = torch_or_skip()
    for lib in (cr, torch):
        F = lib.nn.functional
        p = lib.full((3,), 0.5)
        w = lib.ones(3, requires_grad=True)
        with pytest.raises(ValueError, match="not a valid value for reduction"):
            F.huber_loss(p, p, reduction="average")
        with pytest.raises(RuntimeError, match="not differentiable with respect to argument"):
            F.binary_cross_entropy(p, p, weight=w)
        with pytest.raises(RuntimeError, match="not differentiable with respect to argument"):
            F.binary_cross_entropy_with_logits(p, p, pos_weight=w)
        with pytest.raises(RuntimeError, match="approximate argument must be either"):
            F.gelu(p, approximate="erf")
    with cr.no_grad():  # weights that require grad are fine when nothing is recorded
        cr.nn.functional.binary_cross_entropy(cr.full((3,), 0.5), cr.ones(3),
                                              weight=cr.ones(3, requires_grad=True))
