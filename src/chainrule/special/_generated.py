"""The public functions of ``torch.special`` made from their rows: one maker per calling
convention (one tensor; two tensors or numbers; a polynomial's ``x`` and degree ``n``)."""
from __future__ import annotations

from ..engine.op import Op
from ..functions.arguments import as_tensor_like
from ..tensor import Tensor


def _check_tensor(value, name: str, argument: str, position: int) -> Tensor:
    if not isinstance(value, Tensor):
        raise TypeError(f"special_{name}(): argument '{argument}' (position {position}) must be "
                        f"Tensor, not {type(value).__name__}. Fix: pass torch.tensor(...).")
    return value


def unary_function(op: Op, name: str, meaning: str, example: str):
    """``torch.special.<name>(input)``: integer inputs give the default float dtype."""
    def function(input: Tensor, *, out=None) -> Tensor:
        return op(_check_tensor(input, name, "input", 1))
    function.__name__ = function.__qualname__ = name
    function.__doc__ = (f"Elementwise {meaning}.\n\n"
                        f"    >>> import chainrule as torch\n"
                        f"    >>> torch.special.{name}(torch.tensor([{example}])).shape\n"
                        f"    torch.Size([1])\n")
    return function


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
        def function(input, n, *, out=None) -> Tensor:
            return call(input, n)
    else:
        def function(input, other, *, out=None) -> Tensor:
            return call(input, other)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return function


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
