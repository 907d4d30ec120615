"""Normalisation: ``torch.layer_norm``, ``batch_norm``, ``group_norm``, ``instance_norm`` and
``rms_norm`` (``nn.functional``'s call them, some with their arguments in another order).

``layer_norm``, ``batch_norm`` and ``group_norm`` check their arguments and
call their rows in ``chainrule.ops.normalization`` (one node each, named as
PyTorch names them).  Instance norm is PyTorch's composition: batch norm of
the (1, N*C, ...) view, viewed back; RMS norm is its composition too.  Running
statistics are bookkeeping, updated on the arrays outside the graph.
"""
from __future__ import annotations

from .. import _dtypes
from .._backend import xp
from ..ops import normalization as normalization_ops
from ..ops.reduction import _mean
from ..tensor import Tensor
from .arguments import floating_only

__all__ = ["layer_norm", "batch_norm", "group_norm", "instance_norm", "rms_norm"]


def _normalized_shape(input: Tensor, normalized_shape) -> tuple:
    shape = tuple(normalized_shape) if isinstance(normalized_shape, (tuple, list)) \
        else (normalized_shape,)
    if tuple(input.shape[input.ndim - len(shape):]) != shape or len(shape) > input.ndim:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape [*, "
            f"{', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    return shape


def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5,
               cudnn_enable: bool = True) -> Tensor:
    """Normalise over the last ``len(normalized_shape)`` dimensions, then scale and shift.

    >>> torch.layer_norm(torch.tensor([[1., 3.]]), (2,))
    tensor([[-1.0000,  1.0000]])
    """
    shape = _normalized_shape(input, normalized_shape)
    floating_only("LayerNormKernelImpl", input)
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    return normalization_ops.layer_norm(input, weight, bias, dims, eps)


def _check_channel_vectors(input: Tensor, **vectors) -> None:
    c = input.shape[1]
    for name, t in vectors.items():
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")


def batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,
               running_mean: Tensor | None, running_var: Tensor | None, training: bool,
               momentum: float, eps: float, cudnn_enabled: bool = True) -> Tensor:
    """Normalise each channel (dimension 1) by batch statistics (training, which also
    updates the running ones) or by the running statistics.

    >>> torch.batch_norm(torch.tensor([[1.], [3.]]), None, None, None, None, True, 0.1, 1e-5,
    ...                  False)
    tensor([[-1.0000],
            [ 1.0000]])
    """
    if input.ndim < 2:
        raise ValueError(f"Expected 2D or higher input (got {input.ndim}D input)")
    floating_only("batch_norm", input)
    _check_channel_vectors(input, weight=weight, bias=bias, running_mean=running_mean,
                           running_var=running_var)
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


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5,
               cudnn_enabled: bool = True) -> Tensor:
    """Normalise each of ``num_groups`` channel groups over its channels and positions,
    then scale and shift per channel.

    >>> torch.group_norm(torch.tensor([[1., 3., 5., 9.]]), 2)
    tensor([[-1.0000,  1.0000, -1.0000,  1.0000]])
    """
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.ndim}")
    floating_only("GroupNormKernelImpl", input)
    c = input.shape[1]
    if num_groups <= 0 or c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {list(input.shape)} and "
                           f"num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (c,):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of "
                               f"channels in input, but got {name} of shape {list(t.shape)} "
                               f"and input of shape {list(input.shape)}")
    shape = (1, -1) + (1,) * (input.ndim - 2)
    return normalization_ops.group_norm(input, weight, bias, num_groups, shape, eps)


def _size_repr(t: Tensor) -> str:
    return f"torch.Size([{', '.join(map(str, t.shape))}])"


def instance_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,
                  running_mean: Tensor | None, running_var: Tensor | None,
                  use_input_stats: bool, momentum: float, eps: float,
                  cudnn_enabled: bool = True) -> Tensor:
    """Normalise each channel of each sample over its positions (``(N, C, *)``); with
    ``use_input_stats=False``, by the running statistics instead.

    As in PyTorch, this is batch norm of the ``(1, N*C, *)`` view (the per-channel
    weight repeated for each sample), viewed back.

    >>> torch.instance_norm(torch.tensor([[[1., 3.], [0., 4.]]]), None, None, None, None,
    ...                     True, 0.1, 1e-5, False)
    tensor([[[-1.0000,  1.0000],
             [-1.0000,  1.0000]]])
    """
    if input.ndim < 3:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                         f"{_size_repr(input)}")
    n, c = input.shape[:2]
    if not use_input_stats:
        return batch_norm(input, weight, bias, running_mean, running_var, False, momentum, eps)
    count = input.numel() // (n * c) if n * c else 0
    if count <= 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                         f"{_size_repr(input)}")
    if running_mean is not None or running_var is not None:
        # running statistics are bookkeeping, not part of the graph: the batch's mean of the
        # instances' means and (unbiased) variances
        x = input._data.reshape(n, c, -1)
        for running, stat in ((running_mean, x.mean(-1)),
                              (running_var, x.var(-1, ddof=1))):
            if running is not None:
                running._data *= 1 - momentum
                running._data += (momentum * stat.mean(0)).astype(running._data.dtype)
                running._bump_version()
    folded = input.reshape(1, n * c, *input.shape[2:])
    weight = None if weight is None else weight.repeat(n)
    bias = None if bias is None else bias.repeat(n)
    out = batch_norm(folded, weight, bias, None, None, True, momentum, eps)
    return out.view(input.shape)


def rms_norm(input: Tensor, normalized_shape, weight: Tensor | None = None,
             eps: float | None = None) -> Tensor:
    """``x / sqrt(mean(x²) + eps)`` over the last ``len(normalized_shape)`` dimensions, times
    ``weight``; ``eps`` defaults to the dtype's machine epsilon.  PyTorch's composition
    (float16 computed in float32), so the ``grad_fn`` is its last multiplication.

    >>> torch.rms_norm(torch.tensor([[3., 4.]]), [2], eps=0.0)
    tensor([[0.8485, 1.1314]])
    """
    shape = _normalized_shape(input, normalized_shape)
    if weight is not None and tuple(weight.shape) != shape:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got "
                           f"weight of shape {list(weight.shape)} and normalized_shape = "
                           f"{list(shape)}")
    floating_only("rms_norm", input)
    wide = input.float() if input.dtype is _dtypes.float16 else input
    if eps is None:
        eps = float(xp.finfo(wide._data.dtype).eps)
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    out = wide.mul((wide.pow(2).mean(dims, keepdim=True) + eps).rsqrt())
    if out.dtype is not input.dtype:
        out = out.to(input.dtype)
    return out if weight is None else out.mul(weight)
