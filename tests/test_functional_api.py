"""autograd.functional against torch.autograd.functional: argument errors, strict mode,
grad modes, vectorize and the forward-mode outer Jacobian of hessian.

Each case is a function of the library (chainrule or PyTorch); both run it and
must give the same values, or raise the same exception type with the same
message (chainrule may add a "Fix: ..." sentence after PyTorch's text).
"""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from both_libraries import verdict
from helpers import torch_or_skip

rng = np.random.default_rng(7)
X4 = rng.uniform(0.5, 1.5, 4)
M22 = rng.uniform(0.5, 1.5, (2, 2))
X3, Y3, Z2 = rng.standard_normal(3), rng.standard_normal(3), rng.standard_normal(2)


def F(lib):
    return lib.autograd.functional


def assert_same_outcome(case):
    """Equal values (see same_values), or the same exception and message."""
    torch = torch_or_skip()
    ours, theirs = verdict(cr, case, first_line=False), verdict(torch, case, first_line=False)
    assert ours[0] == theirs[0], (ours, theirs)
    if ours[0] != "returned":
        assert ours[1].startswith(theirs[1]), (ours[1], theirs[1])
        return
    same_values(ours[1], theirs[1])


def same_values(ours, theirs):
    if isinstance(theirs, (tuple, list)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs), (ours, theirs)
        for o, t in zip(ours, theirs):
            same_values(o, t)
    elif hasattr(theirs, "detach"):
        assert tuple(ours.shape) == tuple(theirs.shape)
        assert str(ours.dtype) == str(theirs.dtype)
        assert ours.requires_grad == theirs.requires_grad
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(),
                                   rtol=1e-10, atol=1e-12)
    else:
        assert ours == theirs


def t(lib, a, **kw):
    return lib.tensor(a, **kw)


def narrow3(a):
    return 3 * a.narrow(0, 0, 3)


# ----------------------------------------------------------------- argument errors
ARGUMENT_CASES = {
    "vjp input not a tensor": lambda lib: F(lib).vjp(narrow3, (t(lib, X4), 2), lib.ones(3)),
    "vjp list of inputs": lambda lib: F(lib).vjp(narrow3, [t(lib, X4)], lib.ones(3)),
    "vjp output not a tensor": lambda lib: F(lib).vjp(lambda a: (narrow3(a), "x"),
                                                       t(lib, X4), lib.ones(3)),
    "vjp v needed": lambda lib: F(lib).vjp(narrow3, t(lib, X4)),
    "vjp v too long": lambda lib: F(lib).vjp(narrow3, t(lib, X4), (lib.ones(3), lib.ones(3))),
    "vjp v tuple length": lambda lib: F(lib).vjp(lambda a, b: (a, b), (t(lib, X4), t(lib, X4)),
                                                 (lib.ones(4),)),
    "vjp v size": lambda lib: F(lib).vjp(narrow3, t(lib, X4), lib.ones(2)),
    "vjp v entry size": lambda lib: F(lib).vjp(lambda a, b: (a, b), (t(lib, X4), t(lib, X4)),
                                               (lib.ones(4), lib.ones(2))),
    "jvp v needed": lambda lib: F(lib).jvp(narrow3, t(lib, X4)),
    "jvp v size": lambda lib: F(lib).jvp(narrow3, t(lib, X4), lib.ones(3)),
    "jvp v not a tensor": lambda lib: F(lib).jvp(narrow3, t(lib, X4), (lib.ones(4), 1)),
    "jacobian input not a tensor": lambda lib: F(lib).jacobian(narrow3, (t(lib, X4), 2)),
    "jacobian bad strategy": lambda lib: F(lib).jacobian(narrow3, t(lib, X4), strategy="x"),
    "jacobian forward strict": lambda lib: F(lib).jacobian(
        narrow3, t(lib, X4), strict=True, vectorize=True, strategy="forward-mode"),
    "jacobian forward create_graph": lambda lib: F(lib).jacobian(
        narrow3, t(lib, X4), create_graph=True, vectorize=True, strategy="forward-mode"),
    "jacobian strict vectorize": lambda lib: F(lib).jacobian(narrow3, t(lib, X4), strict=True,
                                                             vectorize=True),
    "hessian strict vectorize": lambda lib: F(lib).hessian(lambda a: (a ** 3).sum(),
                                                           t(lib, X4), strict=True,
                                                           vectorize=True),
    "hessian output not single": lambda lib: F(lib).hessian(narrow3, t(lib, X4)),
    "hessian output tuple": lambda lib: F(lib).hessian(lambda a: (a.sum(), a.sum()),
                                                       t(lib, X4)),
    "hessian bad strategy": lambda lib: F(lib).hessian(lambda a: a.sum(), t(lib, X4),
                                                       outer_jacobian_strategy="x"),
    "hvp v needed": lambda lib: F(lib).hvp(lambda a: (a ** 3).sum(), t(lib, X4)),
    "hvp output not single": lambda lib: F(lib).hvp(narrow3, t(lib, X4), lib.ones(4)),
    "vhp output tuple": lambda lib: F(lib).vhp(lambda a: (a.sum(), a.sum()), t(lib, X4),
                                               lib.ones(4)),
}


@pytest.mark.parametrize("name", list(ARGUMENT_CASES))
def test_argument_errors(name):
    assert_same_outcome(ARGUMENT_CASES[name])


# ----------------------------------------------------------------- strict mode
def detached(a):
    return a.detach()


def disconnected(a):
    # requires grad, but computed from no input
    return a.long().double().requires_grad_().clone()


def linear(a):
    return a.clone()


def with_grad(lib, a):
    return t(lib, a, dtype=lib.float64).requires_grad_()


def square_sum(a):
    return (a * a).sum()


# name: (api, function, create_graph)
STRICT_CASES = {
    "vjp detached": ("vjp", detached, False),
    "vjp disconnected": ("vjp", disconnected, False),
    "vjp linear create_graph": ("vjp", linear, True),
    "jvp detached": ("jvp", detached, False),
    "jvp disconnected": ("jvp", disconnected, False),
    "jvp linear create_graph": ("jvp", linear, True),
    "jacobian detached": ("jacobian", detached, False),
    "jacobian disconnected": ("jacobian", disconnected, False),
    "jacobian linear create_graph": ("jacobian", linear, True),
    "hessian detached": ("hessian", lambda a: detached(a).sum(), False),
    "hessian disconnected": ("hessian", lambda a: disconnected(a).sum(), False),
    "hessian linear": ("hessian", lambda a: (3 * a).sum(), False),
    "vhp detached": ("vhp", lambda a: detached(a).sum(), False),
    "vhp linear": ("vhp", lambda a: (3 * a).sum(), False),
    "hvp disconnected": ("hvp", lambda a: disconnected(a).sum(), False),
    "hvp linear": ("hvp", lambda a: (3 * a).sum(), False),
    "hvp quadratic create_graph": ("hvp", square_sum, True),
}


def strict_case(name, strict):
    api, f, create_graph = STRICT_CASES[name]

    def case(lib):
        x = with_grad(lib, X4) if create_graph else t(lib, X4)
        v = () if api in ("jacobian", "hessian") else (t(lib, X4),)
        return getattr(F(lib), api)(f, x, *v, create_graph=create_graph, strict=strict)
    return case


@pytest.mark.parametrize("strict", [True, False])
@pytest.mark.parametrize("name", list(STRICT_CASES))
def test_strict_mode_errors_and_non_strict_zeros(name, strict):
    assert_same_outcome(strict_case(name, strict))


# ----------------------------------------------------------------- grad modes
def row_sums(x):
    return x.sum(dim=1)


def cubes(x):
    return x.pow(3).sum()


def under_no_grad(api, create_graph):
    def case(lib):
        # v in x's dtype: chainrule's engine does not yet cast a gradient to the dtype of
        # the tensor it is for, as PyTorch's does.
        x, v, w = t(lib, M22), lib.ones(2, 2, dtype=lib.float64), lib.ones(2, dtype=lib.float64)
        for a in (x, v, w) if create_graph else ():
            a.requires_grad_()
        calls = {
            "vjp": lambda: F(lib).vjp(row_sums, x, w, create_graph=create_graph),
            "jvp": lambda: F(lib).jvp(row_sums, x, v, create_graph=create_graph),
            "vhp": lambda: F(lib).vhp(cubes, x, v, create_graph=create_graph),
            "hvp": lambda: F(lib).hvp(cubes, x, v, create_graph=create_graph),
            "jacobian": lambda: F(lib).jacobian(row_sums, x, create_graph=create_graph),
            "hessian": lambda: F(lib).hessian(cubes, x, create_graph=create_graph),
        }
        with lib.no_grad():
            result = calls[api]()
            still_off = not lib.is_grad_enabled()
        return result, still_off
    return case


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("api", ["vjp", "jvp", "vhp", "hvp", "jacobian", "hessian"])
def test_under_no_grad(api, create_graph):
    assert_same_outcome(under_no_grad(api, create_graph))


# ----------------------------------------------------------------- vectorize, forward mode
def mixed(x, y, z):
    return ((x.relu() * x) @ y.sin().reshape(3, 1) * z).sum()


HESSIAN_FUNCTIONS = {
    "simple": (lambda x: (3 * x ** 2).sum(), lambda lib: t(lib, X3)),
    "several inputs": (mixed, lambda lib: (t(lib, X3.reshape(1, 3)), t(lib, Y3), t(lib, Z2))),
    "one input unused": (lambda x, y: (x ** 2).sum(), lambda lib: (t(lib, X3), t(lib, Z2))),
    "no input used": (lambda x, y: x.new_ones(()), lambda lib: (t(lib, X3), t(lib, Z2))),
}


@pytest.mark.parametrize("strategy", ["reverse-mode", "forward-mode"])
@pytest.mark.parametrize("name", list(HESSIAN_FUNCTIONS))
def test_hessian_vectorized_and_forward_outer_jacobian(name, strategy):
    f, inputs = HESSIAN_FUNCTIONS[name]

    def case(lib):
        return F(lib).hessian(f, inputs(lib), vectorize=True, outer_jacobian_strategy=strategy)
    assert_same_outcome(case)


JACOBIAN_FUNCTIONS = {
    "two outputs": (lambda x, y: (x * y.sum(), (x * x).sum()), lambda lib: (t(lib, X3),
                                                                            t(lib, Y3))),
    "output independent of input": (lambda x: x.new_ones(2), lambda lib: t(lib, X3)),
    "zero-dim": (lambda x: lib_stack(x), lambda lib: t(lib, 1.5, dtype=lib.float64)),
}


def lib_stack(x):
    return (x * 2).expand(3)


@pytest.mark.parametrize("mode", ["reverse", "vectorized", "forward"])
@pytest.mark.parametrize("name", list(JACOBIAN_FUNCTIONS))
def test_jacobian_modes(name, mode):
    f, inputs = JACOBIAN_FUNCTIONS[name]

    def case(lib):
        kwargs = {"reverse": {}, "vectorized": {"vectorize": True},
                  "forward": {"vectorize": True, "strategy": "forward-mode"}}[mode]
        return F(lib).jacobian(f, inputs(lib), **kwargs)
    assert_same_outcome(case)


def test_forward_mode_without_vectorize_is_computed():
    """A deliberate difference: PyTorch needs vectorize=True for forward mode; chainrule
    computes the same Jacobian column by column without it."""
    x = cr.tensor(X3)
    expected = cr.autograd.functional.jacobian(lambda a: a.sin() * a.sum(), x)
    got = cr.autograd.functional.jacobian(lambda a: a.sin() * a.sum(), x,
                                          strategy="forward-mode")
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-12)


def test_create_graph_results_differentiate_to_the_callers_inputs():
    def case(lib):
        x = t(lib, X3).requires_grad_()
        _, hv = F(lib).hvp(lambda a: (a ** 4).sum(), x, lib.ones(3, dtype=lib.float64),
                           create_graph=True)
        jac = F(lib).jacobian(lambda a: a ** 3, x, create_graph=True)
        return lib.autograd.grad((hv.sum(), jac.sum()), x)
    assert_same_outcome(case)
