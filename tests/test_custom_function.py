"""autograd.Function: user-defined ops, checked against PyTorch running the same classes."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, from_torch, to_torch, torch_or_skip


def define(lib):
    """The same custom Functions, defined against either library (chainrule or torch)."""

    class Exp(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)  # an output saved for its own backward
            return y

        @staticmethod
        def backward(ctx, grad):
            (y,) = ctx.saved_tensors
            return grad * y

    class ScaledMul(lib.autograd.Function):
        """Two tensor inputs and a Python number; the setup_context form."""

        @staticmethod
        def forward(x, k, w):
            return x * w * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, k, w = inputs
            ctx.k = k
            ctx.save_for_backward(x, w)

        @staticmethod
        def backward(ctx, grad):
            x, w = ctx.saved_tensors
            gx = grad * w * ctx.k if ctx.needs_input_grad[0] else None
            gw = grad * x * ctx.k if ctx.needs_input_grad[2] else None
            return gx, None, gw

    class DoubleAndFloor(lib.autograd.Function):
        """Two outputs, one of them marked non-differentiable."""

        @staticmethod
        def forward(ctx, x):
            floored = x.floor()
            ctx.mark_non_differentiable(floored)
            return x * 2, floored

        @staticmethod
        def backward(ctx, grad_values, grad_floored):
            assert not grad_floored.any()  # materialized as zeros
            return grad_values * 2

    class SplitTwo(lib.autograd.Function):
        """Two differentiable outputs; backward sees None for an unused one when not
        materialized."""

        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, ga, gb):
            out = 0
            if ga is not None:
                out = out + ga * 2
            if gb is not None:
                out = out + gb * 3
            return out

    class AddOneInPlace(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad

    return Exp, ScaledMul, DoubleAndFloor, SplitTwo, AddOneInPlace


def _pair(shape=(3,), seed=0):
    torch = torch_or_skip()
    t = torch.tensor(np.random.default_rng(seed).uniform(-1, 1, shape), requires_grad=True)
    return from_torch(t), t


def test_exp_matches_torch_values_grads_and_names():
    torch = torch_or_skip()
    ours_exp, theirs_exp = define(cr)[0], define(torch)[0]
    x, tx = _pair()
    y, ty = ours_exp.apply(x), theirs_exp.apply(tx)
    assert y.grad_fn.name() == ty.grad_fn.name() == "ExpBackward"
    assert repr(y).endswith("grad_fn=<ExpBackward>)")
    y.sum().backward()
    ty.sum().backward()
    assert_same(x.grad, tx.grad)
    assert len(y.grad_fn.next_functions) == 1


def test_setup_context_needs_input_grad_and_number_arguments():
    torch = torch_or_skip()
    ours, theirs = define(cr)[1], define(torch)[1]
    x, tx = _pair()
    w, tw = _pair(seed=1)
    out, tout = ours.apply(x, 2.5, w), theirs.apply(tx, 2.5, tw)
    assert_same(out, tout)
    assert len(out.grad_fn.next_functions) == len(tout.grad_fn.next_functions) == 2
    (out ** 2).sum().backward()
    (tout ** 2).sum().backward()
    assert_same(x.grad, tx.grad)
    assert_same(w.grad, tw.grad)
    # w without grad: needs_input_grad says so and backward skips it.
    plain = cr.ones(3)
    ours.apply(x, 2.0, plain).sum().backward()
    assert plain.grad is None


def test_multiple_outputs_and_non_differentiable():
    torch = torch_or_skip()
    ours, theirs = define(cr)[2], define(torch)[2]
    x, tx = _pair((5,))
    (v, i), (tv, ti) = ours.apply(x), theirs.apply(tx)
    assert_same(i, ti)
    assert not i.requires_grad and not ti.requires_grad
    assert v.grad_fn.name() == tv.grad_fn.name()
    weights = torch.arange(5.0, dtype=torch.float64)
    (v * from_torch(weights)).sum().backward()
    (tv * weights).sum().backward()
    assert_same(x.grad, tx.grad)


def test_materialize_grads_false_passes_none():
    torch = torch_or_skip()
    ours, theirs = define(cr)[3], define(torch)[3]
    x, tx = _pair()
    a, _ = ours.apply(x)
    ta, _ = theirs.apply(tx)
    a.sum().backward()
    ta.sum().backward()
    assert_same(x.grad, tx.grad)


def test_mark_dirty_rebases_history():
    torch = torch_or_skip()
    ours, theirs = define(cr)[4], define(torch)[4]
    x, tx = _pair()
    y, ty = x * 1, tx * 1
    z, tz = ours.apply(y), theirs.apply(ty)
    assert z is y and tz is ty
    assert z.grad_fn.name() == tz.grad_fn.name() == "AddOneInPlaceBackward"
    (z * z).sum().backward()
    (tz * tz).sum().backward()
    assert_same(x.grad, tx.grad)
    with pytest.raises(RuntimeError, match="leaf"):
        ours.apply(cr.ones(2, requires_grad=True))


def test_saved_tensor_modified_in_place_is_caught():
    exp = define(cr)[0]
    scaled = define(cr)[1]
    x = cr.ones(3, requires_grad=True)
    y = exp.apply(x)
    w = cr.ones(3)
    out = scaled.apply(x, 2.0, w)
    w.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()
    y = exp.apply(x * 1)
    with cr.no_grad():
        y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_saved_tensors_are_freed_after_backward():
    exp = define(cr)[0]
    x = cr.ones(2, requires_grad=True)
    y = exp.apply(x)
    y.sum().backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        _ = y.grad_fn.saved_tensors


def test_second_derivative_through_custom_function_and_gradcheck():
    exp, scaled = define(cr)[:2]
    x = cr.tensor([0.1, 0.5, -0.3], dtype=cr.float64, requires_grad=True)
    w = cr.tensor([1.0, 2.0, 3.0], dtype=cr.float64, requires_grad=True)
    assert cr.autograd.gradcheck(exp.apply, (x,))
    assert cr.autograd.gradgradcheck(exp.apply, (x,))
    assert cr.autograd.gradcheck(lambda a, b: scaled.apply(a, 1.5, b), (x, w))
    (g,) = cr.autograd.grad(exp.apply(x).sum(), x, create_graph=True)
    (h,) = cr.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), np.exp(x.detach().numpy()))


def test_once_differentiable():
    torch = torch_or_skip()

    def make(lib, decorate):
        class NumpySquare(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * x

            @staticmethod
            @decorate
            def backward(ctx, grad):
                (x,) = ctx.saved_tensors
                assert not lib.is_grad_enabled()  # it runs without recording
                return grad * 2 * x
        return NumpySquare

    from torch.autograd.function import once_differentiable as torch_once

    from chainrule.autograd.function import once_differentiable
    ours = make(cr, once_differentiable)
    theirs = make(torch, torch_once)
    x, tx = _pair()
    ours.apply(x).sum().backward()
    theirs.apply(tx).sum().backward()
    assert_same(x.grad, tx.grad)
    # A grad_output that requires grad: the result would need a second derivative.
    v = cr.ones(3, dtype=cr.float64, requires_grad=True)
    tv = to_torch(v)
    (g,) = cr.autograd.grad(ours.apply(x), x, v, create_graph=True)
    (tg,) = torch.autograd.grad(theirs.apply(tx), tx, tv, create_graph=True)
    assert g.requires_grad == tg.requires_grad
    with pytest.raises(RuntimeError, match="once_differentiable"):
        g.sum().backward()
    with pytest.raises(RuntimeError, match="once_differentiable"):
        tg.sum().backward()


def test_errors_match_torch():
    torch = torch_or_skip()

    def make(lib):
        class TwoGrads(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, grad):
                return grad, grad

        class WrongShape(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, grad):
                return lib.ones(7, dtype=grad.dtype)
        return TwoGrads, WrongShape

    for (ours, theirs), match in zip(zip(make(cr), make(torch)),
                                     ["incorrect number of gradients", "invalid gradient"]):
        x, tx = _pair()
        with pytest.raises(RuntimeError, match=match):
            ours.apply(x).sum().backward()
        with pytest.raises(RuntimeError, match=match):
            theirs.apply(tx).sum().backward()
    with pytest.raises(RuntimeError, match="static forward"):
        with pytest.warns(DeprecationWarning):
            make(cr)[0]()(cr.ones(1))


def test_custom_function_jvp_forward_mode():
    torch = torch_or_skip()
    import torch.autograd.forward_ad as tfw

    import chainrule.autograd.forward_ad as fw

    def make(lib):
        class Sin(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                ctx.save_for_forward(x)
                return x.sin()

            @staticmethod
            def backward(ctx, grad):
                (x,) = ctx.saved_tensors
                return grad * x.cos()

            @staticmethod
            def jvp(ctx, x_t):
                (x,) = ctx.saved_tensors
                return x_t * x.cos()
        return Sin

    x, tx = _pair()
    v = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
    with fw.dual_level():
        t = fw.unpack_dual(make(cr).apply(fw.make_dual(x.detach(), from_torch(v)))).tangent
    with tfw.dual_level():
        tt = tfw.unpack_dual(make(torch).apply(tfw.make_dual(tx.detach(), v))).tangent
    assert_same(t, tt)
    with fw.dual_level():
        with pytest.raises(NotImplementedError, match="jvp"):
            define(cr)[0].apply(fw.make_dual(x.detach(), from_torch(v)))


def test_hooks_work_on_custom_nodes():
    exp = define(cr)[0]
    x = cr.ones(2, requires_grad=True)
    y = exp.apply(x)
    seen = []
    y.grad_fn.register_prehook(lambda grad_outputs: seen.append("pre"))
    y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: seen.append("post"))
    y.sum().backward()
    assert seen == ["pre", "post"]
    np.testing.assert_allclose(x.grad.numpy(), np.exp(1.0) * np.ones(2), rtol=1e-6)
    assert to_torch(x.grad) is not None
