"""autograd.Variable (the pre-0.4 wrapper) against PyTorch's: it returns a tensor."""
from __future__ import annotations

import warnings

import pytest

from both_libraries import same_verdict


def made(lib, **kwargs):
    x = lib.tensor([1.0, 2.0], requires_grad=True) * 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        v = lib.autograd.Variable(x, **kwargs)
    return (type(v).__name__, v.requires_grad, v.grad_fn is None, v.is_leaf, v is x,
            v.tolist(), [str(w.message) for w in caught])


@pytest.mark.parametrize("kwargs", [{}, {"requires_grad": True}, {"requires_grad": False},
                                    {"volatile": True}, {"volatile": True, "requires_grad": True}])
def test_variable_returns_a_detached_tensor(kwargs):
    same_verdict(lambda lib: made(lib, **kwargs))


def test_variable_shares_values_and_every_tensor_is_one():
    def scenario(lib):
        x = lib.zeros(3)
        v = lib.autograd.Variable(x, requires_grad=True)
        with lib.no_grad():
            v[0] = 5.0
        return (x.tolist(), isinstance(x, lib.autograd.Variable),
                isinstance(3, lib.autograd.Variable), lib.autograd.Variable().shape == (0,))
    same_verdict(scenario)


def test_variable_of_a_non_tensor():
    assert same_verdict(lambda lib: lib.autograd.Variable(3))[0] == "TypeError"


def test_autograd_torch_is_the_library():
    same_verdict(lambda lib: lib.autograd.torch is lib)
