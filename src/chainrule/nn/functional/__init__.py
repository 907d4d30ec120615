"""``chainrule.nn.functional``: the operations that layers and losses are made of.

Most are compositions of chainrule's tensor operations, so their gradients
come from the core rule table for free.  The ones below that need a rule of
their own are ``Op``s, each for a reason given next to it: numerical
stability (``log_softmax``, ``softplus``), or speed where a composition would
record thousands of tiny nodes (convolution, pooling, embedding, ``linear``,
``nll_loss``).
"""
from __future__ import annotations

import numpy as np

from ...engine.op import Op
from ...ops.reduction import _mean
from ...tensor import Tensor
from .activation import (  # noqa: F401
    celu,
    elu,
    gelu,
    glu,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    leaky_relu,
    log_softmax,
    logsigmoid,
    mish,
    prelu,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softmin,
    softplus,
    softshrink,
    softsign,
    tanh,
    tanhshrink,
    threshold,
)
from .convolution import conv1d, conv2d, conv_transpose2d  # noqa: F401
from .distance import cosine_similarity, pairwise_distance  # noqa: F401
from .dropout import dropout, dropout1d, dropout2d  # noqa: F401
from .linear import bilinear, linear  # noqa: F401
from .loss import (  # noqa: F401
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cosine_embedding_loss,
    cross_entropy,
    gaussian_nll_loss,
    hinge_embedding_loss,
    huber_loss,
    kl_div,
    l1_loss,
    margin_ranking_loss,
    mse_loss,
    multilabel_soft_margin_loss,
    nll_loss,
    poisson_nll_loss,
    smooth_l1_loss,
    soft_margin_loss,
    triplet_margin_loss,
)
from .padding import pad  # noqa: F401
from .pooling import (  # noqa: F401
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    avg_pool1d,
    avg_pool2d,
    max_pool1d,
    max_pool2d,
    max_pool2d_with_indices,
)
from .sparse import embedding, one_hot  # noqa: F401


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:
    """``x / max(||x||_p, eps)`` along ``dim``.

    >>> import chainrule as torch
    >>> torch.nn.functional.normalize(torch.tensor([[3., 4.]]))
    tensor([[0.6000, 0.8000]])
    """
    return input / input.norm(p, dim, keepdim=True).clamp(min=eps)


# ----------------------------------------------------------------------------------------
# convolution: im2col + one matmul
# ----------------------------------------------------------------------------------------
# NumPy has no convolution kernel.  The input's sliding windows are gathered into a
# "column" matrix of shape (N*Ho*Wo, kh*kw*C) - a strided view copied once - and one
# matmul with the (kh*kw*C, O) weight matrix does all the arithmetic.  Cost against that
# matmul: the copy moves N*Ho*Wo*kh*kw*C numbers, i.e. 1/O of the matmul's
# multiply-adds, but it is memory-bound, so for narrow layers (LeNet's have 16 and 32
# output channels) it costs about as much as the matmul itself.  Backward is two more
# matmuls of the same size (weight grad: grad^T @ columns; input grad: grad @ weight)
# plus the inverse of the gather ("col2im"): kh*kw strided additions into the input's
# gradient, each of N*Ho*Wo*C numbers.
#
# Two choices make the copies cheap: the input is laid out channels-last (NHWC) first,
# so every copied run is C contiguous numbers instead of single strided ones; and the
# forward's column matrix is kept for the weight gradient instead of being gathered again.


# ----------------------------------------------------------------------------------------
# normalisation
# ----------------------------------------------------------------------------------------
# One node each, NativeLayerNormBackward0 / NativeBatchNormBackward0 as in PyTorch (the
# composition recorded eight).  The forward takes the composition's steps on arrays (mean,
# subtract, square, mean, rsqrt, scale, shift), so it rounds as before.  ``dims``: the
# normalised dimensions; ``shape``: how a per-channel vector broadcasts against the input.
def _normalised_array(x, dims, eps):
    centred = x - _mean(x, dims, True)
    return centred * (1 / np.sqrt(_mean(centred * centred, dims, True) + eps))


def _affine_array(out, weight, bias, shape):
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def _norm_stats(x, dims, eps):
    """``(x_hat, 1/std)`` as tensors, so the formulas below can be differentiated again."""
    centred = x - x.mean(dims, keepdim=True)
    rstd = ((centred * centred).mean(dims, keepdim=True) + eps).rsqrt()
    return centred * rstd, rstd


def _through_norm(v, x_hat, rstd, dims):
    """``v`` through normalisation's Jacobian, ``rstd * (v - mean(v) - x_hat mean(v x_hat))``.

    The Jacobian is symmetric, so this is both the backward (``v`` = grad times weight) and
    the forward-mode rule (``v`` = the input's tangent)."""
    return rstd * (v - v.mean(dims, keepdim=True)
                   - x_hat * (v * x_hat).mean(dims, keepdim=True))


def _scaled(v, weight, shape):
    return v if weight is None else v * weight.reshape(shape)


def _affine_tangent(out_t, x_hat, weight, weight_t, bias_t, shape):
    out_t = _scaled(out_t, weight, shape)
    if weight is not None:
        out_t = out_t + x_hat * weight_t.reshape(shape)
    if bias_t is not None:
        out_t = out_t + bias_t.reshape(shape)
    return out_t


def _layer_norm_jvp(input_t, weight_t, bias_t, input, weight, dims, eps):
    x_hat, rstd = _norm_stats(input, dims, eps)
    return _affine_tangent(_through_norm(input_t, x_hat, rstd, dims), x_hat, weight, weight_t,
                           bias_t, -1 if weight is None else tuple(weight.shape))


# Layer norm's weight has the normalised (trailing) shape: the engine sums its gradient over
# the leading dimensions, as broadcasting asks.
layer_norm_op = Op(
    "NativeLayerNormBackward0",
    lambda input, weight, bias, dims, eps:
        _affine_array(_normalised_array(input, dims, eps), weight, bias,
                      None if weight is None else weight.shape),
    input=lambda grad, input, weight, dims, eps: _through_norm(
        _scaled(grad, weight, -1 if weight is None else tuple(weight.shape)),
        *_norm_stats(input, dims, eps), dims),
    weight=lambda grad, input, dims, eps: grad * _norm_stats(input, dims, eps)[0],
    bias=lambda grad: grad,
    jvp=_layer_norm_jvp)


def _batch_norm_train_jvp(input_t, weight_t, bias_t, input, weight, dims, shape, eps):
    x_hat, rstd = _norm_stats(input, dims, eps)
    return _affine_tangent(_through_norm(input_t, x_hat, rstd, dims), x_hat, weight, weight_t,
                           bias_t, shape)


batch_norm_train_op = Op(
    "NativeBatchNormBackward0",
    lambda input, weight, bias, dims, shape, eps:
        _affine_array(_normalised_array(input, dims, eps), weight, bias, shape),
    input=lambda grad, input, weight, dims, shape, eps: _through_norm(
        _scaled(grad, weight, shape), *_norm_stats(input, dims, eps), dims),
    weight=lambda grad, input, dims, shape, eps:
        (grad * _norm_stats(input, dims, eps)[0]).sum(dims),
    bias=lambda grad, dims: grad.sum(dims),
    jvp=_batch_norm_train_jvp)


def _eval_stats(input, running_mean, running_var, shape, eps):
    """``(x_hat, 1/std)`` from the running statistics (constants: no gradient flows to them)."""
    rstd = (running_var.detach().reshape(shape) + eps).rsqrt()
    return (input - running_mean.detach().reshape(shape)) * rstd, rstd


def _batch_norm_eval_jvp(input_t, weight_t, bias_t, input, weight, running_mean, running_var,
                         shape, eps):
    x_hat, rstd = _eval_stats(input, running_mean, running_var, shape, eps)
    return _affine_tangent(input_t * rstd, x_hat, weight, weight_t, bias_t, shape)


batch_norm_eval_op = Op(
    "NativeBatchNormBackward0",
    lambda input, weight, bias, running_mean, running_var, dims, shape, eps: _affine_array(
        (input - running_mean.reshape(shape)) * (1 / np.sqrt(running_var.reshape(shape) + eps)),
        weight, bias, shape),
    input=lambda grad, weight, running_var, shape, eps:
        _scaled(grad, weight, shape) * (running_var.detach().reshape(shape) + eps).rsqrt(),
    weight=lambda grad, input, running_mean, running_var, dims, shape, eps:
        (grad * _eval_stats(input, running_mean, running_var, shape, eps)[0]).sum(dims),
    bias=lambda grad, dims: grad.sum(dims),
    jvp=lambda input_t, weight_t, bias_t, input, weight, running_mean, running_var, dims,
    shape, eps: _batch_norm_eval_jvp(input_t, weight_t, bias_t, input, weight, running_mean,
                                     running_var, shape, eps))


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
    return layer_norm_op(input, weight, bias, dims, eps)


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
        return batch_norm_eval_op(input, weight, bias, running_mean, running_var, dims, shape,
                                  eps)
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
    return batch_norm_train_op(input, weight, bias, dims, shape, eps)


# Functions that are compositions of the ones above live with their layers in
# activations_losses.py, spatial.py and attention.py (which import this module: hence at
# the end); each one's FUNCTIONS tuple names the functions that belong to this namespace.
from .. import attention as _attention  # noqa: E402
from .. import spatial as _spatial  # noqa: E402

for _module in (_spatial, _attention):
    globals().update({name: getattr(_module, name) for name in _module.FUNCTIONS})
