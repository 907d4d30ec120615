"""Bad input raises the same exception type as PyTorch, with a message that helps fix it."""
import math

import pytest

import chainrule as cr
from helpers import torch_or_skip

CASES = [
    ("broadcast", lambda t: t.ones(2, 3) + t.ones(4), r"size of tensor a \(3\).*tensor b \(4\)"),
    ("broadcast_mul", lambda t: t.ones(2, 3) * t.ones(2), r"non-singleton dimension 1"),
    ("mm_shapes", lambda t: t.mm(t.ones(2, 3), t.ones(4, 5)), r"2x3 and 4x5"),
    ("matmul_shapes", lambda t: t.ones(2, 3) @ t.ones(4, 5), r"2x3 and 4x5"),
    ("mv_shapes", lambda t: t.mv(t.ones(2, 3), t.ones(4)), r"size mismatch"),
    ("dot_sizes", lambda t: t.dot(t.ones(3), t.ones(4)), r"inconsistent tensor size"),
    ("mm_dtypes", lambda t: t.mm(t.ones(2, 2), t.ones(2, 2, dtype=t.float64)), r"same dtype"),
    ("index_range", lambda t: t.ones(3)[5], r"index 5 is out of bounds for dimension 0"),
    ("index_tensor_range", lambda t: t.ones(3)[t.tensor([0, 7])], r"out of bounds"),
    ("too_many_indices", lambda t: t.ones(3)[0, 0], r"too many indices"),
    ("dim_range", lambda t: t.ones(2, 3).sum(dim=2), r"Dimension out of range"),
    ("dim_range_neg", lambda t: t.ones(2, 3).unsqueeze(-4), r"Dimension out of range"),
    ("int_requires_grad", lambda t: t.tensor([1, 2], requires_grad=True), r"floating point"),
    ("implicit_backward", lambda t: t.ones(3, requires_grad=True).mul(2).backward(),
     r"scalar outputs"),
    ("backward_no_grad", lambda t: t.ones(1).sum().backward(), r"does not require grad"),
    ("item_many", lambda t: t.ones(3).item(), r"3 elements"),
    ("bool_many", lambda t: bool(t.ones(3)), r"ambiguous"),
    ("view_size", lambda t: t.ones(6).view(4, 2), r"invalid for input of size 6"),
    ("reshape_two_minus_one", lambda t: t.ones(6).reshape(-1, -1), r"only one dimension"),
    ("cat_shapes", lambda t: t.cat([t.ones(2, 3), t.ones(2, 4)]), r"Sizes of tensors must match"),
    ("stack_shapes", lambda t: t.stack([t.ones(2), t.ones(3)]), r"equal size"),
    ("expand", lambda t: t.ones(3).expand(4), r"must match the existing size"),
    ("neg_bool", lambda t: -t.tensor([True]), r"Negation"),
    ("sub_bool", lambda t: t.tensor([True]) - t.tensor([False]), r"Subtraction"),
    ("int_neg_pow", lambda t: t.tensor([2]) ** -1, r"negative integer powers"),
    ("mean_int", lambda t: t.tensor([1, 2]).mean(), r"mean\(\)"),
    ("string_operand", lambda t: t.ones(2) * "a", None),
    ("numpy_requires_grad", lambda t: t.ones(2, requires_grad=True).numpy(), r"detach"),
    ("cuda_method", lambda t: t.ones(2).cuda(), r"not compiled with CUDA"),
    ("cuda_creation", lambda t: t.zeros(2, device="cuda"), r"not compiled with CUDA"),
    ("cuda_to", lambda t: t.ones(2).to("cuda"), r"not compiled with CUDA"),
    ("cuda_module", lambda t: t.nn.Linear(2, 2).to(t.device("cuda")), r"not compiled with CUDA"),
]

# Issue 12's exactness problems: calls where chainrule raised another type, or nothing.
# Their messages begin with PyTorch's own words (a " Fix: ..." may follow).
WORDED_CASES = [
    ("multi_dot_shapes", lambda t: t.linalg.multi_dot([t.ones(3), t.ones(2, 2)]), r"multi_dot"),
    ("multi_dot_dtypes", lambda t: t.linalg.multi_dot([t.ones(2, 2), t.ones(2, 2).double()]),
     r"multi_dot"),
    ("floor_divide_bool", lambda t: t.tensor([True]) // t.tensor([True]), r'"div_floor_cpu"'),
    ("floor_divide_bool_number", lambda t: t.tensor([True]) // True, r"not implemented for 'Bool'"),
    ("rfloordiv_bool", lambda t: True // t.tensor([True]), r'"div_floor_cpu"'),
    ("div_trunc_bool", lambda t: t.div(t.tensor([True]), True, rounding_mode="trunc"),
     r'"div_trunc_cpu"'),
    ("remainder_bool", lambda t: t.tensor([True]) % t.tensor([True]), r'"remainder_cpu"'),
    ("fmod_bool", lambda t: t.fmod(t.tensor([True]), True), r'"fmod_cpu"'),
    ("pow_bool", lambda t: t.tensor([True]) ** t.tensor([True]), r'"pow" not implemented'),
    ("rpow_bool", lambda t: True ** t.tensor([True]), r'"pow" not implemented'),
    ("float_many", lambda t: float(t.ones(2)), r"only one element tensors"),
    ("int_empty", lambda t: int(t.ones(0)), r"only one element tensors"),
    ("math_sqrt_many", lambda t: math.sqrt(t.ones(2)), r"only one element tensors"),
    ("cat_nothing", lambda t: t.cat([]), r"expected a non-empty list of Tensors"),
    ("permute_repeated", lambda t: t.ones(2, 3).permute(0, 0), r"duplicate dims"),
    ("permute_repeated_negative", lambda t: t.ones(2, 3).permute(1, -1), r"duplicate dims"),
    ("flip_repeated", lambda t: t.ones(2, 3).flip((0, 0)), r"dim 0 appears multiple times"),
    ("squeeze_repeated", lambda t: t.ones(2, 1).squeeze((1, -1)), r"dim 1 appears multiple"),
    ("zeros_negative", lambda t: t.zeros(-1), r"zeros: Dimension size must be non-negative"),
    ("ones_negative", lambda t: t.ones(2, -3), r"negative dimension -3: \[2, -3\]"),
    ("empty_negative", lambda t: t.empty(-1), r"negative dimension -1"),
    ("full_negative", lambda t: t.full((-1,), 1.0), r"negative dimension -1"),
    ("rand_negative", lambda t: t.rand(-1), r"negative dimension -1"),
    ("randn_negative", lambda t: t.randn(3, -1), r"negative dimension -1: \[3, -1\]"),
    ("tensor_of_strings", lambda t: t.tensor(["a"]), r"too many dimensions 'str'"),
    ("tensor_of_nested_strings", lambda t: t.tensor([["a", "b"]]), r"too many dimensions"),
    ("tensor_string_after_number", lambda t: t.tensor([1, "a"]), r"invalid data type 'str'"),
    ("tensor_of_string", lambda t: t.tensor("a"), r"invalid data type 'str'"),
    ("tensor_of_object", lambda t: t.tensor([object()]), r"Could not infer dtype of object"),
    ("cumsum_0d_dim", lambda t: t.cumsum(t.tensor(1.0), 1), r"\[-1, 0\], but got 1"),
    ("cumprod_0d_dim", lambda t: t.cumprod(t.tensor(1.0), 1), r"\[-1, 0\], but got 1"),
    ("logcumsumexp_0d_dim", lambda t: t.logcumsumexp(t.tensor(1.0), 1), r"but got 1"),
    ("logcumsumexp_int", lambda t: t.logcumsumexp(t.tensor([1, 2]), 0),
     r'"logcumsumexp_out_cpu" not implemented'),
    ("squeeze_0d_dim", lambda t: t.tensor(1.0).squeeze(10), r"\[-1, 0\], but got 10"),
    ("roll_shifts_dims", lambda t: t.roll(t.ones(3), (1, 2), (0,)),
     r"shifts and dimensions must align. shifts: 2, dims:1"),
    ("roll_shifts_no_dims", lambda t: t.roll(t.ones(3, 2), (1, 2)), r"shifts: 2, dims:0"),
    ("roll_no_shifts", lambda t: t.roll(t.ones(3), ()), r"`shifts` required"),
    ("div_rounding_mode", lambda t: t.div(t.ones(2), 2, rounding_mode="typo"),
     r"rounding_mode to be one of None, 'trunc', or 'floor' but found 'typo'"),
    ("method_div_rounding_mode", lambda t: t.ones(2).div(t.ones(2), rounding_mode="x"),
     r"but found 'x'"),
]
CASES += WORDED_CASES


def _errors(expr):
    """The exceptions PyTorch and chainrule raise for the same call: (ours, theirs)."""
    torch = torch_or_skip()
    with pytest.raises(Exception) as theirs:
        expr(torch)
    with pytest.raises(Exception) as ours:
        expr(cr)
    return ours.value, theirs.value


@pytest.mark.parametrize("name, expr, message", CASES, ids=[c[0] for c in CASES])
def test_same_exception_type_as_pytorch(name, expr, message):
    ours, theirs = _errors(expr)
    assert isinstance(ours, type(theirs)), (ours, theirs)
    if message:
        import re
        assert re.search(message, str(ours)), str(ours)


@pytest.mark.parametrize("name, expr, message", WORDED_CASES, ids=[c[0] for c in WORDED_CASES])
def test_message_begins_with_pytorchs(name, expr, message):
    ours, theirs = _errors(expr)
    assert str(ours).startswith(str(theirs)), (str(ours), str(theirs))


def test_second_backward_message_says_how_to_fix():
    x = cr.ones(2, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="pass retain_graph=True to the first backward"):
        y.backward()


def test_in_place_leaf_message_says_how_to_fix():
    w = cr.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"wrap the update in chainrule.no_grad\(\)"):
        w.add_(1)


def test_implicit_backward_message_says_how_to_fix():
    with pytest.raises(RuntimeError, match=r"use|\.sum\(\)"):
        (cr.ones(3, requires_grad=True) * 2).backward()


def test_broadcast_message_names_both_shapes():
    with pytest.raises(RuntimeError, match=r"\[2, 3\] and \[4\]"):
        cr.ones(2, 3) + cr.ones(4)


@pytest.mark.parametrize("where", ["softmax", "log_softmax", "F.softmax", "F.log_softmax"])
@pytest.mark.parametrize("dtype", ["int64", "int32", "bool"])
@pytest.mark.parametrize("dim", [0, 1])
def test_softmax_of_integers_is_not_implemented_as_in_pytorch(where, dtype, dim):
    torch_ = pytest.importorskip("torch")

    def call(t):
        fn = getattr(t.nn.functional, where[2:]) if where.startswith("F.") else getattr(t, where)
        return fn(t.ones(2, 2, dtype=getattr(t, dtype)), dim)
    with pytest.raises(NotImplementedError) as expected:
        call(torch_)
    with pytest.raises(NotImplementedError) as got:
        call(cr)
    assert str(got.value).startswith(str(expected.value))
    assert "Fix:" in str(got.value)
