"""``Tensor.set_``: a tensor made to refer to other memory, and what autograd makes of it,
compared with PyTorch."""
from __future__ import annotations

import pytest

from both_libraries import same_verdict


def _shares_memory(lib):
    x, y = lib.zeros(2), lib.arange(4.0)
    same = x.set_(y) is x
    y[0] = 7.0
    x[1] = 9.0
    return same, x.tolist(), y.tolist(), tuple(x.shape), x._version, y._version


def _empty(lib):
    x = lib.ones(3)
    return x.set_() is x, tuple(x.shape), x.tolist()


def _from_storage(lib):
    v = lib.arange(6.0)
    return (lib.zeros(2).set_(v.untyped_storage(), 1, (2,), (2,)).tolist(),
            lib.zeros(2).set_(v.untyped_storage()).tolist(),
            lib.zeros(2).set_(v, 2, (2, 2)).tolist())


@pytest.mark.parametrize("scenario", [_shares_memory, _empty, _from_storage])
def test_set_makes_the_tensor_refer_to_the_source_memory(scenario):
    same_verdict(scenario)


@pytest.mark.parametrize("scenario", [
    lambda lib: lib.zeros(2).set_(lib.zeros(2, dtype=lib.int64)),
    lambda lib: lib.zeros(2, dtype=lib.float64).set_(lib.arange(3.0).storage()),
    lambda lib: lib.zeros(2).set_(3),
    lambda lib: lib.ones(2, requires_grad=True).set_(lib.zeros(2)),
])
def test_set_refuses_what_pytorch_refuses(scenario):
    same_verdict(scenario)


def _old_graph_no_longer_reaches_a_set_leaf(lib):
    x = lib.rand(2, requires_grad=True)
    edge = lib.autograd.graph.get_gradient_edge(x)
    out = x.clone() * 3
    with lib.no_grad():
        x.set_(lib.ones(2))
    try:
        lib.autograd.grad(out.sum(), x)
        reached = True
    except RuntimeError as e:
        reached = "appears to not have been used in the graph" in str(e)
    (through_edge,) = lib.autograd.grad(out.sum(), edge)
    # A new graph reaches the new node, and accumulates into the same .grad.
    (x * 2).sum().backward()
    return reached, through_edge.tolist(), x.grad.tolist(), x.is_leaf, x.requires_grad


def _recorded_set_has_no_derivative(lib):
    c = lib.rand(2, requires_grad=True).clone()
    c.set_(lib.rand(3, requires_grad=True) * 1)
    name = type(c.grad_fn).__name__
    c.sum().backward()
    return name


def _unrecorded_set_keeps_history(lib):
    c = lib.rand(2, requires_grad=True).clone()
    with lib.no_grad():
        c.set_(lib.rand(3))
    return c.grad_fn.name(), c.requires_grad, tuple(c.shape)


@pytest.mark.parametrize("scenario", [_old_graph_no_longer_reaches_a_set_leaf,
                                      _recorded_set_has_no_derivative,
                                      _unrecorded_set_keeps_history])
def test_set_and_the_graph(scenario):
    same_verdict(scenario)
