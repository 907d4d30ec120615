"""The multinomial distribution: counts of ``total_count`` categorical draws."""
from __future__ import annotations

import math

import chainrule as torch

from . import constraints
from .binomial import Binomial
from .categorical import _CategoricalVectors
from .utils import _size, broadcast_all

__all__ = ["Multinomial"]


class Multinomial(_CategoricalVectors):
    """How many of ``total_count`` draws fall in each of ``K`` classes.

    >>> from chainrule.distributions.multinomial import Multinomial
    >>> d = Multinomial(4, probs=torch.tensor([0.25, 0.25, 0.5]))
    >>> d.log_prob(torch.tensor([1., 1., 2.])), d.mean
    (tensor(-1.6740), tensor([1., 1., 2.]))
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}

    @property
    def mean(self):
        return self.probs * self.total_count

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    def __init__(self, total_count: int = 1, probs=None, logits=None,
                 validate_args: bool | None = None) -> None:
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        super().__init__(probs, logits, validate_args=validate_args)
        self._binomial = Binomial(total_count=total_count, probs=self.probs)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Multinomial, _instance)
        new.total_count = self.total_count
        new._categorical = self._categorical.expand(batch_shape)
        return self._finish_expand(new, batch_shape)

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self):
        return constraints.multinomial(self.total_count)

    def sample(self, sample_shape=()):
        sample_shape = _size(sample_shape)
        # total_count categorical draws per sample, moved to the last dimension and counted
        draws = self._categorical.sample(_size((self.total_count,) + tuple(sample_shape)))
        draws = draws.permute(*range(1, draws.dim()), 0)
        counts = torch.zeros(self._extended_shape(sample_shape), dtype=draws.dtype)
        counts.scatter_add_(-1, draws, torch.ones_like(draws))
        return counts.type_as(self.probs)

    def entropy(self):
        n = torch.tensor(self.total_count)
        term1 = n * self._categorical.entropy() - torch.lgamma(n + 1)
        support = self._binomial.enumerate_support(expand=False)[1:]
        binomial_probs = torch.exp(self._binomial.log_prob(support))
        weights = torch.lgamma(support + 1)
        term2 = (binomial_probs * weights).sum([0, -1])
        return term1 + term2

    def log_prob(self, value):
        self._validate(value)
        logits, value = broadcast_all(self.logits, value)
        log_factorial_n = torch.lgamma(value.sum(-1) + 1)
        log_factorial_xs = torch.lgamma(value + 1).sum(-1)
        # a class that cannot occur (logit -inf) and did not occur contributes 0, not nan
        impossible_unseen = (value == 0) & (logits == -math.inf)
        logits = torch.where(impossible_unseen, torch.zeros_like(logits), logits)
        return log_factorial_n - log_factorial_xs + (logits * value).sum(-1)
