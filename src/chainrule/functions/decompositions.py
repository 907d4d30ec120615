"""Matrix decompositions as ``torch.*`` functions: ``cholesky``, ``qr``, ``svd``, ``slogdet``,
``logdet``, ``lu``, ``lu_unpack``, ``geqrf``, ``orgqr``, ``ormqr``, ``matrix_exp``,
``nuclear_norm``; and ``eig``/``symeig``, which PyTorch has removed.

Each checks its input as PyTorch does, then calls its row in ``chainrule.ops.decompositions``
(the rows behind ``torch.linalg`` too, which uses the checks defined here).  Real floating
point inputs only: chainrule has no complex dtypes.
"""
from __future__ import annotations

import functools
import math

from ..ops import decompositions as decomposition_ops
from ..ops import matrix_functions as matrix_function_ops
from ..tensor import Tensor
from . import return_types
from .pointwise import where

__all__ = ["cholesky", "qr", "svd", "slogdet", "logdet", "lu", "lu_unpack", "geqrf", "orgqr",
           "ormqr", "matrix_exp", "nuclear_norm", "eig", "symeig"]


# --- PyTorch's checks, shared with chainrule.linalg -----------------------------------------

def check_matrix(A: Tensor, name: str, arg: str = "A") -> None:
    """A (batch of) matrices of a floating dtype, or PyTorch's RuntimeError."""
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor {arg} must have at least 2 dimensions. "
                           "Fix: pass a matrix or a batch of matrices.")
    check_floating(A, name)


def check_floating(A: Tensor, name: str) -> None:
    if not A.dtype.is_floating_point:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {A.dtype.scalar_name}. Fix: call .double() or .float() first.")


def check_square(A: Tensor, name: str, arg: str = "A") -> None:
    """A (batch of) square matrices of a floating dtype, or PyTorch's RuntimeError."""
    if A.ndim >= 2 and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: {arg} must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    check_matrix(A, name, arg)


def check_kernel_dtype(A: Tensor, kernel: str) -> None:
    """PyTorch's NotImplementedError for a LAPACK kernel called on an integer tensor."""
    if not A.dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{A.dtype.scalar_name}\'. '
                                  "Fix: call .double() or .float() first.")


def check_pivots(pivots: Tensor, name: str) -> None:
    if pivots.dtype.name != "int32":
        raise RuntimeError(f"{name}: pivots should be a Tensor of scalar type torch.int32. Fix: "
                           "pass the pivots that lu_factor returned (or .int() them).")


# --- decompositions --------------------------------------------------------------------------

def cholesky(input: Tensor, upper: bool = False) -> Tensor:
    """The Cholesky factor of a positive-definite matrix (``torch.linalg.cholesky``'s older
    spelling; its node is ``CholeskyBackward0``).

    >>> torch.cholesky(torch.tensor([[4., 2.], [2., 5.]]))
    tensor([[2., 0.],
            [1., 2.]])
    """
    check_kernel_dtype(input, "cholesky_cpu")
    check_square(input, "cholesky")
    return decomposition_ops.cholesky_legacy(input, upper)


def qr(input: Tensor, some: bool = True):
    """``(Q, R)`` with ``input = Q R``: reduced (``some=True``) or complete.

    >>> Q, R = torch.qr(torch.tensor([[3., 1.], [4., 2.]]))
    >>> R.abs()
    tensor([[5.0000, 2.2000],
            [0.0000, 0.4000]])
    """
    check_matrix(input, "linalg.qr")
    return return_types.qr(*decomposition_ops.qr(input, "reduced" if some else "complete"))


def svd(input: Tensor, some: bool = True, compute_uv: bool = True):
    """``(U, S, V)`` with ``input = U diag(S) Vᵀ`` (``V``, not ``Vh`` as ``torch.linalg.svd``).

    With ``compute_uv=False``, ``U`` and ``V`` are zero matrices, as in PyTorch.

    >>> torch.svd(torch.tensor([[3., 0.], [0., -2.]])).S
    tensor([3., 2.])
    """
    if input.ndim < 2:
        raise RuntimeError(f"linalg.svd: input should have at least 2 dimensions, but has "
                           f"{input.ndim} dimensions instead")
    check_floating(input, "linalg.svd")
    if not compute_uv:
        S = decomposition_ops.svd(input, False)[1]
        m, n = input.shape[-2], input.shape[-1]
        batch = tuple(input.shape[:-2])
        return return_types.svd(input.new_zeros(batch + (m, m)), S,
                                input.new_zeros(batch + (n, n)))
    U, S, Vh = decomposition_ops.svd(input, not some)
    return return_types.svd(U, S, Vh.mT)


def slogdet(input: Tensor):
    """``(sign, logabsdet)`` of the determinant, computed without overflow.

    >>> torch.slogdet(torch.tensor([[1., 2.], [3., 4.]]))
    torch.return_types.slogdet(
    sign=tensor(-1.),
    logabsdet=tensor(0.6931))
    """
    check_square(input, "linalg.slogdet")
    return return_types.slogdet(*decomposition_ops.slogdet(input))


def logdet(input: Tensor) -> Tensor:
    """``log(det(input))``: nan where the determinant is negative, -inf where it is zero.

    >>> torch.logdet(torch.tensor([[2., 0.], [0., 3.]]))
    tensor(1.7918)
    """
    check_square(input, "logdet")
    sign, logabsdet = decomposition_ops.slogdet(input)
    return where(sign < 0, math.nan, logabsdet)


def lu(A: Tensor, pivot: bool = True, get_infos: bool = False):
    """``(LU, pivots)`` (and ``infos`` with ``get_infos=True``): the LU factorization with
    partial pivoting, packed as ``torch.linalg.lu_factor`` packs it.

    >>> LU, pivots = torch.lu(torch.tensor([[1., 2.], [3., 4.]]))
    >>> pivots
    tensor([2, 2], dtype=torch.int32)
    """
    LU, pivots, info = lu_factor_ex(A, pivot, "torch.lu_factor")
    return return_types._lu_with_info(LU, pivots, info) if get_infos else (LU, pivots)


def lu_factor_ex(A: Tensor, pivot: bool, name: str) -> tuple:
    """``(LU, pivots, info)`` after PyTorch's checks (``name`` is the function in errors)."""
    check_lu_input(A, pivot, name)
    LU, _, pivots, info = decomposition_ops.lu_factor(A)
    return LU, pivots, info


def check_lu_input(A: Tensor, pivot: bool, name: str) -> None:
    """PyTorch's checks before an LU factorization (``name`` is the function in errors)."""
    if A.ndim < 2:
        raise RuntimeError(f"{name}: Expected tensor with 2 or more dimensions. Got size: "
                           f"{list(A.shape)} instead")
    check_kernel_dtype(A, "lu_cpu")
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the "
                           "CPU. Fix: leave pivot=True.")


def lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True,
              unpack_pivots: bool = True):
    """``(P, L, U)`` from ``lu_factor``'s packed result, with ``A = P L U``.

    >>> A = torch.tensor([[1., 2.], [3., 4.]])
    >>> P, L, U = torch.lu_unpack(*torch.linalg.lu_factor(A))
    >>> P @ L @ U
    tensor([[1., 2.],
            [3., 4.]])
    """
    if LU_pivots.dtype.name != "int32":
        raise RuntimeError("torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of "
                           "torch.int32 dtype. Note: this function is intended to be used with "
                           "the output produced by torch.linalg.lu_factor")
    check_matrix(LU_data, "torch.lu_unpack", "LU_data")
    P, L, U = decomposition_ops.lu_unpack(LU_data, LU_pivots, unpack_data)
    return return_types.lu_unpack(P.detach() if unpack_pivots else LU_data.new_zeros((0,)),
                                  L, U)


def geqrf(input: Tensor):
    """``(a, tau)``: the QR decomposition as LAPACK's geqrf stores it (R on and above the
    diagonal of ``a``, the Householder vectors below it; not differentiable, as in PyTorch).

    >>> a, tau = torch.geqrf(torch.tensor([[3., 1.], [4., 2.]]))
    >>> a.triu()
    tensor([[-5.0000, -2.2000],
            [ 0.0000,  0.4000]])
    """
    check_kernel_dtype(input, "geqrf_cpu")
    if input.ndim < 2:
        raise RuntimeError("torch.geqrf: input must have at least 2 dimensions.")
    return return_types.geqrf(*decomposition_ops.geqrf(input))


def check_householder(input: Tensor, tau: Tensor, name: str) -> None:
    check_kernel_dtype(input, "orgqr_cpu")
    if input.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if tau.ndim != input.ndim - 1:
        raise RuntimeError(f"{name}: input.dim() must be greater than or equal to 2 and tau "
                           f"must have one dimension less than input ({input.ndim} and "
                           f"{tau.ndim})")
    if input.shape[-2] < input.shape[-1]:
        raise RuntimeError(f"{name}: input.shape[-2] must be greater than or equal to "
                           "input.shape[-1]")
    if input.shape[-1] < tau.shape[-1]:
        raise RuntimeError(f"{name}: input.shape[-1] must be greater than or equal to "
                           "tau.shape[-1]")
    if tau.dtype is not input.dtype:
        raise RuntimeError(f"{name}: tau dtype {tau.dtype.scalar_name} does not match input "
                           f"dtype {input.dtype.scalar_name}")


def orgqr(input: Tensor, tau: Tensor) -> Tensor:
    """The first columns of ``Q`` from ``geqrf``'s reflectors (as
    ``torch.linalg.householder_product``).

    >>> A = torch.tensor([[3., 1.], [4., 2.]])
    >>> torch.orgqr(*torch.geqrf(A)).abs()
    tensor([[0.6000, 0.8000],
            [0.8000, 0.6000]])
    """
    check_householder(input, tau, "torch.linalg.householder_product")
    return decomposition_ops.householder_product(input, tau)


def ormqr(input: Tensor, tau: Tensor, other: Tensor, left: bool = True,
          transpose: bool = False) -> Tensor:
    """``other`` multiplied by ``Q`` (or ``Qᵀ``) of ``geqrf``'s reflectors, from the left or
    the right, without forming ``Q``.

    >>> a, tau = torch.geqrf(torch.tensor([[3., 1.], [4., 2.]]))
    >>> torch.ormqr(a, tau, torch.tensor([[3.], [4.]]), transpose=True)  # Qᵀ times A's column
    tensor([[-5.],
            [ 0.]])
    """
    check_kernel_dtype(input, "ormqr_cpu")
    if other.ndim < 2 or input.ndim < 2:
        raise RuntimeError("torch.ormqr: input and other must have at least 2 dimensions.")
    if other.ndim != input.ndim:
        raise RuntimeError(f"torch.ormqr: Expected other to have the same number of dimensions "
                           f"as input, but got other.ndim equal to {other.ndim} and input.ndim "
                           f"is equal to {input.ndim}")
    rows = other.shape[-2] if left else other.shape[-1]
    side = "other.shape[-2]" if left else "other.shape[-1]"
    if rows != input.shape[-2]:
        raise RuntimeError(f"torch.ormqr: {side} must be equal to input.shape[-2]")
    if tau.shape[-1] > input.shape[-1]:
        raise RuntimeError("torch.ormqr: tau.shape[-1] must be less than or equal to "
                           "input.shape[-1]")
    if tau.dtype is not input.dtype or other.dtype is not input.dtype:
        raise RuntimeError("torch.ormqr: input, tau and other must have the same dtype. Fix: "
                           "convert them to one dtype.")
    return decomposition_ops.ormqr(input, tau, other, left, transpose)


def matrix_exp(A: Tensor) -> Tensor:
    """The matrix exponential ``exp(A) = I + A + A²/2! + ...`` of each square matrix.

    >>> torch.matrix_exp(torch.tensor([[0., 1.], [0., 0.]]))
    tensor([[1., 1.],
            [0., 1.]])
    """
    check_square(A, "linalg.matrix_exp")
    return matrix_function_ops.matrix_exp(A)


def nuclear_norm(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """The sum of the singular values (of the matrices in ``dim``, by default the last two).

    >>> torch.nuclear_norm(torch.tensor([[3., 0.], [0., -2.]]))
    tensor(5.)
    """
    if isinstance(dim, bool):  # nuclear_norm(input, keepdim)
        dim, keepdim = None, dim
    check_matrix(input, "linalg.matrix_norm")
    if dim is None:
        dim = (-2, -1)
    moved = input.movedim(tuple(dim), (-2, -1))
    s = decomposition_ops.svd(moved, False)[1].sum(-1)
    if keepdim:
        s = s.unsqueeze(-1).unsqueeze(-1).movedim((-2, -1), tuple(dim))
    return s


# The start of PyTorch's error for each function removed in 1.9 (here and in solvers.py).
REMOVED = "This function was deprecated since version 1.9 and is now removed."


def removed(replacement: str, example: str, message: str):
    """Makes the decorated signature one of the functions PyTorch removed in 1.9 (here
    and in solvers.py): calling it raises PyTorch's error, ``REMOVED`` then ``message``;
    its docstring names ``replacement``, with a doctest calling it on ``example``."""
    def decorate(signature):
        @functools.wraps(signature)
        def raise_removed(*args, **kwargs):
            raise RuntimeError(REMOVED + message)
        raise_removed.__doc__ = (
            f"Removed from PyTorch: raises, saying what replaces it (``{replacement}``).\n\n"
            f"    >>> import chainrule as torch\n"
            f"    >>> torch.{signature.__name__}({example})  # doctest: +ELLIPSIS\n"
            f"    Traceback (most recent call last):\n"
            f"    RuntimeError: {REMOVED.rstrip('.')}...\n")  # then "." and the message
        return raise_removed
    return decorate


@removed("torch.linalg.eigh", "torch.eye(2)",
         " `torch.linalg.eig` returns complex tensors of dtype `cfloat` or `cdouble` "
         "rather than real tensors mimicking complex tensors.\n\nL, _ = torch.eig(A) should be "
         "replaced with:\n"
         "L_complex = torch.linalg.eigvals(A)\n\nand\n\nL, V = torch.eig(A, eigenvectors=True) "
         "should be replaced with:\nL_complex, V_complex = torch.linalg.eig(A)\n\n(chainrule has "
         "no complex dtypes: for a symmetric A, use torch.linalg.eigh.)")
def eig(input: Tensor, eigenvectors: bool = False): ...


@removed("torch.linalg.eigh", "torch.eye(2)",
         " The default behavior has changed from using the upper triangular portion of "
         "the matrix by default to using the lower triangular portion.\n\nL, _ = "
         "torch.symeig(A, upper=upper) should be replaced with:\n"
         "L = torch.linalg.eigvalsh(A, UPLO='U' if upper else 'L')\n\nand\n\n"
         "L, V = torch.symeig(A, eigenvectors=True) should be replaced with:\n"
         "L, V = torch.linalg.eigh(A, UPLO='U' if upper else 'L')")
def symeig(input: Tensor, eigenvectors: bool = False, upper: bool = True): ...
