"""Distances of ``torch.nn.functional``: ``cosine_similarity`` and ``pairwise_distance``.

Compositions of tensor operations: their gradients come from the core rules.
"""
from __future__ import annotations

from ..._backend import xp
from ...tensor import Tensor

__all__ = ["cosine_similarity", "pairwise_distance"]


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim``; norms clamped at ``eps``.

    >>> import chainrule as torch
    >>> torch.nn.functional.cosine_similarity(torch.tensor([[1., 0.]]), torch.tensor([[1., 1.]]))
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

    >>> import chainrule as torch
    >>> torch.nn.functional.pairwise_distance(torch.tensor([[0., 0.]]), torch.tensor([[3., 4.]]))
    tensor([5.0000])
    """
    diff = x1 - x2 + eps
    if diff.ndim == 0:
        return diff.abs() if p != 0 else (diff != 0).to(diff.dtype)
    return diff.norm(p, -1, keepdim=keepdim)
