"""Joining and splitting: ``cat``, ``stack``, ``split``, ``chunk``, ``unbind``, ``meshgrid``, ...

``cat``/``stack`` record one node for any number of inputs and ``split``/``unbind``
one node for all their pieces, as PyTorch does; the rest are composed from them.
"""
from __future__ import annotations

import builtins
import itertools

from .. import _dtypes
from .._backend import xp
from .._shapes import wrap_dim
from ..ops import shape as shape_ops
from ..tensor import Tensor
from .arguments import accept_numpy_names, as_tensor_like, tensor_list
from .indexing import index_select
from .out import CAT, out_variant
from .shape import atleast_2d, atleast_3d, narrow, reshape

__all__ = [
    "cat", "concat", "concatenate", "stack", "split", "split_with_sizes", "chunk", "unbind",
    "hstack", "vstack", "column_stack", "dstack", "tensor_split", "hsplit", "vsplit",
    "block_diag", "meshgrid", "cartesian_prod", "combinations", "diff",
]


@out_variant(CAT)
@accept_numpy_names
def cat(tensors, dim: int = 0):
    """Join tensors along an existing dimension (``torch.cat``).

    >>> torch.cat([torch.zeros(1), torch.ones(2)])
    tensor([0., 1., 1.])
    """
    tensors = tensor_list(tensors, ValueError("torch.cat(): expected a non-empty list of Tensors"))
    # PyTorch skips legacy empty 1-d tensors of shape (0,) when joining.
    parts = [t for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)] or tensors[:1]
    ndim = parts[0].ndim
    if ndim == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    dim = wrap_dim(dim, ndim)
    for i, t in enumerate(parts):
        if t.ndim != ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ndim} and {t.ndim}")
        for d in range(ndim):
            if d != dim and t.shape[d] != parts[0].shape[d]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {dim}. Expected size "
                    f"{parts[0].shape[d]} but got size {t.shape[d]} for tensor number {i} in "
                    "the list.")
    dtype = _dtypes.result_type(parts)
    mixed = any(t.dtype is not dtype for t in parts)
    return shape_ops.cat(parts, dim, dtype.np) if mixed else shape_ops.cat(parts, dim)


concat = concatenate = cat


@out_variant(CAT)
@accept_numpy_names
def stack(tensors, dim: int = 0):
    """Join tensors along a new dimension (``torch.stack``).

    >>> torch.stack([torch.zeros(2), torch.ones(2)]).shape
    torch.Size([2, 2])
    """
    tensors = tensor_list(tensors, RuntimeError("stack expects a non-empty TensorList"))
    first = tensors[0].shape
    for i, t in enumerate(tensors):
        if t.shape != first:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 "
                f"and {list(t.shape)} at entry {i}")
    dim = wrap_dim(dim, len(first) + 1)
    dtype = _dtypes.result_type(tensors)
    mixed = any(t.dtype is not dtype for t in tensors)
    return shape_ops.stack(tensors, dim, dtype.np) if mixed else shape_ops.stack(tensors, dim)


@accept_numpy_names
def split(tensor, split_size_or_sections, dim: int = 0):
    """Cut into pieces of ``split_size`` (or of the given list of sizes) along ``dim``.

    >>> [p.tolist() for p in torch.arange(5).split(2)]
    [[0, 1], [2, 3], [4]]
    """
    dim = wrap_dim(dim, tensor.ndim)
    n = tensor.shape[dim]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step < 0 or (step == 0 and n):
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
                if step == 0 else f"split expects split_size be non-negative, but got "
                f"split_size={step}")
        if step == 0:
            return shape_ops.split(tensor, dim, [0])
        sizes = [min(step, n - s) for s in range(0, n, step)] if n else [0]
        return shape_ops.split(tensor, dim, sizes)
    return split_with_sizes(tensor, split_size_or_sections, dim)


def split_with_sizes(input, split_sizes, dim: int = 0):
    """Cut into pieces of the given sizes along ``dim`` (views of ``input``).

    >>> torch.arange(5).split_with_sizes([2, 3])
    (tensor([0, 1]), tensor([2, 3, 4]))
    """
    dim = wrap_dim(dim, input.ndim)
    n = input.shape[dim]
    sizes = list(split_sizes)
    if any(s < 0 for s in sizes):
        raise RuntimeError("split_with_sizes expects split_sizes have only non-negative "
                           f"entries, but got split_sizes={sizes}")
    if sum(sizes) != n:
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size "
            f"at dimension {dim}), but got split_sizes={sizes}")
    return shape_ops.split_with_sizes(input, dim, sizes)


@accept_numpy_names
def chunk(input, chunks: int, dim: int = 0):
    """Cut into ``chunks`` nearly equal pieces along ``dim``.

    >>> torch.chunk(torch.arange(5), 2)
    (tensor([0, 1, 2]), tensor([3, 4]))
    """
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input.shape[wrap_dim(dim, input.ndim)]
    size = -(-n // chunks) if n else 1
    return split(input, max(size, 1), dim)


__all__ += ["unsafe_split", "unsafe_chunk", "dsplit", "unsafe_split_with_sizes"]


@accept_numpy_names
def unsafe_split(tensor, split_size: int, dim: int = 0):
    """``split`` whose pieces are not tracked as views of ``tensor`` (they share its memory,
    yet changing them in place is allowed: that is the unsafe part).

    >>> torch.unsafe_split(torch.arange(5), 2)
    (tensor([0, 1]), tensor([2, 3]), tensor([4]))
    """
    return _unsafe_pieces(tensor, split, split_size, dim)


@accept_numpy_names
def unsafe_chunk(input, chunks: int, dim: int = 0):
    """``chunk`` with the pieces of ``unsafe_split``.

    >>> torch.unsafe_chunk(torch.arange(5), 2)
    (tensor([0, 1, 2]), tensor([3, 4]))
    """
    return _unsafe_pieces(input, chunk, chunks, dim)


def unsafe_split_with_sizes(input, split_sizes, dim: int = 0):
    """``split`` into pieces of the given sizes, with the pieces of ``unsafe_split``.

    >>> torch.unsafe_split_with_sizes(torch.arange(5), [1, 4])
    (tensor([0]), tensor([1, 2, 3, 4]))
    """
    sizes = [int(n) for n in split_sizes]
    if any(n < 0 for n in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative "
                           f"entries, but got split_sizes={sizes}")
    return _unsafe_pieces(input, split, sizes, dim, shape_ops.unsafe_split_with_sizes)


def _unsafe_pieces(input, cut, amount, dim, row=shape_ops.unsafe_split):
    """``cut``'s pieces (split or chunk, which also check the arguments) as ``row``'s."""
    dim = wrap_dim(dim, input.ndim)
    sizes = [p.shape[dim] for p in cut(input.detach(), amount, dim)]
    return row(input, dim, sizes)


@accept_numpy_names
def unbind(input, dim: int = 0):
    """All slices along ``dim``, as a tuple.

    >>> torch.unbind(torch.tensor([[1, 2], [3, 4]]))
    (tensor([1, 2]), tensor([3, 4]))
    """
    if input.ndim == 0:
        raise RuntimeError("Dimension specified as 0 but tensor has no dimensions")
    dim = wrap_dim(dim, input.ndim)
    return shape_ops.unbind(input, dim)


@out_variant(CAT)
def hstack(tensors):
    """Concatenate horizontally: along dim 1, or dim 0 for 1-d tensors.

    >>> torch.hstack([torch.tensor([1, 2]), torch.tensor([3])])
    tensor([1, 2, 3])
    """
    tensors = list(tensors)
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


@out_variant(CAT)
def vstack(tensors):
    """Stack vertically: concatenate along dim 0, 1-d tensors becoming rows.

    >>> torch.vstack([torch.tensor([1, 2]), torch.tensor([3, 4])])
    tensor([[1, 2],
            [3, 4]])
    """
    return cat([atleast_2d(t) for t in tensors], 0)


@out_variant(CAT)
def column_stack(tensors):
    """Stack tensors as the columns of a matrix (1-D tensors become columns).

    >>> torch.column_stack([torch.tensor([1., 2.]), torch.tensor([3., 4.])])
    tensor([[1., 3.],
            [2., 4.]])
    """
    return hstack([reshape(t, (-1, 1)) if t.dim() < 2 else t for t in tensors])


@out_variant(CAT)
def dstack(tensors):
    """Stack tensors along a third dimension (after making them at least 3-D).

    >>> torch.dstack([torch.tensor([1., 2.]), torch.tensor([3., 4.])]).shape
    torch.Size([1, 2, 2])
    """
    return cat(list(atleast_3d(*tensors)) if len(tensors) > 1 else [atleast_3d(tensors[0])],
               dim=2)


@accept_numpy_names
def tensor_split(input, indices_or_sections, dim: int = 0):
    """Split into ``n`` nearly equal parts, or at the given indices, along ``dim``.

    >>> [t.tolist() for t in torch.tensor_split(torch.arange(5), 2)]
    [[0, 1, 2], [3, 4]]
    """
    size = input.shape[dim]
    sections = indices_or_sections
    if isinstance(sections, Tensor):
        sections = sections.tolist()
    if isinstance(sections, int):
        small, extra = divmod(size, sections)
        bounds, start = [], 0
        for i in range(sections - 1):
            start += small + (i < extra)
            bounds.append(start)
    else:
        bounds = list(sections)
    edges = [0] + [builtins.min(builtins.max(b, 0), size) for b in bounds] + [size]
    return tuple(narrow(input, dim, a, builtins.max(b - a, 0)) for a, b in
                 zip(edges[:-1], edges[1:]))


def hsplit(input, indices_or_sections):
    """``tensor_split`` along dimension 1 (0 for a 1-D tensor).

    >>> [t.shape for t in torch.hsplit(torch.zeros(2, 4), 2)]
    [torch.Size([2, 2]), torch.Size([2, 2])]
    """
    return tensor_split(input, indices_or_sections, 1 if input.dim() > 1 else 0)


def vsplit(input, indices_or_sections):
    """``tensor_split`` along dimension 0.

    >>> [t.shape for t in torch.vsplit(torch.zeros(4, 2), [1])]
    [torch.Size([1, 2]), torch.Size([3, 2])]
    """
    return tensor_split(input, indices_or_sections, 0)


def dsplit(input, indices_or_sections):
    """``tensor_split`` along dimension 2 (the depth of a 3-D or larger tensor).

    >>> [t.shape for t in torch.dsplit(torch.zeros(1, 2, 6), [1, 4])]
    [torch.Size([1, 2, 1]), torch.Size([1, 2, 3]), torch.Size([1, 2, 2])]
    """
    if input.dim() < 3:
        raise RuntimeError("torch.dsplit requires a tensor with at least 3 dimension, but got a "
                           f"tensor with {input.dim()} dimensions!")
    return tensor_split(input, indices_or_sections, 2)


def block_diag(*tensors):
    """A block-diagonal matrix with the given tensors (0-, 1- or 2-D) as its blocks.

    >>> torch.block_diag(torch.tensor([[1., 2.]]), torch.tensor([[3.]]))
    tensor([[1., 2., 0.],
            [0., 0., 3.]])
    """
    blocks = [reshape(t, (1, -1)) if t.dim() < 2 else t for t in tensors]
    dt = _result_type_of(blocks)
    width = builtins.sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        r, c = b.shape
        zl = Tensor._make(xp.zeros((r, left), dt.np))
        zr = Tensor._make(xp.zeros((r, width - left - c), dt.np))
        rows.append(cat([zl, b.to(dt), zr], dim=1))
        left += c
    return cat(rows, dim=0)


def _result_type_of(tensors):
    return _dtypes.result_type(list(tensors))


def meshgrid(*tensors, indexing: str = "ij"):
    """Coordinate grids from 1-D tensors: with ``indexing="ij"`` grid ``i`` varies along
    dimension ``i``; ``"xy"`` swaps the first two dimensions (as NumPy's default).

    >>> xs, ys = torch.meshgrid(torch.tensor([1, 2]), torch.tensor([3, 4, 5]), indexing="ij")
    >>> xs
    tensor([[1, 1, 1],
            [2, 2, 2]])
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but '
                           f'received: {indexing}')
    for t_ in tensors:
        if t_.ndim > 1:
            raise RuntimeError("torch.meshgrid: Expected 0D or 1D tensor in the tensor list "
                               f"but got: {t_!r}")
    flat = [t_.reshape(-1) for t_ in tensors]
    # "xy" is "ij" with the first two inputs swapped, and then the first two grids.
    swap = indexing == "xy" and len(flat) >= 2
    if swap:
        flat[0], flat[1] = flat[1], flat[0]
    shape = [t_.shape[0] for t_ in flat]
    grids = []
    for i, t_ in enumerate(flat):
        view = [1] * len(flat)
        view[i] = shape[i]
        grids.append(t_.reshape(view).expand(shape))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def cartesian_prod(*tensors):
    """Every combination of one element from each 1-D tensor, one per row.

    >>> torch.cartesian_prod(torch.tensor([1, 2]), torch.tensor([3, 4]))
    tensor([[1, 3],
            [1, 4],
            [2, 3],
            [2, 4]])
    """
    if len(tensors) == 1:
        return tensors[0]
    return stack([g.reshape(-1) for g in meshgrid(*tensors, indexing="ij")], 1)


def combinations(input, r: int = 2, with_replacement: bool = False):
    """The length-``r`` combinations of a 1-D tensor's elements, one per row.

    >>> torch.combinations(torch.tensor([1, 2, 3]))
    tensor([[1, 2],
            [1, 3],
            [2, 3]])
    """
    pick = itertools.combinations_with_replacement if with_replacement else \
        itertools.combinations
    idx = xp.array(list(pick(range(input.shape[0]), r)), dtype=xp.int64).reshape(-1, r)
    if idx.size == 0:
        return Tensor._make(xp.empty((0,) if r else (0,), input._data.dtype))
    return reshape(index_select(input, 0, Tensor._make(idx.reshape(-1))), (-1, r))


@out_variant()
@accept_numpy_names
def diff(input, n: int = 1, dim: int = -1, prepend=None, append=None):
    """The ``n``-th forward difference ``out[i] = x[i + 1] - x[i]`` along ``dim``.

    >>> torch.diff(torch.tensor([1, 4, 9, 16]))
    tensor([3, 5, 7])
    """
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    dim = wrap_dim(dim, input.ndim)
    pieces = [p for p in (prepend, input, append) if p is not None]
    if len(pieces) > 1:
        pieces = [p if isinstance(p, Tensor) else as_tensor_like(p, input) for p in pieces]
        input = cat(pieces, dim)
    for _ in range(n):
        size = input.shape[dim]
        if size == 0:
            break
        after, before = narrow(input, dim, 1, size - 1), narrow(input, dim, 0, size - 1)
        input = after.logical_xor(before) if input.dtype.name == "bool" else after - before
    return input
