"""Special functions: inverse hyperbolics, ``erfc``, ``erfinv``, ``lgamma``, ``digamma``.

Forwards run on arrays with NumPy and the standard library only (no SciPy):
``math.erfc`` element by element (exact to the last bit, slower than a ufunc),
``lgamma``, ``digamma`` and ``polygamma`` from ``_special_math.gamma``, ``erfinv``
by a rational first guess polished with Newton steps on ``erf``.  Each Op is followed
by its derivative per input and its forward-mode rule (``jvp``), as in ``pointwise.py``.
"""
from __future__ import annotations

import math

from .._backend import quiet, xp
from .._special_math import bessel as bessel_math
from .._special_math import gamma as gamma_math
from ..engine.op import Op
from .pointwise import _erf, exp, log, rsqrt, sign, where

_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
_SQRT_PI_OVER_2 = math.sqrt(math.pi) / 2


def _elementwise(scalar_fn, x):
    """``scalar_fn`` applied to each element, computed in float64, returned in ``x``'s dtype."""
    out = xp.frompyfunc(scalar_fn, 1, 1)(xp.asarray(x, dtype=xp.float64))
    return xp.asarray(out, dtype=xp.float64).astype(x.dtype, copy=False)


def _erfc(x):
    return _elementwise(math.erfc, x)


def _erfinv(y):
    y64 = xp.asarray(y, dtype=xp.float64)
    with xp.errstate(all="ignore"):
        # First guess: Giles' single-precision approximation ("Approximating the erfinv
        # function", GPU Computing Gems, 2011), then Newton's steps.
        w = -xp.log((1 - y64) * (1 + y64))
        central = w < 5
        wc = w - 2.5
        pc = 2.81022636e-08
        for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                  -0.00125372503, -0.00417768164, 0.246640727, 1.50140941):
            pc = c + pc * wc
        wt = xp.sqrt(xp.where(central, 5.0, w)) - 3
        pt = -0.000200214257
        for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                  -0.0076224613, 0.00943887047, 1.00167406, 2.83297682):
            pt = c + pt * wt
        x = xp.where(central, pc, pt) * y64
        # Newton's steps: on erf in the middle; for |y| > 1/2 on log erfc(|x|) = log(1 - |y|)
        # (1 - |y| is exact there, and the log is nearly quadratic in x), as erf(x) - y near 1
        # keeps only the digits 1 - |y| has left, and the first guess is single precision
        # (of float32's range: beyond 1 - 6e-8 it is off by up to 0.5, hence four steps).
        tail = xp.abs(y64) > 0.5
        log_rest = xp.log(1 - xp.abs(y64))
        for _ in range(4):
            slope = _TWO_OVER_SQRT_PI * xp.exp(-x * x)
            middle = (_erf(x) - y64) / slope
            rest = _erfc(xp.abs(x))
            outer = xp.sign(y64) * (log_rest - xp.log(rest)) * rest / slope
            x = x - xp.where(tail, outer, middle)
        x = xp.where(xp.abs(y64) == 1, xp.copysign(xp.inf, y64), x)
        x = xp.where(xp.abs(y64) > 1, xp.nan, x)
    return x.astype(y.dtype, copy=False)


#              name                forward (arrays)              backward per input (tensors)
acosh = Op("AcoshBackward0", lambda self: quiet(xp.arccosh, self), promote="float",
           self=lambda grad, self: grad * rsqrt(self * self - 1),
           jvp=lambda self_t, self: self_t * rsqrt(self * self - 1))
asinh = Op("AsinhBackward0", lambda self: xp.arcsinh(self), promote="float",
           self=lambda grad, self: grad * rsqrt(self * self + 1),
           jvp=lambda self_t, self: self_t * rsqrt(self * self + 1))
atanh = Op("AtanhBackward0", lambda self: quiet(xp.arctanh, self), promote="float",
           self=lambda grad, self: grad / (1 - self * self),
           jvp=lambda self_t, self: self_t / (1 - self * self))
erfc = Op("ErfcBackward0", lambda self: _erfc(self), promote="float",
          self=lambda grad, self: -grad * _TWO_OVER_SQRT_PI * exp(-self * self),
          jvp=lambda self_t, self: -self_t * _TWO_OVER_SQRT_PI * exp(-self * self))
erfinv = Op("ErfinvBackward0", lambda self: _erfinv(self), promote="float",
            self=lambda grad, result: grad * _SQRT_PI_OVER_2 * exp(result * result),
            jvp=lambda self_t, result: self_t * _SQRT_PI_OVER_2 * exp(result * result))
lgamma = Op("LgammaBackward0", lambda self: gamma_math.lgamma(self), promote="float",
            self=lambda grad, self: grad * digamma(self),
            jvp=lambda self_t, self: self_t * digamma(self))
digamma = Op("DigammaBackward0", lambda self: gamma_math.digamma(self), promote="float",
             self=lambda grad, self: grad * polygamma(self, 1),
             jvp=lambda self_t, self: self_t * polygamma(self, 1))



def not_implemented(name: str):
    """The rule of an input PyTorch has no derivative for: its node is recorded, and the
    backward pass raises PyTorch's error when it reaches that input."""
    def rule(grad):
        raise NotImplementedError(f"the derivative for '{name}' is not implemented.")
    return rule


def _mvlgamma(self, p):
    out = gamma_math.lgamma(self)
    for j in range(1, p):
        out = out + gamma_math.lgamma(self - j / 2)
    return out + p * (p - 1) / 4 * math.log(math.pi)


def _mvlgamma_backward(grad, self, p):
    total = digamma(self)
    for j in range(1, p):
        total = total + digamma(self - j / 2)
    return grad * total


def _incomplete_gamma_density(self, other):
    """``d P(a, x) / dx``, the Gamma(a, 1) density at x."""
    return exp((self - 1) * log(other) - other - lgamma(self))


polygamma = Op("PolygammaBackward0", lambda self, n: gamma_math.polygamma(n, self),
               promote="float",
               self=lambda grad, self, n: grad * polygamma(self, n + 1),
               jvp=lambda self_t, self, n: self_t * polygamma(self, n + 1))
mvlgamma = Op("MvlgammaBackward0", _mvlgamma, promote="float",
              self=_mvlgamma_backward,
              jvp=lambda self_t, self, p: _mvlgamma_backward(self_t, self, p))
igamma = Op("IgammaBackward0", lambda self, other: gamma_math.gammainc(self, other),
            promote="binary", self=not_implemented("igamma: input"),
            other=lambda grad, self, other: grad * _incomplete_gamma_density(self, other))
igammac = Op("IgammacBackward0", lambda self, other: gamma_math.gammaincc(self, other),
             promote="binary", self=not_implemented("igammac: input"),
             other=lambda grad, self, other: -grad * _incomplete_gamma_density(self, other))
i0 = Op("I0Backward0", lambda self: bessel_math.i0(self), promote="float",
        self=lambda grad, self: grad * i1(self),
        jvp=lambda self_t, self: self_t * i1(self))
# I1'(x) = I0(x) - I1(x) / x, which is 1/2 at 0.
i1 = Op("SpecialI1Backward0", lambda self: bessel_math.i1(self), promote="float",
        self=lambda grad, self, result: grad * where(self == 0, 0.5, i0(self) - result / self),
        jvp=lambda self_t, self, result: self_t * where(self == 0, 0.5,
                                                        i0(self) - result / self))
i0e = Op("SpecialI0EBackward0", lambda self: bessel_math.i0e(self), promote="float",
         self=lambda grad, self, result: grad * (i1e(self) - sign(self) * result),
         jvp=lambda self_t, self, result: self_t * (i1e(self) - sign(self) * result))
i1e = Op("SpecialI1EBackward0", lambda self: bessel_math.i1e(self), promote="float",
         self=lambda grad, self, result: grad * where(
             self == 0, 0.5, i0e(self) - result * (sign(self) + 1 / self)),
         jvp=lambda self_t, self, result: self_t * where(
             self == 0, 0.5, i0e(self) - result * (sign(self) + 1 / self)))

__all__ = ["acosh", "asinh", "atanh", "erfc", "erfinv", "lgamma", "digamma",
           "polygamma", "mvlgamma", "igamma", "igammac", "i0", "i1", "i0e", "i1e",
           "not_implemented"]
