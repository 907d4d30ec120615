"""``torch.linalg``'s norms: ``vector_norm``, ``matrix_norm``, ``norm`` and ``cond``."""
from __future__ import annotations

import math

from .._backend import xp
from .._backend.lapack import getrf
from .._shapes import normalize_dims
from ..functions.decompositions import check_matrix, check_square
from ..functions.pointwise import nan_to_num, where
from ..ops import decompositions as decomposition_ops
from ..ops import reduction as reduction_ops
from ..ops import selection as selection_ops
from ..tensor import Tensor

__all__ = ["vector_norm", "matrix_norm", "norm", "cond"]


def vector_norm(x: Tensor, ord: float = 2, dim=None, keepdim: bool = False, *,
                dtype=None) -> Tensor:
    """The vector ``ord``-norm of all elements of ``x``, or over ``dim``.

    >>> torch.linalg.vector_norm(torch.tensor([[3., 4.], [0., 0.]]))
    tensor(5.)
    >>> torch.linalg.vector_norm(torch.tensor([[3., -4.]]), ord=1, dim=1)
    tensor([7.])
    """
    if dtype is not None:
        if x.dtype.is_floating_point and dtype.itemsize < x.dtype.itemsize:
            raise RuntimeError(
                f"linalg.vector_norm: the dtype of the input ({x.dtype.scalar_name}) should be "
                f"convertible without narrowing to the specified dtype "
                f"({dtype.scalar_name}). Fix: cast the input first, or omit dtype=.")
        x = x.to(dtype)
    if not x.dtype.is_floating_point:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {x.dtype.scalar_name}. Fix: call "
                           ".float() first.")
    return reduction_ops.vector_norm(x, float(ord), normalize_dims(dim, x.ndim), keepdim)


def matrix_norm(A: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *,
                dtype=None) -> Tensor:
    """A matrix norm of ``A`` (or of each matrix in a batch): 'fro', 'nuc', inf, -inf, 1, -1, 2, -2.

    >>> A = torch.tensor([[1., -2.], [3., 4.]])
    >>> torch.linalg.matrix_norm(A), torch.linalg.matrix_norm(A, ord=1)
    (tensor(5.4772), tensor(6.))
    """
    if dtype is not None:
        A = A.to(dtype)
    check_matrix(A, "linalg.matrix_norm")
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {tuple(dim)}")
    d0, d1 = (normalize_dims(d, A.ndim)[0] for d in dim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({d0}, {d1})")
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    # The other norms reduce a matrix in the last two dimensions.
    if ord in (math.inf, -math.inf, 1, -1):
        # The largest (smallest) absolute row sum (inf) or column sum (1).
        summed, other = (d1, d0) if abs(ord) == math.inf else (d0, d1)
        if not keepdim and summed < other:
            other -= 1  # the summed dimension is gone
        sums = A.abs().sum(summed, keepdim=keepdim)
        return sums.amax(other, keepdim=keepdim) if ord > 0 else sums.amin(other, keepdim=keepdim)
    if ord not in ("nuc", 2, -2):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    # The singular values of the matrices in the last two dimensions.
    s = decomposition_ops.svd(A.movedim((d0, d1), (-2, -1)), False)[1]
    out = s.sum(-1) if ord == "nuc" else s.amax(-1) if ord == 2 else s.amin(-1)
    if keepdim:
        out = out.unsqueeze(-1).unsqueeze(-1).movedim((-2, -1), (d0, d1))
    return out


def norm(A: Tensor, ord=None, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """A vector or matrix norm, chosen as PyTorch chooses (by ``ord``, ``dim`` and ``A.ndim``).

    >>> torch.linalg.norm(torch.tensor([3., 4.]))
    tensor(5.)
    >>> torch.linalg.norm(torch.tensor([[1., 2.], [3., 4.]]), ord=float('inf'))
    tensor(7.)
    """
    if dim is not None:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dims) == 2:
            return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype)
        return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    if A.ndim == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    if A.ndim == 1:
        return vector_norm(A, ord, None, keepdim, dtype=dtype)
    raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D "
                       f"or 2D. Got {A.ndim}D. Fix: pass dim= (an int for a vector norm, a pair "
                       "for a matrix norm).")


def cond(A: Tensor, p=None) -> Tensor:
    """The condition number of ``A`` in the norm ``p``: ``‖A‖ ‖A⁻¹‖``, or for ``p`` None, 2 or
    -2 the ratio of the extreme singular values (inf where ``A`` is singular).

    >>> torch.linalg.cond(torch.tensor([[2., 0.], [0., 0.5]]))
    tensor(4.)
    >>> torch.linalg.cond(torch.tensor([[2., 0.], [0., 0.5]]), 1)
    tensor(4.)
    """
    if p not in (None, 2, -2, "fro", "nuc", math.inf, -math.inf, 1, -1):
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    if A.ndim < 2:
        raise RuntimeError("linalg.cond: The input tensor must have at least 2 dimensions. Fix: "
                           "pass a matrix or a batch of matrices.")
    if p in (None, 2, -2):
        check_matrix(A, "linalg.svd")
    else:
        check_square(A, f"linalg.cond(ord={p})")
    if A.numel() == 0:
        return A.new_zeros(A.shape[:-2])
    if p in (None, 2, -2):
        s = decomposition_ops.svd(A, False)[1]
        largest, smallest = s.narrow(-1, 0, 1), s.narrow(-1, s.shape[-1] - 1, 1)
        return (largest / smallest if p in (None, 2) else smallest / largest).squeeze(-1)
    # As PyTorch: the inverse by inv_ex, which does not raise; a singular matrix (an exact
    # zero pivot) gets an inverse of infinities, so its condition number is inf.
    singular = Tensor._make(getrf(A._data)[2] > 0).unsqueeze(-1).unsqueeze(-1)
    if singular.any():
        eye = Tensor._make(xp.eye(A.shape[-1], dtype=A._data.dtype))
        inverse = selection_ops.inverse(where(singular, eye, A)).masked_fill(singular, math.inf)
    else:
        inverse = selection_ops.inverse(A)
    return nan_to_num(matrix_norm(A, p) * matrix_norm(inverse, p), math.inf, math.inf,
                      -math.inf)
