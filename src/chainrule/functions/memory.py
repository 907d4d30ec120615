"""Tensors over given memory, or with a given layout in memory: ``empty_permuted``,
``frombuffer``, ``asarray``.

A chainrule tensor holds a NumPy array, and NumPy arrays have strides (in bytes), so a
tensor can be laid out in memory as PyTorch would lay it out; ``frombuffer`` and
``asarray`` share the memory of the buffer or array they are given where they can.
"""
from __future__ import annotations

import builtins

from .. import _dtypes
from .._backend import ndarray, xp
from .._shapes import size_argument
from ..tensor import Tensor, _on_cpu
from .arguments import warn_once
from .creation import from_numpy, tensor
from .dlpack import from_dlpack

__all__ = ["empty_permuted", "frombuffer", "asarray"]


def _finish(array, requires_grad: bool) -> Tensor:
    out = Tensor._make(array)
    if requires_grad:
        out.requires_grad_(True)
    return out


def _check_sizes(size) -> tuple:
    size = size_argument((size,) if isinstance(size, int) else tuple(size))
    if builtins.any(n < 0 for n in size):
        bad = next(n for n in size if n < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {bad}: {list(size)}")
    return size


def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None,
                   requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """An uninitialised tensor of ``size`` stored in memory with its dimensions in the order
    ``physical_layout`` (outermost first): ``(0, 2, 3, 1)`` lays out NCHW as NHWC.

    >>> torch.empty_permuted((2, 3, 4), (0, 2, 1)).shape
    torch.Size([2, 3, 4])
    """
    _on_cpu(device)
    size = _check_sizes(size)
    order = tuple(int(d) for d in physical_layout)
    if len(order) != len(size):
        raise RuntimeError("Number of dimensions in size does not match the length of the "
                           f"physical_layout; i.e. len(size) = {len(size)} is not equal to "
                           f"len(physical_layout) = {len(order)}")
    if sorted(order) != list(range(len(size))):
        raise RuntimeError("Duplicate dim not allowed")
    np_dtype = (dtype or _dtypes.get_default_dtype()).np
    memory = xp.empty([size[d] for d in order], dtype=np_dtype)
    return _finish(memory.transpose(tuple(int(i) for i in xp.argsort(order))), requires_grad)


def frombuffer(buffer, *, dtype, count: int = -1, offset: int = 0,
               requires_grad: bool = False) -> Tensor:
    """A 1-D tensor over the memory of ``buffer`` (anything with Python's buffer protocol):
    ``count`` elements of ``dtype`` from byte ``offset`` (all of them for ``count=-1``).

    >>> data = bytearray(b"\\x00\\x00\\x80\\x3f\\x00\\x00\\x00\\x40")
    >>> t = torch.frombuffer(data, dtype=torch.float32)
    >>> t
    tensor([1., 2.])
    >>> t.add_(1); bytes(data) == b"\\x00\\x00\\x00\\x40\\x00\\x00\\x40\\x40"
    tensor([2., 3.])
    True
    """
    view = memoryview(buffer)
    length = view.nbytes
    size = dtype.itemsize
    if length == 0 or count == 0:
        raise ValueError(f"both buffer length ({length}) and count ({count}) must not be 0")
    if not 0 <= offset < length:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than "
                         f"buffer length ({length} bytes) minus 1")
    if count < 0:
        if (length - offset) % size:
            raise ValueError(f"buffer length ({length - offset} bytes) after offset ({offset} "
                             f"bytes) must be a multiple of element size ({size})")
        count = (length - offset) // size
    elif offset + count * size > length:
        raise ValueError(f"requested buffer length ({count} * {size} bytes) after offset "
                         f"({offset} bytes) must not be greater than actual buffer length "
                         f"({length} bytes)")
    if view.readonly:
        warn_once("The given buffer is not writable, and PyTorch does not support non-writable "
                  "tensors. This means you can write to the underlying (supposedly "
                  "non-writable) buffer using the tensor. You may want to copy the buffer to "
                  "protect its data or make it writable before converting it to a tensor. This "
                  "type of warning will be suppressed for the rest of this program.")
    array = xp.frombuffer(view.cast("B"), dtype=dtype.np, count=count, offset=offset)
    return _finish(array, requires_grad)


def asarray(obj, *, dtype=None, device=None, copy: bool | None = None,
            requires_grad=None) -> Tensor:
    """``obj`` as a tensor, sharing its memory where it can (a tensor, a NumPy array, a DLPack
    object, a buffer) unless ``copy=True``; ``copy=False`` refuses to copy.

    >>> a = np.zeros(2, dtype=np.int64)
    >>> torch.asarray(a).add_(4), a, torch.asarray(a, copy=True).add_(1), a
    (tensor([4, 4]), array([4, 4]), tensor([5, 5]), array([4, 4]))
    >>> torch.asarray([1, 2], dtype=torch.float32)
    tensor([1., 2.])
    """
    _on_cpu(device)
    if isinstance(obj, Tensor):
        out = _from_tensor(obj, dtype, copy)
    elif isinstance(obj, ndarray) or hasattr(obj, "__dlpack__"):
        array = obj if isinstance(obj, ndarray) else from_dlpack(obj).numpy()
        out = _from_tensor(from_numpy(array) if array.dtype in _NUMPY_DTYPES
                           else tensor(array), dtype, copy)
    elif isinstance(obj, (bytes, bytearray, memoryview)):
        out = frombuffer(obj, dtype=dtype or _dtypes.get_default_dtype())
        out = out.clone() if copy else out
    else:
        if copy is False:
            raise ValueError("can't alias arbitrary sequence into a tensor.")
        out = tensor(obj, dtype=dtype)
    if requires_grad is None:
        if out.requires_grad:
            warn_once("torch.asarray: unspecified requires_grad now defaults to "
                      "obj.requires_grad instead of False. Pass requires_grad=False explicitly "
                      "to get the old behavior and silence this warning.")
        return out
    return out.requires_grad_(requires_grad)


_NUMPY_DTYPES = {d.np for d in _dtypes.ALL}


def _from_tensor(t, dtype, copy):
    if dtype is None or dtype is t.dtype:
        return t.clone() if copy else t
    if copy is False:
        raise ValueError(f"can't alias tensor with dtype '{t.dtype.scalar_name}' into dtype "
                         f"'{dtype.scalar_name}'.")
    return t.to(dtype)
