"""The graph API: ``GradientEdge``/``get_gradient_edge`` as outputs and ``inputs=`` of
``grad``/``backward``, and ``grad(is_grads_batched=True)``, compared with PyTorch."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, torch_or_skip


def both(build):
    """Run ``build(lib, values)`` with chainrule and with PyTorch on the same numbers."""
    torch = torch_or_skip()
    values = np.random.default_rng(0).standard_normal((2, 3))
    return build(cr, values), build(torch, values)


def test_edge_of_a_leaf_and_of_a_result():
    def build(lib, values):
        x = lib.tensor(values, requires_grad=True)
        y = (x * 2).relu()
        leaf, inner = lib.autograd.graph.get_gradient_edge(x), \
            lib.autograd.graph.get_gradient_edge(y)
        return (leaf.node.name(), leaf.output_nr, inner.node.name(), inner.output_nr,
                inner.node is y.grad_fn, leaf.ownership_token)
    ours, theirs = both(build)
    assert ours == theirs


def test_edge_of_a_tensor_without_grad_is_an_error():
    torch = torch_or_skip()
    for lib in (cr, torch):
        with pytest.raises(RuntimeError, match="does not require gradients"):
            lib.autograd.graph.get_gradient_edge(lib.ones(2))


def test_grad_to_an_edge_survives_an_in_place_change():
    def build(lib, values):
        x = lib.tensor(values, requires_grad=True).clone()
        old = lib.autograd.graph.get_gradient_edge(x)
        x.mul_(3)
        y = (x * x).sum()
        return lib.autograd.grad(y, (old, x))
    ours, theirs = both(build)
    for a, b in zip(ours, theirs):
        assert_same(a, b)


def test_grad_to_edges_equals_grad_to_tensors_including_several_outputs():
    def build(lib, values):
        x = lib.tensor(values, requires_grad=True)
        a, b = x.unbind(0)
        y = (a * b.exp()).sum()
        edges = [lib.autograd.graph.GradientEdge(t.grad_fn, t.output_nr) for t in (a, b)]
        by_edge = lib.autograd.grad(y, edges, retain_graph=True)
        by_tensor = lib.autograd.grad(y, (a, b))
        return by_edge + by_tensor
    ours, theirs = both(build)
    for a, b in zip(ours, theirs):
        assert_same(a, b)


def test_backward_from_an_edge_and_to_an_edge():
    def build(lib, values):
        x = lib.tensor(values[0, :1], requires_grad=True)
        w = lib.tensor(values[1, :1], requires_grad=True)
        out = (x * w).clone()
        edge = lib.autograd.graph.get_gradient_edge(out)
        lib.autograd.backward(edge, retain_graph=True)  # the implicit gradient: ones
        del out
        lib.autograd.backward(edge, inputs=lib.autograd.graph.get_gradient_edge(x))
        return x.grad, w.grad
    ours, theirs = both(build)
    for a, b in zip(ours, theirs):
        assert_same(a, b)


def test_materialize_grads_refuses_an_unused_edge():
    torch = torch_or_skip()
    for lib in (cr, torch):
        x = lib.ones(2, requires_grad=True).clone()
        y = lib.ones(2, requires_grad=True).clone()
        edge_y = lib.autograd.graph.get_gradient_edge(y)
        with pytest.raises(RuntimeError, match="materialize_grads cannot be used when the "
                                               "given input is a GradientEdge"):
            lib.autograd.grad(x.sum(), (x, edge_y), materialize_grads=True)
        assert lib.autograd.grad(x.sum(), (x, edge_y), allow_unused=True)[1] is None


@pytest.mark.parametrize("create_graph", [False, True])
def test_batched_grads_are_one_vector_jacobian_product_per_row(create_graph):
    def build(lib, values):
        x = lib.tensor(values, requires_grad=True)
        y = x.sin() * x.sum(0)
        vectors = lib.tensor(np.arange(4 * 6, dtype=np.float64).reshape(4, 2, 3) / 7)
        (g,) = lib.autograd.grad(y, x, vectors, is_grads_batched=True,
                                 create_graph=create_graph)
        second = lib.autograd.grad(g.sum(), x)[0] if create_graph else None
        return g, second
    (g, second), (tg, tsecond) = both(build)
    assert_same(g.detach(), tg.detach())
    assert_same(second, tsecond)


def test_batched_grads_check_the_shape():
    torch = torch_or_skip()
    for lib in (cr, torch):
        x = lib.ones(2, 2, requires_grad=True)
        with pytest.raises(RuntimeError, match="If `is_grads_batched=True`, we interpret the "
                                               "first dimension"):
            lib.autograd.grad(x.sum(), x, lib.ones(2, 1), is_grads_batched=True)


def nested_backward_function(lib, depths: list):
    class Nested(lib.autograd.Function):
        """Each backward runs one more backward pass inside it, ``depth`` passes deep."""

        @staticmethod
        def forward(ctx, x, depth):
            ctx.depth = depth
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            depths.append(lib.is_grad_enabled())
            if ctx.depth > 0:
                inner = lib.ones(1, requires_grad=True)
                with lib.enable_grad():
                    Nested.apply(inner, ctx.depth - 1).sum().backward()
            return grad * 2, None
    return Nested


def test_deeply_nested_backward_passes_do_not_overflow_the_stack():
    torch = torch_or_skip()
    results = []
    for lib in (cr, torch):
        modes = []
        x = lib.ones(1, requires_grad=True)
        nested_backward_function(lib, modes).apply(x, 300).sum().backward()
        results.append((x.grad.tolist(), len(modes), set(modes)))
    assert results[0] == results[1]
