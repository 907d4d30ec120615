"""``torch.linalg``: norms, inverses, solvers and decompositions of (batches of) matrices.

Real floating-point inputs only.  The derivative rules of the decompositions live in
``ops/decompositions.py``; the rest is built from existing ops.

    >>> import chainrule as torch
    >>> A = torch.tensor([[2., 1.], [1., 3.]])
    >>> torch.linalg.solve(A, torch.tensor([3., 5.]))
    tensor([0.8000, 1.4000])
"""
from __future__ import annotations

import functools
import math

from ._backend import xp
from ._shapes import normalize_dims
from .functions import matrix as matrix_functions
from .ops import decompositions, reduction, selection
from .ops.decompositions import LinAlgError
from .tensor import Tensor

__all__ = [
    "LinAlgError", "cholesky", "cholesky_ex", "cross", "det", "diagonal", "eigh", "eigvalsh",
    "inv", "inv_ex", "lstsq", "matmul", "matrix_norm", "matrix_power", "matrix_rank",
    "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "solve_ex", "svd", "svdvals",
    "vecdot", "vector_norm",
]


# --- named results, as torch.return_types ------------------------------------------------

def _result_type(name: str, fields: tuple):
    """A tuple subclass with named fields that prints as ``torch.return_types.<name>``."""

    def __new__(cls, *values):
        return tuple.__new__(cls, values)

    def __repr__(self) -> str:
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"

    namespace = {"__new__": __new__, "__repr__": __repr__, "__slots__": (),
                 "_fields": fields, "n_fields": len(fields), "__module__": "torch.return_types"}
    for i, field in enumerate(fields):
        namespace[field] = property(lambda self, i=i: self[i])
    return type(name, (tuple,), namespace)


linalg_slogdet = _result_type("linalg_slogdet", ("sign", "logabsdet"))
linalg_qr = _result_type("linalg_qr", ("Q", "R"))
linalg_svd = _result_type("linalg_svd", ("U", "S", "Vh"))
linalg_eigh = _result_type("linalg_eigh", ("eigenvalues", "eigenvectors"))
linalg_lstsq = _result_type("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))
linalg_inv_ex = _result_type("linalg_inv_ex", ("inverse", "info"))
linalg_cholesky_ex = _result_type("linalg_cholesky_ex", ("L", "info"))
linalg_solve_ex = _result_type("linalg_solve_ex", ("result", "info"))


# --- checks ------------------------------------------------------------------------------

def _check_matrix(A: Tensor, name: str) -> None:
    if A.ndim < 2:
        raise RuntimeError(f"linalg.{name}: The input tensor A must have at least 2 dimensions. "
                           "Fix: pass a matrix or a batch of matrices.")
    if not A.dtype.is_floating_point:
        raise RuntimeError(f"linalg.{name}: Expected a floating point or complex tensor as input. "
                           f"Got {A.dtype.scalar_name}. Fix: call .double() "
                           "or .float() first.")


def _check_square(A: Tensor, name: str) -> None:
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2] if A.ndim > 1 else A.ndim} by "
                           f"{A.shape[-1] if A.ndim else 0} matrices")
    _check_matrix(A, name)


def _eps(A: Tensor) -> float:
    return float(xp.finfo(A._data.dtype).eps)


# --- norms ---------------------------------------------------------------------------------

def vector_norm(x: Tensor, ord: float = 2, dim=None, keepdim: bool = False, *,
                dtype=None) -> Tensor:
    """The vector ``ord``-norm of all elements of ``x``, or over ``dim``.

    >>> import chainrule as torch
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
    return reduction.vector_norm(x, float(ord), normalize_dims(dim, x.ndim), keepdim)


def matrix_norm(A: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *,
                dtype=None) -> Tensor:
    """A matrix norm of ``A`` (or of each matrix in a batch): 'fro', 'nuc', inf, -inf, 1, -1, 2, -2.

    >>> import chainrule as torch
    >>> A = torch.tensor([[1., -2.], [3., 4.]])
    >>> torch.linalg.matrix_norm(A), torch.linalg.matrix_norm(A, ord=1)
    (tensor(5.4772), tensor(6.))
    """
    if dtype is not None:
        A = A.to(dtype)
    _check_matrix(A, "matrix_norm")
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
    s = svdvals(A.movedim((d0, d1), (-2, -1)))
    out = s.sum(-1) if ord == "nuc" else s.amax(-1) if ord == 2 else s.amin(-1)
    if keepdim:
        out = out.unsqueeze(-1).unsqueeze(-1).movedim((-2, -1), (d0, d1))
    return out


def norm(A: Tensor, ord=None, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """A vector or matrix norm, chosen as PyTorch chooses (by ``ord``, ``dim`` and ``A.ndim``).

    >>> import chainrule as torch
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


# --- inverses, determinants, solvers ------------------------------------------------------

def inv(A: Tensor) -> Tensor:
    """The inverse of a square matrix (or of each matrix in a batch).

    >>> import chainrule as torch
    >>> torch.linalg.inv(torch.tensor([[2., 0.], [0., 4.]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
    """
    _check_square(A, "inv")
    try:
        return selection.inverse(A)
    except RuntimeError as e:
        raise LinAlgError(str(e)) from None


def inv_ex(A: Tensor, *, check_errors: bool = False):
    """``inv`` returning ``(inverse, info)``; ``info`` is 0 where the inversion succeeded.

    >>> import chainrule as torch
    >>> torch.linalg.inv_ex(torch.eye(2)).info
    tensor(0, dtype=torch.int32)
    """
    _check_square(A, "inv_ex")
    return linalg_inv_ex(inv(A), _info(A.shape[:-2]))


def _info(batch) -> Tensor:
    return Tensor._make(xp.zeros(tuple(batch), dtype=xp.int32))


def det(A: Tensor) -> Tensor:
    """The determinant of a square matrix (or of each matrix in a batch).

    >>> import chainrule as torch
    >>> torch.linalg.det(torch.tensor([[1., 2.], [3., 4.]]))
    tensor(-2.)
    """
    _check_square(A, "det")
    return selection.det(A)


def slogdet(A: Tensor):
    """``(sign, logabsdet)`` of the determinant, computed without overflow.

    >>> import chainrule as torch
    >>> torch.linalg.slogdet(torch.tensor([[1., 2.], [3., 4.]]))
    torch.return_types.linalg_slogdet(
    sign=tensor(-1.),
    logabsdet=tensor(0.6931))
    """
    _check_square(A, "slogdet")
    return linalg_slogdet(*decompositions.slogdet(A))


def _is_vector_rhs(A: Tensor, B: Tensor) -> bool:
    """PyTorch reads B as a (batch of) vector(s) if it is 1-D or has exactly A's batch shape."""
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:
    """The solution ``X`` of ``A X = B`` (``X A = B`` with ``left=False``) for square ``A``.

    >>> import chainrule as torch
    >>> torch.linalg.solve(torch.tensor([[2., 0.], [0., 4.]]), torch.tensor([[2.], [2.]]))
    tensor([[1.0000],
            [0.5000]])
    """
    _check_square(A, "solve")
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
        return decompositions.solve(A, B, left, vector)
    except ValueError:
        raise RuntimeError(f"linalg.solve: the batch dimensions of A {list(A.shape)} and B "
                           f"{list(B.shape)} do not broadcast") from None


def solve_ex(A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False):
    """``solve`` returning ``(result, info)``; ``info`` is 0 where the solve succeeded.

    >>> import chainrule as torch
    >>> torch.linalg.solve_ex(torch.eye(2), torch.ones(2)).result
    tensor([1., 1.])
    """
    return linalg_solve_ex(solve(A, B, left=left), _info(A.shape[:-2]))


def _default_tolerances(A: Tensor, atol, rtol):
    """PyTorch's rule: rtol defaults to eps * max(m, n) unless only atol is given."""
    if rtol is None:
        rtol = _eps(A) * max(A.shape[-2], A.shape[-1]) if atol is None or atol == 0 else 0.0
    return float(atol or 0.0), float(rtol)


def pinv(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False) -> Tensor:
    """The Moore-Penrose pseudo-inverse (singular values below the tolerance count as zero).

    >>> import chainrule as torch
    >>> torch.linalg.pinv(torch.tensor([[1., 0.], [0., 0.]]))
    tensor([[1., 0.],
            [0., 0.]])
    """
    _check_matrix(A, "pinv")
    atol, rtol = _default_tolerances(A, atol, rtol)
    return decompositions.pinv(A, atol, rtol)


def lstsq(A: Tensor, B: Tensor, rcond=None, *, driver=None):
    """The least-squares solution of ``A X = B``, as ``(solution, residuals, rank,
    singular_values)`` (residuals and singular values as PyTorch's CPU drivers give them).

    >>> import chainrule as torch
    >>> A = torch.tensor([[1., 0.], [0., 1.], [0., 0.]])
    >>> torch.linalg.lstsq(A, torch.tensor([[1.], [2.], [3.]])).solution
    tensor([[1.],
            [2.]])
    """
    _check_matrix(A, "lstsq")
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
    solution = decompositions.lstsq(A, B, 0.0, rtol, vector)
    s = xp.linalg.svd(A._data, compute_uv=False)
    smax = s.max(axis=-1, keepdims=True) if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,))
    rank_arr = (s > rtol * smax).sum(-1).astype(xp.int64)
    rank = Tensor._make(xp.asarray(rank_arr))
    empty = Tensor._make(xp.zeros((0,), dtype=A._data.dtype))
    singular_values = Tensor._make(s) if driver in ("gelsd", "gelss") else empty
    residuals = empty
    if driver != "gelsy" and m > n and bool((rank_arr == n).all()):
        rhs = B.unsqueeze(-1) if vector else B
        residuals = decompositions.lstsq_residuals(A, rhs, 0.0, rtol)
        residuals = residuals.squeeze(-1) if vector else residuals
    return linalg_lstsq(solution, residuals, rank, singular_values)


def matrix_rank(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, tol=None) -> Tensor:
    """The number of singular values above the tolerance, for each matrix (int64).

    >>> import chainrule as torch
    >>> torch.linalg.matrix_rank(torch.tensor([[1., 2.], [2., 4.]]))
    tensor(1)
    """
    _check_matrix(A, "matrix_rank")
    if tol is not None:
        atol, rtol = tol, 0.0
    atol, rtol = _default_tolerances(A, atol, rtol)
    s = xp.linalg.svd(A._data, compute_uv=False)
    smax = s.max(axis=-1, keepdims=True) if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,))
    cutoff = xp.maximum(atol, rtol * smax)
    return Tensor._make(xp.asarray((s > cutoff).sum(-1).astype(xp.int64)))


# --- decompositions --------------------------------------------------------------------------

def cholesky(A: Tensor, *, upper: bool = False) -> Tensor:
    """The Cholesky factor ``L`` (lower triangular, ``A = L Lᵀ``) of a positive-definite matrix.

    >>> import chainrule as torch
    >>> torch.linalg.cholesky(torch.tensor([[4., 2.], [2., 5.]]))
    tensor([[2., 0.],
            [1., 2.]])
    """
    _check_square(A, "cholesky")
    return decompositions.cholesky(A, upper)


def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False):
    """``cholesky`` returning ``(L, info)``; ``info`` is 0 where the factorization succeeded.

    >>> import chainrule as torch
    >>> torch.linalg.cholesky_ex(torch.eye(2)).info
    tensor(0, dtype=torch.int32)
    """
    return linalg_cholesky_ex(cholesky(A, upper=upper), _info(A.shape[:-2]))


def qr(A: Tensor, mode: str = "reduced"):
    """The QR decomposition ``A = Q R`` (``mode``: 'reduced', 'complete' or 'r').

    >>> import chainrule as torch
    >>> Q, R = torch.linalg.qr(torch.tensor([[3., 1.], [4., 2.]]))
    >>> (Q @ R).round(decimals=4)
    tensor([[3., 1.],
            [4., 2.]])
    """
    _check_matrix(A, "qr")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' "
                           "(default), 'r', or 'complete'")
    return linalg_qr(*decompositions.qr(A, mode))


def svd(A: Tensor, full_matrices: bool = True, *, driver=None):
    """The singular value decomposition ``A = U diag(S) Vh`` (S in descending order).

    >>> import chainrule as torch
    >>> U, S, Vh = torch.linalg.svd(torch.tensor([[3., 0.], [0., -2.]]))
    >>> S
    tensor([3., 2.])
    """
    _check_matrix(A, "svd")
    return linalg_svd(*decompositions.svd(A, full_matrices))


def svdvals(A: Tensor, *, driver=None) -> Tensor:
    """The singular values of ``A``, in descending order.

    >>> import chainrule as torch
    >>> torch.linalg.svdvals(torch.tensor([[3., 0.], [0., -2.]]))
    tensor([3., 2.])
    """
    _check_matrix(A, "svdvals")
    return decompositions.svd(A, False)[1]


def _check_uplo(UPLO: str) -> None:
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")


def eigh(A: Tensor, UPLO: str = "L"):
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix (its ``UPLO`` triangle).

    >>> import chainrule as torch
    >>> torch.linalg.eigh(torch.tensor([[2., 0.], [0., 1.]])).eigenvalues
    tensor([1., 2.])
    """
    _check_square(A, "eigh")
    _check_uplo(UPLO)
    return linalg_eigh(*decompositions.eigh(A, UPLO))


def eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:
    """The eigenvalues (ascending) of a symmetric matrix.

    >>> import chainrule as torch
    >>> torch.linalg.eigvalsh(torch.tensor([[2., 1.], [1., 2.]]))
    tensor([1., 3.])
    """
    _check_square(A, "eigvalsh")
    _check_uplo(UPLO)
    return decompositions.eigh(A, UPLO)[0]


# --- products ----------------------------------------------------------------------------

def cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (batch dimensions broadcast).

    >>> import chainrule as torch
    >>> torch.linalg.cross(torch.tensor([1., 0., 0.]), torch.tensor([0., 1., 0.]))
    tensor([0., 0., 1.])
    """
    if input.ndim != other.ndim:
        raise RuntimeError(f"linalg.cross: inputs must have the same number of dimensions. Got "
                           f"{input.ndim} and {other.ndim}. Fix: unsqueeze the smaller one.")
    if input.ndim == 0 or input.shape[dim] != 3 or other.shape[dim] != 3:
        got = (input.shape[dim], other.shape[dim]) if input.ndim else (0, 0)
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{got[0]} and {got[1]}")
    return decompositions.cross(input, other, dim)


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """The matrix product (``torch.matmul``).

    >>> import chainrule as torch
    >>> torch.linalg.matmul(torch.ones(2, 3), torch.ones(3))
    tensor([3., 3.])
    """
    return matrix_functions.matmul(input, other)


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """The dot product of vectors along ``dim`` (batch dimensions broadcast).

    >>> import chainrule as torch
    >>> torch.linalg.vecdot(torch.tensor([[1., 2.], [3., 4.]]), torch.tensor([1., 1.]))
    tensor([3., 7.])
    """
    return (x * y).sum(dim)


def multi_dot(tensors) -> Tensor:
    """The product of a chain of matrices (the first and last may be vectors).

    >>> import chainrule as torch
    >>> torch.linalg.multi_dot([torch.ones(2), torch.ones(2, 3), torch.ones(3)])
    tensor(6.)
    """
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    for i, t in enumerate(tensors):
        allowed = (1, 2) if i in (0, len(tensors) - 1) else (2,)
        if t.ndim not in allowed:
            where = "first" if i == 0 else "last" if i == len(tensors) - 1 else None
            raise RuntimeError(
                f"multi_dot(): the {where} tensor must be 1D or 2D but got {t.ndim}D"
                if where else f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
    first, last = tensors[0], tensors[-1]
    shape = first.shape[:-1] + last.shape[1:]
    # Vectors at the ends become a row and a column, and the product is viewed back into
    # shape (PyTorch's node is a ViewBackward0, for matrices too).
    tensors[0] = first.unsqueeze(0) if first.ndim == 1 else first
    tensors[-1] = last.unsqueeze(-1) if last.ndim == 1 else last
    return functools.reduce(matrix_functions.mm, tensors).view(shape)


def matrix_power(A: Tensor, n: int) -> Tensor:
    """``A`` multiplied by itself ``n`` times (``n < 0``: powers of the inverse).

    >>> import chainrule as torch
    >>> torch.linalg.matrix_power(torch.tensor([[1., 1.], [0., 1.]]), 3)
    tensor([[1., 3.],
            [0., 1.]])
    """
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but they "
                           f"are {A.shape[-2] if A.ndim > 1 else A.ndim} by "
                           f"{A.shape[-1] if A.ndim else 0} matrices")
    if n == 0:
        # Copied into a tensor made from A, so the result stays in A's graph (gradient 0).
        eye = Tensor._make(xp.broadcast_to(xp.eye(A.shape[-1], dtype=A._data.dtype), A.shape))
        return (A * 0).copy_(eye)
    if n < 0:
        A, n = inv(A), -n
    # Repeated squaring: about log2(n) products instead of n.
    result, power = None, A
    while n:
        if n & 1:
            result = power if result is None else matrix_functions.matmul(result, power)
        n >>= 1
        if n:
            power = matrix_functions.matmul(power, power)
    return result


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The diagonal of each matrix (a view), ``offset`` above (> 0) or below (< 0) the main one.

    >>> import chainrule as torch
    >>> torch.linalg.diagonal(torch.tensor([[1., 2.], [3., 4.]]))
    tensor([1., 4.])
    """
    return matrix_functions.diagonal(A, offset, dim1, dim2)
