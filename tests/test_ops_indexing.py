"""Indexing ops against PyTorch and finite differences, driven by ``tests/op_table.py``."""
from __future__ import annotations

import pytest

from op_table import check_gradients, compare_with_torch, ops_in

pytest.importorskip("torch")

OPS = ops_in("indexing")
CASES = [pytest.param(op, d, id=f"{op.name}-{d}") for op in OPS for d in op.dtypes]


@pytest.mark.parametrize("op, dtype", CASES)
def test_matches_torch(op, dtype):
    compare_with_torch(op, dtype)


@pytest.mark.parametrize("op", [op for op in OPS if op.do_gradcheck], ids=lambda op: op.name)
def test_gradcheck(op):
    check_gradients(op)
