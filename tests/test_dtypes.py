"""PyTorch's type promotion, checked against PyTorch itself for every pair of dtypes.

Each check runs the same expression with chainrule and with torch and compares
the result dtype (or the exception type, where torch refuses the operation).
"""
from __future__ import annotations

import operator

import numpy as np
import pytest

import chainrule as cr

torch = pytest.importorskip("torch")

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
       "<": operator.lt, "==": operator.eq}
SCALARS = [True, 2, 2.5, np.float64(2.0), np.float32(2.0), np.int64(2), np.bool_(True)]


def _make(module, dtype: str, zero_dim: bool):
    values = 1 if zero_dim else [1, 2]
    return module.tensor(values, dtype=getattr(module, dtype))


def _outcome(fn, *args):
    """The dtype name of ``fn(*args)``'s result, or the exception type's name."""
    try:
        out = fn(*args)
    except Exception as e:  # noqa: BLE001 - the exception type is what is compared
        return type(e).__name__
    return str(getattr(out, "dtype", out)).replace("torch.", "")


def _pair(module, fn, da, a_0d, db, b_0d):
    return fn(_make(module, da, a_0d), _make(module, db, b_0d))


def _with_scalar(module, fn, d, zero_dim, s, scalar_first):
    t = _make(module, d, zero_dim)
    return fn(s, t) if scalar_first else fn(t, s)


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("layout", ["tensor-tensor", "tensor-0d", "0d-tensor", "0d-0d"])
def test_tensor_pairs(op, layout):
    fn = OPS[op]
    a_0d, b_0d = layout.split("-")[0] == "0d", layout.split("-")[1] == "0d"
    wrong = []
    for da in DTYPES:
        for db in DTYPES:
            ours = _outcome(_pair, cr, fn, da, a_0d, db, b_0d)
            theirs = _outcome(_pair, torch, fn, da, a_0d, db, b_0d)
            if ours != theirs:
                wrong.append(f"{da} {op} {db}: chainrule {ours}, torch {theirs}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("zero_dim", [False, True], ids=["1d", "0d"])
def test_tensor_and_scalar(op, zero_dim):
    fn = OPS[op]
    wrong = []
    for d in DTYPES:
        for s in SCALARS:
            for order in ("tensor-scalar", "scalar-tensor"):
                first = order == "scalar-tensor"
                ours = _outcome(_with_scalar, cr, fn, d, zero_dim, s, first)
                theirs = _outcome(_with_scalar, torch, fn, d, zero_dim, s, first)
                if ours != theirs:
                    wrong.append(f"{order} {d} {op} {type(s).__name__}({s!r}): "
                                 f"chainrule {ours}, torch {theirs}")
    assert not wrong, "\n".join(wrong)


def test_promote_types_table():
    wrong = []
    for da in DTYPES:
        for db in DTYPES:
            ours = cr.promote_types(getattr(cr, da), getattr(cr, db)).name
            theirs = str(torch.promote_types(getattr(torch, da), getattr(torch, db)))
            if ours != theirs.replace("torch.", ""):
                wrong.append(f"{da}, {db}: chainrule {ours}, torch {theirs}")
    assert not wrong, "\n".join(wrong)


def test_result_type():
    wrong = []
    for da in DTYPES:
        others = [(db, zero_dim) for db in DTYPES for zero_dim in (False, True)]
        for other, zero_dim in others + [(s, None) for s in SCALARS]:
            ours = _outcome(_result_type, cr, da, other, zero_dim)
            theirs = _outcome(_result_type, torch, da, other, zero_dim)
            if ours != theirs:
                wrong.append(f"{da}, {other!r} (0-d: {zero_dim}): chainrule {ours}, torch {theirs}")
    assert not wrong, "\n".join(wrong)


def _result_type(module, da, other, zero_dim):
    b = _make(module, other, zero_dim) if zero_dim is not None else other
    return module.result_type(_make(module, da, False), b)


# Expressions whose dtype depends on the default dtype or on where the data came from.
EXPRESSIONS = {
    "tensor_ints": lambda m: m.tensor([1, 2]),
    "tensor_floats": lambda m: m.tensor([1.0, 2.0]),
    "tensor_mixed": lambda m: m.tensor([1, 2.5]),
    "tensor_bools": lambda m: m.tensor([True, False]),
    "tensor_scalar_float": lambda m: m.tensor(3.0),
    "arange_int": lambda m: m.arange(4),
    "arange_float": lambda m: m.arange(4.0),
    "linspace": lambda m: m.linspace(0, 1, 3),
    "zeros": lambda m: m.zeros(2),
    "ones_int": lambda m: m.ones(2, dtype=m.int64),
    "full_int": lambda m: m.full((2,), 3),
    "full_float": lambda m: m.full((2,), 3.0),
    "full_bool": lambda m: m.full((2,), True),
    "numpy_float64": lambda m: m.tensor(np.array([1.0, 2.0])),
    "numpy_float32": lambda m: m.tensor(np.array([1.0, 2.0], dtype=np.float32)),
    "from_numpy_float64": lambda m: m.from_numpy(np.array([1.0, 2.0])),
    "as_tensor_float64": lambda m: m.as_tensor(np.array([1.0, 2.0])),
    "numpy_int32": lambda m: m.tensor(np.array([1, 2], dtype=np.int32)),
    "np_float64_times_tensor": lambda m: np.float64(2.0) * m.tensor([1.0, 2.0]),
    "tensor_times_np_float64": lambda m: m.tensor([1.0, 2.0]) * np.float64(2.0),
    "int_tensor_times_float": lambda m: m.tensor([1, 2]) * 2.5,
    "int_tensor_div_int": lambda m: m.tensor([1, 2]) / 2,
    "int_tensor_exp": lambda m: m.tensor([1, 2]).exp(),
    "int_tensor_mean_float": lambda m: m.tensor([1, 2]).float().mean(),
    "int_tensor_sum": lambda m: m.tensor([1, 2], dtype=m.int32).sum(),
    "bool_tensor_sum": lambda m: m.tensor([True, False]).sum(),
    "int_tensor_pow_float": lambda m: m.tensor([1, 2]) ** 0.5,
    "float_pow_int_tensor": lambda m: 2.0 ** m.tensor([1, 2]),
    "int_pow_int_tensor": lambda m: 2 ** m.tensor([1, 2]),
    "float16_times_float": lambda m: m.tensor([1.0], dtype=m.float16) * 2.5,
    "float16_times_0d_float64": lambda m: m.tensor([1.0], dtype=m.float16) * m.tensor(2.5,
                                                                                    dtype=m.float64),
    "int_times_0d_float64": lambda m: m.tensor([1, 2]) * m.tensor(2.5, dtype=m.float64),
    "sqrt_int": lambda m: m.sqrt(m.tensor([4])),
    "where_int_float": lambda m: m.where(m.tensor([True, False]), m.tensor([1, 2]), 0.5),
    "clamp_int_float_bound": lambda m: m.clamp(m.tensor([1, 2]), 0.5),
    "randn": lambda m: m.randn(2),
    "rand": lambda m: m.rand(2),
}


@pytest.mark.parametrize("default", ["float32", "float64"])
def test_default_dtype_effects(default):
    wrong = []
    old_cr, old_torch = cr.get_default_dtype(), torch.get_default_dtype()
    cr.set_default_dtype(getattr(cr, default))
    torch.set_default_dtype(getattr(torch, default))
    try:
        assert cr.get_default_dtype().name == default
        for name, fn in EXPRESSIONS.items():
            ours, theirs = _outcome(fn, cr), _outcome(fn, torch)
            if ours != theirs:
                wrong.append(f"{name}: chainrule {ours}, torch {theirs}")
    finally:
        cr.set_default_dtype(old_cr)
        torch.set_default_dtype(old_torch)
    assert cr.get_default_dtype() is old_cr
    assert not wrong, "\n".join(wrong)


def test_set_default_dtype_rejects_integers():
    for module in (cr, torch):
        with pytest.raises(TypeError):
            module.set_default_dtype(module.int64)


def test_documented_cases():
    """The cases named in the issue, spelled out."""
    assert cr.tensor([1, 2]).dtype is cr.int64
    assert cr.arange(4.0).dtype is cr.float32
    assert cr.tensor(np.array([1.0, 2.0])).dtype is cr.float64
    assert cr.from_numpy(np.array([1.0, 2.0])).dtype is cr.float64
    assert (np.float64(2.0) * cr.ones(2)).dtype is cr.float32
    assert (cr.ones(2) * np.float64(2.0)).dtype is cr.float32
    assert isinstance(np.float64(2.0) * cr.ones(2), cr.Tensor)


_OUT_OF_RANGE = [("int8", "mul", 300), ("int8", "add", -200), ("uint8", "add", 300),
                 ("uint8", "sub", -1), ("uint8", "mul", -3), ("int16", "mul", 70000),
                 ("int32", "add", 2 ** 40), ("int8", "mul", 2 ** 63 + 5)]


@pytest.mark.parametrize("dtype,name,number", _OUT_OF_RANGE)
@pytest.mark.parametrize("data", [[1, 2], 3])
def test_arithmetic_wraps_a_number_out_of_an_integer_dtype(dtype, name, number, data):
    """An int the tensor's integer dtype cannot hold is wrapped into it by arithmetic, as
    PyTorch does (NumPy 2 alone refuses it); the method and the operator alike."""
    results = []
    for module in (cr, torch):
        x = module.tensor(data, dtype=getattr(module, dtype))
        method = getattr(x, name)(number)
        operator = {"mul": x * number, "add": x + number, "sub": x - number}[name]
        results.append((method.tolist(), str(method.dtype), operator.tolist()))
    assert results[0] == results[1]


def test_out_of_range_numbers_refused_as_pytorch_refuses_them():
    x, y = cr.tensor([1, 2], dtype=cr.int8), torch.tensor([1, 2], dtype=torch.int8)
    with pytest.raises(RuntimeError, match="cannot be converted to type int8_t without overflow"):
        cr.clamp(x, max=300)
    with pytest.raises(RuntimeError, match="cannot be converted to type int8_t without overflow"):
        torch.clamp(y, max=300)
    for module in (cr, torch):
        for t in (module.tensor([1, 2], dtype=module.int8), module.tensor([True]),
                  module.tensor([1.0, 2.0])):
            with pytest.raises(OverflowError, match="int too big to convert"):
                t * 2 ** 2000
