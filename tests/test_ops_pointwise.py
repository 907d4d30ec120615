"""Pointwise ops against PyTorch and finite differences, driven by ``tests/op_table.py``."""
from __future__ import annotations

import pytest

from op_table import check_gradients, compare_with_torch, ops_in

pytest.importorskip("torch")

OPS = ops_in("pointwise")
CASES = [pytest.param(op, d, id=f"{op.name}-{d}") for op in OPS for d in op.dtypes]


@pytest.mark.parametrize("op, dtype", CASES)
def test_matches_torch(op, dtype):
    compare_with_torch(op, dtype)


@pytest.mark.parametrize("op", [op for op in OPS if op.do_gradcheck], ids=lambda op: op.name)
def test_gradcheck(op):
    check_gradients(op)


def test_erf_to_float64_precision():
    """erf is vectorised NumPy (no scipy), as accurate as the C library's erf."""
    import math

    import numpy as np

    import chainrule as cr

    x = np.concatenate([np.linspace(-7.0, 7.0, 20001), np.logspace(-300, 0.7, 500),
                        -np.logspace(-300, 0.7, 500), [0.0, 2.5, -2.5, np.inf, -np.inf]])
    ours = cr.erf(cr.from_numpy(x)).numpy()
    exact = np.array([math.erf(v) for v in x])
    np.testing.assert_allclose(ours, exact, rtol=4e-15, atol=0)
    assert np.isnan(cr.erf(cr.tensor([float("nan")])).item())
