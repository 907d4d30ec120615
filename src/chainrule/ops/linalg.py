"""Products of vectors and matrices: dot, mv, mm, bmm, matmul, outer.

For ``C = A @ B`` the chain rule gives ``dL/dA = dL/dC @ Bᵀ`` and
``dL/dB = Aᵀ @ dL/dC``: each rule is one matrix product with the other
input transposed.
"""
from __future__ import annotations

from .._backend import xp
from ..autograd.function import Op

# --- the rule table ------------------------------------------------------------
dot_op = Op("DotBackward0", lambda self, other: xp.dot(self, other),
            self=lambda grad, other: grad * other,
            other=lambda grad, self: grad * self)
mv_op = Op("MvBackward0", lambda self, vec: xp.matmul(self, vec),
           self=lambda grad, vec: grad.unsqueeze(-1) * vec,
           vec=lambda grad, self: mv(self.t(), grad))
mm_op = Op("MmBackward0", lambda self, mat2: xp.matmul(self, mat2),
           self=lambda grad, mat2: mm(grad, mat2.t()),
           mat2=lambda grad, self: mm(self.t(), grad))
# Batched products broadcast their batch dimensions; the engine sums them back.
bmm_op = Op("BmmBackward0", lambda self, mat2: xp.matmul(self, mat2),
            self=lambda grad, mat2: matmul(grad, mat2.mT),
            mat2=lambda grad, self: matmul(self.mT, grad))
outer_op = Op("OuterBackward0", lambda self, vec2: xp.multiply.outer(self, vec2),
              self=lambda grad, vec2: mv(grad, vec2),
              vec2=lambda grad, self: mv(grad.t(), self))


def _dtype_name(t) -> str:
    return {"float32": "float", "float64": "double", "float16": "Half", "int64": "long",
            "int32": "int", "int16": "short", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool"}[t.dtype.name]


def _same_dtype(a, b) -> None:
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_dtype_name(a)} != "
            f"{_dtype_name(b)}. Fix: convert one of them, e.g. b.to(a.dtype).")


def dot(input, other):
    """Dot product of two 1-d tensors.

    >>> import chainrule as torch
    >>> torch.dot(torch.tensor([1., 2.]), torch.tensor([3., 4.]))
    tensor(11.)
    """
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    if input.shape[0] != other.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src "
            f"[{other.shape[0]}] to have the same number of elements, but got {input.shape[0]} "
            f"and {other.shape[0]} elements respectively")
    if input.dtype is not other.dtype:
        raise RuntimeError(
            f"dot : expected both vectors to have same dtype, but found {_dtype_name(input)} "
            f"and {_dtype_name(other)}")
    return dot_op(input, other)


def mv(input, vec):
    """Matrix-vector product.

    >>> import chainrule as torch
    >>> torch.mv(torch.eye(2), torch.tensor([1., 2.]))
    tensor([1., 2.])
    """
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({input.shape[0]}), mat ({input.shape[0]}x"
            f"{input.shape[1]}), vec ({vec.shape[0]})")
    _same_dtype(input, vec)
    return mv_op(input, vec)


def mm(input, mat2):
    """Matrix product of two 2-d tensors.

    >>> import chainrule as torch
    >>> torch.mm(torch.ones(2, 3), torch.ones(3, 1))
    tensor([[3.],
            [3.]])
    """
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({input.shape[0]}x{input.shape[1]} and "
            f"{mat2.shape[0]}x{mat2.shape[1]})")
    _same_dtype(input, mat2)
    return mm_op(input, mat2)


def bmm(input, mat2):
    """Batched matrix product of two 3-d tensors.

    >>> import chainrule as torch
    >>> torch.bmm(torch.ones(4, 2, 3), torch.ones(4, 3, 5)).shape
    torch.Size([4, 2, 5])
    """
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{input.shape[0]}, {input.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}].")
    _same_dtype(input, mat2)
    return bmm_op(input, mat2)


def matmul(input, other):
    """Matrix product with PyTorch's rules for 1-d operands and broadcast batch dimensions.

    >>> import chainrule as torch
    >>> (torch.ones(5, 2, 3) @ torch.ones(3)).shape
    torch.Size([5, 2])
    """
    a, b = input.ndim, other.ndim
    if a == 0 or b == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a}D and {b}D")
    if a == 1 and b == 1:
        return dot(input, other)
    if a == 2 and b == 1:
        return mv(input, other)
    if a == 1 and b == 2:
        return mm(input.unsqueeze(0), other).squeeze(0)
    if a == 2 and b == 2:
        return mm(input, other)
    _same_dtype(input, other)
    x = input.unsqueeze(0) if a == 1 else input
    y = other.unsqueeze(-1) if b == 1 else other
    if x.shape[-1] != y.shape[-2]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{x.shape[-3] if x.ndim > 2 else 1}, {x.shape[-1]}] but got: "
            f"[{y.shape[-3] if y.ndim > 2 else 1}, {y.shape[-2]}]. Fix: the last dimension of "
            f"the first operand ({list(input.shape)}) must equal the second-to-last of the "
            f"second ({list(other.shape)}).")
    try:
        xp.broadcast_shapes(x.shape[:-2], y.shape[:-2])
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({x.shape[-3]}) must match the size of tensor b "
            f"({y.shape[-3]}) at non-singleton dimension 0") from None
    out = bmm_op(x, y)
    if a == 1:
        out = out.squeeze(-2)
    if b == 1:
        out = out.squeeze(-1)
    return out


def outer(input, vec2):
    """Outer product of two 1-d tensors.

    >>> import chainrule as torch
    >>> torch.outer(torch.tensor([1., 2.]), torch.tensor([1., 10.]))
    tensor([[ 1., 10.],
            [ 2., 20.]])
    """
    if input.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError("outer: expected 1-d vectors")
    _same_dtype(input, vec2)
    return outer_op(input, vec2)
