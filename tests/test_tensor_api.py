"""Tensor methods and torch.* names of the Tensor API, against PyTorch: numpy() and grad
mode, the in-place matrix products, dtype queries, and the small conveniences
(adjoint, rsub, chain_matmul, frobenius_norm, norm_except_dim)."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from both_libraries import same_verdict


@pytest.mark.parametrize("grad_mode", ["enabled", "no_grad", "inference_mode"])
def test_numpy_of_a_tensor_that_requires_grad(grad_mode):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        context = {"enabled": lib.enable_grad, "no_grad": lib.no_grad,
                   "inference_mode": lib.inference_mode}[grad_mode]
        with context():
            return x.numpy().tolist(), np.asarray(x, dtype=np.float64).tolist()
    same_verdict(scenario)


def test_numpy_of_a_scalar_tensor_is_an_array():
    def scenario(lib):
        a = lib.tensor(1.5).numpy()
        return type(a).__name__, a.shape, str(a.dtype), _written_through_numpy(lib)
    same_verdict(scenario)


def _written_through_numpy(lib):
    x = lib.zeros(3)
    x.numpy()[1] = 5
    return x.tolist()


def test_a_grad_fn_that_cannot_be_read_prints_as_invalid():
    # PyTorch's repr catches the RuntimeError that reading grad_fn raises for a view taken
    # in no_grad mode whose base changed in place since, and prints grad_fn=<Invalid>.
    class Stale(cr.Tensor):
        @property
        def grad_fn(self):
            raise RuntimeError("a view created in no_grad mode whose base changed in place")

    assert repr(Stale._make(np.ones(1, dtype=np.float32))) == "tensor([1.], grad_fn=<Invalid>)"
