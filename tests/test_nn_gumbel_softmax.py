"""F.gumbel_softmax against PyTorch's own function run on the same Gumbel noise (PyTorch's
``exponential_`` is made to return chainrule's draws), by its sampling law, and by
gradcheck in float64."""
from __future__ import annotations

from unittest import mock

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, to_torch

torch = pytest.importorskip("torch")


def _ours_and_noise(logits, seed, **kwargs):
    """Our sample and the exponential draws it was made from (the same seed twice)."""
    cr.manual_seed(seed)
    noise = cr.empty_like(logits).exponential_()
    cr.manual_seed(seed)
    return cr.nn.functional.gumbel_softmax(logits, **kwargs), noise


@pytest.mark.parametrize("kwargs", [{}, {"tau": 0.3}, {"hard": True, "dim": 0},
                                    {"hard": True, "tau": 2.0}])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matches_torch_on_the_same_noise(kwargs, dtype):
    rng = np.random.default_rng(3)
    logits = cr.tensor(rng.standard_normal((4, 5)).astype(dtype), requires_grad=True)
    ours, noise = _ours_and_noise(logits, 7, **kwargs)
    their_logits = to_torch(logits, requires_grad=True)
    with mock.patch.object(torch.Tensor, "exponential_",
                           lambda self: self.copy_(to_torch(noise)), create=False):
        theirs = torch.nn.functional.gumbel_softmax(their_logits, **kwargs)
    assert_same(ours, theirs, rtol=1e-6)
    assert ours.grad_fn.name() == theirs.grad_fn.name()
    cotangent = rng.standard_normal((4, 5)).astype(dtype)
    ours.backward(cr.tensor(cotangent))
    theirs.backward(torch.from_numpy(cotangent))
    assert_same(logits.grad, their_logits.grad, rtol=1e-5, atol=1e-7)


def test_argmax_follows_the_softmax_of_the_logits():
    # the Gumbel-max trick: argmax of logits + Gumbel noise ~ Categorical(softmax(logits))
    cr.manual_seed(0)
    logits = cr.tensor([1.0, 0.0, -1.0, 2.0])
    draws = cr.nn.functional.gumbel_softmax(logits.expand(20000, 4), hard=True)
    frequencies = draws.mean(0).numpy()
    expected = torch.softmax(to_torch(logits), 0).numpy()
    np.testing.assert_allclose(frequencies, expected, atol=0.015)  # ~4 standard errors


def test_gradcheck_of_the_soft_sample():
    logits = cr.tensor(np.random.default_rng(1).standard_normal((2, 3)), requires_grad=True)

    def sample(x):
        cr.manual_seed(11)  # the same noise at every evaluation
        return cr.nn.functional.gumbel_softmax(x, tau=0.7)

    assert cr.autograd.gradcheck(sample, (logits,))
    assert cr.autograd.gradgradcheck(sample, (logits,))


def test_eps_is_deprecated():
    with pytest.warns(UserWarning, match="deprecated"):
        cr.nn.functional.gumbel_softmax(cr.zeros(3), eps=1e-5)
