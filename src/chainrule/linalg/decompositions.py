"""``torch.linalg``'s decompositions: Cholesky, QR, SVD, symmetric eigenproblems, LU,
LDLᵀ (Bunch-Kaufman) and products of Householder reflectors.

Each checks its argument as PyTorch does and calls its row in ``chainrule.ops.decompositions``
(where the derivative rules are); the results are ``torch.return_types`` named tuples.
"""
from __future__ import annotations

from .._backend import xp
from ..functions import return_types
from ..functions.decompositions import (
    check_householder,
    check_lu_input,
    check_matrix,
    check_square,
)
from ..functions.decompositions import (
    lu_factor_ex as _lu_factor,
)
from ..ops import decompositions as decomposition_ops
from ..ops.solvers import LinAlgError
from ..tensor import Tensor

__all__ = ["cholesky", "cholesky_ex", "qr", "svd", "svdvals", "eigh", "eigvalsh", "lu",
           "lu_factor", "lu_factor_ex", "ldl_factor", "ldl_factor_ex", "householder_product"]


def _info(batch) -> Tensor:
    return Tensor._make(xp.zeros(tuple(batch), dtype=xp.int32))


def cholesky(A: Tensor, *, upper: bool = False) -> Tensor:
    """The Cholesky factor ``L`` (lower triangular, ``A = L Lᵀ``) of a positive-definite matrix.

    >>> torch.linalg.cholesky(torch.tensor([[4., 2.], [2., 5.]]))
    tensor([[2., 0.],
            [1., 2.]])
    """
    check_square(A, "linalg.cholesky")
    return decomposition_ops.cholesky(A, upper)


def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False):
    """``cholesky`` returning ``(L, info)``; ``info`` is 0 where the factorization succeeded.

    >>> torch.linalg.cholesky_ex(torch.eye(2)).info
    tensor(0, dtype=torch.int32)
    """
    return return_types.linalg_cholesky_ex(cholesky(A, upper=upper), _info(A.shape[:-2]))


def qr(A: Tensor, mode: str = "reduced"):
    """The QR decomposition ``A = Q R`` (``mode``: 'reduced', 'complete' or 'r').

    >>> Q, R = torch.linalg.qr(torch.tensor([[3., 1.], [4., 2.]]))
    >>> (Q @ R).round(decimals=4)
    tensor([[3., 1.],
            [4., 2.]])
    """
    check_matrix(A, "linalg.qr")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' "
                           "(default), 'r', or 'complete'")
    return return_types.linalg_qr(*decomposition_ops.qr(A, mode))


def svd(A: Tensor, full_matrices: bool = True, *, driver=None):
    """The singular value decomposition ``A = U diag(S) Vh`` (S in descending order).

    >>> U, S, Vh = torch.linalg.svd(torch.tensor([[3., 0.], [0., -2.]]))
    >>> S
    tensor([3., 2.])
    """
    check_matrix(A, "linalg.svd")
    return return_types.linalg_svd(*decomposition_ops.svd(A, full_matrices))


def svdvals(A: Tensor, *, driver=None) -> Tensor:
    """The singular values of ``A``, in descending order.

    >>> torch.linalg.svdvals(torch.tensor([[3., 0.], [0., -2.]]))
    tensor([3., 2.])
    """
    check_matrix(A, "linalg.svdvals")
    return decomposition_ops.svd(A, False)[1]


def _check_uplo(UPLO: str) -> None:
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")


def eigh(A: Tensor, UPLO: str = "L"):
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix (its ``UPLO`` triangle).

    >>> torch.linalg.eigh(torch.tensor([[2., 0.], [0., 1.]])).eigenvalues
    tensor([1., 2.])
    """
    check_square(A, "linalg.eigh")
    _check_uplo(UPLO)
    return return_types.linalg_eigh(*decomposition_ops.eigh(A, UPLO))


def eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:
    """The eigenvalues (ascending) of a symmetric matrix.

    >>> torch.linalg.eigvalsh(torch.tensor([[2., 1.], [1., 2.]]))
    tensor([1., 3.])
    """
    check_square(A, "linalg.eigvalsh")
    _check_uplo(UPLO)
    return decomposition_ops.eigh(A, UPLO)[0]


# --- LU ---------------------------------------------------------------------------------------

def lu_factor_ex(A: Tensor, *, pivot: bool = True, check_errors: bool = False):
    """``(LU, pivots, info)``: the LU factorization with partial pivoting, packed (``L`` below
    the diagonal, ``U`` on and above it), LAPACK's 1-based row interchanges, and ``info``,
    the 1-based index of the first zero on ``U``'s diagonal (0 if none).

    >>> torch.linalg.lu_factor_ex(torch.tensor([[1., 2.], [2., 4.]])).info
    tensor(2, dtype=torch.int32)
    """
    LU, pivots, info = _lu_factor(A, pivot, "torch.lu_factor")
    if check_errors:
        _raise_if_singular(info, "torch.linalg.lu_factor_ex")
    return return_types.linalg_lu_factor_ex(LU, pivots, info)


def _raise_if_singular(info: Tensor, name: str) -> None:
    bad = info._data[info._data > 0]
    if bad.size:
        raise RuntimeError(f"{name}: U[{bad.flat[0]},{bad.flat[0]}] is zero and using it on "
                           "lu_solve would result in a division by zero. If you still want to "
                           "perform the factorization, consider calling linalg.lu(A, pivot) or "
                           "linalg.lu_factor_ex(A, pivot)")


def lu_factor(A: Tensor, *, pivot: bool = True):
    """``(LU, pivots)``: ``lu_factor_ex`` without ``info``, raising for a singular matrix.

    >>> torch.linalg.lu_factor(torch.tensor([[1., 2.], [3., 4.]]))
    torch.return_types.linalg_lu_factor(
    LU=tensor([[3.0000, 4.0000],
            [0.3333, 0.6667]]),
    pivots=tensor([2, 2], dtype=torch.int32))
    """
    LU, pivots, info = _lu_factor(A, pivot, "torch.lu_factor")
    _raise_if_singular(info, "torch.linalg.lu_factor")
    return return_types.linalg_lu_factor(LU, pivots)


def lu(A: Tensor, *, pivot: bool = True):
    """``(P, L, U)`` with ``A = P L U``: a permutation, a unit lower triangular (trapezoidal)
    and an upper triangular (trapezoidal) matrix.

    >>> P, L, U = torch.linalg.lu(torch.tensor([[1., 2.], [3., 4.]]))
    >>> L
    tensor([[1.0000, 0.0000],
            [0.3333, 1.0000]])
    """
    check_lu_input(A, pivot, "linalg.lu")
    P, L, U = decomposition_ops.lu(A)
    return return_types.linalg_lu(P.detach(), L, U)


# --- LDLᵀ ---------------------------------------------------------------------------------------

def ldl_factor_ex(A: Tensor, *, hermitian: bool = False, check_errors: bool = False):
    """``(LD, pivots, info)``: the Bunch-Kaufman factorization ``A = P L D Lᵀ Pᵀ`` of a
    symmetric matrix (its lower triangle is read), as LAPACK's sytrf stores it; ``info`` is
    the 1-based index of a zero block of ``D`` (0 if none).  Not differentiable, as in PyTorch.

    >>> torch.linalg.ldl_factor_ex(torch.tensor([[4., 2.], [2., 3.]])).LD
    tensor([[4.0000, 0.0000],
            [0.5000, 2.0000]])
    """
    check_square(A, "torch.linalg.ldl_factor_ex")
    LD, pivots, info = decomposition_ops.ldl_factor(A, hermitian)
    if check_errors and bool((info._data > 0).any()):
        raise LinAlgError(f"torch.linalg.ldl_factor_ex: The factorization could not be "
                          f"completed because D[{int(info._data.max())}] is exactly zero: the "
                          "matrix is singular.")
    return return_types.linalg_ldl_factor_ex(LD, pivots, info)


def ldl_factor(A: Tensor, *, hermitian: bool = False):
    """``(LD, pivots)``: ``ldl_factor_ex`` without ``info``, raising for a singular matrix.

    >>> torch.linalg.ldl_factor(torch.tensor([[0., 1.], [1., 0.]])).pivots
    tensor([-2, -2], dtype=torch.int32)
    """
    check_square(A, "torch.linalg.ldl_factor_ex")
    LD, pivots, _ = ldl_factor_ex(A, hermitian=hermitian, check_errors=True)
    return return_types.linalg_ldl_factor(LD, pivots)


# --- Householder reflectors -----------------------------------------------------------------

def householder_product(A: Tensor, tau: Tensor) -> Tensor:
    """The first ``n`` columns of ``H_1 H_2 ... H_k`` with ``H_i = I - tau_i v_i v_iᵀ``, the
    ``v_i`` stored below the diagonal of ``A``'s columns (``geqrf``'s output gives ``Q``).

    >>> A = torch.tensor([[3., 1.], [4., 2.]])
    >>> torch.linalg.householder_product(*torch.geqrf(A)).abs()
    tensor([[0.6000, 0.8000],
            [0.8000, 0.6000]])
    """
    check_householder(A, tau, "torch.linalg.householder_product")
    return decomposition_ops.householder_product(A, tau)
