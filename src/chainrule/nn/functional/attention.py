"""Attention of ``torch.nn.functional``: ``scaled_dot_product_attention``.

Composed from differentiable tensor ops (matmul, softmax, dropout), so its
backward needs no rule of its own.  A boolean ``attn_mask`` marks the positions
that *take part* (``True`` = attend); a float one is added to the scores.
"""
from __future__ import annotations

import math

from ... import _dtypes
from ...functions.creation import ones, zeros
from ...tensor import Tensor
from .activation import softmax
from .dropout import dropout

__all__ = ["scaled_dot_product_attention"]


def additive_mask(mask: Tensor | None, dtype, keep_true: bool) -> Tensor | None:
    """A float mask to add to attention scores: a boolean mask becomes 0 / -inf
    (``keep_true`` says whether ``True`` means "attend", as here, or "ignore", as in
    ``nn.MultiheadAttention``); a float mask (or None) is returned as it is.

    >>> import chainrule as torch
    >>> additive_mask(torch.tensor([True, False]), torch.float32, keep_true=True)
    tensor([0., -inf])
    """
    if mask is None or mask.dtype != _dtypes.bool:
        return mask
    blocked = mask.logical_not() if keep_true else mask
    return zeros(*mask.shape, dtype=dtype).masked_fill(blocked, float("-inf"))


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Tensor | None = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """``softmax(Q Kᵀ · scale + mask) V`` over the last two dimensions.

    ``query`` is ``(..., L, E)``, ``key`` ``(..., S, E)``, ``value`` ``(..., S, Ev)``;
    ``scale`` defaults to ``1/√E``. A boolean ``attn_mask`` keeps the ``True`` positions, a
    float one is added to the scores; ``is_causal`` keeps the lower triangle. With
    ``enable_gqa`` the key/value heads (dim -3) are repeated to match the query's.

    >>> import chainrule as torch
    >>> q = torch.ones(1, 2, 4)
    >>> v = torch.tensor([[[1.0, 0.0], [0.0, 1.0]]])
    >>> torch.nn.functional.scaled_dot_product_attention(q, q, v, is_causal=True)
    tensor([[[1.0000, 0.0000],
             [0.5000, 0.5000]]])
    """
    L, S = query.shape[-2], key.shape[-2]
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be "
                           "set when is_causal=True. Fix: pass either attn_mask or "
                           "is_causal=True, not both.")
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        repeats = query.shape[-3] // key.shape[-3]
        key = key.repeat_interleave(repeats, dim=-3)
        value = value.repeat_interleave(repeats, dim=-3)
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = query.matmul(key.transpose(-2, -1)) * scale
    if is_causal:
        attn_mask = ones(L, S, dtype=_dtypes.bool).tril()
    mask = additive_mask(attn_mask, scores.dtype, keep_true=True)
    if mask is not None:
        scores = scores + mask
    weights = softmax(scores, dim=-1)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, training=True)
    return weights.matmul(value)
