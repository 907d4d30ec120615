"""Conversions: ``x.to(dtype)``, ``x.float()``, ``x.type()``, ``x.clone()``, ``x.new_tensor(data)``.

These are Tensor methods (bound by ``chainrule.tensor_methods``); a dtype
conversion records ``ToCopyBackward0``, whose gradient converts back.
"""
from __future__ import annotations

from .. import _dtypes
from ..ops import shape as shape_ops
from ..tensor import Tensor, _on_cpu, _to_arguments
from .creation import tensor as _tensor
from .legacy import BY_NAME, tensortype

__all__ = [
    "clone",
]

def clone(self, memory_format=None) -> "Tensor":
    """A copy that stays in the graph (its gradient flows back to this tensor).

    >>> import chainrule as torch
    >>> torch.tensor([1., 2.], requires_grad=True).clone()
    tensor([1., 2.], grad_fn=<CloneBackward0>)
    """
    return shape_ops.clone(self)


def to(self, *args, **kwargs) -> "Tensor":
    """Convert the dtype (the device is always the CPU).

    >>> import chainrule as torch
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

    >>> import chainrule as torch
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

    >>> import chainrule as torch
    >>> torch.tensor([1, 2]).type_as(torch.zeros(1))
    tensor([1., 2.])
    """
    return self.to(other.dtype)


def to_float(self) -> "Tensor":
    """Convert to ``torch.float32`` (``self.to(torch.float32)``).

    >>> import chainrule as torch
    >>> torch.tensor([1, 2]).float()
    tensor([1., 2.])
    """
    return self.to(_dtypes.float32)


def to_double(self) -> "Tensor":
    """Convert to ``torch.float64`` (``self.to(torch.float64)``).

    >>> import chainrule as torch
    >>> torch.tensor([1, 2]).double()
    tensor([1., 2.], dtype=torch.float64)
    """
    return self.to(_dtypes.float64)


def to_half(self) -> "Tensor":
    """Convert to ``torch.float16`` (``self.to(torch.float16)``).

    >>> import chainrule as torch
    >>> torch.tensor([1, 2]).half()
    tensor([1., 2.], dtype=torch.float16)
    """
    return self.to(_dtypes.float16)


def to_long(self) -> "Tensor":
    """Convert to ``torch.int64`` (``self.to(torch.int64)``).

    >>> import chainrule as torch
    >>> torch.tensor([1.7, -2.5]).long()
    tensor([ 1, -2])
    """
    return self.to(_dtypes.int64)


def to_int(self) -> "Tensor":
    """Convert to ``torch.int32`` (``self.to(torch.int32)``).

    >>> import chainrule as torch
    >>> torch.tensor([1.7, -2.5]).int()
    tensor([ 1, -2], dtype=torch.int32)
    """
    return self.to(_dtypes.int32)


def to_short(self) -> "Tensor":
    """Convert to ``torch.int16`` (``self.to(torch.int16)``).

    >>> import chainrule as torch
    >>> torch.tensor([1.7, -2.5]).short()
    tensor([ 1, -2], dtype=torch.int16)
    """
    return self.to(_dtypes.int16)


def to_char(self) -> "Tensor":
    """Convert to ``torch.int8`` (``self.to(torch.int8)``).

    >>> import chainrule as torch
    >>> torch.tensor([1.7, -2.5]).char()
    tensor([ 1, -2], dtype=torch.int8)
    """
    return self.to(_dtypes.int8)


def to_byte(self) -> "Tensor":
    """Convert to ``torch.uint8`` (``self.to(torch.uint8)``).

    >>> import chainrule as torch
    >>> torch.tensor([1.7, 255.]).byte()
    tensor([  1, 255], dtype=torch.uint8)
    """
    return self.to(_dtypes.uint8)


def to_bool(self) -> "Tensor":
    """Convert to ``torch.bool`` (``self.to(torch.bool)``).

    >>> import chainrule as torch
    >>> torch.tensor([0., 2.]).bool()
    tensor([False,  True])
    """
    return self.to(_dtypes.bool)


def new_tensor(self, data, dtype=None, device=None, requires_grad=False) -> "Tensor":
    """A new tensor from ``data`` with this tensor's dtype.

    >>> import chainrule as torch
    >>> torch.tensor([1]).new_tensor([2.5, 3.])
    tensor([2, 3])
    """
    _on_cpu(device)
    return _tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)
