"""Selecting and placing values with NumPy's signatures: ``where``, ``clip``, ``take``,
``take_along_axis``, ``put_along_axis`` (out of place), ``select``, ``compress``.

A selected value's gradient goes back to the element it was read from; where a value
was replaced (``put_along_axis``) or clipped, the gradient of the replaced element is
zero.  Index arrays are read as values: they carry no gradient.
"""
from __future__ import annotations

import numpy

import chainrule

from ._core import (
    as_tensor,
    axis_index,
    differentiable,
    promoted,
    result_dtype,
    tensor,
    tensor_and_axis,
    value,
    values_only,
)


def _index(indices) -> numpy.ndarray:
    return numpy.asarray(value(indices), dtype=numpy.int64)


@differentiable(numpy.where)
def where(condition, x=None, y=None):
    """``x`` where ``condition`` holds, ``y`` elsewhere, as ``numpy.where`` (with one argument,
    the indices of the true elements).

    Both branches are computed: a NaN or inf in the branch not taken still reaches the
    gradient as 0 * inf (see docs/autograd-conventions.md).

    >>> x = chainrule.tensor([-1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.where(x > 0, x, 0.0).tolist()
    [0.0, 2.0]
    """
    if x is None and y is None:
        return numpy.nonzero(value(condition))
    if x is None or y is None:
        raise ValueError("either both or neither of x and y should be given")
    a, b = promoted(x, y)
    mask = chainrule.from_numpy(numpy.asarray(value(condition), dtype=bool))
    return chainrule.where(mask, a, b)


@differentiable(numpy.clip)
def clip(a, a_min=numpy._NoValue, a_max=numpy._NoValue, out=None, *, min=numpy._NoValue,  # noqa: A002
         max=numpy._NoValue):  # noqa: A002
    """``a`` limited to ``[a_min, a_max]`` (either may be None or an array), as ``numpy.clip``;
    no gradient reaches the elements that were clipped.

    >>> x = chainrule.tensor([-1., 0.5, 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.clip(x, 0, 1).tolist()
    [0.0, 0.5, 1.0]
    """
    low = min if a_min is numpy._NoValue else a_min
    high = max if a_max is numpy._NoValue else a_max
    low = None if low is numpy._NoValue else low
    high = None if high is numpy._NoValue else high
    if low is None and high is None:
        raise ValueError("One of max or min must be given")
    bounds = [b for b in (low, high) if b is not None]
    dtype = result_dtype((a, *bounds))
    x = tensor(a, dtype)
    # NumPy's order: max with the lower bound first, then min with the upper one.
    if low is not None:
        x = chainrule.maximum(x, tensor(low, dtype))
    if high is not None:
        x = chainrule.minimum(x, tensor(high, dtype))
    return x


@differentiable(numpy.take)
def take(a, indices, axis=None, out=None, mode="raise"):
    """Elements of ``a`` at ``indices`` along ``axis`` (of the flattened array by default), as
    ``numpy.take``; ``mode`` may be 'raise', 'wrap' or 'clip'.

    >>> x = chainrule.tensor([[1., 2.], [3., 4.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.take(x, [[0, 3]]).tolist()
    [[1.0, 4.0]]
    """
    x, d = tensor_and_axis(a, axis)
    index = _index(indices)
    n = x.shape[d]
    if mode == "wrap":
        index = index % n
    elif mode == "clip":
        index = numpy.clip(index, 0, n - 1)
    elif ((index >= n) | (index < -n)).any():
        raise IndexError(f"index {int(index[(index >= n) | (index < -n)].flat[0])} is out of "
                         f"bounds for axis {d} with size {n}")
    flat = chainrule.index_select(x, d, chainrule.from_numpy((index % n).reshape(-1)))
    shape = tuple(x.shape[:d]) + index.shape + tuple(x.shape[d + 1:])
    return chainrule.reshape(flat, shape)


def _along_axis(arr, indices, axis):
    x = as_tensor(arr)
    index = _index(indices)
    if axis is None:
        x, axis = chainrule.reshape(x, (-1,)), 0
        index = index.reshape(-1)
    d = axis_index(axis, x.ndim)
    if index.ndim != x.ndim:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    n = x.shape[d]
    if ((index >= n) | (index < -n)).any():
        raise IndexError(f"index out of bounds for axis {d} with size {n}")
    return x, index % n, d


@differentiable(numpy.take_along_axis)
def take_along_axis(arr, indices, axis=-1):
    """``arr``'s values at ``indices`` along ``axis`` (the two broadcast elsewhere), as
    ``numpy.take_along_axis``.

    >>> x = chainrule.tensor([[10., 30., 20.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.take_along_axis(x, np.argsort(x, axis=1), axis=1).tolist()
    [[10.0, 20.0, 30.0]]
    """
    x, index, d = _along_axis(arr, indices, axis)
    return chainrule.take_along_dim(x, chainrule.from_numpy(index), d)


def _put_along_axis_plain(arr, indices, values, axis):
    result = numpy.array(arr, copy=True)
    numpy.put_along_axis(result, indices, values, axis)
    return result


@differentiable(_put_along_axis_plain)
def put_along_axis(arr, indices, values, axis):
    """A copy of ``arr`` with ``values`` put at ``indices`` along ``axis``.

    Unlike ``numpy.put_along_axis``, which writes into ``arr`` and returns None, this
    returns the new array and leaves ``arr`` as it was (on plain arrays too), so that
    the gradient can flow: write ``a = np.put_along_axis(a, idx, v, axis)``.

    >>> x = chainrule.zeros(1, 3, dtype=chainrule.float64, requires_grad=True)
    >>> np.put_along_axis(x, [[2]], 5., axis=1).tolist()
    [[0.0, 0.0, 5.0]]
    """
    x, index, d = _along_axis(arr, indices, axis)
    v = tensor(values, x.dtype.np)
    shape = numpy.broadcast_shapes(index.shape, tuple(v.shape))
    index = numpy.broadcast_to(index, shape)
    if tuple(v.shape) != shape:
        v = chainrule.broadcast_to(v, shape)
    # Broadcast the array against the indices along the other axes, as NumPy does.
    out_shape = list(numpy.broadcast_shapes(
        tuple(1 if i == d else n for i, n in enumerate(x.shape)),
        tuple(1 if i == d else n for i, n in enumerate(shape))))
    out_shape[d] = x.shape[d]
    if tuple(x.shape) != tuple(out_shape):
        raise ValueError("put_along_axis: the indices must fit arr's shape along the other axes")
    result = chainrule.scatter(x, d, chainrule.from_numpy(numpy.ascontiguousarray(index)),
                               v)
    if axis is None:
        result = chainrule.reshape(result, tuple(as_tensor(arr).shape))
    return result


@differentiable(numpy.select)
def select(condlist, choicelist, default=0):
    """From each element of ``choicelist``, the values where its condition holds first; else
    ``default``, as ``numpy.select``.

    >>> x = chainrule.tensor([-1., 0.5, 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.select([x < 0, x > 1], [-x, x * 2], default=x).tolist()
    [1.0, 0.5, 4.0]
    """
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    choices = promoted(*choicelist, default)
    shape = numpy.broadcast_shapes(*[tuple(c.shape) for c in choices],
                                   *[numpy.shape(value(c)) for c in condlist])
    result = chainrule.broadcast_to(choices[-1], shape)
    for cond, choice in zip(reversed(condlist), reversed(choices[:-1])):
        mask = chainrule.from_numpy(numpy.asarray(value(cond), dtype=bool))
        result = chainrule.where(mask, choice, result)
    return result


@differentiable(numpy.compress)
def compress(condition, a, axis=None, out=None):
    """The slices of ``a`` along ``axis`` where ``condition`` is true, as ``numpy.compress``.

    >>> x = chainrule.tensor([1., 2., 3.], dtype=chainrule.float64, requires_grad=True)
    >>> np.compress([True, False, True], x).tolist()
    [1.0, 3.0]
    """
    x = as_tensor(a)
    if axis is None:
        x, axis = chainrule.reshape(x, (-1,)), 0
    keep = numpy.flatnonzero(numpy.asarray(value(condition), dtype=bool))
    return chainrule.index_select(x, axis_index(axis, x.ndim), chainrule.from_numpy(keep))


# Index and comparison functions: their results carry no gradient.
nonzero = values_only(numpy.nonzero)
flatnonzero = values_only(numpy.flatnonzero)
argwhere = values_only(numpy.argwhere)
searchsorted = values_only(numpy.searchsorted)
unique = values_only(numpy.unique)
isclose = values_only(numpy.isclose)
allclose = values_only(numpy.allclose)
array_equal = values_only(numpy.array_equal)
