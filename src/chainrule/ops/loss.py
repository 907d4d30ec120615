"""Loss rows: the losses with a rule of their own, one node each as PyTorch records them.

The pointwise losses (``mse_loss``, ``huber_loss``, ``smooth_l1_loss`` and the two
binary cross-entropies) are made by ``_pointwise_loss`` from their elementwise
loss on arrays and its two partial derivatives written as tensor code (so
gradients of gradients work); a printed loss shows ``grad_fn=<MseLossBackward0>``.
``weight`` scales each element; ``param`` is the loss's one option (delta, beta
or pos_weight; None when it has none).  ``nll_loss`` picks one entry per row, so
its gradient is one scatter; as a composition (advanced indexing, weights,
division) it would record five nodes.
"""
from __future__ import annotations

from .._backend import xp
from ..engine.op import Op
from .activation import softplus
from .pointwise import where


def reduced(loss, reduction: str):
    """A tensor of losses reduced as ``reduction`` says: 'mean', 'sum' or 'none'."""
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _reduce_array(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _spread_grad(grad, local, reduction):
    """The incoming gradient times the local derivative, spread over the reduced elements."""
    if reduction == "mean":
        return grad * local / local.numel()
    return grad * local


def _pointwise_loss(name: str, loss, d_input, d_target) -> Op:
    """An Op for ``reduction(weight * loss(input, target, param))``.

    ``loss(self, target, param)`` works on arrays; ``d_input`` and ``d_target`` take the
    same arguments as tensors and return the partial derivatives of ``loss``.
    """
    def forward(self, target, weight, param, reduction):
        out = loss(self, target, param)
        if weight is not None:
            out = out * weight
        return _reduce_array(out, reduction)

    def local(derivative, self, target, weight, param):
        d = derivative(self, target, param)
        return d if weight is None else d * weight

    return Op(name, forward,
              self=lambda grad, self, target, weight, param, reduction:
                  _spread_grad(grad, local(d_input, self, target, weight, param), reduction),
              target=lambda grad, self, target, weight, param, reduction:
                  _spread_grad(grad, local(d_target, self, target, weight, param), reduction),
              jvp=lambda self_t, target_t, self, target, weight, param, reduction: reduced(
                  local(d_input, self, target, weight, param) * self_t
                  + local(d_target, self, target, weight, param) * target_t, reduction))


def _huber_slope(self, target, delta):
    d = self - target
    return where(d.abs() < delta, d, delta * d.sign())


def _smooth_l1_slope(self, target, beta):
    d = self - target
    return where(d.abs() < beta, d / beta, d.sign())


def _huber_array(self, target, delta):
    d = self - target
    a = xp.abs(d)
    return xp.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta)).astype(d.dtype, copy=False)


def _clamped_logs(p):
    """``log p`` and ``log(1 - p)``, each clamped at -100 as PyTorch does (no -inf at 0 or 1)."""
    with xp.errstate(divide="ignore"):
        return xp.maximum(xp.log(p), -100), xp.maximum(xp.log(1 - p), -100)


def _bce_array(self, target, param):
    log_p, log_q = _clamped_logs(self)
    return -(target * log_p + (1 - target) * log_q)


def _bce_slope(self, target, param):
    # PyTorch's form: (p - y) / (p (1 - p)), the denominator kept away from 0
    return (self - target) / ((1 - self) * self).clamp(min=1e-12)


def _bce_target_slope(self, target, param):
    return (1 - self).log().clamp(min=-100) - self.log().clamp(min=-100)


def _bce_logits_array(self, target, pos_weight):
    # -log sigmoid(x) = softplus(-x) and -log(1 - sigmoid(x)) = x + softplus(-x): no log(0)
    sp = xp.logaddexp(0, -self)
    if pos_weight is None:
        return (1 - target) * self + sp
    return (1 - target) * self + (1 + (pos_weight - 1) * target) * sp


def _bce_logits_slope(self, target, pos_weight):
    s = (-self).sigmoid()
    if pos_weight is None:
        return (1 - target) - s
    return (1 - target) - (1 + (pos_weight - 1) * target) * s


def _bce_logits_target_slope(self, target, pos_weight):
    if pos_weight is None:
        return -self
    return (pos_weight - 1) * softplus(-self, 1.0, 20.0) - self


mse_loss = _pointwise_loss("MseLossBackward0",
                           lambda self, target, param: (self - target) ** 2,
                           lambda self, target, param: 2 * (self - target),
                           lambda self, target, param: -2 * (self - target))
huber_loss = _pointwise_loss("HuberLossBackward0", _huber_array, _huber_slope,
                             lambda self, target, delta: -_huber_slope(self, target, delta))
smooth_l1_loss = _pointwise_loss(
    "SmoothL1LossBackward0", lambda self, target, beta: _huber_array(self, target, beta) / beta,
    _smooth_l1_slope, lambda self, target, beta: -_smooth_l1_slope(self, target, beta))
binary_cross_entropy = _pointwise_loss("BinaryCrossEntropyBackward0", _bce_array, _bce_slope,
                                       _bce_target_slope)
binary_cross_entropy_with_logits = _pointwise_loss(
    "BinaryCrossEntropyWithLogitsBackward0", _bce_logits_array, _bce_logits_slope,
    _bce_logits_target_slope)


def _nll_weights(target, weight, ignore_index, n_classes):
    valid = target != ignore_index
    safe = xp.where(valid, target, 0)
    if valid.any() and (safe.min() < 0 or safe.max() >= n_classes):
        bad = safe[(safe < 0) | (safe >= n_classes)][0]
        raise IndexError(f"Target {int(bad)} is out of bounds (the input has {n_classes} "
                         "classes; targets must lie in [0, C) or equal ignore_index)")
    # Without class weights the mask itself is the weight: its cast to the loss's dtype gives
    # the same ones and zeros as ones * mask, with no array of ones to make.
    return safe, valid if weight is None else weight[safe] * valid


def _nll_forward(self, target, weight, ignore_index, reduction):
    safe, w = _nll_weights(target, weight, ignore_index, self.shape[1])
    picked = self[xp.arange(len(target)), safe]
    w = w.astype(self.dtype)
    losses = -picked * w
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    with xp.errstate(invalid="ignore", divide="ignore"):
        return losses.sum() / w.sum()  # 0/0 = nan when every target is ignored, as PyTorch


def _nll_backward(grad, target, weight, ignore_index, reduction, shape, dtype):
    safe, w = _nll_weights(target, weight, ignore_index, shape[1])
    w = w.astype(dtype)
    if reduction == "mean":
        with xp.errstate(invalid="ignore", divide="ignore"):
            w = w / w.sum()
    out = xp.zeros(shape, dtype=dtype)
    out[xp.arange(len(target)), safe] = -w * grad
    return out


nll_loss_backward = Op("NllLossBackward1", _nll_backward,
                       grad=lambda gg, target, weight, ignore_index, reduction:
                           nll_loss(gg, target, weight, ignore_index, reduction))
nll_loss = Op("NllLossBackward0", _nll_forward,
              self=lambda grad, self, target, weight, ignore_index, reduction:
                  nll_loss_backward(grad, target, weight, ignore_index, reduction,
                                    tuple(self.shape), self._data.dtype),
              jvp=lambda self_t, target, weight, ignore_index, reduction:
                  nll_loss(self_t, target, weight, ignore_index, reduction))
