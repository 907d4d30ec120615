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


def binary_function(op: Op, name: str, meaning: str, first: str, second: str):
    """``torch.special.<name>(input, other)``: either may be a Python number."""
    def function(input, other, *, out=None) -> Tensor:
        if not isinstance(input, Tensor) and not isinstance(other, Tensor):
            raise TypeError(f"special_{name}() received an invalid combination of arguments: "
                            "one of input and other must be a Tensor")
        input = as_tensor_like(input, other if isinstance(other, Tensor) else None)
        return op(input, as_tensor_like(other, input))
    function.__name__ = function.__qualname__ = name
    function.__doc__ = (f"Elementwise {meaning}.\n\n"
                        f"    >>> import chainrule as torch\n"
                        f"    >>> torch.special.{name}(torch.tensor([{first}]), {second}).shape\n"
                        f"    torch.Size([1])\n")
    return function


def polynomial(op: Op, name: str, meaning: str):
    """``torch.special.<name>(input, n)``: the degree ``n`` a number or a tensor (truncated to
    an integer, as PyTorch does); PyTorch records no gradient for these."""
    def function(input, n, *, out=None) -> Tensor:
        if not isinstance(input, Tensor) and not isinstance(n, Tensor):
            raise TypeError(f"special_{name}() received an invalid combination of arguments: "
                            "one of input and n must be a Tensor")
        input = as_tensor_like(input, n if isinstance(n, Tensor) else None)
        return op(input, as_tensor_like(n, input))
    function.__name__ = function.__qualname__ = name
    function.__doc__ = (f"The {meaning} of degree ``n`` at ``input``.\n\n"
                        f"    >>> import chainrule as torch\n"
                        f"    >>> torch.special.{name}(torch.tensor([0.5]), 2).shape\n"
                        f"    torch.Size([1])\n")
    return function
