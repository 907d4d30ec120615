"""In-place random initialisers, in-place twins of the pointwise functions, special functions
and the composed torch.* functions, checked against PyTorch."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, from_torch, to_torch, torch_or_skip

F64 = cr.float64


# --- random initialisers ----------------------------------------------------------------
@pytest.mark.parametrize("name, args, mean, std", [
    ("normal_", (2.0, 3.0), 2.0, 3.0),
    ("uniform_", (-1.0, 3.0), 1.0, 4 / 12 ** 0.5),
    ("exponential_", (2.0,), 0.5, 0.5),
    ("bernoulli_", (0.3,), 0.3, (0.3 * 0.7) ** 0.5),
    ("geometric_", (0.5,), 2.0, 2 ** 0.5),
    ("log_normal_", (0.0, 0.5), np.exp(0.125), ((np.exp(0.25) - 1) * np.exp(0.25)) ** 0.5),
])
def test_random_inplace_distribution(name, args, mean, std):
    x = cr.zeros(100_000, dtype=F64)
    v = x._version
    out = getattr(x, name)(*args)
    assert out is x and x._version == v + 1 and x.dtype == F64
    assert abs(x.mean().item() - mean) < 0.03 * max(std, 1)
    assert abs(x.std().item() - std) < 0.03 * max(std, 1)


def test_random_inplace_reproducible_and_generator():
    cr.manual_seed(3)
    a = cr.empty(5).normal_()
    cr.manual_seed(3)
    assert cr.equal(a, cr.empty(5).normal_())
    g1, g2 = cr.Generator().manual_seed(1), cr.Generator().manual_seed(1)
    assert cr.equal(cr.empty(4).uniform_(generator=g1), cr.empty(4).uniform_(generator=g2))
    assert cr.empty(3).cauchy_().dtype == cr.float32


def test_random_bounds_and_integers():
    x = cr.zeros(1000, dtype=cr.int64).random_(2, 5)
    assert x.dtype == cr.int64 and x.min().item() == 2 and x.max().item() == 4
    y = cr.zeros(1000).random_(3)
    assert set(y.unique().tolist()) == {0.0, 1.0, 2.0}
    with pytest.raises(NotImplementedError):
        cr.zeros(2, dtype=cr.int64).normal_()


def test_random_inplace_leaf_and_data():
    w = cr.zeros(3, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w.normal_(0, 0.01)
    w.data.normal_(0, 0.01)  # d2l: net[0].weight.data.normal_(0, 0.01)
    assert w.abs().sum().item() > 0 and w.requires_grad and w.grad is None
    with cr.no_grad():
        w.uniform_(-1, 1)
    assert w.is_leaf


def test_bernoulli_poisson_dtypes():
    torch = torch_or_skip()
    p = cr.full((4,), 0.5, dtype=F64)
    assert cr.bernoulli(p).dtype == F64 and p.bernoulli().dtype == F64
    assert cr.poisson(cr.ones(3)).dtype.name == str(torch.poisson(torch.ones(3)).dtype)[6:]
    counts = cr.poisson(cr.full((100_000,), 4.0, dtype=F64))
    assert abs(counts.mean().item() - 4) < 0.05 and abs(counts.var().item() - 4) < 0.1


# --- in-place twins ----------------------------------------------------------------------
UNARY = "exp log sqrt rsqrt abs neg sigmoid tanh relu sin cos floor ceil round trunc frac " \
        "sign reciprocal square sinh atan erf".split()


@pytest.mark.parametrize("name", UNARY)
def test_unary_inplace_matches_torch(name):
    torch = torch_or_skip()
    base = torch.tensor([0.3, 1.7, 2.5, 0.9], dtype=torch.float64, requires_grad=True)
    ours_base = from_torch(base, requires_grad=True)
    t = base * 1.5
    getattr(t, name + "_")()
    o = ours_base * 1.5
    v = o._version
    getattr(o, name + "_")()
    assert o._version == v + 1
    assert_same(o, t)
    assert type(o.grad_fn).__name__ == type(t.grad_fn).__name__
    if name not in ("floor", "ceil", "round", "trunc", "sign"):
        t.sum().backward()
        o.sum().backward()
        assert_same(ours_base.grad, base.grad)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        getattr(ours_base, name + "_")()


def test_binary_and_ternary_inplace():
    torch = torch_or_skip()
    a, b, c = (torch.rand(3, 4, dtype=torch.float64) + 0.5 for _ in range(3))
    cases = [("addcmul_", (b, c), {"value": 2}), ("addcdiv_", (b, c), {"value": 0.5}),
             ("lerp_", (b, 0.3), {}), ("clamp_min_", (1.0,), {}), ("clamp_max_", (1.0,), {}),
             ("pow_", (2,), {}), ("tril_", (), {}), ("triu_", (1,), {}),
             ("nan_to_num_", (), {}), ("copysign_", (-b,), {})]
    for name, args, kwargs in cases:
        t = a.clone()
        getattr(t, name)(*args, **kwargs)
        o = from_torch(a)
        getattr(o, name)(*[from_torch(x) if isinstance(x, torch.Tensor) else x for x in args],
                         **kwargs)
        assert_same(o, t)
    assert cr.relu_(cr.tensor([-1., 1.])).tolist() == [0.0, 1.0]


def test_shape_inplace():
    torch = torch_or_skip()
    a = torch.rand(2, 3, dtype=torch.float64, requires_grad=True)
    o_a = from_torch(a, requires_grad=True)
    t, o = a * 2, o_a * 2
    t.t_().unsqueeze_(0).transpose_(0, 2).squeeze_(1)
    o.t_().unsqueeze_(0).transpose_(0, 2).squeeze_(1)
    assert_same(o, t)
    (t * torch.arange(6.).reshape(t.shape)).sum().backward()
    (o * cr.arange(6.).reshape(o.shape)).sum().backward()
    assert_same(o_a.grad, a.grad)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        o_a.t_()


def test_index_add_fill_copy():
    torch = torch_or_skip()
    x = torch.rand(4, 3, dtype=torch.float64, requires_grad=True)
    src = torch.rand(4, 2, dtype=torch.float64, requires_grad=True)
    idx = torch.tensor([2, 0])
    ox, osrc, oidx = from_torch(x, True), from_torch(src, True), from_torch(idx)
    for name, targs, oargs in [
        ("index_add", (1, idx, src), (1, oidx, osrc)),
        ("index_copy", (1, idx, src), (1, oidx, osrc)),
        ("index_fill", (1, idx, -2.0), (1, oidx, -2.0)),
    ]:
        t = getattr(torch, name)(x, *targs)
        o = getattr(cr, name)(ox, *oargs)
        assert_same(o, t)
        w = torch.rand(t.shape, dtype=torch.float64)
        gt = torch.autograd.grad((t * w).sum(), [x, src], allow_unused=True)
        go = cr.autograd.grad((o * from_torch(w)).sum(), [ox, osrc], allow_unused=True)
        for g1, g2 in zip(go, gt):
            assert_same(g1, g2) if g2 is not None else None
        tt = x.detach().clone()
        getattr(tt, name + "_")(*[a.detach() if isinstance(a, torch.Tensor) else a
                                  for a in targs])
        oo = ox.detach().clone()
        getattr(oo, name + "_")(*[a.detach() if isinstance(a, cr.Tensor) else a
                                  for a in oargs])
        assert_same(oo, tt)
    assert_same(cr.index_add(ox, 1, oidx, osrc, alpha=3),
                torch.index_add(x, 1, idx, src, alpha=3))


# --- special functions ---------------------------------------------------------------------
SPECIAL = {
    "lgamma": np.linspace(-4.7, 20, 61), "digamma": np.linspace(-4.7, 20, 61),
    "erfc": np.linspace(-5, 8, 61), "erfinv": np.linspace(-0.999, 0.999, 61),
    "acosh": np.linspace(1.01, 30, 31), "asinh": np.linspace(-30, 30, 31),
    "atanh": np.linspace(-0.99, 0.99, 31),
}


@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_special_values_and_grads(name):
    torch = torch_or_skip()
    x = torch.tensor(SPECIAL[name], requires_grad=True)
    ox = from_torch(x, True)
    t, o = getattr(torch, name)(x), getattr(cr, name)(ox)
    assert_same(o, t, rtol=1e-9, atol=1e-9)
    assert type(o.grad_fn).__name__ == type(t.grad_fn).__name__
    t.sum().backward()
    o.sum().backward()
    assert_same(ox.grad, x.grad, rtol=1e-7, atol=1e-7)
    assert_same(getattr(cr, name)(ox.detach().float()), getattr(torch, name)(x.detach().float()),
                rtol=1e-5, atol=1e-5)
    assert cr.autograd.gradcheck(getattr(cr, name), (ox[1:-1:3].detach().requires_grad_(),))


def test_special_edges():
    torch = torch_or_skip()
    for name, vals in [("lgamma", [0., -1., 1., 2.]), ("digamma", [0., -2., 1.]),
                       ("erfinv", [-1., 1., 0., 1.5])]:
        assert_same(getattr(cr, name)(cr.tensor(vals)), getattr(torch, name)(torch.tensor(vals)))
    assert cr.lgamma(cr.tensor([1, 2])).dtype == cr.float32


# --- composed functions ------------------------------------------------------------------
def test_composed_functions_match_torch():
    torch = torch_or_skip()
    g = torch.Generator().manual_seed(0)
    a = torch.randn(3, 4, dtype=torch.float64, generator=g, requires_grad=True)
    b = torch.randn(3, 4, dtype=torch.float64, generator=g, requires_grad=True)
    v = torch.randn(4, dtype=torch.float64, generator=g, requires_grad=True)
    oa, ob, ov = from_torch(a, True), from_torch(b, True), from_torch(v, True)
    cases = [
        ("copysign", (a, b)), ("fmax", (a, b)), ("fmin", (a, b)), ("logaddexp2", (a, b)),
        ("float_power", (a, 2)), ("logcumsumexp", (a, 1)), ("inner", (a, b)), ("vdot", (v, v)),
        ("addr", (a, a[:, 0], v)), ("diag_embed", (a,)), ("cov", (a,)), ("corrcoef", (a,)),
        ("sinc", (a,)), ("quantile", (a, 0.3)),
        ("quantile", (a, torch.tensor([0.2, 0.9], dtype=torch.float64), 1)),
        ("quantile", (a, 0.5, 0, True)), ("positive", (a,)),
        ("block_diag", (a, v, b[:2, :1])), ("column_stack", ((a[:, 0], b),)),
        ("dstack", ((a, b),)), ("heaviside", (a, b)),
    ]
    conv = {id(a): oa, id(b): ob, id(v): ov}

    def ours(x):
        if isinstance(x, torch.Tensor):
            return conv.get(id(x)) if id(x) in conv else from_torch(x)
        if isinstance(x, tuple):
            return tuple(ours(y) for y in x)
        return x

    for name, args in cases:
        targs = args
        oargs = tuple(ours(x) for x in args)
        if name in ("addr", "column_stack", "block_diag"):  # slices of leaves: rebuild
            oargs = tuple(_slice_like(x, conv, from_torch) for x in args)
        t = getattr(torch, name)(*targs)
        o = getattr(cr, name)(*oargs)
        assert_same(o, t, rtol=1e-7, atol=1e-9), name
        if name != "heaviside":
            leaves = [x for x in (a, b, v)]
            gt = torch.autograd.grad(t.sum(), leaves, allow_unused=True)
            go = cr.autograd.grad(o.sum(), [oa, ob, ov], allow_unused=True)
            for g1, g2 in zip(go, gt):
                if g1 is None and g2 is not None:  # no edge here, zeros there
                    assert not g2.any(), name
                elif g2 is not None:
                    assert_same(g1, g2, rtol=1e-6, atol=1e-8), name


def _slice_like(x, conv, from_torch):
    # The leaves' slices: a[:, 0] -> oa[:, 0] and so on, keeping the graph to the leaves.
    if not hasattr(x, "_base") or not hasattr(x, "shape"):
        return tuple(_slice_like(y, conv, from_torch) for y in x) if isinstance(x, tuple) else x
    if id(x) in conv:
        return conv[id(x)]
    base = x._base
    if base is not None and id(base) in conv:
        ob = conv[id(base)]
        offset = x.storage_offset()
        flat = ob.reshape(-1)
        idx = np.lib.stride_tricks.as_strided(np.arange(ob.numel()), x.shape,
                                              [s * 8 for s in x.stride()])
        idx = idx + offset
        return flat[cr.tensor(np.ascontiguousarray(idx))]
    return from_torch(x)


def test_splits_broadcast_misc():
    torch = torch_or_skip()
    x = torch.arange(14.).reshape(2, 7)
    ox = from_torch(x)
    for fn, args in [("tensor_split", (3, 1)), ("tensor_split", ([1, 5], 1)),
                     ("hsplit", ([2, 3],)), ("vsplit", (2,))]:
        for o, t in zip(getattr(cr, fn)(ox, *args), getattr(torch, fn)(x, *args), strict=True):
            assert_same(o, t)
    assert cr.broadcast_shapes((2, 1), (3,), 1) == torch.broadcast_shapes((2, 1), (3,), 1)
    for o, t in zip(cr.broadcast_tensors(ox, ox[:1]), torch.broadcast_tensors(x, x[:1])):
        assert_same(o, t)
    for r, rep in [(2, False), (3, False), (2, True)]:
        assert_same(cr.combinations(cr.tensor([1, 2, 3, 4]), r, rep),
                    torch.combinations(torch.tensor([1, 2, 3, 4]), r, rep))
    assert_same(cr.scalar_tensor(3), torch.scalar_tensor(3))
    assert cr.is_nonzero(cr.tensor([2])) and not cr.is_nonzero(cr.tensor(0.))
    with pytest.raises(RuntimeError):
        cr.is_nonzero(cr.zeros(2))
    assert cr.is_same_size(ox, ox) and not cr.is_same_size(ox, ox.t())
    nanx = torch.tensor([[1., float("nan"), 3., 7.], [2., 4., 6., 8.]])
    assert_same(cr.nanquantile(from_torch(nanx), 0.4, dim=1),
                torch.nanquantile(nanx, 0.4, dim=1))
    assert_same(cr.quantile(from_torch(nanx), 0.4, dim=1), torch.quantile(nanx, 0.4, dim=1))
    assert to_torch(cr.acosh(cr.tensor([2.]))).dtype == torch.float32
