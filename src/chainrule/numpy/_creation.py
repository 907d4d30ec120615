"""Making arrays: ``array``/``asarray`` (which keep a graph that runs through their
contents), ``meshgrid``, and NumPy's constructors of constant arrays.

``np.array([x, y])`` of tensors that require grad stacks them, so the gradient flows
back to each (NumPy itself would make an object array); constructors of constants
(``zeros``, ``arange``, ``eye``, ...) return plain arrays, read from tensors' values.
"""
from __future__ import annotations

import numpy

import chainrule
from chainrule import Tensor

from ._core import (
    GRAPH,
    alias,
    as_tensor,
    differentiable,
    numpy_dtype,
    output,
    scan,
    tensor,
    value,
    values_only,
)


def _needs_graph(obj) -> bool:
    """Whether nested lists/tuples ``obj`` hold a tensor that needs a graph, at any depth."""
    if isinstance(obj, Tensor):
        return scan((obj,)) == GRAPH
    if type(obj) is list or type(obj) is tuple:
        return any(_needs_graph(item) for item in obj)
    return False


def _values(obj):
    if isinstance(obj, Tensor):
        return obj.numpy(force=True)
    if type(obj) is list or type(obj) is tuple:
        return [_values(item) for item in obj]
    return obj


def _assemble(obj, dtype: numpy.dtype) -> Tensor:
    """Nested lists holding tensors as one tensor of ``dtype`` (stacked, level by level)."""
    if type(obj) is list or type(obj) is tuple:
        return chainrule.stack([_assemble(item, dtype) for item in obj])
    return tensor(obj, dtype)


def array(object, dtype=None, *, copy=True, order="K", subok=False, ndmin=0, like=None):  # noqa: A002
    """An array from ``object``, as ``numpy.array``; tensors that require grad inside nested
    lists are stacked, so the result stays in the graph.

    >>> x = chainrule.tensor(2., dtype=chainrule.float64, requires_grad=True)
    >>> v = np.array([[x, 1.], [0., x * x]])
    >>> np.sum(v).backward(); x.grad
    tensor(5., dtype=torch.float64)
    """
    if not _needs_graph(object):
        kwargs = {} if like is None else {"like": like}
        return numpy.array(_values(object), dtype=numpy_dtype(dtype), copy=copy, order=order,
                           subok=subok, ndmin=ndmin, **kwargs)
    target = numpy_dtype(dtype) or numpy.asarray(_values(object)).dtype
    result = _assemble(object, target)
    if result is object:
        result = chainrule.clone(result) if copy else alias(result)
    if result.ndim < ndmin:
        result = chainrule.reshape(result, (1,) * (ndmin - result.ndim) + tuple(result.shape))
    return output(result)


array.numpy_function = numpy.array


@differentiable(numpy.asarray)
def asarray(a, dtype=None, order=None, *, device=None, copy=None, like=None):
    """``a`` as an array, as ``numpy.asarray``: a tensor that requires grad stays itself (cast
    to ``dtype`` if asked), nested lists holding such tensors are stacked.

    >>> x = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.asarray(x, dtype=np.float32).dtype
    torch.float32
    """
    if not isinstance(a, Tensor):
        return array(a, dtype, copy=bool(copy))
    result = tensor(a, numpy_dtype(dtype))
    if result is a:
        return a if type(a) is not Tensor else alias(a)
    return result


asanyarray = differentiable(numpy.asanyarray)(asarray.__wrapped__)
asanyarray.__name__ = "asanyarray"


@differentiable(numpy.ascontiguousarray)
def ascontiguousarray(a, dtype=None, *, like=None):
    """``a`` as a contiguous array of at least one dimension, as ``numpy.ascontiguousarray``.

    >>> x = chainrule.tensor(2., dtype=chainrule.float64, requires_grad=True)
    >>> np.ascontiguousarray(x).shape
    (1,)
    """
    result = asarray.__wrapped__(a, dtype)
    return chainrule.reshape(result, (1,)) if result.ndim == 0 else result


@differentiable(numpy.meshgrid)
def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """Coordinate arrays from coordinate vectors, as ``numpy.meshgrid`` ('xy' or 'ij'
    indexing, ``sparse`` too); the gradient of each grid is summed back to its vector.

    >>> x = chainrule.tensor([1., 2., 3.], dtype=chainrule.float64, requires_grad=True)
    >>> [g.shape for g in np.meshgrid(x, [0., 1.])]
    [(2, 3), (2, 3)]
    """
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    vectors = [chainrule.reshape(as_tensor(x), (-1,)) for x in xi]
    n = len(vectors)
    sizes = [v.shape[0] for v in vectors]
    position = list(range(n))
    if indexing == "xy" and n > 1:
        position[0], position[1] = 1, 0
        sizes[0], sizes[1] = sizes[1], sizes[0]
    grids = []
    for v, p in zip(vectors, position):
        shape = [1] * n
        shape[p] = v.shape[0]
        g = chainrule.reshape(v, tuple(shape))
        grids.append(g if sparse else chainrule.broadcast_to(g, tuple(sizes)))
    return tuple(grids)


@differentiable(numpy.full)
def full(shape, fill_value, dtype=None, order="C", *, device=None, like=None):
    """An array of ``shape`` filled with ``fill_value``, as ``numpy.full``; a fill value that
    requires grad receives the sum of the gradient.

    >>> x = chainrule.tensor(2., dtype=chainrule.float64, requires_grad=True)
    >>> np.full((2, 2), x).tolist()
    [[2.0, 2.0], [2.0, 2.0]]
    """
    fill = tensor(fill_value, numpy_dtype(dtype))
    shape = (int(shape),) if numpy.ndim(shape) == 0 else tuple(shape)
    return chainrule.clone(chainrule.broadcast_to(fill, shape))


@differentiable(numpy.full_like)
def full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None):
    """An array shaped like ``a`` filled with ``fill_value``, as ``numpy.full_like`` (only
    ``fill_value`` can carry a gradient: ``a`` gives the shape and dtype).

    >>> x = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.full_like(x, 7.)
    array([7., 7.])
    """
    template = value(a)
    dtype = numpy_dtype(dtype) or numpy.asarray(template).dtype
    if scan((fill_value,)) != GRAPH:
        return numpy.full_like(template, value(fill_value), dtype=dtype, shape=shape)
    return full.__wrapped__(numpy.shape(template) if shape is None else shape, fill_value,
                            dtype)


# Constructors of constant arrays (and index helpers): NumPy's, on values.
zeros = values_only(numpy.zeros)
ones = values_only(numpy.ones)
empty = values_only(numpy.empty)
zeros_like = values_only(numpy.zeros_like)
ones_like = values_only(numpy.ones_like)
empty_like = values_only(numpy.empty_like)
arange = values_only(numpy.arange)
linspace = values_only(numpy.linspace)
logspace = values_only(numpy.logspace)
geomspace = values_only(numpy.geomspace)
eye = values_only(numpy.eye)
identity = values_only(numpy.identity)
tri = values_only(numpy.tri)
indices = values_only(numpy.indices)
diag_indices = values_only(numpy.diag_indices)
tril_indices = values_only(numpy.tril_indices)
triu_indices = values_only(numpy.triu_indices)
