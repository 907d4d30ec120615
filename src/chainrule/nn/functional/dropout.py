"""Dropout of ``torch.nn.functional``: ``dropout``, ``alpha_dropout``, and by channel
``dropout1d``/``dropout2d``/``dropout3d``/``feature_alpha_dropout``.

Each checks ``p`` (``ValueError``, as PyTorch's ``nn.functional`` does) and the
input's dimensions, then calls the ``torch.*`` dropout of
``chainrule.functions.dropout`` (its in-place form with ``inplace=True``).
"""
from __future__ import annotations

import warnings

from ...functions import dropout as torch_dropout
from ...tensor import Tensor

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
           "feature_alpha_dropout"]


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _call(name: str, input: Tensor, p: float, training: bool, inplace: bool) -> Tensor:
    """``torch.<name>(input, p, training)``, or its in-place form ``<name>_``."""
    _check_p(p)
    return getattr(torch_dropout, name + "_" if inplace else name)(input, p, training)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``.

    >>> torch.nn.functional.dropout(torch.ones(3), p=0.5, training=False)
    tensor([1., 1., 1.])
    """
    return _call("dropout", input, p, training, inplace)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                  inplace: bool = False) -> Tensor:
    """Dropout that keeps a SELU network's mean and variance (see ``torch.alpha_dropout``).

    >>> torch.nn.functional.alpha_dropout(torch.ones(2), 0.5)
    tensor([1., 1.])
    """
    return _call("alpha_dropout", input, p, training, inplace)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                          inplace: bool = False) -> Tensor:
    """``alpha_dropout`` of whole channels (dimension 1).

    >>> torch.nn.functional.feature_alpha_dropout(torch.ones(1, 2), 0.5)
    tensor([[1., 1.]])
    """
    return _call("feature_alpha_dropout", input, p, training, inplace)


def _channel_dropout(input: Tensor, p: float, training: bool, inplace: bool,
                     batched: bool) -> Tensor:
    """``feature_dropout`` of ``input``, given a batch dimension of 1 where it has none."""
    _check_p(p)
    if batched:
        return _call("feature_dropout", input, p, training, inplace)
    if inplace:  # the view shares input's memory: dropping its channels drops input's
        _call("feature_dropout", input.unsqueeze(0), p, training, True)
        return input
    return _call("feature_dropout", input.unsqueeze(0), p, training, False).squeeze(0)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero whole channels of ``(N, C, L)`` or ``(C, L)`` with probability ``p``; scale the
    rest by ``1 / (1 - p)``.

    >>> torch.nn.functional.dropout1d(torch.ones(1, 2, 3), p=0.5, training=False)
    tensor([[[1., 1., 1.],
             [1., 1., 1.]]])
    """
    _check_p(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D "
                           "input. Note that dropout1d exists to provide channel-wise dropout "
                           "on inputs with 1 spatial dimension, a channel dimension, and an "
                           "optional batch dimension (i.e. 2D or 3D inputs).")
    return _channel_dropout(input, p, training, inplace, input.ndim == 3)


def _deprecated_dims(name: str, ndim: int, spatial: int) -> None:
    """PyTorch's warning for ``dropout2d``/``dropout3d`` on another number of dimensions."""
    if ndim not in (spatial + 1, spatial + 2):
        warnings.warn(f"{name}: Received a {ndim}-D input to {name}, which is deprecated and "
                      "will result in an error in a future release. To retain the behavior "
                      "and silence this warning, please use dropout instead. Note that "
                      f"{name} exists to provide channel-wise dropout on inputs with {spatial} "
                      "spatial dimensions, a channel dimension, and an optional batch "
                      f"dimension (i.e. {spatial + 1}D or {spatial + 2}D inputs).",
                      stacklevel=3)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero whole channels of ``(N, C, H, W)`` or ``(C, H, W)`` with probability ``p``.

    As in PyTorch, a 3-D input is taken as ``(N, C, L)`` (with a warning).

    >>> torch.nn.functional.dropout2d(torch.ones(1, 1, 1, 2), p=0.0)
    tensor([[[[1., 1.]]]])
    """
    _check_p(p)
    _deprecated_dims("dropout2d", input.ndim, 2)
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-"
                      "wise 1D dropout behavior is desired - input is interpreted as shape (N, "
                      "C, L), where C is the channel dim. This behavior will change in a future "
                      "release to interpret the input as one without a batch dimension, i.e. "
                      "shape (C, H, W). To maintain the 1D channel-wise dropout behavior, "
                      "please switch to using dropout1d instead.", stacklevel=2)
    return _call("feature_dropout", input, p, training, inplace)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero whole channels of ``(N, C, D, H, W)`` or ``(C, D, H, W)`` with probability ``p``.

    >>> torch.nn.functional.dropout3d(torch.ones(1, 1, 1, 2), p=0.5, training=False)
    tensor([[[[1., 1.]]]])
    """
    _check_p(p)
    _deprecated_dims("dropout3d", input.ndim, 3)
    return _channel_dropout(input, p, training, inplace, input.ndim == 5)
