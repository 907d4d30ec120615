"""Shapes and views: ``reshape``, ``view``, ``permute``, ``transpose``, ``squeeze``, ``expand``,
``flip``, ``roll``, ``narrow``, ``select``, ``tril``, ...

Each checks its arguments as PyTorch does, then calls its row in
``chainrule.ops.shape`` (views share memory and version counter with their input).
"""
from __future__ import annotations

from .._backend import xp
from .._shapes import size_argument, wrap_dim
from ..engine import grad_mode
from ..ops import shape as shape_ops
from ..tensor import Size, Tensor
from .arguments import accept_numpy_names
from .out import SAME, out_variant
from .storage import element_positions, storage_offset

__all__ = [
    "reshape", "view", "flatten", "unflatten", "squeeze", "unsqueeze", "transpose", "swapaxes",
    "swapdims", "t", "permute", "movedim", "moveaxis", "expand", "expand_as", "broadcast_to",
    "flip", "roll", "repeat", "narrow", "tril", "triu", "detach", "numel", "ravel", "fliplr",
    "flipud", "rot90", "atleast_1d", "atleast_2d", "atleast_3d", "tile", "broadcast_shapes",
    "broadcast_tensors", "as_strided",
]


def _infer_shape(shape, numel, old):
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def reshape(input, *shape):
    """The same elements in a new shape (one dimension may be -1).

    >>> torch.arange(6).reshape(2, 3)
    tensor([[0, 1, 2],
            [3, 4, 5]])
    """
    shape = _infer_shape(size_argument(shape), input.numel(), input.shape)
    if _viewable(input._data, shape):
        return shape_ops.reshape(input, shape, input._data.shape)
    return shape_ops.unsafe_view(shape_ops.clone(input), shape)


def _viewable(data, shape) -> bool:
    """Whether ``data`` can take ``shape`` without a copy (PyTorch's view() condition)."""
    if data.flags.c_contiguous or data.size <= 1:
        return True
    try:
        data.view().shape = shape  # NumPy refuses, rather than copies, when strides cannot fit
    except AttributeError:
        return False
    return True


def view(input, *shape):
    """Like ``reshape``, on tensors whose memory allows it without a copy.

    >>> torch.arange(4.).view(2, -1).shape
    torch.Size([2, 2])
    """
    shape = _infer_shape(size_argument(shape), input.numel(), input.shape)
    if not _viewable(input._data, shape):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return shape_ops.reshape(input, shape, input._data.shape)


def flatten(input, start_dim: int = 0, end_dim: int = -1):
    """Merge dimensions ``start_dim`` .. ``end_dim`` into one.

    >>> torch.zeros(2, 3, 4).flatten(1).shape
    torch.Size([2, 12])
    """
    if input.ndim == 0:
        return input.reshape(1)
    s = wrap_dim(start_dim, input.ndim)
    e = wrap_dim(end_dim, input.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input  # PyTorch returns the input itself when there is nothing to merge
    shape = input.shape
    n = 1
    for d in shape[s:e + 1]:
        n *= d
    return reshape(input, shape[:s] + (n,) + shape[e + 1:])


@accept_numpy_names
def unflatten(input, dim: int, sizes):
    """Split dimension ``dim`` into several of the given ``sizes`` (the inverse of flatten).

    >>> torch.unflatten(torch.zeros(2, 6), 1, (2, 3)).shape
    torch.Size([2, 2, 3])
    """
    dim = wrap_dim(dim, input.ndim)
    sizes = _infer_shape(tuple(sizes), input.shape[dim], None)
    return reshape(input, input.shape[:dim] + tuple(sizes) + input.shape[dim + 1:])


@accept_numpy_names
def squeeze(input, dim=None):
    """Remove dimensions of size 1 (all of them, or those in ``dim``).

    >>> torch.zeros(1, 2, 1).squeeze().shape
    torch.Size([2])
    """
    if dim is None:
        return shape_ops.squeeze(input, None, input._data.shape)
    op = shape_ops.squeeze_dim if isinstance(dim, int) else shape_ops.squeeze_dims
    dims = distinct_dims((dim,) if isinstance(dim, int) else tuple(dim), input.ndim)
    return op(input, dims if input.ndim else (), input._data.shape)


@accept_numpy_names
def unsqueeze(input, dim: int):
    """Insert a dimension of size 1 at ``dim``.

    >>> torch.zeros(2).unsqueeze(0).shape
    torch.Size([1, 2])
    """
    return shape_ops.unsqueeze(input, wrap_dim(dim, input.ndim + 1))


def transpose(input, dim0: int, dim1: int):
    """Swap two dimensions.

    >>> torch.zeros(2, 3).transpose(0, 1).shape
    torch.Size([3, 2])
    """
    ndim = input.ndim  # (a Python property: read once)
    if ndim == 0:
        return shape_ops.alias(input)
    return shape_ops.transpose(input, wrap_dim(dim0, ndim), wrap_dim(dim1, ndim))


swapaxes = swapdims = transpose


def t(input):
    """Transpose a matrix (a 0-d or 1-d tensor is returned as is).

    >>> torch.zeros(2, 3).t().shape
    torch.Size([3, 2])
    """
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return shape_ops.t(input)


def permute(input, *dims):
    """Reorder the dimensions.

    >>> torch.zeros(2, 3, 4).permute(2, 0, 1).shape
    torch.Size([4, 2, 3])
    """
    dims = size_argument(dims)
    ndim = input._data.ndim  # (Tensor.ndim is a Python property: read once, from the array)
    if len(dims) != ndim:
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {ndim} is not "
            f"equal to len(dims) = {len(dims)}")
    wrapped = tuple(wrap_dim(d, ndim) for d in dims)
    if len(set(wrapped)) != len(wrapped):
        raise RuntimeError("permute(): duplicate dims are not allowed. Fix: name each dimension "
                           f"once (got {tuple(dims)} for a {ndim}-d tensor).")
    return shape_ops.permute(input, wrapped)


def movedim(input, source, destination):
    """Move dimension(s) ``source`` to position(s) ``destination`` (``moveaxis`` is the same).

    >>> torch.movedim(torch.zeros(2, 3, 4), 0, -1).shape
    torch.Size([3, 4, 2])
    """
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    src = tuple(wrap_dim(d, input.ndim) for d in src)
    dst = tuple(wrap_dim(d, input.ndim) for d in dst)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
            f"contain the same number of dims as destination ({list(dst)} dims)")
    rest = iter(d for d in range(input.ndim) if d not in src)
    placed = dict(zip(dst, src))
    order = tuple(placed[i] if i in placed else next(rest) for i in range(input.ndim))
    return shape_ops.permute(input, order)


moveaxis = movedim


def expand(input, *sizes):
    """Broadcast to a larger shape without copying (-1 keeps a dimension).

    >>> torch.tensor([[1.], [2.]]).expand(2, 3)
    tensor([[1., 1., 1.],
            [2., 2., 2.]])
    """
    sizes = size_argument(sizes)
    lead = len(sizes) - input.ndim
    if lead < 0:
        raise RuntimeError(
            f"expand(torch.{input.dtype.scalar_name}Tensor{{{list(input.shape)}}}, "
            f"size={list(sizes)}): the number of sizes provided ({len(sizes)}) must be "
            f"greater or equal to the number of dimensions in the tensor ({input.ndim})")
    shape = list(sizes)
    for i in reversed(range(len(sizes))):  # PyTorch reports the last mismatch
        old = input.shape[i - lead] if i >= lead else 1
        if sizes[i] == -1:
            shape[i] = old
        elif old != 1 and old != sizes[i]:
            raise RuntimeError(
                f"The expanded size of the tensor ({sizes[i]}) must match the existing size "
                f"({old}) at non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor "
                f"sizes: {list(input.shape)}")
    return shape_ops.expand(input, tuple(shape))


def expand_as(input, other):
    """Expand to ``other``'s shape.

    >>> torch.tensor([1, 2]).expand_as(torch.zeros(2, 2)).shape
    torch.Size([2, 2])
    """
    return expand(input, other.shape)


def broadcast_to(input, shape):
    """Broadcast to ``shape`` without copying (as ``expand``).

    >>> torch.broadcast_to(torch.tensor([1, 2]), (2, 2))
    tensor([[1, 2],
            [1, 2]])
    """
    return expand(input, tuple(shape))


def flip(input, dims):
    """Reverse the order of elements along ``dims``.

    >>> torch.flip(torch.tensor([[1, 2], [3, 4]]), [1])
    tensor([[2, 1],
            [4, 3]])
    """
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    return shape_ops.flip(input, distinct_dims(dims, input.ndim))


def distinct_dims(dims, ndim: int) -> tuple:
    """``dims`` wrapped to non-negative indices, each allowed once (PyTorch's check)."""
    wrapped = tuple(wrap_dim(d, ndim) for d in dims)
    for i, d in enumerate(wrapped):
        if d in wrapped[:i]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return wrapped


def roll(input, shifts, dims=None):
    """Shift elements cyclically along ``dims`` (of the flattened tensor if None).

    >>> torch.roll(torch.tensor([1, 2, 3, 4]), 1)
    tensor([4, 1, 2, 3])
    """
    shifts = tuple(shifts) if isinstance(shifts, (list, tuple)) else (shifts,)
    dims = () if dims is None else tuple(dims) if isinstance(dims, (list, tuple)) else (dims,)
    if not shifts:
        raise RuntimeError("`shifts` required")
    if not dims and len(shifts) == 1:
        return shape_ops.roll(input, shifts[0], None)  # the flattened tensor, as NumPy does
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims:{len(dims)}. Fix: give one shift per dim, as in "
                           "roll(x, (1, 2), (0, 1)).")
    return shape_ops.roll(input, shifts, tuple(wrap_dim(d, input.ndim) for d in dims))


def repeat(input, *repeats):
    """Tile the tensor ``repeats`` times along each dimension.

    >>> torch.tensor([1, 2]).repeat(2)
    tensor([1, 2, 1, 2])
    """
    repeats = size_argument(repeats)
    if len(repeats) < input.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    return shape_ops.repeat(input, repeats, input._data.shape)


@accept_numpy_names
def narrow(input, dim: int, start: int, length: int):
    """The slice ``start : start + length`` along ``dim`` (a view).

    >>> torch.narrow(torch.arange(6), 0, 1, 3)
    tensor([1, 2, 3])
    """
    dim = wrap_dim(dim, input.ndim)
    if start < 0:
        start += input.shape[dim]
    if start + length > input.shape[dim] or start < 0 or length < 0:
        raise RuntimeError(
            f"start ({start}) + length ({length}) exceeds dimension size ({input.shape[dim]}).")
    return shape_ops.narrow(input, dim, start, length, input._data.shape)


@out_variant(SAME)
def tril(input, diagonal: int = 0):
    """The lower triangle (elements above ``diagonal`` set to zero).

    >>> torch.tril(torch.ones(3, 3))
    tensor([[1., 0., 0.],
            [1., 1., 0.],
            [1., 1., 1.]])
    """
    return shape_ops.tril(input, diagonal)


@out_variant(SAME)
def triu(input, diagonal: int = 0):
    """The upper triangle (elements below ``diagonal`` set to zero).

    >>> torch.triu(torch.ones(3, 3), diagonal=1)
    tensor([[0., 1., 1.],
            [0., 0., 1.],
            [0., 0., 0.]])
    """
    return shape_ops.triu(input, diagonal)


def detach(input):
    """A tensor sharing ``input``'s data, cut from the graph (no gradient flows through it).

    >>> torch.detach(torch.tensor([1., 2.], requires_grad=True))
    tensor([1., 2.])
    """
    return input.detach()


def numel(input) -> int:
    """The number of elements of ``input``.

    >>> torch.numel(torch.zeros(2, 3))
    6
    """
    return input.numel()


def ravel(input):
    """``input`` flattened to one dimension.

    >>> torch.ravel(torch.tensor([[1, 2], [3, 4]]))
    tensor([1, 2, 3, 4])
    """
    return flatten(input)


def fliplr(input):
    """``input`` reversed left to right (along dimension 1).

    >>> torch.fliplr(torch.tensor([[1, 2], [3, 4]]))
    tensor([[2, 1],
            [4, 3]])
    """
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, [1])


def flipud(input):
    """``input`` reversed upside down (along dimension 0).

    >>> torch.flipud(torch.tensor([1, 2, 3]))  # 1-d too, unlike fliplr
    tensor([3, 2, 1])
    """
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, [0])


def rot90(input, k: int = 1, dims=(0, 1)):
    """``input`` rotated by ``k`` quarter turns, from the first of ``dims`` towards the second.

    >>> torch.rot90(torch.tensor([[1, 2], [3, 4]]))
    tensor([[2, 4],
            [1, 3]])
    """
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    d0, d1 = wrap_dim(dims[0], input.ndim), wrap_dim(dims[1], input.ndim)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and "
                           f"dim1 = {d1}")
    k %= 4
    if k == 1:
        return transpose(flip(input, [d1]), d0, d1)
    if k == 2:
        return flip(input, [d0, d1])
    if k == 3:
        return transpose(flip(input, [d0]), d0, d1)
    return input.clone()


def _atleast(n, tensors):
    out = []
    for t_ in (tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple))
               else tensors):
        # PyTorch's placements: a vector becomes a row (1, n), or (1, n, 1) in 3-D,
        # and a matrix (m, n, 1).
        if t_.ndim == 0:
            t_ = t_.reshape((1,) * n)
        elif t_.ndim == 1 and n >= 2:
            t_ = t_.unsqueeze(0) if n == 2 else t_.unsqueeze(0).unsqueeze(-1)
        elif t_.ndim == 2 and n == 3:
            t_ = t_.unsqueeze(-1)
        out.append(t_)
    return out[0] if len(tensors) == 1 and isinstance(tensors[0], Tensor) else tuple(out)


def atleast_1d(*tensors):
    """Each tensor with at least one dimension.

    >>> torch.atleast_1d(torch.tensor(1.))
    tensor([1.])
    """
    return _atleast(1, tensors)


def atleast_2d(*tensors):
    """Each tensor with at least two dimensions (a vector becomes a row).

    >>> torch.atleast_2d(torch.tensor([1., 2.]))
    tensor([[1., 2.]])
    """
    return _atleast(2, tensors)


def atleast_3d(*tensors):
    """Each tensor with at least three dimensions.

    >>> torch.atleast_3d(torch.tensor([1., 2.])).shape
    torch.Size([1, 2, 1])
    """
    return _atleast(3, tensors)


def tile(input, dims):
    """``input`` repeated ``dims[i]`` times along dimension ``i`` (missing dims count as 1).

    >>> torch.tile(torch.tensor([1, 2]), (2,))
    tensor([1, 2, 1, 2])
    """
    dims = tuple(dims)
    if len(dims) < input.ndim:
        dims = (1,) * (input.ndim - len(dims)) + dims
    return repeat(input, *dims)




def broadcast_shapes(*shapes):
    """The shape that tensors of the given shapes broadcast to.

    >>> torch.broadcast_shapes((2, 1), (3,))
    torch.Size([2, 3])
    """
    return Size(xp.broadcast_shapes(*[(s,) if isinstance(s, int) else tuple(s) for s in shapes]))


def broadcast_tensors(*tensors):
    """The tensors broadcast to their common shape (as views).

    >>> [t.shape for t in torch.broadcast_tensors(torch.zeros(2, 1), torch.zeros(3))]
    [torch.Size([2, 3]), torch.Size([2, 3])]
    """
    shape = broadcast_shapes(*[t.shape for t in tensors])
    return tuple(broadcast_to(t, shape) for t in tensors)


def as_strided(input, size, stride, storage_offset=None):
    """A view of ``input``'s storage with the given sizes, strides and offset (in elements;
    the offset defaults to ``input``'s own).

    Elements may repeat (a stride of 0, or strides that overlap) and may lie
    outside ``input`` (anywhere in its storage); the gradient adds up over
    repeats and reaches only ``input``'s own elements, as in PyTorch.

    >>> x = torch.arange(6.)
    >>> x.as_strided((2, 2), (1, 2), 1)
    tensor([[1., 3.],
            [2., 4.]])
    """
    size, stride = _int_tuple(size, "size", 1), _int_tuple(stride, "stride", 2)
    offset = _storage_offset_of(input) if storage_offset is None else storage_offset
    _check_strided(input, size, stride, offset)
    if input.ndim == 0:  # index keys need a dimension to point into
        input = reshape(input, (1,))
    src = dst = None
    if (grad_mode.state.enabled and input._requires_grad) or input._fw_grad is not None:
        src, dst = _elements_read(input._data, size, stride, offset)
    return shape_ops.as_strided(input, size, stride, offset, src, dst, input._data.shape)


_storage_offset_of = storage_offset  # the method, not as_strided's argument of that name


def _int_tuple(value, name: str, position: int) -> tuple:
    if not isinstance(value, (tuple, list)) or not all(isinstance(v, int) for v in value):
        raise TypeError(f"as_strided(): argument '{name}' (position {position}) must be tuple of "
                        f"ints, not {type(value).__name__}")
    return tuple(int(v) for v in value)


def _check_strided(input, size, stride, offset) -> None:
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(n < 0 for n in size):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and "
                           f"strides={list(stride)}")
    if any(s < 0 for s in stride):
        raise RuntimeError("as_strided: Negative strides are not supported at the moment, got "
                           f"strides: {list(stride)}")
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    itemsize = input._data.itemsize
    storage_bytes = shape_ops.storage_root(input._data).nbytes
    if 0 not in size:
        needed = (offset + sum((n - 1) * s for n, s in zip(size, stride)) + 1) * itemsize
        if needed > storage_bytes:
            raise RuntimeError(
                f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
                f"{offset}, and itemsize {itemsize} requiring a storage size of {needed} are out "
                f"of bounds for storage of size {storage_bytes}")


def _elements_read(a, size, stride, offset):
    """For as_strided's gradient: the index into ``a`` of each element the view reads, and
    which elements of the view those are (None: all of them; the others lie outside ``a``)."""
    inside = element_positions(a).ravel()
    wanted = element_positions(a, size, stride, offset)
    order = xp.argsort(inside, kind="stable")
    ordered = inside[order]
    at = xp.searchsorted(ordered, wanted).clip(0, max(inside.size - 1, 0))
    if inside.size:
        found, flat = ordered[at] == wanted, order[at]
    else:
        found, flat = xp.zeros(wanted.shape, dtype=bool), at
    if found.all():
        return xp.unravel_index(flat, a.shape), None
    return xp.unravel_index(flat[found], a.shape), xp.nonzero(found)
