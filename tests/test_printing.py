"""Tensor printing must match ``repr(torch.Tensor)`` exactly.

Most tests generate seeded random arrays and compare ``tensor_repr`` against PyTorch itself,
so they are skipped when torch is not installed; a few fixed examples run without it.
"""

from __future__ import annotations

import importlib.util
import math
import pathlib
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import numpy as np
import pytest

try:
    from chainrule import _printing
except ImportError:  # the package may not import while it is being written
    _spec = importlib.util.spec_from_file_location(
        "_printing", pathlib.Path(__file__).parents[1] / "src/chainrule/_printing.py"
    )
    assert _spec is not None and _spec.loader is not None
    _printing = importlib.util.module_from_spec(_spec)
    # dataclasses look the defining module up in sys.modules.
    sys.modules[_spec.name] = _printing
    _spec.loader.exec_module(_printing)

tensor_repr = _printing.tensor_repr
set_printoptions = _printing.set_printoptions
get_printoptions = _printing.get_printoptions

FLOAT_DTYPES = ["float32", "float64", "float16"]
INT_DTYPES = ["int64", "int32", "int16", "int8", "uint8"]
ALL_DTYPES = FLOAT_DTYPES + INT_DTYPES + ["bool"]


@pytest.fixture
def torch() -> ModuleType:
    return pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _reset_options() -> Iterator[None]:
    """Both libraries keep options module-wide, so every test starts and ends on defaults."""

    def reset() -> None:
        set_printoptions(profile="default")
        try:
            import torch
        except ImportError:
            return
        torch.set_printoptions(profile="default")
        torch.set_default_dtype(torch.float32)

    reset()
    yield
    reset()


# --- random data -------------------------------------------------------------------------


def random_shape(rng: np.random.Generator) -> tuple[int, ...]:
    kind = rng.random()
    if kind < 0.1:  # large enough to be summarised with the default threshold of 1000
        return [
            (int(rng.integers(1001, 2500)),),
            (int(rng.integers(32, 60)), int(rng.integers(32, 60))),
            (int(rng.integers(2, 9)), int(rng.integers(10, 30)), int(rng.integers(10, 30))),
            (2, 3, int(rng.integers(10, 20)), int(rng.integers(10, 20))),
        ][int(rng.integers(4))]
    ndim = int(rng.integers(0, 5))
    # Mostly small dims, sometimes empty ones, sometimes long rows that wrap.
    dims = []
    for _ in range(ndim):
        r = rng.random()
        if r < 0.07:
            dims.append(0)
        elif r < 0.2:
            dims.append(int(rng.integers(8, 30)))
        else:
            dims.append(int(rng.integers(1, 6)))
    return tuple(dims)


def random_floats(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    n = math.prod(shape)
    regime = rng.integers(7)
    if regime == 0:  # integer-valued floats
        values = rng.integers(-(10 ** int(rng.integers(1, 10))), 10 ** int(rng.integers(1, 10)), n)
        values = values.astype(np.float64)
    elif regime == 1:  # one common scale
        values = rng.standard_normal(n) * 10.0 ** int(rng.integers(-9, 10))
    elif regime == 2:  # magnitudes spread over many decades, so sci mode kicks in
        exponents = rng.uniform(-15, 15, n)
        values = rng.choice([-1.0, 1.0], n) * 10.0**exponents
    elif regime == 3:  # values right at the sci-mode thresholds
        edges = np.array([1e-4, 1.0001e-4, 9.999e-5, 1e8, 1.0000001e8, 0.1, 100.0, 100.1, 1.0])
        values = rng.choice(edges, n) * rng.choice([-1.0, 1.0], n)
    elif regime == 4:  # halves and quarters: exact ties for rounding
        values = rng.integers(-4000, 4000, n) / rng.choice([2.0, 4.0, 8.0, 32.0], n)
    elif regime == 5:
        values = np.zeros(n)
    else:
        values = rng.uniform(-1, 1, n) * rng.choice([1.0, 1e3, 1e5, 343541.65625], n)
    if n and rng.random() < 0.35:  # sprinkle non-finite values and signed zeros
        specials = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0])
        picked = rng.random(n) < rng.uniform(0.05, 0.6)
        values[picked] = rng.choice(specials, int(picked.sum()))
    return values.reshape(shape)


def random_array(rng: np.random.Generator, dtype: str) -> np.ndarray:
    shape = random_shape(rng)
    if dtype == "bool":
        return np.asarray(rng.random(shape) < rng.random())  # a 0-d comparison gives a scalar
    if dtype in INT_DTYPES:
        info = np.iinfo(dtype)
        bound = [1, 9, 1000, int(info.max)][int(rng.integers(4))]
        low = max(int(info.min), -bound)
        return rng.integers(low, min(bound, int(info.max)), shape, dtype=dtype, endpoint=True)
    with np.errstate(over="ignore"):  # float16 overflow to inf is fine
        return random_floats(rng, shape).astype(dtype)


def random_options(rng: np.random.Generator) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if rng.random() < 0.5:
        options["precision"] = int(rng.integers(0, 9))
    if rng.random() < 0.4:
        options["sci_mode"] = bool(rng.integers(2))
    if rng.random() < 0.5:
        options["linewidth"] = int(rng.integers(10, 160))
    if rng.random() < 0.4:
        options["threshold"] = int(rng.choice([0, 1, 5, 20, 100, 1000]))
    if rng.random() < 0.4:
        options["edgeitems"] = int(rng.integers(0, 5))
    if rng.random() < 0.1:
        options["profile"] = str(rng.choice(["default", "short", "full"]))
    return options


def torch_dtype_name(t: Any) -> str:
    return str(t.dtype).removeprefix("torch.")


def assert_same(ours: str, theirs: str, arr: np.ndarray, context: Any = None) -> None:
    assert ours == theirs, (
        f"\ncontext: {context}\ndtype: {arr.dtype} shape: {arr.shape}\n"
        f"values: {arr.ravel()[:20].tolist()}\n--- ours\n{ours}\n--- torch\n{theirs}"
    )


# --- comparisons against torch -----------------------------------------------------------


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_random_tensors_default_options(torch: ModuleType, dtype: str) -> None:
    rng = np.random.default_rng(sum(map(ord, dtype)))
    for _ in range(250):
        arr = random_array(rng, dtype)
        assert_same(tensor_repr(arr, dtype), repr(torch.from_numpy(arr)), arr)


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_random_tensors_random_options(torch: ModuleType, dtype: str) -> None:
    rng = np.random.default_rng(1000 + sum(map(ord, dtype)))
    for _ in range(150):
        options = random_options(rng)
        set_printoptions(**options)
        torch.set_printoptions(**options)
        assert get_printoptions() == torch._tensor_str.get_printoptions()
        arr = random_array(rng, dtype)
        assert_same(tensor_repr(arr, dtype), repr(torch.from_numpy(arr)), arr, options)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_random_tensors_with_autograd_suffixes(torch: ModuleType, dtype: str) -> None:
    rng = np.random.default_rng(2000 + sum(map(ord, dtype)))
    for i in range(150):
        options = random_options(rng) if i % 2 else {}
        set_printoptions(**options)
        torch.set_printoptions(**options)
        arr = random_array(rng, dtype)
        leaf = torch.from_numpy(arr).requires_grad_()
        ours = tensor_repr(arr, dtype, requires_grad=True)
        assert_same(ours, repr(leaf), arr, options)
        ours = tensor_repr(arr, dtype, requires_grad=True, grad_fn="MulBackward0")
        assert_same(ours, repr(leaf * 1), arr, options)


@pytest.mark.parametrize("default", ["float32", "float64"])
def test_random_tensors_other_default_dtype(torch: ModuleType, default: str) -> None:
    torch.set_default_dtype(getattr(torch, default))
    rng = np.random.default_rng(3000 + len(default))
    for i in range(200):
        dtype = ALL_DTYPES[i % len(ALL_DTYPES)]
        arr = random_array(rng, dtype)
        ours = tensor_repr(arr, dtype, default_dtype=default)
        assert_same(ours, repr(torch.from_numpy(arr)), arr, default)


SPECIAL_ARRAYS = [
    np.array(1.0, dtype=np.float32),
    np.array(-0.0, dtype=np.float32),
    np.array(np.nan, dtype=np.float64),
    np.array(343541.65625, dtype=np.float32),
    np.array([1e-4], dtype=np.float32),  # just below 1e-4 in float64, hence sci mode
    np.array([1e-4], dtype=np.float64),
    np.array([0.0, np.nan, np.inf, -np.inf], dtype=np.float32),
    np.array([1.5, np.nan, -np.inf], dtype=np.float32),
    np.array([65504.0, -65504.0, 6e-8], dtype=np.float16),
    np.array([1e300, 1e-300, -1e308], dtype=np.float64),  # max / min overflows to inf
    np.array([np.finfo(np.float32).max, np.finfo(np.float32).tiny], dtype=np.float32),
    np.arange(20, dtype=np.float32).reshape(2, 2, 5) * 1e7,
    np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).max], dtype=np.int64),
    np.array([[True, False], [False, True]]),
    np.zeros((0,), dtype=np.int64),
    np.zeros((0,), dtype=np.bool_),
    np.zeros((2, 0, 3), dtype=np.float64),
    np.zeros((1, 1, 1, 1, 2), dtype=np.float32),
    np.arange(7 * 1001, dtype=np.int16).reshape(7, 1001),
    np.linspace(-1, 1, 2001, dtype=np.float16),
]


@pytest.mark.parametrize("arr", SPECIAL_ARRAYS, ids=lambda a: f"{a.dtype}{a.shape}")
@pytest.mark.parametrize("linewidth", [80, 12, 300])
def test_special_values(torch: ModuleType, arr: np.ndarray, linewidth: int) -> None:
    set_printoptions(linewidth=linewidth)
    torch.set_printoptions(linewidth=linewidth)
    t = torch.from_numpy(arr)
    assert_same(tensor_repr(arr, torch_dtype_name(t)), repr(t), arr)
    if t.is_floating_point():
        ours = tensor_repr(arr, torch_dtype_name(t), grad_fn="MulBackward0")
        assert_same(ours, repr(t.requires_grad_() * 1), arr)


def test_printoptions_state_matches_torch(torch: ModuleType) -> None:
    calls: list[dict[str, Any]] = [
        {},
        {"precision": 2},
        {"sci_mode": True},
        {"linewidth": 40},  # omitting sci_mode resets it, as in torch
        {"profile": "short", "edgeitems": 5},
        {"profile": "full"},
        {"threshold": 10, "sci_mode": False},
        {"profile": "unknown"},
        {"profile": "default"},
    ]
    for kwargs in calls:
        set_printoptions(**kwargs)
        torch.set_printoptions(**kwargs)
        assert get_printoptions() == torch._tensor_str.get_printoptions(), kwargs


def test_input_converted_to_named_dtype(torch: ModuleType) -> None:
    # The dtype name decides how values print, even if the array is wider.
    values = np.array([0.1, 343541.65625, 2.0])
    expected = repr(torch.from_numpy(values.astype(np.float32)))
    assert tensor_repr(values, "float32") == expected


# --- fixed examples (run without torch) ---------------------------------------------------


@pytest.mark.parametrize(
    ("arr", "dtype", "kwargs", "expected"),
    [
        (np.float32(1.0), "float32", {"requires_grad": True}, "tensor(1., requires_grad=True)"),
        (
            np.float32(-1.0),
            "float32",
            {"grad_fn": "SubBackward0"},
            "tensor(-1., grad_fn=<SubBackward0>)",
        ),
        (np.float32(0.0), "float32", {}, "tensor(0.)"),
        (np.arange(0, 16, 4, dtype=np.float32), "float32", {}, "tensor([ 0.,  4.,  8., 12.])"),
        (
            np.array([-3866.667, -1733.3335, -1600.0001, -533.3334], dtype=np.float32),
            "float32",
            {},
            "tensor([-3866.6670, -1733.3335, -1600.0001,  -533.3334])",
        ),
        (np.float32(343541.65625), "float32", {}, "tensor(343541.6562)"),
        (np.zeros((0, 3), np.float32), "float32", {}, "tensor([], size=(0, 3))"),
        (np.array([1e-5, 1e5], np.float32), "float32", {}, "tensor([1.0000e-05, 1.0000e+05])"),
        (np.array([1.0, 2.0]), "float64", {}, "tensor([1., 2.], dtype=torch.float64)"),
        (np.array([1.0, 2.0]), "float64", {"default_dtype": "float64"}, "tensor([1., 2.])"),
        (np.array([True, False]), "bool", {}, "tensor([ True, False])"),
        (np.array([3, -12], np.int32), "int32", {}, "tensor([  3, -12], dtype=torch.int32)"),
        (np.zeros(0, np.int64), "int64", {}, "tensor([], dtype=torch.int64)"),
    ],
)
def test_known_reprs(arr: Any, dtype: str, kwargs: dict[str, Any], expected: str) -> None:
    assert tensor_repr(np.asarray(arr), dtype, **kwargs) == expected


def test_summarised_and_wrapped_without_torch() -> None:
    assert (
        tensor_repr(np.arange(2000), "int64")
        == "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"
    )
    set_printoptions(threshold=5)
    assert tensor_repr(np.arange(10), "int64") == "tensor([0, 1, 2,  ..., 7, 8, 9])"
    set_printoptions(profile="default", linewidth=20)
    assert tensor_repr(np.arange(8.0, dtype=np.float32), "float32") == (
        "tensor([0., 1., 2.,\n        3., 4., 5.,\n        6., 7.])"
    )
