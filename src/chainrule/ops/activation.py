"""Activation rows: the nonlinearities with a rule of their own.

Each is one node, named as PyTorch names it, where a composition of pointwise
ops would record two to five (``where(x > 0, x, slope * x)`` is three).  Where
a direct formula would overflow, the forward takes a stable form:
``softmax`` and ``log_softmax`` shift by the maximum before exponentiating
(a composition exp/sum/log would return inf - inf = nan for logits near 100
in float32), and ``softplus`` is ``logaddexp(0, x)``.

A piecewise activation's rule is written as "``v`` times the slope at
``self``" (``_leaky_relu_scaled``, ...): the same helper serves the backward
(``v`` = the incoming gradient) and forward mode (``v`` = the tangent).
"""
from __future__ import annotations

import math

from .._backend import quiet, xp
from ..engine.op import Op
from .pointwise import _clip, _erf, _stable_sigmoid, threshold_backward, where


def _log_softmax(self, dim):
    x = self
    shifted = x - x.max(axis=dim, keepdims=True)
    return shifted - xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))


def _softmax(self, dim):
    x = self
    e = xp.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


log_softmax = Op("LogSoftmaxBackward0", _log_softmax, promote="float",
                 self=lambda grad, dim, result:
                     grad - result.exp() * grad.sum(dim, keepdim=True),
                 jvp=lambda self_t, self, dim, result:
                     self_t - (self_t * result.exp()).sum(dim, keepdim=True))
softmax = Op("SoftmaxBackward0", _softmax, promote="float",
             self=lambda grad, dim, result:
                 result * (grad - (grad * result).sum(dim, keepdim=True)),
             jvp=lambda self_t, self, dim, result:
                 result * (self_t - (self_t * result).sum(dim, keepdim=True)))


# --- leaky_relu, elu, hardtanh: piecewise ----------------------------------------------
def _leaky_relu_scaled(v, self, negative_slope):
    """``v`` times leaky_relu's slope at ``self`` (the slope scales ``v``: v's dtype stays)."""
    return where(self > 0, v, v * negative_slope)


leaky_relu = Op("LeakyReluBackward0",
                lambda self, negative_slope: xp.where(self > 0, self, self * negative_slope),
                promote="float",
                self=lambda grad, self, negative_slope:
                    _leaky_relu_scaled(grad, self, negative_slope),
                jvp=lambda self_t, self, negative_slope:
                    _leaky_relu_scaled(self_t, self, negative_slope))


def _elu_array(self, alpha, scale, input_scale):
    negative = alpha * scale * (quiet(xp.exp, xp.minimum(self, 0) * input_scale) - 1)
    return xp.where(self > 0, self * scale, negative).astype(self.dtype, copy=False)


def _elu_scaled(v, self, alpha, scale, input_scale):
    """``v`` times elu's slope at ``self``: ``scale`` where positive, else
    ``alpha * scale * input_scale * exp(x * input_scale)`` (that one at 0, as in PyTorch)."""
    negative = v * (alpha * scale * input_scale * (self.clamp(max=0) * input_scale).exp())
    return where(self > 0, v * scale, negative)


def _same_scale(alpha, input_scale):
    return input_scale


def _celu_backward_scale(alpha, input_scale):
    """CELU's ``input_scale`` as PyTorch's derivative formula has it: ``1 / alpha.toFloat()``,
    alpha rounded to float32 first (its forward divides in double)."""
    return 1.0 / float(xp.float32(alpha))


def _elu_row(name: str, backward_scale=_same_scale) -> Op:
    """PyTorch's ``elu(x, alpha, scale, input_scale)``: ``scale * x`` where positive, else
    ``alpha * scale * (exp(x * input_scale) - 1)``; elu, selu and celu are each a choice of
    the three constants."""
    return Op(name, _elu_array, promote="float",
              self=lambda grad, self, alpha, scale, input_scale:
                  _elu_scaled(grad, self, alpha, scale, backward_scale(alpha, input_scale)),
              jvp=lambda self_t, self, alpha, scale, input_scale:
                  _elu_scaled(self_t, self, alpha, scale, backward_scale(alpha, input_scale)))


elu = _elu_row("EluBackward0")
celu = _elu_row("CeluBackward0", _celu_backward_scale)


def _hardtanh_scaled(v, self, min_val, max_val):
    """``v`` where ``min_val < self < max_val``, else 0 (0 at the bounds, unlike clamp)."""
    return where((self <= min_val) | (self >= max_val), 0.0, v)


def _hardtanh_array(self, min_val, max_val):
    return _clip(self, min_val, max_val)


hardtanh = Op("HardtanhBackward0", _hardtanh_array,
              self=lambda grad, self, min_val, max_val:
                  _hardtanh_scaled(grad, self, min_val, max_val),
              jvp=lambda self_t, self, min_val, max_val:
                  _hardtanh_scaled(self_t, self, min_val, max_val))


# --- hardshrink, threshold, prelu, rrelu: piecewise linear -------------------------------
def _hardshrink_kept(self, lambd):
    """Where hardshrink keeps its input: outside ``[-lambd, lambd]``."""
    return (self < -lambd) | (self > lambd)


hardshrink = Op("HardshrinkBackward0",
                lambda self, lambd: xp.where(_hardshrink_kept(self, lambd), self, 0),
                self=lambda grad, self, lambd: where(_hardshrink_kept(self, lambd), grad, 0.0),
                jvp=lambda self_t, self, lambd: where(_hardshrink_kept(self, lambd), self_t, 0.0))


def _threshold_array(self, threshold, value):
    # (<=, as PyTorch compares: a NaN input is kept)
    return xp.where(self <= threshold, xp.asarray(value).astype(self.dtype), self)


threshold = Op("ThresholdBackward0", _threshold_array,
               self=lambda grad, self, threshold, value: threshold_backward(grad, self, threshold),
               jvp=lambda self_t, self, threshold, value:
                   threshold_backward(self_t, self, threshold))


# ``weight`` arrives shaped to broadcast against ``self`` (one slope, or one per channel on
# dimension 1); the engine sums its gradient back to that shape.
prelu = Op("PreluKernelBackward0",
           lambda self, weight: xp.where(self > 0, self, weight * self),
           promote="binary",
           self=lambda grad, self, weight: where(self > 0, grad, weight * grad),
           weight=lambda grad, self, weight: where(self > 0, 0.0, self * grad),
           jvp=lambda self_t, weight_t, self, weight:
               where(self > 0, self_t, weight * self_t + weight_t * self))

# rrelu multiplies each element by its ``noise``: 1 where the input is positive, a slope
# drawn from U(lower, upper) (or their mean, in eval mode) elsewhere; noise is a constant.
rrelu_with_noise = Op("RreluWithNoiseBackward0", lambda self, noise: self * noise,
                      self=lambda grad, noise: grad * noise,
                      jvp=lambda self_t, noise: self_t * noise)


# --- gelu, silu, softplus: smooth --------------------------------------------------------
_GELU_K = math.sqrt(2 / math.pi)  # the tanh approximation's scale
_GELU_C = 0.044715


def _gelu_array(self):
    return 0.5 * self * (1 + _erf(self * (1 / math.sqrt(2))))


def _gelu_tanh_array(self):
    return 0.5 * self * (1 + xp.tanh(_GELU_K * (self + _GELU_C * self ** 3)))


def _gelu_slope(x):
    """d/dx x Phi(x) = Phi(x) + x phi(x)."""
    cdf = 0.5 * (1 + (x * (1 / math.sqrt(2))).erf())
    return cdf + x * (-0.5 * x * x).exp() * (1 / math.sqrt(2 * math.pi))


def _gelu_tanh_slope(x):
    t = (_GELU_K * (x + _GELU_C * x ** 3)).tanh()
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * (_GELU_K * (1 + 3 * _GELU_C * x * x))


# PyTorch names both forms GeluBackward0.
gelu = Op("GeluBackward0", _gelu_array, promote="float",
          self=lambda grad, self: grad * _gelu_slope(self),
          jvp=lambda self_t, self: self_t * _gelu_slope(self))
gelu_tanh = Op("GeluBackward0", _gelu_tanh_array, promote="float",
               self=lambda grad, self: grad * _gelu_tanh_slope(self),
               jvp=lambda self_t, self: self_t * _gelu_tanh_slope(self))


def _silu_slope(x):
    """d/dx x sigmoid(x) = s (1 + x (1 - s))."""
    s = x.sigmoid()
    return s * (1 + x * (1 - s))


def _silu_array(self):
    return self * _stable_sigmoid(self)


silu = Op("SiluBackward0", _silu_array, promote="float",
          self=lambda grad, self: grad * _silu_slope(self),
          jvp=lambda self_t, self: self_t * _silu_slope(self))


def _softplus_forward(self, beta, threshold):
    scaled = self * beta
    # logaddexp(0, z) = log(1 + e^z) without overflow for large z
    out = xp.logaddexp(0, scaled) / beta
    return xp.where(scaled > threshold, self, out).astype(self.dtype, copy=False)


def _softplus_slope(x, beta, threshold):
    return where(x * beta > threshold, 1.0, (x * beta).sigmoid())


# log(1 + e^x) computed directly overflows for x > 88 in float32.
softplus = Op("SoftplusBackward0", _softplus_forward, promote="float",
              self=lambda grad, self, beta, threshold:
                  grad * _softplus_slope(self, beta, threshold),
              jvp=lambda self_t, self, beta, threshold:
                  self_t * _softplus_slope(self, beta, threshold))


# --- the nodes of the in-place forms -------------------------------------------------------
def _renamed(op: Op, name: str) -> Op:
    """``op`` under another node name: PyTorch names some in-place forms apart
    (``threshold_`` records ThresholdBackward1); the computation is the same."""
    rules = {arg: rule for arg, rule in zip(op.arg_names, op.rules) if rule is not None}
    return Op(name, op.forward, promote=op.promote, jvp=op.jvp, **rules)


def _positive_slope(kind: str, slope: float) -> None:
    """PyTorch's in-place forms differentiate from their result, which a negative slope
    makes ambiguous: their backward refuses it."""
    if slope < 0:
        raise RuntimeError(f"In-place {kind} backward calculation is triggered with a negative "
                           "slope which is not supported. This is caused by calling in-place "
                           "forward function with a negative slope, please call out-of-place "
                           "version instead.")


def _elu_inplace_row(name: str, backward_scale=_same_scale) -> Op:
    """The in-place forms differentiate from their result, as PyTorch's do:
    ``input_scale * (result + alpha * scale)`` where negative (the same slope as
    ``_elu_scaled``'s, rounded as PyTorch rounds it)."""
    def scaled(v, self, alpha, scale, input_scale):
        result = alpha * scale * ((self.clamp(max=0) * input_scale).exp() - 1)
        slope = backward_scale(alpha, input_scale) * (result + alpha * scale)
        return where(self > 0, v * scale, v * slope)

    def rule(grad, self, alpha, scale, input_scale):
        _positive_slope("elu", alpha)
        return scaled(grad, self, alpha, scale, input_scale)
    return Op(name, _elu_array, promote="float", self=rule,
              jvp=lambda self_t, self, alpha, scale, input_scale:
                  scaled(self_t, self, alpha, scale, input_scale))


def _leaky_relu_inplace_rule(grad, self, negative_slope):
    _positive_slope("leakyReLu", negative_slope)
    return _leaky_relu_scaled(grad, self, negative_slope)


elu_ = _elu_inplace_row("EluBackward1")
celu_ = _elu_inplace_row("CeluBackward1", _celu_backward_scale)
leaky_relu_ = Op("LeakyReluBackward1", leaky_relu.forward, promote="float",
                 self=_leaky_relu_inplace_rule, jvp=leaky_relu.jvp)
threshold_ = _renamed(threshold, "ThresholdBackward1")
rrelu_with_noise_ = _renamed(rrelu_with_noise, "RreluWithNoiseBackward1")
