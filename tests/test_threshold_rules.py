"""threshold and relu against PyTorch: NaN inputs, first and second derivatives, and the
name of the double-backward node (ThresholdBackwardBackward0)."""
from __future__ import annotations

import pytest

from both_libraries import same_verdict

VALUES = [float("nan"), 0.5, 0.7, -1.0, 3.0]


def _derivatives(lib, fn):
    x = lib.tensor(VALUES, dtype=lib.float64, requires_grad=True)
    y = fn(lib, x)
    (g,) = lib.autograd.grad((y * y).sum(), x, create_graph=True)
    (gg,) = lib.autograd.grad(g.sum(), x)
    node = lib.autograd.grad(y.sum(), x, create_graph=True)[0].grad_fn.name()
    return str(y.tolist()), str(g.tolist()), str(gg.tolist()), type(y.grad_fn).__name__, node


@pytest.mark.parametrize("fn", [
    lambda lib, x: lib.nn.functional.threshold(x, 0.5, -2.0),
    lambda lib, x: lib.nn.functional.threshold(x * 1, 0.5, -2.0, inplace=True),
    lambda lib, x: lib.relu(x),
    lambda lib, x: lib.nn.functional.relu(x * 1, inplace=True),
])
def test_threshold_and_relu_as_pytorch(fn):
    same_verdict(lambda lib: _derivatives(lib, fn))
