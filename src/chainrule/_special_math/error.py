"""The error function's family beyond ``erf``: ``erfc``, the scaled ``erfcx``, and the normal
distribution's ``log_ndtr`` and ``ndtri``.

- ``erfc``: ``math.erfc`` element by element (exact to the last bit).
- ``erfcx(x) = exp(x^2) erfc(x)``: for x >= 2 the continued fraction of erfc without its
  ``exp(-x^2)`` (so nothing under- or overflows), below 2 the product, with ``exp(x^2)``
  corrected for the rounding of ``x^2`` (which would otherwise cost x^2 ulps).
- ``log_ndtr(x) = log Phi(x)``: ``log(erfcx(-x/sqrt 2) / 2) - x^2 / 2`` for x < 0 (no
  underflow however negative x is), ``log1p(-erfc(x/sqrt 2) / 2)`` above.
- ``ndtri(p)``, Phi's inverse: a first guess (Abramowitz and Stegun 26.2.23, error < 5e-4)
  polished by Newton steps on ``log_ndtr(x) = log p``, which converge quadratically and
  keep full relative precision down to the smallest p.
"""
from __future__ import annotations

import math

from .._backend import xp
from .float64 import computed_in_float64

_SQRT_HALF = math.sqrt(0.5)
_SQRT_HALF_PI = math.sqrt(math.pi / 2)
_CONTINUED_FRACTION_FROM = 2.0
_CONTINUED_FRACTION_TERMS = 60  # 1 + 60 levels reach double precision at x = 2


def _erfc(x):
    return xp.asarray(xp.frompyfunc(math.erfc, 1, 1)(x), dtype=xp.float64)


def _exp_square(x):
    """``exp(x^2)`` to nearly full precision: ``x^2``'s rounding error ``e`` (Dekker's
    exact product) multiplies in as ``exp(e)``."""
    square = x * x
    scaled = x * 134217729.0  # 2^27 + 1: Veltkamp's split, x's top 26 bits in high
    high = scaled - (scaled - x)
    low = x - high
    error = ((high * high - square) + 2 * high * low) + low * low
    # Beyond |x| = 27, exp(x^2) overflows anyway (and exp(error) could be 0 against inf).
    return xp.exp(square) * xp.exp(xp.where(xp.abs(x) < 27, error, 0.0))


def _erfcx_continued_fraction(x):
    """``sqrt(pi) exp(x^2) erfc(x) = 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))`` for x >= 2,
    evaluated from the tail up."""
    tail = x
    for k in range(_CONTINUED_FRACTION_TERMS, 0, -1):
        tail = x + (k / 2) / tail
    return 1 / (math.sqrt(math.pi) * tail)


@computed_in_float64
def erfc(x):
    """``1 - erf(x)``.

    >>> erfc(np.array([0.0, 3.0]))
    array([1.0000000e+00, 2.2090497e-05])
    """
    return _erfc(x)


def _erfcx(x):
    large = x >= _CONTINUED_FRACTION_FROM
    fraction = _erfcx_continued_fraction(xp.where(large, x, _CONTINUED_FRACTION_FROM))
    small = xp.where(large, 0.0, x)
    product = _exp_square(small) * _erfc(small)
    return xp.where(large, fraction, product)


@computed_in_float64
def erfcx(x):
    """The scaled complementary error function ``exp(x^2) erfc(x)``: about ``1/(x sqrt(pi))``
    for large x, inf below about -26.6 (where ``exp(x^2)`` overflows), as in PyTorch.

    >>> erfcx(np.array([0.0, 1.0, 1e10]))
    array([1.00000000e+00, 4.27583576e-01, 5.64189584e-11])
    """
    return xp.where(x == xp.inf, 0.0, _erfcx(x))


def _log_ndtr(x):
    t = -x * _SQRT_HALF
    below = xp.log(_erfcx(xp.where(x < 0, t, 0.0)) / 2) - 0.5 * x * x
    above = xp.log1p(-_erfc(xp.where(x < 0, 0.0, -t)) / 2)
    return xp.where(x < 0, below, above)


@computed_in_float64
def log_ndtr(x):
    """``log`` of the standard normal distribution function, without underflow.

    >>> log_ndtr(np.array([0.0, -40.0]))
    array([-6.93147181e-01, -8.04608442e+02])
    """
    return _log_ndtr(x)


@computed_in_float64
def ndtri(p):
    """The inverse of the standard normal distribution function: ``-inf`` at 0, ``inf`` at
    1, NaN outside [0, 1].

    >>> ndtri(np.array([0.5, 0.975, 1e-300]))
    array([  0.        ,   1.95996398, -37.0470963 ])
    """
    # By symmetry, solve for the lower half only: q = min(p, 1 - p) (1 - p is exact there).
    upper = p > 0.5
    q = xp.where(upper, 1 - p, p)
    inside = (q > 0) & (q <= 0.5)
    q = xp.where(inside, q, 0.25)
    t = xp.sqrt(-2 * xp.log(q))
    x = -(t - (2.515517 + t * (0.802853 + t * 0.010328))
          / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308))))
    log_q = xp.log(q)
    for _ in range(4):
        # Newton on log Phi(x) = log q; Phi / phi = erfcx(-x / sqrt 2) sqrt(pi / 2).
        x = xp.minimum(x, 0.0)
        ratio = _erfcx(-x * _SQRT_HALF) * _SQRT_HALF_PI
        x = x - (_log_ndtr(x) - log_q) * ratio
    x = xp.where(inside, xp.where(upper, -x, x), xp.nan)  # NaN for p outside [0, 1]
    return xp.where(p == 0, -xp.inf, xp.where(p == 1, xp.inf, x))
