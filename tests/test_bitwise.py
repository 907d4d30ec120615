"""Bit operations against PyTorch: bitwise_and/or/xor/not, the shifts, gcd and lcm as
functions, methods, operators (& | ^ ~ << >> and their reflected and in-place forms) and
in-place methods; PyTorch's promotion, shift overflow, and errors."""
from __future__ import annotations

import operator

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, torch_or_skip

_INTS = ["uint8", "int8", "int16", "int32", "int64"]
_VALUES = {  # edge values of each type, and shift amounts in and out of range
    "uint8": [0, 1, 7, 128, 200, 255], "int8": [0, 1, -1, 127, -128, -7],
    "int16": [0, 3, -3, 32767, -32768, 255], "int32": [0, 5, -5, 2**31 - 1, -2**31, 99],
    "int64": [0, 6, -6, 2**62, -2**63, 12345], "bool": [True, False, True, True, False, False],
}
_AMOUNTS = [0, 1, 3, 7, 8, 70]


def _pair(name, values):
    torch = torch_or_skip()
    return (cr.tensor(values, dtype=getattr(cr, name)),
            torch.tensor(values, dtype=getattr(torch, name)))


def _same_outcome(call, *args):
    """``call(module, *args)`` gives the same tensor, or the same exception type, in both."""
    torch = torch_or_skip()
    try:
        theirs = call(torch, *[a[1] if isinstance(a, tuple) else a for a in args])
    except Exception as error:  # noqa: BLE001 - any exception PyTorch raises must match
        with pytest.raises(type(error)):
            call(cr, *[a[0] if isinstance(a, tuple) else a for a in args])
        return
    ours = call(cr, *[a[0] if isinstance(a, tuple) else a for a in args])
    assert_same(ours, theirs)


@pytest.mark.parametrize("name", ["bitwise_and", "bitwise_or", "bitwise_xor", "gcd", "lcm"])
@pytest.mark.parametrize("left", _INTS + ["bool"])
def test_binary_bit_functions_promote_as_pytorch(name, left):
    # PyTorch's lcm dies (SIGFPE) dividing the most negative int32/int64 by a gcd of -1
    values = {k: [v // 2 if v in (-2**31, -2**63) and name == "lcm" else v for v in vs]
              for k, vs in _VALUES.items()}
    for right in ("uint8", "int8", "int64", "bool", "float32"):
        a = _pair(left, values[left])
        b = _pair(right, values.get(right, [1.5] * 6)[::-1])
        _same_outcome(lambda m, x, y: getattr(m, name)(x, y), a, b)
        _same_outcome(lambda m, x, y: getattr(x, name)(y), a, b)
        _same_outcome(lambda m, x, y: getattr(m, name)(x, y[0]), a, b)  # a 0-d other


@pytest.mark.parametrize("name", ["bitwise_left_shift", "bitwise_right_shift"])
@pytest.mark.parametrize("dtype", _INTS + ["bool", "float32"])
def test_shifts_match_pytorch_in_and_out_of_range(name, dtype):
    values = _VALUES.get(dtype, [1.5, -2.0, 0.0, 3.0, 4.0, 1.0])
    a = _pair(dtype, values)
    for amounts in (_AMOUNTS, [-1, 2, 9, 16, 31, 63]):
        b = _pair("int64", amounts)
        _same_outcome(lambda m, x, y: getattr(m, name)(x, y), a, b)
        _same_outcome(lambda m, x, y: getattr(m, name)(x, y.to(x.dtype)), a, b)
    for amount in (2, -1, 65, True):
        _same_outcome(lambda m, x, k: getattr(m, name)(x, k), a, amount)
        _same_outcome(lambda m, x, k: getattr(m, name)(k, x), a, amount)


@pytest.mark.parametrize("dtype", _INTS + ["bool", "float32"])
def test_bitwise_not_and_invert_match_pytorch(dtype):
    a = _pair(dtype, _VALUES.get(dtype, [1.5] * 6))
    _same_outcome(lambda m, x: m.bitwise_not(x), a)
    _same_outcome(lambda m, x: x.bitwise_not(), a)
    _same_outcome(lambda m, x: ~x, a)
    _same_outcome(lambda m, x: x.clone().bitwise_not_(), a)


_OPERATORS = [operator.and_, operator.or_, operator.xor, operator.lshift, operator.rshift]


@pytest.mark.parametrize("op", _OPERATORS, ids=lambda f: f.__name__)
def test_operators_and_reflected_forms_match_pytorch(op):
    for dtype in ("int64", "int8", "bool", "float32"):
        a = _pair(dtype, _VALUES.get(dtype, [1.5] * 6))
        for other in (3, True, 2.5, np.int64(2)):
            _same_outcome(lambda m, x, k: op(x, k), a, other)
            _same_outcome(lambda m, x, k: op(k, x), a, other)
        _same_outcome(lambda m, x, y: op(x, y), a, _pair("int16", _VALUES["int16"]))


@pytest.mark.parametrize("op", _OPERATORS, ids=lambda f: f.__name__)
def test_an_operand_that_is_not_a_number_is_a_type_error(op):
    torch = torch_or_skip()
    for m in (cr, torch):
        x = m.tensor([1, 2])
        for other in ([1, 2], "a", None):
            with pytest.raises(TypeError):
                op(x, other)
            with pytest.raises(TypeError):
                op(other, x)


_INPLACE = [("__iand__", "bitwise_and_"), ("__ior__", "bitwise_or_"),
            ("__ixor__", "bitwise_xor_"), ("__ilshift__", "bitwise_left_shift_"),
            ("__irshift__", "bitwise_right_shift_")]


@pytest.mark.parametrize("operator_name, method", _INPLACE)
def test_in_place_forms_write_into_the_tensor_as_pytorch(operator_name, method):
    torch = torch_or_skip()
    for dtype in ("int64", "int8", "bool"):
        for other in (_pair("int64", [1, 2, 3, 0, 5, 6]), _pair("bool", _VALUES["bool"]), 2):
            def call(m, x, y, name):
                target = x.clone()
                view = target[:]
                result = getattr(target, name)(y)
                assert result is target
                return view  # the write reached the memory, not a new tensor
            for name in (operator_name, method):
                _same_outcome(lambda m, x, y, n=name: call(m, x, y, n),
                              _pair(dtype, _VALUES[dtype]), other)
    with pytest.raises(TypeError):
        x = cr.tensor([1])
        x <<= [1]
    assert torch.tensor([1]).__iand__([1]) is NotImplemented


@pytest.mark.parametrize("name", ["gcd_", "lcm_"])
def test_gcd_and_lcm_in_place_match_pytorch(name):
    a = _pair("int32", [12, -18, 0, 7, 100, 2**20])
    b = _pair("int64", [8, 12, 5, 0, -75, 6])
    _same_outcome(lambda m, x, y: getattr(x.clone(), name)(y), a, b)
    _same_outcome(lambda m, x, y: getattr(x.clone(), name)(y[0]), a, b)
    # where PyTorch's kernel traps, the quotient wraps here
    assert cr.lcm(cr.tensor([-2**63]), cr.tensor(12345)).tolist() == [-2**63]


@pytest.mark.parametrize("call, error", [
    (lambda m, x: m.gcd(x, 4), TypeError),
    (lambda m, x: m.lcm(2, x), TypeError),
    (lambda m, x: m.bitwise_and(x, "a"), TypeError),
    (lambda m, x: m.bitwise_not(3), TypeError),
    (lambda m, x: m.bitwise_xor(x, m.ones(3, dtype=m.long)), RuntimeError),
    (lambda m, x: x.clone().bitwise_and_(m.ones(2, 2, dtype=m.long)), RuntimeError),
    (lambda m, x: m.ones(2, dtype=m.bool).bitwise_or_(x), RuntimeError),
])
def test_bad_arguments_match_pytorch(call, error):
    torch = torch_or_skip()
    for m in (cr, torch):
        with pytest.raises(error):
            call(m, m.tensor([4, 6]))


def test_bit_operations_carry_no_gradient_and_keep_shapes():
    torch = torch_or_skip()
    a = _pair("int64", [[1, 2, 3], [4, 5, 6]])
    b = _pair("int64", [[1], [3]])
    for name in ("bitwise_and", "bitwise_left_shift", "gcd"):
        _same_outcome(lambda m, x, y, n=name: getattr(m, n)(x, y), a, b)
        assert getattr(cr, name)(a[0], b[0]).requires_grad is False
    _same_outcome(lambda m, x: m.bitwise_or(x, m.zeros(0, 1, dtype=m.long)), a)
    assert torch.bitwise_and(a[1], b[1]).grad_fn is None
