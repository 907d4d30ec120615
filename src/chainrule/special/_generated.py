"""The public functions of ``torch.special`` made from their rows: one maker per calling
convention (one tensor; two tensors or numbers; a polynomial's ``x`` and degree ``n``)."""
from __future__ import annotations

import inspect

from ..engine.op import Op
from ..functions.arguments import as_tensor_like
from ..functions.out import out_variant
from ..tensor import Tensor


def _check_tensor(value, name: str, argument: str, position: int) -> Tensor:
    if not isinstance(value, Tensor):
        raise TypeError(f"special_{name}(): argument '{argument}' (position {position}) must be "
                        f"Tensor, not {type(value).__name__}. Fix: pass torch.tensor(...).")
    return value


def _with_out(op: Op, name: str, function):
    """PyTorch's ``out=``.  A function PyTorch does not differentiate (a row without rules:
    the Bessel functions, the polynomials) takes ``out=`` also for inputs that require grad,
    as there: its inputs are detached on that path."""
    with_out = out_variant(name=f"special_{name}")(function)
    if op.diff_positions:
        return with_out

    def without_grad(*args, out=None):
        if out is None:
            return function(*args)
        return with_out(*[a.detach() if isinstance(a, Tensor) else a for a in args], out=out)
    without_grad.__name__ = without_grad.__qualname__ = name
    without_grad.__doc__ = function.__doc__
    without_grad.__signature__ = inspect.signature(function)
    return without_grad


def unary_function(op: Op, name: str, meaning: str, example: str):
    """``torch.special.<name>(input)``: integer inputs give the default float dtype."""
    def function(input: Tensor) -> Tensor:
        return op(_check_tensor(input, name, "input", 1))
    function.__name__ = function.__qualname__ = name
    function.__doc__ = (f"Elementwise {meaning}.\n\n"
                        f"    >>> import chainrule as torch\n"
                        f"    >>> torch.special.{name}(torch.tensor([{example}])).shape\n"
                        f"    torch.Size([1])\n")
    return _with_out(op, name, function)


def _two_arguments(op: Op, name: str, second: str, doc: str):
    """A function of a tensor and a number or tensor, in either order; the second argument
    is called ``second`` (PyTorch's keyword: ``other`` or ``n``)."""
    def call(input, other):
        if not isinstance(input, Tensor) and not isinstance(other, Tensor):
            raise TypeError(f"special_{name}() received an invalid combination of arguments: "
                            f"one of input and {second} must be a Tensor")
        input = as_tensor_like(input, other if isinstance(other, Tensor) else None)
        return op(input, as_tensor_like(other, input))

    if second == "n":
        def function(input, n) -> Tensor:
            return call(input, n)
    else:
        def function(input, other) -> Tensor:
            return call(input, other)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return _with_out(op, name, function)


def binary_function(op: Op, name: str, meaning: str, first: str, second: str):
    """``torch.special.<name>(input, other)``: either may be a Python number."""
    return _two_arguments(op, name, "other", (
        f"Elementwise {meaning}.\n\n"
        f"    >>> import chainrule as torch\n"
        f"    >>> torch.special.{name}(torch.tensor([{first}]), {second}).shape\n"
        f"    torch.Size([1])\n"))


def polynomial(op: Op, name: str, meaning: str):
    """``torch.special.<name>(input, n)``: the degree ``n`` a number or a tensor (truncated to
    an integer, as PyTorch does); PyTorch records no gradient for these."""
    return _two_arguments(op, name, "n", (
        f"The {meaning} of degree ``n`` at ``input``.\n\n"
        f"    >>> import chainrule as torch\n"
        f"    >>> torch.special.{name}(torch.tensor([0.5]), 2).shape\n"
        f"    torch.Size([1])\n"))
