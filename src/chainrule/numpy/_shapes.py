"""Shape and joining functions with NumPy's signatures: ``reshape``, ``concatenate``, ``pad``, ...

They move values around without changing them, so each is one or two chainrule
operations (a reshape, a permute, a ``cat``, a gather by index); the gradient of the
values flows back to where they came from.  NumPy's conventions are applied here:
``axis=None`` flattens, ``hstack`` of 1-D arrays joins along axis 0, ``split`` insists
on equal parts where ``array_split`` does not, ``pad`` modes are index patterns.
"""
from __future__ import annotations

import numpy

import chainrule

from ._core import (
    as_tensor,
    axes,
    axis_index,
    differentiable,
    promoted,
    tensor,
    tensor_and_axis,
    values_only,
)


def _shape_arg(shape) -> tuple:
    return (int(shape),) if numpy.ndim(shape) == 0 else tuple(int(n) for n in shape)


def _reshaped(x, shape, order: str):
    if order == "F":  # Fortran order: reverse the axes, reshape, reverse back
        reversed_x = chainrule.permute(x, tuple(range(x.ndim - 1, -1, -1)))
        flat = chainrule.reshape(reversed_x, shape[::-1])
        return chainrule.permute(flat, tuple(range(len(shape) - 1, -1, -1)))
    if order not in ("C", "A", "K"):
        raise ValueError("order must be one of 'C', 'F', 'A', or 'K'")
    return chainrule.reshape(x, shape)


@differentiable(numpy.reshape)
def reshape(a, shape=None, order="C", *, newshape=None, copy=None):
    """``a`` with a new shape (one entry may be -1), as ``numpy.reshape``; ``order='F'`` too.

    >>> x = chainrule.tensor([1., 2., 3., 4.], dtype=chainrule.float64, requires_grad=True)
    >>> np.reshape(x, (2, -1)).shape
    (2, 2)
    """
    shape = newshape if shape is None else shape
    x = as_tensor(a)
    shape = _shape_arg(shape)
    if -1 in shape:
        known = int(numpy.prod([n for n in shape if n != -1]))
        shape = tuple(x.numel() // known if n == -1 and known else n for n in shape)
    return _reshaped(x, shape, order)


@differentiable(numpy.ravel)
def ravel(a, order="C"):
    """``a`` flattened to one dimension, as ``numpy.ravel``.

    >>> x = chainrule.tensor([[1., 2.], [3., 4.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.ravel(x, order='F').tolist()
    [1.0, 3.0, 2.0, 4.0]
    """
    x = as_tensor(a)
    return _reshaped(x, (x.numel(),), order)


@differentiable(numpy.transpose)
def transpose(a, axes=None):
    """``a`` with its axes permuted (reversed by default), as ``numpy.transpose``.

    >>> x = chainrule.zeros(2, 3, 4, dtype=chainrule.float64, requires_grad=True)
    >>> np.transpose(x, (1, 0, 2)).shape
    (3, 2, 4)
    """
    x = as_tensor(a)
    if axes is None:
        order = tuple(range(x.ndim - 1, -1, -1))
    else:
        order = tuple(axis_index(d, x.ndim) for d in axes)
        if sorted(order) != list(range(x.ndim)):
            raise ValueError("axes don't match array")
    return chainrule.permute(x, order)


@differentiable(numpy.swapaxes)
def swapaxes(a, axis1, axis2):
    """``a`` with two axes exchanged, as ``numpy.swapaxes``.

    >>> x = chainrule.zeros(2, 3, dtype=chainrule.float64, requires_grad=True)
    >>> np.swapaxes(x, 0, -1).shape
    (3, 2)
    """
    x = as_tensor(a)
    return chainrule.transpose(x, axis_index(axis1, x.ndim), axis_index(axis2, x.ndim))


@differentiable(numpy.moveaxis)
def moveaxis(a, source, destination):
    """``a`` with axes moved to new positions, as ``numpy.moveaxis``.

    >>> x = chainrule.zeros(2, 3, 4, dtype=chainrule.float64, requires_grad=True)
    >>> np.moveaxis(x, 0, -1).shape
    (3, 4, 2)
    """
    x = as_tensor(a)
    source, destination = axes(source, x.ndim), axes(destination, x.ndim)
    if len(source) != len(destination):
        raise ValueError("`source` and `destination` arguments must have the same number of "
                         "elements")
    order = [d for d in range(x.ndim) if d not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return chainrule.permute(x, tuple(order))


@differentiable(numpy.expand_dims)
def expand_dims(a, axis):
    """``a`` with new axes of length one at ``axis`` (an int or a tuple), as
    ``numpy.expand_dims``.

    >>> x = chainrule.zeros(3, dtype=chainrule.float64, requires_grad=True)
    >>> np.expand_dims(x, (0, -1)).shape
    (1, 3, 1)
    """
    x = as_tensor(a)
    count = 1 if numpy.ndim(axis) == 0 else len(axis)
    new = axes(axis, x.ndim + count)
    sizes = iter(x.shape)
    return chainrule.reshape(x, tuple(1 if d in new else next(sizes)
                                      for d in range(x.ndim + count)))


@differentiable(numpy.squeeze)
def squeeze(a, axis=None):
    """``a`` without its axes of length one (or just those in ``axis``), as ``numpy.squeeze``.

    >>> x = chainrule.zeros(1, 3, 1, dtype=chainrule.float64, requires_grad=True)
    >>> np.squeeze(x).shape, np.squeeze(x, axis=0).shape
    ((3,), (3, 1))
    """
    x = as_tensor(a)
    if axis is None:
        drop = {d for d, n in enumerate(x.shape) if n == 1}
    else:
        drop = set(axes(axis, x.ndim))
        if any(x.shape[d] != 1 for d in drop):
            raise ValueError("cannot select an axis to squeeze out which has size not equal "
                             "to one")
    return chainrule.reshape(x, tuple(n for d, n in enumerate(x.shape) if d not in drop))


@differentiable(numpy.broadcast_to)
def broadcast_to(array, shape, subok=False):
    """``array`` broadcast to ``shape``, as ``numpy.broadcast_to``; the gradient is summed back.

    >>> x = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.broadcast_to(x, (3, 2)).shape
    (3, 2)
    """
    return chainrule.broadcast_to(as_tensor(array), _shape_arg(shape))


@differentiable(numpy.broadcast_arrays)
def broadcast_arrays(*args, subok=False):
    """The arguments broadcast against each other (each keeps its dtype), as
    ``numpy.broadcast_arrays``.

    >>> x = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> [a.shape for a in np.broadcast_arrays(x, [[0.], [1.], [2.]])]
    [(3, 2), (3, 2)]
    """
    tensors = [as_tensor(a) for a in args]
    shape = numpy.broadcast_shapes(*[tuple(t.shape) for t in tensors])
    return tuple(chainrule.broadcast_to(t, shape) for t in tensors)


def _at_least(ndim: int, x):
    if x.ndim >= ndim:
        return x
    shape = tuple(x.shape)
    if ndim == 3 and len(shape) == 2:
        return chainrule.reshape(x, shape + (1,))
    if ndim == 3 and len(shape) == 1:
        return chainrule.reshape(x, (1,) + shape + (1,))
    return chainrule.reshape(x, (1,) * (ndim - len(shape)) + shape)


def _at_least_many(ndim: int, arys):
    result = tuple(_at_least(ndim, as_tensor(a)) for a in arys)
    return result[0] if len(result) == 1 else result


@differentiable(numpy.atleast_1d)
def atleast_1d(*arys):
    """Each argument with at least one dimension, as ``numpy.atleast_1d``.

    >>> np.atleast_1d(chainrule.tensor(1., dtype=chainrule.float64, requires_grad=True)).shape
    (1,)
    """
    return _at_least_many(1, arys)


@differentiable(numpy.atleast_2d)
def atleast_2d(*arys):
    """Each argument with at least two dimensions, as ``numpy.atleast_2d``.

    >>> x = chainrule.zeros(3, dtype=chainrule.float64, requires_grad=True)
    >>> np.atleast_2d(x).shape
    (1, 3)
    """
    return _at_least_many(2, arys)


@differentiable(numpy.atleast_3d)
def atleast_3d(*arys):
    """Each argument with at least three dimensions, as ``numpy.atleast_3d`` ((N,) becomes
    (1, N, 1)).

    >>> x = chainrule.zeros(3, dtype=chainrule.float64, requires_grad=True)
    >>> np.atleast_3d(x).shape
    (1, 3, 1)
    """
    return _at_least_many(3, arys)


def _joined(arrays, dtype=None):
    arrays = list(arrays)
    if not arrays:
        raise ValueError("need at least one array to concatenate")
    if dtype is not None:
        return [tensor(a, numpy.dtype(dtype)) for a in arrays]
    return promoted(*arrays)


@differentiable(numpy.concatenate)
def concatenate(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """Arrays joined along an existing axis (flattened first for ``axis=None``), as
    ``numpy.concatenate``.

    >>> x = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.concatenate([x, [3.]]).tolist()
    [1.0, 2.0, 3.0]
    """
    tensors = _joined(arrays, dtype)
    if axis is None:
        tensors, axis = [chainrule.reshape(t, (-1,)) for t in tensors], 0
    if tensors[0].ndim == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    return chainrule.cat(tensors, axis_index(axis, tensors[0].ndim))


@differentiable(numpy.stack)
def stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """Arrays joined along a new axis, as ``numpy.stack``.

    >>> x = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.stack([x, x], axis=-1).shape
    (2, 2)
    """
    tensors = _joined(arrays, dtype)
    return chainrule.stack(tensors, axis_index(axis, tensors[0].ndim + 1))


@differentiable(numpy.hstack)
def hstack(tup, *, dtype=None, casting="same_kind"):
    """Arrays joined column-wise (along axis 0 for 1-D ones), as ``numpy.hstack``.

    >>> x = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.hstack([x, x]).shape
    (4,)
    """
    tensors = [_at_least(1, t) for t in _joined(tup, dtype)]
    return chainrule.cat(tensors, 0 if tensors[0].ndim == 1 else 1)


@differentiable(numpy.vstack)
def vstack(tup, *, dtype=None, casting="same_kind"):
    """Arrays joined row-wise (1-D ones become rows), as ``numpy.vstack``.

    >>> x = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.vstack([x, x]).shape
    (2, 2)
    """
    return chainrule.cat([_at_least(2, t) for t in _joined(tup, dtype)], 0)


@differentiable(numpy.dstack)
def dstack(tup):
    """Arrays joined along the third axis, as ``numpy.dstack``.

    >>> x = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.dstack([x, x]).shape
    (1, 2, 2)
    """
    return chainrule.cat([_at_least(3, t) for t in _joined(tup)], 2)


@differentiable(numpy.column_stack)
def column_stack(tup):
    """1-D arrays as columns (2-D ones as they are), joined, as ``numpy.column_stack``.

    >>> x = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.column_stack([x, x]).shape
    (2, 2)
    """
    tensors = [chainrule.reshape(t, (-1, 1)) if t.ndim < 2 else t for t in _joined(tup)]
    return chainrule.cat(tensors, 1)


def _split(a, indices_or_sections, axis, equal: bool):
    x = as_tensor(a)
    d = axis_index(axis, x.ndim)
    if numpy.ndim(indices_or_sections) == 0:
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError("number sections must be larger than 0.")
        if equal and x.shape[d] % sections:
            raise ValueError("array split does not result in an equal division")
        return list(chainrule.tensor_split(x, sections, d))
    return list(chainrule.tensor_split(x, [int(i) for i in indices_or_sections], d))


@differentiable(numpy.split)
def split(ary, indices_or_sections, axis=0):
    """Equal parts, or parts cut at the given indices, along ``axis``, as ``numpy.split``.

    >>> x = chainrule.arange(6., dtype=chainrule.float64, requires_grad=True)
    >>> [p.tolist() for p in np.split(x, [2])]
    [[0.0, 1.0], [2.0, 3.0, 4.0, 5.0]]
    """
    return _split(ary, indices_or_sections, axis, equal=True)


@differentiable(numpy.array_split)
def array_split(ary, indices_or_sections, axis=0):
    """Like ``split``, but the parts may differ in length by one, as ``numpy.array_split``.

    >>> x = chainrule.arange(5., dtype=chainrule.float64, requires_grad=True)
    >>> [len(p) for p in np.array_split(x, 2)]
    [3, 2]
    """
    return _split(ary, indices_or_sections, axis, equal=False)


@differentiable(numpy.hsplit)
def hsplit(ary, indices_or_sections):
    """``split`` along axis 1 (axis 0 for 1-D arrays), as ``numpy.hsplit``.

    >>> x = chainrule.zeros(2, 4, dtype=chainrule.float64, requires_grad=True)
    >>> [p.shape for p in np.hsplit(x, 2)]
    [(2, 2), (2, 2)]
    """
    x = as_tensor(ary)
    return _split(x, indices_or_sections, 1 if x.ndim > 1 else 0, equal=True)


@differentiable(numpy.vsplit)
def vsplit(ary, indices_or_sections):
    """``split`` along axis 0 (of an array with at least two dimensions), as ``numpy.vsplit``.

    >>> x = chainrule.zeros(4, 2, dtype=chainrule.float64, requires_grad=True)
    >>> [p.shape for p in np.vsplit(x, 2)]
    [(2, 2), (2, 2)]
    """
    if as_tensor(ary).ndim < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return _split(ary, indices_or_sections, 0, equal=True)


@differentiable(numpy.tile)
def tile(A, reps):
    """``A`` repeated ``reps`` times along each axis, as ``numpy.tile``.

    >>> x = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.tile(x, (2, 2)).shape
    (2, 4)
    """
    return chainrule.tile(as_tensor(A), _shape_arg(reps))


@differentiable(numpy.repeat)
def repeat(a, repeats, axis=None):
    """Each element repeated ``repeats`` times (of the flattened array for ``axis=None``), as
    ``numpy.repeat``; the copies' gradients are summed.

    >>> x = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.repeat(x, [1, 2]).tolist()
    [1.0, 2.0, 2.0]
    """
    x, d = tensor_and_axis(a, axis)
    counts = numpy.asarray(repeats, dtype=numpy.int64)
    if counts.ndim and counts.size == 1:
        counts = counts.reshape(())
    if counts.ndim:
        return chainrule.repeat_interleave(x, chainrule.from_numpy(counts), d)
    return chainrule.repeat_interleave(x, int(counts), d)


@differentiable(numpy.flip)
def flip(m, axis=None):
    """``m`` with the order of elements along ``axis`` (all axes by default) reversed, as
    ``numpy.flip``.

    >>> x = chainrule.tensor([1., 2., 3.], dtype=chainrule.float64, requires_grad=True)
    >>> np.flip(x).tolist()
    [3.0, 2.0, 1.0]
    """
    x = as_tensor(m)
    return chainrule.flip(x, axes(axis, x.ndim))


def _flip_axis(m, dim: int):
    x = as_tensor(m)
    if x.ndim <= dim:
        raise ValueError(f"Input must be >= {dim + 1}-d.")
    return chainrule.flip(x, (dim,))


@differentiable(numpy.fliplr)
def fliplr(m):
    """``m`` with its columns (axis 1) reversed, as ``numpy.fliplr``.

    >>> x = chainrule.tensor([[1., 2.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.fliplr(x).tolist()
    [[2.0, 1.0]]
    """
    return _flip_axis(m, 1)


@differentiable(numpy.flipud)
def flipud(m):
    """``m`` with its rows (axis 0) reversed, as ``numpy.flipud``.

    >>> x = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.flipud(x).tolist()
    [2.0, 1.0]
    """
    return _flip_axis(m, 0)


@differentiable(numpy.roll)
def roll(a, shift, axis=None):
    """Elements shifted cyclically along ``axis`` (of the flattened array by default), as
    ``numpy.roll``.

    >>> x = chainrule.tensor([1., 2., 3.], dtype=chainrule.float64, requires_grad=True)
    >>> np.roll(x, 1).tolist()
    [3.0, 1.0, 2.0]
    """
    x = as_tensor(a)
    if axis is None:
        return chainrule.reshape(chainrule.roll(chainrule.reshape(x, (-1,)), int(shift), 0),
                                 tuple(x.shape))
    dims = [axis_index(d, x.ndim) for d in numpy.atleast_1d(axis)]
    shifts = numpy.broadcast_to(numpy.asarray(shift), (len(dims),))
    total = {}
    for d, s in zip(dims, shifts):  # NumPy adds the shifts of an axis named twice
        total[d] = total.get(d, 0) + int(s)
    return chainrule.roll(x, tuple(total.values()), tuple(total))


@differentiable(numpy.rot90)
def rot90(m, k=1, axes=(0, 1)):
    """``m`` rotated by ``k`` quarter turns in the plane of ``axes``, as ``numpy.rot90``.

    >>> x = chainrule.tensor([[1., 2.], [3., 4.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.rot90(x).tolist()
    [[2.0, 4.0], [1.0, 3.0]]
    """
    x = as_tensor(m)
    return chainrule.rot90(x, int(k), tuple(axis_index(d, x.ndim) for d in axes))


_PAD_BY_INDEX = ("edge", "reflect", "symmetric", "wrap")


@differentiable(numpy.pad)
def pad(array, pad_width, mode="constant", **kwargs):
    """``array`` padded, as ``numpy.pad``, for the modes 'constant', 'edge', 'reflect',
    'symmetric' and 'wrap'; padding copies of values send their gradient back.

    >>> x = chainrule.tensor([1., 2., 3.], dtype=chainrule.float64, requires_grad=True)
    >>> np.pad(x, 2, mode='reflect').tolist()
    [3.0, 2.0, 1.0, 2.0, 3.0, 2.0, 1.0]
    """
    x = as_tensor(array)
    widths = numpy.broadcast_to(numpy.asarray(pad_width, dtype=numpy.int64), (x.ndim, 2))
    if mode == "constant":
        constants = numpy.broadcast_to(numpy.asarray(kwargs.pop("constant_values", 0)),
                                       (x.ndim, 2))
    elif mode not in _PAD_BY_INDEX:
        raise NotImplementedError(f"pad(mode={mode!r}) is not recorded by chainrule.numpy; "
                                  f"'constant' and {', '.join(map(repr, _PAD_BY_INDEX))} are.")
    if kwargs and kwargs.get("reflect_type", "even") != "even":
        raise NotImplementedError("pad(reflect_type='odd') is not recorded by chainrule.numpy.")
    for d in range(x.ndim):
        before, after = (int(w) for w in widths[d])
        if before == after == 0:
            continue
        if mode == "constant":
            shape = list(x.shape)
            parts = []
            for width, fill in ((before, constants[d][0]), (after, constants[d][1])):
                shape[d] = width
                parts.append(chainrule.full(tuple(shape), float(fill), dtype=x.dtype))
            x = chainrule.cat([parts[0], x, parts[1]], d)
        else:
            index = numpy.pad(numpy.arange(x.shape[d]), (before, after), mode=mode)
            x = chainrule.index_select(x, d, chainrule.from_numpy(index))
    return x if x is not array else chainrule.clone(x)


def _triangle(m, k: int, lower: bool):
    x = as_tensor(m)
    rows, cols = (x.shape[-1], x.shape[-1]) if x.ndim < 2 else x.shape[-2:]
    mask = numpy.tri(rows, cols, k if lower else k - 1, dtype=bool)
    if not lower:
        mask = ~mask
    return chainrule.where(chainrule.from_numpy(mask), x, chainrule.zeros((), dtype=x.dtype))


@differentiable(numpy.tril)
def tril(m, k=0):
    """The lower triangle of ``m`` (of each matrix in a stack) from diagonal ``k``, the rest
    zero, as ``numpy.tril``.

    >>> x = chainrule.ones(2, 2, dtype=chainrule.float64, requires_grad=True)
    >>> np.tril(x).tolist()
    [[1.0, 0.0], [1.0, 1.0]]
    """
    return _triangle(m, k, lower=True)


@differentiable(numpy.triu)
def triu(m, k=0):
    """The upper triangle of ``m`` from diagonal ``k``, the rest zero, as ``numpy.triu``.

    >>> x = chainrule.ones(2, 2, dtype=chainrule.float64, requires_grad=True)
    >>> np.triu(x, 1).tolist()
    [[0.0, 1.0], [0.0, 0.0]]
    """
    return _triangle(m, k, lower=False)


@differentiable(numpy.diag)
def diag(v, k=0):
    """The ``k``-th diagonal of a matrix, or a matrix with ``v`` on its ``k``-th diagonal, as
    ``numpy.diag``.

    >>> x = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.diag(x).tolist()
    [[1.0, 0.0], [0.0, 2.0]]
    """
    x = as_tensor(v)
    if x.ndim not in (1, 2):
        raise ValueError("Input must be 1- or 2-d.")
    return chainrule.diag(x, int(k))


@differentiable(numpy.diagflat)
def diagflat(v, k=0):
    """A matrix with the flattened ``v`` on its ``k``-th diagonal, as ``numpy.diagflat``.

    >>> x = chainrule.tensor([[1., 2.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.diagflat(x).shape
    (2, 2)
    """
    return chainrule.diag(chainrule.reshape(as_tensor(v), (-1,)), int(k))


@differentiable(numpy.diagonal)
def diagonal(a, offset=0, axis1=0, axis2=1):
    """The diagonal of the ``axis1``/``axis2`` planes, as a last axis, as ``numpy.diagonal``.

    >>> x = chainrule.tensor([[1., 2.], [3., 4.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.diagonal(x).tolist()
    [1.0, 4.0]
    """
    x = as_tensor(a)
    d1, d2 = axis_index(axis1, x.ndim), axis_index(axis2, x.ndim)
    if d1 == d2:
        raise ValueError("axis1 and axis2 cannot be the same")
    return chainrule.diagonal(x, int(offset), d1, d2)


@differentiable(numpy.trace)
def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """Sum along a diagonal, as ``numpy.trace``.

    >>> x = chainrule.tensor([[1., 2.], [3., 4.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.trace(x).backward(); x.grad
    tensor([[1., 0.],
            [0., 1.]], dtype=torch.float64)
    """
    x = tensor(a, None if dtype is None else numpy.dtype(dtype))
    return chainrule.sum(diagonal.__wrapped__(x, offset, axis1, axis2), -1)


@differentiable(numpy.append)
def append(arr, values, axis=None):
    """``values`` appended at the end of ``arr`` (both flattened for ``axis=None``), as
    ``numpy.append``.

    >>> x = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.append(x, 3.).tolist()
    [1.0, 2.0, 3.0]
    """
    x, v = promoted(arr, values)
    if axis is None:
        return chainrule.cat([chainrule.reshape(x, (-1,)), chainrule.reshape(v, (-1,))], 0)
    return chainrule.cat([x, v], axis_index(axis, x.ndim))


@differentiable(numpy.delete)
def delete(arr, obj, axis=None):
    """``arr`` without the entries ``obj`` (indices, a slice or a mask) along ``axis``, as
    ``numpy.delete``.

    >>> x = chainrule.tensor([1., 2., 3.], dtype=chainrule.float64, requires_grad=True)
    >>> np.delete(x, 1).tolist()
    [1.0, 3.0]
    """
    x, d = tensor_and_axis(arr, axis)
    keep = numpy.delete(numpy.arange(x.shape[d]), obj)
    return chainrule.index_select(x, d, chainrule.from_numpy(keep))


@differentiable(numpy.copy)
def copy(a, order="K", subok=False):
    """A copy of ``a`` that stays in the graph, as ``numpy.copy``.

    >>> x = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.copy(x).tolist()
    [1.0, 2.0]
    """
    return chainrule.clone(as_tensor(a))


@differentiable(numpy.real)
def real(val):
    """The real part: for the real arrays chainrule holds, a copy of ``val``, as ``numpy.real``.

    >>> x = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.real(x).tolist()
    [1.0, 2.0]
    """
    return chainrule.clone(as_tensor(val))


# Shape queries and the imaginary part of real arrays (zeros): values, no gradient.
imag = values_only(numpy.imag)
shape = values_only(numpy.shape)
ndim = values_only(numpy.ndim)
size = values_only(numpy.size)
