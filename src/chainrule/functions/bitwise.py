"""Operations on the bits of integers: ``bitwise_and``/``or``/``xor``/``not``, the shifts
(``<<``, ``>>``), ``gcd`` and ``lcm``, as functions, methods and operators.

They take integer and bool tensors (the shifts and ``gcd``/``lcm`` integers only), promote
their operands as arithmetic does, and carry no gradient (an integer tensor cannot require
one), so they compute on the arrays directly and record nothing.  A shift by a negative
amount or by as many bits as the type has, or more, gives what PyTorch's kernel gives:
0 to the left, the sign bits to the right.
"""
from __future__ import annotations

from .. import _dtypes
from .._backend import xp
from ..tensor import Tensor
from .arguments import check_broadcast, is_number, python_number
from .out import SAME, out_variant

__all__ = [
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift",
    "bitwise_right_shift", "gcd", "lcm",
]


def _operands(name: str, input, other) -> tuple:
    """``input`` and ``other`` (one may be a Python number) as arrays of their result dtype."""
    for position, (arg, value) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(value, Tensor) and not is_number(value):
            raise TypeError(f"{name}(): argument '{arg}' (position {position}) must be Tensor "
                            f"or Number, not {type(value).__name__}")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(f"{name}(): expected a Tensor among the arguments, got two numbers. "
                        "Fix: make one of them a tensor, torch.tensor(x).")
    if isinstance(input, Tensor) and isinstance(other, Tensor):
        check_broadcast(input, other)
    tensors = [t for t in (input, other) if isinstance(t, Tensor)]
    scalars = [python_number(s) for s in (input, other) if not isinstance(s, Tensor)]
    dtype = _dtypes.result_type(tensors, scalars)
    # a number out of the dtype's range wraps, as in PyTorch (-1 becomes 255 for uint8)
    arrays = tuple(xp.asarray(v._data if isinstance(v, Tensor) else python_number(v))
                   .astype(dtype.np, copy=False) for v in (input, other))
    return dtype, arrays


def _refuse(kernel: str, dtype: _dtypes.dtype, fix: str) -> None:
    raise NotImplementedError(f"\"{kernel}_cpu\" not implemented for '{dtype.scalar_name}'. "
                              f"Fix: {fix}")


_INTEGER_FIX = "convert with .long() (or .bool() for masks) first."


def _logic(fn, name: str, symbol: str, example: str):
    def op(input, other) -> Tensor:
        dtype, (a, b) = _operands(name, input, other)
        if dtype.is_floating_point:
            _refuse(name, dtype, "bit operations need integer or bool tensors; use "
                    f"logical_{name[8:]} for truth values, or convert with .long() first.")
        return Tensor._make(xp.asarray(fn(a, b)))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"Elementwise bitwise ``{symbol}`` of integer or bool tensors (``{symbol}`` "
                  "as an operator).\n\n"
                  "    >>> import chainrule as torch\n"
                  f"    >>> torch.{name}(torch.tensor([12, 10]), torch.tensor([10, 3]))\n"
                  f"    {example}\n")
    return op


bitwise_and = out_variant()(_logic(xp.bitwise_and, "bitwise_and", "&", "tensor([8, 2])"))
bitwise_or = out_variant()(_logic(xp.bitwise_or, "bitwise_or", "|", "tensor([14, 11])"))
bitwise_xor = out_variant()(_logic(xp.bitwise_xor, "bitwise_xor", "^", "tensor([6, 9])"))


@out_variant(SAME, message="Found dtype {out} but expected {result}")
def bitwise_not(input) -> Tensor:
    """Elementwise bitwise NOT (``~``): each bit flipped; for bool, logical not.

    >>> torch.bitwise_not(torch.tensor([0, 5, -1]))
    tensor([-1, -6,  0])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"bitwise_not(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if input.dtype.is_floating_point:
        _refuse("bitwise_not", input.dtype, _INTEGER_FIX)
    return Tensor._make(xp.invert(input._data))


def _shift(kernel: str, name: str, left: bool):
    def op(input, other) -> Tensor:
        dtype, (a, b) = _operands(name, input, other)
        if dtype.is_floating_point or dtype is _dtypes.bool:
            _refuse(kernel, dtype, "shifts need integer tensors: convert with .long() first.")
        bits = dtype.np.itemsize * 8
        out_of_range = (b < 0) | (b >= bits)
        amount = xp.where(out_of_range, 0, b)
        if left:
            # a left shift past the top leaves no bits; NumPy shifts by the amount modulo
            # the width instead
            shifted = xp.where(out_of_range, 0, xp.left_shift(a, amount))
        else:
            # past the bottom only the sign remains (0 or -1)
            shifted = xp.where(out_of_range, xp.where(a < 0, -1, 0), xp.right_shift(a, amount))
        return Tensor._make(xp.asarray(shifted, dtype=dtype.np))
    op.__name__ = op.__qualname__ = name
    symbol = "<<" if left else ">>"
    example = "[ 20, -12]" if left else "[ 1, -1]"
    effect = "left (times 2**other, wrapping)" if left else "right (floor division by 2**other)"
    op.__doc__ = (f"Elementwise ``input {symbol} other`` on integer tensors: the bits moved "
                  f"{effect}.\n\n"
                  "    >>> import chainrule as torch\n"
                  f"    >>> torch.{name}(torch.tensor([5, -3]), 2)\n"
                  f"    tensor({example})\n")
    return op


bitwise_left_shift = out_variant()(_shift("lshift", "bitwise_left_shift", left=True))
bitwise_right_shift = out_variant()(_shift("rshift", "bitwise_right_shift", left=False))


def _divisors(fn, name: str, example: str):
    def op(input, other) -> Tensor:
        for position, (arg, value) in enumerate((("input", input), ("other", other)), 1):
            if not isinstance(value, Tensor):
                raise TypeError(f"{name}(): argument '{arg}' (position {position}) must be "
                                f"Tensor, not {type(value).__name__}")
        dtype, (a, b) = _operands(name, input, other)
        if dtype.is_floating_point or dtype is _dtypes.bool:
            _refuse(name, dtype, f"{name} is defined on integers: convert with .long() first.")
        return Tensor._make(xp.asarray(fn(a, b), dtype=dtype.np))
    op.__name__ = op.__qualname__ = name
    what = "greatest common divisor" if name == "gcd" else "least common multiple"
    op.__doc__ = (f"Elementwise {what} of two integer tensors (never negative).\n\n"
                  "    >>> import chainrule as torch\n"
                  f"    >>> torch.{name}(torch.tensor([4, -6, 0]), torch.tensor([6, 4, 0]))\n"
                  f"    {example}\n")
    return op


def _gcd(a, b):
    # PyTorch's Euclid in the type itself, with C's remainder (the sign of the dividend):
    # |-32768| stays -32768 in int16, so gcd(-32768, 255) is -1 there, as in PyTorch
    a, b = xp.abs(a), xp.abs(b)
    while xp.any(a != 0):
        nonzero = a != 0
        a, b = xp.where(nonzero, xp.fmod(b, xp.where(nonzero, a, 1)), 0), xp.where(nonzero, a, b)
    return b


def _lcm(a, b):
    # PyTorch's formula, |a / gcd * b|, in C's integer arithmetic: types narrower than int
    # compute in int32, and a product past the type's range wraps before the absolute value
    # is taken (NumPy's lcm takes absolute values first, so it differs where it wraps)
    divisor = _gcd(a, b)
    wide = xp.promote_types(a.dtype, xp.int32)
    a, b, divisor = a.astype(wide), b.astype(wide), divisor.astype(wide)
    # (dividing the most negative integer by -1 traps, in PyTorch's kernel too, which dies
    # of it: here the quotient wraps, as a negation does)
    safe = xp.where((divisor == 0) | (divisor == -1), 1, divisor)
    with xp.errstate(over="ignore"):
        quotient = xp.where(divisor == -1, -a, (a - xp.fmod(a, safe)) // safe)  # C truncates
        product = quotient * b
    return xp.where(divisor == 0, 0, xp.abs(product))


gcd = out_variant()(_divisors(_gcd, "gcd", "tensor([2, 2, 0])"))
lcm = out_variant()(_divisors(_lcm, "lcm", "tensor([12, 12,  0])"))
