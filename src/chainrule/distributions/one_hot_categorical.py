"""The categorical distribution with one-hot vectors as values."""
from __future__ import annotations

import chainrule as torch
from chainrule.nn.functional import one_hot

from . import constraints
from .categorical import _CategoricalVectors
from .utils import _size

__all__ = ["OneHotCategorical", "OneHotCategoricalStraightThrough"]


class OneHotCategorical(_CategoricalVectors):
    """A ``Categorical`` whose samples are one-hot vectors of length ``K``.

    >>> d = torch.distributions.OneHotCategorical(probs=torch.tensor([0.2, 0.8]))
    >>> d.log_prob(torch.tensor([0.0, 1.0])), d.event_shape
    (tensor(-0.2231), torch.Size([2]))
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.one_hot
    has_enumerate_support = True

    def expand(self, batch_shape, _instance=None):
        return self._expand_around(OneHotCategorical, batch_shape, _instance, "_categorical")

    @property
    def mean(self):
        return self._categorical.probs

    @property
    def mode(self):
        probs = self._categorical.probs
        return one_hot(probs.argmax(dim=-1), num_classes=probs.shape[-1]).to(probs)

    @property
    def variance(self):
        return self._categorical.probs * (1 - self._categorical.probs)

    def sample(self, sample_shape=()):
        indices = self._categorical.sample(_size(sample_shape))
        return one_hot(indices, self._categorical._num_events).to(self._categorical.probs)

    def log_prob(self, value):
        self._validate(value)
        return self._categorical.log_prob(value.max(-1)[1])

    def entropy(self):
        return self._categorical.entropy()

    def enumerate_support(self, expand: bool = True):
        n = self.event_shape[0]
        values = torch.eye(n, dtype=self._param.dtype)
        values = values.view((n,) + (1,) * len(self.batch_shape) + (n,))
        if expand:
            values = values.expand((n,) + tuple(self.batch_shape) + (n,))
        return values


class OneHotCategoricalStraightThrough(OneHotCategorical):
    """``OneHotCategorical`` with the straight-through gradient estimator: ``rsample`` returns
    the one-hot sample, with the gradient of the probabilities.

    >>> p = torch.tensor([0.2, 0.8], requires_grad=True)
    >>> torch.distributions.OneHotCategoricalStraightThrough(probs=p).rsample().grad_fn is None
    False
    """

    has_rsample = True

    def rsample(self, sample_shape=()):
        samples = self.sample(sample_shape)
        probs = self._categorical.probs
        return samples + (probs - probs.detach())
