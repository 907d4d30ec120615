"""The Laplace (double exponential) distribution."""
from __future__ import annotations

import chainrule as torch

from ._loc_scale import LocScale
from .distribution import Distribution
from .utils import _finfo

__all__ = ["Laplace"]


class Laplace(LocScale, Distribution):
    """The Laplace distribution with location ``loc`` and scale ``scale``.

    >>> d = torch.distributions.Laplace(torch.tensor([0.0]), torch.tensor([1.0]))
    >>> d.log_prob(torch.tensor([1.0])), d.variance
    (tensor([-1.6931]), tensor([2.]))
    """

    @property
    def variance(self):
        return 2 * self.scale.pow(2)

    @property
    def stddev(self):
        return (2 ** 0.5) * self.scale

    _parameters = ("loc", "scale")

    def __init__(self, loc, scale, validate_args: bool | None = None) -> None:
        super().__init__(self._broadcast_parameters(loc, scale), validate_args=validate_args)

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        # u in (-1, 1), never -1, so that log1p(-|u|) stays finite
        u = torch.empty(shape, dtype=self.loc.dtype).uniform_(float(_finfo(self.loc.dtype).eps)
                                                              - 1, 1)
        return self.loc - self.scale * u.sign() * torch.log1p(-u.abs())

    def log_prob(self, value):
        self._validate(value)
        return -torch.log(2 * self.scale) - torch.abs(value - self.loc) / self.scale

    def cdf(self, value):
        self._validate(value)
        return 0.5 - 0.5 * (value - self.loc).sign() * torch.expm1(
            -(value - self.loc).abs() / self.scale)

    def icdf(self, value):
        term = value - 0.5
        return self.loc - self.scale * term.sign() * torch.log1p(-2 * term.abs())

    def entropy(self):
        return 1 + torch.log(2 * self.scale)
