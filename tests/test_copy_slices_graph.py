"""In-place ops through views: CopySlices wraps the op's node, as in PyTorch, so the graph
(next_functions), the double-backward graph and the second derivatives match PyTorch's."""
from __future__ import annotations

import numpy as np
import pytest

from both_libraries import same_verdict


def _names(fn, depth: int) -> list:
    """The node names of the graph below ``fn``, depth first, ``depth`` levels deep."""
    if fn is None:
        return [None]
    if depth == 0:
        return [fn.name()]
    return [fn.name(), [_names(child, depth - 1) for child, _ in fn.next_functions]]


def _mul_through_a_slice(lib):
    a = lib.ones(4, requires_grad=True)
    b = a * 1
    w = lib.ones(2, requires_grad=True)
    b[:2].mul_(w)
    return _names(b.grad_fn, 2)


def _threshold_penalty(lib):
    """PyTorch's issue-10532 program: a gradient penalty through an in-place threshold on a
    view; the penalty's graph and the gradient it gives."""
    x = lib.tensor(np.linspace(-1.5, 1.5, 12).reshape(1, 3, 2, 2), requires_grad=True)
    tmp = lib.nn.functional.threshold((x + 1).view_as(x), 0.0, 0.0, True)
    out = lib.sigmoid(tmp)
    (g,) = lib.autograd.grad(out, x, lib.ones(out.size()), create_graph=True)
    penalty = g.sum()
    penalty.backward()
    # (Two levels: below them chainrule's as_strided backward and the in-place op's saved
    # input are recorded with other nodes than PyTorch's, computing the same values.)
    return _names(penalty.grad_fn, 2), np.round(x.grad.numpy(), 10).tolist()


def _second_derivative_through_views(lib):
    x = lib.tensor(np.linspace(0.5, 2.0, 6).reshape(2, 3), dtype=lib.float64,
                   requires_grad=True)
    w = lib.tensor([0.3, -0.7, 1.1], dtype=lib.float64, requires_grad=True)
    y = x * 2 + 1
    y[1].mul_(w)
    y.t()[0].pow_(2)
    (gx, gw) = lib.autograd.grad((y * y).sum(), (x, w), create_graph=True)
    (hx, hw) = lib.autograd.grad((gx * gx).sum() + gw.sum(), (x, w))
    return [np.round(t.detach().numpy(), 8).tolist() for t in (gx, gw, hx, hw)]


def _relu_in_place_in_a_module(lib):
    net = lib.nn.Sequential(lib.nn.InstanceNorm2d(2), lib.nn.ReLU(True))
    x = lib.tensor([[[[1.0, 1.0]]]], requires_grad=True)
    (g,) = lib.autograd.grad(net(x).pow(2), [x], grad_outputs=x.new_ones(x.shape),
                             create_graph=True)
    (gg,) = lib.autograd.grad(g.sum(), [x])
    return g.tolist(), gg.tolist()


def _saved_result_of_a_view_that_is_gone(lib):
    """exp_ saves its result; the view it wrote through is not kept by anyone, yet double
    backward through that result must work (and give PyTorch's values)."""
    x = lib.ones(2, 3, dtype=lib.float64, requires_grad=True)
    y = x * 2 + 1
    y[0].exp_()
    (g,) = lib.autograd.grad((y * y).sum(), x, create_graph=True)
    (gg,) = lib.autograd.grad(g.sum(), x)
    return np.round(g.detach().numpy(), 6).tolist(), np.round(gg.numpy(), 6).tolist()


@pytest.mark.parametrize("scenario", [_mul_through_a_slice, _threshold_penalty,
                                      _second_derivative_through_views,
                                      _relu_in_place_in_a_module,
                                      _saved_result_of_a_view_that_is_gone])
def test_in_place_through_a_view_as_pytorch(scenario):
    same_verdict(scenario)
