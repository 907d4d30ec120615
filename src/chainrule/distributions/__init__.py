"""``chainrule.distributions``: probability distributions, as ``torch.distributions``.

Each distribution has ``sample`` and (where it is continuous in its parameters) ``rsample``,
whose gradients flow back to the parameters; ``log_prob``, ``entropy``, ``mean``,
``variance``, ``stddev``, ``mode``, ``batch_shape``/``event_shape`` and ``expand``; ``cdf``
and ``icdf`` where PyTorch has them.  ``kl_divergence(p, q)`` gives closed-form KL
divergences, and arguments are checked against ``constraints`` (``validate_args``).

>>> from chainrule.distributions import Normal, kl_divergence
>>> mu = torch.tensor(0.5, requires_grad=True)
>>> q = Normal(mu, 1.0)
>>> _ = torch.manual_seed(0)
>>> x = q.rsample((1000,))              # reparameterised: x = mu + eps
>>> x.sum().backward(); mu.grad      # d(sum of 1000 samples)/d mu
tensor(1000.)
>>> kl_divergence(q, Normal(0.0, 1.0))
tensor(0.1250, grad_fn=<MulBackward0>)
"""
from . import constraints, transforms  # noqa: F401  (submodules, as in PyTorch)
from .bernoulli import Bernoulli
from .beta import Beta
from .binomial import Binomial
from .categorical import Categorical
from .chi2 import Chi2
from .constraint_registry import biject_to, transform_to
from .dirichlet import Dirichlet
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .exponential import Exponential
from .gamma import Gamma
from .independent import Independent
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .log_normal import LogNormal
from .mixture_same_family import MixtureSameFamily
from .multinomial import Multinomial
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .one_hot_categorical import OneHotCategorical, OneHotCategoricalStraightThrough
from .poisson import Poisson
from .studentT import StudentT
from .transformed_distribution import TransformedDistribution
from .transforms import *  # noqa: F401,F403
from .uniform import Uniform

__all__ = ["Bernoulli", "Beta", "Binomial", "Categorical", "Chi2", "Dirichlet", "Distribution",
           "Exponential", "ExponentialFamily", "Gamma", "Independent", "Laplace", "LogNormal",
           "MixtureSameFamily", "Multinomial", "MultivariateNormal", "Normal",
           "OneHotCategorical", "OneHotCategoricalStraightThrough", "Poisson", "StudentT",
           "Uniform", "TransformedDistribution", "biject_to", "kl_divergence", "register_kl",
           "transform_to"]
__all__.extend(transforms.__all__)
