"""The rows of ``torch.special``'s own functions (loaded with ``chainrule.special``, on first
use): the error function's family, ``entr``, ``xlog1py``, ``zeta``, and the Bessel
functions and orthogonal polynomials, which PyTorch does not differentiate (rows without
rules: their results do not require grad, as there).  Forwards from ``_special_math``;
derivatives as PyTorch's ``derivatives.yaml`` defines them.
"""
from __future__ import annotations

import math

from .._backend import xp
from .._special_math import bessel as bessel_math
from .._special_math import error as error_math
from .._special_math import gamma as gamma_math
from .._special_math import polynomials as polynomial_math
from ..engine.op import Op
from .pointwise import exp, log, log1p
from .special import not_implemented

_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
_SQRT_TWO_PI = math.sqrt(2 * math.pi)


def _entr(self):
    with xp.errstate(all="ignore"):
        out = -self * xp.log(xp.where(self > 0, self, 1.0))
    return xp.where(self < 0, -xp.inf, out).astype(out.dtype, copy=False)


def _xlog1py(self, other):
    with xp.errstate(all="ignore"):
        out = self * xp.log1p(other)
    return xp.where((self == 0) & ~xp.isnan(other), 0.0, out).astype(out.dtype, copy=False)


entr = Op("SpecialEntrBackward0", _entr, promote="float",
          self=lambda grad, self: grad * -(1 + log(self)),
          jvp=lambda self_t, self: self_t * -(1 + log(self)))
xlog1py = Op("SpecialXlog1PyBackward0", _xlog1py, promote="binary",
             self=lambda grad, self, other: grad * xlog1py((self != 0) * 1.0, other),
             other=lambda grad, self, other: grad * self / (other + 1),
             jvp=lambda self_t, other_t, self, other: (self_t * log1p(other)
                                                       + other_t * self / (other + 1)))
zeta = Op("SpecialZetaBackward0", lambda self, other: gamma_math.zeta(self, other),
          promote="binary", self=not_implemented("zeta"),
          other=lambda grad, self, other: grad * -self * zeta(self + 1.0, other))
erfcx = Op("SpecialErfcxBackward0", lambda self: error_math.erfcx(self), promote="float",
           self=lambda grad, self, result: (2 * self * result - _TWO_OVER_SQRT_PI) * grad,
           jvp=lambda self_t, self, result: (2 * self * result - _TWO_OVER_SQRT_PI) * self_t)
ndtri = Op("SpecialNdtriBackward0", lambda self: error_math.ndtri(self), promote="float",
           self=lambda grad, result: grad * _SQRT_TWO_PI * exp(result * result / 2),
           jvp=lambda self_t, result: self_t * _SQRT_TWO_PI * exp(result * result / 2))
log_ndtr = Op("SpecialLogNdtrBackward0", lambda self: error_math.log_ndtr(self),
              promote="float",
              self=lambda grad, self, result: grad / _SQRT_TWO_PI
              * exp(-(result + self * self / 2)),
              jvp=lambda self_t, self, result: self_t / _SQRT_TWO_PI
              * exp(-(result + self * self / 2)))


# A tensor and a Python number, as PyTorch's C++ composites record them (add.Scalar and
# mul.Scalar: AddBackward1, MulBackward1), for ndtr's graph.
add_scalar = Op("AddBackward1", lambda self, other: self + other, promote="binary",
                self=lambda grad: grad, jvp=lambda self_t: self_t)
mul_scalar = Op("MulBackward1", lambda self, other: self * other, promote="binary",
                self=lambda grad, other: grad * other, jvp=lambda self_t, other: self_t * other)


def _unary(kernel) -> Op:
    """A row without derivative rules: PyTorch records no node for these functions."""
    return Op(kernel.__name__, lambda self: kernel(self), promote="float")


def _binary(kernel) -> Op:
    return Op(kernel.__name__, lambda x, n: kernel(x, n), promote="binary")


bessel_j0, bessel_j1 = _unary(bessel_math.j0), _unary(bessel_math.j1)
bessel_y0, bessel_y1 = _unary(bessel_math.y0), _unary(bessel_math.y1)
modified_bessel_i0 = _unary(bessel_math.i0)
modified_bessel_i1 = _unary(bessel_math.i1)
modified_bessel_k0, modified_bessel_k1 = _unary(bessel_math.k0), _unary(bessel_math.k1)
scaled_modified_bessel_k0 = _unary(bessel_math.k0e)
scaled_modified_bessel_k1 = _unary(bessel_math.k1e)
airy_ai = _unary(bessel_math.airy_ai)
spherical_bessel_j0 = _unary(bessel_math.spherical_j0)

chebyshev_polynomial_t = _binary(polynomial_math.chebyshev_t)
chebyshev_polynomial_u = _binary(polynomial_math.chebyshev_u)
chebyshev_polynomial_v = _binary(polynomial_math.chebyshev_v)
chebyshev_polynomial_w = _binary(polynomial_math.chebyshev_w)
shifted_chebyshev_polynomial_t = _binary(polynomial_math.shifted_chebyshev_t)
shifted_chebyshev_polynomial_u = _binary(polynomial_math.shifted_chebyshev_u)
shifted_chebyshev_polynomial_v = _binary(polynomial_math.shifted_chebyshev_v)
shifted_chebyshev_polynomial_w = _binary(polynomial_math.shifted_chebyshev_w)
hermite_polynomial_h = _binary(polynomial_math.hermite_h)
hermite_polynomial_he = _binary(polynomial_math.hermite_he)
laguerre_polynomial_l = _binary(polynomial_math.laguerre_l)
legendre_polynomial_p = _binary(polynomial_math.legendre_p)
