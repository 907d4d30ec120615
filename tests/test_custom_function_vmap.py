"""Custom Functions under ``func.vmap``: their ``vmap`` staticmethod, ``generate_vmap_rule`` and
PyTorch's errors, against ``torch.func.vmap`` running the same classes."""
from __future__ import annotations

from importlib import import_module

import pytest

import chainrule as cr
from helpers import assert_same, from_torch, torch_or_skip


def make(lib):
    Function = lib.autograd.Function

    class Cube(Function):
        """x ** 3 along the last dim, with a vmap rule that moves the batch to the front."""
        rule_calls = []

        @staticmethod
        def forward(x, scale):
            return x ** 3 * scale

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, scale = inputs
            ctx.save_for_backward(x)
            ctx.scale = scale

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x ** 2 * ctx.scale, None

        @staticmethod
        def vmap(info, in_dims, x, scale):
            Cube.rule_calls.append((in_dims, info.randomness))
            x_dim, _ = in_dims
            return Cube.apply(x.movedim(x_dim, 0), scale), 0

    class Square(Function):
        generate_vmap_rule = True

        @staticmethod
        def forward(x):
            return x ** 2

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 2 * grad * x

    class NoSetupContext(Function):
        generate_vmap_rule = True

        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * 2

    class NoRule(Square):
        generate_vmap_rule = False

    class BothRules(Cube):
        generate_vmap_rule = True

    return Cube, Square, NoSetupContext, NoRule, BothRules


def test_vmap_uses_the_functions_rule_and_matches_torch():
    torch = torch_or_skip()
    ours, theirs = make(cr), make(torch)
    tx = torch.randn(3, 4, dtype=torch.float64)
    x = from_torch(tx)
    assert_same(cr.func.vmap(lambda v: ours[0].apply(v, 2.0))(x),
                torch.func.vmap(lambda v: theirs[0].apply(v, 2.0))(tx))
    assert ours[0].rule_calls and all(call == ((0, None), "error")
                                      for call in ours[0].rule_calls)
    # per-sample gradients through the rule, and a batch along another dim
    assert_same(cr.func.vmap(cr.func.grad(lambda v: ours[0].apply(v, 0.5).sum()))(x),
                torch.func.vmap(torch.func.grad(lambda v: theirs[0].apply(v, 0.5).sum()))(tx))
    assert_same(cr.func.vmap(lambda v: ours[0].apply(v, 1.0), in_dims=1)(x),
                torch.func.vmap(lambda v: theirs[0].apply(v, 1.0), in_dims=1)(tx))


def test_generate_vmap_rule_runs_the_function_per_sample():
    torch = torch_or_skip()
    square, tsquare = make(cr)[1], make(torch)[1]
    tx = torch.randn(2, 3, dtype=torch.float64)
    x = from_torch(tx)
    assert_same(cr.func.vmap(square.apply)(x), torch.func.vmap(tsquare.apply)(tx))
    assert_same(cr.func.vmap(cr.func.grad(lambda v: square.apply(v).sum()))(x),
                torch.func.vmap(torch.func.grad(lambda v: tsquare.apply(v).sum()))(tx))


@pytest.mark.parametrize("which", [2, 3, 4])
def test_vmap_errors_match_torch(which):
    torch = torch_or_skip()
    messages = []
    for lib in (cr, torch):
        fn = make(lib)[which]
        extra = (1.0,) if which == 4 else ()  # BothRules is a Cube: it takes a scale
        with pytest.raises(RuntimeError) as caught:
            import_module(f"{lib.__name__}.func").vmap(
                lambda a, fn=fn, extra=extra: fn.apply(a, *extra))(lib.ones(2, 3))
        messages.append(str(caught.value))
    assert messages[0] == messages[1]


def test_outside_vmap_the_rule_is_not_used():
    cube = make(cr)[0]
    cube.rule_calls.clear()
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    cube.apply(x, 1.0).sum().backward()
    assert cube.rule_calls == [] and x.grad.tolist() == [3.0, 12.0]
    assert not cr.autograd.Function.generate_vmap_rule and hasattr(cr.autograd.Function, "vmap")
