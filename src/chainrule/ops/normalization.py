"""Normalisation rows: layer norm, and batch norm by the batch's statistics or running ones.

One node each, NativeLayerNormBackward0 / NativeBatchNormBackward0 as in
PyTorch (the composition recorded eight).  The forward takes the
composition's steps on arrays (mean, subtract, square, mean, rsqrt, scale,
shift), so it rounds as the composition did.  ``dims``: the normalised
dimensions; ``shape``: how a per-channel vector broadcasts against the input.
The rules are tensor code, so they can be differentiated again.
"""
from __future__ import annotations

from .._backend import xp
from ..engine.op import Op
from .reduction import _mean


def _normalised_array(x, dims, eps):
    centred = x - _mean(x, dims, True)
    return centred * (1 / xp.sqrt(_mean(centred * centred, dims, True) + eps))


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
layer_norm = Op(
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


batch_norm_train = Op(
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


batch_norm_eval = Op(
    "NativeBatchNormBackward0",
    lambda input, weight, bias, running_mean, running_var, dims, shape, eps: _affine_array(
        (input - running_mean.reshape(shape)) * (1 / xp.sqrt(running_var.reshape(shape) + eps)),
        weight, bias, shape),
    input=lambda grad, weight, running_var, shape, eps:
        _scaled(grad, weight, shape) * (running_var.detach().reshape(shape) + eps).rsqrt(),
    weight=lambda grad, input, running_mean, running_var, dims, shape, eps:
        (grad * _eval_stats(input, running_mean, running_var, shape, eps)[0]).sum(dims),
    bias=lambda grad, dims: grad.sum(dims),
    jvp=lambda input_t, weight_t, bias_t, input, weight, running_mean, running_var, dims,
    shape, eps: _batch_norm_eval_jvp(input_t, weight_t, bias_t, input, weight, running_mean,
                                     running_var, shape, eps))
