"""Products of vectors and matrices: dot, mv, mm, bmm, matmul, outer.

For ``C = A @ B`` the chain rule gives ``dL/dA = dL/dC @ Bᵀ`` and
``dL/dB = Aᵀ @ dL/dC``: each rule is one matrix product with the other
input transposed.  Forward mode (jvp) is the product rule:
``dC = dA @ B + A @ dB``.
"""
from __future__ import annotations

import math

from .._argcheck import require_tensor
from .._backend import xp
from ..autograd.function import Op
from .shape import t_op, unsqueeze_op

# --- the rule table ------------------------------------------------------------
dot_op = Op("DotBackward0", lambda self, other: xp.dot(self, other),
            self=lambda grad, other: grad * other,
            other=lambda grad, self: grad * self,
            jvp=lambda self_t, other_t, self, other: dot_op(self_t, other) + dot_op(self, other_t))
mv_op = Op("MvBackward0", lambda self, vec: xp.matmul(self, vec),
           self=lambda grad, vec: unsqueeze_op(grad, 1) * vec,
           vec=lambda grad, self: mv_op(t_op(self), grad),
           jvp=lambda self_t, vec_t, self, vec: mv_op(self_t, vec) + mv_op(self, vec_t))
mm_op = Op("MmBackward0", lambda self, mat2: xp.matmul(self, mat2),
           self=lambda grad, mat2: mm_op(grad, t_op(mat2)),
           mat2=lambda grad, self: mm_op(t_op(self), grad),
           jvp=lambda self_t, mat2_t, self, mat2: mm_op(self_t, mat2) + mm_op(self, mat2_t))
# Batched products broadcast their batch dimensions; the engine sums them back.
bmm_op = Op("BmmBackward0", lambda self, mat2: xp.matmul(self, mat2),
            self=lambda grad, mat2: matmul(grad, mat2.mT),
            mat2=lambda grad, self: matmul(self.mT, grad),
            jvp=lambda self_t, mat2_t, self, mat2: bmm_op(self_t, mat2) + bmm_op(self, mat2_t))
# matmul folds batches into one mm/bmm and reshapes the result back, as PyTorch does;
# these two record those steps under PyTorch's names.
unsafe_view = Op("UnsafeViewBackward0", lambda self, shape: xp.reshape(self, shape),
                 self=lambda grad, self: grad.reshape(self.shape),  # self: a product, not a view
                 jvp=lambda self_t, shape: unsafe_view(self_t, shape))
squeeze_back = Op("SqueezeBackward4", lambda self, dim: xp.squeeze(self, dim), view=True,
                  self=lambda grad, dim: grad.unsqueeze(dim),
                  jvp=lambda self_t, dim: squeeze_back(self_t, dim))


def _dtype_name(t) -> str:
    return {"float32": "float", "float64": "double", "float16": "Half", "int64": "long",
            "int32": "int", "int16": "short", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool"}[t.dtype.name]


def _same_dtype(a, b) -> None:
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_dtype_name(a)} != "
            f"{_dtype_name(b)}. Fix: convert one of them, e.g. b.to(a.dtype).")


def dot(input, other):
    """Dot product of two 1-d tensors.

    >>> import chainrule as torch
    >>> torch.dot(torch.tensor([1., 2.]), torch.tensor([3., 4.]))
    tensor(11.)
    """
    require_tensor(input, "dot", "input", 1)
    require_tensor(other, "dot", "tensor", 2)
    # The checks read the arrays' own shape and dtype: Tensor.shape builds a torch.Size on
    # each use, and these small products are dominated by such overheads.
    a, b = input._data, other._data
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
    return dot_op(input, other)


def mv(input, vec):
    """Matrix-vector product.

    >>> import chainrule as torch
    >>> torch.mv(torch.eye(2), torch.tensor([1., 2.]))
    tensor([1., 2.])
    """
    require_tensor(input, "mv", "input", 1)
    require_tensor(vec, "mv", "vec", 2)
    a, v = input._data, vec._data  # see dot
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {v.ndim}")
    if a.shape[1] != v.shape[0]:
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
    require_tensor(input, "mm", "input", 1)
    require_tensor(mat2, "mm", "mat2", 2)
    a, b = input._data, mat2._data  # see dot
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
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
    require_tensor(input, "bmm", "input", 1)
    require_tensor(mat2, "bmm", "mat2", 2)
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
    require_tensor(input, "matmul", "input", 1)
    require_tensor(other, "matmul", "other", 2)
    a, b = input.ndim, other.ndim
    if a == 0 or b == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a}D and {b}D")
    if a == 1 and b == 1:
        return dot(input, other)
    if a == 2 and b == 1:
        return mv(input, other)
    if a == 1 and b == 2:
        return squeeze_back(mm(input.unsqueeze(0), other), 0)
    if a == 2 and b == 2:
        return mm(input, other)
    _same_dtype(input, other)
    if a >= 3 and (b <= 2 or (b <= a and math.prod(other.shape[:-2]) == 1)):
        # Fold the batch into the rows of one matrix product.
        k = input.shape[-1]
        if other.shape[-2 if b > 1 else 0] != k:
            _raise_mismatch(input, other)
        rows = input.reshape(-1, k)
        if b == 1:
            return unsafe_view(mv(rows, other), input.shape[:-1])
        mat = other.reshape(other.shape[-2:]) if b > 2 else other
        return unsafe_view(mm(rows, mat), input.shape[:-1] + (mat.shape[-1],))
    if a <= 2 and b >= 3:
        # (x @ Y) = (Yᵀ @ xᵀ)ᵀ: fold Y's batch into rows instead.
        k = input.shape[-1]
        if other.shape[-2] != k:
            _raise_mismatch(input, other)
        rows = other.mT.reshape(-1, k)
        batch, n = other.shape[:-2], other.shape[-1]
        if a == 1:
            return unsafe_view(mv(rows, input), batch + (n,))
        out = unsafe_view(mm(rows, input.t()), batch + (n, input.shape[0]))
        return out.mT.clone()
    x = input.unsqueeze(0) if a == 1 else input
    y = other.unsqueeze(-1) if b == 1 else other
    if x.shape[-1] != y.shape[-2]:
        _raise_mismatch(input, other)
    try:
        batch = xp.broadcast_shapes(x.shape[:-2], y.shape[:-2])
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({x.shape[-3]}) must match the size of tensor b "
            f"({y.shape[-3]}) at non-singleton dimension 0") from None
    return unsafe_view(bmm_op(x, y), batch + (x.shape[-2], y.shape[-1]))


def _raise_mismatch(input, other):
    x = input if input.ndim > 1 else input.unsqueeze(0)
    y = other if other.ndim > 1 else other.unsqueeze(-1)
    raise RuntimeError(
        f"Expected size for first two dimensions of batch2 tensor to be: "
        f"[{math.prod(x.shape[:-2])}, {x.shape[-1]}] but got: "
        f"[{math.prod(y.shape[:-2])}, {y.shape[-2]}]. Fix: the last dimension of "
        f"the first operand ({list(input.shape)}) must equal the second-to-last of the "
        f"second ({list(other.shape)}).")


def outer(input, vec2):
    """Outer product of two 1-d tensors.

    >>> import chainrule as torch
    >>> torch.outer(torch.tensor([1., 2.]), torch.tensor([1., 10.]))
    tensor([[ 1., 10.],
            [ 2., 20.]])
    """
    if input.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError("outer: Expected 1-D argument self, but got "
                           f"{input.ndim if input.ndim != 1 else vec2.ndim}-D")
    return input.reshape(-1, 1) * vec2  # recorded as MulBackward0, as PyTorch does


# --- einsum --------------------------------------------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _parse_einsum(equation: str, shapes) -> tuple:
    """Operand and output labels, with '...' spelled out as explicit letters."""
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != len(shapes):
        raise RuntimeError(
            "einsum(): more operands were provided than specified in the equation" if
            len(shapes) > len(inputs) else
            "einsum(): fewer operands were provided than specified in the equation")
    used = set(equation) - set(".,->")
    spare = [c for c in _LETTERS if c not in used]
    n_ellipsis = max((len(shape) - len(labels.replace("...", ""))
                      for labels, shape in zip(inputs, shapes) if "..." in labels), default=0)
    ellipsis = "".join(spare[:n_ellipsis])
    out = []
    for labels, shape in zip(inputs, shapes):
        if "..." in labels:
            k = len(shape) - len(labels.replace("...", ""))
            labels = labels.replace("...", ellipsis[n_ellipsis - k:])
        if len(labels) != len(shape):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({len(labels)}) does not "
                f"match the number of dimensions ({len(shape)}) for operand {len(out)}"
                + ("" if "..." in equation else " and no ellipsis was given"))
        out.append(labels)
    if arrow:
        result = rhs.replace("...", ellipsis)
    else:  # implicit output: the labels used once, in alphabetical order, after '...'
        counts = {}
        for labels in out:
            for c in labels:
                counts[c] = counts.get(c, 0) + 1
        result = ellipsis + "".join(sorted(c for c, n in counts.items()
                                           if n == 1 and c not in ellipsis))
    return out, result


def _einsum_grad(grad, labels, out_labels, others, shape):
    """Gradient for one operand with ``labels``: an einsum of ``grad`` with the other operands.

    Labels the operand shares with no other term were summed away in the forward;
    they come back by broadcasting (expand).  A label repeated in the operand
    ('ii') was a diagonal; the gradient is placed on it by multiplying with an
    identity matrix.
    """
    from ..tensor import Tensor
    present = set(out_labels).union(*[set(lbl) for lbl, _ in others])
    unique = "".join(dict.fromkeys(labels))
    kept = "".join(c for c in unique if c in present)
    terms = [out_labels] + [lbl for lbl, _ in others]
    g = einsum(",".join(terms) + "->" + kept, grad, *[t for _, t in others])
    sizes = {}
    for c, n in zip(labels, shape):
        sizes[c] = n
    # Bring back the summed-away labels (size 1, then expanded), in the order of `unique`.
    for i, c in enumerate(unique):
        if c not in present:
            g = g.unsqueeze(i)
    if len(kept) != len(unique):
        g = g.expand(tuple(sizes[c] for c in unique))
    if unique == labels:
        return g
    # Repeated labels: spread g over the diagonal with identity matrices.
    spare = [c for c in _LETTERS if c not in labels and c not in out_labels]
    full, eyes = [], []
    seen = set()
    for c in labels:
        if c in seen:
            fresh = spare.pop(0)
            full.append(fresh)
            eyes.append((c + fresh, Tensor._make(xp.eye(sizes[c], dtype=grad._data.dtype))))
        else:
            seen.add(c)
            full.append(c)
    equation = ",".join([unique] + [lbl for lbl, _ in eyes]) + "->" + "".join(full)
    return einsum(equation, g, *[t for _, t in eyes])


class _Einsum:
    """``einsum`` takes any number of operands, so its node is built by hand, like cat's."""

    def __call__(self, equation, labels, out_labels, tensors):
        from ..autograd import grad_mode
        from ..autograd.graph import SavedTensor, gradient_edge
        from ..tensor import Tensor
        spelled = ",".join(labels) + "->" + out_labels
        out = Tensor._make(xp.asarray(xp.einsum(spelled, *[t._data for t in tensors],
                                                optimize=len(tensors) > 2)))
        if grad_mode.state.enabled and any(t._requires_grad for t in tensors):
            node = EinsumBackward0()
            node.next_functions = tuple(gradient_edge(t) for t in tensors)
            node.input_meta = [(t._data.shape, t._data.dtype) for t in tensors]
            node.labels = labels
            node.out_labels = out_labels
            # A lone operand's gradient needs only its shape, so nothing is saved for it.
            node._saved = [SavedTensor(t, "EinsumBackward0") for t in tensors] \
                if len(tensors) > 1 else [None]
            out._requires_grad = True
            out.grad_fn = node
        if grad_mode.flags.forward_ad and any(t._fw_grad is not None for t in tensors):
            # Forward mode (not an Op, so done here): the product rule, one einsum per
            # operand that carries a tangent.
            from ..autograd.forward_ad import _paused, _set_tangent
            with _paused():
                tangent = sum(einsum(spelled, *[u._fw_grad if j == k else u
                                                for j, u in enumerate(tensors)])
                              for k, t in enumerate(tensors) if t._fw_grad is not None)
            _set_tangent(out, tangent)
        return out


def _einsum_node_class():
    from ..autograd.graph import FREED_MESSAGE, RELEASED, Node, SavedTensor

    class EinsumBackward0(Node):
        __slots__ = ("labels", "out_labels")

        def apply(self, grads):
            if self._saved is RELEASED:
                raise RuntimeError(FREED_MESSAGE)
            saved = [s.unpack() if isinstance(s, SavedTensor) else None for s in self._saved]
            result = []
            for k, (child, _) in enumerate(self.next_functions):
                if child is None:
                    result.append(None)
                    continue
                others = [(lbl, t) for j, (lbl, t) in enumerate(zip(self.labels, saved))
                          if j != k]
                shape = self.input_meta[k][0]
                result.append(_einsum_grad(grads[0], self.labels[k], self.out_labels, others,
                                           shape))
            return result

    return EinsumBackward0


EinsumBackward0 = _einsum_node_class()
_einsum_op = _Einsum()


def einsum(equation: str, *operands):
    """Sum of products over the labelled dimensions of the operands (Einstein notation).

    >>> import chainrule as torch
    >>> a = torch.arange(6.).reshape(2, 3)
    >>> torch.einsum('ij,j->i', a, torch.ones(3))
    tensor([ 3., 12.])
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    labels, out_labels = _parse_einsum(equation, [t.shape for t in operands])
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
    return _einsum_op(equation, labels, out_labels, list(operands))
