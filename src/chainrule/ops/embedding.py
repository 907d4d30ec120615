"""Embedding rows: picking rows of a weight matrix by index, summing them in bags, and the
gradient's scatter-add.

A dedicated rule: the gradient of ``weight[indices]`` is one scatter-add into a
``(num_embeddings, dim)`` array (rows whose index repeats add up), and that
scatter is itself linear, so its derivative is the lookup again.  A bag
(``embedding_bag``) is a weighted sum of looked-up rows: its gradient is the
bag's gradient looked up per index (``embedding(grad, bag_of)``), scaled and
scattered back the same way.
"""
from __future__ import annotations

from .._backend import xp
from ..engine.op import Op


def _frequencies(indices, num_weights):
    """How often each row is looked up (``scale_grad_by_freq`` divides by it)."""
    return xp.bincount(indices.reshape(-1), minlength=num_weights)


def _embedding_backward(grad, indices, num_weights, padding_idx, scale_grad_by_freq):
    out = xp.zeros((num_weights, grad.shape[-1]), dtype=grad.dtype)
    # add.at accumulates rows whose index repeats (out[idx] += g would keep only one)
    xp.add.at(out, indices.reshape(-1), grad.reshape(-1, grad.shape[-1]))
    if scale_grad_by_freq:
        out /= xp.maximum(_frequencies(indices, num_weights), 1)[:, None]
    if padding_idx is not None:
        out[padding_idx] = 0
    return out


def _embedding_backward_adjoint(gg, indices, num_weights, padding_idx, scale_grad_by_freq):
    """The derivative of the scatter: the lookup, with the same scaling and padding."""
    if scale_grad_by_freq:
        counts = xp.maximum(_frequencies(indices._data, num_weights), 1)
        gg = gg / gg.new_tensor(counts).unsqueeze(1)
    if padding_idx is not None:
        gg = gg.index_fill(0, gg.new_tensor([padding_idx]).long(), 0)
    return embedding(gg, indices)


embedding_dense_backward = Op("EmbeddingDenseBackward0", _embedding_backward,
                              grad=_embedding_backward_adjoint)
embedding = Op("EmbeddingBackward0", lambda weight, indices: weight[indices],
               weight=lambda grad, weight, indices:
                   embedding_dense_backward(grad, indices, weight.shape[0], None, False),
               jvp=lambda weight_t, indices: embedding(weight_t, indices))
# With padding_idx (that row's gradient stays zero) or scale_grad_by_freq.
embedding_padded = Op("EmbeddingBackward0",
                      lambda weight, indices, padding_idx, scale_grad_by_freq: weight[indices],
                      weight=lambda grad, weight, indices, padding_idx, scale_grad_by_freq:
                          embedding_dense_backward(grad, indices, weight.shape[0], padding_idx,
                                                   scale_grad_by_freq),
                      jvp=lambda weight_t, indices, padding_idx, scale_grad_by_freq:
                          embedding(weight_t, indices))


# --- bags: out[b] = sum of scale[i] * weight[indices[i]] over the entries i of bag b ----------
def _bag_sum(weight, scale, indices, bag_of, num_bags, scale_grad_by_freq):
    out = xp.zeros((num_bags, weight.shape[1]), dtype=weight.dtype)
    xp.add.at(out, bag_of, weight[indices] * scale[:, None])
    return out


embedding_bag = Op(
    "EmbeddingBagBackward0", _bag_sum,
    weight=lambda grad, weight, scale, indices, bag_of, num_bags, scale_grad_by_freq:
        embedding_dense_backward(embedding(grad, bag_of) * scale.unsqueeze(1), indices,
                                 weight.shape[0], None, scale_grad_by_freq),
    scale=lambda grad, weight, indices, bag_of:
        (embedding(grad, bag_of) * embedding(weight, indices)).sum(1))


def _bag_max(weight, rows, filled):
    """``out[b, d] = weight[rows[b, d], d]`` where bag ``b`` has an entry, else 0."""
    return xp.where(filled[:, None], xp.take_along_axis(weight, rows, axis=0), 0)


embedding_bag_max = Op(
    "EmbeddingBagBackward0", _bag_max,
    weight=lambda grad, weight, rows, filled:
        grad.new_zeros(weight.shape).scatter_add(
            0, grad.new_tensor(rows).long(), grad * grad.new_tensor(filled).unsqueeze(1)))
