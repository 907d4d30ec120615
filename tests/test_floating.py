"""frexp, ldexp, nextafter and isreal against PyTorch beyond the op table: dtypes of mixed
operands, edge values (0, inf, NaN, subnormals), forward mode, in-place forms, warnings and
errors."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, from_torch, torch_or_skip

_EDGES = [8.0, -0.3, 0.0, float("inf"), -float("inf"), float("nan"), 1e-40, 65504.0, 6e-8]


def _both(values, dtype):
    torch = torch_or_skip()
    theirs = torch.tensor(values, dtype=getattr(torch, dtype))
    return from_torch(theirs), theirs


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_frexp_of_edge_values_matches_pytorch(dtype):
    torch = torch_or_skip()
    ours_in, theirs_in = _both(_EDGES, dtype)
    ours, theirs = cr.frexp(ours_in), torch.frexp(theirs_in)
    assert_same(ours.mantissa, theirs.mantissa)
    assert_same(ours.exponent, theirs.exponent)
    assert repr(cr.frexp(cr.tensor(5.0))) == repr(torch.frexp(torch.tensor(5.0)))


_LDEXP_CASES = [  # (input values, dtype, exponent values, dtype)
    ([1.5, -2.0, 0.1], "float32", [3, -1, 200], "int64"),
    ([1.5, -2.0, 0.1], "float64", [3, -1, 200], "int64"),
    ([3, -5, 0], "int64", [1, 2, 3], "int64"),
    ([3, -5, 0], "int32", [0.5, 2.0, -1.0], "float64"),
    ([0.5, 6.0], "float16", [20, -30], "int32"),
    ([2.0 ** -20, 1.0], "float16", [20, 2], "int64"),
    ([1.0, 2.0], "float32", [1.5, -0.25], "float64"),
    ([0.1], "float64", [1, 2, 3], "int64"),
]


@pytest.mark.parametrize("values, dtype, exponents, exponent_dtype", _LDEXP_CASES)
def test_ldexp_dtypes_and_values_match_pytorch(values, dtype, exponents, exponent_dtype):
    torch = torch_or_skip()
    a, b = _both(values, dtype), _both(exponents, exponent_dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the resize warning, compared below
        assert_same(cr.ldexp(a[0], b[0]), torch.ldexp(a[1], b[1]), rtol=0, atol=0)
        assert_same(a[0].ldexp(b[0][:1]), a[1].ldexp(b[1][:1]), rtol=0, atol=0)
        assert_same(cr.ldexp(a[0][0], b[0]), torch.ldexp(a[1][0], b[1]), rtol=0, atol=0)


def test_ldexp_warns_where_pytorch_resizes_its_output():
    torch = torch_or_skip()
    for m in (cr, torch):
        with pytest.warns(UserWarning, match="was resized since it had shape \\[3\\]"):
            m.ldexp(m.ones(3), m.tensor([[1], [2]]))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            m.ldexp(m.ones(3), m.ones(2, 1))  # a floating exponent: no resize
            m.ldexp(m.ones(3, dtype=m.long), m.tensor([[1], [2]]))


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_nextafter_matches_pytorch(dtype):
    torch = torch_or_skip()
    a = _both(_EDGES, dtype)
    for target in ([1.0] * 9, [-1.0] * 9, _EDGES):
        b = _both(target, dtype)
        assert_same(cr.nextafter(a[0], b[0]), torch.nextafter(a[1], b[1]), rtol=0, atol=0)
    b = _both(1.0, "float64")  # a 0-d float64 target leaves the dtype alone
    assert_same(cr.nextafter(a[0], b[0]), torch.nextafter(a[1], b[1]), rtol=0, atol=0)
    assert_same(a[0].clone().nextafter_(b[0]), a[1].clone().nextafter_(b[1]), rtol=0, atol=0)


def test_forward_mode_matches_pytorch():
    torch = torch_or_skip()
    x = np.array([3.0, -0.7, 12.0])
    e = np.array([1.5, -2.0, 0.5])
    results = []
    for m in (cr, torch):
        fw = m.autograd.forward_ad
        with fw.dual_level():
            dx = fw.make_dual(m.tensor(x), m.tensor([1.0, 2.0, 3.0], dtype=m.float64))
            de = fw.make_dual(m.tensor(e), m.tensor([0.5, 1.0, -1.0], dtype=m.float64))
            results.append([fw.unpack_dual(y).tangent for y in (
                m.ldexp(dx, de), m.ldexp(dx, m.tensor([2, -1, 0])), m.frexp(dx).mantissa,
                m.nextafter(dx, de), m.nextafter(dx, dx.detach()))])
    for ours, theirs in zip(*results):
        assert_same(ours, theirs)


def test_isreal_matches_pytorch():
    torch = torch_or_skip()
    for dtype in ("float32", "int64", "bool", "uint8"):
        a = _both([1, 0, 1], dtype)
        assert_same(cr.isreal(a[0]), torch.isreal(a[1]))
        assert_same(a[0][0].isreal(), a[1][0].isreal())


@pytest.mark.parametrize("call, error", [
    (lambda m: m.frexp(m.tensor([1, 2])), RuntimeError),
    (lambda m: m.frexp(1.0), TypeError),
    (lambda m: m.ldexp(m.ones(2), 2), TypeError),
    (lambda m: m.ldexp(m.ones(2), m.ones(3)), RuntimeError),
    (lambda m: m.tensor([1, 2]).ldexp_(m.tensor(1)), RuntimeError),
    (lambda m: m.ones(2, requires_grad=True).ldexp_(m.tensor(1)), RuntimeError),
    (lambda m: m.nextafter(m.tensor([1]), m.tensor([2])), NotImplementedError),
    (lambda m: m.nextafter(m.ones(1, dtype=m.bool), m.ones(1, dtype=m.bool)),
     NotImplementedError),
    (lambda m: m.nextafter(m.ones(2), 1.0), TypeError),
    (lambda m: m.isreal(1.0), TypeError),
])
def test_errors_match_pytorch(call, error):
    torch = torch_or_skip()
    for m in (cr, torch):
        with pytest.raises(error):
            call(m)
