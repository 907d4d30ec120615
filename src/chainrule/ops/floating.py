"""The representation of floating-point numbers: ``frexp`` (mantissa and exponent),
``ldexp`` (times a power of two) and ``nextafter`` (the next representable number).

PyTorch's gradients: the mantissa is the input divided by ``2**exponent``, a constant
almost everywhere; ``ldexp`` is a product with ``2**other`` (an integer power for an integer
``other``, so 0 for a negative one, as PyTorch computes it); ``nextafter`` passes the
gradient straight to ``self`` (the step is too small to count) where it moves at all (where
``self != other``), and none to ``other``.
"""
from __future__ import annotations

import math

from .._backend import quiet, xp
from ..engine.op import Op
from ..tensor import Tensor
from .pointwise import mul_scalar

_LN2 = math.log(2.0)


def _frexp_mantissa(self, exponent):
    return xp.frexp(self)[0]


# exponent: frexp's second output, an int32 tensor computed beforehand (no gradient)
frexp = Op("FrexpBackward0", _frexp_mantissa,
           self=lambda grad, exponent: grad / exponent.exp2(),
           jvp=lambda self_t, exponent: self_t / exponent.exp2())


def _ldexp(self, other, dtype):
    # an exact scaling for integer exponents (2**other itself may overflow where the product
    # does not: ldexp(2.**-1000, 1100) is 2.**100), a product with 2**other for floating ones
    self = self.astype(dtype, copy=False)
    if other.dtype.kind == "f":
        return quiet(xp.multiply, self, quiet(xp.exp2, other.astype(dtype, copy=False)))
    return quiet(xp.ldexp, self, xp.clip(other, -2**31, 2**31 - 1).astype(xp.int32))


def _two_to_the(other):
    """PyTorch's ``pow(2, other)`` in ldexp's gradient: for an integer ``other`` an integer
    power, so a negative exponent gives 0 (the gradient of ldexp(x, -1) is 0 in PyTorch)."""
    if other.dtype.is_floating_point:
        return 2.0 ** other
    data = other._data
    with xp.errstate(over="ignore"):
        power = xp.left_shift(xp.ones_like(data), xp.clip(data, 0, 8 * data.itemsize - 1))
    return Tensor._make(xp.where(data < 0, 0, power).astype(data.dtype, copy=False))


ldexp = Op("LdexpBackward0", _ldexp,
           self=lambda grad, other: grad * _two_to_the(other),
           other=lambda grad, result: mul_scalar(grad * result, _LN2),
           jvp=lambda self_t, other_t, other, result:
               self_t * _two_to_the(other) + mul_scalar(other_t * result, _LN2))

nextafter = Op("NextafterBackward0", lambda self, other: xp.nextafter(self, other),
               promote="binary",
               self=lambda grad, self, other: grad * (self != other),
               other=lambda grad, other_shape: grad.new_zeros(other_shape),
               jvp=lambda self_t, other_t, self, other: self_t * (self != other))
