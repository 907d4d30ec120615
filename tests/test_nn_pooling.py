"""max_pool2d / avg_pool2d and their modules against PyTorch, over a seeded grid of geometries:
ceil_mode, return_indices, count_include_pad, divisor_override, padding, dilation, ties."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, to_torch, torch_or_skip
from nn_oracle import check_forward_mode, check_gradcheck_and_gradgradcheck

GRAD_TOL = {"float32": dict(rtol=1e-5, atol=1e-6), "float64": dict(rtol=1e-12, atol=1e-12)}


def _geometries(seed: int, count: int, dilation: bool):
    """(shape, kwargs) pairs drawn from a seeded grid (PyTorch's rule: pad <= kernel // 2)."""
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < count:
        k = tuple(int(v) for v in rng.integers(1, 5, 2))
        s = tuple(int(v) for v in rng.integers(1, 4, 2))
        d = tuple(int(v) for v in rng.integers(1, 3, 2)) if dilation else (1, 1)
        p = tuple(int(rng.integers(0, kk // 2 + 1)) for kk in k)
        shape = (int(rng.integers(1, 3)), int(rng.integers(1, 3)),
                 int(rng.integers(1, 9)), int(rng.integers(1, 9)))
        ceil = bool(rng.integers(0, 2))
        ok = all((n + 2 * pp - dd * (kk - 1) - 1) // ss + 1 + ceil >= 2 if ceil else
                 (n + 2 * pp - dd * (kk - 1) - 1) >= 0
                 for n, kk, ss, pp, dd in zip(shape[2:], k, s, p, d))
        # PyTorch points a window that lies wholly in the padding (possible with dilation)
        # past its H*W plane, and its backward then writes into the next plane: left out.
        ok = ok and all(_every_window_reads_input(n, kk, ss, pp, dd, ceil)
                        for n, kk, ss, pp, dd in zip(shape[2:], k, s, p, d))
        if not ok:
            continue
        kwargs = dict(kernel_size=k if k[0] != k[1] else k[0], stride=s, padding=p,
                      ceil_mode=ceil)
        if dilation:
            kwargs["dilation"] = d
        out.append((shape, kwargs))
    return out


def _every_window_reads_input(n, k, s, p, d, ceil):
    out = (n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil else 0)) // s + 1
    if ceil and (out - 1) * s >= n + p:
        out -= 1
    return all(any(0 <= o * s - p + t * d < n for t in range(k)) for o in range(out))


def _both(shape, dtype, seed, ties=False):
    rng = np.random.default_rng(seed)
    a = rng.integers(-3, 4, shape) if ties else rng.standard_normal(shape)
    x = cr.tensor(a.astype(dtype)).requires_grad_()
    return x, to_torch(x, requires_grad=True)


def _compare(fn, shape, dtype, seed, ties=False):
    """Same result (values, dtype, shape, grad_fn name) and same input gradient as PyTorch."""
    torch = torch_or_skip()
    x, tx = _both(shape, dtype, seed, ties)
    try:
        expected = fn(torch.nn.functional, tx)
    except RuntimeError:
        with pytest.raises(RuntimeError):
            fn(cr.nn.functional, x)
        return
    out = fn(cr.nn.functional, x)
    values, tvalues = (out[0], expected[0]) if isinstance(expected, tuple) else (out, expected)
    if isinstance(expected, tuple):
        assert_same(out[1], expected[1])  # the indices, exactly
        assert not out[1].requires_grad
    assert values.grad_fn.name() == tvalues.grad_fn.name()
    assert_same(values, tvalues, rtol=1e-5 if dtype == "float32" else 1e-12)
    seed_grad = np.random.default_rng(seed + 1).standard_normal(tuple(values.shape))
    (g,) = cr.autograd.grad(values, [x], cr.tensor(seed_grad.astype(dtype)))
    (tg,) = torch.autograd.grad(tvalues, [tx], torch.from_numpy(seed_grad.astype(dtype)))
    assert_same(g, tg, **GRAD_TOL[dtype])


MAX_GRID = _geometries(0, 60, dilation=True)
AVG_GRID = _geometries(1, 60, dilation=False)


@pytest.mark.parametrize("shape, kwargs", MAX_GRID)
def test_max_pool2d_matches_pytorch(shape, kwargs):
    _compare(lambda F, x: F.max_pool2d(x, **kwargs), shape, "float32", 0)


@pytest.mark.parametrize("shape, kwargs", MAX_GRID)
def test_max_pool2d_indices_and_ties_match_pytorch(shape, kwargs):
    # small integers make ties in most windows: the first maximum takes the gradient
    _compare(lambda F, x: F.max_pool2d(x, **kwargs, return_indices=True), shape, "float64", 2,
             ties=True)
    _compare(lambda F, x: F.max_pool2d(x, **kwargs), shape, "float64", 2, ties=True)


@pytest.mark.parametrize("shape, kwargs", AVG_GRID)
@pytest.mark.parametrize("count_include_pad", [True, False])
def test_avg_pool2d_matches_pytorch(shape, kwargs, count_include_pad):
    _compare(lambda F, x: F.avg_pool2d(x, **kwargs, count_include_pad=count_include_pad),
             shape, "float32", 3)


@pytest.mark.parametrize("shape, kwargs", AVG_GRID[:20])
def test_avg_pool2d_divisor_override_matches_pytorch(shape, kwargs):
    _compare(lambda F, x: F.avg_pool2d(x, **kwargs, divisor_override=3), shape, "float64", 4)


def test_ceil_mode_output_sizes_match_pytorch():
    # the rule's corner: a last window that would start in the right padding is dropped
    torch = torch_or_skip()
    for n, k, s, p in itertools.product(range(1, 10), range(1, 5), range(1, 5), range(3)):
        if 2 * p > k:
            continue
        x = cr.zeros(1, 1, n, n)
        tx = torch.zeros(1, 1, n, n)
        for ceil in (False, True):
            try:
                expected = torch.nn.functional.max_pool2d(tx, k, s, p, ceil_mode=ceil).shape
            except RuntimeError:
                with pytest.raises(RuntimeError):
                    cr.nn.functional.max_pool2d(x, k, s, p, ceil_mode=ceil)
                continue
            assert cr.nn.functional.max_pool2d(x, k, s, p, ceil_mode=ceil).shape == expected
            assert cr.nn.functional.avg_pool2d(x, k, s, p, ceil_mode=ceil).shape == expected


def test_nan_and_minus_inf_windows_match_pytorch():
    # a NaN wins (the last one in its window takes the index and the gradient); a window of
    # -inf points at its first element inside the input, not at the padding
    nan, inf = float("nan"), float("inf")
    cases = [
        ([[[[nan, 1.0, nan], [2.0, nan, 0.0]]]], dict(kernel_size=(2, 3))),
        ([[[[1.0, nan, 3.0, 4.0], [5.0, 6.0, nan, 0.0]]]], dict(kernel_size=2, stride=1)),
        ([[[[-inf] * 3] * 3]], dict(kernel_size=2, stride=2, padding=1)),
        ([[[[-inf, 1.0], [-inf, -inf]]]], dict(kernel_size=2, stride=1, padding=1)),
    ]
    torch = torch_or_skip()
    for data, kwargs in cases:
        for return_indices in (False, True):
            x = cr.tensor(data).requires_grad_()
            tx = torch.tensor(data, requires_grad=True)
            out = cr.nn.functional.max_pool2d(x, **kwargs, return_indices=return_indices)
            tout = torch.nn.functional.max_pool2d(tx, **kwargs, return_indices=return_indices)
            if return_indices:
                assert_same(out[1], tout[1])
                out, tout = out[0], tout[0]
            assert_same(out, tout)
            out.sum().backward()
            tout.sum().backward()
            assert_same(x.grad, tx.grad)


@pytest.mark.parametrize("batched", [True, False])
def test_unbatched_inputs_and_integer_dtypes_match_pytorch(batched):
    torch = torch_or_skip()
    shape = (2, 3, 5, 6) if batched else (3, 5, 6)
    a = np.random.default_rng(5).integers(-9, 9, shape)
    F, tF = cr.nn.functional, torch.nn.functional
    for dtype in ("int64", "float64"):
        x, tx = cr.tensor(a.astype(dtype)), torch.from_numpy(a.astype(dtype))
        for kwargs in (dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1,
                                                 ceil_mode=True)):
            v, i = F.max_pool2d(x, **kwargs, return_indices=True)
            tv, ti = tF.max_pool2d(tx, **kwargs, return_indices=True)
            assert_same(v, tv)
            assert_same(i, ti)
            assert_same(F.avg_pool2d(x, **kwargs), tF.avg_pool2d(tx, **kwargs))
            assert_same(F.avg_pool2d(x, **kwargs, count_include_pad=False),
                        tF.avg_pool2d(tx, **kwargs, count_include_pad=False))


def test_double_backward_nodes_match_pytorch():
    # a gradient taken with create_graph records the backward's node and depends on x too
    torch = torch_or_skip()
    for name, kwargs in [("max_pool2d", dict(kernel_size=3, stride=2, padding=1)),
                         ("avg_pool2d", dict(kernel_size=3, stride=2, ceil_mode=True,
                                             count_include_pad=False))]:
        x, tx = _both((1, 2, 5, 5), "float64", 6)
        out, tout = getattr(cr.nn.functional, name)(x, **kwargs), \
            getattr(torch.nn.functional, name)(tx, **kwargs)
        v, tv = _both(tuple(tout.shape), "float64", 7)
        (g,) = cr.autograd.grad(out, [x], v, create_graph=True)
        (tg,) = torch.autograd.grad(tout, [tx], tv, create_graph=True)
        assert g.grad_fn.name() == tg.grad_fn.name()
        assert g.requires_grad and tg.requires_grad
        w, tw = _both((1, 2, 5, 5), "float64", 8)
        (gv,) = cr.autograd.grad((g * w).sum(), [v], create_graph=True)
        (tgv,) = torch.autograd.grad((tg * tw).sum(), [tv], create_graph=True)
        assert gv.grad_fn.name() == tgv.grad_fn.name()
        assert_same(gv, tgv, rtol=1e-12)


GRADCHECK_CASES = [
    pytest.param(lambda F, lib, x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True), id="max_ceil"),
    pytest.param(lambda F, lib, x: F.max_pool2d(x, 2, 1, 1, 2, return_indices=True)[0],
                 id="max_indices_dilated"),
    pytest.param(lambda F, lib, x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True,
                                                 count_include_pad=False), id="avg_ceil_nopad"),
    pytest.param(lambda F, lib, x: F.avg_pool2d(x, (2, 3), 2, divisor_override=5),
                 id="avg_divisor"),
]


@pytest.mark.parametrize("fn", GRADCHECK_CASES)
def test_gradcheck_gradgradcheck_and_forward_mode(fn):
    # distinct values: finite differences across a tie in a max would be meaningless
    rng = np.random.default_rng(9)
    a = rng.permutation(2 * 5 * 6).reshape(1, 2, 5, 6) / 7.0
    check_gradcheck_and_gradgradcheck(fn, [a])
    check_forward_mode(fn, [a], [rng.standard_normal(a.shape)])


def test_modules_match_pytorch():
    torch = torch_or_skip()
    modules = [
        lambda nn: nn.MaxPool2d(2),
        lambda nn: nn.MaxPool2d((2, 3), stride=(1, 2), padding=1, dilation=(1, 2)),
        lambda nn: nn.MaxPool2d(3, 2, 1, return_indices=True, ceil_mode=True),
        lambda nn: nn.AvgPool2d(2),
        lambda nn: nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False),
        lambda nn: nn.AvgPool2d((3, 2), divisor_override=2),
    ]
    for make in modules:
        m, tm = make(cr.nn), make(torch.nn)
        assert repr(m) == repr(tm)
        x, tx = _both((2, 3, 7, 6), "float32", 10)
        out, tout = m(x), tm(tx)
        if isinstance(tout, tuple):
            assert_same(out[1], tout[1])
            out, tout = out[0], tout[0]
        assert out.grad_fn.name() == tout.grad_fn.name()
        assert_same(out, tout)
        out.sum().backward()
        tout.sum().backward()
        assert_same(x.grad, tx.grad)


@pytest.mark.parametrize("call", [
    lambda F, x: F.max_pool2d(x, 2, padding=2),
    lambda F, x: F.max_pool2d(x, 2, stride=0),
    lambda F, x: F.max_pool2d(x, 2, dilation=0),
    lambda F, x: F.max_pool2d(x, 2, padding=-1),
    lambda F, x: F.max_pool2d(x, (2, 2, 2)),
    lambda F, x: F.max_pool2d(x, 9),
    lambda F, x: F.max_pool2d(x[0, 0, 0], 2),
    lambda F, x: F.avg_pool2d(x, 0, stride=1),
    lambda F, x: F.avg_pool2d(x, 2, divisor_override=0),
    lambda F, x: F.avg_pool2d(x, 2, divisor_override=2.5),
    lambda F, x: F.max_pool2d(x > 0, 2),
])
def test_errors_match_pytorch(call):
    torch = torch_or_skip()
    x, tx = _both((1, 1, 4, 4), "float32", 11)
    with pytest.raises(Exception) as expected:
        call(torch.nn.functional, tx)
    with pytest.raises(type(expected.value)):
        call(cr.nn.functional, x)
