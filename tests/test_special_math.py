"""The array kernels of ``chainrule._special_math`` against PyTorch's, in float64 over wide
ranges: large and small arguments, negatives, poles, NaN and infinities.

The tolerances are the measured agreement (with some room); where PyTorch is the less
accurate of the two (its trigamma, its incomplete gamma), the comment says so.
"""
from __future__ import annotations

import numpy as np
import pytest

from chainrule._special_math import gamma
from helpers import torch_or_skip

EDGES = [0.0, -0.0, np.inf, -np.inf, np.nan, -1.0, -2.0, 1.0, 2.0]
WIDE = np.concatenate([np.linspace(-30.3, 30.0, 301), np.geomspace(1e-8, 1e15, 40),
                       0.123 - np.geomspace(1e-8, 1e6, 30), EDGES])


def assert_close(ours, theirs, rtol, atol=0.0):
    """Same NaNs, same infinities, and finite values within ``rtol`` (relative)."""
    theirs = theirs.numpy()
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    np.testing.assert_array_equal(ours[np.isinf(theirs)], theirs[np.isinf(theirs)])
    finite = np.isfinite(theirs)
    np.testing.assert_allclose(ours[finite], theirs[finite], rtol=rtol, atol=atol)


@pytest.mark.parametrize("name, rtol", [("lgamma", 1e-12), ("digamma", 1e-12)])
def test_gamma_family(name, rtol):
    torch = torch_or_skip()
    assert_close(getattr(gamma, name)(WIDE), getattr(torch, name)(torch.from_numpy(WIDE)), rtol)


@pytest.mark.parametrize("n", [1, 2, 3, 6])
def test_polygamma(n):
    torch = torch_or_skip()
    # PyTorch's trigamma has a relative error up to 5e-10 (ours: 1e-15, checked with mpmath).
    rtol = 1e-9 if n == 1 else 1e-12
    assert_close(gamma.polygamma(n, WIDE), torch.polygamma(n, torch.from_numpy(WIDE)), rtol)


def test_float32_in_float32_out():
    torch = torch_or_skip()
    x = WIDE.astype(np.float32)
    out = gamma.digamma(x)
    assert out.dtype == np.float32
    # PyTorch computes in float32: near digamma's zero (1.4616) it is off by 4e-8.
    assert_close(out, torch.digamma(torch.from_numpy(x)), 1e-5, atol=1e-7)


def test_zeta():
    torch = torch_or_skip()
    s, q = np.meshgrid(np.array([-2.0, 0.5, 1.0, 1.5, 2.0, 3.0, 7.5, 30.0, np.inf, np.nan]),
                       np.array([-4.5, -3.0, -0.5, 0.0, 1e-3, 0.7, 1.0, 12.0, 1e5, np.inf]))
    s, q = s.ravel(), q.ravel()
    assert_close(gamma.zeta(s, q), torch.special.zeta(torch.from_numpy(s), torch.from_numpy(q)),
                 1e-12)


def test_incomplete_gamma():
    torch = torch_or_skip()
    rng = np.random.default_rng(0)
    a = np.concatenate([np.geomspace(1e-3, 1e3, 40), [0.0, 1.0, np.inf, -1.0, np.nan, 2.0]])
    x = np.concatenate([a[:40] * rng.uniform(0.2, 3.0, 40), [1.0, 0.0, 1.0, 1.0, 1.0, np.inf]])
    ta, tx = torch.from_numpy(a), torch.from_numpy(x)
    # PyTorch's values carry relative errors up to 2e-9 here (ours: 1e-12, against mpmath).
    assert_close(gamma.gammainc(a, x), torch.special.gammainc(ta, tx), 5e-9)
    assert_close(gamma.gammaincc(a, x), torch.special.gammaincc(ta, tx), 5e-9)


def test_incomplete_gamma_for_large_shapes():
    """Near x = a, a large: the prefactor's terms cancel unless computed as a log1p (PyTorch
    is off by up to 5e-10 there; ours by 2e-14, against mpmath)."""
    torch = torch_or_skip()
    a = np.repeat([150.0, 1e3, 1e4], 5)
    x = a * np.tile([0.9, 0.99, 1.0, 1.01, 1.1], 3)
    ta, tx = torch.from_numpy(a), torch.from_numpy(x)
    assert_close(gamma.gammaincc(a, x), torch.special.gammaincc(ta, tx), 2e-9)
    assert_close(gamma.gammainc(a, x), torch.special.gammainc(ta, tx), 2e-9)
