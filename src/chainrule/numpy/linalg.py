"""``chainrule.numpy.linalg``: NumPy's ``numpy.linalg`` with gradients.

The decompositions and solvers are chainrule's (``chainrule.linalg``), whose derivative
rules they bring; NumPy's conventions are kept here: a right-hand side of ``solve`` is
a vector only when it is 1-D (NumPy 2), results are the named tuples NumPy returns
(``EighResult``, ``SVDResult``, ``QRResult``, ``SlogdetResult``), ``norm`` picks its
norm from ``ord`` and ``axis`` as NumPy does, and failures raise ``LinAlgError``.

>>> A = chainrule.tensor([[2., 0.], [0., 4.]], dtype=chainrule.float64, requires_grad=True)
>>> np.linalg.slogdet(A).logabsdet.backward(); A.grad
tensor([[0.5000, 0.0000],
        [0.0000, 0.2500]], dtype=torch.float64)
"""
from __future__ import annotations

import functools
from collections import namedtuple

import numpy

import chainrule
from chainrule import Tensor

from ._core import as_tensor, axes, axis_index, differentiable, promoted, values_only

LinAlgError = numpy.linalg.LinAlgError

EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])
QRResult = namedtuple("QRResult", ["Q", "R"])
SlogdetResult = namedtuple("SlogdetResult", ["sign", "logabsdet"])

__all__ = ["LinAlgError", "cholesky", "cross", "det", "diagonal", "eigh", "eigvalsh", "inv",
           "matmul", "matrix_norm", "matrix_power", "matrix_rank", "matrix_transpose",
           "multi_dot", "norm", "outer", "pinv", "qr", "slogdet", "solve", "svd", "svdvals",
           "tensordot", "trace", "vecdot", "vector_norm"]


def _linalg():
    return chainrule.linalg  # loaded on first use, as chainrule loads it


def _float(a) -> Tensor:
    """A matrix argument, as a float tensor (NumPy's linalg computes integers in float64)."""
    x = as_tensor(a)
    if x.dtype.np.kind != "f":
        x = x.to(chainrule.float64)
    if x.ndim < 2:
        raise LinAlgError(f"{x.ndim}-dimensional array given. Array must be at least "
                          "two-dimensional")
    return x


def _numpy_errors(fn):
    """chainrule's linear-algebra failures raised as NumPy's ``LinAlgError``."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except _linalg().LinAlgError as e:
            raise LinAlgError(str(e)) from None
    return wrapper


@differentiable(numpy.linalg.inv)
@_numpy_errors
def inv(a):
    """The inverse of each square matrix in ``a``, as ``numpy.linalg.inv``.

    >>> A = chainrule.tensor([[2., 0.], [0., 4.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.linalg.inv(A).tolist()
    [[0.5, 0.0], [0.0, 0.25]]
    """
    return _linalg().inv(_float(a))


@differentiable(numpy.linalg.det)
def det(a):
    """The determinant of each square matrix in ``a``, as ``numpy.linalg.det``.

    >>> A = chainrule.tensor([[1., 2.], [3., 4.]], dtype=chainrule.float64, requires_grad=True)
    >>> round(np.linalg.det(A).item(), 12)
    -2.0
    """
    return _linalg().det(_float(a))


@differentiable(numpy.linalg.slogdet)
def slogdet(a):
    """``(sign, logabsdet)`` of the determinant, without overflow, as ``numpy.linalg.slogdet``.

    >>> A = chainrule.tensor([[2., 0.], [0., 3.]], dtype=chainrule.float64, requires_grad=True)
    >>> sign, logdet = np.linalg.slogdet(A); sign.item(), round(logdet.item(), 6)
    (1.0, 1.791759)
    """
    sign, logabsdet = _linalg().slogdet(_float(a))
    return SlogdetResult(sign, logabsdet)


@differentiable(numpy.linalg.solve)
@_numpy_errors
def solve(a, b):
    """The solution ``x`` of ``a @ x = b``, as ``numpy.linalg.solve``: ``b`` is a vector when it
    is 1-D, else a (stack of) matrices broadcast against ``a``.

    >>> A = chainrule.tensor([[2., 0.], [0., 4.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.linalg.solve(A, [2., 2.]).tolist()
    [1.0, 0.5]
    """
    A, B = promoted(a, b)
    if A.dtype.np.kind != "f":
        A, B = A.to(chainrule.float64), B.to(chainrule.float64)
    if B.ndim == 1:
        return chainrule.select(_linalg().solve(A, chainrule.unsqueeze(B, -1)), -1, 0)
    # Equal numbers of dimensions, so that chainrule (PyTorch) reads B as matrices too.
    batch = numpy.broadcast_shapes(tuple(A.shape[:-2]), tuple(B.shape[:-2]))
    A = chainrule.broadcast_to(A, batch + tuple(A.shape[-2:]))
    B = chainrule.broadcast_to(B, batch + tuple(B.shape[-2:]))
    return _linalg().solve(A, B)


@differentiable(numpy.linalg.cholesky)
@_numpy_errors
def cholesky(a, /, *, upper=False):
    """The Cholesky factor ``L`` (``a = L @ L.T``; ``U`` with ``upper=True``), as
    ``numpy.linalg.cholesky``.

    >>> A = chainrule.tensor([[4., 2.], [2., 2.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.linalg.cholesky(A).tolist()
    [[2.0, 0.0], [1.0, 1.0]]
    """
    return _linalg().cholesky(_float(a), upper=upper)


@differentiable(numpy.linalg.eigh)
def eigh(a, UPLO="L"):
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix, as
    ``numpy.linalg.eigh``.

    >>> A = chainrule.tensor([[2., 1.], [1., 2.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.linalg.eigh(A).eigenvalues.tolist()
    [1.0, 3.0]
    """
    values, vectors = _linalg().eigh(_float(a), UPLO=UPLO)
    return EighResult(values, vectors)


@differentiable(numpy.linalg.eigvalsh)
def eigvalsh(a, UPLO="L"):
    """The eigenvalues (ascending) of a symmetric matrix, as ``numpy.linalg.eigvalsh``.

    >>> A = chainrule.tensor([[2., 1.], [1., 2.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.linalg.eigvalsh(A).tolist()
    [1.0, 3.0]
    """
    return _linalg().eigvalsh(_float(a), UPLO=UPLO)


@differentiable(numpy.linalg.svd)
def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """``U, S, Vh`` with ``a = U @ diag(S) @ Vh`` (only ``S`` with ``compute_uv=False``), as
    ``numpy.linalg.svd``.

    >>> A = chainrule.tensor([[3., 0.], [0., 4.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.linalg.svd(A).S.tolist()
    [4.0, 3.0]
    """
    x = _float(a)
    if not compute_uv:
        return _linalg().svdvals(x)
    U, S, Vh = _linalg().svd(x, full_matrices=full_matrices)
    return SVDResult(U, S, Vh)


@differentiable(numpy.linalg.svdvals)
def svdvals(x, /):
    """The singular values (descending), as ``numpy.linalg.svdvals``.

    >>> A = chainrule.tensor([[3., 0.], [0., 4.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.linalg.svdvals(A).tolist()
    [4.0, 3.0]
    """
    return _linalg().svdvals(_float(x))


@differentiable(numpy.linalg.qr)
def qr(a, mode="reduced"):
    """``Q, R`` with ``a = Q @ R``, as ``numpy.linalg.qr`` (modes 'reduced', 'complete', 'r').

    >>> A = chainrule.tensor([[3., 1.], [4., 2.]], dtype=chainrule.float64, requires_grad=True)
    >>> Q, R = np.linalg.qr(A); [round(v, 6) for v in R.tolist()[0]]
    [-5.0, -2.2]
    """
    if mode not in ("reduced", "complete", "r"):
        raise NotImplementedError(f"qr(mode={mode!r}) is not recorded by chainrule.numpy; "
                                  "'reduced', 'complete' and 'r' are.")
    Q, R = _linalg().qr(_float(a), mode="complete" if mode == "complete" else "reduced")
    return R if mode == "r" else QRResult(Q, R)


@differentiable(numpy.linalg.pinv)
def pinv(a, rcond=None, hermitian=False, *, rtol=numpy._NoValue):
    """The Moore-Penrose pseudo-inverse, as ``numpy.linalg.pinv``.

    >>> A = chainrule.tensor([[2., 0.], [0., 0.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.linalg.pinv(A).tolist()
    [[0.5, 0.0], [0.0, 0.0]]
    """
    cutoff = rcond if rtol is numpy._NoValue else rtol
    return _linalg().pinv(_float(a), rtol=cutoff, hermitian=hermitian)


@differentiable(numpy.linalg.matrix_power)
def matrix_power(a, n):
    """``a`` multiplied by itself ``n`` times (the inverse's powers for negative ``n``), as
    ``numpy.linalg.matrix_power``.

    >>> A = chainrule.tensor([[1., 1.], [0., 1.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.linalg.matrix_power(A, 3).tolist()
    [[1.0, 3.0], [0.0, 1.0]]
    """
    return _linalg().matrix_power(_float(a), int(n))


@differentiable(numpy.linalg.multi_dot)
def multi_dot(arrays, *, out=None):
    """The product of several matrices (1-D first and last ones as vectors), as
    ``numpy.linalg.multi_dot``.

    >>> A = chainrule.tensor([[1., 2.], [3., 4.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.linalg.multi_dot([[1., 0.], A, [0., 1.]]).tolist()
    2.0
    """
    return _linalg().multi_dot(promoted(*arrays))


_MATRIX_ORDS = ("fro", "nuc", numpy.inf, -numpy.inf, 1, -1, 2, -2)


@differentiable(numpy.linalg.norm)
def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002 - NumPy's name
    """A vector or matrix norm, chosen from ``ord`` and ``axis`` as ``numpy.linalg.norm``
    chooses (the 2-norm of the flattened array by default).

    >>> x = chainrule.tensor([3., 4.], dtype=chainrule.float64, requires_grad=True)
    >>> np.linalg.norm(x).item()
    5.0
    """
    t = as_tensor(x)
    if t.dtype.np.kind != "f":
        t = t.to(chainrule.float64)
    if axis is None:
        if ord is None:
            result = _linalg().vector_norm(t, 2)
            if keepdims:
                result = chainrule.reshape(result, (1,) * t.ndim)
            return result
        if t.ndim not in (1, 2):
            raise ValueError("Improper number of dimensions to norm.")
        axis = tuple(range(t.ndim))
    dims = axes(axis, t.ndim)
    if len(dims) == 1:
        if isinstance(ord, str):
            raise ValueError(f"Invalid norm order '{ord}' for vectors")
        return _linalg().vector_norm(t, 2 if ord is None else ord, dims, keepdims)
    if len(dims) == 2:
        if ord is None:
            ord = "fro"  # noqa: A001
        if ord not in _MATRIX_ORDS:
            raise ValueError("Invalid norm order for matrices.")
        return _linalg().matrix_norm(t, ord, dims, keepdims)
    raise ValueError("Improper number of dimensions to norm.")


@differentiable(numpy.linalg.vector_norm)
def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):  # noqa: A002
    """The vector ``ord``-norm over ``axis`` (all axes by default), as
    ``numpy.linalg.vector_norm``.

    >>> x = chainrule.tensor([[3., 4.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.linalg.vector_norm(x, axis=-1).tolist()
    [5.0]
    """
    t = as_tensor(x)
    if t.dtype.np.kind != "f":
        t = t.to(chainrule.float64)
    dims = axes(axis, t.ndim)
    result = _linalg().vector_norm(t, ord, dims, keepdims)
    return result


@differentiable(numpy.linalg.matrix_norm)
def matrix_norm(x, /, *, keepdims=False, ord="fro"):  # noqa: A002
    """The matrix ``ord``-norm of the last two axes, as ``numpy.linalg.matrix_norm``.

    >>> x = chainrule.tensor([[3., 0.], [0., 4.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.linalg.matrix_norm(x).item()
    5.0
    """
    return _linalg().matrix_norm(_float(x), ord, (-2, -1), keepdims)


@differentiable(numpy.linalg.matrix_transpose)
def matrix_transpose(x, /):
    """The last two axes swapped, as ``numpy.linalg.matrix_transpose``.

    >>> x = chainrule.zeros(4, 2, 3, dtype=chainrule.float64, requires_grad=True)
    >>> np.linalg.matrix_transpose(x).shape
    (4, 3, 2)
    """
    return chainrule.transpose(_float(x), -2, -1)


@differentiable(numpy.linalg.trace)
def trace(x, /, *, offset=0, dtype=None):
    """The trace of each matrix (over the last two axes), as ``numpy.linalg.trace``.

    >>> x = chainrule.tensor([[1., 2.], [3., 4.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.linalg.trace(x).item()
    5.0
    """
    t = as_tensor(x)
    return chainrule.sum(chainrule.diagonal(t, int(offset), -2, -1), -1)


@differentiable(numpy.linalg.diagonal)
def diagonal(x, /, *, offset=0):
    """The diagonal of each matrix (over the last two axes), as ``numpy.linalg.diagonal``.

    >>> x = chainrule.tensor([[1., 2.], [3., 4.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.linalg.diagonal(x).tolist()
    [1.0, 4.0]
    """
    return chainrule.diagonal(as_tensor(x), int(offset), -2, -1)


@differentiable(numpy.linalg.vecdot)
def vecdot(x1, x2, /, *, axis=-1):
    """The dot product of vectors along ``axis`` (broadcasting the rest), as
    ``numpy.linalg.vecdot``.

    >>> x = chainrule.tensor([[1., 2.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.linalg.vecdot(x, [3., 4.]).tolist()
    [11.0]
    """
    a, b = promoted(x1, x2)
    shape = numpy.broadcast_shapes(tuple(a.shape), tuple(b.shape))
    d = axis_index(axis, len(shape))
    return chainrule.sum(chainrule.broadcast_to(a, shape) * chainrule.broadcast_to(b, shape), d)


def _from_namespace(name):
    from . import _products
    return getattr(_products, name)


@differentiable(numpy.linalg.outer)
def outer(x1, x2, /):
    """The outer product of two vectors, as ``numpy.linalg.outer`` (1-D inputs only).

    >>> x = chainrule.tensor([1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.linalg.outer(x, [1., 10.]).tolist()
    [[1.0, 10.0], [2.0, 20.0]]
    """
    a, b = promoted(x1, x2)
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError("Input arrays must be one-dimensional")
    return chainrule.outer(a, b)


@differentiable(numpy.linalg.cross)
def cross(x1, x2, /, *, axis=-1):
    """The cross product of 3-vectors along ``axis``, as ``numpy.linalg.cross``.

    >>> x = chainrule.tensor([1., 0., 0.], dtype=chainrule.float64, requires_grad=True)
    >>> np.linalg.cross(x, [0., 1., 0.]).tolist()
    [0.0, 0.0, 1.0]
    """
    return _from_namespace("cross").__wrapped__(x1, x2, axis=axis)


@differentiable(numpy.linalg.tensordot)
def tensordot(x1, x2, /, *, axes=2):
    """``numpy.tensordot`` under its ``numpy.linalg`` name.

    >>> x = chainrule.ones(2, 3, dtype=chainrule.float64, requires_grad=True)
    >>> np.linalg.tensordot(x, numpy.ones((3,)), axes=1).shape
    (2,)
    """
    return _from_namespace("tensordot").__wrapped__(x1, x2, axes)


@differentiable(numpy.linalg.matmul)
def matmul(x1, x2, /):
    """``numpy.matmul`` under its ``numpy.linalg`` name.

    >>> x = chainrule.ones(2, 3, dtype=chainrule.float64, requires_grad=True)
    >>> np.linalg.matmul(x, numpy.ones(3)).tolist()
    [3.0, 3.0]
    """
    return chainrule.matmul(*promoted(x1, x2))


matrix_rank = values_only(numpy.linalg.matrix_rank)
