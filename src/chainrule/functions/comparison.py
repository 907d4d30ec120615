"""Comparisons and logic: ``==``, ``<``, ``isnan``, ``logical_and``, ``&``, ``allclose``, ...

Their results are bool tensors (or Python bools) that carry no gradient, so
they compute on the arrays directly and record nothing.
"""
from __future__ import annotations

from .. import _dtypes
from .._backend import ndarray, xp
from ..tensor import Tensor
from .arguments import as_tensor_like, check_broadcast, is_number, python_number
from .out import SAME, out_variant

__all__ = [
    "eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
    "not_equal", "result_type", "equal", "allclose", "isclose", "isnan", "isinf", "isfinite",
    "isposinf", "isneginf", "logical_not", "signbit", "logical_and", "logical_or", "logical_xor",
    "isin", "is_nonzero", "is_same_size",
]


def compare(fn, a: Tensor, b):
    if not isinstance(b, Tensor):
        if isinstance(b, (list, tuple, ndarray)) or is_number(b):
            b = as_tensor_like(b, a) if not is_number(b) else python_number(b)
        else:
            return NotImplemented if fn in (xp.equal, xp.not_equal) else _type_error(fn, b)
    else:
        check_broadcast(a, b)
    return Tensor._make(xp.asarray(fn(a._data, b._data if isinstance(b, Tensor) else b)))


def _type_error(fn, b):
    raise TypeError(f"'{fn.__name__}' not supported between a Tensor and "
                    f"'{type(b).__name__}'")


def named(fn, name: str, summary: str, example: str, result: str):
    """``fn`` as the public function ``torch.<name>``: its name, and a docstring of
    ``summary`` and a doctest of ``example`` printing ``result`` (the factories of
    this family and of ``pointwise`` make many functions from one body)."""
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"{summary}\n\n    >>> import chainrule as torch\n"
                  f"    >>> {example}\n    {result}\n")
    return fn


def _comparison(name):
    method = {"eq": "__eq__", "ne": "__ne__", "lt": "__lt__", "le": "__le__", "gt": "__gt__",
              "ge": "__ge__"}[name]

    def fn(input, other):
        return getattr(input, method)(other)
    return named(fn, name, f"Elementwise ``{name}`` comparison, a bool tensor (no gradient).",
                 f"torch.{name}(torch.ones(1), 1).dtype", "torch.bool")


eq, ne, lt, le, gt, ge = (out_variant()(_comparison(n))
                          for n in ("eq", "ne", "lt", "le", "gt", "ge"))


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def result_type(tensor1, tensor2):
    """The dtype an arithmetic operation on ``tensor1`` and ``tensor2`` (tensors or numbers)
    gives, by PyTorch's promotion rules.

    >>> torch.result_type(torch.tensor([1, 2]), 2.5)
    torch.float32
    """
    operands = [x if isinstance(x, Tensor) else python_number(x) for x in (tensor1, tensor2)]
    return _dtypes.result_type([x for x in operands if isinstance(x, Tensor)],
                               [x for x in operands if not isinstance(x, Tensor)])


def equal(input, other) -> bool:
    """True if both tensors have the same shape and elements.

    >>> torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2]))
    True
    >>> torch.equal(torch.tensor([1, 2]), torch.tensor([1, 3]))
    False
    """
    return input.shape == other.shape and bool((input._data == other._data).all())


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    """True if every element satisfies ``|input - other| <= atol + rtol * |other|``.

    >>> torch.allclose(torch.tensor([1., 2.]), torch.tensor([1., 2.000001]))
    True
    """
    return bool(xp.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> Tensor:
    """Elementwise ``|input - other| <= atol + rtol * |other|``, a bool tensor.

    >>> torch.isclose(torch.tensor([1., 2.]), torch.tensor([1., 2.1]))
    tensor([ True, False])
    """
    other = as_tensor_like(other, input)
    return Tensor._make(xp.isclose(input._data, other._data, rtol=rtol, atol=atol,
                                   equal_nan=equal_nan))


def _predicate(fn, name):
    def pred(input):
        return Tensor._make(xp.asarray(fn(input._data)))
    return named(pred, name, f"Elementwise ``{name}``, a bool tensor.",
                 f"torch.{name}(torch.zeros(1)).dtype", "torch.bool")


_BOOL_ONLY = "{fn} does not support non-boolean outputs."


isnan = _predicate(xp.isnan, "isnan")
isinf = _predicate(xp.isinf, "isinf")
isfinite = _predicate(xp.isfinite, "isfinite")
isposinf = out_variant(SAME, message=_BOOL_ONLY)(_predicate(xp.isposinf, "isposinf"))
isneginf = out_variant(SAME, message=_BOOL_ONLY)(_predicate(xp.isneginf, "isneginf"))
logical_not = out_variant()(_predicate(xp.logical_not, "logical_not"))
signbit = out_variant(SAME, message=_BOOL_ONLY)(_predicate(xp.signbit, "signbit"))


def _logical(fn, name):
    def op(input, other):
        other = as_tensor_like(other, input)
        return Tensor._make(xp.asarray(fn(input._data, other._data)))
    return named(op, name, f"Elementwise ``{name}``, a bool tensor.",
                 f"torch.{name}(torch.tensor([True, False]), torch.tensor([True, True])).dtype",
                 "torch.bool")


logical_and = out_variant()(_logical(xp.logical_and, "logical_and"))
logical_or = out_variant()(_logical(xp.logical_or, "logical_or"))
logical_xor = out_variant()(_logical(xp.logical_xor, "logical_xor"))


@out_variant(SAME)
def isin(elements, test_elements, *, assume_unique: bool = False, invert: bool = False):
    """Elementwise: is each of ``elements`` among ``test_elements``? A bool tensor.

    >>> torch.isin(torch.tensor([1, 2, 3]), torch.tensor([2, 5]))
    tensor([False,  True, False])
    """
    a = elements._data if isinstance(elements, Tensor) else xp.asarray(elements)
    b = test_elements._data if isinstance(test_elements, Tensor) else xp.asarray(test_elements)
    return Tensor._make(xp.asarray(xp.isin(a, b, invert=invert)))


def is_nonzero(input) -> bool:
    """Whether a one-element tensor is nonzero.

    >>> torch.is_nonzero(torch.tensor([0.5]))
    True
    """
    if input.numel() == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if input.numel() > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item())


def is_same_size(input, other) -> bool:
    """Whether two tensors have the same shape.

    >>> torch.is_same_size(torch.zeros(2), torch.ones(2))
    True
    """
    return tuple(input.shape) == tuple(other.shape)
