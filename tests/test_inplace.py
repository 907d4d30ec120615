"""In-place ops, version counters, writes through views, and double backward, against PyTorch.

Each scenario is written once against the torch API and run with both
modules; it returns the tensors to compare (values, dtypes, grad_fn names),
or raises, in which case both must raise the same exception type.
"""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same

torch = pytest.importorskip("torch")

A = np.random.default_rng(0).standard_normal((3, 4))
B = np.random.default_rng(1).standard_normal((4, 2))


def leaf(m, array=A, dtype="float64"):
    return m.tensor(array.astype(dtype), requires_grad=True)


def grads(m, out, *inputs, create_graph=False):
    return m.autograd.grad(out, inputs, create_graph=create_graph, allow_unused=True)


# --- in-place arithmetic -----------------------------------------------------------

def inplace_ops_chain(m):
    a = leaf(m)
    x = a * 1
    x.add_(2).sub_(0.5, alpha=2).mul_(a).div_(3).pow_(2).clamp_(max=1.0)
    x += a
    x -= 1
    x *= a
    x /= 2
    return (x, *grads(m, x.sum(), a))


def zero_fill_copy(m):
    a = leaf(m)
    b = leaf(m, B.T)
    x = a.exp()
    y = x.clone().zero_()
    z = x.clone().fill_(2.5)
    w = x.clone().copy_(b[0])  # broadcast copy: the gradient flows to b, not to x
    out = (y + z + w * a).sum()
    return (y, z, w, *grads(m, out, a, b))


def inplace_int_result_error(m):
    x = m.ones(3, dtype=m.int64)
    x.div_(2)


def inplace_broadcast_error(m):
    x = m.ones(3)
    x.add_(m.ones(2, 3))


def modified_saved_tensor_error(m):
    a = leaf(m)
    x = a * 2
    y = x.exp()  # saves its result
    y.add_(1)
    y.sum().backward()


def modified_saved_input_error(m):
    a = leaf(m)
    x = a * 2
    y = x * x  # saves x
    x.mul_(3)
    y.sum().backward()


def leaf_inplace_error(m):
    a = leaf(m)
    a.add_(1)


def leaf_view_inplace_error(m):
    a = leaf(m)
    a[0].mul_(2)


def leaf_setitem_error(m):
    a = leaf(m)
    a[0] = 1.0


def sgd_step_no_grad(m):
    w = leaf(m)
    (w ** 2).sum().backward()
    with m.no_grad():
        w -= 0.1 * w.grad
        w.grad.zero_()
    return w, w.grad


def detach_shares_version(m):
    a = leaf(m)
    x = a.exp()  # saves its result x
    d = x.detach()
    d.zero_()  # writes x's memory and moves x's version counter
    x.sum().backward()


def detach_inplace_keeps_graph(m):
    a = leaf(m)
    x = a * 3
    d = x.detach()
    d.add_(1)
    return x, d, *grads(m, x.sum(), a)


def expand_inplace_error(m):
    m.ones(3).expand(2, 3).add_(1)


# --- writes through views and setitem -----------------------------------------------

def setitem_recorded(m):
    a = leaf(m)
    v = leaf(m, np.arange(4.0))
    x = a.clone()
    x[1] = v * 2
    x[:, 0] = 5.0
    x[x > 1] = 0.0
    return x, *grads(m, (x * a).sum(), a, v)


def setitem_index_tensor(m):
    a = leaf(m)
    v = leaf(m, np.ones((2, 4)))
    x = a * 1
    x[m.tensor([0, 2])] = v * 3
    return x, *grads(m, (x ** 2).sum(), a, v)


def setitem_into_constant(m):
    v = leaf(m, np.arange(4.0))
    x = m.zeros(3, 4, dtype=m.float64)
    x[2] = v.exp()
    return x, *grads(m, (x * 2).sum(), v)


@pytest.mark.parametrize("make_view", [
    lambda x: x[0], lambda x: x[:, 1:3], lambda x: x[1:, ::2], lambda x: x.t(),
    lambda x: x.view(12), lambda x: x.reshape(2, 6)[1], lambda x: x.narrow(1, 1, 2),
    lambda x: x.unsqueeze(0), lambda x: x.transpose(0, 1)[2], lambda x: x[None, 1:].squeeze(0),
], ids=["select", "slice", "step", "t", "view", "reshape_select", "narrow", "unsqueeze",
        "transpose_select", "none_squeeze"])
def test_inplace_through_view(make_view):
    def scenario(m):
        a = leaf(m)
        w = leaf(m, np.array(1.5))
        x = a * 1
        v = make_view(x)
        v.mul_(w).add_(1)
        return x, v, *grads(m, (x * a).sum() + (v ** 2).sum(), a, w)
    compare(scenario)


def view_setitem(m):
    a = leaf(m)
    v = leaf(m, np.arange(2.0))
    x = a.clone()
    row = x[1]
    row[1:3] = v
    return x, row, *grads(m, (x ** 2).sum(), a, v)


def view_of_constant_with_grad_arg(m):
    w = leaf(m, np.arange(2.0))
    x = m.zeros(3, 2, dtype=m.float64)
    x[1:].add_(w)
    return x, *grads(m, (x * 3).sum(), w)


def split_piece_inplace_error(m):
    x = leaf(m) * 1
    x.split(2)[0].mul_(2)


def unbind_piece_inplace_error(m):
    x = leaf(m) * 1
    x.unbind()[0].mul_(2)


def masked_fill_inplace(m):
    a = leaf(m)
    x = a * 2
    x.masked_fill_(x > 0, 0.5)
    return x, *grads(m, (x * a).sum(), a)


def scatter_inplace(m):
    a = leaf(m)
    x = a * 2
    x.scatter_(1, m.tensor([[0], [2], [1]]), 7.0)
    x.scatter_add_(0, m.tensor([[0, 1, 2, 0]]), a[:1] * 3)
    return x, *grads(m, (x * a).sum(), a)


# --- double backward ---------------------------------------------------------------

def double_backward_matmul(m):
    a = leaf(m)
    b = leaf(m, B)
    y = ((a @ b) ** 2).sum()
    ga, gb = grads(m, y, a, b, create_graph=True)
    return ga, gb, *grads(m, (ga ** 2).sum() + gb.sum(), a, b)


def double_backward_indexing(m):
    a = leaf(m)
    y = (a[[0, 2, 0]] ** 3).sum() + (a[1:, ::2] ** 2).sum() + (a[a > 0] ** 2).sum()
    (ga,) = grads(m, y, a, create_graph=True)
    return ga, *grads(m, (ga * a).sum(), a)


def double_backward_gather(m):
    a = leaf(m)
    index = m.tensor([[0, 3], [1, 1], [2, 0]])
    y = (a.gather(1, index) ** 3).sum() + (a.index_select(0, m.tensor([2, 2])) ** 2).sum()
    (ga,) = grads(m, y, a, create_graph=True)
    return ga, *grads(m, (ga ** 2).sum(), a)


def double_backward_max_dim(m):
    a = leaf(m)
    values, _ = (a ** 2).max(1)
    (ga,) = grads(m, values.sum(), a, create_graph=True)
    return ga, *grads(m, ga.sum(), a)


def inplace_on_vector_matrix_product(m):
    # matmul and linear squeeze their (1, n) product in place: the result is not a view
    a = leaf(m)
    u, w = leaf(m, A[:, 0]), leaf(m, A[0])
    y = u.matmul(a)
    z = m.nn.functional.linear(w, a)
    y.mul_(2)
    z.mul_(3)
    return (y, z, *grads(m, (y * y).sum() + (z * z).sum(), a, u, w))


def double_backward_einsum(m):
    a = leaf(m)
    b = leaf(m, B)
    y = (m.einsum("ij,jk->ik", a, b) ** 2).sum()
    ga, gb = grads(m, y, a, b, create_graph=True)
    return ga, gb, *grads(m, (ga ** 2).sum() + (gb ** 2).sum(), a, b)


SCENARIOS = [
    inplace_ops_chain, zero_fill_copy, inplace_int_result_error, inplace_broadcast_error,
    modified_saved_tensor_error, modified_saved_input_error, leaf_inplace_error,
    leaf_view_inplace_error, leaf_setitem_error, sgd_step_no_grad, detach_shares_version,
    detach_inplace_keeps_graph, expand_inplace_error, setitem_recorded, setitem_index_tensor,
    setitem_into_constant, view_setitem, view_of_constant_with_grad_arg,
    split_piece_inplace_error, unbind_piece_inplace_error, masked_fill_inplace, scatter_inplace,
    double_backward_matmul, double_backward_indexing, double_backward_gather,
    double_backward_max_dim, double_backward_einsum, inplace_on_vector_matrix_product,
]


def compare(scenario) -> None:
    try:
        theirs = scenario(torch)
    except Exception as e:
        with pytest.raises(type(e)):
            scenario(cr)
        return
    ours = scenario(cr)
    for i, (o, t) in enumerate(zip(ours, theirs, strict=True)):
        assert_same(o, t, rtol=1e-10, atol=1e-12)
        if t is not None and t.grad_fn is not None:
            assert o.grad_fn is not None, i
            # einsum's nodes follow PyTorch's kernels; chainrule records one EinsumBackward0
            if "einsum" not in scenario.__name__:
                assert o.grad_fn.name() == t.grad_fn.name(), (i, o.grad_fn.name())
                assert type(o.grad_fn).__name__ == type(t.grad_fn).__name__, i


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_matches_torch(scenario):
    compare(scenario)


def test_error_messages_say_how_to_fix():
    with pytest.raises(RuntimeError, match="leaf Variable.*Fix"):
        leaf_inplace_error(cr)
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*Fix"):
        modified_saved_input_error(cr)
    with pytest.raises(RuntimeError, match="view of a leaf Variable.*Fix"):
        leaf_view_inplace_error(cr)
    with pytest.raises(RuntimeError, match="more than one element.*clone"):
        expand_inplace_error(cr)
    with pytest.raises(ValueError, match="step must be greater than zero"):
        cr.ones(3)[::-1]


def test_version_counter_moves():
    x = cr.ones(3)
    v = x[1:]
    d = x.detach()
    start = x._version
    v.add_(1)
    d.mul_(2)
    assert x._version == v._version == d._version == start + 2
    assert x.tolist() == [2.0, 4.0, 4.0]


def test_gradcheck_through_view_write():
    from chainrule.autograd import gradcheck, gradgradcheck

    def f(a, w):
        x = a * 1
        x[1:, :2].mul_(w)
        x.t()[0] += w ** 2
        return x

    a = cr.tensor(A, requires_grad=True)
    w = cr.tensor(0.7, dtype=cr.float64, requires_grad=True)
    assert gradcheck(f, (a, w))
    assert gradgradcheck(f, (a, w))


# --- views taken before an in-place change of their base are re-derived -------------

def stale_view_after_base_inplace(m):
    a = leaf(m)
    x = a * 1
    v = x[0]
    x.mul_(3)
    return v, *grads(m, (v * a[0]).sum(), a)


def stale_view_after_other_view_write(m):
    a = leaf(m)
    w = leaf(m, np.array(2.0))
    x = a * 1
    row = x[1]
    col = x[:, 2]
    row.mul_(w)
    return col, *grads(m, (col ** 2).sum(), a, w)


def stale_view_then_inplace(m):
    a = leaf(m)
    x = a * 1
    v = x[1:]
    x.mul_(2)
    v.add_(a[1:])
    return x, v, *grads(m, (x * a).sum(), a)


@pytest.mark.parametrize("scenario", [stale_view_after_base_inplace,
                                      stale_view_after_other_view_write,
                                      stale_view_then_inplace], ids=lambda s: s.__name__)
def test_stale_views(scenario):
    compare(scenario)
