"""``Tensor.set_``: make a tensor refer to other memory (another tensor's, a storage's, none).

Autograd follows PyTorch: the change is an in-place one (the version counter moves on,
a leaf that requires grad may only be set under ``no_grad``), a set leaf gets a new
AccumulateGrad node on its next use, and a recorded ``set_`` has no derivative.
"""
from __future__ import annotations

from .. import _dtypes
from .._backend import ndarray, xp
from ..engine import grad_mode
from ..engine.inplace import check_inplace_leaf
from ..engine.views import requires_grad
from ..ops import refused as refused_ops
from ..ops import shape as shape_ops
from ..tensor import Tensor
from .out import CPP_NAMES
from .storage import TypedStorage, UntypedStorage, contiguous_strides, untyped_storage

__all__: list = []


def set_(self, source=None, storage_offset: int = 0, size=None, stride=None) -> Tensor:
    """Make this tensor refer to other memory: ``source``'s (a tensor: its sizes, strides and
    offset too), a storage's (``size``/``stride``/``storage_offset`` in elements; by default
    all of it, flat), or none (``set_()``: no elements).  Writes through either tensor are
    seen by both.

    Autograd treats it as PyTorch does: a leaf that requires grad may only be set under
    ``no_grad``; a leaf that was set gets a new AccumulateGrad node, so a graph recorded
    before the change no longer leads to it (only its old ``get_gradient_edge``); and a
    recorded ``set_`` has no derivative (backward through it raises).

    >>> x, y = torch.zeros(2), torch.arange(3.)
    >>> x.set_(y) is x, x.shape, x.is_set_to(y)
    (True, torch.Size([3]), True)
    >>> y[0] = 7; x
    tensor([7., 1., 2.])
    """
    check_inplace_leaf(self)
    dtype = self._data.dtype
    if source is None:
        array = xp.empty((0,), dtype=dtype)
    elif isinstance(source, Tensor):
        if source._data.dtype != dtype:
            raise RuntimeError(
                f"Could not set tensor of type {CPP_NAMES[source.dtype.name]} to a tensor of "
                f"type {CPP_NAMES[self.dtype.name]}. Fix: convert first (x.set_(y.to(x.dtype))).")
        array = source._data if size is None else _storage_view(
            untyped_storage(source), dtype, storage_offset, size, stride)
    elif isinstance(source, (UntypedStorage, TypedStorage)):
        array = _storage_view(source, dtype, storage_offset, size, stride)
    else:
        raise TypeError(
            f"set_() received an invalid combination of arguments - got "
            f"({type(source).__name__}), but expected one of: (), (Storage source), (Storage "
            "source, int storage_offset, tuple of ints size, tuple of ints stride), (Tensor "
            "source), (Tensor source, int storage_offset, tuple of ints size, tuple of ints "
            "stride)")
    if grad_mode.state.enabled and (requires_grad(self) or (
            isinstance(source, Tensor) and source._requires_grad)):
        # Recorded as PyTorch records it: a node whose backward refuses.
        result = refused_ops.set_source(self, source if isinstance(source, Tensor)
                                        else Tensor._make(array))
        self._grad_fn, self._output_nr = result._grad_fn, result._output_nr
        self._requires_grad = True
    self._data = array
    # The tensor is no longer a view of its old base: its elements are elsewhere now.
    self._base = None
    self._bump_version()
    # As PyTorch's set_ does: the leaf's next use makes a new AccumulateGrad node, and the
    # nodes recorded before lead to the old one (reachable through get_gradient_edge).
    self._accumulator = None
    return self


def _storage_view(storage, dtype, storage_offset: int, size, stride) -> ndarray:
    """The elements of ``storage`` (read as ``dtype``) that ``set_`` makes a tensor of."""
    if isinstance(storage, TypedStorage):
        if storage.dtype.np != dtype:
            raise RuntimeError(
                f"Expected a Storage of type {CPP_NAMES[_dtypes.from_numpy(dtype).name]} or an "
                f"UntypedStorage, but got type {storage.dtype.scalar_name} for argument 1 "
                "'storage'. Fix: pass the tensor's untyped_storage().")
        storage = storage.untyped()
    root = storage._array
    flat = xp.ndarray((root.nbytes // dtype.itemsize,), dtype=dtype, buffer=root)
    if size is None:
        size, stride = flat.shape, (1,)
    size = tuple(size)
    stride = contiguous_strides(size) if stride is None else tuple(stride)
    return shape_ops.strided_view(flat, size, stride, storage_offset)
