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
    """A mixin for a real-valued ``loc + scale * X`` with a positive ``scale`` (put before the
    distribution's base class; each class keeps its own ``__init__``, so that Python's
    errors for a wrong call name it, as PyTorch's do)."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True
