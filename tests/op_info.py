"""The row type of the op table (``OpInfo``), explicit input values (``V``), the dtype and
shape sets rows choose from, and the inputs drawn for a case (``make_inputs``).  Kept apart
from ``op_table.py`` so that the family tables (``op_table_linalg.py``) can build rows."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

FLOAT = ("float32", "float64")
ALL_REAL = ("float32", "float64", "int64", "int32", "uint8", "bool")
NUMERIC = ("float32", "float64", "int64", "int32")

UNARY_SHAPES = [((2, 3),), ((),), ((0, 3),), ((4,),)]
BINARY_SHAPES = [((2, 3), (2, 3)), ((2, 3), (3,)), ((4, 1), (1, 3)), ((), (2, 2)),
                 ((2, 2), ()), ((0, 3), (3,))]
REDUCE_SHAPES = [((3, 4),), ((2, 3, 2),), ((5,),), ((),)]


@dataclass(frozen=True)
class OpInfo:
    name: str
    fn: Callable
    shapes: list = field(default_factory=lambda: UNARY_SHAPES)
    domain: tuple | list = (-2.0, 2.0)
    dtypes: tuple = FLOAT
    differentiable: bool = True
    gradcheck: bool | None = None
    gradgrad: bool = True
    rtol: float = 1e-5
    atol: float = 1e-6
    group: str = "pointwise"
    grad_fn_name: bool = True  # False where PyTorch's node names follow its kernels (einsum)

    @property
    def do_gradcheck(self) -> bool:
        return self.differentiable if self.gradcheck is None else self.gradcheck

    def domains(self, n: int) -> list:
        return list(self.domain) if isinstance(self.domain, list) else [self.domain] * n


class V:
    """Explicit input values in place of a shape (kinks, ties, zeros, inf and nan):
    ``V([1.0, 0.0, -1.0])`` or ``V(2.0)`` for a 0-d input; cast to the case's dtype."""

    def __init__(self, values) -> None:
        self.values = values

    def __repr__(self) -> str:
        return f"V({self.values!r})"


def make_inputs(op: OpInfo, shapes: tuple, dtype: str, seed: int = 0) -> list:
    """NumPy arrays for one case: the same arrays feed chainrule and torch."""
    rng = np.random.default_rng(seed)
    out = []
    for shape, (lo, hi) in zip(shapes, op.domains(len(shapes))):
        if isinstance(shape, V):
            a = np.array(shape.values, dtype=dtype)
        elif dtype == "bool":
            a = rng.integers(0, 2, size=shape).astype(bool)
        elif dtype in ("float32", "float64"):
            a = rng.uniform(lo, hi, size=shape).astype(dtype)
        else:
            lo_i = max(int(np.ceil(lo)), 0) if dtype == "uint8" else int(np.ceil(lo))
            a = rng.integers(lo_i, max(int(np.floor(hi)), lo_i) + 1, size=shape).astype(dtype)
        out.append(np.asarray(a))
    return out
