"""Activation rows: the nonlinearities with a rule of their own.

``softmax`` and ``log_softmax`` shift by the maximum before exponentiating, so
large logits cannot overflow: a composition exp/sum/log would return
inf - inf = nan for logits near 100 in float32.
"""
from __future__ import annotations

from .._backend import xp
from ..engine.op import Op


def _log_softmax(self, dim):
    x = self
    shifted = x - x.max(axis=dim, keepdims=True)
    return shifted - xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))


def _softmax(self, dim):
    x = self
    e = xp.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


# Both shift by the maximum before exponentiating, so large logits cannot overflow: a
# composition exp/sum/log would return inf - inf = nan for logits near 100 in float32.
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
