"""The Poisson distribution."""
from __future__ import annotations

import chainrule as torch

from . import constraints
from .exp_family import ExponentialFamily
from .utils import broadcast_all

__all__ = ["Poisson"]


class Poisson(ExponentialFamily):
    """The number of events in an interval where they occur at ``rate`` on average.

    >>> d = torch.distributions.Poisson(torch.tensor([3.0]))
    >>> d.log_prob(torch.tensor([2.0]))
    tensor([-1.4959])
    """

    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    @property
    def mean(self):
        return self.rate

    @property
    def mode(self):
        return self.rate.floor()

    @property
    def variance(self):
        return self.rate

    _parameters = ("rate",)

    def __init__(self, rate, validate_args: bool | None = None) -> None:
        super().__init__(self._broadcast_parameters(rate), validate_args=validate_args)

    def sample(self, sample_shape=()):
        return self._sample_elementwise(torch.poisson, sample_shape, self.rate)

    def log_prob(self, value):
        self._validate(value)
        rate, value = broadcast_all(self.rate, value)
        return value.xlogy(rate) - rate - (value + 1).lgamma()

    @property
    def _natural_params(self):
        return (torch.log(self.rate),)

    def _log_normalizer(self, x):
        return torch.exp(x)
