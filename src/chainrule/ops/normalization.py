"""Normalisation rows: layer norm, and batch norm by the batch's statistics or running ones.

One node each, NativeLayerNormBackward0 / NativeBatchNormBackward0 as in
PyTorch (the composition recorded eight).  The forward takes the
composition's steps on arrays (mean, subtract, square, mean, rsqrt, scale,
shift), so it rounds as the composition did.  ``dims``: the normalised
dimensions; ``shape``: how a per-channel vector broadcasts against the input.
The rules are tensor code, so they can be differentiated again.
"""
from __future__ import annotations

from .._backend import sliding_window_view, xp
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


# Group norm: each sample's channels in ``num_groups`` groups, each group normalised over
# its channels and positions, then a per-channel scale and shift.  The statistics are
# layer norm's over an (N, groups, -1) view; ``shape`` broadcasts a per-channel vector.
def _grouped(x, num_groups):
    return x.reshape(x.shape[0], num_groups, -1)


def _group_norm_forward(input, weight, bias, num_groups, shape, eps):
    normalised = _normalised_array(_grouped(input, num_groups), (2,), eps)
    return _affine_array(normalised.reshape(input.shape), weight, bias, shape)


def _group_stats(input, num_groups, eps):
    """``(x_hat, 1/std)`` of each group, on the (N, groups, -1) view."""
    return _norm_stats(_grouped(input, num_groups), (2,), eps)


def _group_norm_input_grad(grad, input, weight, num_groups, shape, eps):
    x_hat, rstd = _group_stats(input, num_groups, eps)
    v = _grouped(_scaled(grad, weight, shape), num_groups)
    return _through_norm(v, x_hat, rstd, (2,)).reshape(input.shape)


def _not_channels(ndim):
    return (0,) + tuple(range(2, ndim))


def _group_norm_jvp(input_t, weight_t, bias_t, input, weight, num_groups, shape, eps):
    x_hat, rstd = _group_stats(input, num_groups, eps)
    out_t = _through_norm(_grouped(input_t, num_groups), x_hat, rstd, (2,))
    return _affine_tangent(out_t.reshape(input.shape), x_hat.reshape(input.shape), weight,
                           weight_t, bias_t, shape)


group_norm = Op(
    "NativeGroupNormBackward0", _group_norm_forward,
    input=_group_norm_input_grad,
    weight=lambda grad, input, num_groups, eps: (
        grad * _group_stats(input, num_groups, eps)[0].reshape(input.shape)).sum(
            _not_channels(input.ndim)),
    bias=lambda grad: grad.sum(_not_channels(grad.ndim)),
    jvp=_group_norm_jvp)


# CrossMapLRN2d, PyTorch's legacy autograd Function, computed as it computes it: the scale
# is a running sum of squares over channels whose window, past the first pre_pad channels,
# drops one channel late (so it is not the centred window of local_response_norm), and the
# backward is that Function's formula, not the derivative of this forward.
def _cross_map_scale(x, size, alpha, k):
    channels = x.shape[1]
    squares = x * x
    pre_pad = int((size - 1) / 2 + 1)
    scale = xp.empty_like(x)
    scale[:, 0] = 0
    for c in range(min(pre_pad, channels)):
        scale[:, 0] += squares[:, c]
    for c in range(1, channels):
        scale[:, c] = scale[:, c - 1]
        if c < channels - pre_pad + 1:
            scale[:, c] += squares[:, c + pre_pad - 1]
        if c > pre_pad:
            scale[:, c] -= squares[:, c - pre_pad]
    return scale * (alpha / size) + k


def _cross_map_forward(self, size, alpha, beta, k):
    return _cross_map_scale(self, size, alpha, k) ** -beta * self


def _cross_map_backward(grad, self, result, size, alpha, beta, k):
    scale = _cross_map_scale(self, size, alpha, k)
    n, channels = self.shape[:2]
    start = int(size - (size - 1) / 2)
    ratio = xp.zeros((n, channels + size - 1) + self.shape[2:], dtype=self.dtype)
    ratio[:, start:start + channels] = grad * result / scale
    # each channel's sum of the ratios over the size channels from it on
    window_sums = sliding_window_view(ratio, size, axis=1)[:, :channels].sum(-1)
    return scale ** -beta * grad - (2 * alpha * beta / size) * self * window_sums


cross_map_lrn2d_backward = Op("CrossMapLRN2dBackwardBackward", _cross_map_backward)
cross_map_lrn2d = Op("CrossMapLRN2dBackward", _cross_map_forward,
                     self=lambda grad, self, result, size, alpha, beta, k:
                         cross_map_lrn2d_backward(grad, self, result, size, alpha, beta, k))
