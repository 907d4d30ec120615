"""PyTorch's TypeError for an argument that must be a tensor but is not (a NumPy array, a list).

Without it, an ndarray handed to ``torch.mm`` or to a layer fails later, inside, with an
error about some attribute; PyTorch names the argument, and we add how to convert it.

>>> import numpy as np, chainrule as torch
>>> torch.mm(np.ones((2, 2)), torch.ones(2, 2))  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
TypeError: mm(): argument 'input' (position 1) must be Tensor, not numpy.ndarray. Fix: ...
"""
from __future__ import annotations

from ._backend import ndarray

_NOT_TENSORS = (ndarray, list, tuple, int, float, bool, complex, str)


def _kind(value) -> str:
    return "numpy.ndarray" if isinstance(value, ndarray) else type(value).__name__


def _fix(value) -> str:
    if isinstance(value, ndarray):
        return (". Fix: convert it with torch.as_tensor(x) (which shares the array's memory "
                "where it can), or torch.tensor(x) for a copy")
    return ". Fix: convert it with torch.tensor(x)"


def require_tensor(value, function: str, name: str, position: int) -> None:
    """Raise PyTorch's TypeError if ``value`` is data that is not a tensor."""
    if isinstance(value, _NOT_TENSORS):
        raise TypeError(f"{function}(): argument '{name}' (position {position}) must be Tensor, "
                        f"not {_kind(value)}{_fix(value)}")


def element_error(index: int, value) -> TypeError:
    """PyTorch's TypeError for element ``index`` of a list of tensors (``torch.cat``'s)."""
    return TypeError(f"expected Tensor as element {index} in argument 0, but got "
                     f"{_kind(value)}{_fix(value)}")
