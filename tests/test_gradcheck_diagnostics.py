"""gradcheck/gradgradcheck diagnostics against PyTorch's: the same verdict, the same
exception type and the same first line of the message, in slow and fast mode.

Each case is a function of the library; it runs once with chainrule and once
with PyTorch.
"""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from both_libraries import same_verdict as assert_same_verdict

MODES = [False, True]  # fast_mode


def double(lib, *values):
    return lib.tensor(np.array(values, dtype=np.float64), requires_grad=True)


def jittery(lib, jitter):
    """The identity, whose backward multiplies by 1 + jitter * uniform noise."""
    class Jittery(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, grad):
            return Jittery.apply(grad) * (1 + lib.rand_like(grad) * jitter)
    return Jittery.apply


@pytest.mark.parametrize("fast_mode", MODES)
@pytest.mark.parametrize("jitter, nondet_tol", [(0.0, 0.0), (1e-6, 0.0), (1e-6, 1e-5)])
def test_nondeterministic_backward(jitter, nondet_tol, fast_mode):
    def case(lib):
        f = jittery(lib, jitter)
        return lib.autograd.gradcheck(f, (double(lib, 0.3, 0.9, 1.4),), nondet_tol=nondet_tol,
                                      fast_mode=fast_mode)
    kind, _ = assert_same_verdict(case)
    assert (kind == "GradcheckError") == (jitter > nondet_tol)


@pytest.mark.parametrize("fast_mode", MODES)
@pytest.mark.parametrize("nondet_tol", [0.0, 1e-5])
def test_nondeterministic_double_backward(nondet_tol, fast_mode):
    def case(lib):
        f = jittery(lib, 1e-12)
        return lib.autograd.gradgradcheck(f, (double(lib, 0.3, 0.9),), nondet_tol=nondet_tol,
                                          fast_mode=fast_mode)
    assert_same_verdict(case)


@pytest.mark.parametrize("fast_mode", MODES)
@pytest.mark.parametrize("raise_exception", [True, False])
@pytest.mark.parametrize("name", ["leaves the graph", "constant", "no outputs"])
def test_no_differentiable_output(name, raise_exception, fast_mode):
    functions = {
        "leaves the graph": lambda lib: lambda x: lib.tensor(x.detach().numpy() * 2),
        "constant": lambda lib: lambda x: lib.ones(2, dtype=lib.float64),
        "no outputs": lambda lib: lambda x: (),
    }

    def case(lib):
        return lib.autograd.gradcheck(functions[name](lib), (double(lib, 0.5, 1.5),),
                                      raise_exception=raise_exception, fast_mode=fast_mode)
    assert_same_verdict(case)


@pytest.mark.parametrize("fast_mode", MODES)
@pytest.mark.parametrize("what", ["shape", "dtype"])
def test_outputs_whose_shape_or_dtype_depend_on_values(what, fast_mode):
    def case(lib):
        def f(x):
            if not bool(lib.all(x >= 1)):
                return x * 1
            return lib.cat([x, x]) if what == "shape" else x.to(lib.float32)
        return lib.autograd.gradcheck(f, (double(lib, 1.0),), fast_mode=fast_mode)
    kind, message = assert_same_verdict(case)
    assert kind == "AssertionError" and what in message


@pytest.mark.parametrize("fast_mode", MODES)
@pytest.mark.parametrize("raise_exception", [True, False])
def test_wrong_gradient_from_a_hook(raise_exception, fast_mode):
    def case(lib):
        def f(x):
            y = x.clone()
            y.register_hook(lambda g: g + 1e-2)
            return y
        return lib.autograd.gradcheck(f, (double(lib, 1.0, 2.0, 3.0),),
                                      raise_exception=raise_exception, fast_mode=fast_mode)
    assert_same_verdict(case)


@pytest.mark.parametrize("fast_mode", MODES)
def test_errors_of_the_function_itself_are_not_swallowed(fast_mode):
    def case(lib):
        def f(x):
            raise KeyError("not a gradcheck problem")
        return lib.autograd.gradcheck(f, (double(lib, 1.0),), raise_exception=False,
                                      fast_mode=fast_mode)
    assert assert_same_verdict(case)[0] == "KeyError"


def constant_backward(lib):
    """Right Jacobian for a one-element output, but backward ignores grad_output."""
    class Constant(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return lib.full_like(grad, 2.0)
    return Constant.apply


@pytest.mark.parametrize("fast_mode", MODES)
def test_backward_not_multiplied_by_grad_output(fast_mode):
    def case(lib):
        return lib.autograd.gradcheck(constant_backward(lib), (double(lib, 0.7),),
                                      fast_mode=fast_mode)
    assert assert_same_verdict(case)[0] == "GradcheckError"


def broken_modes(lib, fwd_bad, bwd_bad):
    class UserFn(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            if bwd_bad:
                raise RuntimeError("backward is broken")
            return 2 * grad

        @staticmethod
        def jvp(ctx, tangent):
            if fwd_bad:
                raise RuntimeError("jvp is broken")
            return 2 * tangent
    return UserFn.apply


@pytest.mark.parametrize("fast_mode", MODES)
@pytest.mark.parametrize("forward, backward", [(True, True), (True, False), (False, True),
                                               (False, False)])
@pytest.mark.parametrize("fwd_bad, bwd_bad", [(True, False), (False, True), (True, True),
                                              (False, False)])
def test_only_the_requested_modes_run(forward, backward, fwd_bad, bwd_bad, fast_mode):
    def case(lib):
        return lib.autograd.gradcheck(
            broken_modes(lib, fwd_bad, bwd_bad), (double(lib, 0.2, 0.4),),
            check_forward_ad=forward, check_backward_ad=backward,
            check_undefined_grad=backward, fast_mode=fast_mode)
    assert_same_verdict(case)


def jvp_counter(lib, calls):
    class Copies(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x.clone(), y.clone()

        @staticmethod
        def backward(ctx, gx, gy):
            return gx, gy

        @staticmethod
        def jvp(ctx, tx, ty):
            calls.append(1)
            return tx, ty
    return Copies.apply


@pytest.mark.parametrize("y_requires_grad", [True, False])
@pytest.mark.parametrize("check_undefined_grad", [True, False])
def test_forward_mode_calls_jvp_as_often_as_pytorch(check_undefined_grad, y_requires_grad):
    def case(lib):
        calls = []
        x = double(lib, 0.5)
        y = lib.tensor([0.25], dtype=lib.float64, requires_grad=y_requires_grad)
        lib.autograd.gradcheck(jvp_counter(lib, calls), (x, y), check_forward_ad=True,
                               check_backward_ad=False,
                               check_undefined_grad=check_undefined_grad)
        return len(calls)
    assert_same_verdict(case)


@pytest.mark.parametrize("kwargs", [
    {"check_forward_ad": False, "check_backward_ad": False},
    {"check_backward_ad": False, "check_forward_ad": True, "check_batched_grad": True},
    {"check_batched_forward_grad": True},
])
def test_contradictory_flags(kwargs):
    def case(lib):
        return lib.autograd.gradcheck(lambda x: x * 2, (double(lib, 1.0),), **kwargs)
    assert assert_same_verdict(case)[0] == "AssertionError"


@pytest.mark.parametrize("kwargs", [
    {"check_fwd_over_rev": False, "check_rev_over_rev": False},
    {"check_fwd_over_rev": True, "check_rev_over_rev": False},
])
def test_gradgradcheck_contradictory_flags(kwargs):
    def case(lib):
        return lib.autograd.gradgradcheck(lambda x: x * 2, (double(lib, 1.0),), **kwargs)
    assert assert_same_verdict(case)[0] == "AssertionError"


@pytest.mark.parametrize("fast_mode", MODES)
def test_forward_over_reverse_second_derivatives(fast_mode):
    def case(lib):
        return lib.autograd.gradgradcheck(lambda a, b: (a * b).sin(), (double(lib, 0.2, 0.9),
                                                                       double(lib, 1.1, -0.4)),
                                          check_fwd_over_rev=True, fast_mode=fast_mode)
    assert assert_same_verdict(case) == ("returned", True)


def test_inputs_are_restored_when_the_function_raises_midway():
    x = cr.tensor([0.5, 1.5], dtype=cr.float64, requires_grad=True)
    calls = []

    def f(t):
        calls.append(1)
        if len(calls) > 2:
            raise ValueError("fails while gradcheck has moved the input")
        return t * 2
    with pytest.raises(ValueError):
        cr.autograd.gradcheck(f, (x,))
    np.testing.assert_array_equal(x.detach().numpy(), [0.5, 1.5])
