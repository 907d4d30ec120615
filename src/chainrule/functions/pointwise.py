"""Elementwise functions: arithmetic, the functions of calculus, rounding, ``where``, ``clamp``.

Each ``torch.*`` function here checks and converts its arguments as PyTorch
does, then calls its row in the rule table ``chainrule.ops.pointwise`` (or
``chainrule.ops.special``), which records the operation.  Functions without a
row of their own (``hypot``, ``logaddexp``, ``sinc``, ...) are composed from
other functions, and their gradients follow from those.
"""
from __future__ import annotations

import builtins
import functools
import math

from .. import _dtypes
from .._backend import xp
from ..engine.inplace import inplace
from ..ops import pointwise as pointwise_ops
from ..ops import special as special_ops
from ..tensor import Tensor
from .arguments import (
    as_tensor_like,
    check_broadcast,
    expect_tensor,
    is_number,
    operand,
    python_number,
)
from .comparison import isinf, isnan, logical_and, logical_or, named, result_type
from .out import SAME, out_variant, write_out

__all__ = [
    "add", "sub", "mul", "div", "floor_divide", "remainder", "fmod", "pow", "true_divide",
    "divide", "multiply", "subtract", "square", "float_power", "addcmul", "addcdiv", "positive",
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "sin", "cos", "tan",
    "asin", "arcsin", "acos", "arccos", "atan", "arctan", "sinh", "cosh", "tanh", "sigmoid", "erf",
    "reciprocal", "acosh", "arccosh", "asinh", "arcsinh", "atanh", "arctanh", "erfc", "erfinv",
    "lgamma", "digamma", "neg", "negative", "abs", "absolute", "sign", "floor", "ceil", "trunc",
    "fix", "frac", "relu", "relu_", "round", "atan2", "arctan2", "sgn", "clamp", "maximum",
    "minimum", "clip", "clamp_min", "clamp_max", "fmax", "fmin", "lerp", "where",
    "nan_to_num", "hypot", "logaddexp", "logaddexp2", "deg2rad", "rad2deg",
    "xlogy", "logit", "copysign", "heaviside", "sinc", "rsub",
]


@out_variant()
def add(input, other, *, alpha=1):
    """``input + alpha * other``, broadcasting.

    >>> torch.add(torch.tensor([1, 2]), 1.5)
    tensor([2.5000, 3.5000])
    """
    other = operand(other)
    if alpha != 1:
        _check_alpha(alpha, input, other)
        if isinstance(input, Tensor) and isinstance(other, Tensor):
            check_broadcast(input, other)
            return pointwise_ops.add_alpha(input, other, alpha)
        other = other * alpha
    if not isinstance(input, Tensor):
        input, other = other, operand(input)
    check_broadcast(input, other)
    return pointwise_ops.add(input, other)


def _check_alpha(alpha, *operands) -> None:
    if isinstance(alpha, float) and not builtins.any(
            (o.dtype.is_floating_point if isinstance(o, Tensor) else isinstance(o, float))
            for o in operands):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating "
                           "point number. Fix: convert the inputs with .float(), or pass an "
                           "integer alpha.")


@out_variant()
def sub(input, other, *, alpha=1):
    """``input - alpha * other``, broadcasting.

    >>> torch.sub(torch.tensor([1., 2.]), 1)
    tensor([0., 1.])
    """
    if alpha == 1 and type(input) is Tensor and type(other) is Tensor \
            and input._data.dtype.kind != "b" and other._data.dtype.kind != "b":
        # Two tensors, neither bool (x.sub_(y), w -= lr * w.grad): the only refusal left is
        # broadcasting's, so the checks below (operand, the bool tests) can be skipped.
        check_broadcast(input, other)
        return pointwise_ops.sub(input, other)
    other = operand(other)
    if alpha != 1:
        _check_alpha(alpha, input, other)
        if isinstance(input, Tensor) and isinstance(other, Tensor):
            if _is_bool(input) or _is_bool(other):
                check_bool_subtraction(input, other)
            check_broadcast(input, other)
            return pointwise_ops.sub_alpha(input, other, alpha)
        other = other * alpha
    if not isinstance(input, Tensor):
        return operator_rsub(other, operand(input))
    check_broadcast(input, other)
    if input.dtype is _dtypes.bool and (not isinstance(other, Tensor)
                                        or other.dtype is _dtypes.bool):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    return operator_sub(input, other)


def _is_bool(a) -> bool:
    # A bool tensor or a Python bool (PyTorch reads a NumPy bool scalar as a float).
    if a is True or a is False:
        return True
    d = getattr(a, "_data", None)
    # dtype.kind, not `dtype == np.bool_`: comparing with a type converts it each time.
    return d is not None and d.dtype.kind == "b"


def check_bool_subtraction(self, other) -> None:
    """PyTorch refuses any subtraction with a bool tensor (it is almost always a mask bug)."""
    if _is_bool(self) and _is_bool(other):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if _is_bool(self) or _is_bool(other):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")


def operator_sub(self, other):
    """``self - other``, the ``-`` operator: the row, after PyTorch's bool check."""
    if _is_bool(self) or _is_bool(other):
        check_bool_subtraction(self, other)
    return pointwise_ops.sub(self, other)


def rsub(input, other, *number_alpha, alpha=1, **unexpected):
    """``other - alpha * input``: subtraction with the operands reversed.

    ``alpha`` may be given by position only when ``other`` is a number, as in PyTorch.

    >>> torch.rsub(torch.tensor([1., 2.]), 5, alpha=2)
    tensor([3., 1.])
    """
    if not isinstance(input, Tensor) or not isinstance(other, Tensor) and not is_number(other) \
            or number_alpha and (isinstance(other, Tensor) or len(number_alpha) > 1) \
            or unexpected:
        got = ", ".join([type(a).__name__ for a in (input, other, *number_alpha)]
                        + [f"{k}={type(v).__name__}" for k, v in unexpected.items()])
        raise TypeError(f"rsub() received an invalid combination of arguments - got ({got}), "
                        "but expected one of:\n * (Tensor input, Tensor other, *, Number alpha "
                        "= 1)\n * (Tensor input, Number other, Number alpha = 1)")
    if number_alpha:
        alpha = number_alpha[0]
    other = operand(other)
    _check_alpha(alpha, input, other)
    if _is_bool(input) or _is_bool(other):
        check_bool_subtraction(input, other)
    if isinstance(other, Tensor):
        check_broadcast(input, other)
        return pointwise_ops.rsub_tensor(input, other, alpha)
    if alpha == 1:
        return pointwise_ops.rsub(input, other)
    return pointwise_ops.rsub_alpha(input, other, alpha)


def operator_rsub(self, other):
    """``other - self`` for a number ``other`` (the reflected ``-`` operator)."""
    if _is_bool(self) or _is_bool(other):
        check_bool_subtraction(self, other)
    return pointwise_ops.rsub(self, other)


@out_variant()
def mul(input, other):
    """Elementwise product, broadcasting.

    >>> torch.mul(torch.tensor([1, 2]), 2.5)
    tensor([2.5000, 5.0000])
    """
    other = operand(other)
    if not isinstance(input, Tensor):
        input, other = other, operand(input)
    check_broadcast(input, other)
    return pointwise_ops.mul(input, other)


@out_variant()
def div(input, other, *, rounding_mode=None):
    """True division (integers give the default float dtype), or rounded with ``rounding_mode``.

    >>> torch.tensor([1, 2]) / 2
    tensor([0.5000, 1.0000])
    """
    other = operand(other)
    if not isinstance(input, Tensor):
        input = as_tensor_like(input, other)
    check_broadcast(input, other)
    if rounding_mode not in (None, "trunc", "floor"):
        raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                           f"but found '{rounding_mode}'. Fix: leave rounding_mode out for "
                           "true division, or pass 'trunc' or 'floor'.")
    if rounding_mode == "floor":
        return floor_divide(input, other)
    if rounding_mode == "trunc":
        _no_bool_kernel("div_trunc_cpu", input, other)
        out = pointwise_ops.div(input, other)
        dt = _dtypes.result_type([t for t in (input, other) if isinstance(t, Tensor)],
                                 [o for o in (other,) if not isinstance(o, Tensor)])
        return pointwise_ops.trunc(out).to(dt)
    return pointwise_ops.div(input, other)


@out_variant()
def floor_divide(input, other):
    """``input // other``: division rounded towards minus infinity.

    >>> torch.floor_divide(torch.tensor([7, -7]), 2)
    tensor([ 3, -4])
    """
    other = operand(other)
    check_broadcast(input, other)
    _no_bool_kernel("div_floor_cpu", input, other)
    if not input.dtype.is_floating_point and isinstance(other, Tensor) \
            and not other.dtype.is_floating_point and builtins.bool((other._data == 0).any()):
        raise RuntimeError("ZeroDivisionError")
    if not input.dtype.is_floating_point and not isinstance(other, Tensor) and other == 0 \
            and not isinstance(other, float):
        raise RuntimeError("ZeroDivisionError")
    return pointwise_ops.floor_divide(input, other)


@out_variant()
def remainder(input, other):
    """``input % other``: the remainder with the sign of the divisor, as Python's ``%``.

    >>> torch.remainder(torch.tensor([7., -7.]), 3)
    tensor([1., 2.])
    """
    other = operand(other)
    check_broadcast(input, other)
    _no_bool_kernel("remainder_cpu", input, other)
    return pointwise_ops.remainder(input, other)


@out_variant()
def fmod(input, other):
    """The remainder with the sign of the dividend, as C's ``fmod``.

    >>> torch.fmod(torch.tensor([7., -7.]), 3)
    tensor([ 1., -1.])
    """
    other = operand(other)
    _no_bool_kernel("fmod_cpu", input, other)
    return pointwise_ops.fmod(input, other)


@out_variant()
def pow(input, exponent):
    """``input ** exponent``: tensor to a number, tensor to tensor, or number to tensor.

    >>> torch.pow(torch.tensor([1., 2.]), 2)
    tensor([1., 4.])
    """
    if not isinstance(input, Tensor):
        _no_bool_kernel("pow", input, expect_tensor(exponent, "pow"))
        return pointwise_ops.pow_base(exponent, operand(input))
    if (type(exponent) is builtins.float or type(exponent) is builtins.int) \
            and input._data.dtype.kind == "f":
        # the common x ** 2, without the checks below
        return pointwise_ops.pow_scalar(input, exponent)
    exponent = operand(exponent)
    if isinstance(exponent, Tensor):
        check_broadcast(input, exponent)
        _no_bool_kernel("pow", input, exponent)
        return pointwise_ops.pow_tensor(input, exponent)
    if not input.dtype.is_floating_point and isinstance(exponent, builtins.int) and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if input.dtype is _dtypes.bool and isinstance(exponent, builtins.bool):
        # PyTorch keeps bool (b ** True is b) where NumPy's power gives int8
        return pointwise_ops.pow_scalar(input, exponent).bool()
    return pointwise_ops.pow_scalar(input, exponent)


def _no_bool_kernel(name, input, other):
    """PyTorch's error where ``name`` would compute in bool (``b // 2`` is int64 and fine)."""
    if result_type(input, other) is _dtypes.bool:
        raise NotImplementedError(f'"{name}" not implemented for \'Bool\'. Fix: convert the '
                                  "bool tensor with .long() or .float() first.")


true_divide = divide = div


multiply = mul


subtract = sub


@out_variant()
def square(input):
    """``input * input``.

    >>> torch.square(torch.tensor([3.]))
    tensor([9.])
    """
    return pow(input, 2)


@out_variant(SAME, message="the output given to float_power has dtype {out} but the "
                           "operation's result requires dtype {result}")
def float_power(input, exponent):
    """``input ** exponent`` computed in float64.

    >>> torch.float_power(torch.tensor([2]), 3)
    tensor([8.], dtype=torch.float64)
    """
    if isinstance(exponent, Tensor):
        exponent = exponent.double()
    base = input.double() if isinstance(input, Tensor) else float(input)
    return pow(base, exponent)


@out_variant()
def addcmul(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 * tensor2``.

    >>> torch.addcmul(torch.ones(2), torch.tensor([1., 2.]), torch.tensor([3., 4.]), value=0.5)
    tensor([2.5000, 5.0000])
    """
    product = tensor1 * tensor2
    return input + (product if value == 1 else product * value)


@out_variant()
def addcdiv(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 / tensor2``.

    >>> torch.addcdiv(torch.ones(2), torch.tensor([1., 2.]), torch.tensor([4., 4.]))
    tensor([1.2500, 1.5000])
    """
    if not tensor1.dtype.is_floating_point and not tensor2.dtype.is_floating_point:
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future "
                           "release addcdiv will perform a true division of tensor1 and tensor2. "
                           "Fix: convert tensor1 or tensor2 to a floating dtype.")
    quotient = tensor1 / tensor2
    return input + (quotient if value == 1 else quotient * value)


def positive(input):
    """``input`` itself (``+x``); refused for bool tensors, as in PyTorch.

    >>> torch.positive(torch.tensor([-1., 2.]))
    tensor([-1.,  2.])
    """
    if input.dtype.name == "bool":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def _unary(op, name):
    def fn(input):
        return op(input)
    named(fn, name, f"Elementwise ``{name}``; integer inputs give the default float dtype.",
          f"torch.{name}(torch.zeros(1)).shape", "torch.Size([1])")

    # Takes out= itself, as dot and mv do (see out_variant): without out= the row is called
    # at once, with it write_out does the writing (and its warnings name the caller's line).
    @functools.wraps(fn)
    def unary(input, *, out=None):
        if out is not None:
            return write_out(out, unary, (input,))
        return op(input)
    out_variant()(unary)
    unary.without_out = fn  # the method: one frame, and Python's own error for out=
    return unary


exp = _unary(pointwise_ops.exp, "exp")
exp2 = _unary(pointwise_ops.exp2, "exp2")
expm1 = _unary(pointwise_ops.expm1, "expm1")
log = _unary(pointwise_ops.log, "log")
log2 = _unary(pointwise_ops.log2, "log2")
log10 = _unary(pointwise_ops.log10, "log10")
log1p = _unary(pointwise_ops.log1p, "log1p")
sqrt = _unary(pointwise_ops.sqrt, "sqrt")
rsqrt = _unary(pointwise_ops.rsqrt, "rsqrt")
sin = _unary(pointwise_ops.sin, "sin")
cos = _unary(pointwise_ops.cos, "cos")
tan = _unary(pointwise_ops.tan, "tan")
asin = arcsin = _unary(pointwise_ops.asin, "asin")
acos = arccos = _unary(pointwise_ops.acos, "acos")
atan = arctan = _unary(pointwise_ops.atan, "atan")
sinh = _unary(pointwise_ops.sinh, "sinh")
cosh = _unary(pointwise_ops.cosh, "cosh")
tanh = _unary(pointwise_ops.tanh, "tanh")
sigmoid = _unary(pointwise_ops.sigmoid, "sigmoid")
erf = _unary(pointwise_ops.erf, "erf")
reciprocal = _unary(pointwise_ops.reciprocal, "reciprocal")


# --- special functions (ops/special.py) and more functions composed from the ops above -----
acosh = arccosh = _unary(special_ops.acosh, "acosh")
asinh = arcsinh = _unary(special_ops.asinh, "asinh")
atanh = arctanh = _unary(special_ops.atanh, "atanh")
erfc = _unary(special_ops.erfc, "erfc")
erfinv = _unary(special_ops.erfinv, "erfinv")
lgamma = _unary(special_ops.lgamma, "lgamma")
digamma = _unary(special_ops.digamma, "digamma")


def _keep_dtype(op, name):
    def fn(input):
        return op(input)
    named(fn, name, f"Elementwise ``{name}``, keeping the input's dtype.",
          f"torch.{name}(torch.zeros(1)).shape", "torch.Size([1])")
    return out_variant(SAME, message="Found dtype {out} but expected {result}")(fn)


neg = negative = _keep_dtype(pointwise_ops.neg, "neg")
abs = absolute = _keep_dtype(pointwise_ops.abs, "abs")  # noqa: A001
sign = _keep_dtype(pointwise_ops.sign, "sign")
floor = _keep_dtype(pointwise_ops.floor, "floor")
ceil = _keep_dtype(pointwise_ops.ceil, "ceil")
trunc = fix = _keep_dtype(pointwise_ops.trunc, "trunc")


@out_variant(SAME, message="Found dtype {out} but expected {result}")
def frac(input):
    """The fractional part ``input - trunc(input)``, keeping the sign; floating tensors only.

    >>> torch.frac(torch.tensor([1.5, -2.25]))
    tensor([ 0.5000, -0.2500])
    """
    check_frac(input)
    return pointwise_ops.frac(input)


def relu(input):
    """``max(input, 0)``; the gradient at 0 is 0, as in PyTorch.

    >>> torch.relu(torch.tensor([-1., 0., 2.]))
    tensor([0., 0., 2.])
    """
    return pointwise_ops.relu(input)


def relu_(input):
    """``relu`` in place.

    >>> torch.relu_(torch.tensor([-1., 2.]))
    tensor([0., 2.])
    """
    return inplace(input, relu)


@out_variant(SAME, message="Found dtype {out} but expected {result}")
def round(input, *, decimals: int = 0):  # noqa: A001
    """Round half to even, as PyTorch does (``decimals`` digits after the point).

    >>> torch.round(torch.tensor([0.5, 1.5, 2.7]))
    tensor([0., 2., 3.])
    """
    if decimals:
        check_round_decimals(input)
        return pointwise_ops.round_decimals(input, decimals)
    return pointwise_ops.round_half_even(input)


@out_variant()
def atan2(input, other):
    """Angle of the point ``(other, input)``, elementwise (``arctan2`` is the same function).

    >>> torch.atan2(torch.tensor([1., -1.]), torch.tensor([1., 1.]))
    tensor([ 0.7854, -0.7854])
    """
    return pointwise_ops.atan2(input, other)


arctan2 = atan2


sgn = sign


@out_variant(SAME, message="Found dtype {out} but expected {result}")
def clamp(input, min=None, max=None):
    """Limit values to ``[min, max]``; the gradient passes where the input lies inside.

    >>> torch.clamp(torch.tensor([-1., 0.5, 2.]), 0, 1)
    tensor([0.0000, 0.5000, 1.0000])
    """
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        check_broadcast(input, min)
        check_broadcast(input, max)
        return _clamp_tensor_bounds(input, min, max)
    lo = python_number(min)
    hi = python_number(max)
    if (isinstance(lo, float) or isinstance(hi, float)) and not input.dtype.is_floating_point:
        input = input.to(_dtypes.get_default_dtype())
    return pointwise_ops.clamp(input, lo, hi)


@out_variant()
def maximum(input, other):
    """The elementwise maximum of two tensors.

    >>> torch.maximum(torch.tensor([1., 5.]), torch.tensor([3., 2.]))
    tensor([3., 5.])
    """
    check_broadcast(input, other)
    return pointwise_ops.maximum(input, other)


@out_variant()
def minimum(input, other):
    """The elementwise minimum of two tensors.

    >>> torch.minimum(torch.tensor([1., 5.]), torch.tensor([3., 2.]))
    tensor([1., 2.])
    """
    check_broadcast(input, other)
    return pointwise_ops.minimum(input, other)


clip = clamp


@out_variant(SAME, message="Found dtype {out} but expected {result}")
def clamp_min(input, min):  # noqa: A002 - PyTorch's name
    """``clamp(input, min=min)``.

    >>> torch.clamp_min(torch.tensor([-1., 2.]), 0.)
    tensor([0., 2.])
    """
    return clamp(input, min=min)


@out_variant(SAME, message="Found dtype {out} but expected {result}")
def clamp_max(input, max):  # noqa: A002 - PyTorch's name
    """``clamp(input, max=max)``.

    >>> torch.clamp_max(torch.tensor([-1., 2.]), 0.)
    tensor([-1.,  0.])
    """
    return clamp(input, max=max)


@out_variant()
def fmax(input, other):
    """Elementwise maximum that ignores NaN (NaN only where both are NaN).

    >>> torch.fmax(torch.tensor([1., float("nan")]), torch.tensor([2., 3.]))
    tensor([2., 3.])
    """
    return where(isnan(other), input, where(isnan(input), other, maximum(input, other)))


@out_variant()
def fmin(input, other):
    """Elementwise minimum that ignores NaN (NaN only where both are NaN).

    >>> torch.fmin(torch.tensor([1., float("nan")]), torch.tensor([2., 3.]))
    tensor([1., 3.])
    """
    return where(isnan(other), input, where(isnan(input), other, minimum(input, other)))


@out_variant()
def lerp(input, end, weight):
    """``input + weight * (end - input)``, with a number or a tensor ``weight``; floating
    tensors only, as in PyTorch.

    >>> torch.lerp(torch.tensor([0., 10.]), torch.tensor([10., 20.]), 0.5)
    tensor([ 5., 15.])
    """
    for t in (input, end, weight):
        if isinstance(t, Tensor) and not t.dtype.is_floating_point:
            raise NotImplementedError(
                f"lerp is not implemented for {t.dtype}: it needs floating tensors. "
                "Fix: convert with .float() first.")
    if isinstance(weight, Tensor):
        return pointwise_ops.lerp_tensor(input, end, weight)
    return pointwise_ops.lerp_scalar(input, end, weight)


@out_variant(SAME, message="Expected out type to be {result} but got {out}")
def where(condition, input, other):
    """``input`` where ``condition`` holds, else ``other`` (PyTorch's ``torch.where``).

    >>> torch.where(torch.tensor([True, False]), torch.tensor([1., 2.]), 0.)
    tensor([1., 0.])
    """
    condition = as_tensor_like(condition, None)
    if condition._data.dtype != xp.bool_:
        condition = condition != 0
    if not hasattr(input, "_data") and not hasattr(other, "_data"):
        # Two numbers: their dtype is decided as for 0-d tensors (1.0 -> float32, 1 -> int64);
        # left as numbers, NumPy would make them float64.
        input, other = as_tensor_like(input, None), as_tensor_like(other, None)
    shapes = [getattr(a, "shape", ()) for a in (condition, input, other)]
    try:
        xp.broadcast_shapes(*shapes)
    except ValueError:
        raise RuntimeError(
            f"where(): the shapes of condition {list(shapes[0])}, input {list(shapes[1])} and "
            f"other {list(shapes[2])} do not broadcast: each dimension, compared from the right, "
            "must be equal or 1.") from None
    return pointwise_ops.where(condition, input, other)


def _clamp_tensor_bounds(input, min, max):
    """``clamp`` with tensor bounds (numbers become 0-d tensors), as one ``ClampBackward0``."""
    min = as_tensor_like(min, input) if min is not None and not isinstance(min, Tensor) else min
    max = as_tensor_like(max, input) if max is not None and not isinstance(max, Tensor) else max
    return pointwise_ops.clamp_tensor(input, min, max)


def _floating_only(name):
    def check(input):
        if not input.dtype.is_floating_point:
            raise NotImplementedError(
                f"\"{name}_cpu\" not implemented for {input.dtype}. Fix: convert the input with "
                ".float() first.")
    return check


check_frac = _floating_only("frac")


check_round_decimals = _floating_only("round")


@out_variant(SAME, message="nan_to_num: dtype of out: {out} should be same as input: {result}")
def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """Replaces NaN by ``nan`` and infinities by ``posinf``/``neginf`` (default: the dtype's
    largest and smallest finite values).

    >>> torch.nan_to_num(torch.tensor([float("nan"), float("inf"), -1.]), posinf=9.)
    tensor([ 0.,  9., -1.])
    """
    return pointwise_ops.nan_to_num(input, nan, posinf, neginf)


def _floating_kernel(name, *tensors):
    """PyTorch's errors for a kernel that exists for floating dtypes only."""
    for t_ in tensors[1:]:
        if not isinstance(t_, Tensor):
            raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not "
                            f"{type(t_).__name__}")
    dtype = result_type(*tensors) if len(tensors) == 2 else tensors[0].dtype
    if not dtype.is_floating_point:
        raise NotImplementedError(
            f'"{name}" not implemented for \'{dtype.scalar_name}\'. '
            "Fix: convert the input with .float() first.")


@out_variant()
def hypot(input, other):
    """``sqrt(input**2 + other**2)``, elementwise; floating tensors only.

    >>> torch.hypot(torch.tensor([3.]), torch.tensor([4.]))
    tensor([5.])
    """
    _floating_kernel("hypot_cpu", input, other)
    return pointwise_ops.sqrt(input * input + other * other)


@out_variant()
def logaddexp(input, other):
    """``log(exp(input) + exp(other))`` without overflow.

    >>> torch.logaddexp(torch.tensor([1000.]), torch.tensor([1000.]))
    tensor([1000.6932])
    """
    _floating_kernel("logaddexp_cpu", input, other)
    return pointwise_ops.logaddexp(input, other)


@out_variant()
def logaddexp2(input, other):
    """``log2(2**input + 2**other)`` without overflow.

    >>> torch.logaddexp2(torch.tensor([1.]), torch.tensor([1.]))
    tensor([2.])
    """
    _floating_kernel("logaddexp2_cpu", input, other)
    return pointwise_ops.logaddexp2(input, other)


def _float_of(input):
    return input if input.dtype.is_floating_point else input.to(_dtypes.get_default_dtype())


@out_variant()
def deg2rad(input):
    """Degrees to radians.

    >>> torch.deg2rad(torch.tensor([180.]))
    tensor([3.1416])
    """
    return _float_of(input) * (math.pi / 180)


@out_variant()
def rad2deg(input):
    """Radians to degrees.

    >>> torch.rad2deg(torch.tensor([3.14159265]))
    tensor([180.])
    """
    return _float_of(input) * (180 / math.pi)


@out_variant()
def xlogy(input, other):
    """``input * log(other)``, taken as 0 where ``input`` is 0 (unless ``other`` is NaN).

    >>> torch.xlogy(torch.tensor([0., 2.]), torch.tensor([0., 1.]))
    tensor([0., 0.])
    """
    input = as_tensor_like(input, other if isinstance(other, Tensor) else None)
    other = as_tensor_like(other, input)
    # Where input is 0 and log(other) is -inf, +inf or NaN, the answer is 0 by definition: log
    # reads 1 there instead, so that neither the value nor input's gradient is 0 * inf.
    zero = logical_and(input == 0, logical_or(other <= 0, isinf(other)))
    return input * pointwise_ops.log(where(zero, 1, other))


@out_variant()
def logit(input, eps: float | None = None):
    """``log(p / (1 - p))``, with ``p`` clamped to ``[eps, 1 - eps]`` when ``eps`` is given.

    >>> torch.logit(torch.tensor([0.5, 0.75]))
    tensor([0.0000, 1.0986])
    """
    p = _float_of(input)
    if eps is not None:
        p = clamp(p, eps, 1 - eps)
    return pointwise_ops.log(p / (1 - p))


@out_variant()
def copysign(input, other):
    """The magnitude of ``input`` with the sign of ``other``.

    >>> torch.copysign(torch.tensor([1., -2.]), -1.)
    tensor([-1., -2.])
    """
    other = operand(other)
    if isinstance(other, Tensor):
        check_broadcast(input, other)
        return pointwise_ops.copysign_tensor(input, other)
    return pointwise_ops.copysign_scalar(input, other)


@out_variant(SAME, message="heaviside is not yet implemented for tensors with different dtypes.")
def heaviside(input, values):
    """0 where ``input < 0``, ``values`` where ``input == 0``, 1 where ``input > 0``.

    >>> torch.heaviside(torch.tensor([-1., 0., 2.]), torch.tensor(0.5))
    tensor([0.0000, 0.5000, 1.0000])
    """
    step = (input > 0).to(input.dtype)
    return where(input == 0, values.to(input.dtype), step)


@out_variant()
def sinc(input):
    """The normalised sinc, ``sin(pi x) / (pi x)`` (1 at 0).

    >>> torch.sinc(torch.tensor([0., 0.5]))
    tensor([1.0000, 0.6366])
    """
    x = _float_of(input)
    zero = x == 0
    # A safe argument where x == 0, so that the branch not taken has no NaN gradient.
    px = where(zero, 1.0, x * math.pi).to(x.dtype)
    return where(zero, 1.0, pointwise_ops.sin(px) / px).to(x.dtype)
