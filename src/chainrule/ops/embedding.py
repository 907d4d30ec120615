"""Embedding rows: picking rows of a weight matrix by index, and the gradient's scatter-add.

A dedicated rule: the gradient of ``weight[indices]`` is one scatter-add into a
``(num_embeddings, dim)`` array (rows whose index repeats add up), and that
scatter is itself linear, so its derivative is the lookup again.
"""
from __future__ import annotations

from .._backend import xp
from ..engine.op import Op


def _embedding_backward(grad, indices, num_weights, padding_idx):
    out = xp.zeros((num_weights, grad.shape[-1]), dtype=grad.dtype)
    # add.at accumulates rows whose index repeats (out[idx] += g would keep only one)
    xp.add.at(out, indices.reshape(-1), grad.reshape(-1, grad.shape[-1]))
    if padding_idx is not None:
        out[padding_idx] = 0
    return out


embedding_dense_backward = Op("EmbeddingDenseBackward0", _embedding_backward,
                              grad=lambda gg, indices: embedding(gg, indices))
embedding = Op("EmbeddingBackward0", lambda weight, indices: weight[indices],
               weight=lambda grad, weight, indices:
                   embedding_dense_backward(grad, indices, weight.shape[0], None),
               jvp=lambda weight_t, indices: embedding(weight_t, indices))
# With padding_idx: that row's gradient stays zero.
embedding_padded = Op("EmbeddingBackward0",
                      lambda weight, indices, padding_idx: weight[indices],
                      weight=lambda grad, weight, indices, padding_idx:
                          embedding_dense_backward(grad, indices, weight.shape[0], padding_idx))
