"""_backend.select.zero_where (the branch-free selection relu's backward pass runs)
against numpy.where, bit for bit, relu's forward on large arrays (a row of zeros) against
numpy.maximum(x, 0), and relu's value and gradient with special values against PyTorch."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule._backend.select import zero_where
from chainrule.ops.pointwise import _relu
from helpers import torch_or_skip

SPECIAL = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1.5, -2.25, 1e-30]


def _bits(array: np.ndarray) -> bytes:
    return np.ascontiguousarray(array).tobytes()


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "strided"])
def test_same_bits_as_where(dtype, layout):
    rng = np.random.default_rng(0)
    # (large enough for the bit mask in every layout: small arrays take numpy.where itself)
    values = rng.choice(np.array(SPECIAL, dtype=dtype), size=(150, 120))
    drop = rng.random((150, 120)) < 0.5
    if layout == "transposed":
        values, drop = values.T, drop.T
    elif layout == "strided":
        values, drop = values[::2, 1::3], drop[::2, 1::3]
    expected = np.where(drop, 0, values)
    result = zero_where(drop, values)
    assert result.dtype == expected.dtype and result.shape == expected.shape
    assert _bits(result) == _bits(expected)
    assert result.base is None  # an array of its own: the engine may adopt it as .grad


@pytest.mark.parametrize("drop, values", [
    (np.array([True, False, False]), np.array([np.nan, -0.0, 1.0])),  # small
    (np.array([True, False]), np.array([[1.0, -0.0], [np.nan, 2.0]])),  # broadcast
    (np.array([True, False]), np.array([3, -4])),  # integers
    (np.array([False, True]), np.array([1 + 2j, 3 - 1j])),  # complex
    (np.bool_(True), np.float64(-0.0)),  # scalars
    (np.array(False), np.array(-0.0, dtype=np.float32)),  # 0-d
])
def test_other_cases_are_where(drop, values):
    expected = np.where(drop, 0, values)
    result = zero_where(drop, values)
    assert type(result) is type(expected) and result.dtype == expected.dtype
    assert _bits(result) == _bits(expected)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_relu_gradient_of_special_values_matches_pytorch(dtype):
    torch = torch_or_skip()
    inputs = np.array([[1.0, -1.0, 0.0, 2.0], [np.nan, 3.0, -0.0, -5.0]], dtype=dtype)
    upstream = np.array([[np.nan, np.inf, -np.inf, -0.0], [-0.0, np.nan, 4.0, -3.0]], dtype=dtype)
    ours = cr.tensor(inputs, requires_grad=True)
    cr.relu(ours).backward(cr.tensor(upstream))
    theirs = torch.tensor(inputs, requires_grad=True)
    torch.relu(theirs).backward(torch.tensor(upstream))
    assert ours.grad.dtype == getattr(cr, dtype)
    assert _bits(ours.grad.numpy()) == _bits(theirs.grad.numpy())


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int8, np.int64])
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "strided", "column"])
def test_relu_forward_same_bits_as_maximum_with_zero(dtype, layout):
    rng = np.random.default_rng(1)
    if np.dtype(dtype).kind == "f":
        values = rng.choice(np.array(SPECIAL, dtype=dtype), size=(150, 120))
    else:
        values = rng.integers(-100, 100, size=(150, 120)).astype(dtype)
    if layout == "transposed":
        values = values.T
    elif layout == "strided":
        values = values[::2, 1::3]
    elif layout == "column":  # a last dimension of one: a row of one zero
        values = values.reshape(-1, 1)
    expected = np.maximum(values, 0)
    result = _relu(values)
    assert result.dtype == expected.dtype and result.strides == expected.strides
    assert _bits(result) == _bits(expected)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_relu_of_special_values_in_a_large_tensor_matches_pytorch(dtype):
    torch = torch_or_skip()
    rng = np.random.default_rng(2)
    inputs = rng.choice(np.array(SPECIAL, dtype=dtype), size=(64, 48))
    upstream = rng.choice(np.array(SPECIAL, dtype=dtype), size=(64, 48))
    ours = cr.tensor(inputs, requires_grad=True)
    out = cr.relu(ours)
    out.backward(cr.tensor(upstream))
    theirs = torch.tensor(inputs, requires_grad=True)
    expected = torch.relu(theirs)
    expected.backward(torch.tensor(upstream))
    # (values, not bits: PyTorch's relu keeps the sign of -0.0, NumPy's maximum does not)
    np.testing.assert_array_equal(out.detach().numpy(), expected.detach().numpy())
    assert _bits(ours.grad.numpy()) == _bits(theirs.grad.numpy())
