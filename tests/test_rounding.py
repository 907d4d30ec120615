"""Gradients that round as PyTorch's do.

Where a backward formula is exact arithmetic on the inputs (no transcendental function,
whose last bit depends on the library computing it), chainrule performs the operations in
PyTorch's order, so its gradients equal PyTorch's bit for bit, not only to a tolerance.
"""
import numpy as np
import pytest

import chainrule
from chainrule.ops import pointwise as pointwise_ops
from helpers import torch_or_skip

DTYPES = [np.float32, np.float64]


def _arrays(dtype, count: int = 3) -> list:
    rng = np.random.default_rng(7)
    return [rng.standard_normal(4000).astype(dtype) for _ in range(count)]


def _gradients(module, program, arrays: list) -> list:
    """The gradients of ``program``'s inputs, run with ``module`` (chainrule or torch)."""
    *inputs, grad = arrays
    tensors = [module.tensor(a, requires_grad=True) for a in inputs]
    out = program(module, *tensors)
    out.backward(module.tensor(grad[:out.numel()].reshape(tuple(out.shape))))
    return [t.grad.numpy() for t in tensors]


PROGRAMS = {
    "div": (lambda m, x, y: x / y, 3),            # the gradient of `other`: -g * ((x / y) / y)
    "mul": (lambda m, x, y: x * y, 3),
    "square": (lambda m, x: x ** 2, 2),
    "mean(dim)": (lambda m, x: x.reshape(40, 100).mean(dim=0), 2),
    "abs": (lambda m, x: x.abs(), 2),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", PROGRAMS)
def test_gradients_equal_pytorchs_bit_for_bit(name, dtype):
    torch = torch_or_skip()
    program, count = PROGRAMS[name]
    arrays = _arrays(dtype, count)
    ours = _gradients(chainrule, program, arrays)
    theirs = _gradients(torch, program, arrays)
    for mine, wanted in zip(ours, theirs):
        assert mine.dtype == wanted.dtype
        assert np.array_equal(mine, wanted)


@pytest.mark.parametrize("dtype", DTYPES)
def test_sigmoid_backward_from_the_same_output_is_pytorchs(dtype):
    # sigmoid's own value differs in the last bit where the two libraries' exp differ, so
    # the backward primitive is compared on one output: grad * (1 - s) * s, PyTorch's order.
    torch = torch_or_skip()
    grad, x = _arrays(dtype, 2)
    output = 1 / (1 + np.exp(-x))
    ours = pointwise_ops.sigmoid_backward(chainrule.tensor(grad), chainrule.tensor(output))
    theirs = torch.ops.aten.sigmoid_backward(torch.tensor(grad), torch.tensor(output))
    assert np.array_equal(ours.numpy(), theirs.numpy())
