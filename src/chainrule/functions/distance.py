"""Distances, as ``torch.*`` and ``torch.nn.functional`` have them: ``cosine_similarity``,
``pairwise_distance`` and ``pdist``.

Compositions of tensor operations: their gradients come from the core rules
(so ``pdist``'s result shows the node of its last step, a norm, where PyTorch's
shows ``PdistBackward0``).
"""
from __future__ import annotations

from .._backend import xp
from ..tensor import Tensor
from .creation import as_tensor

__all__ = ["cosine_similarity", "pairwise_distance", "pdist"]


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim``; norms clamped at ``eps``.

    >>> torch.cosine_similarity(torch.tensor([[1., 0.]]), torch.tensor([[1., 1.]]))
    tensor([0.7071])
    """
    # broadcast first: the norms are taken along ``dim`` of the broadcast shapes
    shape = xp.broadcast_shapes(tuple(x1.shape), tuple(x2.shape))
    x1, x2 = x1.expand(shape), x2.expand(shape)
    # each vector divided by its own (clamped) norm first: no overflow of |x1|^2 |x2|^2
    n1 = x1.norm(2, dim, keepdim=True).clamp(min=eps)
    n2 = x2.norm(2, dim, keepdim=True).clamp(min=eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """``||x1 - x2 + eps||_p`` along the last dimension.

    >>> torch.pairwise_distance(torch.tensor([[0., 0.]]), torch.tensor([[3., 4.]]))
    tensor([5.0000])
    """
    diff = x1 - x2 + eps
    if diff.ndim == 0:
        return diff.abs() if p != 0 else (diff != 0).to(diff.dtype)
    return diff.norm(p, -1, keepdim=keepdim)


def pdist(input: Tensor, p: float = 2) -> Tensor:
    """The ``p``-norm distance between every pair of rows ``i < j`` of the 2-D ``input``,
    in the order ``(0, 1), (0, 2), ..., (1, 2), ...``: the upper triangle of ``cdist``.

    >>> torch.pdist(torch.tensor([[0., 0.], [3., 4.], [0., 1.]]))
    tensor([5.0000, 1.0000, 4.2426])
    """
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if not input.dtype.is_floating_point:
        raise RuntimeError("pdist only supports floating-point dtypes. Fix: convert the input "
                           "with .float() first.")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    first, second = xp.triu_indices(input.shape[0], 1)
    gaps = input.index_select(0, as_tensor(first)) - input.index_select(0, as_tensor(second))
    return gaps.norm(p, -1)
