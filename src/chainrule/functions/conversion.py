"""Conversions: ``x.to(dtype)``, ``x.float()``, ``x.type()``, ``x.clone()``, ``x.new_tensor(data)``.

These are Tensor methods (bound by ``chainrule.tensor_methods``); a dtype
conversion records ``ToCopyBackward0``, whose gradient converts back.
"""
from __future__ import annotations

from typing import Callable

from .. import _dtypes, _tracing
from .._backend import ndarray, xp
from ..engine import grad_mode
from ..ops import shape as shape_ops
from ..tensor import Tensor, _on_cpu, _to_arguments
from .creation import tensor as _tensor
from .legacy import BY_NAME, tensortype

__all__ = [
    "clone",
]

def clone(self, memory_format=None) -> "Tensor":
    """A copy that stays in the graph (its gradient flows back to this tensor).

    >>> torch.tensor([1., 2.], requires_grad=True).clone()
    tensor([1., 2.], grad_fn=<CloneBackward0>)
    """
    return shape_ops.clone(self)


def to(self, *args, **kwargs) -> "Tensor":
    """Convert the dtype (the device is always the CPU).

    >>> torch.tensor([1, 2]).to(torch.float32)
    tensor([1., 2.])
    """
    target = _to_arguments(args, kwargs)
    if target is None or target is self.dtype:
        return self.clone() if kwargs.get("copy") else self
    return shape_ops.to_copy(self, target.np)


def legacy_type(self, dtype=None, non_blocking: bool = False, **kwargs):
    """The legacy type name with no argument; otherwise a conversion to ``dtype`` (a dtype, a
    typed tensor class such as ``torch.LongTensor``, or its name).

    >>> torch.zeros(1).type()
    'torch.FloatTensor'
    >>> torch.tensor([1.5]).type(torch.int64), torch.tensor([1.5]).type(torch.LongTensor)
    (tensor([1]), tensor([1]))
    """
    if dtype is None:
        return f"torch.{self.dtype.scalar_name}Tensor"
    if isinstance(dtype, str):
        if dtype.startswith("torch.cuda."):
            _on_cpu("cuda")
        target = BY_NAME.get(dtype)
    elif isinstance(dtype, tensortype):
        target = dtype.dtype
    else:
        target = dtype if isinstance(dtype, _dtypes.dtype) else None
    if target is None:
        name = dtype if isinstance(dtype, str) else getattr(dtype, "__name__", repr(dtype))
        raise ValueError(f"invalid type: '{name}'. Fix: pass a dtype such as torch.float32, "
                         "or a name such as 'torch.FloatTensor'.")
    return self.to(target)


def type_as(self, other: "Tensor") -> "Tensor":
    """Convert to ``other``'s dtype.

    >>> torch.tensor([1, 2]).type_as(torch.zeros(1))
    tensor([1., 2.])
    """
    return self.to(other.dtype)


def _cast_method(name: str, dtype) -> Callable:
    """``Tensor.<name>()``: ``self.to(dtype)``, one of PyTorch's dtype shorthands."""
    def cast(self, memory_format=None) -> "Tensor":
        return self.to(dtype)
    cast.__name__ = cast.__qualname__ = f"to_{name}"
    cast.__doc__ = (f"Convert to ``{dtype}`` (``self.to({dtype})``).\n\n"
                    f"    >>> import chainrule as torch\n"
                    f"    >>> torch.tensor([1.7, 0.]).{name}().dtype\n"
                    f"    {dtype}\n")
    return cast


# One method per dtype shorthand, made from a table because they differ only in the dtype.
to_float = _cast_method("float", _dtypes.float32)
to_double = _cast_method("double", _dtypes.float64)
to_half = _cast_method("half", _dtypes.float16)
to_long = _cast_method("long", _dtypes.int64)
to_int = _cast_method("int", _dtypes.int32)
to_short = _cast_method("short", _dtypes.int16)
to_char = _cast_method("char", _dtypes.int8)
to_byte = _cast_method("byte", _dtypes.uint8)
to_bool = _cast_method("bool", _dtypes.bool)


def new_tensor(self, data, dtype=None, device=None, requires_grad=False) -> "Tensor":
    """A new tensor from ``data`` with this tensor's dtype.

    >>> torch.tensor([1]).new_tensor([2.5, 3.])
    tensor([2, 3])
    """
    _on_cpu(device)
    return _tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)


def numpy(self, force: bool = False) -> ndarray:
    """The data as a NumPy array, sharing memory.

    A tensor that requires grad is refused while grad mode is on (the array would
    escape the graph); under ``torch.no_grad()`` it is handed out, as in PyTorch.

    >>> torch.ones(2).numpy()
    array([1., 1.], dtype=float32)
    >>> with torch.no_grad():
    ...     torch.ones(2, requires_grad=True).numpy()
    array([1., 1.], dtype=float32)
    """
    if self._requires_grad and not force and grad_mode.state.enabled:
        raise RuntimeError(
            "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
            "instead.")
    _tracing.value_read(self)  # (NumPy code on the array is invisible to chainrule.compile)
    data = self._data
    if type(data) is not ndarray:  # a 0-d tensor may hold a NumPy scalar: NumPy wants arrays
        data = xp.asarray(data)
    return data


def array(self, dtype=None, copy=None) -> ndarray:
    """``Tensor.__array__``: what ``numpy.asarray(x)`` reads, as ``x.numpy()`` (with its
    refusal) converted to ``dtype``.

    >>> import numpy
    >>> numpy.asarray(torch.tensor([1, 2]), dtype=numpy.float64)
    array([1., 2.])
    """
    data = numpy(self)
    if dtype is not None and dtype != data.dtype:
        return data.astype(dtype)
    return data.copy() if copy else data
