"""Graphs and the cyclic garbage collector: every reference cycle through a graph is freed.

The compiled core leaves the tuples it records (a node's ``next_functions``, its pairs, its
saved values) out of the collector's lists and has the node walk them instead
(``engine/_core_node.c``).  Each test here builds a graph with a reference cycle through
its nodes, checks that the cycle holds it alive, drops it, and checks that one collection
frees it; both cores run them (``make test`` runs the suite once with each).  The cycles
go through every kind of reference a node has: its ``__dict__`` (hooks, retain_grad,
metadata), a custom Function's ctx, saved values packed by ``saved_tensors_hooks``, and
its plain edges (a leaf's ``.grad`` after ``create_graph``, attributes of leaves and of
saved tensors, ``next_functions`` handed out to Python).
"""
from __future__ import annotations

import contextlib
import gc
import tracemalloc
import weakref

import pytest

import chainrule as cr


@contextlib.contextmanager
def collector_paused():
    """No automatic collection inside: a test sees the cycle before it collects it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def freed_only_by_collection(make) -> None:
    """``make()`` builds a graph with a cycle and returns a tensor in it; that tensor must
    outlive its last name (the cycle), and die in one ``gc.collect()``."""
    with collector_paused():
        ref = weakref.ref(make())
        assert ref() is not None, "no cycle: the test would not test the collector"
        gc.collect()
        assert ref() is None, "a reference cycle through the graph was not freed"


def chain(x, n=5):
    """A few ops of the compiled core's fast path (edges, saved tensors, saved results)."""
    h = x
    for _ in range(n):
        h = (h * h * 0.5 + 0.25).exp() * 0.5
    return h


def leaf():
    return cr.tensor([0.5, -0.25], requires_grad=True)


def test_hook_closure_holding_its_own_output():
    def make():
        y = chain(leaf())
        y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: y)
        y.register_hook(lambda grad: y.sum())
        return y
    freed_only_by_collection(make)


def test_retain_grad_and_grad_of_a_non_leaf():
    def make():
        y = chain(leaf())
        y.retain_grad()
        y.sum().backward(retain_graph=True)
        y.grad.keep = y  # the retained .grad points back at its tensor
        return y
    freed_only_by_collection(make)


def test_node_metadata_holding_the_tensor():
    def make():
        y = chain(leaf())
        y.grad_fn.metadata["output"] = y
        return y
    freed_only_by_collection(make)


class KeepOutput(cr.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        out = x * 2.0
        ctx.out = out
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad * 2.0


def test_custom_function_ctx_holding_its_output():
    def make():
        y = KeepOutput.apply(chain(leaf(), 2))
        chain(y, 2).sum().backward(retain_graph=True)
        return y
    freed_only_by_collection(make)


def test_saved_tensors_hooks_packing_the_tensor_itself():
    def make():
        x = leaf()
        with cr.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            y = chain(x).exp()  # exp saves its result: packed, that is y itself
        return y
    freed_only_by_collection(make)


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")
def test_leaf_grad_with_create_graph():
    # x.grad's graph reaches x's AccumulateGrad, which holds x: a cycle through plain edges
    # (one PyTorch leaks, as it warns).
    def make():
        x = leaf()
        chain(x).sum().backward(create_graph=True)
        assert x.grad.grad_fn is not None
        return x
    freed_only_by_collection(make)


def test_leaf_attribute_holding_a_later_result():
    def make():
        x = leaf()
        x.later = chain(x)
        return x
    freed_only_by_collection(make)


def test_saved_input_holding_a_later_result():
    def make():
        x = leaf()
        t = x * 3.0
        y = chain(t * t)  # t is saved by the multiplication
        t.later = y
        return y
    freed_only_by_collection(make)


def test_next_functions_handed_out_and_kept_in_a_cycle():
    def make():
        x = leaf()
        y = chain(x)
        x.later = y
        x.edges = y.grad_fn.next_functions
        x.edge = y.grad_fn.next_functions[0][0].next_functions[0]
        x.saved = y.grad_fn.next_functions[0][0]._saved
        return x
    freed_only_by_collection(make)


def test_every_node_handed_out_and_kept_in_a_cycle():
    # The compiled core leaves a chain's nodes that only their consumer holds to that
    # consumer: reading next_functions hands them out, and they must be tracked again.
    def make():
        x = leaf()
        y = chain(x, 20)
        nodes, todo = {}, [y.grad_fn]
        while todo:
            node = todo.pop()
            if id(node) not in nodes:
                nodes[id(node)] = node
                todo.extend(fn for fn, _ in node.next_functions if fn is not None)
        x.nodes = nodes  # AccumulateGrad(x) is among them: a cycle through every node
        return x
    freed_only_by_collection(make)


def test_next_functions_outlive_a_collected_graph():
    # Edges read before the graph became garbage still lead to whole nodes after it is freed.
    with collector_paused():
        y = chain(leaf())
        edges = y.grad_fn.next_functions
        y.grad_fn.metadata["output"] = y
        del y
        gc.collect()
        node = edges[0][0]
        assert node.name() == "ExpBackward0"
        assert node.next_functions[0][0].name() == "AddBackward0"
        assert node.input_meta is not None


def test_backward_after_reading_the_graph():
    x = leaf()
    y = chain(x, 3)
    seen, todo = [], [y.grad_fn]
    while todo:  # walk the whole graph from Python first (its tuples become shared)
        node = todo.pop()
        seen.append(node.name())
        todo.extend(fn for fn, _ in node.next_functions if fn is not None)
    y.sum().backward()
    expected = leaf()
    chain(expected, 3).sum().backward()
    assert x.grad.tolist() == expected.grad.tolist()
    assert "torch::autograd::AccumulateGrad" in seen


def test_a_dropped_chain_frees_everything():
    def run():
        x = cr.tensor(1.0, requires_grad=True)
        h = x
        for _ in range(2000):
            h = h * 0.9999 + 0.0001
        h.backward()
        return x.grad

    run()
    gc.collect()
    tracemalloc.start()
    try:
        sizes = []
        for _ in range(4):
            run()
            sizes.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    assert max(sizes) - min(sizes) < 16 * 1024, sizes
    # and without a collection: the chain holds no cycle, reference counting frees it
    with collector_paused():
        before = len(gc.get_objects())
        run()
        assert len(gc.get_objects()) - before < 50


def test_the_compiled_core_leaves_few_tracked_objects_in_a_chain():
    # The pure core leaves three per op (node, next_functions, one pair per input): the
    # collector's work on a long graph.  The compiled core leaves the tuples to their node,
    # and a node only its consumer holds to that consumer (up to 16 in a row).
    with collector_paused():
        x = cr.tensor(1.0, requires_grad=True)
        gc.collect()
        before = len(gc.get_objects())
        h = x
        for _ in range(500):
            h = h * 0.9999 + 0.0001
        gc.collect()
        per_op = (len(gc.get_objects()) - before) / 1000
    assert per_op <= (0.2 if cr.engine.core_name() == "compiled" else 3.05), per_op
    del h
