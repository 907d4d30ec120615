"""Distance layers: ``CosineSimilarity`` and ``PairwiseDistance``, as in ``torch.nn``."""
from __future__ import annotations

from ..tensor import Tensor
from . import functional
from .module import Module


class CosineSimilarity(Module):
    """Cosine similarity along ``dim``.

    >>> torch.nn.CosineSimilarity()
    CosineSimilarity()
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return functional.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """p-norm distance along the last dimension.

    >>> torch.nn.PairwiseDistance()
    PairwiseDistance()
    """

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return functional.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
