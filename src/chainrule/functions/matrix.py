"""Matrices: products (``dot``, ``mm``, ``matmul``, ``einsum``, ``tensordot``, ...), inverse,
determinant, diagonals and trace.

Each checks shapes and dtypes as PyTorch does, then calls its row in
``chainrule.ops.linalg`` or ``chainrule.ops.selection``; the ``add*`` forms and
``kron``/``inner``/``cdist`` are composed from the products.
"""
from __future__ import annotations

import builtins
import functools
import math
import warnings

from .. import _dtypes
from .._backend import xp
from .._shapes import wrap_dim
from ..ops import linalg as linalg_ops
from ..ops import pointwise as pointwise_ops
from ..ops import selection as selection_ops
from ..ops import shape as shape_ops
from ..ops import trilinear as trilinear_ops
from ..tensor import Tensor
from .arguments import accept_numpy_names, require_tensor
from .creation import not_implemented
from .indexing import setitem
from .joining import cat
from .out import CPP_NAMES, SAME, out_variant, write_out
from .pointwise import _check_alpha, clamp
from .reduction import cumprod, norm
from .shape import flip, movedim, narrow, reshape, unsqueeze, view

__all__ = [
    "dot", "mv", "mm", "bmm", "matmul", "outer", "ger", "einsum", "addmm", "baddbmm", "addmv",
    "addbmm", "addr", "tensordot", "kron", "inner", "vdot", "cdist", "cross", "diag", "diagonal",
    "diag_embed", "trace", "inverse", "det", "cov", "corrcoef", "diagflat", "vander",
]

_TENSORDOT_DTYPE = ("tensordot: Expected the output tensor to have dtype {result}, but got an "
                    "output tensor with dtype {out}")


def _dtype_name(t) -> str:
    return {"float32": "float", "float64": "double", "float16": "Half", "int64": "long",
            "int32": "int", "int16": "short", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool"}[t.dtype.name]


def _same_dtype(a, b) -> None:
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_dtype_name(a)} != "
            f"{_dtype_name(b)}. Fix: convert one of them, e.g. b.to(a.dtype).")


def _operand_arrays(name: str, input, other, other_name: str) -> tuple:
    """The arrays of a product's two operands, once both are known to be tensors.

    The checks that follow read the arrays' own shape and dtype: Tensor.shape builds a
    torch.Size on each use, and small products are dominated by such overheads.
    """
    if type(input) is not Tensor or type(other) is not Tensor:  # (plain tensors: no calls)
        require_tensor(input, name, "input", 1)
        require_tensor(other, name, other_name, 2)
    return input._data, other._data


@out_variant(SAME, message="result dtype {out} does not match input dtype {result}")
def dot(input, other, *, out=None):
    """Dot product of two 1-d tensors.

    >>> torch.dot(torch.tensor([1., 2.]), torch.tensor([3., 4.]))
    tensor(11.)
    """
    if out is not None:
        return write_out(out, dot, (input, other))
    if type(input) is Tensor and type(other) is Tensor:
        a, b = input._data, other._data
        # The usual call passes every check below at once (equal 1-d shapes, the same NumPy
        # dtype object): one test instead of the checks' calls and comparisons.
        if a.ndim == 1 and a.shape == b.shape and a.dtype is b.dtype:
            return linalg_ops.dot(input, other)
    _check_dot(input, other)
    return linalg_ops.dot(input, other)


def _check_dot(input, other) -> None:
    a, b = _operand_arrays("dot", input, other, "tensor")
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src "
            f"[{other.shape[0]}] to have the same number of elements, but got {input.shape[0]} "
            f"and {other.shape[0]} elements respectively")
    if a.dtype != b.dtype:
        raise RuntimeError(
            f"dot : expected both vectors to have same dtype, but found {_dtype_name(input)} "
            f"and {_dtype_name(other)}")


@out_variant(SAME)
def mv(input, vec, *, out=None):
    """Matrix-vector product.

    >>> torch.mv(torch.eye(2), torch.tensor([1., 2.]))
    tensor([1., 2.])
    """
    if out is not None:
        return write_out(out, mv, (input, vec))
    if type(input) is Tensor and type(vec) is Tensor:
        a, v = input._data, vec._data
        # The usual call passes every check below at once (see dot).
        if a.ndim == 2 and v.ndim == 1 and a.shape[1] == v.shape[0] and a.dtype is v.dtype:
            return linalg_ops.mv(input, vec)
    a, v = _operand_arrays("mv", input, vec, "vec")
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {v.ndim}")
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x"
                           f"{a.shape[1]}), vec ({v.shape[0]})")
    _same_dtype(input, vec)
    return linalg_ops.mv(input, vec)


@out_variant(SAME)
def mm(input, mat2):
    """Matrix product of two 2-d tensors.

    >>> torch.mm(torch.ones(2, 3), torch.ones(3, 1))
    tensor([[3.],
            [3.]])
    """
    return _mm(input, mat2)


def _mm(input, mat2):
    """``mm`` without its ``out=`` wrapper (``matmul`` of two matrices calls it)."""
    _require_ndim("mm", input, mat2, 2, "self must be a matrix", "mat2 must be a matrix")
    # (read from the arrays: see _operand_arrays)
    if input._data.shape[1] != mat2._data.shape[0]:
        _check_multipliable(input, mat2)
    _same_dtype(input, mat2)
    return linalg_ops.mm(input, mat2)


def _require_ndim(fn: str, input, mat2, ndim: int, input_error: str, mat2_error: str) -> None:
    """The checks ``mm`` and ``bmm`` share: two tensors of ``ndim`` dimensions, else
    PyTorch's message for the one that is not (read from the arrays: see ``dot``)."""
    a, b = _operand_arrays(fn, input, mat2, "mat2")
    if a.ndim != ndim:
        raise RuntimeError(input_error)
    if b.ndim != ndim:
        raise RuntimeError(mat2_error)


def _check_multipliable(mat1, mat2) -> None:
    if mat1.shape[1] != mat2.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({mat1.shape[0]}x{mat1.shape[1]} and "
            f"{mat2.shape[0]}x{mat2.shape[1]})")


@out_variant(SAME)
def bmm(input, mat2):
    """Batched matrix product of two 3-d tensors.

    >>> torch.bmm(torch.ones(4, 2, 3), torch.ones(4, 3, 5)).shape
    torch.Size([4, 2, 5])
    """
    _require_ndim("bmm", input, mat2, 3, "batch1 must be a 3D tensor", "batch2 must be a 3D tensor")
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{input.shape[0]}, {input.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}].")
    _same_dtype(input, mat2)
    return linalg_ops.bmm(input, mat2)


@out_variant(SAME)
def matmul(input, other):
    """Matrix product with PyTorch's rules for 1-d operands and broadcast batch dimensions.

    >>> (torch.ones(5, 2, 3) @ torch.ones(3)).shape
    torch.Size([5, 2])
    """
    a, b = _operand_arrays("matmul", input, other, "other")
    a, b = a.ndim, b.ndim
    if a == 2 and b == 2:  # the commonest case first
        return _mm(input, other)
    if a == 0 or b == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a}D and {b}D")
    if a == 1 and b == 1:
        return dot(input, other)
    if a == 2 and b == 1:
        return mv(input, other)
    if a == 1 and b == 2:
        return linalg_ops.squeeze_back(mm(input.unsqueeze(0), other), 0)
    _same_dtype(input, other)
    if a >= 3 and (b <= 2 or (b <= a and math.prod(other.shape[:-2]) == 1)):
        # Fold the batch into the rows of one matrix product.
        k = input.shape[-1]
        if other.shape[-2 if b > 1 else 0] != k:
            _raise_mismatch(input, other)
        rows = input.reshape(-1, k)
        if b == 1:
            return shape_ops.unsafe_view(mv(rows, other), input.shape[:-1])
        mat = other.reshape(other.shape[-2:]) if b > 2 else other
        return shape_ops.unsafe_view(mm(rows, mat), input.shape[:-1] + (mat.shape[-1],))
    if a <= 2 and b >= 3:
        # (x @ Y) = (Yᵀ @ xᵀ)ᵀ: fold Y's batch into rows instead.
        k = input.shape[-1]
        if other.shape[-2] != k:
            _raise_mismatch(input, other)
        rows = other.mT.reshape(-1, k)
        batch, n = other.shape[:-2], other.shape[-1]
        if a == 1:
            return shape_ops.unsafe_view(mv(rows, input), batch + (n,))
        out = shape_ops.unsafe_view(mm(rows, input.t()), batch + (n, input.shape[0]))
        return out.mT.clone()
    # Both are (batches of) matrices: PyTorch expands both to the common batch shape,
    # flattens it into one batch dimension, multiplies with bmm and reshapes the result.
    if input.shape[-1] != other.shape[-2]:
        _raise_mismatch(input, other)
    try:
        batch = xp.broadcast_shapes(input.shape[:-2], other.shape[:-2])
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({input.shape[-3]}) must match the size of tensor b "
            f"({other.shape[-3]}) at non-singleton dimension 0") from None
    count = math.prod(batch)
    x = input.expand(batch + input.shape[-2:]).reshape(count, *input.shape[-2:])
    y = other.expand(batch + other.shape[-2:]).reshape(count, *other.shape[-2:])
    return shape_ops.unsafe_view(linalg_ops.bmm(x, y), batch + (x.shape[-2], y.shape[-1]))


def _raise_mismatch(input, other):
    x = input if input.ndim > 1 else input.unsqueeze(0)
    y = other if other.ndim > 1 else other.unsqueeze(-1)
    raise RuntimeError(
        f"Expected size for first two dimensions of batch2 tensor to be: "
        f"[{math.prod(x.shape[:-2])}, {x.shape[-1]}] but got: "
        f"[{math.prod(y.shape[:-2])}, {y.shape[-2]}]. Fix: the last dimension of "
        f"the first operand ({list(input.shape)}) must equal the second-to-last of the "
        f"second ({list(other.shape)}).")


@out_variant()
def outer(input, vec2):
    """Outer product of two 1-d tensors.

    >>> torch.outer(torch.tensor([1., 2.]), torch.tensor([1., 10.]))
    tensor([[ 1., 10.],
            [ 2., 20.]])
    """
    if input.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError("outer: Expected 1-D argument self, but got "
                           f"{input.ndim if input.ndim != 1 else vec2.ndim}-D")
    return input.reshape(-1, 1) * vec2  # recorded as MulBackward0, as PyTorch does


@out_variant()
def ger(input, vec2):
    """``outer``, by its old name (PyTorch warns that it is deprecated).

    >>> import warnings, chainrule as torch
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     torch.ger(torch.tensor([1., 2.]), torch.tensor([3., 4.]))
    tensor([[3., 4.],
            [6., 8.]])
    """
    warnings.warn("torch.ger is deprecated and will be removed in a future PyTorch release. Use "
                  "torch.outer instead.", UserWarning, stacklevel=2)
    return outer.without_out(input, vec2)


def einsum(equation: str, *operands):
    """Sum of products over the labelled dimensions of the operands (Einstein notation).

    >>> a = torch.arange(6.).reshape(2, 3)
    >>> torch.einsum('ij,j->i', a, torch.ones(3))
    tensor([ 3., 12.])
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    labels, out_labels = linalg_ops._parse_einsum(equation, [t.shape for t in operands])
    for t in operands[1:]:
        if t.dtype is not operands[0].dtype:
            raise RuntimeError(
                f"expected scalar type {operands[0].dtype.name} but found {t.dtype.name}. Fix: "
                "convert the operands to one dtype first, e.g. b.to(a.dtype).")
    sizes = {}
    for k, (lbl, t) in enumerate(zip(labels, operands)):
        for c, n in zip(lbl, t.shape):
            if sizes.setdefault(c, n) != n and n != 1 and sizes[c] != 1:
                raise RuntimeError(
                    f"einsum(): operands do not broadcast with remapped shapes (original->"
                    f"remapped): subscript '{c}' has size {sizes[c]} and {n} in operand {k}")
            if sizes[c] == 1:
                sizes[c] = n
    for c in out_labels:
        if c not in sizes:
            raise RuntimeError(
                f"einsum(): output subscript {c} does not appear in the equation for any input "
                "operand")
    return linalg_ops.einsum(list(operands), labels, out_labels)


@out_variant(SAME)
def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat1 @ mat2)`` (``input`` broadcasts).

    >>> torch.addmm(torch.ones(2, 2), torch.eye(2), torch.eye(2))
    tensor([[2., 1.],
            [1., 2.]])
    """
    _check_same_dtype(input, mat1, mat2)
    for name, matrix in (("mat1", mat1), ("mat2", mat2)):
        if matrix.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {matrix.ndim}-D tensor")
    _check_multipliable(mat1, mat2)
    input.expand(mat1.shape[0], mat2.shape[1])  # PyTorch's error where input does not broadcast
    return linalg_ops.addmm(input, mat1, mat2, *_factors(input, beta, alpha))


@out_variant(SAME)
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``beta * input + alpha * (batch1 @ batch2)``, one product per batch entry.

    >>> torch.baddbmm(torch.zeros(1, 2, 2), torch.ones(1, 2, 3), torch.ones(1, 3, 2))
    tensor([[[3., 3.],
             [3., 3.]]])
    """
    _check_batches(batch1, batch2, "baddbmm")
    input.expand(batch1.shape[0], batch1.shape[1], batch2.shape[2])  # PyTorch's error
    if input.dtype is not batch1.dtype:
        raise RuntimeError(f"Input dtypes must be the same, got: input "
                           f"{CPP_NAMES[input.dtype.name]}, batch1: "
                           f"{CPP_NAMES[batch1.dtype.name]}, batch2: "
                           f"{CPP_NAMES[batch2.dtype.name]}")
    if batch2.dtype is not batch1.dtype:
        raise RuntimeError(f"expected scalar type {batch1.dtype.scalar_name} but found "
                           f"{batch2.dtype.scalar_name}")
    return linalg_ops.baddbmm(input, batch1, batch2, *_factors(input, beta, alpha))


def _check_batches(batch1, batch2, name) -> None:
    for label, t_ in (("batch1", batch1), ("batch2", batch2)):
        if t_.ndim != 3:
            raise RuntimeError(f"{label} must be a 3D tensor")
    if name == "addbmm":
        if batch1.shape[0] != batch2.shape[0]:
            raise RuntimeError(f"batch1 and batch2 must have same number of batches, got "
                               f"{batch1.shape[0]} and {batch2.shape[0]}")
        if batch1.shape[2] != batch2.shape[1]:
            raise RuntimeError(f"Incompatible matrix sizes for bmm ({batch1.shape[1]}x"
                               f"{batch1.shape[2]} and {batch2.shape[1]}x{batch2.shape[2]})")
    elif (batch2.shape[0], batch2.shape[1]) != (batch1.shape[0], batch1.shape[2]):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{batch1.shape[0]}, {batch1.shape[2]}] but got: "
                           f"[{batch2.shape[0]}, {batch2.shape[1]}].")


def _check_same_dtype(input, mat1, mat2) -> None:
    """addmm's and addbmm's dtype checks, in PyTorch's order and words."""
    for name, first in (("self", input), ("mat1", mat1)):
        if first.dtype is not mat2.dtype:
            raise RuntimeError(f"{name} and mat2 must have the same dtype, but got "
                               f"{first.dtype.scalar_name} and {mat2.dtype.scalar_name}. Fix: "
                               "convert them to one dtype (e.g. .float()).")


def _factors(input, beta, alpha) -> tuple:
    """``beta`` and ``alpha`` as PyTorch casts them to an integer result's type: truncated,
    and wrapped into its range (``alpha=-1`` is 255 for uint8, whose arithmetic wraps too)."""
    if input.dtype.is_floating_point or input.dtype is _dtypes.bool:
        return beta, alpha
    return tuple(int(xp.array(int(f)).astype(input.dtype.np)) for f in (beta, alpha))


@out_variant(SAME)
def addmv(input, mat, vec, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat @ vec)``.

    >>> torch.addmv(torch.ones(2), torch.eye(2), torch.tensor([1., 2.]))
    tensor([2., 3.])
    """
    if mat.ndim != 2 or vec.ndim != 1 or input.ndim > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.ndim}, {mat.ndim}, "
                           f"{vec.ndim}")
    if mat.shape[1] != vec.shape[0] or input.numel() not in (1, mat.shape[0]):
        raise RuntimeError(f"size mismatch, got input ({input.shape[0] if input.ndim else 1}), "
                           f"mat ({mat.shape[0]}x{mat.shape[1]}), vec ({vec.shape[0]})")
    if input.dtype is not mat.dtype or vec.dtype is not mat.dtype:
        raise RuntimeError("addmv input tensors must have the same dtype, but got "
                           f"{input.dtype.scalar_name}, {mat.dtype.scalar_name}, and "
                           f"{vec.dtype.scalar_name}")
    if mat.dtype is _dtypes.bool:
        raise not_implemented("addmv_impl_cpu", mat.dtype)
    return linalg_ops.addmv(input, mat, vec, *_factors(input, beta, alpha))


@out_variant(SAME, message="self and mat2 must have the same dtype, but got {out} and {result}")
def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``beta * input + alpha * sum_i (batch1[i] @ batch2[i])``.

    >>> torch.addbmm(torch.zeros(2, 2), torch.ones(3, 2, 1), torch.ones(3, 1, 2))
    tensor([[3., 3.],
            [3., 3.]])
    """
    _check_batches(batch1, batch2, "addbmm")
    input.expand(batch1.shape[1], batch2.shape[2])  # PyTorch's error where it does not broadcast
    _check_same_dtype(input, batch1, batch2)
    return linalg_ops.addbmm(input, batch1, batch2, *_factors(input, beta, alpha))


@out_variant()
def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """``beta * input + alpha * outer(vec1, vec2)``.

    >>> torch.addr(torch.zeros(2, 2), torch.tensor([1., 2.]), torch.tensor([1., 1.]))
    tensor([[1., 1.],
            [2., 2.]])
    """
    for label, vec in (("vec1", vec1), ("vec2", vec2)):
        if vec.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {label}, but got {vec.ndim}-D")
    input.expand(vec1.shape[0], vec2.shape[0])  # PyTorch's error where it does not broadcast
    if input.dtype is _dtypes.bool and vec1.dtype is _dtypes.bool and vec2.dtype is _dtypes.bool:
        beta, alpha = bool(beta), bool(alpha)  # (logical and/or, as PyTorch computes them)
    else:
        for label, factor in (("beta", beta), ("alpha", alpha)):
            if isinstance(factor, bool):
                raise RuntimeError(f"Boolean {label} only supported for Boolean results.")
        _check_alpha(alpha, input, vec1, vec2)
    return linalg_ops.addr(input, vec1, vec2, beta, alpha)


@out_variant(SAME, message=_TENSORDOT_DTYPE)
def tensordot(a, b, dims=2):
    """Contract the last ``dims`` dimensions of ``a`` with the first ``dims`` of ``b``, or the
    listed pairs ``dims=([a dims], [b dims])``.

    >>> torch.tensordot(torch.ones(2, 3), torch.ones(3, 4), dims=1).shape
    torch.Size([2, 4])
    """
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        dims_a, dims_b = dims
        dims_a = [dims_a] if isinstance(dims_a, int) else list(dims_a)
        dims_b = [dims_b] if isinstance(dims_b, int) else list(dims_b)
        if len(dims_a) != len(dims_b):
            raise RuntimeError("both dimension lists should have same length")
    dims_a = [wrap_dim(d, a.ndim) for d in dims_a]
    dims_b = [wrap_dim(d, b.ndim) for d in dims_b]
    for da, db in zip(dims_a, dims_b):
        if a.shape[da] != b.shape[db]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a.shape[da]} in dim {da} and second has size {b.shape[db]} "
                               f"in dim {db}")
    letters = iter("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    la = [next(letters) for _ in range(a.ndim)]
    lb = [next(letters) for _ in range(b.ndim)]
    for da, db in zip(dims_a, dims_b):
        lb[db] = la[da]
    out = [c for i, c in enumerate(la) if i not in dims_a] + \
        [c for i, c in enumerate(lb) if i not in dims_b]
    return einsum(f"{''.join(la)},{''.join(lb)}->{''.join(out)}", a, b)


@out_variant()
def kron(input, other):
    """The Kronecker product: every element of ``input`` times the whole of ``other``.

    >>> torch.kron(torch.tensor([1, 2]), torch.tensor([1, 10]))
    tensor([ 1, 10,  2, 20])
    """
    n = builtins.max(input.ndim, other.ndim)
    sa = (1,) * (n - input.ndim) + tuple(input.shape)
    sb = (1,) * (n - other.ndim) + tuple(other.shape)
    a = input.reshape([v for s in sa for v in (s, 1)])
    b = other.reshape([v for s in sb for v in (1, s)])
    return (a * b).reshape([x * y for x, y in zip(sa, sb)])


@out_variant(SAME, message=_TENSORDOT_DTYPE)
def inner(input, other):
    """Sum of products over the last dimension of both inputs.

    >>> torch.inner(torch.tensor([1., 2.]), torch.tensor([3., 4.]))
    tensor(11.)
    """
    if input.dim() == 0 or other.dim() == 0:
        return input * other
    return tensordot(input, other, dims=([input.dim() - 1], [other.dim() - 1]))


@out_variant(SAME, message="result dtype {out} does not match input dtype {result}")
def vdot(input, other):
    """Dot product of two 1-D tensors (real tensors: the same as ``dot``).

    >>> torch.vdot(torch.tensor([1., 2.]), torch.tensor([3., 4.]))
    tensor(11.)
    """
    return dot(input, other)


def cdist(x1, x2, p: float = 2.0, compute_mode=None):
    """The ``p``-norm distance between each row of ``x1`` and each row of ``x2``
    (batched over leading dimensions).

    >>> torch.cdist(torch.tensor([[0., 0.]]), torch.tensor([[3., 4.], [0., 1.]]))
    tensor([[5., 1.]])
    """
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D")
    for x in (x1, x2):
        if not x.dtype.is_floating_point:
            raise RuntimeError("cdist only supports floating-point dtypes, X1 got: "
                               f"{x.dtype.scalar_name}")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError("X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    gaps = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    return norm(gaps, p, dim=-1)


@out_variant(SAME)
@accept_numpy_names
def cross(input, other, dim: int | None = None):
    """The cross product of 3-vectors along ``dim`` (default: the first dimension of size 3).

    >>> torch.cross(torch.tensor([1., 0., 0.]), torch.tensor([0., 1., 0.]), dim=0)
    tensor([0., 0., 1.])
    """
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions. Fix: "
                           "unsqueeze the smaller one.")
    if dim is None:
        sizes = xp.broadcast_shapes(tuple(input.shape), tuple(other.shape))
        dim = next((d for d, n in enumerate(sizes) if n == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input. Fix: pass dim=.")
    dim = wrap_dim(dim, input.ndim)
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input.shape[dim]} and {other.shape[dim]}")
    a = [narrow(input, dim, i, 1) for i in range(3)]
    b = [narrow(other, dim, i, 1) for i in range(3)]
    return cat([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2],
                  a[0] * b[1] - a[1] * b[0]], dim)


@out_variant(SAME)
def diag(input, diagonal: int = 0):
    """A 1-D ``input`` placed on a diagonal of a square matrix; of a 2-D ``input``, its
    ``diagonal``-th diagonal.

    >>> torch.diag(torch.tensor([1, 2]))
    tensor([[1, 0],
            [0, 2]])
    >>> torch.diag(torch.tensor([[1, 2], [3, 4]]))
    tensor([1, 4])
    """
    if input.ndim == 1:
        n = input.shape[0] + builtins.abs(diagonal)
        i = xp.arange(input.shape[0])
        key = (i - builtins.min(diagonal, 0), i + builtins.max(diagonal, 0))
        return selection_ops.diag_embed(input, (n, n), key)
    if input.ndim != 2:
        raise RuntimeError("diag(): Supports 1D or 2D tensors. Got "
                           f"{input.ndim}D. Fix: use torch.diagonal-style indexing.")
    rows, cols = input.shape
    start_r, start_c = builtins.max(-diagonal, 0), builtins.max(diagonal, 0)
    n = builtins.max(builtins.min(rows - start_r, cols - start_c), 0)
    i = xp.arange(n)
    return selection_ops.diag(input, (i + start_r, i + start_c), input._data.shape)


def diagflat(input, offset: int = 0):
    """``input``'s elements (flattened) on the ``offset``-th diagonal of a square matrix.

    >>> torch.diagflat(torch.tensor([[1, 2], [3, 4]]))
    tensor([[1, 0, 0, 0],
            [0, 2, 0, 0],
            [0, 0, 3, 0],
            [0, 0, 0, 4]])
    """
    return diag(reshape(input, (-1,)), offset)


def diagonal(input, offset: int = 0, dim1: int = 0, dim2: int = 1):
    """The ``offset``-th diagonal of the matrices spanned by ``dim1`` and ``dim2``, as the last
    dimension of the result (a copy here, where PyTorch returns a view).

    >>> torch.diagonal(torch.tensor([[1, 2], [3, 4]]), 1)
    tensor([2])
    """
    dim1, dim2 = wrap_dim(dim1, input.ndim), wrap_dim(dim2, input.ndim)
    if dim1 == dim2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    moved = movedim(input, (dim1, dim2), (-2, -1))
    rows, cols = moved.shape[-2], moved.shape[-1]
    start_r, start_c = builtins.max(-offset, 0), builtins.max(offset, 0)
    i = xp.arange(builtins.max(builtins.min(rows - start_r, cols - start_c), 0))
    return selection_ops.diagonal(moved, (Ellipsis, i + start_r, i + start_c), moved._data.shape)


def diag_embed(input, offset: int = 0, dim1: int = -2, dim2: int = -1):
    """Tensors whose diagonals (over the last two dimensions) are ``input``'s last dimension.

    >>> torch.diag_embed(torch.tensor([1., 2.]))
    tensor([[1., 0.],
            [0., 2.]])
    """
    if offset or (dim1, dim2) not in ((-2, -1), (input.dim() - 1, input.dim())):
        raise NotImplementedError("diag_embed: only offset=0, dim1=-2, dim2=-1 are supported. "
                                  "Fix: move the dimensions afterwards with torch.movedim.")
    eye = Tensor._make(xp.eye(input.shape[-1], dtype=input._data.dtype))
    return unsqueeze(input, -1) * eye


def trace(input):
    """The sum of a matrix's main diagonal.

    >>> torch.trace(torch.tensor([[1., 2.], [3., 4.]]))
    tensor(5.)
    """
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    if input.dtype.name == "bool":
        raise NotImplementedError('"trace" not implemented for \'Bool\'. Fix: .int() it first.')
    return selection_ops.trace(input, input._data.shape)


def _check_square(input, name):
    if input.ndim < 2 or input.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"linalg.{name}: A must be batches of square matrices, but they are "
                           f"{input.shape[-2] if input.ndim > 1 else input.ndim} by "
                           f"{input.shape[-1] if input.ndim else 0} matrices")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"linalg.{name}: Expected a floating point or complex tensor as "
                           f"input. Got {input.dtype.name.capitalize()}")


@out_variant(SAME)
def inverse(input):
    """The inverse of a square matrix (or of each matrix in a batch).

    >>> torch.inverse(torch.tensor([[2., 0.], [0., 4.]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
    """
    _check_square(input, "inv")
    return selection_ops.inverse(input)


def det(input):
    """The determinant of a square matrix (or of each matrix in a batch).

    >>> torch.det(torch.tensor([[1., 2.], [3., 4.]]))
    tensor(-2.)
    """
    _check_square(input, "det")
    return selection_ops.det(input)


def cov(input, *, correction: int = 1, fweights=None, aweights=None):
    """Covariance matrix of the variables in ``input``'s rows (observations in columns),
    optionally weighted: ``fweights`` (integer repeat counts) and ``aweights`` (importance).

    >>> torch.cov(torch.tensor([[0., 1., 2.], [2., 1., 0.]]))
    tensor([[ 1., -1.],
            [-1.,  1.]])
    """
    if input.dim() > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {input.dim()} dimensions")
    if input.dtype.name == "bool":
        raise RuntimeError("cov(): bool dtype is not supported for input. Fix: .float() it.")
    x = reshape(input, (1, -1)) if input.dim() < 2 else input
    n = x.shape[1]
    weights = None
    for name, w in (("fweights", fweights), ("aweights", aweights)):
        if w is None:
            continue
        _check_weights(name, w, n)
        weights = w if weights is None else weights * w
    if weights is None:
        total = n
        average = x.sum(1) / total
        norm_factor = total - correction
    else:
        total = weights.sum()
        if not total.item():
            raise RuntimeError("cov(): weights sum to zero, can't be normalized")
        average = (x * weights).sum(1) / total
        if aweights is not None and correction != 0:
            norm_factor = total - correction * (weights * aweights).sum() / total
        else:
            norm_factor = total - correction
    if float(norm_factor.detach() if isinstance(norm_factor, Tensor) else norm_factor) <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the number of observations.", UserWarning, stacklevel=2)
        norm_factor = norm_factor * 0
    centred = x - unsqueeze(average, 1)
    c = mm(centred, (centred if weights is None else centred * weights).t())
    return (c / norm_factor).squeeze()


def _check_weights(name: str, w, n: int) -> None:
    if w.dim() > 1:
        raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got "
                           f"{name} with {w.dim()} dimensions")
    if name == "fweights" and (w.dtype.is_floating_point or w.dtype.name == "bool"):
        raise RuntimeError(f"cov(): expected fweights to have integral dtype but got fweights "
                           f"with {w.dtype.scalar_name} dtype")
    if name == "aweights" and not w.dtype.is_floating_point:
        raise RuntimeError(f"cov(): expected aweights to have floating point dtype but got "
                           f"aweights with {w.dtype.scalar_name} dtype")
    if w.numel() != n:
        raise RuntimeError(f"cov(): expected {name} to have the same numel as there are "
                           f"observations in the input but got {w.numel()} != {n}")
    if n and float(w.detach().min()) < 0:
        raise RuntimeError(f"cov(): {name} cannot be negative")


def corrcoef(input):
    """Pearson correlation coefficients of the variables in ``input``'s rows.

    >>> torch.corrcoef(torch.tensor([[0., 1., 2.], [2., 1., 0.]]))
    tensor([[ 1., -1.],
            [-1.,  1.]])
    """
    c = cov(input)
    if c.dim() == 0:
        return c / c
    d = pointwise_ops.sqrt(diagonal(c))
    return clamp(c / unsqueeze(d, 1) / unsqueeze(d, 0), -1, 1)


__all__ += ["bilinear"]


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``y[..., k] = input1[...] @ weight[k] @ input2[...] + bias[k]``, over the last dimension
    of both inputs (also ``nn.functional.bilinear``).

    As PyTorch: the inputs are viewed as rows, one TrilinearBackward0 node contracts them with
    the weight, the result is viewed back (ViewBackward0) and the bias added.

    >>> torch.bilinear(torch.tensor([[1., 2.]]), torch.tensor([[3., 4., 5.]]),
    ...                torch.ones(1, 2, 3), torch.tensor([0.5]))
    tensor([[36.5000]])
    """
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and "
                           f"{input2.ndim}")
    for d in range(input1.ndim - 1):
        if input1.shape[d] != input2.shape[d]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: "
                               f"got {input1.shape[d]} and {input2.shape[d]}")
    if weight.ndim != 3:
        raise RuntimeError(f"number of dimensions must match. Fix: bilinear's weight is 3-D "
                           f"(out_features, in1_features, in2_features), got shape "
                           f"{list(weight.shape)}")
    for name, x, d in (("input1", input1, 1), ("input2", input2, 2)):
        if x.shape[-1] != weight.shape[d]:
            raise RuntimeError(f"bilinear(): {name} size does not match weight size: got "
                               f"{x.shape[-1]} but expected {weight.shape[d]}")
    if bias is not None and bias.shape[0] != weight.shape[0]:
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got "
                           f"{bias.shape[0]} but expected {weight.shape[0]}")
    rows1 = reshape(input1, -1, input1.shape[-1])
    rows2 = reshape(input2, -1, input2.shape[-1])
    out = view(trilinear_ops.trilinear(rows1, weight, rows2, "bi,oij,bj->bo"),
               *input1.shape[:-1], weight.shape[0])
    return out if bias is None else out + bias


def vander(x, N=None, increasing: bool = False):
    """The Vandermonde matrix of ``x``: columns ``x^(N-1), ..., x, 1`` (or increasing powers).

    Its gradient is correct here; PyTorch 2.13's backward of ``torch.vander`` fails (it
    modifies a value that its cumprod saved), so only the values can be compared with it.

    >>> torch.vander(torch.tensor([1, 2, 3]))
    tensor([[1, 1, 1],
            [4, 2, 1],
            [9, 3, 1]])
    """
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    dtype = x._data.dtype if x.dtype.is_floating_point else xp.int64  # cumprod's promotion
    powers = Tensor._make(xp.ones((x.shape[0], n), dtype=dtype))
    if n > 1:
        setitem(powers, (slice(None), slice(1, None)),
                cumprod(x.unsqueeze(1).expand(x.shape[0], n - 1), 1))
    return powers if increasing else flip(powers, (1,))


def multi_dot(tensors) -> Tensor:
    """The product of a chain of matrices (the first and last may be vectors), viewed into
    the result's shape (PyTorch's node is a ViewBackward0, for matrices too), with
    PyTorch's multi_dot checks (``torch.linalg.multi_dot`` and ``torch.chain_matmul``).

    >>> multi_dot([torch.ones(3), torch.ones(3, 2)])
    tensor([3., 3.])
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
    for i, t in enumerate(tensors[1:], 1):
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError(
                f"multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                f"{CPP_NAMES[tensors[0].dtype.name]} and tensor {i} {CPP_NAMES[t.dtype.name]}")
    for i, (a, b) in enumerate(zip(tensors, tensors[1:])):
        if a.shape[-1] != b.shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes "
                               f"{list(a.shape)} and {list(b.shape)} cannot be multiplied")
    first, last = tensors[0], tensors[-1]
    shape = first.shape[:-1] + last.shape[1:]
    tensors[0] = first.unsqueeze(0) if first.ndim == 1 else first
    tensors[-1] = last.unsqueeze(-1) if last.ndim == 1 else last
    return functools.reduce(mm, tensors).view(shape)
