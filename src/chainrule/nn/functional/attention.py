"""Attention of ``torch.nn.functional``: ``scaled_dot_product_attention`` and
``multi_head_attention_forward`` (what ``nn.MultiheadAttention`` computes).

Composed from differentiable tensor ops (matmul, softmax, dropout), so their
backward needs no rule of their own; ``multi_head_attention_forward`` takes
PyTorch's steps in PyTorch's order, so the graph ends in the same nodes.  A
boolean ``attn_mask`` of ``scaled_dot_product_attention`` marks the positions
that *take part* (``True`` = attend), while the boolean masks of
``multi_head_attention_forward`` mark the positions to *ignore*; a float mask is
added to the scores in both.
"""
from __future__ import annotations

import math
import warnings

from ... import _dtypes
from ...functions.creation import ones, zeros, zeros_like
from ...functions.joining import cat
from ...functions.matrix import baddbmm, bmm
from ...tensor import Tensor
from .activation import softmax
from .dropout import dropout
from .linear import linear
from .padding import pad

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]


def _attend_mask(mask: Tensor | None, dtype) -> Tensor | None:
    """A mask of ``scaled_dot_product_attention`` as floats to add to the scores: a boolean
    mask becomes 0 where ``True`` (attend) and -inf elsewhere; a float mask (or None) is
    returned as it is.

    >>> _attend_mask(torch.tensor([True, False]), torch.float32)
    tensor([0., -inf])
    """
    if mask is None or mask.dtype != _dtypes.bool:
        return mask
    return zeros(*mask.shape, dtype=dtype).masked_fill(mask.logical_not(), float("-inf"))


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Tensor | None = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """``softmax(Q Kᵀ · scale + mask) V`` over the last two dimensions.

    ``query`` is ``(..., L, E)``, ``key`` ``(..., S, E)``, ``value`` ``(..., S, Ev)``;
    ``scale`` defaults to ``1/√E``. A boolean ``attn_mask`` keeps the ``True`` positions, a
    float one is added to the scores; ``is_causal`` keeps the lower triangle. With
    ``enable_gqa`` the key/value heads (dim -3) are repeated to match the query's.

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
    mask = _attend_mask(attn_mask, scores.dtype)
    if mask is not None:
        scores = scores + mask
    weights = softmax(scores, dim=-1)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, training=True)
    return weights.matmul(value)


# --- multi-head attention -----------------------------------------------------------------
def _shape_check(query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None,
                 attn_mask: Tensor | None, num_heads: int) -> bool:
    """Whether the call is batched (3-D query) or not (2-D), after PyTorch's shape checks."""
    if query.ndim not in (2, 3):
        raise AssertionError("query should be unbatched 2D or batched 3D tensor but received "
                             f"{query.ndim}-D query tensor")
    batched = query.ndim == 3
    name = "batched (3-D)" if batched else "unbatched (2-D)"
    if key.ndim != query.ndim or value.ndim != query.ndim:
        raise AssertionError(f"For {name} `query`, expected `key` and `value` to be "
                             f"{query.ndim}-D but found {key.ndim}-D and {value.ndim}-D "
                             "tensors respectively")
    if key_padding_mask is not None and key_padding_mask.ndim != query.ndim - 1:
        raise AssertionError(f"For {name} `query`, expected `key_padding_mask` to be `None` or "
                             f"{query.ndim - 1}-D but found {key_padding_mask.ndim}-D tensor "
                             "instead")
    if attn_mask is not None:
        if attn_mask.ndim not in (2, 3):
            raise AssertionError(f"For {name} `query`, expected `attn_mask` to be `None`, 2-D "
                                 f"or 3-D but found {attn_mask.ndim}-D tensor instead")
        expected = (num_heads, query.shape[0], key.shape[0])
        if not batched and attn_mask.ndim == 3 and tuple(attn_mask.shape) != expected:
            raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got "
                                 f"{attn_mask.shape}")
    return batched


def canonical_mask(mask: Tensor | None, mask_name: str, other_type, other_name: str,
                   target_type, check_other: bool = True) -> Tensor | None:
    """A mask of ``multi_head_attention_forward`` as floats to add to the scores: a boolean
    mask becomes 0 / -inf (``True`` = ignore); a float mask is returned as it is.

    >>> canonical_mask(torch.tensor([True, False]), "key_padding_mask", None, "",
    ...                torch.float32)
    tensor([-inf, 0.])
    """
    if mask is None:
        return None
    floating = mask.dtype.is_floating_point
    if mask.dtype != _dtypes.bool and not floating:
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype != other_type:
        warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. "
                      "Use same type for both instead.", stacklevel=3)
    if floating:
        return mask
    return zeros_like(mask, dtype=target_type).masked_fill_(mask, float("-inf"))


def _packed_projection(query: Tensor, key: Tensor, value: Tensor, weight: Tensor,
                       bias: Tensor | None) -> tuple:
    """q, k, v from one packed ``(3E, E)`` weight, in PyTorch's three cases (self-attention:
    one product; encoder-decoder: two; otherwise three)."""
    E = query.shape[-1]
    if key is value:
        if query is key:
            proj = linear(query, weight, bias)
            proj = proj.unflatten(-1, (3, E)).unsqueeze(0).transpose(0, -2).squeeze(-2)
            proj = proj.contiguous()
            return proj[0], proj[1], proj[2]
        w_q, w_kv = weight.split([E, E * 2])
        b_q, b_kv = (None, None) if bias is None else bias.split([E, E * 2])
        kv = linear(key, w_kv, b_kv).unflatten(-1, (2, E)).unsqueeze(0).transpose(0, -2)
        kv = kv.squeeze(-2).contiguous()
        return linear(query, w_q, b_q), kv[0], kv[1]
    w_q, w_k, w_v = weight.chunk(3)
    b_q, b_k, b_v = (None, None, None) if bias is None else bias.chunk(3)
    return linear(query, w_q, b_q), linear(key, w_k, b_k), linear(value, w_v, b_v)


def _separate_projection(query: Tensor, key: Tensor, value: Tensor, weights: tuple,
                         bias: Tensor | None) -> tuple:
    """q, k, v from three weights (key and value may have other sizes than the query)."""
    for name, weight in zip(("query", "key", "value"), weights):
        if weight is None:
            raise AssertionError(f"use_separate_proj_weight is True but {name[0]}_proj_weight "
                                 "is None")
    biases = (None, None, None) if bias is None else bias.chunk(3)
    E = query.shape[-1]
    out = []
    for name, x, weight, b in zip(("query", "key", "value"), (query, key, value), weights,
                                  biases):
        if tuple(weight.shape) != (E, x.shape[-1]):
            raise AssertionError(f"expecting {name} weights shape of {(E, x.shape[-1])}, but "
                                 f"got {weight.shape}")
        if b is not None and tuple(b.shape) != (E,):
            raise AssertionError(f"expecting {name} bias shape of {(E,)}, but got {b.shape}")
        out.append(linear(x, weight, b))
    return tuple(out)


def _check_attn_mask(attn_mask: Tensor, L: int, S: int, batch_heads: int) -> Tensor:
    """``attn_mask`` as 3-D ``(1 or N*H, L, S)``, after PyTorch's size checks."""
    if attn_mask.ndim == 2:
        if tuple(attn_mask.shape) != (L, S):
            raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should "
                               f"be {(L, S)}.")
        return attn_mask.unsqueeze(0)
    if attn_mask.ndim == 3:
        if tuple(attn_mask.shape) != (batch_heads, L, S):
            raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should "
                               f"be {(batch_heads, L, S)}.")
        return attn_mask
    raise RuntimeError(f"attn_mask's dimension {attn_mask.ndim} is not supported")


def _static(static: Tensor, batch_heads: int, head_dim: int, name: str) -> Tensor:
    if static.shape[0] != batch_heads:
        raise AssertionError(f"expecting {name}.size(0) of {batch_heads}, but got "
                             f"{static.shape[0]}")
    if static.shape[2] != head_dim:
        raise AssertionError(f"expecting {name}.size(2) of {head_dim}, but got "
                             f"{static.shape[2]}")
    return static


def multi_head_attention_forward(
        query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
        in_proj_weight: Tensor | None, in_proj_bias: Tensor | None, bias_k: Tensor | None,
        bias_v: Tensor | None, add_zero_attn: bool, dropout_p: float,
        out_proj_weight: Tensor, out_proj_bias: Tensor | None, training: bool = True,
        key_padding_mask: Tensor | None = None, need_weights: bool = True,
        attn_mask: Tensor | None = None, use_separate_proj_weight: bool = False,
        q_proj_weight: Tensor | None = None, k_proj_weight: Tensor | None = None,
        v_proj_weight: Tensor | None = None, static_k: Tensor | None = None,
        static_v: Tensor | None = None, average_attn_weights: bool = True,
        is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
    """Multi-head attention with the given weights, as ``nn.MultiheadAttention`` computes it:
    ``query`` ``(L, N, E)``, ``key``/``value`` ``(S, N, E)`` (or unbatched ``(L, E)``,
    ``(S, E)``), projected by ``in_proj_weight`` (or ``q/k/v_proj_weight`` with
    ``use_separate_proj_weight``), split into ``num_heads`` heads, attended, joined and
    projected by ``out_proj_weight``.  ``bias_k``/``bias_v`` append one learnt key and
    value, ``add_zero_attn`` one zero key and value, ``static_k``/``static_v``
    ``(N * num_heads, S, E / num_heads)`` replace the projected keys and values.
    Boolean masks mark the positions to ignore, float masks are added to the scores.
    Returns ``(attn_output, attn_weights)``: the weights averaged over heads unless
    ``average_attn_weights=False``, ``None`` when ``need_weights=False``.

    >>> x = torch.ones(2, 1, 4)
    >>> out, weights = torch.nn.functional.multi_head_attention_forward(
    ...     x, x, x, 4, 2, torch.eye(4).repeat(3, 1), None, None, None, False, 0.0,
    ...     torch.eye(4), None, attn_mask=torch.tensor([[False, True], [False, False]]))
    >>> weights
    tensor([[[1.0000, 0.0000],
             [0.5000, 0.5000]]])
    """
    batched = _shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:  # one sequence: give it a batch of 1
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    L, N, embed_dim = query.shape
    S = key.shape[0]
    key_padding_mask = canonical_mask(key_padding_mask, "key_padding_mask",
                                      None if attn_mask is None else attn_mask.dtype,
                                      "attn_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the "
                           "Transformer module method `generate_square_subsequent_mask` to "
                           "create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # the hint alone makes the product causal, as in PyTorch
    else:
        attn_mask = canonical_mask(attn_mask, "attn_mask", None, "", query.dtype,
                                   check_other=False)
        if key_padding_mask is not None:
            is_causal = False  # the merged mask is no longer causal
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but "
                             f"got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if key.shape[:2] != value.shape[:2]:
            raise AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match "
                                 f"value's {value.shape[:2]}")
        q, k, v = _separate_projection(query, key, value,
                                       (q_proj_weight, k_proj_weight, v_proj_weight),
                                       in_proj_bias)
    else:
        if key.shape != value.shape:
            raise AssertionError(f"key shape {key.shape} does not match value shape "
                                 f"{value.shape}")
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        q, k, v = _packed_projection(query, key, value, in_proj_weight, in_proj_bias)
    batch_heads = N * num_heads
    if attn_mask is not None:
        attn_mask = _check_attn_mask(attn_mask, L, S, batch_heads)
    if (bias_k is None) != (bias_v is None):
        set_, unset = ("bias_k", "bias_v") if bias_v is None else ("bias_v", "bias_k")
        raise AssertionError(f"{set_} is set but {unset} is None")
    if bias_k is not None:
        for static, name in ((static_k, "key"), (static_v, "value")):
            if static is not None:
                raise AssertionError(f"bias cannot be added to static {name}.")
        k = cat([k, bias_k.repeat(1, N, 1)])
        v = cat([v, bias_v.repeat(1, N, 1)])
        attn_mask = None if attn_mask is None else pad(attn_mask, (0, 1))
        key_padding_mask = None if key_padding_mask is None else pad(key_padding_mask, (0, 1))
    # heads into the batch: (seq, N, E) -> (N * H, seq, D); reshape where PyTorch has view
    # because chainrule's contiguous() keeps the layout, so a view may not be possible
    q = q.reshape(L, batch_heads, head_dim).transpose(0, 1)
    k = (k.reshape(k.shape[0], batch_heads, head_dim).transpose(0, 1) if static_k is None
         else _static(static_k, batch_heads, head_dim, "static_k"))
    v = (v.reshape(v.shape[0], batch_heads, head_dim).transpose(0, 1) if static_v is None
         else _static(static_v, batch_heads, head_dim, "static_v"))
    if add_zero_attn:
        k = cat([k, zeros(batch_heads, 1, head_dim, dtype=k.dtype)], dim=1)
        v = cat([v, zeros(batch_heads, 1, head_dim, dtype=v.dtype)], dim=1)
        attn_mask = None if attn_mask is None else pad(attn_mask, (0, 1))
        key_padding_mask = None if key_padding_mask is None else pad(key_padding_mask, (0, 1))
    S = k.shape[1]
    if key_padding_mask is not None:
        for axis, size in enumerate((N, S)):
            if key_padding_mask.shape[axis] != size:
                raise AssertionError(f"Expected key_padded_mask.shape[{axis}] to be {size}, "
                                     f"but got {key_padding_mask.shape[axis]}")
        key_padding_mask = key_padding_mask.view(N, 1, 1, S).expand(-1, num_heads, -1, -1)
        key_padding_mask = key_padding_mask.reshape(batch_heads, 1, S)
        attn_mask = key_padding_mask if attn_mask is None else attn_mask + key_padding_mask
    if not training:
        dropout_p = 0.0
    if need_weights:
        q_scaled = q * math.sqrt(1.0 / float(head_dim))
        weights = (bmm(q_scaled, k.transpose(-2, -1)) if attn_mask is None
                   else baddbmm(attn_mask, q_scaled, k.transpose(-2, -1)))
        weights = softmax(weights, dim=-1)
        if dropout_p > 0.0:
            weights = dropout(weights, p=dropout_p)
        out = bmm(weights, v).transpose(0, 1).reshape(L * N, embed_dim)
        out = linear(out, out_proj_weight, out_proj_bias)
        out = out.view(L, N, out.shape[1])
        weights = weights.view(N, num_heads, L, S)
        if average_attn_weights:
            weights = weights.mean(dim=1)
        return (out, weights) if batched else (out.squeeze(1), weights.squeeze(0))
    if attn_mask is not None:
        attn_mask = (attn_mask.unsqueeze(0) if attn_mask.shape[0] == 1
                     else attn_mask.view(N, num_heads, -1, S))
    q, k, v = (t.view(N, num_heads, -1, head_dim) for t in (q, k, v))
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)  # float mask
    out = out.permute(2, 0, 1, 3).reshape(N * L, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias).view(L, N, -1)
    return (out if batched else out.squeeze(1)), None
