"""The gamma distribution."""
from __future__ import annotations

import chainrule as torch

from . import constraints
from ._special import RegularizedGamma, StandardGamma
from .exp_family import ExponentialFamily
from .utils import _finfo

__all__ = ["Gamma"]


def _standard_gamma(concentration):
    """Gamma(concentration, 1) samples, differentiable in ``concentration`` (implicit
    reparameterisation, see ``_special.py``)."""
    return StandardGamma.apply(concentration)


class Gamma(ExponentialFamily):
    """The gamma distribution with shape ``concentration`` and inverse scale ``rate``;
    ``rsample`` is differentiable in both (implicit reparameterisation for the shape).

    >>> d = torch.distributions.Gamma(torch.tensor([2.0]), torch.tensor([3.0]))
    >>> d.log_prob(torch.tensor([1.0])), d.mean, d.cdf(torch.tensor([1.0]))
    (tensor([-0.8028]), tensor([0.6667]), tensor([0.8009]))
    """

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate.pow(2)

    _parameters = ("concentration", "rate")

    def __init__(self, concentration, rate, validate_args: bool | None = None) -> None:
        super().__init__(self._broadcast_parameters(concentration, rate),
                         validate_args=validate_args)

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        value = _standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)
        # a draw that underflowed to 0 would give log_prob -inf: raised to the smallest
        # normal number, in place on the detached values so that the graph does not see it
        value.detach().clamp_(min=float(_finfo(value.dtype).tiny))
        return value

    def log_prob(self, value):
        value = torch.as_tensor(value, dtype=self.rate.dtype)
        self._validate(value)
        return (torch.xlogy(self.concentration, self.rate)
                + torch.xlogy(self.concentration - 1, value)
                - self.rate * value - torch.lgamma(self.concentration))

    def entropy(self):
        return (self.concentration - torch.log(self.rate) + torch.lgamma(self.concentration)
                + (1.0 - self.concentration) * torch.digamma(self.concentration))

    @property
    def _natural_params(self):
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, x, y):
        return torch.lgamma(x + 1) + (x + 1) * torch.log(-y.reciprocal())

    def cdf(self, value):
        self._validate(value)
        return RegularizedGamma.apply(*torch.broadcast_tensors(self.concentration,
                                                               self.rate * value))
