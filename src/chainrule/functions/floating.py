"""Floating-point representation: ``frexp``, ``ldexp`` and ``nextafter``."""
from __future__ import annotations

import warnings

from .. import _dtypes
from .._backend import xp
from ..ops import floating as floating_ops
from ..tensor import Tensor
from .arguments import check_broadcast, require_tensor
from .out import RESIZE_WARNING, SAME, out_variant
from .return_types import Frexp

__all__ = ["frexp", "ldexp", "nextafter"]


@out_variant(SAME, tuple_message="torch.frexp() expects mantissa to have dtype {result_cpp} "
             "but got {out_cpp}")
def frexp(input) -> Frexp:
    """``(mantissa, exponent)`` with ``input == mantissa * 2**exponent``, ``0.5 <= |mantissa| <
    1`` (0, inf and NaN keep their value, exponent 0); the exponent is int32.

    >>> torch.frexp(torch.tensor([8.0, -0.3]))
    torch.return_types.frexp(
    mantissa=tensor([ 0.5000, -0.6000]),
    exponent=tensor([ 4, -1], dtype=torch.int32))
    """
    require_tensor(input, "frexp", "input", 1)
    if not input.dtype.is_floating_point:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes. Fix: convert "
                           "with .float() first.")
    exponent = Tensor._make(xp.asarray(xp.frexp(input._data)[1], dtype=xp.int32))
    return Frexp(floating_ops.frexp(input, exponent), exponent, "frexp")


def _result_dtype(input, other, name: str):
    """The promoted dtype of two tensors that must broadcast (PyTorch's checks first)."""
    require_tensor(input, name, "input", 1)
    require_tensor(other, name, "other", 2)
    check_broadcast(input, other)
    return _dtypes.result_type([input, other])


@out_variant(SAME, message="ldexp can't be cast to the desired output type {out}")
def ldexp(input, other) -> Tensor:
    """``input * 2**other``: ``other`` an integer (or floating) tensor of exponents; integer
    inputs give the default floating dtype.

    >>> torch.ldexp(torch.tensor([1.0, 3.0]), torch.tensor([3, -1]))
    tensor([8.0000, 1.5000])
    """
    dtype = _result_dtype(input, other, "ldexp")
    if not dtype.is_floating_point:
        dtype = _dtypes.get_default_dtype()
    shape = xp.broadcast_shapes(input._data.shape, other._data.shape)
    if input.dtype.is_floating_point and not other.dtype.is_floating_point \
            and input.numel() and shape != input._data.shape:
        # for integer exponents PyTorch writes the product into a tensor shaped like a
        # floating input, and resizes it
        warnings.warn(RESIZE_WARNING.format(old=list(input.shape), new=list(shape)),
                      UserWarning, stacklevel=3)
    return floating_ops.ldexp(input, other, dtype.np)


@out_variant()
def nextafter(input, other) -> Tensor:
    """The next floating-point number after ``input`` in the direction of ``other``
    (``input`` itself where they are equal).

    >>> torch.nextafter(torch.tensor([1.0, 1.0]), torch.tensor([2.0, 0.0])) - 1
    tensor([ 1.1921e-07, -5.9605e-08])
    """
    dtype = _result_dtype(input, other, "nextafter")
    if not dtype.is_floating_point:
        raise NotImplementedError(f"\"nextafter_cpu\" not implemented for "
                                  f"'{dtype.scalar_name}'. Fix: convert with .float() first.")
    return floating_ops.nextafter(input, other)
