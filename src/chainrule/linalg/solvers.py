"""``torch.linalg``'s inverses, determinants and solvers.

Each checks its arguments as PyTorch does and calls its row in ``chainrule.ops.solvers``
(or ``ops.selection`` for ``inv`` and ``det``); ``tensorinv`` and ``tensorsolve`` reshape
to a matrix problem and back, as PyTorch does.
"""
from __future__ import annotations

import math

from .._backend import xp
from ..functions import return_types
from ..functions.decompositions import (
    check_floating,
    check_kernel_dtype,
    check_matrix,
    check_square,
)
from ..functions.solvers import check_lu_solve, check_right_hand_side, check_rows_of_b
from ..ops import decompositions as decomposition_ops
from ..ops import selection as selection_ops
from ..ops import solvers as solver_ops
from ..tensor import Tensor

__all__ = ["inv", "inv_ex", "det", "slogdet", "solve", "solve_ex", "solve_triangular",
           "lu_solve", "ldl_solve", "lstsq", "pinv", "matrix_rank", "tensorinv", "tensorsolve"]


def _eps(A: Tensor) -> float:
    return float(xp.finfo(A._data.dtype).eps)


def _info(batch) -> Tensor:
    return Tensor._make(xp.zeros(tuple(batch), dtype=xp.int32))


def inv(A: Tensor) -> Tensor:
    """The inverse of a square matrix (or of each matrix in a batch).

    >>> torch.linalg.inv(torch.tensor([[2., 0.], [0., 4.]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
    """
    check_square(A, "linalg.inv")
    return selection_ops.inverse(A)


def inv_ex(A: Tensor, *, check_errors: bool = False):
    """``inv`` returning ``(inverse, info)``; ``info`` is 0 where the inversion succeeded.

    >>> torch.linalg.inv_ex(torch.eye(2)).info
    tensor(0, dtype=torch.int32)
    """
    check_square(A, "linalg.inv_ex")
    return return_types.linalg_inv_ex(inv(A), _info(A.shape[:-2]))


def det(A: Tensor) -> Tensor:
    """The determinant of a square matrix (or of each matrix in a batch).

    >>> torch.linalg.det(torch.tensor([[1., 2.], [3., 4.]]))
    tensor(-2.)
    """
    check_square(A, "linalg.det")
    return selection_ops.det(A)


def slogdet(A: Tensor):
    """``(sign, logabsdet)`` of the determinant, computed without overflow.

    >>> torch.linalg.slogdet(torch.tensor([[1., 2.], [3., 4.]]))
    torch.return_types.linalg_slogdet(
    sign=tensor(-1.),
    logabsdet=tensor(0.6931))
    """
    check_square(A, "linalg.slogdet")
    return return_types.linalg_slogdet(*decomposition_ops.slogdet(A))


def _is_vector_rhs(A: Tensor, B: Tensor) -> bool:
    """PyTorch reads B as a (batch of) vector(s) if it is 1-D or has exactly A's batch shape."""
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:
    """The solution ``X`` of ``A X = B`` (``X A = B`` with ``left=False``) for square ``A``.

    >>> torch.linalg.solve(torch.tensor([[2., 0.], [0., 4.]]), torch.tensor([[2.], [2.]]))
    tensor([[1.0000],
            [0.5000]])
    """
    check_square(A, "linalg.solve")
    vector = left and _is_vector_rhs(A, B)
    n = A.shape[-1]
    rows = B.shape[-1] if vector or not left else B.shape[-2]
    if B.ndim == 0 or rows != n:
        shape_b = f"{B.shape[-1]}x1" if vector or B.ndim == 1 else f"{B.shape[-2]}x{B.shape[-1]}"
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {shape_b}). Fix: B "
                           f"needs {n} {'rows' if left else 'columns'}.")
    if A.dtype is not B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found "
                           f"A of type {A.dtype.name} and B of type {B.dtype.name} instead")
    try:
        return solver_ops.solve(A, B, left, vector)
    except ValueError:
        raise RuntimeError(f"linalg.solve: the batch dimensions of A {list(A.shape)} and B "
                           f"{list(B.shape)} do not broadcast") from None


def solve_ex(A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False):
    """``solve`` returning ``(result, info)``; ``info`` is 0 where the solve succeeded.

    >>> torch.linalg.solve_ex(torch.eye(2), torch.ones(2)).result
    tensor([1., 1.])
    """
    return return_types.linalg_solve_ex(solve(A, B, left=left), _info(A.shape[:-2]))


def solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True,
                     unitriangular: bool = False) -> Tensor:
    """The solution ``X`` of ``A X = B`` (``X A = B`` with ``left=False``) for a triangular
    ``A``: only its upper (``upper=True``) or lower triangle is read, and with
    ``unitriangular`` its diagonal counts as ones.  A zero on the diagonal gives inf and nan
    rather than an error, as in PyTorch.

    >>> A = torch.tensor([[2., 1.], [0., 4.]])
    >>> torch.linalg.solve_triangular(A, torch.tensor([[3.], [4.]]), upper=True)
    tensor([[1.],
            [1.]])
    """
    check_kernel_dtype(A, "triangular_solve_cpu")
    check_kernel_dtype(B, "triangular_solve_cpu")
    check_square(A, "linalg.solve_triangular")
    check_right_hand_side(A, B, left, "linalg.solve_triangular")
    if A.dtype is not B.dtype:  # PyTorch promotes the two to a common dtype
        common = A.dtype if A.dtype.itemsize >= B.dtype.itemsize else B.dtype
        A, B = A.to(common), B.to(common)
    try:
        return solver_ops.solve_triangular(A, B, upper, left, unitriangular)
    except ValueError:
        raise RuntimeError(f"linalg.solve_triangular: the batch dimensions of A "
                           f"{list(A.shape)} and B {list(B.shape)} do not broadcast") from None


def lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, *, left: bool = True,
             adjoint: bool = False) -> Tensor:
    """The solution ``X`` of ``A X = B`` (``Aᵀ X = B`` with ``adjoint``, ``X A = B`` with
    ``left=False``) from ``lu_factor``'s ``(LU, pivots)`` of ``A``.

    >>> LU, pivots = torch.linalg.lu_factor(torch.tensor([[1., 2.], [2., 2.]]))
    >>> torch.linalg.lu_solve(LU, pivots, torch.tensor([[3.], [4.]]))
    tensor([[1.],
            [1.]])
    """
    check_floating(LU, "torch.linalg.lu_solve")
    check_lu_solve(LU, pivots, B, left, "torch.linalg.lu_solve")
    return solver_ops.lu_solve(LU, pivots, B, left, adjoint)


def ldl_solve(LD: Tensor, pivots: Tensor, B: Tensor, *, hermitian: bool = False) -> Tensor:
    """The solution ``X`` of ``A X = B`` from ``ldl_factor``'s ``(LD, pivots)`` of a symmetric
    ``A`` (not differentiable, as in PyTorch).

    >>> A = torch.tensor([[0., 1.], [1., 0.]])
    >>> torch.linalg.ldl_solve(*torch.linalg.ldl_factor(A), torch.tensor([[2.], [3.]]))
    tensor([[3.],
            [2.]])
    """
    check_square(LD, "torch.linalg.ldl_solve", "LD")
    if B.ndim < 2:
        raise RuntimeError("torch.linalg.ldl_solve: Expected B to have at least 2 dimensions, "
                           f"but it has {B.ndim} dimensions instead. Fix: unsqueeze(-1) a vector.")
    check_rows_of_b(B, LD, "torch.linalg.ldl_solve")
    if pivots.dtype.is_floating_point or pivots.dtype.name == "bool":
        raise RuntimeError("torch.linalg.ldl_solve: Expected pivots to be integers. Got "
                           f"{pivots.dtype.scalar_name}. Fix: pass the pivots that ldl_factor "
                           "returned.")
    if B.dtype is not LD.dtype:
        raise RuntimeError(f"torch.linalg.ldl_solve: Expected LD and B to have the same dtype, "
                           f"but got LD with dtype {LD.dtype.scalar_name} and B with dtype "
                           f"{B.dtype.scalar_name} instead")
    return solver_ops.ldl_solve(LD, pivots, B, hermitian)


def _default_tolerances(A: Tensor, atol, rtol):
    """PyTorch's rule: rtol defaults to eps * max(m, n) unless only atol is given."""
    if rtol is None:
        rtol = _eps(A) * max(A.shape[-2], A.shape[-1]) if atol is None or atol == 0 else 0.0
    return float(atol or 0.0), float(rtol)


def pinv(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False) -> Tensor:
    """The Moore-Penrose pseudo-inverse (singular values below the tolerance count as zero).

    >>> torch.linalg.pinv(torch.tensor([[1., 0.], [0., 0.]]))
    tensor([[1., 0.],
            [0., 0.]])
    """
    check_matrix(A, "linalg.pinv")
    atol, rtol = _default_tolerances(A, atol, rtol)
    return solver_ops.pinv(A, atol, rtol)


def lstsq(A: Tensor, B: Tensor, rcond=None, *, driver=None):
    """The least-squares solution of ``A X = B``, as ``(solution, residuals, rank,
    singular_values)`` (residuals and singular values as PyTorch's CPU drivers give them).

    >>> A = torch.tensor([[1., 0.], [0., 1.], [0., 0.]])
    >>> torch.linalg.lstsq(A, torch.tensor([[1.], [2.], [3.]])).solution
    tensor([[1.],
            [2.]])
    """
    check_matrix(A, "linalg.lstsq")
    driver = driver or "gelsy"
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy,"
                           f" gelsd, gelss). Got {driver}")
    vector = B.ndim == A.ndim - 1
    if B.ndim < 1 or (A.ndim - B.ndim) not in (0, 1) or \
            (B.shape[-1] if vector else B.shape[-2]) != A.shape[-2]:
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match other.size(-2)"
                           f" (A is {list(A.shape)}, B is {list(B.shape)}). Fix: A and B need "
                           "the same number of rows.")
    m, n = A.shape[-2], A.shape[-1]
    rtol = _eps(A) * max(m, n) if rcond is None else float(rcond)
    solution = solver_ops.lstsq(A, B, 0.0, rtol, vector)
    s = xp.linalg.svd(A._data, compute_uv=False)
    smax = s.max(axis=-1, keepdims=True) if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,))
    rank_arr = (s > rtol * smax).sum(-1).astype(xp.int64)
    rank = Tensor._make(xp.asarray(rank_arr))
    empty = Tensor._make(xp.zeros((0,), dtype=A._data.dtype))
    singular_values = Tensor._make(s) if driver in ("gelsd", "gelss") else empty
    residuals = empty
    if driver != "gelsy" and m > n and bool((rank_arr == n).all()):
        rhs = B.unsqueeze(-1) if vector else B
        residuals = solver_ops.lstsq_residuals(A, rhs, 0.0, rtol)
        residuals = residuals.squeeze(-1) if vector else residuals
    return return_types.linalg_lstsq(solution, residuals, rank, singular_values)


def matrix_rank(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, tol=None) -> Tensor:
    """The number of singular values above the tolerance, for each matrix (int64).

    >>> torch.linalg.matrix_rank(torch.tensor([[1., 2.], [2., 4.]]))
    tensor(1)
    """
    check_matrix(A, "linalg.matrix_rank")
    if tol is not None:
        atol, rtol = tol, 0.0
    atol, rtol = _default_tolerances(A, atol, rtol)
    s = xp.linalg.svd(A._data, compute_uv=False)
    smax = s.max(axis=-1, keepdims=True) if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,))
    cutoff = xp.maximum(atol, rtol * smax)
    return Tensor._make(xp.asarray((s > cutoff).sum(-1).astype(xp.int64)))


def tensorinv(A: Tensor, ind: int = 2) -> Tensor:
    """The inverse of ``A`` read as a linear map from its last dimensions (after ``ind``) to
    its first ``ind``: ``tensordot(tensorinv(A, ind), A, ind)`` is the identity.

    >>> A = torch.eye(4).reshape(4, 2, 2)
    >>> torch.linalg.tensorinv(A, ind=1).shape
    torch.Size([2, 2, 4])
    """
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = math.prod(A.shape[:ind]), math.prod(A.shape[ind:])
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {cols} != {rows}")
    matrix = A.reshape(cols, cols)
    check_square(matrix, "linalg.inv")
    return selection_ops.inverse(matrix).reshape(tuple(A.shape[ind:]) + tuple(A.shape[:ind]))


def tensorsolve(A: Tensor, B: Tensor, dims=None) -> Tensor:
    """``X`` with ``tensordot(A, X, X.ndim) = B``: ``A``'s first ``B.ndim`` dimensions pair with
    ``B``'s, its others (moved to the end from ``dims`` first) with ``X``'s.

    >>> A = torch.eye(6).reshape(2, 3, 6)
    >>> torch.linalg.tensorsolve(A, torch.ones(2, 3)).shape
    torch.Size([6])
    """
    if dims is not None:
        dims = tuple(dims)
        A = A.movedim(dims, tuple(range(A.ndim - len(dims), A.ndim)))
    shape = tuple(A.shape[B.ndim:])
    size = math.prod(shape)
    if size != B.numel():
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:])"
                           f" == prod(self.shape[:other.ndim]), but got {size} != {B.numel()}")
    return solve(A.reshape(size, size), B.flatten()).reshape(shape)
