"""Linear solves as ``torch.*`` functions: ``triangular_solve``, ``cholesky_solve``,
``cholesky_inverse``, ``lu_solve``, ``pinverse``, ``matrix_power``; and ``solve``, ``lstsq``,
``matrix_rank``, which PyTorch has removed (calling them raises PyTorch's error, which
names the ``torch.linalg`` function to use instead).

Each checks its arguments as PyTorch does, then calls its row in ``chainrule.ops.solvers``.
"""
from __future__ import annotations

from .._backend import xp
from ..ops import selection as selection_ops
from ..ops import solvers as solver_ops
from ..tensor import Tensor
from . import return_types
from .decompositions import (
    check_kernel_dtype,
    check_matrix,
    check_pivots,
    check_square,
    removed,
)
from .matrix import matmul

__all__ = ["triangular_solve", "cholesky_solve", "cholesky_inverse", "lu_solve", "pinverse",
           "matrix_power", "solve", "lstsq", "matrix_rank"]


def check_rows_of_b(b: Tensor, A: Tensor, name: str) -> None:
    """The (batch of) matrices ``b`` has as many rows as the square ``A`` (both at least 2-D)."""
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"A must be batches of square matrices, but they are {A.shape[-2]} "
                           f"by {A.shape[-1]} matrices")
    if b.shape[-2] != A.shape[-1]:
        raise RuntimeError(f"Incompatible matrix sizes for {name}: each A matrix is "
                           f"{A.shape[-1]} by {A.shape[-1]} but each b matrix is "
                           f"{b.shape[-2]} by {b.shape[-1]}")


def _check_rhs(b: Tensor, A: Tensor, name: str) -> None:
    """``b`` (at least 2-D) fits the square ``A``: rows, dtype and batch dimensions."""
    check_rows_of_b(b, A, name)
    if b.dtype is not A.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{b.dtype.scalar_name} and A of type {A.dtype.scalar_name} instead.")
    _check_batches(A, b, name)


def _check_solve_operands(b: Tensor, A: Tensor, name: str, b_too_flat: str,
                          A_too_flat: str) -> None:
    """PyTorch's checks, in its order, of the right-hand side ``b`` and the matrix ``A`` of
    ``triangular_solve`` and ``cholesky_solve``: dtypes its kernel has, at least 2-D (else
    ``b_too_flat`` or ``A_too_flat``, formatted with the number of dimensions), then
    ``_check_rhs``."""
    check_kernel_dtype(A, f"{name}_cpu")
    check_kernel_dtype(b, f"{name}_cpu")
    if b.ndim < 2:
        raise RuntimeError(b_too_flat.format(b.ndim))
    if A.ndim < 2:
        raise RuntimeError(A_too_flat.format(A.ndim))
    _check_rhs(b, A, name)


def _check_batches(A: Tensor, B: Tensor, name: str) -> None:
    try:
        xp.broadcast_shapes(tuple(A.shape[:-2]), tuple(B.shape[:-2]))
    except ValueError:
        raise RuntimeError(f"{name}: the batch dimensions of A {list(A.shape)} and B "
                           f"{list(B.shape)} do not broadcast") from None


def triangular_solve(b: Tensor, A: Tensor, upper: bool = True, transpose: bool = False,
                     unitriangular: bool = False):
    """``(solution, cloned_coefficient)``: ``X`` with ``A X = b`` (``Aᵀ X = b`` with
    ``transpose=True``) for triangular ``A``, and a copy of ``A``.

    >>> A = torch.tensor([[2., 1.], [0., 4.]])
    >>> torch.triangular_solve(torch.tensor([[3.], [4.]]), A).solution
    tensor([[1.],
            [1.]])
    """
    _check_solve_operands(
        b, A, "triangular_solve",
        "torch.triangular_solve: Expected b to have at least 2 dimensions, but it has {} "
        "dimensions instead",
        "torch.triangular_solve: Expected A to have at least 2 dimensions, but it has {} "
        "dimensions instead")
    X, coefficient = solver_ops.triangular_solve(b, A, upper, transpose, unitriangular)
    return return_types.triangular_solve(X, coefficient)


def cholesky_solve(B: Tensor, L: Tensor, upper: bool = False) -> Tensor:
    """``X`` with ``A X = B``, given the Cholesky factor ``L`` of ``A = L Lᵀ`` (``Uᵀ U`` with
    ``upper=True``).

    >>> L = torch.linalg.cholesky(torch.tensor([[4., 2.], [2., 5.]]))
    >>> torch.cholesky_solve(torch.tensor([[6.], [7.]]), L)
    tensor([[1.],
            [1.]])
    """
    _check_solve_operands(
        B, L, "cholesky_solve",
        "b should have at least 2 dimensions, but has {} dimensions instead. Fix: "
        "unsqueeze(-1) a vector.",
        "u should have at least 2 dimensions, but has {} dimensions instead")
    return solver_ops.cholesky_solve(B, L, upper)


def cholesky_inverse(L: Tensor, upper: bool = False) -> Tensor:
    """The inverse of ``A = L Lᵀ`` (``Uᵀ U`` with ``upper=True``) from its Cholesky factor.

    >>> L = torch.linalg.cholesky(torch.tensor([[4., 2.], [2., 2.]]))
    >>> torch.cholesky_inverse(L)
    tensor([[ 0.5000, -0.5000],
            [-0.5000,  1.0000]])
    """
    check_kernel_dtype(L, "cholesky_inverse_out_cpu")
    check_square(L, "cholesky_inverse")
    return solver_ops.cholesky_inverse(L, upper)


def check_right_hand_side(A: Tensor, B: Tensor, left: bool, name: str) -> None:
    """PyTorch's checks of a solver's ``B`` (a matrix, not a vector) against the square ``A``."""
    if B.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions. Fix: "
                           "unsqueeze(-1) a vector.")
    n = A.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and "
                           f"{B.shape[-2]}x{B.shape[-1]})")


def check_lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, left: bool, name: str) -> None:
    """PyTorch's checks of ``linalg.lu_solve``'s arguments."""
    check_square(LU, name)
    check_pivots(pivots, "linalg.lu_solve")
    check_right_hand_side(LU, B, left, "linalg.lu_solve")
    if B.dtype is not LU.dtype:
        raise RuntimeError(f"linalg.lu_solve: Expected LU and B to have the same dtype, but "
                           f"found LU of type {LU.dtype.scalar_name} and B of type "
                           f"{B.dtype.scalar_name} instead")
    _check_batches(LU, B, "linalg.lu_solve")


def lu_solve(b: Tensor, LU_data: Tensor, LU_pivots: Tensor) -> Tensor:
    """``X`` with ``A X = b`` from the LU factorization of ``A`` (``torch.linalg.lu_factor``'s
    result; ``torch.linalg.lu_solve`` takes the arguments in the other order).

    >>> LU, pivots = torch.linalg.lu_factor(torch.tensor([[1., 2.], [2., 2.]]))
    >>> torch.lu_solve(torch.tensor([[3.], [4.]]), LU, pivots)
    tensor([[1.],
            [1.]])
    """
    check_lu_solve(LU_data, LU_pivots, b, True, "torch.linalg.lu_solve")
    return solver_ops.lu_solve(LU_data, LU_pivots, b, True, False)


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    """The Moore-Penrose pseudo-inverse; singular values below ``rcond`` times the largest
    count as zero.

    >>> torch.pinverse(torch.tensor([[1., 0.], [0., 0.]]))
    tensor([[1., 0.],
            [0., 0.]])
    """
    if input.ndim < 2 or not input.dtype.is_floating_point:
        raise RuntimeError(f"linalg.pinv({input.dtype.scalar_name}{{{list(input.shape)}}}): "
                           "expected a tensor with 2 or more dimensions of float, double, cfloat "
                           "or cdouble types")
    return solver_ops.pinv(input, 0.0, float(rcond))


def matrix_power(input: Tensor, n: int) -> Tensor:
    """``input`` multiplied by itself ``n`` times (``n < 0``: powers of the inverse).

    >>> torch.matrix_power(torch.tensor([[1., 1.], [0., 1.]]), 3)
    tensor([[1., 3.],
            [0., 1.]])
    """
    A = input
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but they "
                           f"are {A.shape[-2] if A.ndim > 1 else A.ndim} by "
                           f"{A.shape[-1] if A.ndim else 0} matrices")
    if n == 0:
        # Copied into a tensor made from A, so the result stays in A's graph (gradient 0).
        eye = Tensor._make(xp.broadcast_to(xp.eye(A.shape[-1], dtype=A._data.dtype), A.shape))
        return (A * 0).copy_(eye)
    if n < 0:
        check_matrix(A, "linalg.inv")
        A, n = selection_ops.inverse(A), -n
    # PyTorch's graph: n = 2 and 3 as plain products ((A A) A), larger n by repeated
    # squaring (about log2(n) products instead of n).
    if n <= 3:
        return A if n == 1 else matmul(A, A) if n == 2 else matmul(matmul(A, A), A)
    result, power = None, A
    while n:
        if n & 1:
            result = power if result is None else matmul(result, power)
        n >>= 1
        if n:
            power = matmul(power, power)
    return result


@removed("torch.linalg.solve", "torch.ones(2, 1), torch.eye(2)",
         " `torch.solve` is deprecated in favor of `torch.linalg.solve`. "
         "`torch.linalg.solve` has its arguments reversed and does not return the LU "
         "factorization.\n\nTo get the LU factorization see `torch.lu`, which can be used with "
         "`torch.lu_solve` or `torch.lu_unpack`.\nX = torch.solve(B, A).solution should be "
         "replaced with:\nX = torch.linalg.solve(A, B)")
def solve(input: Tensor, A: Tensor): ...


@removed("torch.linalg.lstsq", "torch.ones(2, 1), torch.eye(2)",
         " `torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.\n"
         "`torch.linalg.lstsq` has reversed arguments and does not return the QR decomposition "
         "in the returned tuple (although it returns other information about the problem).\n\n"
         "To get the QR decomposition consider using `torch.linalg.qr`.\n\nThe returned solution "
         "in `torch.lstsq` stored the residuals of the solution in the last m - n columns of the "
         "returned value whenever m > n. In torch.linalg.lstsq, the residuals are in the field "
         "'residuals' of the returned named tuple.\n\nThe unpacking of the solution, as in\n"
         "X, _ = torch.lstsq(B, A).solution[:A.size(1)]\nshould be replaced with:\n"
         "X = torch.linalg.lstsq(A, B).solution")
def lstsq(input: Tensor, A: Tensor): ...


@removed("torch.linalg.matrix_rank", "torch.eye(2)",
         "\nPlease use the `torch.linalg.matrix_rank` function instead. The parameter "
         "'symmetric' was renamed in `torch.linalg.matrix_rank()` to 'hermitian'.")
def matrix_rank(input: Tensor, tol=None, symmetric: bool = False): ...
