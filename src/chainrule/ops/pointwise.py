"""Elementwise operations: arithmetic, the functions of calculus, comparisons.

The rule table reads like a table of derivatives: ``grad`` is the gradient of
the loss with respect to this operation's output, and each formula multiplies
it by the local derivative with respect to one input (the chain rule).
Broadcasting and dtype are undone by the engine, not here.
"""
from __future__ import annotations

import builtins
import math

from .._backend import xp
from .._backend.select import zero_where
from ..engine.array_rules import ARRAY_FORMS, compiled_form
from ..engine.core import quiet  # _backend.quiet, or its C twin where the core is compiled
from ..engine.op import Op
from ..tensor import Tensor

_quiet = quiet  # the forwards below that can divide by zero or overflow use it


def _rsqrt(x):
    return 1 / xp.sqrt(x)


def _sqrt_backward(grad, output):
    # output + output is 2 * output exactly, without NumPy's slower path for a Python number
    return grad / (output + output)


# 1 as a 0-d array of each float dtype: ``1 - x`` with the Python number takes NumPy's slower
# path for Python operands; the 0-d array of x's own dtype gives the same result faster.
_ONES = {xp.dtype(t): xp.ones((), dtype=t) for t in (xp.float16, xp.float32, xp.float64)}


def _one_minus(x):
    one = _ONES.get(x.dtype)
    return 1 - x if one is None else one - x


def _no_bool(fn, x, name):
    if x.dtype == xp.bool_:
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for 'Bool'. Fix: convert "
                                  "the mask with .float() or .long() first.")
    return fn(x)


def _negative(x):
    if x.dtype.kind == "b":  # (a kind read costs less than comparing with a type)
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If "
                           "you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    return xp.negative(x)


# Below this many elements the row of zeros costs more than it saves.
_RELU_ROW = 2048


def _relu(x):
    if x.dtype == xp.bool_:
        raise RuntimeError("Boolean inputs not supported for relu. Fix: convert with .float().")
    if x.ndim and x.size >= _RELU_ROW:
        # NumPy's maximum runs its vectorised loop only when both operands are arrays that
        # advance: a row of zeros broadcast over the leading dimensions selects the same bits
        # as the number 0 (NaN kept, -0.0 to +0.0) in a fraction of the time.
        return xp.maximum(x, xp.zeros(x.shape[-1], dtype=x.dtype))
    return xp.maximum(x, 0).astype(x.dtype, copy=False)


# --- arithmetic ---------------------------------------------------------------
# + - * are written as Python's operators rather than ufunc calls (the same computation
# on arrays): a forward made of operators only gets 0-d tensors as NumPy scalars, whose
# operators take NumPy's scalar fast path, which calling np.multiply would bypass.
# (``**`` stays np.power: the operator turns x ** 2 of a bool array into int8.)
# Each Op: forward on arrays, then the backward formula per input (vector-Jacobian
# product), then `jvp` (Jacobian-vector product, forward mode): tangents are named
# `<input>_t`, an input without a tangent gets zeros.
#          name             forward (arrays)                       backward per input (tensors)
add = Op("AddBackward0", lambda self, other: self + other, promote="binary",
         self=lambda grad: grad,
         other=lambda grad: grad,
         jvp=lambda self_t, other_t: self_t + other_t)
sub = Op("SubBackward0", lambda self, other: self - other, promote="binary",
            self=lambda grad: grad,
            other=lambda grad: -grad,
            jvp=lambda self_t, other_t: self_t - other_t)
# add/sub with alpha: input ± alpha * other in one node, as PyTorch records it.
add_alpha = Op("AddBackward0", lambda self, other, alpha: self + other * alpha, promote="binary",
               self=lambda grad: grad,
               other=lambda grad, alpha: grad * alpha,
               jvp=lambda self_t, other_t, alpha: self_t + other_t * alpha)
sub_alpha = Op("SubBackward0", lambda self, other, alpha: self - other * alpha, promote="binary",
               self=lambda grad: grad,
               other=lambda grad, alpha: grad * -alpha,
               jvp=lambda self_t, other_t, alpha: self_t - other_t * alpha)
# number - tensor (``other`` is the number).
rsub = Op("RsubBackward1", lambda self, other: other - self, promote="binary",
             self=lambda grad: -grad,
             jvp=lambda self_t: -self_t)
# torch.rsub(input, other, alpha): other - alpha * input; other a tensor (0) or a number (1).
rsub_tensor = Op("RsubBackward0", lambda self, other, alpha: other - self * alpha,
                 promote="binary",
                 self=lambda grad, alpha: grad * -alpha,
                 other=lambda grad: grad,
                 jvp=lambda self_t, other_t, alpha: other_t - self_t * alpha)
rsub_alpha = Op("RsubBackward1", lambda self, other, alpha: other - self * alpha,
                promote="binary",
                self=lambda grad, alpha: grad * -alpha,
                jvp=lambda self_t, alpha: self_t * -alpha)
mul = Op("MulBackward0", lambda self, other: self * other, promote="binary",
         self=lambda grad, other: grad * other,
         other=lambda grad, self: grad * self,
         jvp=lambda self_t, other_t, self, other: self_t * other + other_t * self)
div = Op("DivBackward0", lambda self, other: _quiet(xp.true_divide, self, other), promote="float",
         self=lambda grad, other: grad / other,
         other=lambda grad, self, other: div_other_backward(grad, self, other),
         jvp=lambda self_t, other_t, other, result: (self_t - other_t * result) / other)
# PyTorch's own C++ code multiplies and divides by a number (a Scalar: ``other`` here is a
# Python number) in other nodes than Python's ``x * 2``, whose number becomes a tensor; the
# functions composed as PyTorch composes them in C++ (torch.gradient) use these.
mul_scalar = Op("MulBackward1", lambda self, other: self * other,
                self=lambda grad, other: mul_scalar(grad, other),
                jvp=lambda self_t, other: mul_scalar(self_t, other))
div_scalar = Op("DivBackward1", lambda self, other: self / other,
                self=lambda grad, other: div_scalar(grad, other),
                jvp=lambda self_t, other: div_scalar(self_t, other))
# -grad * self / other**2 (a backward primitive, see pow_backward): symmetric in grad and self
# (in value; the rounding is PyTorch's for the gradient of ``other``).
div_other_backward = Op("MulBackward0",
                        lambda grad, self, other: _quiet(_div_other_backward, grad, self, other),
                        promote="float",
                        grad=lambda g, self, other: div_other_backward(g, self, other),
                        self=lambda g, grad, other: div_other_backward(g, grad, other),
                        other=lambda g, grad, self, other: 2 * g * grad * self / (other ** 3),
                        jvp=lambda grad_t, self_t, other_t, grad, self, other:
                            div_other_backward(grad_t, self, other)
                            + div_other_backward(grad, self_t, other)
                            + 2 * grad * self * other_t / (other ** 3))
neg = Op("NegBackward0", lambda self: _negative(self),
         self=lambda grad: -grad,
         jvp=lambda self_t: -self_t)
# x ** c for a number c; c == 0 gives a zero gradient rather than 0 * x ** -1 (inf at 0).
pow_scalar = Op("PowBackward0", lambda self, exponent: _quiet(_power, self, exponent),
                promote="binary", scalars=True,
                self=lambda grad, self, exponent: pow_backward(grad, self, exponent),
                jvp=lambda self_t, self, exponent: pow_backward(self_t, self, exponent))
# Backward primitives: one recorded op where the formula would take several (one node and
# one tensor per backward step instead of 2-4).  Each has its own rules, so gradients of
# gradients still work, and a jvp.  In their rules `g` is the incoming gradient (`grad` is
# an argument).  Named as PyTorch names the gradient's grad_fn: its own fused kernel
# (TanhBackwardBackward0) or, for a formula PyTorch composes, the last op of it.
# grad * c * x ** (c - 1), 0 for c == 0 (not 0 * x ** -1, inf at 0).
pow_backward = Op("MulBackward0",
                  lambda grad, self, exponent: _quiet(_pow_backward, grad, self, exponent),
                  promote="binary",
                  grad=lambda g, self, exponent: pow_backward(g, self, exponent),
                  self=lambda g, grad, self, exponent:
                      pow_backward(g * grad * exponent, self, exponent - 1),
                  jvp=lambda grad_t, self_t, grad, self, exponent:
                      pow_backward(grad_t, self, exponent)
                      + pow_backward(grad * self_t * exponent, self, exponent - 1))
# x ** y for tensors; d/dy is masked where x == 0 (and y >= 0), where log(x) is -inf.
pow_tensor = Op("PowBackward1", lambda self, exponent: _quiet(xp.power, self, exponent),
                promote="binary",
                self=lambda grad, self, exponent: grad * _pow_self_factor(self, exponent),
                exponent=lambda grad, self, exponent, result:
                    grad * _pow_exponent_factor(self, exponent, result),
                # A zero exponent tangent (an integer exponent has none) contributes nothing,
                # even where log(self) is nan (self < 0): PyTorch skips it.
                jvp=lambda self_t, exponent_t, self, exponent, result:
                    self_t * _pow_self_factor(self, exponent)
                    + where(exponent_t == 0, 0.0,
                            exponent_t * _pow_exponent_factor(self, exponent, result)))
# c ** y for a number c (``base``).
pow_base = Op("PowBackward2", lambda exponent, base: _quiet(xp.power, base, exponent),
              promote="binary",
              exponent=lambda grad, exponent, base, result:
                  grad * _pow_base_factor(exponent, base, result),
              jvp=lambda exponent_t, exponent, base, result:
                  exponent_t * _pow_base_factor(exponent, base, result))


def _power(x, exponent):
    # A NumPy scalar (a 0-d tensor, see Op's ``scalars``) takes the scalar fast path of
    # ``**``; an array takes np.power, since the array operator turns x ** 2 of a bool
    # array into int8 where np.power (and PyTorch) give int64.
    if type(x) is xp.ndarray:
        return xp.power(x, exponent)
    return x ** exponent


def _div_other_backward(grad, self, other):
    # PyTorch's order of operations (div_tensor_other_backward), so the rounding is its own
    return -grad * ((self / other) / other)


def _pow_backward(grad, self, exponent):
    if exponent == 0:
        return grad * 0.0
    if exponent == 2:  # squares (every squared error): self ** 1 is self, a NumPy call less
        return (grad + grad) * self  # grad + grad is grad * 2 exactly, without a Python number
    return grad * exponent * self ** (exponent - 1)


def _pow_self_factor(self, exponent):
    # y * x ** (y - 1), but 0 where y == 0 (as PyTorch): 0 * 0 ** -1 would be nan.
    return where(exponent == 0, 0.0, exponent * self ** (exponent - 1))


def _pow_exponent_factor(self, exponent, result):
    return where((self == 0) & (exponent >= 0), 0.0, result * log(self))


def _pow_base_factor(exponent, base, result):
    if base > 0:
        return result * math.log(base)
    if base == 0:  # log(0) = -inf; PyTorch gives 0 where the exponent is >= 0
        return where(exponent >= 0, 0.0, result * -math.inf)
    return result * math.nan  # log of a negative base: nan, as in PyTorch


floor_divide = Op("FloorDivideBackward0", lambda self, other: _quiet(xp.floor_divide, self, other),
                  promote="binary")
# PyTorch names the tensor-tensor form ...Backward1 and the tensor-number form ...Backward0.
remainder_tensor = Op("RemainderBackward1", lambda self, other: _quiet(xp.remainder, self, other),
                      promote="binary",
                      self=lambda grad: grad,
                      other=lambda grad, self, other: -grad * floor_divide(self, other),
                      jvp=lambda self_t, other_t, self, other:
                          self_t - other_t * floor_divide(self, other))
remainder_scalar = Op("RemainderBackward0", lambda self, other: _quiet(xp.remainder, self, other),
                      promote="binary",
                      self=lambda grad: grad,
                      jvp=lambda self_t: self_t)
fmod_tensor = Op("FmodBackward1", lambda self, other: _quiet(xp.fmod, self, other),
                 promote="binary",
                 self=lambda grad: grad,
                 other=lambda grad, self, other: -grad * trunc(div(self, other)),
                 jvp=lambda self_t, other_t, self, other:
                     self_t - other_t * trunc(div(self, other)))
fmod_scalar = Op("FmodBackward0", lambda self, other: _quiet(xp.fmod, self, other),
                 promote="binary",
                 self=lambda grad: grad,
                 jvp=lambda self_t: self_t)


def remainder(self, other):
    """Python's ``%`` (the sign of the divisor), on arrays already checked by the caller."""
    return (remainder_tensor if isinstance(other, Tensor) else remainder_scalar)(self, other)


def fmod(self, other):
    """C's ``fmod`` (the sign of the dividend)."""
    return (fmod_tensor if isinstance(other, Tensor) else fmod_scalar)(self, other)


# --- functions of one variable -------------------------------------------------
_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)

exp = Op("ExpBackward0", lambda self: _quiet(xp.exp, self), promote="float",
         self=lambda grad, result: grad * result,
         jvp=lambda self_t, result: self_t * result)
exp2 = Op("Exp2Backward0", lambda self: _quiet(xp.exp2, self), promote="float",
          self=lambda grad, result: grad * result * _LN2,
          jvp=lambda self_t, result: self_t * result * _LN2)
expm1 = Op("Expm1Backward0", lambda self: _quiet(xp.expm1, self), promote="float",
           self=lambda grad, result: grad * (result + 1),
           jvp=lambda self_t, result: self_t * (result + 1))
log = Op("LogBackward0", lambda self: _quiet(xp.log, self), promote="float",
         self=lambda grad, self: grad / self,
         jvp=lambda self_t, self: self_t / self)
log2 = Op("Log2Backward0", lambda self: _quiet(xp.log2, self), promote="float",
          self=lambda grad, self: grad / (self * _LN2),
          jvp=lambda self_t, self: self_t / (self * _LN2))
log10 = Op("Log10Backward0", lambda self: _quiet(xp.log10, self), promote="float",
           self=lambda grad, self: grad / (self * _LN10),
           jvp=lambda self_t, self: self_t / (self * _LN10))
log1p = Op("Log1PBackward0", lambda self: _quiet(xp.log1p, self), promote="float",
           self=lambda grad, self: grad / (self + 1),
           jvp=lambda self_t, self: self_t / (self + 1))
sqrt = Op("SqrtBackward0", lambda self: _quiet(xp.sqrt, self), promote="float",
          self=lambda grad, result: sqrt_backward(grad, result),
          jvp=lambda self_t, result: sqrt_backward(self_t, result))
# grad / (2 * sqrt(x)), from the output (a backward primitive, see pow_backward).
sqrt_backward = Op("DivBackward0",
                   lambda grad, output: _quiet(_sqrt_backward, grad, output), promote="float",
                   grad=lambda g, output: sqrt_backward(g, output),
                   output=lambda g, grad, output: -g * grad / (2 * output * output),
                   jvp=lambda grad_t, output_t, grad, output:
                       sqrt_backward(grad_t, output) - grad * output_t / (2 * output * output))
rsqrt = Op("RsqrtBackward0", lambda self: _quiet(_rsqrt, self), promote="float",
           self=lambda grad, result: -0.5 * grad * result ** 3,
           jvp=lambda self_t, result: -0.5 * self_t * result ** 3)
sin = Op("SinBackward0", lambda self: xp.sin(self), promote="float",
         self=lambda grad, self: grad * cos(self),
         jvp=lambda self_t, self: self_t * cos(self))
cos = Op("CosBackward0", lambda self: xp.cos(self), promote="float",
         self=lambda grad, self: grad * -sin(self),
         jvp=lambda self_t, self: self_t * -sin(self))
tan = Op("TanBackward0", lambda self: xp.tan(self), promote="float",
         self=lambda grad, result: grad * (1 + result * result),
         jvp=lambda self_t, result: self_t * (1 + result * result))
asin = Op("AsinBackward0", lambda self: _quiet(xp.arcsin, self), promote="float",
          self=lambda grad, self: grad * rsqrt(1 - self * self),
          jvp=lambda self_t, self: self_t * rsqrt(1 - self * self))
acos = Op("AcosBackward0", lambda self: _quiet(xp.arccos, self), promote="float",
          self=lambda grad, self: -grad * rsqrt(1 - self * self),
          jvp=lambda self_t, self: -self_t * rsqrt(1 - self * self))
atan = Op("AtanBackward0", lambda self: xp.arctan(self), promote="float",
          self=lambda grad, self: grad / (1 + self * self),
          jvp=lambda self_t, self: self_t / (1 + self * self))
sinh = Op("SinhBackward0", lambda self: _quiet(xp.sinh, self), promote="float",
          self=lambda grad, self: grad * cosh(self),
          jvp=lambda self_t, self: self_t * cosh(self))
cosh = Op("CoshBackward0", lambda self: _quiet(xp.cosh, self), promote="float",
          self=lambda grad, self: grad * sinh(self),
          jvp=lambda self_t, self: self_t * sinh(self))
tanh = Op("TanhBackward0", lambda self: xp.tanh(self), promote="float",
          self=lambda grad, result: tanh_backward(grad, result),
          jvp=lambda self_t, result: tanh_backward(self_t, result))
# grad * (1 - tanh(x)**2), from the output (a backward primitive, see pow_backward).
tanh_backward = Op("TanhBackwardBackward0",
                   lambda grad, output: grad * _one_minus(output * output), promote="binary",
                   grad=lambda g, output: tanh_backward(g, output),
                   output=lambda g, grad, output: -2 * g * grad * output,
                   jvp=lambda grad_t, output_t, grad, output:
                       tanh_backward(grad_t, output) - 2 * grad * output * output_t)
sigmoid = Op("SigmoidBackward0", lambda self: _quiet(_sigmoid, self), promote="float",
             self=lambda grad, result: sigmoid_backward(grad, result),
             jvp=lambda self_t, result: sigmoid_backward(self_t, result))
# grad * (1 - s) * s for s = sigmoid(x), in PyTorch's order of operations (so its rounding):
# a backward primitive, see pow_backward.
sigmoid_backward = Op("SigmoidBackwardBackward0",
                      lambda grad, output: grad * _one_minus(output) * output,
                      promote="binary",
                      grad=lambda g, output: sigmoid_backward(g, output),
                      output=lambda g, grad, output: g * grad * (1 - 2 * output),
                      jvp=lambda grad_t, output_t, grad, output:
                          sigmoid_backward(grad_t, output) + grad * (1 - 2 * output) * output_t)
# PyTorch's relu has gradient 0 at 0.
relu = Op("ReluBackward0", lambda self: _relu(self),
          self=lambda grad, result: threshold_backward(grad, result, 0),
          jvp=lambda self_t, result: threshold_backward(self_t, result, 0))
# grad where the input (or relu's output) is above the threshold, else 0 (a backward
# primitive, see pow_backward; relu's and threshold's); the mask is piecewise constant: zero
# gradient for the output (an edge, as in PyTorch). A selection, not a product: an inf or
# NaN gradient stops at a zero output, and a NaN output lets the gradient through, as in
# PyTorch.
threshold_backward = Op("ThresholdBackwardBackward0",
                        lambda grad, output, threshold: zero_where(output <= threshold, grad),
                        promote="binary",
                        grad=lambda g, output, threshold: threshold_backward(g, output, threshold),
                        output=lambda g: g * 0,
                        jvp=lambda grad_t, output, threshold:
                            threshold_backward(grad_t, output, threshold))
# A backward pass on arrays has NumPy's warnings off already (run_backward): there the
# formulas that call these backward primitives call their kernels directly, without the
# forward's _quiet (a Python call and two context-variable switches less per node).
# Where the compiled core runs, these array forms have C twins (compiled_form).
ARRAY_FORMS.update({div_other_backward: compiled_form("div_other_backward", _div_other_backward),
                    pow_backward: compiled_form("pow_backward", _pow_backward),
                    sqrt_backward: compiled_form("sqrt_backward", _sqrt_backward),
                    tanh_backward: compiled_form("tanh_backward", ARRAY_FORMS[tanh_backward]),
                    sigmoid_backward: compiled_form("sigmoid_backward",
                                                    ARRAY_FORMS[sigmoid_backward]),
                    threshold_backward: compiled_form("threshold_backward",
                                                      ARRAY_FORMS[threshold_backward])})
abs = Op("AbsBackward0", lambda self: _no_bool(xp.abs, self, "abs"),  # noqa: A001
         self=lambda grad, self: grad * sign(self),
         jvp=lambda self_t, self: self_t * sign(self))
reciprocal = Op("ReciprocalBackward0", lambda self: _quiet(xp.reciprocal, self), promote="float",
                self=lambda grad, result: -grad * result * result,
                jvp=lambda self_t, result: -self_t * result * result)
erf = Op("ErfBackward0", lambda self: _erf(self), promote="float",
         self=lambda grad, self: grad * _TWO_OVER_SQRT_PI * exp(-self * self),
         jvp=lambda self_t, self: self_t * _TWO_OVER_SQRT_PI * exp(-self * self))
atan2 = Op("Atan2Backward0", lambda self, other: xp.arctan2(self, other), promote="float",
           self=lambda grad, self, other: grad * _atan2_share(other, self, other),
           other=lambda grad, self, other: grad * _atan2_share(-self, self, other),
           jvp=lambda self_t, other_t, self, other:
               self_t * _atan2_share(other, self, other)
               - other_t * _atan2_share(self, self, other))


def _atan2_share(numerator, self, other):
    # At the origin PyTorch gives a zero gradient rather than 0 / 0.
    r2 = self * self + other * other
    return where(r2 == 0, 0.0, numerator / r2)


def _stable_sigmoid(x):
    # exp of a non-positive number only: no overflow warning at either tail (silu's).
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def _sigmoid(x):
    # PyTorch's formula, 1 / (1 + exp(-x)): four NumPy calls. Below about -88 (float32)
    # exp(-x) overflows to inf and the result is 0, as PyTorch's (quietly: see the row).
    # float16 is computed in float32 and rounded, as PyTorch computes it.
    if x.dtype.char == "e":
        return (1 / (1 + xp.exp(-x.astype(xp.float32)))).astype(x.dtype)
    one = _ONES.get(x.dtype)
    if one is None or x.ndim == 0:
        return 1 / (1 + xp.exp(-x))
    # The same four operations into one fresh array (three temporaries fewer), with a 0-d
    # one of x's dtype instead of the number 1, which NumPy would convert on every call.
    e = xp.negative(x)
    xp.exp(e, out=e)
    xp.add(one, e, out=e)
    return xp.divide(one, e, out=e)


def _erf(x):
    """The error function to float64 precision (relative error about 1e-15), vectorised.

    |x| < 2.5: the series erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (2n+1)!!,
    whose terms are all positive, so nothing cancels.  |x| >= 2.5: 1 - erfc(x), with
    erfc from its continued fraction, which converges fast there (and erfc < 5e-4
    leaves erf's relative error far below erfc's).
    """
    a = xp.abs(x.astype(xp.float64))
    out = xp.empty_like(a)
    near = a < 2.5
    s = a[near]
    if s.size:
        x2 = s * s
        term = s.copy()
        total = s.copy()
        for n in range(1, int(2 * float(x2.max())) + 40):  # terms shrink after n ~ x^2
            term *= (2 * x2) / (2 * n + 1)
            total += term
        out[near] = _TWO_OVER_SQRT_PI * xp.exp(-x2) * total
    far = ~near  # includes nan, which stays nan
    b = a[far]
    if b.size:
        # erfc(x) = exp(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...))))
        frac = b.copy()
        for k in range(60, 0, -1):
            frac = b + (k / 2) / frac
        out[far] = 1 - xp.exp(-b * b) / (math.sqrt(math.pi) * frac)
    return xp.copysign(out, x).astype(x.dtype, copy=False)


# --- piecewise: gradient flows to the selected input ----------------------------
# PyTorch's rule: the input that loses gets 0, a tie sends half to each side, and
# where a nan makes every comparison false both sides get the full gradient.
# d/dx log(e^x + e^y) = e^x / (e^x + e^y) = 1 / (1 + e^(y - x)), PyTorch's formula: smooth
# everywhere, so the second derivative at x == y is 1/4 (a branch on x < y would give 0).
logaddexp = Op("LogaddexpBackward0", lambda self, other: xp.logaddexp(self, other),
               promote="float",
               self=lambda grad, self, other: grad / (1 + exp(other - self)),
               other=lambda grad, self, other: grad / (1 + exp(self - other)),
               jvp=lambda self_t, other_t, self, other:
                   self_t / (1 + exp(other - self)) + other_t / (1 + exp(self - other)))
# log2(2^x + 2^y): the same with powers of 2.
logaddexp2 = Op("Logaddexp2Backward0", lambda self, other: xp.logaddexp2(self, other),
                promote="float",
                self=lambda grad, self, other: grad / (1 + 2 ** (other - self)),
                other=lambda grad, self, other: grad / (1 + 2 ** (self - other)),
                jvp=lambda self_t, other_t, self, other:
                    self_t / (1 + 2 ** (other - self)) + other_t / (1 + 2 ** (self - other)))
# |x| with the sign of y.  The slope for x is PyTorch's result / x, set to 0 at x == 0 (its
# second derivative there is nan, as PyTorch's).  The sign of y is piecewise constant, so y
# gets zeros (not grad * 0, which would turn an inf gradient into nan).
copysign_tensor = Op("CopysignBackward0", lambda self, other: xp.copysign(self, other),
                     promote="float",
                     self=lambda grad, self, result: grad * _copysign_slope(self, result),
                     other=lambda grad: grad.new_zeros(grad.shape),
                     jvp=lambda self_t, other_t, self, result:
                         self_t * _copysign_slope(self, result))
copysign_scalar = Op("CopysignBackward1", lambda self, other: xp.copysign(self, other),
                     promote="float",
                     self=lambda grad, self, result: grad * _copysign_slope(self, result),
                     jvp=lambda self_t, self, result: self_t * _copysign_slope(self, result))


def _copysign_slope(self, result):
    return where(self == 0, 0.0, result / self)


maximum = Op("MaximumBackward0", lambda self, other: xp.maximum(self, other), promote="binary",
             self=lambda grad, self, other: grad * _share(self < other, self, other),
             other=lambda grad, self, other: grad * _share(other < self, self, other),
             jvp=lambda self_t, other_t, self, other:
                 self_t * _share(self < other, self, other)
                 + other_t * _share(other < self, self, other))
minimum = Op("MinimumBackward0", lambda self, other: xp.minimum(self, other), promote="binary",
             self=lambda grad, self, other: grad * _share(self > other, self, other),
             other=lambda grad, self, other: grad * _share(other > self, self, other),
             jvp=lambda self_t, other_t, self, other:
                 self_t * _share(self > other, self, other)
                 + other_t * _share(other > self, self, other))


def _share(loses, self, other):
    return (~loses) * 1.0 - (self == other) * 0.5


# Number bounds: the gradient passes where min <= x <= max (boundaries included).
clamp = Op("ClampBackward1", lambda self, min, max: _clip(self, min, max),
              self=lambda grad, self, min, max: grad * _inside(self, min, max),
              jvp=lambda self_t, self, min, max: self_t * _inside(self, min, max))
# Tensor bounds: a bound gets the gradient where it is the value chosen.  Where
# min > max the result is max (PyTorch's rule), so max gets it there.
clamp_tensor = Op("ClampBackward0", lambda self, min, max: _clip(self, min, max),
                  promote="binary",
                  self=lambda grad, self, min, max: grad * _inside(self, min, max),
                  min=lambda grad, self, min, max: grad * _below(self, min, max),
                  max=lambda grad, self, min, max: grad * _above(self, min, max),
                  jvp=lambda self_t, min_t, max_t, self, min, max:
                      _clamp_jvp(self_t, min_t, max_t, self, min, max))


def _clamp_jvp(self_t, min_t, max_t, self, min, max):
    out = self_t * _inside(self, min, max)
    if min is not None:
        out = out + min_t * _below(self, min, max)
    if max is not None:
        out = out + max_t * _above(self, min, max)
    return out


def _clip(x, lo, hi):
    # max then min, so min > max gives max (NumPy's clip would too, but says so nowhere).
    if lo is not None:
        x = xp.maximum(x, lo)
    if hi is not None:
        x = xp.minimum(x, hi)
    return x


def _inside(x, lo, hi):
    mask = x == x  # False at nan: no gradient through a nan
    if lo is not None:
        mask = mask & (x >= lo)
    if hi is not None:
        mask = mask & (x <= hi)
    return mask


def _below(x, lo, hi):
    return (x < lo) & (lo < hi) if hi is not None else x < lo


def _above(x, lo, hi):
    return (x > hi) | (lo > hi) if lo is not None else x > hi


where = Op("WhereBackward0", lambda condition, self, other: xp.where(condition, self, other),
              promote="binary",
              self=lambda grad, condition: where(condition, grad, 0.0),
              other=lambda grad, condition: where(condition, 0.0, grad),
              jvp=lambda condition, self_t, other_t: where(condition, self_t, other_t))
# weight a number: LerpBackward0; weight a tensor: LerpBackward1.
lerp_scalar = Op("LerpBackward0", lambda self, end, weight: self + weight * (end - self),
                 promote="binary",
                 self=lambda grad, weight: grad * (1 - weight),
                 end=lambda grad, weight: grad * weight,
                 jvp=lambda self_t, end_t, weight: self_t * (1 - weight) + end_t * weight)
lerp_tensor = Op("LerpBackward1", lambda self, end, weight: self + weight * (end - self),
                 promote="binary",
                 self=lambda grad, weight: grad * (1 - weight),
                 end=lambda grad, weight: grad * weight,
                 weight=lambda grad, self, end: grad * (end - self),
                 jvp=lambda self_t, end_t, weight_t, self, end, weight:
                     self_t * (1 - weight) + end_t * weight + weight_t * (end - self))


# --- no gradient: the derivative is zero almost everywhere ------------------------
# PyTorch records these with a zero gradient, so that `floor(x)` keeps requires_grad.
# zeros, not grad * 0: an inf or NaN gradient stops here, as in PyTorch
sign = Op("SignBackward0", lambda self: _sign(self),
          self=lambda grad: grad.new_zeros(grad.shape),
          jvp=lambda self_t: self_t * 0)
floor = Op("FloorBackward0", lambda self: _no_bool(xp.floor, self, "floor"),
           self=lambda grad: grad * 0,
           jvp=lambda self_t: self_t * 0)
ceil = Op("CeilBackward0", lambda self: _no_bool(xp.ceil, self, "ceil"),
          self=lambda grad: grad * 0,
          jvp=lambda self_t: self_t * 0)
round_half_even = Op("RoundBackward0", lambda self: _no_bool(xp.round, self, "round"),
              self=lambda grad: grad * 0,
              jvp=lambda self_t: self_t * 0)
round_decimals = Op("RoundBackward1", lambda self, decimals: _round_decimals(self, decimals),
                    self=lambda grad: grad * 0,
                    jvp=lambda self_t: self_t * 0)
trunc = Op("TruncBackward0", lambda self: _no_bool(xp.trunc, self, "trunc"),
           self=lambda grad: grad * 0,
           jvp=lambda self_t: self_t * 0)
frac = Op("FracBackward0", lambda self: self - xp.trunc(self), self=lambda grad: grad,
          jvp=lambda self_t: self_t)


def _sign(x):
    if x.dtype == xp.bool_:
        return x.copy()
    out = xp.asarray(xp.sign(x))  # an array even for 0-d input, so it can be written
    if out.dtype.kind == "f":
        out[out != out] = 0  # PyTorch: sign(nan) is 0
    return out


def _round_decimals(x, decimals):
    # PyTorch scales by 10**decimals, rounds half to even and scales back.
    scale = x.dtype.type(10.0 ** builtins.abs(decimals))
    if decimals > 0:
        return xp.round(x * scale) / scale
    return xp.round(x / scale) * scale


# nan_to_num: the gradient passes where the input was kept (finite) and is zero where a
# nan or an infinity was replaced by a constant.
nan_to_num = Op("NanToNumBackward0",
                lambda self, nan, posinf, neginf: xp.nan_to_num(self, nan=nan, posinf=posinf,
                                                                neginf=neginf),
                self=lambda grad, self: grad * (self.abs() < math.inf),
                jvp=lambda self_t, self: self_t * (self.abs() < math.inf))
