"""Distances of ``torch.nn.functional``: ``cosine_similarity``, ``pairwise_distance`` and
``pdist``, which are the ``torch.*`` functions of ``chainrule.functions.distance``."""
from __future__ import annotations

from ...functions.distance import cosine_similarity, pairwise_distance, pdist

__all__ = ["cosine_similarity", "pairwise_distance", "pdist"]
