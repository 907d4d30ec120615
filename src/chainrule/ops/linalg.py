"""Products of vectors and matrices: dot, mv, mm, bmm, addmm (nn's linear) and its
relatives (addmv, addr, addbmm, baddbmm), matmul, einsum.

For ``C = A @ B`` the chain rule gives ``dL/dA = dL/dC @ Bᵀ`` and
``dL/dB = Aᵀ @ dL/dC``: each rule is one matrix product with the other
input transposed.  Forward mode (jvp) is the product rule:
``dC = dA @ B + A @ dB``.
"""
from __future__ import annotations

from .._backend import xp
from ..engine.op import Op
from ..tensor import from_array
from .shape import t, unsqueeze

# --- the rule table ------------------------------------------------------------
# (the array method: NumPy's dot function first runs a Python dispatcher for __array_function__,
# which the arrays here never need; the same product, the same bits)
dot = Op("DotBackward0", lambda self, other: self.dot(other),
            self=lambda grad, other: grad * other,
            other=lambda grad, self: grad * self,
            jvp=lambda self_t, other_t, self, other: dot(self_t, other) + dot(self, other_t))
mv = Op("MvBackward0", lambda self, vec: xp.matmul(self, vec),
           self=lambda grad, vec: unsqueeze(grad, 1) * vec,
           vec=lambda grad, self: mv(t(self), grad),
           jvp=lambda self_t, vec_t, self, vec: mv(self_t, vec) + mv(self, vec_t))
mm = Op("MmBackward0", lambda self, mat2: xp.matmul(self, mat2),
           self=lambda grad, mat2: mm(grad, t(mat2)),
           mat2=lambda grad, self: mm(t(self), grad),
           jvp=lambda self_t, mat2_t, self, mat2: mm(self_t, mat2) + mm(self, mat2_t))
# Batched products broadcast their batch dimensions; the engine sums them back.
bmm = Op("BmmBackward0", lambda self, mat2: xp.matmul(self, mat2),
            self=lambda grad, mat2: bmm(grad, mat2.mT),
            mat2=lambda grad, self: bmm(self.mT, grad),
            jvp=lambda self_t, mat2_t, self, mat2: bmm(self_t, mat2) + bmm(self, mat2_t))
# matmul (and nn's linear) fold batches into one mm/bmm and reshape the result back, as
# PyTorch does, with shape.unsafe_view; a vector's product is squeezed back in place, so
# this result is not a view either.
squeeze_back = Op("SqueezeBackward4", lambda self, dim: xp.squeeze(self, dim),
                  self=lambda grad, dim: grad.unsqueeze(dim),
                  jvp=lambda self_t, dim: squeeze_back(self_t, dim))


# addmm: beta * self + alpha * (mat1 @ mat2), one node; nn's linear is
# addmm(bias, x, weight.t()), so its graph shows PyTorch's nodes and edge order
# (the bias's AccumulateGrad first, the weight's TBackward0 last).
def _scaled(x, factor):
    return x if factor == 1 else x * factor


def _added(self, product, beta, alpha):
    """``beta * self + alpha * product``, the forward of addmm and its relatives."""
    product = _scaled(product, alpha)
    # beta == 0 ignores self (a NaN in it does not reach the result), as PyTorch does.
    return product if beta == 0 else _scaled(self, beta) + product


def _addmm_forward(self, mat1, mat2, beta, alpha):
    return _added(self, xp.matmul(mat1, mat2), beta, alpha)


addmm = Op("AddmmBackward0", _addmm_forward,
           self=lambda grad, beta: _scaled(grad, beta),  # the engine sums it over the rows
           mat1=lambda grad, mat2, alpha: _scaled(mm(grad, t(mat2)), alpha),
           mat2=lambda grad, mat1, alpha: _scaled(mm(t(mat1), grad), alpha),
           jvp=lambda self_t, mat1_t, mat2_t, mat1, mat2, beta, alpha:
               _scaled(self_t, beta) + _scaled(mm(mat1_t, mat2) + mm(mat1, mat2_t), alpha))
# addmm's relatives, one node each as PyTorch records them: matrix @ vector (addmv), the
# outer product (addr), the sum of a batch of products (addbmm), a batch of them (baddbmm).
addmv = Op("AddmvBackward0", lambda self, mat, vec, beta, alpha:
              _added(self, xp.matmul(mat, vec), beta, alpha),
           self=lambda grad, beta: _scaled(grad, beta),
           mat=lambda grad, vec, alpha: _scaled(unsqueeze(grad, 1) * vec, alpha),
           vec=lambda grad, mat, alpha: _scaled(mv(t(mat), grad), alpha),
           jvp=lambda self_t, mat_t, vec_t, mat, vec, beta, alpha:
               _scaled(self_t, beta) + _scaled(mv(mat_t, vec) + mv(mat, vec_t), alpha))
addr = Op("AddrBackward0", lambda self, vec1, vec2, beta, alpha:
             _added(self, xp.multiply.outer(vec1, vec2), beta, alpha), promote="binary",
          self=lambda grad, beta: _scaled(grad, beta),
          vec1=lambda grad, vec2, alpha: _scaled(mv(grad, vec2), alpha),
          vec2=lambda grad, vec1, alpha: _scaled(mv(t(grad), vec1), alpha),
          jvp=lambda self_t, vec1_t, vec2_t, vec1, vec2, beta, alpha:
              _scaled(self_t, beta)
              + _scaled(unsqueeze(vec1_t, 1) * vec2 + unsqueeze(vec1, 1) * vec2_t, alpha))
# (the sum over the batch keeps the dtype: NumPy would widen small integers)
addbmm = Op("AddbmmBackward0", lambda self, batch1, batch2, beta, alpha:
               _added(self, xp.matmul(batch1, batch2).sum(0, dtype=batch1.dtype), beta, alpha),
            self=lambda grad, beta: _scaled(grad, beta),
            batch1=lambda grad, batch2, alpha: _scaled(bmm(unsqueeze(grad, 0), batch2.mT), alpha),
            batch2=lambda grad, batch1, alpha: _scaled(bmm(batch1.mT, unsqueeze(grad, 0)), alpha),
            jvp=lambda self_t, batch1_t, batch2_t, batch1, batch2, beta, alpha:
                _scaled(self_t, beta)
                + _scaled((bmm(batch1_t, batch2) + bmm(batch1, batch2_t)).sum(0), alpha))
baddbmm = Op("BaddbmmBackward0", lambda self, batch1, batch2, beta, alpha:
                _added(self, xp.matmul(batch1, batch2), beta, alpha),
             self=lambda grad, beta: _scaled(grad, beta),
             batch1=lambda grad, batch2, alpha: _scaled(bmm(grad, batch2.mT), alpha),
             batch2=lambda grad, batch1, alpha: _scaled(bmm(batch1.mT, grad), alpha),
             jvp=lambda self_t, batch1_t, batch2_t, batch1, batch2, beta, alpha:
                 _scaled(self_t, beta) + _scaled(bmm(batch1_t, batch2) + bmm(batch1, batch2_t),
                                                 alpha))


# The cross product of 3-vectors along ``dim``: its gradients are cross products too.
cross = Op("LinalgCrossBackward0",
           lambda self, other, dim: xp.cross(self, other, axis=dim), promote="binary",
           self=lambda grad, other, dim: cross(other, grad, dim),
           other=lambda grad, self, dim: cross(grad, self, dim),
           jvp=lambda self_t, other_t, self, other, dim: cross(self_t, other, dim)
               + cross(self, other_t, dim))


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


def _einsum_forward(tensors, labels, out_labels):
    spelled = ",".join(labels) + "->" + out_labels
    return xp.einsum(spelled, *tensors, optimize=len(tensors) > 2)


def _einsum_grads(grad, tensors, labels, out_labels, tensors_shape) -> list:
    """One gradient per operand: an einsum of ``grad`` with the other operands."""
    return [_einsum_grad(grad, labels[k], out_labels,
                         [(lbl, t) for j, (lbl, t) in enumerate(zip(labels, tensors)) if j != k],
                         shape)
            for k, shape in enumerate(tensors_shape)]


def _einsum_grad(grad, labels, out_labels, others, shape):
    """Gradient for one operand with ``labels``: an einsum of ``grad`` with the other operands.

    Labels the operand shares with no other term were summed away in the forward;
    they come back by broadcasting (expand).  A label repeated in the operand
    ('ii') was a diagonal; the gradient is placed on it by multiplying with an
    identity matrix.
    """
    present = set(out_labels).union(*[set(lbl) for lbl, _ in others])
    unique = "".join(dict.fromkeys(labels))
    kept = "".join(c for c in unique if c in present)
    g = einsum([grad] + [t for _, t in others], [out_labels] + [lbl for lbl, _ in others], kept)
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
            eyes.append((c + fresh, from_array(xp.eye(sizes[c], dtype=grad._data.dtype))))
        else:
            seen.add(c)
            full.append(c)
    return einsum([g] + [t for _, t in eyes], [unique] + [lbl for lbl, _ in eyes], "".join(full))


def _einsum_jvp(tensors_t, tensors, labels, out_labels):
    # The product rule: one einsum per operand, with that operand's tangent in its place.
    terms = [einsum([t if j == k else u for j, u in enumerate(tensors)], labels, out_labels)
             for k, t in enumerate(tensors_t)]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


# ``labels``: each operand's subscripts, ``out_labels`` the result's (the equation parsed).
einsum = Op("EinsumBackward0", _einsum_forward,
            tensors=lambda grad, tensors, labels, out_labels, tensors_shape:
                _einsum_grads(grad, tensors, labels, out_labels, tensors_shape),
            jvp=lambda tensors_t, tensors, labels, out_labels:
                _einsum_jvp(tensors_t, tensors, labels, out_labels))
