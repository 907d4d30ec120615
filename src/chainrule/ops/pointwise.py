"""Elementwise operations: arithmetic, the functions of calculus, comparisons.

The rule table reads like a table of derivatives: ``grad`` is the gradient of
the loss with respect to this operation's output, and each formula multiplies
it by the local derivative with respect to one input (the chain rule).
Broadcasting and dtype are undone by the engine, not here.
"""
from __future__ import annotations

import math

from .._backend import xp
from ..autograd.function import Op

# --- arithmetic ---------------------------------------------------------------
#          name             forward (arrays)                       backward per input (tensors)
add = Op("AddBackward0", lambda self, other: xp.add(self, other), promote="binary",
         self=lambda grad: grad,
         other=lambda grad: grad)
sub = Op("SubBackward0", lambda self, other: xp.subtract(self, other), promote="binary",
         self=lambda grad: grad,
         other=lambda grad: -grad)
rsub = Op("RsubBackward1", lambda self, other: xp.subtract(other, self), promote="binary",
          self=lambda grad: -grad)
mul = Op("MulBackward0", lambda self, other: xp.multiply(self, other), promote="binary",
         self=lambda grad, other: grad * other,
         other=lambda grad, self: grad * self)
div = Op("DivBackward0", lambda self, other: xp.true_divide(self, other), promote="float",
         self=lambda grad, other: grad / other,
         other=lambda grad, self, other: -grad * self / (other * other))
neg = Op("NegBackward0", lambda self: xp.negative(self),
         self=lambda grad: -grad)
# x ** c for a number c; the mask keeps 0 ** 0 from producing 0 * inf = nan.
pow_scalar = Op("PowBackward0", lambda self, exponent: xp.power(self, exponent), promote="binary",
                self=lambda grad, self, exponent:
                    grad * 0.0 if exponent == 0 else grad * exponent * self ** (exponent - 1))
# x ** y for tensors; d/dy is masked where x == 0 (and y >= 0), where log(x) is -inf.
pow_tensor = Op("PowBackward1", lambda self, exponent: xp.power(self, exponent), promote="binary",
                self=lambda grad, self, exponent: grad * exponent * self ** (exponent - 1),
                exponent=lambda grad, self, exponent, result:
                    grad * where((self == 0) & (exponent >= 0), 0.0, result * log(self)))
# c ** y for a number c.
pow_base = Op("PowBackward2", lambda exponent, base: xp.power(base, exponent), promote="float",
              exponent=lambda grad, base, result: grad * result * math.log(base)
              if base > 0 else grad * where(result == 0, 0.0, result * math.log(abs(base))))

floor_divide = Op("FloorDivideBackward0", lambda self, other: xp.floor_divide(self, other),
                  promote="binary")
remainder = Op("RemainderBackward0", lambda self, other: xp.remainder(self, other),
               promote="binary",
               self=lambda grad: grad,
               other=lambda grad, self, other: -grad * floor_divide(self, other))
fmod = Op("FmodBackward0", lambda self, other: xp.fmod(self, other), promote="binary",
          self=lambda grad: grad,
          other=lambda grad, self, other: -grad * trunc(div(self, other)))

# --- functions of one variable -------------------------------------------------
exp = Op("ExpBackward0", lambda self: xp.exp(self), promote="float",
         self=lambda grad, result: grad * result)
exp2 = Op("Exp2Backward0", lambda self: xp.exp2(self), promote="float",
          self=lambda grad, result: grad * result * math.log(2.0))
expm1 = Op("Expm1Backward0", lambda self: xp.expm1(self), promote="float",
           self=lambda grad, result: grad * (result + 1))
log = Op("LogBackward0", lambda self: xp.log(self), promote="float",
         self=lambda grad, self: grad / self)
log2 = Op("Log2Backward0", lambda self: xp.log2(self), promote="float",
          self=lambda grad, self: grad / (self * math.log(2.0)))
log10 = Op("Log10Backward0", lambda self: xp.log10(self), promote="float",
           self=lambda grad, self: grad / (self * math.log(10.0)))
log1p = Op("Log1PBackward0", lambda self: xp.log1p(self), promote="float",
           self=lambda grad, self: grad / (self + 1))
sqrt = Op("SqrtBackward0", lambda self: xp.sqrt(self), promote="float",
          self=lambda grad, result: grad / (2 * result))
rsqrt = Op("RsqrtBackward0", lambda self: 1 / xp.sqrt(self), promote="float",
           self=lambda grad, result: -0.5 * grad * result ** 3)
sin = Op("SinBackward0", lambda self: xp.sin(self), promote="float",
         self=lambda grad, self: grad * cos(self))
cos = Op("CosBackward0", lambda self: xp.cos(self), promote="float",
         self=lambda grad, self: grad * -sin(self))
tan = Op("TanBackward0", lambda self: xp.tan(self), promote="float",
         self=lambda grad, result: grad * (1 + result * result))
asin = Op("AsinBackward0", lambda self: xp.arcsin(self), promote="float",
          self=lambda grad, self: grad * rsqrt(1 - self * self))
acos = Op("AcosBackward0", lambda self: xp.arccos(self), promote="float",
          self=lambda grad, self: -grad * rsqrt(1 - self * self))
atan = Op("AtanBackward0", lambda self: xp.arctan(self), promote="float",
          self=lambda grad, self: grad / (1 + self * self))
sinh = Op("SinhBackward0", lambda self: xp.sinh(self), promote="float",
          self=lambda grad, self: grad * cosh(self))
cosh = Op("CoshBackward0", lambda self: xp.cosh(self), promote="float",
          self=lambda grad, self: grad * sinh(self))
tanh = Op("TanhBackward0", lambda self: xp.tanh(self), promote="float",
          self=lambda grad, result: grad * (1 - result * result))
# A dedicated rule rather than 1 / (1 + exp(-x)): exp(-x) overflows for large negative x.
sigmoid = Op("SigmoidBackward0", lambda self: _stable_sigmoid(self), promote="float",
             self=lambda grad, result: grad * result * (1 - result))
relu = Op("ReluBackward0", lambda self: xp.maximum(self, 0).astype(self.dtype, copy=False),
          self=lambda grad, result: grad * (result > 0))
abs = Op("AbsBackward0", lambda self: xp.abs(self),  # noqa: A001 - PyTorch's name
         self=lambda grad, self: grad * sign(self))
reciprocal = Op("ReciprocalBackward0", lambda self: xp.reciprocal(self), promote="float",
                self=lambda grad, result: -grad * result * result)


def _stable_sigmoid(x):
    # exp of a non-positive number only: no overflow warning at either tail.
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def _erf(x):
    from math import erf as scalar_erf
    return xp.vectorize(scalar_erf, otypes=[x.dtype])(x) if x.size else x.copy()


erf = Op("ErfBackward0", lambda self: _erf(self), promote="float",
         self=lambda grad, self: grad * (2 / math.sqrt(math.pi)) * exp(-self * self))
atan2 = Op("Atan2Backward0", lambda self, other: xp.arctan2(self, other), promote="float",
           self=lambda grad, self, other: grad * other / (self * self + other * other),
           other=lambda grad, self, other: -grad * self / (self * self + other * other))

# --- piecewise: gradient flows to the selected input ----------------------------
# Ties send half to each side, as PyTorch does for maximum/minimum.
maximum = Op("MaximumBackward0", lambda self, other: xp.maximum(self, other), promote="binary",
             self=lambda grad, self, other: grad * ((self > other) + (self == other) * 0.5),
             other=lambda grad, self, other: grad * ((other > self) + (self == other) * 0.5))
minimum = Op("MinimumBackward0", lambda self, other: xp.minimum(self, other), promote="binary",
             self=lambda grad, self, other: grad * ((self < other) + (self == other) * 0.5),
             other=lambda grad, self, other: grad * ((other < self) + (self == other) * 0.5))
# The gradient passes where min <= x <= max (boundaries included), as in PyTorch.
clamp_op = Op("ClampBackward1", lambda self, min, max: xp.clip(self, min, max),
              self=lambda grad, self, min, max: grad * _inside(self, min, max))
where_op = Op("WhereBackward0", lambda condition, self, other: xp.where(condition, self, other),
              promote="binary",
              self=lambda grad, condition: grad * condition,
              other=lambda grad, condition: grad * ~condition)
lerp_op = Op("LerpBackward0", lambda self, end, weight: self + weight * (end - self),
             promote="binary",
             self=lambda grad, weight: grad * (1 - weight),
             end=lambda grad, weight: grad * weight,
             weight=lambda grad, self, end: grad * (end - self))


def _inside(x, lo, hi):
    mask = x == x
    if lo is not None:
        mask = mask & (x >= lo)
    if hi is not None:
        mask = mask & (x <= hi)
    return mask


# --- no gradient: the derivative is zero almost everywhere ------------------------
# PyTorch records these with a zero gradient, so that `floor(x)` keeps requires_grad.
sign = Op("SignBackward0", lambda self: xp.sign(self), self=lambda grad: grad * 0)
floor = Op("FloorBackward0", lambda self: xp.floor(self), self=lambda grad: grad * 0)
ceil = Op("CeilBackward0", lambda self: xp.ceil(self), self=lambda grad: grad * 0)
round_op = Op("RoundBackward0", lambda self: xp.round(self), self=lambda grad: grad * 0)
trunc = Op("TruncBackward0", lambda self: xp.trunc(self), self=lambda grad: grad * 0)
frac = Op("FracBackward0", lambda self: self - xp.trunc(self), self=lambda grad: grad)


def where(condition, input, other):
    """``input`` where ``condition`` holds, else ``other`` (PyTorch's ``torch.where``).

    >>> import chainrule as torch
    >>> torch.where(torch.tensor([True, False]), torch.tensor([1., 2.]), 0.)
    tensor([1., 0.])
    """
    from ..tensor import as_tensor_like
    condition = as_tensor_like(condition, None)
    if condition._data.dtype != xp.bool_:
        condition = condition != 0
    return where_op(condition, input, other)
