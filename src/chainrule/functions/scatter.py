"""Writes with a reduction or at computed places: ``scatter_reduce``, ``index_reduce``,
``index_put``, ``put``, ``masked_scatter``, ``diagonal_scatter``, ``select_scatter``,
``slice_scatter``.

Each checks its arguments with PyTorch's errors and calls its row in
``chainrule.ops.scatter``.  The ``*_scatter`` functions find the elements of
``input`` that ``diagonal``/``select``/slicing would read by applying that
operation to the array of ``input``'s flat positions; the row then writes ``src``
there.
"""
from __future__ import annotations

import builtins

from .._backend import xp
from .._shapes import wrap_dim
from ..ops import indexing as indexing_ops
from ..ops import scatter as scatter_ops
from ..tensor import Tensor
from .arguments import as_tensor_like, warn_once
from .indexing import (
    _advanced,
    _as_nd,
    _check_gather_like,
    _convert_key,
    _index_along,
    _index_tensor,
    select,
)

__all__ = [
    "scatter_reduce", "index_reduce", "index_put", "put", "masked_scatter", "diagonal_scatter",
    "select_scatter", "slice_scatter", "as_strided_scatter", "slice_inverse",
]


def _same_dtype(input, src, name="scatter"):
    if src.dtype is not input.dtype:
        raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype. Fix: "
                           f"convert src with .to({input.dtype}).")


def scatter_reduce(input, dim: int, index, src, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    """Combine ``src``'s values with ``input``'s at ``index`` along ``dim`` by ``reduce``
    (``"sum"``, ``"prod"``, ``"mean"``, ``"amax"``, ``"amin"``); with
    ``include_self=False`` a position written to starts from ``src``'s values alone.

    >>> x = torch.tensor([1., 2., 3.])
    >>> x.scatter_reduce(0, torch.tensor([0, 0, 2]), torch.tensor([5., 6., 7.]), "amax")
    tensor([6., 2., 7.])
    >>> x.scatter_reduce(0, torch.tensor([0, 0, 2]), torch.tensor([5., 6., 7.]), "mean",
    ...                  include_self=False)
    tensor([5.5000, 2.0000, 7.0000])
    """
    reduce = {"max": "amax", "min": "amin"}.get(reduce, reduce)  # PyTorch takes these too
    if reduce not in scatter_ops.REDUCTIONS:
        raise RuntimeError("reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    if not isinstance(include_self, bool):
        raise TypeError("scatter_reduce(): argument 'include_self' must be bool, not "
                        f"{type(include_self).__name__}")
    index = _index_tensor(index, "scatter_reduce")
    _same_dtype(input, src)
    dim = _check_gather_like(input, dim, index, "scatter", src)
    return scatter_ops.scatter_reduce(input, dim, index, src, reduce, include_self)


def index_reduce(input, dim: int, index, source, reduce: str, *,
                 include_self: bool = True) -> Tensor:
    """Combine the slices of ``source`` with ``input``'s slices at ``index`` (a vector of
    positions along ``dim``) by ``reduce`` (``"prod"``, ``"mean"``, ``"amax"``, ``"amin"``).

    >>> import warnings; warnings.simplefilter("ignore")  # PyTorch calls index_reduce beta
    >>> torch.ones(2, 2).index_reduce(0, torch.tensor([1, 1]), torch.tensor([[2., 3.],
    ...                                                                      [4., 5.]]), "prod")
    tensor([[ 1.,  1.],
            [ 8., 15.]])
    """
    warn_once("index_reduce() is in beta and the API may change at any time.")
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError("index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")
    index = _index_tensor(index, "index_reduce")
    dim = wrap_dim(dim, input.ndim)
    if index.ndim > 1:
        raise IndexError(f"index_reduce_(): Index is supposed to be a vector, but got dim: "
                         f"{index.ndim} with type: {index.dtype.scalar_name} and size: "
                         f"{list(index.shape)}")
    if index.dtype.name not in ("int64", "int32"):
        raise RuntimeError("index_reduce_(): Expected dtype int32/int64 for index")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_reduce_(): self ({input.dtype.scalar_name}) and source "
                           f"({source.dtype.scalar_name}) must have the same scalar type")
    in_shape = list(input.shape)
    src_shape = list(source.shape)
    if input.ndim != source.ndim or in_shape[:dim] + in_shape[dim + 1:] \
            != src_shape[:dim] + src_shape[dim + 1:]:
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the "
                           f"specified dimension. Got self.shape = {in_shape} source.shape = "
                           f"{src_shape}")
    count = index.numel()
    along = source.shape[dim] if source.ndim else 1
    if count != along:
        raise RuntimeError(f"index_reduce_(): Number of indices ({count}) should be equal to "
                           f"source.size(dim): ({along}), for dim: {dim}")
    size = input.shape[dim] if input.ndim else 1
    data = index._data
    if data.size and ((data >= size) | (data < -size)).any():
        raise IndexError("index out of range in self")
    if input.ndim == 0:
        return index_reduce(_as_nd(input), 0, index.reshape(-1), _as_nd(source), reduce,
                            include_self=include_self).reshape(())
    spread = _index_along(index.reshape(-1), dim, source)
    return scatter_ops.index_reduce(input, dim, spread, source, reduce, include_self)


def _key_of(input, indices, name):
    """``indices`` (a tuple of index tensors, None for a whole dimension) as an indexing key."""
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"{name}(): argument 'indices' (position 2) must be tuple of Tensors, "
                        f"not {type(indices).__name__}")
    for i, k in enumerate(indices):
        if not isinstance(k, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 1, but got "
                            f"{type(k).__name__}")
    key, _ = _convert_key(input, tuple(indices))
    return _advanced(key)


def index_put(input, indices, values, accumulate: bool = False) -> Tensor:
    """``input`` with ``values`` written (or, with ``accumulate=True``, added: repeated
    positions add up) at ``input[indices]``; ``indices`` is a tuple of index tensors.

    >>> torch.index_put(torch.zeros(3), (torch.tensor([0, 0, 2]),), torch.tensor(1.),
    ...                 accumulate=True)
    tensor([2., 0., 1.])
    """
    key = _key_of(input, indices, "index_put")
    values = as_tensor_like(values, input)
    if values.dtype is not input.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{input.dtype.scalar_name} for the destination and "
                           f"{values.dtype.scalar_name} for the source.")
    target = input._data[key].shape
    try:
        xp.broadcast_shapes(tuple(values.shape), target)
        broadcasts = len(values.shape) <= len(target) or values.ndim == 0
    except ValueError:
        broadcasts = False
    if not broadcasts:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(values.shape)} cannot "
                           f"be broadcast to indexing result of shape {list(target)}")
    if accumulate:
        return scatter_ops.index_put_accumulate(input, values, key)
    return indexing_ops.index_put(input, values, key)


def put(input, index, source, accumulate: bool = False) -> Tensor:
    """``input`` with ``source``'s elements written (or added) at ``index``, positions in
    the flattened ``input``.

    >>> torch.zeros(2, 2).put(torch.tensor([3, 0]), torch.tensor([1., 2.]))
    tensor([[2., 0.],
            [0., 1.]])
    """
    index = _index_tensor(index, "put")
    if index.dtype.name != "int64":
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got "
                           f"{index.dtype.scalar_name}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got "
                           f"self.dtype = {input.dtype.scalar_name} and source.dtype = "
                           f"{source.dtype.scalar_name}")
    if source.numel() != index.numel():
        raise IndexError(f"put_(): Expected source and index to have the same number of "
                         f"elements, but got source.numel() = {source.numel()}, "
                         f"index.numel() = {index.numel()}")
    size = input.numel()
    data = index._data
    if data.size and ((data >= size) | (data < -size)).any():
        bad = int(data[(data >= size) | (data < -size)].flat[0])
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {size} "
                         "elements.")
    positions = data.reshape(-1) % builtins.max(size, 1)
    return scatter_ops.put(input, positions, source, accumulate)


def as_strided_scatter(input, src, size, stride, storage_offset=None) -> Tensor:
    """A copy of ``input`` with ``src`` written where ``input.as_strided(size, stride,
    storage_offset)`` would see it: positions in ``input``'s memory (its storage, with its
    strides and offset; ``storage_offset`` defaults to input's own).  Positions that hold no
    element of ``input`` are written nowhere.

    >>> torch.as_strided_scatter(torch.zeros(2, 3), torch.ones(2), (2,), (4,))
    tensor([[1., 0., 0.],
            [0., 1., 0.]])
    """
    size, stride = tuple(int(n) for n in size), tuple(int(n) for n in stride)
    memory, start, steps = _geometry(input._data)
    storage = memory.size
    offset = start if storage_offset is None else int(storage_offset)
    if input.requires_grad and not input._data.flags.c_contiguous:
        raise RuntimeError("!self.requires_grad() || self.is_contiguous() INTERNAL ASSERT "
                           "FAILED: as_strided_scatter is currently only supported for "
                           "contiguous inputs. Fix: call .contiguous() on the input first.")
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if builtins.any(n < 0 for n in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, "
                           f"got strides: {list(stride)}")
    needed = 0 if 0 in size else offset + 1 + builtins.sum(
        (n - 1) * s for n, s in zip(size, stride))
    if needed > storage:
        itemsize = input._data.itemsize
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage "
                           f"offset {offset}, and itemsize {itemsize} requiring a storage size "
                           f"of {needed * itemsize} are out of bounds for storage of size "
                           f"{storage * itemsize}")
    if tuple(src.shape) != size:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(src.shape)}, slice size = {list(size)}")
    # each element of input by memory position, then the view's positions looked up there
    held = _memory_positions(input.shape, steps, start).reshape(-1)
    order = xp.argsort(held, kind="stable")
    wanted = _memory_positions(size, stride, offset).reshape(-1)
    found = xp.clip(xp.searchsorted(held[order], wanted), 0, builtins.max(held.size - 1, 0))
    kept = xp.flatnonzero(held[order][found] == wanted) if held.size else xp.zeros(0, int)
    return scatter_ops.as_strided_scatter(input, order[found[kept]], kept, src)


def slice_inverse(input, src, dim: int = 0, start=None, end=None, step: int = 1) -> Tensor:
    """``input``'s memory seen with ``src``'s sizes, strides and offset: where ``input`` is
    ``src[start:end:step]`` along ``dim``, the whole of ``src`` again, as a view of ``input``
    (the inverse of slicing, as PyTorch's functionalization uses it).

    >>> base = torch.arange(6.).reshape(3, 2)
    >>> torch.slice_inverse(base[1:], base, 0, 1)
    tensor([[0., 1.],
            [2., 3.],
            [4., 5.]])
    """
    memory, _, _ = _geometry(input._data)
    storage = memory.size
    _, offset, steps = _geometry(src._data)
    size = tuple(src.shape)
    needed = 0 if 0 in size else offset + 1 + builtins.sum(
        (n - 1) * s for n, s in zip(size, steps))
    if needed > storage or builtins.min(steps, default=0) < 0:
        itemsize = input._data.itemsize
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(steps)}, storage "
                           f"offset {offset}, and itemsize {itemsize} requiring a storage size "
                           f"of {needed * itemsize} are out of bounds for storage of size "
                           f"{storage * itemsize}")
    dim = wrap_dim(dim, src.ndim)
    return scatter_ops.slice_inverse(input, src, memory, size, steps, offset, dim, start, end,
                                     step)


def _geometry(array) -> tuple:
    """``array``'s storage as a 1-D array of its dtype sharing its memory (the memory of the
    NumPy array that owns the data: chainrule's views are views of it), and ``array``'s
    offset and strides in it, in elements."""
    owner = array
    while isinstance(owner.base, xp.ndarray):
        owner = owner.base
    itemsize = array.itemsize
    start = array.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
    steps = tuple(s // itemsize for s in array.strides)
    if owner is not array and owner.flags.c_contiguous and not start % itemsize \
            and not owner.nbytes % itemsize:
        return owner.reshape(-1).view(array.dtype), start // itemsize, steps
    # its own memory (or a reinterpretation of another's): from its first element to its last
    span = 0 if array.size == 0 else 1 + builtins.sum(
        (n - 1) * s for n, s in zip(array.shape, steps))
    return xp.lib.stride_tricks.as_strided(array, shape=(span,), strides=(itemsize,)), 0, steps


def _memory_positions(shape, steps, offset: int):
    """The memory position of each element of a strided view (``steps`` in elements)."""
    memory = xp.full(shape, offset, dtype=xp.int64)
    for axis, (n, step) in enumerate(zip(shape, steps)):
        memory += (xp.arange(n) * step).reshape([-1 if d == axis else 1 for d in range(len(shape))])
    return memory


def masked_scatter(input, mask, source) -> Tensor:
    """``input`` with the elements where ``mask`` is True replaced, in order, by ``source``'s
    first elements (``mask`` and ``input`` broadcast together).

    >>> torch.zeros(4).masked_scatter(torch.tensor([True, False, True, False]),
    ...                               torch.tensor([1., 2., 3.]))
    tensor([1., 0., 2., 0.])
    """
    if not isinstance(mask, Tensor) or mask.dtype.name != "bool":
        got = mask.dtype.scalar_name if isinstance(mask, Tensor) else type(mask).__name__
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with "
                           f"dtype {got}. Fix: pass a bool mask, e.g. mask.bool() or (x > 0).")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but "
                           f"got{input.dtype.scalar_name} and {source.dtype.scalar_name}")
    try:
        shape = xp.broadcast_shapes(tuple(input.shape), tuple(mask.shape))
    except ValueError:
        raise RuntimeError(f"The size of tensor a ({list(mask.shape)}) must match the size of "
                           f"tensor b ({list(input.shape)}): mask and input must broadcast "
                           "together") from None
    flat_mask = xp.broadcast_to(mask._data, shape).reshape(-1)
    wanted = int(flat_mask.sum())
    if wanted > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    # A 0-d input is indexed by the 0-d mask itself (a bool index selects it or nothing).
    key = (xp.asarray(flat_mask[0]),) if len(shape) == 0 else \
        xp.nonzero(xp.broadcast_to(mask._data, shape))
    return scatter_ops.masked_scatter(input, key, source, shape)


# --- the *_scatter family -------------------------------------------------------------------

def _positions(input) -> Tensor:
    """Every element's flat position, shaped like ``input``: the view ops applied to it say
    which elements of ``input`` they read."""
    return Tensor._make(xp.arange(input.numel(), dtype=xp.int64).reshape(input._data.shape))


def _write_view(row, input, src, picked):
    if tuple(src.shape) != picked.shape:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(src.shape)}, slice size = {list(picked.shape)}")
    if src.dtype is not input.dtype:
        src = src.to(input.dtype)
    return row(input, src, xp.unravel_index(picked, input._data.shape))


def diagonal_scatter(input, src, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """``input`` with ``src`` written on the diagonal that ``torch.diagonal(input, offset,
    dim1, dim2)`` reads.

    >>> torch.diagonal_scatter(torch.zeros(2, 3), torch.tensor([1., 2.]), 1)
    tensor([[0., 1., 0.],
            [0., 0., 2.]])
    """
    dim1, dim2 = wrap_dim(dim1, input.ndim), wrap_dim(dim2, input.ndim)
    if dim1 == dim2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    picked = xp.diagonal(_positions(input)._data, offset, dim1, dim2)
    return _write_view(scatter_ops.diagonal_scatter, input, src, picked)


def select_scatter(input, src, dim: int, index: int) -> Tensor:
    """``input`` with ``src`` written at ``index`` along ``dim`` (where ``select`` reads).

    >>> torch.select_scatter(torch.zeros(2, 2), torch.tensor([1., 2.]), 1, 0)
    tensor([[1., 0.],
            [2., 0.]])
    """
    picked = select(_positions(input), dim, index)._data
    return _write_view(scatter_ops.select_scatter, input, src, picked)


def slice_scatter(input, src, dim: int = 0, start: int | None = None, end: int | None = None,
                  step: int = 1) -> Tensor:
    """``input`` with ``src`` written where ``input[start:end:step]`` along ``dim`` reads.

    >>> torch.slice_scatter(torch.zeros(2, 4), torch.ones(2, 2), 1, start=0, step=2)
    tensor([[1., 0., 1., 0.],
            [1., 0., 1., 0.]])
    """
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    if input.ndim == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    dim = wrap_dim(dim, input.ndim)
    key = (slice(None),) * dim + (slice(start, end, step),)
    picked = _positions(input)._data[key]
    return _write_view(scatter_ops.slice_scatter, input, src, picked)
