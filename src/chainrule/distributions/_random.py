"""NumPy's samplers (gamma, binomial), driven by chainrule's random state.

chainrule has no ``torch._standard_gamma`` or ``torch.binomial``; NumPy's
``Generator`` has exact samplers for both.  Each call seeds a fresh NumPy
generator from one draw of chainrule's default generator, so that
``torch.manual_seed`` makes the samples repeat, as it does for every other
random function.
"""
from __future__ import annotations

import numpy as np

import chainrule as torch


def numpy_generator() -> np.random.Generator:
    """A NumPy generator whose seed is drawn from chainrule's default generator.

    >>> from chainrule.distributions._random import numpy_generator
    >>> _ = torch.manual_seed(0); a = numpy_generator().random()
    >>> _ = torch.manual_seed(0); a == numpy_generator().random()
    True
    """
    seed = int(torch.randint(0, 2 ** 62, ()))
    return np.random.default_rng(seed)


def binomial(total_count, probs):
    """Binomial counts (as ``probs``' dtype) for tensors of trial counts and probabilities.

    >>> from chainrule.distributions._random import binomial
    >>> binomial(torch.tensor([0., 5.]), torch.tensor([0.5, 1.0]))
    tensor([0., 5.])
    """
    n = total_count.detach().numpy().astype(np.int64)
    p = np.clip(probs.detach().numpy().astype(np.float64), 0.0, 1.0)
    counts = numpy_generator().binomial(n, p)
    return torch.from_numpy(counts.astype(probs.detach().numpy().dtype))


def standard_gamma(concentration) -> np.ndarray:
    """Gamma(concentration, 1) samples as a NumPy array of ``concentration``'s dtype; zeros
    (possible for tiny concentrations) are raised to the dtype's smallest normal number, as
    PyTorch does, so that logs of samples stay finite."""
    alpha = concentration.detach().numpy()
    draws = numpy_generator().standard_gamma(alpha.astype(np.float64)).astype(alpha.dtype)
    return np.maximum(draws, np.finfo(alpha.dtype).tiny)
