"""Property tests: hypothesis over shapes, ops and random graphs.

The state machine builds random graphs (reuse, detach, no_grad, repeated
backward, zero_) with chainrule and, in parallel, with a tiny independent
reverse-mode engine written here on plain NumPy; leaf gradients must agree.
"""
import gc
import weakref

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

import chainrule as cr

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 1),
    "maximum": lambda a, b: cr.maximum(a, b) if isinstance(a, cr.Tensor) else np.maximum(a, b),
}
UNARY = {
    "sin": lambda a: a.sin() if isinstance(a, cr.Tensor) else np.sin(a),
    "tanh": lambda a: a.tanh() if isinstance(a, cr.Tensor) else np.tanh(a),
    "exp_neg_sq": lambda a: (-(a * a)).exp() if isinstance(a, cr.Tensor) else np.exp(-a * a),
    "square": lambda a: a * a,
}


def broadcastable_pair():
    return hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4)


@SETTINGS
@given(shapes=broadcastable_pair(), op=st.sampled_from(sorted(BINARY)), seed=st.integers(0, 99))
def test_inputs_never_mutated_and_gradients_never_aliased(shapes, op, seed):
    rng = np.random.default_rng(seed)
    (sa, sb), _ = shapes
    a0 = rng.standard_normal(sa)
    b0 = rng.standard_normal(sb)
    a = cr.tensor(a0, requires_grad=True)
    b = cr.tensor(b0, requires_grad=True)
    out = BINARY[op](a, b)
    (out * 2).sum().backward()  # * 2: the op's backward then receives a fresh array, not a view
    np.testing.assert_array_equal(a.detach().numpy(), a0)
    np.testing.assert_array_equal(b.detach().numpy(), b0)
    assert a.grad.shape == a.shape and b.grad.shape == b.shape
    for g, other in ((a.grad, b.grad), (a.grad, a), (b.grad, b), (a.grad, out)):
        assert not np.shares_memory(g.numpy(), other.detach().numpy())


@SETTINGS
@given(shapes=broadcastable_pair(), op=st.sampled_from(sorted(BINARY)))
def test_graph_freed_after_backward(shapes, op):
    (sa, sb), _ = shapes
    a = cr.ones(sa, requires_grad=True)
    b = cr.ones(sb, requires_grad=True)
    out = BINARY[op](a, b).sum()
    node = weakref.ref(out.grad_fn)
    out.backward()
    del out
    assert node() is None  # no cycle keeps the graph: it goes without gc.collect()


@SETTINGS
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
       names=st.lists(st.sampled_from(sorted(UNARY)), min_size=1, max_size=4),
       seed=st.integers(0, 99))
def test_chain_of_unary_ops_matches_reference_engine(shape, names, seed):
    x0 = np.random.default_rng(seed).standard_normal(shape)
    x = cr.tensor(x0, requires_grad=True)
    y = x
    ref = Ref.leaf(x0)
    r = ref
    for n in names:
        y = UNARY[n](y)
        r = Ref.unary(n, r)
    y.sum().backward()
    grads = Ref.backward(r)
    np.testing.assert_allclose(x.grad.numpy(), grads.get(id(ref), np.zeros(shape)),
                               rtol=1e-10, atol=1e-12)


class Ref:
    """The smallest reverse-mode engine: values, parents and local derivative functions."""

    def __init__(self, value, parents=()):
        self.value = value
        self.parents = parents  # (parent, vjp) pairs

    @staticmethod
    def leaf(value):
        return Ref(np.asarray(value, dtype=np.float64))

    @staticmethod
    def unary(name, a):
        v = a.value
        d = {"sin": np.cos(v), "tanh": 1 - np.tanh(v) ** 2,
             "exp_neg_sq": -2 * v * np.exp(-v * v), "square": 2 * v}[name]
        return Ref(UNARY[name](v), ((a, lambda g, d=d: g * d),))

    @staticmethod
    def binary(name, a, b):
        x, y = a.value, b.value
        out = BINARY[name](x, y)
        if name == "add":
            da, db = (lambda g: g), (lambda g: g)
        elif name == "sub":
            da, db = (lambda g: g), (lambda g: -g)
        elif name == "mul":
            da, db = (lambda g: g * y), (lambda g: g * x)
        elif name == "div":
            den = y * y + 1
            da, db = (lambda g: g / den), (lambda g: -g * x * 2 * y / den ** 2)
        else:  # maximum: ties split evenly, as PyTorch
            wa = (x > y) + 0.5 * (x == y)
            wb = (y > x) + 0.5 * (x == y)
            da, db = (lambda g: g * wa), (lambda g: g * wb)
        return Ref(out, ((a, lambda g: _unbroadcast(da(g), x.shape)),
                         (b, lambda g: _unbroadcast(db(g), y.shape))))

    @staticmethod
    def backward(root):
        order, seen, stack = [], set(), [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p, _ in node.parents)
        grads = {id(root): np.ones_like(root.value)}
        for node in reversed(order):
            g = grads.get(id(node))
            if g is None:
                continue
            for parent, vjp in node.parents:
                grads[id(parent)] = grads.get(id(parent), 0) + vjp(g)
        return grads


def _unbroadcast(g, shape):
    while g.ndim > len(shape):
        g = g.sum(0)
    for i, n in enumerate(shape):
        if n == 1 and g.shape[i] != 1:
            g = g.sum(i, keepdims=True)
    return g


class RandomGraphs(RuleBasedStateMachine):
    """Random graphs built in chainrule and in the reference engine side by side."""

    values = Bundle("values")

    def __init__(self):
        super().__init__()
        self.leaves = []  # (chainrule leaf, reference leaf, accumulated reference grad)

    @rule(target=values, seed=st.integers(0, 10_000))
    def new_leaf(self, seed):
        v = np.random.default_rng(seed).standard_normal(3)
        t = cr.tensor(v, requires_grad=True)
        r = Ref.leaf(v)
        self.leaves.append([t, r, np.zeros(3)])
        return (t, r)

    @rule(target=values, a=values, b=values, op=st.sampled_from(sorted(BINARY)))
    def binary(self, a, b, op):
        return (BINARY[op](a[0], b[0]), Ref.binary(op, a[1], b[1]))

    @rule(target=values, a=values, op=st.sampled_from(sorted(UNARY)))
    def unary(self, a, op):
        return (UNARY[op](a[0]), Ref.unary(op, a[1]))

    @rule(target=values, a=values)
    def detach(self, a):
        return (a[0].detach(), Ref.leaf(a[1].value))

    @rule(target=values, a=values, b=values)
    def under_no_grad(self, a, b):
        with cr.no_grad():
            t = a[0] * b[0]
        assert not t.requires_grad
        return (t, Ref.leaf(a[1].value * b[1].value))

    @rule(a=values)
    def backward(self, a):
        t, r = a
        if not t.requires_grad:
            return
        t.sum().backward(retain_graph=True)
        total = Ref(r.value.sum(), ((r, lambda g: np.broadcast_to(g, r.value.shape)),))
        grads = Ref.backward(total)
        for entry in self.leaves:
            entry[2] = entry[2] + grads.get(id(entry[1]), 0)

    @rule()
    def zero_grads(self):
        for entry in self.leaves:
            if entry[0].grad is not None:
                entry[0].grad.zero_()
            entry[2] = np.zeros(3)

    @invariant()
    def gradients_agree(self):
        for t, _, expected in self.leaves:
            got = t.grad.numpy() if t.grad is not None else np.zeros(3)
            np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9)


RandomGraphs.TestCase.settings = settings(max_examples=30, stateful_step_count=25, deadline=None,
                                          suppress_health_check=[HealthCheck.too_slow])
test_random_graphs = RandomGraphs.TestCase


def test_freed_graph_cannot_be_reused_but_retained_one_can():
    x = cr.ones(3, requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    try:
        y.backward()
    except RuntimeError as e:
        assert "retain_graph" in str(e)
    else:
        raise AssertionError("a third backward through a freed graph must raise")
    gc.collect()
