"""Bessel functions.

- ``i0``, ``i0e``, ``i1``, ``i1e`` (modified, first kind, orders 0 and 1; ``e``: times
  ``exp(-|x|)``), in NumPy: for |x| <= 30 the power series, whose terms are all positive
  (nothing cancels; 90 terms reach double precision at 30), above it the asymptotic series
  ``exp(x) / sqrt(2 pi x) sum_k (-1)^k a_k(nu) / x^k``, whose terms fall below 1e-17 long
  before they start to grow there.
- ``spherical_j0``: ``sin(x) / x``.
- ``j0``, ``j1``, ``y0``, ``y1``, ``k0``, ``k1``, ``k0e``, ``k1e`` and ``airy_ai``: SciPy's
  (Cephes, the library PyTorch's kernels come from too).  SciPy is optional: it is imported
  on first use, and its absence is reported with the fix.
"""
from __future__ import annotations

import math

from .._backend import xp
from .float64 import computed_in_float64

_SERIES_UP_TO = 30.0
_SERIES_TERMS = 90
_ASYMPTOTIC_TERMS = 30


def _series(x, order: int):
    """``sum_k (x^2/4)^k / (k! (k + order)!)``, the power series of I_order without its
    ``(x/2)^order``."""
    quarter_square = x * x / 4
    term = xp.full_like(x, 1.0 / math.factorial(order))
    total = term
    for k in range(1, _SERIES_TERMS):
        term = term * quarter_square / (k * (k + order))
        total = total + term
    return total


def _asymptotic(x, order: int):
    """``sqrt(2 pi x) exp(-x) I_order(x)`` for large x."""
    mu = 4.0 * order * order
    term = xp.ones_like(x)
    total = term
    for k in range(1, _ASYMPTOTIC_TERMS):
        term = -term * (mu - (2 * k - 1) ** 2) / (k * 8 * x)
        total = total + term
    return total


def _scaled(x, order: int):
    """``exp(-|x|) I_order(|x|)``."""
    a = xp.abs(x)
    small = a <= _SERIES_UP_TO
    near = xp.where(small, a, 1.0)
    series = _series(near, order) * (near / 2) ** order * xp.exp(-near)
    far = xp.where(small, 2 * _SERIES_UP_TO, a)
    asymptotic = _asymptotic(far, order) / xp.sqrt(2 * math.pi * far)
    return xp.where(small, series, asymptotic)


@computed_in_float64
def i0e(x):
    """``exp(-|x|) I0(x)``.

    >>> i0e(np.array([0.0, 1.0, 1e6]))
    array([1.00000000e+00, 4.65759608e-01, 3.98942330e-04])
    """
    return xp.where(xp.isinf(x), 0.0, _scaled(x, 0))


@computed_in_float64
def i0(x):
    """The modified Bessel function of the first kind of order 0.

    >>> i0(np.array([0.0, 1.0, -2.0]))
    array([1.        , 1.26606588, 2.2795853 ])
    """
    a = xp.abs(x)
    return xp.where(a <= _SERIES_UP_TO, _series(xp.minimum(a, _SERIES_UP_TO), 0),
                    _scaled(x, 0) * xp.exp(a))


@computed_in_float64
def i1e(x):
    """``exp(-|x|) I1(x)`` (odd in x).

    >>> i1e(np.array([0.0, 1.0, -1.0]))
    array([ 0.        ,  0.20791042, -0.20791042])
    """
    return xp.where(xp.isinf(x), xp.copysign(0.0, x), xp.sign(x) * _scaled(x, 1))


@computed_in_float64
def i1(x):
    """The modified Bessel function of the first kind of order 1 (odd in x).

    >>> i1(np.array([0.0, 1.0, -2.0]))
    array([ 0.        ,  0.5651591 , -1.59063685])
    """
    a = xp.abs(x)
    near = xp.minimum(a, _SERIES_UP_TO)
    return xp.sign(x) * xp.where(a <= _SERIES_UP_TO, _series(near, 1) * near / 2,
                                 _scaled(x, 1) * xp.exp(a))


@computed_in_float64
def spherical_j0(x):
    """The spherical Bessel function of the first kind of order 0, ``sin(x) / x`` (1 at 0).

    >>> spherical_j0(np.array([0.0, np.pi / 2]))
    array([1.        , 0.63661977])
    """
    out = xp.sin(x) / xp.where(x == 0, 1.0, x)
    return xp.where(x == 0, 1.0, xp.where(xp.isinf(x), 0.0, out))


def _scipy_special():
    # SciPy is optional and slow to import: loaded by the first call of a function needing it.
    try:
        import scipy.special
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "this special function is computed by SciPy, which is not installed: "
            "pip install scipy (or pip install 'chainrule[special]')") from None
    return scipy.special


def _from_scipy(name: str, doc: str):
    def kernel(x):
        return getattr(_scipy_special(), name)(x)
    kernel.__name__ = kernel.__qualname__ = name
    kernel.__doc__ = doc
    return computed_in_float64(kernel)


j0 = _from_scipy("j0", "Bessel function of the first kind of order 0 (SciPy's).")
j1 = _from_scipy("j1", "Bessel function of the first kind of order 1 (SciPy's).")
y0 = _from_scipy("y0", "Bessel function of the second kind of order 0 (SciPy's).")
y1 = _from_scipy("y1", "Bessel function of the second kind of order 1 (SciPy's).")
k0 = _from_scipy("k0", "Modified Bessel function of the second kind of order 0 (SciPy's).")
k1 = _from_scipy("k1", "Modified Bessel function of the second kind of order 1 (SciPy's).")
k0e = _from_scipy("k0e", "``exp(x) K0(x)`` (SciPy's).")
k1e = _from_scipy("k1e", "``exp(x) K1(x)`` (SciPy's).")


@computed_in_float64
def airy_ai(x):
    """The Airy function Ai (SciPy's).

    >>> airy_ai(np.array([0.0]))
    array([0.35502805])
    """
    # Ai underflows to 0 beyond x = 104 (SciPy gives NaN far out).  Below -1e6 SciPy gives
    # NaN: there the leading term of the asymptotic series is exact to double precision
    # (the next is 1e-19 smaller), with its phase computed as PyTorch computes it.
    far = xp.minimum(x, -1e6)
    phase = -2 * far * xp.sqrt(-far) / 3 + math.pi / 4
    oscillating = 1 / math.sqrt(math.pi) / xp.sqrt(xp.sqrt(-far)) * xp.sin(phase)
    out = _scipy_special().airy(xp.clip(x, -1e6, 200))[0]
    out = xp.where(x > 200, 0.0, xp.where(x < -1e6, oscillating, out))
    return xp.where(xp.isinf(x), xp.nan, out)
