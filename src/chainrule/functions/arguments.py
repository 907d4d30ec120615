"""The arguments of the public functions: numbers, arrays and tensors as operands.

PyTorch's functions take a Python number where a tensor could go (``x + 1``,
``torch.where(c, x, 0.)``), read NumPy scalars as the numbers they stand for,
and spell ``dim=``/``keepdim=`` as NumPy does too (``axis=``, ``keepdims=``).
These helpers turn each into what the rule tables take, with PyTorch's errors.
"""
from __future__ import annotations

import builtins
import functools
import warnings

from .. import _dtypes
from .._backend import ndarray, xp
from ..tensor import Tensor
from .creation import as_tensor


def is_number(x) -> bool:
    return isinstance(x, (int, float, builtins.bool, xp.number, xp.bool_))


def python_number(x):
    """A NumPy scalar as the Python number it stands for (so it promotes like one)."""
    if isinstance(x, xp.generic):
        # PyTorch reads a NumPy bool as a float (t + np.True_ is a float tensor).
        return float(x) if isinstance(x, xp.bool_) else x.item()
    return x


def operand(other):
    if isinstance(other, Tensor):
        return other
    if is_number(other):
        return python_number(other)
    if isinstance(other, ndarray):
        return as_tensor(other)
    raise TypeError(f"unsupported operand type for a tensor operation: '{type(other).__name__}'")


def expect_tensor(other, name):
    if isinstance(other, Tensor):
        return other
    if isinstance(other, ndarray):
        return as_tensor(other)
    raise TypeError(f"{name}(): argument 'other' must be Tensor, not {type(other).__name__}")


def as_tensor_like(value, like) -> Tensor:
    """``value`` as a tensor; a Python number becomes a 0-d tensor that promotes like a number."""
    if isinstance(value, Tensor):
        return value
    if is_number(value):
        value = python_number(value)
        if like is not None:
            d = _dtypes.result_type([like], [value])
        else:
            d = (_dtypes.bool, _dtypes.int64, _dtypes.get_default_dtype())[
                _dtypes.scalar_category(value)]
        return Tensor._make(xp.asarray(value, dtype=d.np))
    return as_tensor(value)


def check_broadcast(a: Tensor, b) -> None:
    if isinstance(b, Tensor) and a._data.shape != b._data.shape:
        sa, sb = a._data.shape, b._data.shape
        for i in range(1, min(len(sa), len(sb)) + 1):
            x, y = sa[-i], sb[-i]
            if x != y and x != 1 and y != 1:
                nd = max(len(sa), len(sb))
                raise RuntimeError(
                    f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                    f"non-singleton dimension {nd - i}. (Shapes {list(sa)} and {list(sb)} do not "
                    "broadcast: each dimension, compared from the right, must be equal or 1.)")


def accept_numpy_names(fn):
    """Let ``fn`` also take NumPy's spellings ``axis=`` and ``keepdims=``, as PyTorch does.

    Course material written for PyTorch uses them (``y_hat.argmax(axis=1)``,
    ``A.sum(axis=0, keepdims=True)``).
    """
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if kwargs:
            if "axis" in kwargs:
                kwargs["dim"] = kwargs.pop("axis")
            if "keepdims" in kwargs:
                kwargs["keepdim"] = kwargs.pop("keepdims")
        return fn(*args, **kwargs)
    return wrapper


# --- an argument that must be a tensor -------------------------------------------------
# PyTorch names the argument; we add how to convert it (without the check, an ndarray handed
# to torch.mm or to a layer fails later, inside, about some attribute).
_NOT_TENSORS = (ndarray, list, tuple, int, float, bool, complex, str)


def _kind(value) -> str:
    return "numpy.ndarray" if isinstance(value, ndarray) else type(value).__name__


def _fix(value) -> str:
    if isinstance(value, ndarray):
        return (". Fix: convert it with torch.as_tensor(x) (which shares the array's memory "
                "where it can), or torch.tensor(x) for a copy")
    return ". Fix: convert it with torch.tensor(x)"


def require_tensor(value, function: str, name: str, position: int) -> None:
    """Raise PyTorch's TypeError if ``value`` is data that is not a tensor."""
    if isinstance(value, _NOT_TENSORS):
        raise TypeError(f"{function}(): argument '{name}' (position {position}) must be Tensor, "
                        f"not {_kind(value)}{_fix(value)}")


def element_error(index: int, value) -> TypeError:
    """PyTorch's TypeError for element ``index`` of a list of tensors (``torch.cat``'s)."""
    return TypeError(f"expected Tensor as element {index} in argument 0, but got "
                     f"{_kind(value)}{_fix(value)}")


def tensor_list(tensors, empty_error: Exception) -> list:
    """``tensors`` as a list, after PyTorch's checks for a list of tensors (``torch.cat``'s,
    ``torch.stack``'s): ``empty_error`` if it is empty, ``element_error`` for an element that
    is not a tensor.

    >>> tensor_list((torch.zeros(1),), ValueError("empty"))
    [tensor([0.])]
    """
    tensors = list(tensors)
    if not tensors:
        raise empty_error
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise element_error(i, t)
    return tensors


def with_batch(input: Tensor, dims: int, name: str) -> tuple:
    """``input`` with its batch dimension (added where it was left out) and whether it was
    added; PyTorch's error for any other number of dimensions.

    >>> x, added = with_batch(torch.zeros(3, 4, 4), 4, "conv2d")
    >>> x.shape, added
    (torch.Size([1, 3, 4, 4]), True)
    """
    require_tensor(input, name, "input", 1)
    unbatched = input.ndim == dims - 1
    if unbatched:
        input = input.unsqueeze(0)
    if input.ndim != dims:
        raise RuntimeError(f"Expected {dims - 1}D (unbatched) or {dims}D (batched) input to "
                           f"{name}, but got input of size: {list(input.shape)}")
    return input, unbatched


def pair(v, n: int = 2) -> tuple:
    """A size argument as a tuple of ``n``: one number is repeated, a sequence kept.

    >>> pair(3), pair((1, 2)), pair(5, 1)
    ((3, 3), (1, 2), (5,))
    """
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


def floating_only(kernel: str, input: Tensor, allow_uint8: bool = False) -> None:
    """PyTorch's error where its kernel takes floating inputs only (some also uint8).

    >>> floating_only("upsample_nearest", torch.zeros(1, dtype=torch.uint8), allow_uint8=True)
    """
    kind = input._data.dtype
    if kind.kind != "f" and not (allow_uint8 and kind == xp.uint8):
        name = input.dtype.scalar_name
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{name}'; convert the "
                                  "input with .float() first")


_warned: set = set()


def warn_once(message: str, stacklevel: int = 3) -> None:
    """A UserWarning given once per process (PyTorch's TORCH_WARN_ONCE)."""
    if message not in _warned:
        _warned.add(message)
        warnings.warn(message, UserWarning, stacklevel=stacklevel)


_CPP_TYPE_NAMES = {"int64": "int64_t", "int32": "int", "int16": "int16_t", "int8": "int8_t",
                   "uint8": "uint8_t", "float32": "float", "float64": "double",
                   "float16": "c10::Half"}


def _overflow(np_dtype) -> RuntimeError:
    name = _CPP_TYPE_NAMES.get(np_dtype.name, np_dtype.name)
    return RuntimeError(f"value cannot be converted to type {name} without overflow")


def fill_scalar(value, np_dtype):
    """A Python number as a scalar of ``np_dtype``, with PyTorch's overflow check (an unsigned
    dtype takes negative numbers down to -max, wrapping them as C does).

    >>> import numpy
    >>> fill_scalar(-1, numpy.dtype("uint8"))
    np.uint8(255)
    """
    value = python_number(value)
    kind = np_dtype.kind
    if kind in "iu" and not isinstance(value, builtins.bool):
        info = xp.iinfo(np_dtype)
        low = -int(info.max) if kind == "u" else int(info.min)
        if value != value or value in (float("inf"), float("-inf")) \
                or not low <= int(value) <= int(info.max):
            raise _overflow(np_dtype)
        return xp.asarray(int(value)).astype(np_dtype)[()]
    if kind == "f" and value == value and abs(value) != float("inf") \
            and abs(value) > float(xp.finfo(np_dtype).max):
        raise _overflow(np_dtype)
    return xp.asarray(value).astype(np_dtype)[()]
