"""Dropout of ``torch.nn.functional``: ``dropout``, and ``dropout1d``/``dropout2d`` by channel.

While training, each element (or each whole channel) is zeroed with
probability ``p`` and the rest scaled by ``1 / (1 - p)``, so the expected
output equals the input; the result is the input times a constant mask, whose
gradient is the same mask.
"""
from __future__ import annotations

import warnings

from ...functions.random import _rng
from ...tensor import Tensor

__all__ = ["dropout", "dropout1d", "dropout2d"]


def _dropped(input: Tensor, p: float, training: bool, mask_shape: tuple) -> Tensor:
    """``input`` times a mask of ``mask_shape`` (broadcast over the rest): zeros with
    probability ``p``, ``1 / (1 - p)`` elsewhere."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    if p == 1:
        return input * 0
    keep = _rng(None).random(mask_shape) >= p
    mask = keep.astype(input._data.dtype) * input._data.dtype.type(1 / (1 - p))
    return input * Tensor._make(mask)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``.

    >>> import chainrule as torch
    >>> torch.nn.functional.dropout(torch.ones(3), p=0.5, training=False)
    tensor([1., 1., 1.])
    """
    return _dropped(input, p, training, input.shape)


def _channel_dropout(input, p, training, batched):
    """Zero whole channels (dimension 1 of a batched input, 0 of an unbatched one)."""
    lead = 2 if batched else 1
    return _dropped(input, p, training, tuple(input.shape[:lead]) + (1,) * (input.ndim - lead))


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero whole channels of ``(N, C, L)`` or ``(C, L)`` with probability ``p``; scale the
    rest by ``1 / (1 - p)``.

    >>> import chainrule as torch
    >>> torch.nn.functional.dropout1d(torch.ones(1, 2, 3), p=0.5, training=False)
    tensor([[[1., 1., 1.],
             [1., 1., 1.]]])
    """
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D "
                           "input. Note that dropout1d exists to provide channel-wise dropout "
                           "on inputs with 1 spatial dimension, a channel dimension, and an "
                           "optional batch dimension (i.e. 2D or 3D inputs).")
    return _channel_dropout(input, p, training, input.ndim == 3)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero whole channels of ``(N, C, H, W)`` or ``(C, H, W)`` with probability ``p``.

    As in PyTorch, a 3-D input is taken as ``(N, C, L)`` (with a warning).

    >>> import chainrule as torch
    >>> torch.nn.functional.dropout2d(torch.ones(1, 1, 1, 2), p=0.0)
    tensor([[[[1., 1.]]]])
    """
    if input.ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is "
                      "deprecated and will result in an error in a future release. To retain "
                      "the behavior and silence this warning, please use dropout instead. Note "
                      "that dropout2d exists to provide channel-wise dropout on inputs with 2 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension "
                      "(i.e. 3D or 4D inputs).", stacklevel=2)
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-"
                      "wise 1D dropout behavior is desired - input is interpreted as shape (N, "
                      "C, L), where C is the channel dim. This behavior will change in a future "
                      "release to interpret the input as one without a batch dimension, i.e. "
                      "shape (C, H, W). To maintain the 1D channel-wise dropout behavior, "
                      "please switch to using dropout1d instead.", stacklevel=2)
    return _channel_dropout(input, p, training, input.ndim >= 2)
