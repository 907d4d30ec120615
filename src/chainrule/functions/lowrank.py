"""Randomized low-rank approximations: ``svd_lowrank`` and ``pca_lowrank``.

Halko, Martinsson & Tropp's method ("Finding structure with randomness", 2009, algorithm
5.1 with subspace iterations), composed from ``matmul``, ``linalg.qr`` and ``linalg.svd``
as PyTorch composes it, so its nodes are those building blocks.  The random test matrix
comes from chainrule's generator: for a matrix of rank at most ``q`` the results are
PyTorch's (up to the signs of singular vector pairs); beyond it, both are approximations
from different random draws.
"""
from __future__ import annotations

from .. import _dtypes
from ..ops import decompositions as decomposition_ops
from ..tensor import Tensor
from .matrix import matmul
from .random import randn

__all__ = ["svd_lowrank", "pca_lowrank"]


def _floating_dtype(A: Tensor):
    return A.dtype if A.dtype.is_floating_point else _dtypes.float32


def _orthonormal_basis(X: Tensor) -> Tensor:
    return decomposition_ops.qr(X, "reduced")[0]


def _approximate_basis(A: Tensor, q: int, niter: int, M: Tensor | None) -> Tensor:
    """An orthonormal ``Q`` (m×q) whose range approximates the range of ``A - M``."""
    def times(X):  # (A - M) X without forming A - M
        return matmul(A, X) if M is None else matmul(A, X) - matmul(M, X)

    def transposed_times(X):
        return matmul(A.mT, X) if M is None else matmul(A.mT, X) - matmul(M.mT, X)

    R = randn(A.shape[-1], q, dtype=_floating_dtype(A))
    Q = _orthonormal_basis(times(R))
    for _ in range(niter):  # subspace (power) iterations sharpen the basis
        Q = _orthonormal_basis(transposed_times(Q))
        Q = _orthonormal_basis(times(Q))
    return Q


def _svd_lowrank(A: Tensor, q: int, niter: int, M: Tensor | None) -> tuple:
    m, n = A.shape[-2], A.shape[-1]
    if M is not None:
        M = M.broadcast_to(A.shape)
    if m < n:  # work with the tall one
        A = A.mT
        M = None if M is None else M.mT
    Q = _approximate_basis(A, q, niter, M)
    B = matmul(Q.mT, A)
    if M is not None:
        B = B - matmul(Q.mT, M)
    U, S, Vh = decomposition_ops.svd(B, False)
    V = Vh.mT
    U = matmul(Q, U)
    return (V, S, U) if m < n else (U, S, V)


def svd_lowrank(A: Tensor, q: int | None = 6, niter: int | None = 2,
                M: Tensor | None = None) -> tuple:
    """``(U, S, V)`` with ``A - M ≈ U diag(S) Vᵀ`` of rank ``q``, by a randomized method.

    >>> A = torch.outer(torch.tensor([1., 2., 2.]), torch.tensor([3., 4.]))  # rank 1
    >>> U, S, V = torch.svd_lowrank(A, q=1)
    >>> S
    tensor([15.])
    """
    if not isinstance(A, Tensor):
        raise TypeError(f"expected Tensor but got {type(A)}")
    return _svd_lowrank(A, 6 if q is None else q, 2 if niter is None else niter, M)


def pca_lowrank(A: Tensor, q: int | None = None, center: bool = True,
                niter: int = 2) -> tuple:
    """``(U, S, V)``: the principal components of the rows of ``A`` (centered first), by
    ``svd_lowrank``; ``V``'s columns are the principal directions.

    >>> A = torch.tensor([[1., 1.], [2., 2.], [3., 3.]])
    >>> U, S, V = torch.pca_lowrank(A, q=1)
    >>> S
    tensor([2.])
    """
    if not isinstance(A, Tensor):
        raise TypeError(f"expected Tensor but got {type(A)}")
    m, n = A.shape[-2], A.shape[-1]
    if q is None:
        q = min(6, m, n)
    elif not 0 <= q <= min(m, n):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than "
                         f"min(m, n)={min(m, n)}")
    if not niter >= 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return _svd_lowrank(A, q, niter, None)
    return _svd_lowrank(A - A.mean(dim=(-2,), keepdim=True), q, niter, None)
