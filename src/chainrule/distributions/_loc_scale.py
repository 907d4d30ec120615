"""What the distributions of ``loc + scale * X`` share, for ``X`` symmetric about 0 and
unimodal (Normal, Laplace; MultivariateNormal with a matrix for ``scale``): ``loc`` is
their mean and their mode."""
from __future__ import annotations

from . import constraints


class SymmetricAboutLoc:
    """A mixin: the mean is ``loc``, and so is the mode (the density is symmetric about
    ``loc`` and has one peak)."""

    @property
    def mean(self):
        return self.loc

    mode = mean


class LocScale(SymmetricAboutLoc):
    """A mixin for a real-valued ``loc + scale * X`` with a positive ``scale``, both broadcast
    to the batch shape (put before the distribution's base class)."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args: bool | None = None) -> None:
        super().__init__(self._broadcast_parameters(loc=loc, scale=scale),
                         validate_args=validate_args)
