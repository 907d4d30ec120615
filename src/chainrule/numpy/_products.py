"""Products with NumPy's signatures: ``dot``, ``matmul``, ``einsum``, ``tensordot``, ``outer``,
``inner``, ``vdot``, ``kron``, ``cross``.

Each is a contraction chainrule records as one or two operations; NumPy's own rules
for which axes meet (``dot`` of N-D arrays contracts the last axis of the first with
the second-to-last of the second, ``vdot`` and ``outer`` flatten) are applied here.
"""
from __future__ import annotations

import numpy

import chainrule
from chainrule import Tensor
from chainrule.ops import linalg as linalg_ops

from ._core import (
    array_of,
    axis_index,
    differentiable,
    fast_pair,
    numpy_dtype,
    promoted,
    tensor,
)


def _dot_fast(*args):
    """The common call, a float matrix times a vector or a matrix of its dtype (X @ w in a
    model): the product's row at once, the one chainrule.matmul would reach after its
    promotion and dimension dispatch (None for any other call)."""
    if len(args) != 2:
        return None
    same = fast_pair(args[0], args[1], numbers=False)
    if same is None:
        return None
    x, y = same
    x_data, y_data = array_of(x), array_of(y)
    if x_data.ndim == 2 and 1 <= y_data.ndim <= 2 and x_data.shape[1] == y_data.shape[0]:
        return linalg_ops.mv(x, y) if y_data.ndim == 1 else linalg_ops.mm(x, y)
    return None


@differentiable(numpy.dot, fast=_dot_fast)
def dot(a, b, out=None):
    """Dot product, as ``numpy.dot``: inner product of vectors, matrix product of matrices, and
    for N-D arrays a sum over the last axis of ``a`` and the second-to-last of ``b``.

    >>> w = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.dot([[1., 0.], [1., 1.]], w).tolist()
    [1.0, 3.0]
    """
    if out is not None:
        raise TypeError("dot(..., out=...) writes in place, which chainrule.numpy cannot record.")
    x, y = promoted(a, b)
    if x.ndim == 0 or y.ndim == 0:
        return Tensor.__mul__(x, y)
    if x.ndim <= 2 and y.ndim <= 2:
        return chainrule.matmul(x, y)
    return chainrule.tensordot(x, y, ([x.ndim - 1], [y.ndim - 2 if y.ndim > 1 else 0]))


@differentiable(numpy.vdot)
def vdot(a, b):
    """Dot product of the flattened arrays, as ``numpy.vdot`` (real arrays).

    >>> x = chainrule.tensor([[1., 2.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.vdot(x, [[3., 4.]]).item()
    11.0
    """
    x, y = promoted(a, b)
    return chainrule.dot(chainrule.reshape(x, (-1,)), chainrule.reshape(y, (-1,)))


@differentiable(numpy.inner)
def inner(a, b):
    """Sum of products over the last axes of ``a`` and ``b``, as ``numpy.inner``.

    >>> x = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.inner(x, [3., 4.]).item()
    11.0
    """
    x, y = promoted(a, b)
    if x.ndim == 0 or y.ndim == 0:
        return Tensor.__mul__(x, y)
    return chainrule.tensordot(x, y, ([x.ndim - 1], [y.ndim - 1]))


@differentiable(numpy.outer)
def outer(a, b, out=None):
    """Every product ``a[i] * b[j]`` of the flattened arrays, as ``numpy.outer``.

    >>> x = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.outer(x, [1., 10.]).tolist()
    [[1.0, 10.0], [2.0, 20.0]]
    """
    x, y = promoted(a, b)
    return Tensor.__mul__(chainrule.reshape(x, (-1, 1)), chainrule.reshape(y, (1, -1)))


@differentiable(numpy.tensordot)
def tensordot(a, b, axes=2):
    """Sum of products over the last ``axes`` axes of ``a`` and the first of ``b`` (or over the
    listed pairs ``axes=(a_axes, b_axes)``), as ``numpy.tensordot``.

    >>> x = chainrule.ones(2, 3, dtype=chainrule.float64, requires_grad=True)
    >>> np.tensordot(x, numpy.ones((3, 4)), axes=1).shape
    (2, 4)
    """
    x, y = promoted(a, b)
    if numpy.ndim(axes) == 0:
        n = int(axes)
        dims = (list(range(x.ndim - n, x.ndim)), list(range(n)))
    else:
        dims_a, dims_b = axes
        dims = ([axis_index(d, x.ndim) for d in numpy.atleast_1d(dims_a)],
                [axis_index(d, y.ndim) for d in numpy.atleast_1d(dims_b)])
        if len(dims[0]) != len(dims[1]):
            raise ValueError("shape-mismatch for sum")
    return chainrule.tensordot(x, y, dims)


@differentiable(numpy.einsum)
def einsum(subscripts, *operands, out=None, dtype=None, order="K", casting="safe",
           optimize=False):
    """Einstein summation over ``operands`` as ``subscripts`` says, as ``numpy.einsum``
    (the string form, with ``...`` and implicit output).

    >>> x = chainrule.tensor([[1., 2.], [3., 4.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.einsum('ij,ij->', x, x).item()
    30.0
    """
    if not isinstance(subscripts, str):
        raise NotImplementedError("einsum's sublist form is not recorded by chainrule.numpy; "
                                  "write the subscripts as a string, e.g. 'ij,jk->ik'.")
    if out is not None:
        raise TypeError("einsum(..., out=...) writes in place, which chainrule.numpy cannot "
                        "record.")
    if dtype is None:
        tensors = promoted(*operands)
    else:
        tensors = [tensor(o, numpy_dtype(dtype)) for o in operands]
    return chainrule.einsum(subscripts, *tensors)


@differentiable(numpy.kron)
def kron(a, b):
    """The Kronecker product: each element of ``a`` times the whole of ``b``, as
    ``numpy.kron``.

    >>> x = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.kron(x, [1., 10.]).tolist()
    [1.0, 10.0, 2.0, 20.0]
    """
    x, y = promoted(a, b)
    n = max(x.ndim, y.ndim)
    sa = (1,) * (n - x.ndim) + tuple(x.shape)
    sb = (1,) * (n - y.ndim) + tuple(y.shape)
    x = chainrule.reshape(x, tuple(v for s in sa for v in (s, 1)))
    y = chainrule.reshape(y, tuple(v for s in sb for v in (1, s)))
    return chainrule.reshape(Tensor.__mul__(x, y), tuple(p * q for p, q in zip(sa, sb)))


@differentiable(numpy.cross)
def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 3-vectors along the given axes (broadcasting the rest), as
    ``numpy.cross``.

    >>> x = chainrule.tensor([1., 0., 0.], dtype=chainrule.float64, requires_grad=True)
    >>> np.cross(x, [0., 1., 0.]).tolist()
    [0.0, 0.0, 1.0]
    """
    if axis is not None:
        axisa = axisb = axisc = axis
    x, y = promoted(a, b)
    x = chainrule.movedim(x, axis_index(axisa, x.ndim), -1)
    y = chainrule.movedim(y, axis_index(axisb, y.ndim), -1)
    if x.shape[-1] != 3 or y.shape[-1] != 3:
        raise ValueError("incompatible dimensions for cross product (dimension must be 3; "
                         "chainrule.numpy does not take 2-vectors, which NumPy deprecates)")
    shape = numpy.broadcast_shapes(tuple(x.shape), tuple(y.shape))
    x, y = chainrule.broadcast_to(x, shape), chainrule.broadcast_to(y, shape)
    result = chainrule.cross(x, y, dim=-1)
    return chainrule.movedim(result, -1, axis_index(axisc, result.ndim))
