"""Dropout as ``torch.*`` has it: ``dropout``, ``feature_dropout``, ``alpha_dropout``,
``feature_alpha_dropout`` (``input, p, train``) and their in-place forms.

While training, each element (``feature_``: each channel, dimension 1) is kept
with probability ``1 - p``.  Dropout scales what it keeps by ``1 / (1 - p)``
and zeroes the rest, so the expected output is the input; alpha dropout (for
SELU networks) sets the dropped elements to SELU's negative saturation value
and applies the affine map that keeps mean 0 and variance 1.  Either way the
result is the input times a constant mask (plus a constant), so the gradient
is the same mask.  ``nn.functional``'s dropouts are built on these.
"""
from __future__ import annotations

import math
from collections.abc import Callable

from .._backend import xp
from ..engine.inplace import inplace
from ..tensor import Tensor
from .comparison import named
from .random import _rng

__all__ = ["dropout", "dropout_", "feature_dropout", "feature_dropout_", "alpha_dropout",
           "alpha_dropout_", "feature_alpha_dropout", "feature_alpha_dropout_"]

# -SELU_SCALE * SELU_ALPHA: where SELU's output saturates for very negative inputs.
_ALPHA = 1.7580993408473766


def _in_place(dropout: Callable, example: str, result: str) -> Callable:
    """The in-place form ``torch.<name>_`` of ``dropout``, with a doctest calling it with the
    arguments ``example`` and printing ``result``."""
    def in_place(input: Tensor, p: float, train: bool) -> Tensor:
        return inplace(input, dropout, p, train)
    name = dropout.__name__
    return named(in_place, f"{name}_", f"``{name}`` in place.", f"torch.{name}_{example}",
                 result)


def _dropped(input: Tensor, p: float, train: bool, feature: bool, alpha: bool) -> Tensor:
    """PyTorch's ``_dropout_impl``: the input, unchanged, outside training or with ``p = 0``;
    otherwise the input times a fresh mask (plus, for alpha dropout, a constant)."""
    if not 0 <= p <= 1:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")
    if feature and input.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input. Fix: "
                           "give the input a channel dimension (and a batch dimension).")
    if p == 0 or not train or input.numel() == 0:
        return input
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{input.dtype.scalar_name}. Fix: dropout needs a floating input, "
                           "e.g. x.float().")
    if p == 1:
        return input * 0.0  # zeros, with the input's signs (PyTorch multiplies by 0 too)
    # one draw per element, or per channel: (N, C, 1, 1, ...) broadcasts over the rest
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2) if feature else tuple(input.shape)
    keep = _rng(None).random(shape) >= p
    dtype = input._data.dtype
    if not alpha:
        return input * Tensor._make(keep.astype(dtype) * dtype.type(1 / (1 - p)))
    a = 1 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
    shift = xp.where(keep, _ALPHA * a * p, _ALPHA * a * p - _ALPHA * a).astype(dtype)
    return input * Tensor._make(keep.astype(dtype) * dtype.type(a)) + Tensor._make(shift)


def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """Zero each element with probability ``p`` while ``train``; scale the rest by
    ``1 / (1 - p)``.

    >>> torch.dropout(torch.ones(3), 0.5, False)
    tensor([1., 1., 1.])
    """
    return _dropped(input, p, train, feature=False, alpha=False)


dropout_ = _in_place(dropout, "(torch.ones(2), 1.0, True)", "tensor([0., 0.])")


def feature_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """Zero whole channels (dimension 1) with probability ``p`` while ``train``; scale the
    rest by ``1 / (1 - p)``.

    >>> torch.feature_dropout(torch.ones(1, 2, 2), 0.0, True)
    tensor([[[1., 1.],
             [1., 1.]]])
    """
    return _dropped(input, p, train, feature=True, alpha=False)


feature_dropout_ = _in_place(feature_dropout, "(torch.ones(1, 2), 0.5, False)",
                              "tensor([[1., 1.]])")


def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """Dropout for SELU networks: dropped elements take SELU's negative saturation value
    and an affine map keeps the mean at 0 and the variance at 1.

    >>> torch.alpha_dropout(torch.ones(3), 0.2, False)
    tensor([1., 1., 1.])
    """
    return _dropped(input, p, train, feature=False, alpha=True)


alpha_dropout_ = _in_place(alpha_dropout, "(torch.ones(2), 0.2, False)", "tensor([1., 1.])")


def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``alpha_dropout`` of whole channels (dimension 1).

    >>> torch.feature_alpha_dropout(torch.ones(1, 2), 0.2, False)
    tensor([[1., 1.]])
    """
    return _dropped(input, p, train, feature=True, alpha=True)


feature_alpha_dropout_ = _in_place(feature_alpha_dropout, "(torch.ones(1, 2), 0.2, False)",
                                    "tensor([[1., 1.]])")
