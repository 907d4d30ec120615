"""``ExponentialFamily``: distributions with density ``h(x) exp(<t(x), theta> - F(theta))``,
whose entropy and KL divergences follow from the log-normaliser ``F`` by differentiation."""
from __future__ import annotations

import chainrule as torch

from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    """Base class of exponential families.  A subclass gives ``_natural_params`` (theta),
    ``_log_normalizer(*theta)`` (F) and ``_mean_carrier_measure`` (E[log h(x)]); the entropy
    is then ``F(theta) - <theta, grad F(theta)> - E[log h(x)]``, computed with autograd.

    >>> from chainrule.distributions.exp_family import ExponentialFamily
    >>> d = torch.distributions.Exponential(torch.tensor([2.0]))
    >>> ExponentialFamily.entropy(d), d.entropy()
    (tensor([0.3069], grad_fn=<SubBackward0>), tensor([0.3069]))
    """

    @property
    def _natural_params(self):
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self):
        raise NotImplementedError

    def entropy(self):
        result = -self._mean_carrier_measure
        natural = [p.detach().requires_grad_() for p in self._natural_params]
        log_normalizer = self._log_normalizer(*natural)
        gradients = torch.autograd.grad(log_normalizer.sum(), natural, create_graph=True)
        result = result + log_normalizer
        for theta, g in zip(natural, gradients):
            result = result - (theta * g).reshape(tuple(self._batch_shape) + (-1,)).sum(-1)
        return result
