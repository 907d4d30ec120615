"""``torch.linalg``'s products and functions of matrices: ``cross``, ``matmul``, ``vecdot``,
``multi_dot``, ``matrix_power``, ``matrix_exp``, ``diagonal`` and ``vander``.
"""
from __future__ import annotations

from .._backend import xp
from ..functions import decompositions as decomposition_functions
from ..functions import matrix as matrix_functions
from ..functions import solvers as solver_functions
from ..functions.joining import cat
from ..functions.reduction import cumprod
from ..ops import linalg as linalg_ops
from ..tensor import Tensor

__all__ = ["cross", "matmul", "vecdot", "multi_dot", "matrix_power", "matrix_exp", "diagonal",
           "vander"]


def cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (batch dimensions broadcast).

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
    return linalg_ops.cross(input, other, dim)


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """The matrix product (``torch.matmul``).

    >>> torch.linalg.matmul(torch.ones(2, 3), torch.ones(3))
    tensor([3., 3.])
    """
    return matrix_functions.matmul(input, other)


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """The dot product of vectors along ``dim`` (batch dimensions broadcast).

    >>> torch.linalg.vecdot(torch.tensor([[1., 2.], [3., 4.]]), torch.tensor([1., 1.]))
    tensor([3., 7.])
    """
    return (x * y).sum(dim)


def multi_dot(tensors) -> Tensor:
    """The product of a chain of matrices (the first and last may be vectors).

    >>> torch.linalg.multi_dot([torch.ones(2), torch.ones(2, 3), torch.ones(3)])
    tensor(6.)
    """
    return matrix_functions.multi_dot(tensors)


def matrix_power(A: Tensor, n: int) -> Tensor:
    """``A`` multiplied by itself ``n`` times (``n < 0``: powers of the inverse).

    >>> torch.linalg.matrix_power(torch.tensor([[1., 1.], [0., 1.]]), 3)
    tensor([[1., 3.],
            [0., 1.]])
    """
    return solver_functions.matrix_power(A, n)


def matrix_exp(A: Tensor) -> Tensor:
    """The matrix exponential ``exp(A) = I + A + A²/2! + ...`` of each square matrix.

    >>> torch.linalg.matrix_exp(torch.zeros(2, 2))
    tensor([[1., 0.],
            [0., 1.]])
    """
    return decomposition_functions.matrix_exp(A)


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The diagonal of each matrix (a view), ``offset`` above (> 0) or below (< 0) the main one.

    >>> torch.linalg.diagonal(torch.tensor([[1., 2.], [3., 4.]]))
    tensor([1., 4.])
    """
    return matrix_functions.diagonal(A, offset, dim1, dim2)


def vander(x: Tensor, N: int | None = None) -> Tensor:
    """The Vandermonde matrix of ``x`` along its last dimension: columns ``1, x, x², ...,
    x^(N-1)`` (increasing powers, unlike ``torch.vander``).

    >>> torch.linalg.vander(torch.tensor([1., 2., 3.]))
    tensor([[1., 1., 1.],
            [1., 2., 4.],
            [1., 3., 9.]])
    """
    if x.dtype.name == "bool":
        raise RuntimeError("linalg.vander supports floating point, complex, and integer tensors, "
                           "but got Bool. Fix: call .long() or .float() first.")
    x = x.unsqueeze(-1) if x.ndim == 0 else x
    n = x.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    powers = cumprod(x.unsqueeze(-1).expand(tuple(x.shape) + (n - 1,)), -1)
    ones = Tensor._make(xp.ones(tuple(x.shape) + (1,), dtype=powers._data.dtype))
    return cat([ones, powers], -1)
