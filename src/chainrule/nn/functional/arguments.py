"""Argument handling that several ``nn.functional`` families share, with PyTorch's errors."""
from __future__ import annotations

from ..._backend import xp
from ...functions.arguments import require_tensor
from ...tensor import Tensor


def with_batch(input: Tensor, dims: int, name: str) -> tuple:
    """``input`` with its batch dimension (added where it was left out) and whether it was
    added; PyTorch's error for any other number of dimensions.

    >>> import chainrule as torch
    >>> x, added = with_batch(torch.zeros(3, 4, 4), 4, "conv2d")
    >>> x.shape, added
    (torch.Size([1, 3, 4, 4]), True)
    """
    require_tensor(input, name, "input", 1)
    unbatched = input.ndim == dims - 1
    if unbatched:
        input = input.unsqueeze(0)
    if input.ndim != dims:
        raise RuntimeError(f"Expected {dims - 1}D (unbatched) or {dims}D (batched) input to "
                           f"{name}, but got input of size: {list(input.shape)}")
    return input, unbatched


def pair(v, n: int = 2) -> tuple:
    """A size argument as a tuple of ``n``: one number is repeated, a sequence kept.

    >>> pair(3), pair((1, 2)), pair(5, 1)
    ((3, 3), (1, 2), (5,))
    """
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


def floating_only(kernel: str, input: Tensor, allow_uint8: bool = False) -> None:
    """PyTorch's error where its kernel takes floating inputs only (some also uint8).

    >>> import chainrule as torch
    >>> floating_only("upsample_nearest", torch.zeros(1, dtype=torch.uint8), allow_uint8=True)
    """
    kind = input._data.dtype
    if kind.kind != "f" and not (allow_uint8 and kind == xp.uint8):
        name = input.dtype.scalar_name
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{name}'; convert the "
                                  "input with .float() first")
