"""``torch.func.rearrange``: einops' ``rearrange`` (transpose, reshape, split and merge axes,
stack a list) written as one pattern, ``"b h (w c) -> b c h w"``.

The pattern names each input axis (a parenthesised group is one input axis that is
the product of its names; ``...`` stands for the axes not named; ``1`` and ``()``
for an axis of size 1).  The tensor is reshaped into the named elementary axes,
permuted into the order of the right side, and reshaped into its groups: a view
or a copy as ``reshape`` decides, differentiable like them.
"""
from __future__ import annotations

import math
import re

from ..functions.joining import stack
from ..functions.shape import permute, reshape
from ..tensor import Tensor

__all__ = ["rearrange", "DimensionBindError"]

_ELLIPSIS = "..."
_TOKEN = re.compile(r"\s*(\.\.\.|[A-Za-z_][A-Za-z0-9_]*|\d+|\(|\)|\S)")


class DimensionBindError(Exception):
    """The sizes in a pattern do not fit the tensor (functorch's error class)."""


def _parse(side: str, left: bool, pattern: str) -> list:
    """The axes of one side: a list of groups of names (``...``; ``1`` for an anonymous axis
    of size 1): a tuple for a parenthesised group, a list of one for a bare name."""
    groups, current = [], None
    for token in _TOKEN.findall(side):
        if token == "(":
            if current is not None:
                raise ValueError(f"Imbalanced parentheses in expression: '{side}'")
            current = []
        elif token == ")":
            if current is None:
                raise ValueError(f"Imbalanced parentheses in expression: '{side}'")
            groups.append(tuple(current))  # a tuple: a parenthesised group
            current = None
        elif token == _ELLIPSIS or re.fullmatch(r"[A-Za-z_]\w*|1", token):
            if token == _ELLIPSIS and left and current is not None:
                raise ValueError(f"Ellipsis is parenthesis in the left side is not allowed: "
                                 f"{pattern}")
            (current if current is not None else groups).append(
                token if current is not None else [token])
        elif token == "." or token.isdigit():
            raise ValueError("Expression may contain dots only inside ellipsis (...); only one "
                             "ellipsis for tensor " if token == "." else
                             f"Non-unitary anonymous axes are not supported in rearrange "
                             f"(exception is length 1): {token}")
        else:
            raise ValueError(f"Unknown character '{token}'")
    if current is not None:
        raise ValueError(f"Imbalanced parentheses in expression: '{side}'")
    names = [n for g in groups for n in g if n != "1"]
    if names.count(_ELLIPSIS) > 1:
        raise ValueError("Expression may contain dots only inside ellipsis (...); only one "
                         "ellipsis for tensor ")
    for n in names:
        if n != _ELLIPSIS and names.count(n) > 1:
            raise ValueError(f"Indexing expression contains duplicate dimension '{n}'")
    return groups


def _bind(groups: list, shape: tuple, lengths: dict) -> tuple:
    """The sizes of the left side's elementary axes, and the names the ellipsis stands for."""
    has_ellipsis = [_ELLIPSIS] in groups
    if not has_ellipsis and len(groups) != len(shape):
        raise ValueError(f"Number of dimensions in pattern ({len(groups)}) must be equal to the "
                         f"number of dimensions in the tensor ({len(shape)})")
    spread = len(shape) - (len(groups) - 1) if has_ellipsis else 0
    if spread < 0:
        raise ValueError(f"Number of dimensions in pattern ({len(groups) - 1}) must be at most "
                         f"the number of dimensions in the tensor ({len(shape)})")
    ellipsis_names = [f"...{i}" for i in range(spread)]
    sizes: dict = {}
    dims = iter(shape)
    for group in groups:
        if group == [_ELLIPSIS]:
            for name in ellipsis_names:
                sizes[name] = next(dims)
            continue
        size = next(dims)
        known = {n: 1 if n == "1" else lengths[n] for n in group if n == "1" or n in lengths}
        unknown = [n for n in group if n not in known]
        product = math.prod(known.values())
        if len(unknown) > 1:
            raise DimensionBindError(f"cannot infer the sizes of two dimensions at once "
                                     f"{unknown[0]} and {unknown[1]}")
        if unknown:
            if product == 0 or size % product:
                raise DimensionBindError("inferred dimension does not evenly fit into larger "
                                         f"dimension: {size} vs ('?', {product})")
            known[unknown[0]] = size // product
        elif product != size:
            raise DimensionBindError(f"Dimension sizes to do not match ({size} != {product}) "
                                     f"when matching dimension pack ({', '.join(group)},)")
        sizes.update({n: known[n] for n in group if n != "1"})
    return sizes, ellipsis_names


def _expand(groups: list, ellipsis_names: list) -> list:
    """The groups with the ellipsis replaced by its names: one group each where it stands
    alone, one group together where it is in parentheses."""
    out = []
    for g in groups:
        if g == [_ELLIPSIS]:
            out.extend([n] for n in ellipsis_names)
        else:
            out.append([m for n in g for m in (ellipsis_names if n == _ELLIPSIS else [n])])
    return out


def rearrange(tensor, pattern: str, **axes_lengths) -> Tensor:
    """Reorder, split, merge, add or stack axes as ``pattern`` says (einops' rearrange).

    >>> import chainrule as torch
    >>> x = torch.arange(24.).reshape(2, 3, 4)
    >>> torch.func.rearrange(x, "b h w -> b (h w)").shape
    torch.Size([2, 12])
    >>> torch.func.rearrange(x, "b h (w c) -> b c h w", c=2).shape
    torch.Size([2, 2, 3, 2])
    >>> torch.func.rearrange([x, x], "n b h w -> b h (n w)").shape
    torch.Size([2, 3, 8])
    """
    if isinstance(tensor, (list, tuple)):
        tensor = stack(list(tensor))
    if pattern.count("->") != 1:
        raise ValueError("Pattern must contain a single '->' separator")
    left_text, right_text = pattern.split("->")
    left = _parse(left_text, True, pattern)
    right = _parse(right_text, False, pattern)
    left_names = {n for g in left for n in g if n != "1"}
    right_names = {n for g in right for n in g if n != "1"}
    if _ELLIPSIS in right_names - left_names:
        raise ValueError(f"Ellipsis found in right side, but not left side of a pattern "
                         f"{pattern}")
    if _ELLIPSIS in left_names - right_names:
        raise ValueError(f"Ellipsis found in left side, but not right side of a pattern "
                         f"{pattern}")
    if left_names != right_names:
        raise ValueError("Identifiers only on one side of rearrange expression (should be on "
                         f"both): {left_names ^ right_names}")
    if set(axes_lengths) - left_names:
        raise ValueError(f"Identifiers not found in rearrange expression: "
                         f"{set(axes_lengths) - left_names}")
    sizes, ellipsis_names = _bind(left, tuple(tensor.shape), axes_lengths)
    left_axes = [n for g in _expand(left, ellipsis_names) for n in g if n != "1"]
    right_groups = _expand(right, ellipsis_names)
    order = [left_axes.index(n) for g in right_groups for n in g if n != "1"]
    out = reshape(tensor, tuple(sizes[n] for n in left_axes))
    if order != sorted(order):
        out = permute(out, tuple(order))
    return reshape(out, tuple(math.prod(sizes[n] for n in g if n != "1") for g in right_groups))
