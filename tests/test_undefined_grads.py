"""Undefined (None) gradients: the nodes they reach still run and their hooks see None, as in
PyTorch's engine; gradcheck's check_undefined_grad sends them through the function's backward.
Every scenario runs with chainrule and with PyTorch."""
from __future__ import annotations

import pytest

from both_libraries import same_verdict


def _gives_none(lib):
    class GivesNone(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, grad):
            return None
    return GivesNone


def _hooks_see_none(lib):
    seen = []
    x = lib.ones(2, requires_grad=True)
    x.register_hook(lambda g: seen.append(("leaf", g)))
    x.register_post_accumulate_grad_hook(lambda p: seen.append(("accumulated", p.grad)))
    a = x * 2
    a.register_hook(lambda g: seen.append(("tensor", g)))
    a.retain_grad()
    a.grad_fn.register_prehook(lambda go: seen.append(("pre", go)))
    a.grad_fn.register_hook(lambda gi, go: seen.append(("post", gi, go)))
    _gives_none(lib).apply(a).sum().backward()
    return seen, a.grad, x.grad


def _materialized_for_a_custom_function(lib):
    received = []

    class Record(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, materialize):
            ctx.set_materialize_grads(materialize)
            return x.clone()

        @staticmethod
        def backward(ctx, grad):
            received.append(None if grad is None else grad.tolist())
            return (None if grad is None else grad * 3), None

    x = lib.ones(2, requires_grad=True)
    for materialize in (True, False):
        _gives_none(lib).apply(Record.apply(x, materialize)).sum().backward()
    return received, x.grad.tolist()


def _grad_of_an_undefined_input(lib):
    x = lib.ones(2, requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g))
    result = lib.autograd.grad(_gives_none(lib).apply(x * 3).sum(), x, allow_unused=True)
    return result, seen


@pytest.mark.parametrize("scenario", [_hooks_see_none, _materialized_for_a_custom_function,
                                      _grad_of_an_undefined_input])
def test_undefined_gradients_reach_their_nodes(scenario):
    same_verdict(scenario)


def _hook_refusing_none(lib, fast_mode, raise_exception=True):
    def fn(x):
        def hook(grad):
            if grad is None:
                raise RuntimeError("x is undefined")
        y = x.clone()
        y.register_hook(hook)
        return y
    x = lib.ones(1, dtype=lib.float64, requires_grad=True)
    return lib.autograd.gradcheck(fn, (x,), fast_mode=fast_mode, raise_exception=raise_exception)


def _nonzero_for_undefined(lib, fast_mode):
    class Biased(lib.autograd.Function):  # backward adds 1 even to a None/zero gradient
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * 2 + 1
    x = lib.ones(1, dtype=lib.float64, requires_grad=True)
    return lib.autograd.gradcheck(Biased.apply, (x,), fast_mode=fast_mode, atol=10, rtol=10)


def _one_output_undefined_at_a_time(lib, fast_mode):
    def fn(x):
        a, b = x * 2, x.exp()
        b.register_hook(lambda g: None if g is not None else 1 / 0)
        return a, b
    x = lib.ones(2, dtype=lib.float64, requires_grad=True)
    return lib.autograd.gradcheck(fn, (x,), fast_mode=fast_mode)


@pytest.mark.parametrize("fast_mode", [False, True])
@pytest.mark.parametrize("scenario", [
    _hook_refusing_none,
    lambda lib, fast_mode: _hook_refusing_none(lib, fast_mode, raise_exception=False),
    _nonzero_for_undefined,
    _one_output_undefined_at_a_time,
])
def test_gradcheck_sends_undefined_gradients(scenario, fast_mode):
    same_verdict(lambda lib: scenario(lib, fast_mode))
