"""Normalisation of ``torch.nn.functional``: ``layer_norm``, ``batch_norm``, ``group_norm``,
``instance_norm``, ``rms_norm``, ``local_response_norm`` and ``normalize``.

The first five are the ``torch.*`` functions of ``chainrule.functions.normalization``
(``batch_norm`` and ``instance_norm`` take their arguments in ``nn.functional``'s
order).  ``local_response_norm`` is PyTorch's composition: each position divided
by a power of the average of squares over neighbouring channels.
"""
from __future__ import annotations

from ...functions import normalization
from ...functions.normalization import group_norm, layer_norm, rms_norm
from ...functions.pooling import avg_pool
from ...ops import padding as padding_ops
from ...tensor import Tensor

__all__ = ["layer_norm", "batch_norm", "group_norm", "instance_norm", "normalize", "rms_norm",
           "local_response_norm"]


def batch_norm(input: Tensor, running_mean, running_var, weight=None, bias=None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel (dimension 1) by batch statistics (training) or running ones.

    >>> torch.nn.functional.batch_norm(torch.tensor([[1.], [3.]]), None, None, training=True)
    tensor([[-1.0000],
            [ 1.0000]])
    """
    return normalization.batch_norm(input, weight, bias, running_mean, running_var, training,
                                    momentum, eps)


def instance_norm(input: Tensor, running_mean: Tensor | None = None,
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel of each sample over its positions (``(N, C, *)``); with
    ``use_input_stats=False``, by the running statistics instead.

    >>> torch.nn.functional.instance_norm(torch.tensor([[[1., 3.], [0., 4.]]]))
    tensor([[[-1.0000,  1.0000],
             [-1.0000,  1.0000]]])
    """
    return normalization.instance_norm(input, weight, bias, running_mean, running_var,
                                       use_input_stats, momentum, eps)


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,
                        k: float = 1.0) -> Tensor:
    """Divide each value by ``(k + alpha * mean of squares over the size channels around
    it) ** beta`` (Krizhevsky et al., 2012), on ``(N, C, *)``.

    >>> torch.nn.functional.local_response_norm(torch.ones(1, 3, 1), 2, alpha=1., k=0.)
    tensor([[[1.6818],
             [1.0000],
             [1.0000]]])
    """
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          input "
                         f"(got {input.ndim} dimensions)")
    if input.numel() == 0:
        return input
    shape = input.shape
    # The squares as one channel of a (N, 1, C, -1) volume, padded along C and averaged
    # over size channels: PyTorch's steps, so values round as PyTorch's do.
    squares = input.mul(input).reshape(shape[0], 1, shape[1], 1, -1)
    squares = padding_ops.constant_pad(squares, ((0, 0),) * 2 + ((size // 2, (size - 1) // 2),)
                                       + ((0, 0),) * 2, 0.0)
    div = avg_pool("avg_pool3d", squares, 3, (size, 1, 1), 1).squeeze(1).view(shape)
    return input / div.mul(alpha).add(k).pow(beta)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:
    """``x / max(||x||_p, eps)`` along ``dim``.

    >>> torch.nn.functional.normalize(torch.tensor([[3., 4.]]))
    tensor([[0.6000, 0.8000]])
    """
    return input / input.norm(p, dim, keepdim=True).clamp(min=eps)
