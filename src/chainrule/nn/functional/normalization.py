"""Normalisation of ``torch.nn.functional``: ``layer_norm``, ``batch_norm``, ``group_norm``,
``instance_norm`` and ``normalize``.

``layer_norm`` and ``batch_norm`` check their arguments and call their rows in
``chainrule.ops.normalization``; group and instance normalisation are
layer_norm's single node over a regrouped view, then a per-channel scale and
shift.  Running statistics are bookkeeping, updated on the arrays outside the
graph.
"""
from __future__ import annotations

from ...ops import normalization as normalization_ops
from ...ops.reduction import _mean
from ...tensor import Tensor
from .arguments import floating_only

__all__ = ["layer_norm", "batch_norm", "group_norm", "instance_norm", "normalize"]


def layer_norm(input: Tensor, normalized_shape, weight=None, bias=None, eps: float = 1e-5):
    """Normalise over the last ``len(normalized_shape)`` dimensions, then scale and shift.

    >>> import chainrule as torch
    >>> torch.nn.functional.layer_norm(torch.tensor([[1., 3.]]), (2,))
    tensor([[-1.0000,  1.0000]])
    """
    shape = tuple(normalized_shape) if isinstance(normalized_shape, (tuple, list)) \
        else (normalized_shape,)
    if tuple(input.shape[input.ndim - len(shape):]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape [*, "
            f"{', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    return normalization_ops.layer_norm(input, weight, bias, dims, eps)


def batch_norm(input: Tensor, running_mean, running_var, weight=None, bias=None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel (dimension 1) by batch statistics (training) or running ones.

    >>> import chainrule as torch
    >>> torch.nn.functional.batch_norm(torch.tensor([[1.], [3.]]), None, None, training=True)
    tensor([[-1.0000],
            [ 1.0000]])
    """
    dims = (0,) + tuple(range(2, input.ndim))
    shape = (1, -1) + (1,) * (input.ndim - 2)
    if not training:
        if running_mean is None or running_var is None:
            raise RuntimeError(f"running_{'mean' if running_mean is None else 'var'} must be "
                               "defined in evaluation mode. Fix: pass running statistics, or "
                               "training=True to normalise by the batch's own.")
        return normalization_ops.batch_norm_eval(input, weight, bias, running_mean, running_var,
                                                 dims, shape, eps)
    count = input.numel() // input.shape[1]
    if count <= 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input "
                         f"size {list(input.shape)}")
    if running_mean is not None:
        # running statistics are bookkeeping, not part of the graph
        x = input._data
        mean = _mean(x, dims, True)
        centred = x - mean
        m = mean.reshape(-1)
        v = _mean(centred * centred, dims, True).reshape(-1) * (count / (count - 1))
        running_mean._data *= 1 - momentum
        running_mean._data += momentum * m
        running_var._data *= 1 - momentum
        running_var._data += momentum * v
        running_mean._bump_version()
        running_var._bump_version()
    return normalization_ops.batch_norm_train(input, weight, bias, dims, shape, eps)


def _affine(out, weight, bias, ndim):
    shape = (-1,) + (1,) * (ndim - 2)
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise each group of ``num_groups`` channel groups over its channels and positions,
    then scale and shift per channel.

    >>> import chainrule as torch
    >>> torch.nn.functional.group_norm(torch.tensor([[1., 3., 5., 9.]]), 2)
    tensor([[-1.0000,  1.0000, -1.0000,  1.0000]])
    """
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.ndim}")
    floating_only("GroupNormKernelImpl", input)
    n, c = input.shape[:2]
    if num_groups <= 0 or c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {list(input.shape)} and "
                           f"num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (c,):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of "
                               f"channels in input, but got {name} of shape {list(t.shape)} "
                               f"and input of shape {list(input.shape)}")
    grouped = input.reshape(n, num_groups, -1)
    out = layer_norm(grouped, (grouped.shape[-1],), eps=eps).reshape(input.shape)
    return _affine(out, weight, bias, input.ndim)


def instance_norm(input: Tensor, running_mean: Tensor | None = None,
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel of each sample over its positions (``(N, C, *)``); with
    ``use_input_stats=False``, by the running statistics instead.

    >>> import chainrule as torch
    >>> torch.nn.functional.instance_norm(torch.tensor([[[1., 3.], [0., 4.]]]))
    tensor([[[-1.0000,  1.0000],
             [-1.0000,  1.0000]]])
    """
    if input.ndim < 3:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                         f"{_size_repr(input)}")
    n, c = input.shape[:2]
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    count = input.numel() // (n * c) if n * c else 0
    if count <= 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                         f"{_size_repr(input)}")
    flat = input.reshape(n, c, -1)
    if running_mean is not None or running_var is not None:
        # running statistics are bookkeeping, not part of the graph: the batch's mean of the
        # instances' means and (unbiased) variances
        x = flat._data
        for running, stat in ((running_mean, x.mean(-1)),
                              (running_var, x.var(-1, ddof=1))):
            if running is not None:
                running._data *= 1 - momentum
                running._data += (momentum * stat.mean(0)).astype(running._data.dtype)
                running._bump_version()
    out = layer_norm(flat, (flat.shape[-1],), eps=eps).reshape(input.shape)
    return _affine(out, weight, bias, input.ndim)


def _size_repr(t):
    return f"torch.Size([{', '.join(map(str, t.shape))}])"


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:
    """``x / max(||x||_p, eps)`` along ``dim``.

    >>> import chainrule as torch
    >>> torch.nn.functional.normalize(torch.tensor([[3., 4.]]))
    tensor([[0.6000, 0.8000]])
    """
    return input / input.norm(p, dim, keepdim=True).clamp(min=eps)
