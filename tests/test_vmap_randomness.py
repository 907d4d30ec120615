"""vmap's ``randomness`` and gradcheck's ``check_batched_forward_grad`` (forward-mode rules
run under vmap), compared with PyTorch."""
from __future__ import annotations

import pytest

from both_libraries import same_verdict


@pytest.mark.parametrize("draw", [
    lambda lib, x: x + lib.rand(()),
    lambda lib, x: lib.randn_like(x),
    lambda lib, x: lib.nn.functional.dropout(x, 0.5),
    lambda lib, x: x.clone().normal_(),
])
def test_random_draws_are_refused_in_error_mode(draw):
    same_verdict(lambda lib: lib.func.vmap(lambda x: draw(lib, x))(lib.ones(3, 2)))


def _same_and_different(lib):
    def sample(x):
        return x + lib.rand(())
    lib.manual_seed(0)
    same = lib.func.vmap(sample, randomness="same")(lib.zeros(3))
    after_same = lib.rand(())
    lib.manual_seed(0)
    one_draw, next_draw = lib.rand(()), lib.rand(())
    different = lib.func.vmap(sample, randomness="different")(lib.zeros(3))
    # chainrule's generator is not PyTorch's: compare the relations, not the numbers.
    return (bool((same == same[0]).all()), bool(same[0] == one_draw), bool(after_same == next_draw),
            len(set(different.tolist())))


def test_same_and_different_randomness():
    assert same_verdict(_same_and_different) == ("returned", (True, True, True, 3))


def test_unknown_randomness_is_refused():
    same_verdict(lambda lib: lib.func.vmap(lambda x: x, randomness="bad")(lib.zeros(1)))


def _check(lib, fn, inputs, **kwargs):
    return lib.autograd.gradcheck(fn, inputs, check_forward_ad=True, check_backward_ad=False,
                                  check_batched_grad=False, check_undefined_grad=False,
                                  check_batched_forward_grad=True, **kwargs)


def _several_outputs_and_a_number(lib):
    x = lib.rand(2, dtype=lib.float64, requires_grad=True)
    return _check(lib, lambda a, b: (a.clone(), a * b + 1), (x, 2))


def _an_unrelated_input(lib):
    x = lib.rand(2, dtype=lib.float64, requires_grad=True)
    return _check(lib, lambda a, c: a.sin(), (x, x.clone()))


def _random_in_a_jvp(lib, raise_exception=True):
    class Noisy(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def vjp(ctx, grad):
            return grad * 2

        @staticmethod
        def jvp(ctx, tangent):
            lib.randn_like(tangent)
            return tangent * 2
    x = lib.rand(2, dtype=lib.float64, requires_grad=True)
    return _check(lib, Noisy.apply, (x,), raise_exception=raise_exception)


@pytest.mark.parametrize("scenario", [
    _several_outputs_and_a_number,
    _an_unrelated_input,
    _random_in_a_jvp,
    lambda lib: _random_in_a_jvp(lib, raise_exception=False),
])
def test_gradcheck_batched_forward_grad(scenario):
    same_verdict(scenario)
