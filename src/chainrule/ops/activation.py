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
from .pointwise import _clip, _erf, _stable_sigmoid, where


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


def _elu_array(self, alpha):
    return xp.where(self > 0, self, alpha * (quiet(xp.exp, xp.minimum(self, 0)) - 1))


def _elu_scaled(v, self, alpha):
    """``v`` times elu's slope at ``self``: 1 where positive, ``alpha * exp(x)`` elsewhere."""
    return where(self > 0, v, v * (alpha * self.clamp(max=0).exp()))


elu = Op("EluBackward0", _elu_array, promote="float",
         self=lambda grad, self, alpha: _elu_scaled(grad, self, alpha),
         jvp=lambda self_t, self, alpha: _elu_scaled(self_t, self, alpha))


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
