"""Every op of the one op table (``tests/op_table.py``) against two oracles: PyTorch
(values, dtypes, shapes, grad_fn names, gradients, errors) and finite differences
(gradcheck and gradgradcheck in float64).  Forward mode uses the same table in
``tests/test_forward_ad.py``."""
from __future__ import annotations

import math

import numpy as np
import pytest

import chainrule as cr
from op_table import OPS, check_gradients, compare_with_torch

pytest.importorskip("torch")

CASES = [pytest.param(op, d, id=f"{op.group}-{op.name}-{d}") for op in OPS for d in op.dtypes]


@pytest.mark.parametrize("op, dtype", CASES)
def test_matches_torch(op, dtype):
    compare_with_torch(op, dtype)


@pytest.mark.parametrize("op", [op for op in OPS if op.do_gradcheck],
                         ids=lambda op: f"{op.group}-{op.name}")
def test_gradcheck(op):
    check_gradients(op)


def test_erf_to_float64_precision():
    """erf is vectorised NumPy (no scipy), as accurate as the C library's erf."""
    x = np.concatenate([np.linspace(-7.0, 7.0, 20001), np.logspace(-300, 0.7, 500),
                        -np.logspace(-300, 0.7, 500), [0.0, 2.5, -2.5, np.inf, -np.inf]])
    ours = cr.erf(cr.from_numpy(x)).numpy()
    exact = np.array([math.erf(v) for v in x])
    np.testing.assert_allclose(ours, exact, rtol=4e-15, atol=0)
    assert np.isnan(cr.erf(cr.tensor([float("nan")])).item())
