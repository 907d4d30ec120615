"""torch.* functions and Tensor methods added for course material: softmax, sort/topk and
friends, unique/nonzero, searchsorted, repeat_interleave, meshgrid, diag, tensordot, kron,
inverse/det, ... — checked against PyTorch (values, dtypes, shapes, gradients, errors)."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.autograd import forward_ad as fwAD
from helpers import assert_same, from_torch, to_torch

torch = pytest.importorskip("torch")


def _pair(shape, seed=0, dtype=np.float32, ties=False, requires_grad=True):
    """The same random tensor in chainrule and in PyTorch (with repeated values if ``ties``)."""
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 4, shape) if ties else rng.standard_normal(shape)
    data = np.asarray(data, dtype=dtype)
    ours = cr.tensor(data.copy(), requires_grad=requires_grad)
    theirs = torch.tensor(data.copy(), requires_grad=requires_grad)
    return ours, theirs


def _check(fn_ours, fn_theirs, *shapes, seed=0, grad=True, **kw):
    """Same output and (for a float output) the same gradients of a random weighted sum."""
    pairs = [_pair(s, seed + i, requires_grad=grad, **kw) for i, s in enumerate(shapes)]
    ours = fn_ours(*[p[0] for p in pairs])
    theirs = fn_theirs(*[p[1] for p in pairs])
    assert_same(ours, theirs)
    if grad:
        w = np.random.default_rng(99).standard_normal(tuple(theirs.shape)).astype(np.float32)
        (ours * cr.tensor(w)).sum().backward()
        (theirs * torch.tensor(w)).sum().backward()
        for (a, b) in pairs:
            assert_same(a.grad, b.grad, rtol=1e-4, atol=1e-5)
    return ours, theirs


# --- softmax ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [0, -1])
def test_softmax_function_and_method(name, dim):
    _check(lambda x: getattr(cr, name)(x, dim), lambda x: getattr(torch, name)(x, dim), (3, 4))
    _check(lambda x: getattr(x, name)(dim), lambda x: getattr(x, name)(dim), (3, 4))
    _check(lambda x: getattr(x, name)(dim=dim, dtype=cr.float64),
           lambda x: getattr(x, name)(dim=dim, dtype=torch.float64), (2, 3))


# --- sort / topk / kthvalue / median / mode / cummax ----------------------------------------

def _same_pair(ours, theirs, name):
    assert repr(ours).startswith(f"torch.return_types.{name}(")
    values, indices = ours
    assert values is ours.values and indices is ours.indices
    assert_same(ours.values, theirs.values)
    assert_same(ours.indices, theirs.indices)


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("ties", [False, True])
def test_sort(descending, dim, ties):
    x, tx = _pair((4, 6), seed=dim + 3, ties=ties)
    ours = cr.sort(x, dim=dim, descending=descending, stable=True)
    theirs = torch.sort(tx, dim=dim, descending=descending, stable=True)
    _same_pair(ours, theirs, "sort")
    assert type(ours.values.grad_fn).__name__ == type(theirs.values.grad_fn).__name__
    _same_pair(x.sort(dim, descending),
               tx.sort(dim=dim, descending=descending, stable=True), "sort")
    assert_same(cr.argsort(x, dim, descending),
                torch.argsort(tx, dim=dim, descending=descending, stable=True))
    assert_same(x.argsort(dim=dim), tx.argsort(dim=dim, stable=True))
    w = torch.randn(theirs.values.shape)
    (ours.values * from_torch(w)).sum().backward()
    (theirs.values * w).sum().backward()
    assert_same(x.grad, tx.grad)


def test_sort_nan_ints_and_0d():
    data = np.array([2., np.nan, -1., np.nan, 5.], dtype=np.float32)
    for descending in (False, True):
        _same_pair(cr.sort(cr.tensor(data), descending=descending),
                   torch.sort(torch.tensor(data), descending=descending, stable=True), "sort")
    ints = np.array([[3, 1, 3], [0, 0, -2]])
    _same_pair(cr.tensor(ints).sort(descending=True),
               torch.tensor(ints).sort(descending=True, stable=True), "sort")
    _same_pair(cr.sort(cr.tensor(3.)), torch.sort(torch.tensor(3.)), "sort")
    assert_same(cr.msort(cr.tensor(ints)), torch.msort(torch.tensor(ints)))


@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("dim", [0, -1])
def test_topk(largest, dim):
    x, tx = _pair((5, 6), seed=7)  # no ties: the selected indices are unique
    ours, theirs = cr.topk(x, 3, dim=dim, largest=largest), torch.topk(tx, 3, dim, largest)
    _same_pair(ours, theirs, "topk")
    assert type(ours.values.grad_fn).__name__ == "TopkBackward0"
    _same_pair(x.topk(2, dim), tx.topk(2, dim), "topk")
    w = torch.randn(theirs.values.shape)
    (ours.values * from_torch(w)).sum().backward()
    (theirs.values * w).sum().backward()
    assert_same(x.grad, tx.grad)


def test_topk_ties_and_errors():
    x, tx = _pair((3, 8), seed=1, ties=True)
    ours, theirs = cr.topk(x, 4), torch.topk(tx, 4)
    assert_same(ours.values, theirs.values)  # PyTorch's choice among ties is unspecified
    assert_same(cr.gather(x, 1, ours.indices), ours.values)
    _same_pair(cr.topk(cr.tensor(2.), 1), torch.topk(torch.tensor(2.), 1), "topk")
    with pytest.raises(RuntimeError):
        torch.topk(tx, 9)
    with pytest.raises(RuntimeError, match="out of range"):
        cr.topk(x, 9)
    with pytest.raises(IndexError):
        cr.topk(x, 1, dim=2)


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [0, -1])
def test_kthvalue_median_mode(keepdim, dim):
    x, tx = _pair((5, 7), seed=11)
    for ours, theirs, name in [
        (cr.kthvalue(x, 2, dim, keepdim), torch.kthvalue(tx, 2, dim, keepdim), "kthvalue"),
        (x.kthvalue(4, dim=dim, keepdim=keepdim), tx.kthvalue(4, dim, keepdim), "kthvalue"),
        (cr.median(x, dim, keepdim), torch.median(tx, dim, keepdim), "median"),
        (x.median(dim=dim, keepdim=keepdim), tx.median(dim=dim, keepdim=keepdim), "median"),
    ]:
        _same_pair(ours, theirs, name)
        assert type(ours.values.grad_fn).__name__ == type(theirs.values.grad_fn).__name__
        w = torch.randn(theirs.values.shape)
        (ours.values * from_torch(w)).sum().backward()
        (theirs.values * w).sum().backward()
        assert_same(x.grad, tx.grad)
    ints = np.random.default_rng(dim + 5).integers(0, 3, (4, 6))
    _same_pair(cr.mode(cr.tensor(ints), dim, keepdim), torch.mode(torch.tensor(ints), dim, keepdim),
               "mode")
    m, tm = _pair((4, 6), seed=2, ties=True)
    ours, theirs = m.mode(dim, keepdim), tm.mode(dim, keepdim)
    _same_pair(ours, theirs, "mode")
    ours.values.sum().backward()
    theirs.values.sum().backward()
    assert_same(m.grad, tm.grad)


def test_median_all_and_ties():
    x, tx = _pair((3, 4), seed=5, ties=True)
    assert_same(cr.median(x), torch.median(tx))
    cr.median(x).backward()
    torch.median(tx).backward()
    assert_same(x.grad, tx.grad)  # shared evenly between the tied elements
    assert type(cr.median(x).grad_fn).__name__ == "MedianBackward0"
    even = [4., 1., 3., 2.]
    assert_same(cr.tensor(even).median(), torch.tensor(even).median())
    nan = [[1., float("nan"), 0.], [3., 2., 1.]]
    assert_same(cr.median(cr.tensor(nan)), torch.median(torch.tensor(nan)))
    _same_pair(cr.median(cr.tensor(nan), 1), torch.median(torch.tensor(nan), 1), "median")
    with pytest.raises(RuntimeError):
        cr.kthvalue(x, 5)
    with pytest.raises(RuntimeError):
        torch.kthvalue(tx, 5)


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@pytest.mark.parametrize("dim", [0, -1])
def test_cummax_cummin(name, dim):
    x, tx = _pair((5, 6), seed=3, ties=True)
    ours, theirs = getattr(cr, name)(x, dim), getattr(torch, name)(tx, dim)
    _same_pair(ours, theirs, name)
    _same_pair(getattr(x, name)(dim), getattr(tx, name)(dim), name)
    w = torch.randn(theirs.values.shape)
    (ours.values * from_torch(w)).sum().backward()
    (theirs.values * w).sum().backward()
    assert_same(x.grad, tx.grad)
    nan = [1., float("nan"), 3., 0.]
    _same_pair(getattr(cr, name)(cr.tensor(nan), 0), getattr(torch, name)(torch.tensor(nan), 0),
               name)


# --- unique / nonzero / count_nonzero / searchsorted ---------------------------------------

@pytest.mark.parametrize("dim", [None, 0, 1])
def test_unique(dim):
    data = np.random.default_rng(4).integers(0, 3, (5, 3))
    for inverse in (False, True):
        for counts in (False, True):
            ours = cr.unique(cr.tensor(data), return_inverse=inverse, return_counts=counts,
                             dim=dim)
            theirs = torch.unique(torch.tensor(data), return_inverse=inverse,
                                  return_counts=counts, dim=dim)
            ours, theirs = (ours, theirs) if isinstance(theirs, tuple) else ((ours,), (theirs,))
            assert len(ours) == len(theirs)
            for a, b in zip(ours, theirs):
                assert_same(a, b)
    floats = [2.5, -1., 2.5, 0.]
    assert_same(cr.tensor(floats).unique(), torch.tensor(floats).unique())


def test_nonzero_and_count_nonzero():
    data = np.random.default_rng(6).integers(0, 2, (3, 4))
    assert_same(cr.nonzero(cr.tensor(data)), torch.nonzero(torch.tensor(data)))
    assert_same(cr.tensor(data).nonzero(), torch.tensor(data).nonzero())
    for a, b in zip(cr.nonzero(cr.tensor(data), as_tuple=True),
                    torch.nonzero(torch.tensor(data), as_tuple=True)):
        assert_same(a, b)
    for dim in (None, 0, -1, (0, 1)):
        assert_same(cr.count_nonzero(cr.tensor(data), dim=dim),
                    torch.count_nonzero(torch.tensor(data), dim=dim))
    assert_same(cr.tensor([0., 1.]).count_nonzero(), torch.tensor([0., 1.]).count_nonzero())


def test_searchsorted_bucketize():
    seq = [1., 3., 3., 5., 7.]
    values = [[0., 3., 6.], [7., 8., 1.]]
    for right in (False, True):
        assert_same(cr.searchsorted(cr.tensor(seq), cr.tensor(values), right=right),
                    torch.searchsorted(torch.tensor(seq), torch.tensor(values), right=right))
        assert_same(cr.bucketize(cr.tensor(values), cr.tensor(seq), right=right),
                    torch.bucketize(torch.tensor(values), torch.tensor(seq), right=right))
    rows = [[1., 2., 3.], [0., 5., 9.]]
    assert_same(cr.searchsorted(cr.tensor(rows), cr.tensor([[2.5], [5.]]), side="right"),
                torch.searchsorted(torch.tensor(rows), torch.tensor([[2.5], [5.]]), side="right"))
    assert_same(cr.searchsorted(cr.tensor(seq), cr.tensor([4.]), out_int32=True),
                torch.searchsorted(torch.tensor(seq), torch.tensor([4.]), out_int32=True))
    assert_same(cr.searchsorted(cr.tensor(seq), 4.), torch.searchsorted(torch.tensor(seq), 4.))


# --- composed functions -----------------------------------------------------------------

def test_repeat_interleave():
    _check(lambda x: cr.repeat_interleave(x, 2), lambda x: torch.repeat_interleave(x, 2), (2, 3))
    _check(lambda x: x.repeat_interleave(3, dim=-1), lambda x: x.repeat_interleave(3, dim=-1),
           (2, 3))
    _check(lambda x: x.repeat_interleave(cr.tensor([1, 0, 2]), dim=1),
           lambda x: x.repeat_interleave(torch.tensor([1, 0, 2]), dim=1), (2, 3))
    assert_same(cr.repeat_interleave(cr.tensor([2, 0, 1])),
                torch.repeat_interleave(torch.tensor([2, 0, 1])))
    with pytest.raises(RuntimeError):
        cr.repeat_interleave(cr.ones(3), cr.tensor([1, 2]), dim=0)


@pytest.mark.parametrize("indexing", ["ij", "xy"])
def test_meshgrid(indexing):
    a, ta = _pair((3,), seed=1)
    b, tb = _pair((4,), seed=2)
    c, tc = _pair((2,), seed=3)
    ours = cr.meshgrid(a, b, c, indexing=indexing)
    theirs = torch.meshgrid(ta, tb, tc, indexing=indexing)
    for o, t in zip(ours, theirs):
        assert_same(o, t)
    (ours[0] * 2 + ours[1] * ours[2]).sum().backward()
    (theirs[0] * 2 + theirs[1] * theirs[2]).sum().backward()
    for o, t in [(a, ta), (b, tb), (c, tc)]:
        assert_same(o.grad, t.grad)
    for o, t in zip(cr.meshgrid([a, b], indexing=indexing),
                    torch.meshgrid([ta, tb], indexing=indexing)):
        assert_same(o, t)


def test_tile_diag_trace():
    _check(lambda x: cr.tile(x, (2,)), lambda x: torch.tile(x, (2,)), (2, 3))
    _check(lambda x: x.tile((2, 1, 2)), lambda x: x.tile((2, 1, 2)), (2, 3))
    for k in (0, 1, -2):
        _check(lambda x, k=k: cr.diag(x, k), lambda x, k=k: torch.diag(x, k), (3,))
        _check(lambda x, k=k: x.diag(k), lambda x, k=k: x.diag(k), (3, 4))
    _check(lambda x: cr.diag(x, 5), lambda x: torch.diag(x, 5), (3, 4))
    _check(lambda x: cr.trace(x), lambda x: torch.trace(x), (3, 4))
    _check(lambda x: x.trace(), lambda x: x.trace(), (4, 3))
    assert_same(cr.diag(cr.tensor([1, 2])), torch.diag(torch.tensor([1, 2])))
    with pytest.raises(RuntimeError):
        cr.trace(cr.ones(3))
    with pytest.raises(RuntimeError):
        cr.diag(cr.ones(2, 2, 2))


def test_diff():
    _check(lambda x: cr.diff(x), lambda x: torch.diff(x), (3, 5))
    _check(lambda x: x.diff(n=2, dim=0), lambda x: x.diff(n=2, dim=0), (4, 3))
    _check(lambda x, p: cr.diff(x, dim=-1, prepend=p), lambda x, p: torch.diff(x, dim=-1,
                                                                                prepend=p),
           (2, 3), (2, 1))
    _check(lambda x, a: x.diff(append=a), lambda x, a: x.diff(append=a), (2, 3), (2, 2))
    ints = [1, 4, 9, 16]
    assert_same(cr.diff(cr.tensor(ints), 2), torch.diff(torch.tensor(ints), 2))
    bools = [True, False, False, True]
    assert_same(cr.diff(cr.tensor(bools)), torch.diff(torch.tensor(bools)))


def test_take_along_dim():
    idx = np.random.default_rng(0).integers(0, 4, (3, 2))
    _check(lambda x: cr.take_along_dim(x, cr.tensor(idx), dim=1),
           lambda x: torch.take_along_dim(x, torch.tensor(idx), dim=1), (3, 4))
    _check(lambda x: x.take_along_dim(cr.tensor(idx[:1]), dim=-1),
           lambda x: x.take_along_dim(torch.tensor(idx[:1]), dim=-1), (3, 4))
    _check(lambda x: cr.take_along_dim(x, cr.tensor([0, 5, 5])),
           lambda x: torch.take_along_dim(x, torch.tensor([0, 5, 5])), (3, 4))
    x, tx = _pair((3, 4), seed=2)
    assert_same(cr.take_along_dim(x, x.argsort(1), 1), torch.take_along_dim(tx, tx.argsort(1), 1))


def test_multinomial():
    cr.manual_seed(0)
    probs = cr.tensor([[0., 1., 3.], [1., 0., 0.]])
    draws = cr.multinomial(probs, 2)
    assert draws.dtype is cr.int64 and tuple(draws.shape) == (2, 2)
    assert draws[1, 0].item() == 0 and draws[0].tolist() in ([1, 2], [2, 1])
    many = probs[0].multinomial(4000, replacement=True)
    assert tuple(many.shape) == (4000,)
    share = (many == 2).double().mean().item()
    assert 0.7 < share < 0.8  # 3/4 expected
    assert (many != 0).all().item()
    cr.manual_seed(1)
    first = cr.multinomial(probs, 1)
    cr.manual_seed(1)
    assert cr.equal(first, cr.multinomial(probs, 1))
    for bad in [lambda m: m.multinomial(m.tensor([1., 1.]), 3),
                lambda m: m.multinomial(m.tensor([1., -1.]), 1),
                lambda m: m.multinomial(m.tensor([1, 1]), 1)]:
        with pytest.raises(RuntimeError):
            bad(torch)
        with pytest.raises(RuntimeError):
            bad(cr)


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0])
def test_cdist(p):
    _check(lambda a, b: cr.cdist(a, b, p), lambda a, b: torch.cdist(a, b, p), (4, 3), (5, 3))
    _check(lambda a, b: cr.cdist(a, b, p), lambda a, b: torch.cdist(a, b, p), (2, 4, 3),
           (2, 5, 3))


def test_cross_hypot_logaddexp():
    _check(lambda a, b: cr.cross(a, b, dim=1), lambda a, b: torch.cross(a, b, dim=1), (4, 3),
           (4, 3))
    _check(lambda a, b: a.cross(b, dim=-2), lambda a, b: a.cross(b, dim=-2), (2, 3, 4),
           (2, 3, 4))
    _check(lambda a, b: cr.cross(a, b), lambda a, b: torch.linalg.cross(a, b, dim=1), (4, 3),
           (4, 3))
    with pytest.raises(RuntimeError):
        cr.cross(cr.ones(2, 4), cr.ones(2, 4), dim=1)
    _check(lambda a, b: cr.hypot(a, b), lambda a, b: torch.hypot(a, b), (3, 4), (4,))
    _check(lambda a, b: a.hypot(b), lambda a, b: a.hypot(b), (3,), (3,))
    _check(lambda a, b: cr.logaddexp(a, b), lambda a, b: torch.logaddexp(a, b), (3, 4), (4,))
    _check(lambda a, b: a.logaddexp(b * 300), lambda a, b: a.logaddexp(b * 300), (5,), (5,))
    _check(lambda a: cr.logaddexp(a, a), lambda a: torch.logaddexp(a, a), (3,))


def test_addmm_baddbmm():
    _check(lambda c, a, b: cr.addmm(c, a, b), lambda c, a, b: torch.addmm(c, a, b), (2, 4),
           (2, 3), (3, 4))
    _check(lambda c, a, b: c.addmm(a, b, beta=0.5, alpha=2),
           lambda c, a, b: c.addmm(a, b, beta=0.5, alpha=2), (4,), (2, 3), (3, 4))
    _check(lambda c, a, b: cr.baddbmm(c, a, b, alpha=-1),
           lambda c, a, b: torch.baddbmm(c, a, b, alpha=-1), (2, 2, 4), (2, 2, 3), (2, 3, 4))
    _check(lambda c, a, b: c.baddbmm(a, b, beta=2), lambda c, a, b: c.baddbmm(a, b, beta=2),
           (1, 4), (2, 2, 3), (2, 3, 4))
    nan = cr.full((2, 2), float("nan"))
    assert_same(cr.addmm(nan, cr.eye(2), cr.eye(2), beta=0),
                torch.addmm(to_torch(nan), torch.eye(2), torch.eye(2), beta=0))


@pytest.mark.parametrize("dims, shape_a, shape_b", [
    (0, (2, 3), (4,)), (1, (2, 3), (3, 4)), (2, (3, 4, 5), (4, 5, 6)),
    (([1, 0], [0, 2]), (3, 4, 5), (4, 5, 3)), (([2], [-1]), (2, 3, 4), (5, 4)),
])
def test_tensordot(dims, shape_a, shape_b):
    _check(lambda a, b: cr.tensordot(a, b, dims), lambda a, b: torch.tensordot(a, b, dims),
           shape_a, shape_b)


def test_kron():
    _check(lambda a, b: cr.kron(a, b), lambda a, b: torch.kron(a, b), (2, 3), (4, 2))
    _check(lambda a, b: a.kron(b), lambda a, b: a.kron(b), (3,), (2, 2))
    assert_same(cr.kron(cr.tensor([1, 2]), cr.tensor([1, 10])),
                torch.kron(torch.tensor([1, 2]), torch.tensor([1, 10])))


def test_inverse_det():
    rng = np.random.default_rng(0)
    data = (rng.standard_normal((2, 3, 3)) + 3 * np.eye(3)).astype(np.float32)
    for fn in ("inverse", "det"):
        a, ta = cr.tensor(data.copy(), requires_grad=True), torch.tensor(data, requires_grad=True)
        ours, theirs = getattr(cr, fn)(a), getattr(torch, fn)(ta)
        assert_same(ours, theirs, rtol=1e-4, atol=1e-5)
        assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__
        ours.sum().backward()
        theirs.sum().backward()
        assert_same(a.grad, ta.grad, rtol=1e-4, atol=1e-4)
        assert_same(getattr(a[0], fn)(), getattr(ta[0], fn)(), rtol=1e-4, atol=1e-5)
    for bad in (lambda m: m.inverse(m.ones(2, 3)), lambda m: m.det(m.ones(2, 2, dtype=m.int64)),
                lambda m: m.inverse(m.zeros(2, 2))):
        with pytest.raises(RuntimeError):
            bad(torch)
        with pytest.raises(RuntimeError):
            bad(cr)


# (name, function of (module, *inputs), input shapes): values and gradients against PyTorch
MORE = [
    ("diagonal", lambda m, x: m.diagonal(x), [(3, 4)]),
    ("diagonal_offset", lambda m, x: x.diagonal(-1, 2, 0), [(3, 2, 4)]),
    ("diagonal_far", lambda m, x: m.diagonal(x, 5), [(3, 4)]),
    ("masked_select", lambda m, x: m.masked_select(x, x > 0), [(3, 4)]),
    ("masked_select_bcast", lambda m, x: x.masked_select(m.tensor([True, False, True])),
     [(2, 3)]),
    ("take", lambda m, x: m.take(x, m.tensor([[0, 5], [5, 2]])), [(2, 3)]),
    ("ravel", lambda m, x: x.ravel(), [(2, 3)]),
    ("clamp_min", lambda m, x: m.clamp_min(x, 0.1), [(5,)]),
    ("clamp_max", lambda m, x: x.clamp_max(-0.1), [(5,)]),
    ("addcmul", lambda m, x, a, b: m.addcmul(x, a, b, value=0.5), [(3,), (2, 3), (3,)]),
    ("addcdiv", lambda m, x, a, b: x.addcdiv(a, b + 3, value=-2), [(3,), (2, 3), (3,)]),
    ("addmv", lambda m, x, a, b: m.addmv(x, a, b, beta=2), [(2,), (2, 3), (3,)]),
    ("addbmm", lambda m, x, a, b: m.addbmm(x, a, b, alpha=0.5), [(2, 4), (3, 2, 3), (3, 3, 4)]),
    ("nansum", lambda m, x: m.nansum(m.where(x > 0.5, float("nan"), x), dim=1), [(3, 4)]),
    ("nanmean", lambda m, x: m.where(x > 0.5, float("nan"), x).nanmean(0, keepdim=True),
     [(3, 4)]),
    ("fliplr", lambda m, x: m.fliplr(x), [(2, 3)]),
    ("flipud", lambda m, x: x.flipud(), [(2, 3)]),
    ("rot90", lambda m, x: m.rot90(x), [(2, 3)]),
    ("rot90_k", lambda m, x: x.rot90(2, [1, 2]), [(2, 3, 4)]),
    ("rot90_neg", lambda m, x: m.rot90(x, -1, (0, -1)), [(2, 3)]),
    ("atleast_2d", lambda m, x: m.atleast_2d(x), [(3,)]),
    ("atleast_3d", lambda m, x: m.atleast_3d(x), [(2, 3)]),
    ("atleast_1d", lambda m, x: m.atleast_1d(x), [()]),
    ("cartesian_prod", lambda m, a, b: m.cartesian_prod(a, b), [(2,), (3,)]),
    ("dist", lambda m, a, b: m.dist(a, b), [(2, 3), (3,)]),
    ("dist_p1", lambda m, a, b: a.dist(b, 1), [(4,), (4,)]),
    ("deg2rad", lambda m, x: m.deg2rad(x), [(3,)]),
    ("rad2deg", lambda m, x: x.rad2deg(), [(3,)]),
    ("xlogy", lambda m, a, b: m.xlogy(a, b.abs()), [(4,), (4,)]),
    ("logit", lambda m, x: m.logit(x.sigmoid()), [(4,)]),
    ("logit_eps", lambda m, x: x.logit(0.3), [(4,)]),
    ("sgn", lambda m, x: m.sgn(x) * x, [(4,)]),  # sgn's own gradient is 0 (a ZeroTensor)
]


@pytest.mark.parametrize("name", [row[0] for row in MORE])
def test_more_functions(name):
    fn, shapes = next((f, sh) for n, f, sh in MORE if n == name)
    _check(lambda *xs: fn(cr, *xs), lambda *xs: fn(torch, *xs), *shapes)


def test_more_integer_and_bool_results():
    data = np.array([0, 2, 2, 5, 1])
    x, tx = cr.tensor(data), torch.tensor(data)
    assert_same(cr.bincount(x), torch.bincount(tx))
    assert_same(x.bincount(minlength=8), tx.bincount(minlength=8))
    for w in ([1., 2., 3., 4., 5.], [1, 2, 3, 4, 5]):
        assert_same(cr.bincount(x, cr.tensor(w)), torch.bincount(tx, torch.tensor(w)))
    assert_same(cr.isin(x, cr.tensor([2, 5])), torch.isin(tx, torch.tensor([2, 5])))
    assert_same(cr.isin(x, cr.tensor([2]), invert=True),
                torch.isin(tx, torch.tensor([2]), invert=True))
    assert not hasattr(cr.Tensor, "isin") and not hasattr(torch.Tensor, "isin")
    assert_same(cr.isin(x, 2), torch.isin(tx, 2))
    assert_same(cr.argwhere(x), torch.argwhere(tx))
    assert_same(cr.deg2rad(x), torch.deg2rad(tx))
    assert_same(cr.xlogy(x, x), torch.xlogy(tx, tx))
    assert_same(cr.ravel(x), torch.ravel(tx))
    for offset in (0, 1, -1):
        assert_same(cr.triu_indices(3, 4, offset), torch.triu_indices(3, 4, offset))
        assert_same(cr.tril_indices(4, 3, offset), torch.tril_indices(4, 3, offset))
    ours, theirs = cr.aminmax(cr.tensor([[3, 1], [0, 5]]), dim=1, keepdim=True), \
        torch.aminmax(torch.tensor([[3, 1], [0, 5]]), dim=1, keepdim=True)
    assert repr(ours) == repr(theirs)
    assert_same(ours.min, theirs.min)
    assert_same(cr.tensor([2., 1.]).aminmax().max, torch.tensor([2., 1.]).aminmax().max)
    assert_same(cr.atleast_1d(cr.tensor(1.), cr.ones(2))[0],
                torch.atleast_1d(torch.tensor(1.), torch.ones(2))[0])


def test_grad_fn_names():
    x, tx = _pair((3, 3), seed=0)
    v, tv = _pair((3,), seed=1)
    for expr in ["m.diag(x)", "m.diag(v)", "m.diagonal(x)", "m.take(x, m.tensor([1]))",
                 "m.masked_select(x, x > 0)", "m.trace(x)", "x.sort(dim=0).values",
                 "x.sort(dim=0, stable=True).values", "x.topk(2).values", "x.kthvalue(2).values",
                 "x.median()", "x.median(1).values",
                 "x.mode(0).values", "x.cummax(1).values", "x.cummin(0).values",
                 "m.take_along_dim(x, m.tensor([[0]]), 1)",
                 "m.repeat_interleave(x, m.tensor([1, 2, 1]), dim=0)", "m.inverse(x)",
                 "m.det(x)"]:
        ours = eval(expr, {"m": cr, "x": x, "v": v})
        theirs = eval(expr, {"m": torch, "x": tx, "v": tv})
        assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__, expr
    assert_same(cr.take(cr.tensor(3.), cr.tensor([0, 0])),
                torch.take(torch.tensor(3.), torch.tensor([0, 0])))
    assert_same(cr.take(x, cr.tensor([-1, 2])), torch.take(tx, torch.tensor([-1, 2])))
    assert_same(cr.trace(cr.tensor([[1, 2], [3, 4]])), torch.trace(torch.tensor([[1, 2], [3, 4]])))


ERRORS = [
    "m.take(m.ones(2), m.tensor([5]))",
    "m.bincount(m.tensor([-1, 2]))",
    "m.bincount(m.tensor([[1, 2]]))",
    "m.nanmean(m.tensor([1, 2]))",
    "m.fliplr(m.ones(3))",
    "m.rot90(m.ones(2, 2), 1, [0, 0])",
    "m.diagonal(m.ones(2, 2), 0, 1, 1)",
    "m.masked_select(m.ones(2), m.tensor([1, 0]))",
    "m.addcdiv(m.ones(2), m.tensor([1, 2]), m.tensor([1, 2]))",
    "m.hypot(m.tensor([3]), m.tensor([4]))",
    "m.hypot(m.tensor([3.]), 4.)",
    "m.logaddexp(m.tensor([1]), m.tensor([2]))",
    "m.softmax(m.tensor([1, 2]), 0)",
    "m.log_softmax(m.tensor([1, 2]), 0)",
    "m.topk(m.tensor([True, False]), 1)",
    "m.kthvalue(m.tensor([True, False]), 1)",
    "m.median(m.tensor([True, False]))",
    "m.cdist(m.tensor([[1, 2]]), m.tensor([[1, 3]]))",
    "m.cdist(m.ones(2, 3), m.ones(2, 4))",
    "m.cross(m.ones(3), m.ones(2, 3), dim=0)",
    "m.addmm(m.ones(2, 2, dtype=m.int64), m.ones(2, 2), m.ones(2, 2))",
    "m.baddbmm(m.ones(1, 2, 2, dtype=m.int64), m.ones(1, 2, 2), m.ones(1, 2, 2))",
    "m.tensordot(m.ones(2, 3), m.ones(3, 2), dims=([1], [0, 1]))",
    "m.tensordot(m.ones(2, 3), m.ones(2, 3), dims=1)",
    "m.trace(m.ones(2, 2, dtype=m.bool))",
    "m.diag(m.tensor(5))",
    "m.diff(m.tensor(1.))",
    "m.sort(m.ones(3), dim=1)",
    "m.meshgrid(m.ones(2, 2), indexing='ij')",
    "m.searchsorted(m.ones(2, 3), m.ones(3, 1))",
    "m.bucketize(m.ones(2), m.ones(2, 2))",
    "m.take_along_dim(m.ones(2, 3), m.tensor([0]), 1)",
    "m.repeat_interleave(m.ones(2), m.tensor([-1, 1]))",
    "m.mode(m.ones(0, 2), 0)",
]


@pytest.mark.parametrize("expr", ERRORS)
def test_error_types(expr):
    with pytest.raises(Exception) as theirs:
        eval(expr, {"m": torch})
    with pytest.raises(Exception) as ours:
        eval(expr, {"m": cr})
    assert type(ours.value) is type(theirs.value), (ours.value, theirs.value)


def test_logaddexp_infinities():
    for v in (float("inf"), -float("inf")):
        assert_same(cr.logaddexp(cr.tensor([v, 1.]), cr.tensor([v, 2.])),
                    torch.logaddexp(torch.tensor([v, 1.]), torch.tensor([v, 2.])))


# --- gradchecks (float64) and forward mode ----------------------------------------------------

def _f64(*shape, seed=0):
    data = np.random.default_rng(seed).standard_normal(shape)
    return cr.tensor(data, dtype=cr.float64, requires_grad=True)


GRADCHECKS = {
    "sort": (lambda x: cr.sort(x, 0, descending=True).values, [(4, 3)]),
    "topk": (lambda x: cr.topk(x, 2, dim=-1).values, [(3, 5)]),
    "kthvalue": (lambda x: cr.kthvalue(x, 2, 1, keepdim=True).values, [(3, 4)]),
    "median": (lambda x: cr.median(x, 0).values, [(5, 2)]),
    "median_all": (lambda x: cr.median(x), [(5,)]),
    "cummax": (lambda x: cr.cummax(x, 1).values, [(2, 5)]),
    "mode": (lambda x: cr.mode(x, 0).values, [(3, 2)]),
    "take_along_dim": (lambda x: cr.take_along_dim(x, cr.tensor([[1], [0]]), 1), [(2, 3)]),
    "repeat_interleave": (lambda x: x.repeat_interleave(cr.tensor([2, 1]), dim=0), [(2, 3)]),
    "diag": (lambda x: cr.diag(x, 1), [(3,)]),
    "trace": (lambda x: cr.trace(x), [(3, 4)]),
    "diag_embed": (lambda x: cr.diag(x, -1), [(3,)]),
    "take": (lambda x: cr.take(x, cr.tensor([[0, 4], [4, -1]])), [(2, 3)]),
    "diff": (lambda x: cr.diff(x, 2), [(2, 5)]),
    "cdist": (lambda a, b: cr.cdist(a, b), [(3, 2), (4, 2)]),
    "cross": (lambda a, b: cr.cross(a, b, dim=0), [(3, 2), (3, 2)]),
    "hypot": (lambda a, b: cr.hypot(a, b), [(3,), (3,)]),
    "logaddexp": (lambda a, b: cr.logaddexp(a, b), [(3,), (3,)]),
    "diagonal": (lambda x: cr.diagonal(x, 1, 0, 2), [(3, 2, 4)]),
    "masked_select": (lambda x: x.masked_select(x > 0), [(3, 3)]),
    "rot90": (lambda x: cr.rot90(x, 3), [(2, 3)]),
    "xlogy": (lambda a, b: cr.xlogy(a, b.abs() + 0.1), [(3,), (3,)]),
    "logit": (lambda x: cr.logit(x.sigmoid()), [(3,)]),
    "dist": (lambda a, b: cr.dist(a, b, 3), [(3,), (3,)]),
    "addcdiv": (lambda x, a, b: cr.addcdiv(x, a, b.exp()), [(2,), (2,), (2,)]),
    "addmm": (lambda c, a, b: cr.addmm(c, a, b, beta=2, alpha=3), [(2,), (3, 2), (2, 2)]),
    "baddbmm": (lambda c, a, b: cr.baddbmm(c, a, b), [(1, 2, 2), (2, 2, 3), (2, 3, 2)]),
    "tensordot": (lambda a, b: cr.tensordot(a, b, ([0], [1])), [(2, 3), (4, 2)]),
    "kron": (lambda a, b: cr.kron(a, b), [(2, 2), (2,)]),
    "softmax": (lambda x: cr.softmax(x, -1), [(2, 3)]),
    "log_softmax": (lambda x: x.log_softmax(0), [(2, 3)]),
    "inverse": (lambda x: cr.inverse(x + 3 * cr.eye(3, dtype=cr.float64)), [(3, 3)]),
    "det": (lambda x: cr.det(x + 3 * cr.eye(3, dtype=cr.float64)), [(2, 3, 3)]),
}


@pytest.mark.parametrize("name", sorted(GRADCHECKS))
def test_gradcheck(name):
    fn, shapes = GRADCHECKS[name]
    inputs = [_f64(*s, seed=i) for i, s in enumerate(shapes)]
    assert cr.autograd.gradcheck(fn, inputs)


@pytest.mark.parametrize("name", ["sort", "topk", "kthvalue", "median_all", "cummax",
                                  "inverse", "det"])
def test_forward_mode(name):
    fn, shapes = GRADCHECKS[name]
    x = _f64(*shapes[0], seed=3).detach()
    v = _f64(*shapes[0], seed=4).detach()
    with fwAD.dual_level():
        tangent = fwAD.unpack_dual(fn(fwAD.make_dual(x, v))).tangent
    eps = 1e-6
    expected = (fn(x + eps * v) - fn(x - eps * v)) / (2 * eps)
    np.testing.assert_allclose(tangent.numpy(), expected.detach().numpy(), atol=1e-6)


@pytest.mark.parametrize("name", ["sort", "topk", "kthvalue", "median_all", "cummax", "diag",
                                  "diag_embed", "trace", "take", "diagonal", "inverse", "det"])
def test_gradgradcheck(name):
    fn, shapes = GRADCHECKS[name]
    inputs = [_f64(*s, seed=i) for i, s in enumerate(shapes)]
    assert cr.autograd.gradgradcheck(fn, inputs)
