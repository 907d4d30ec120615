"""``torch.func.rearrange``: einops-style reordering of a tensor's dimensions by a pattern
such as ``"b (h w) c -> b c h w"``.

A pattern names the input's dimensions on the left and the output's on the right.
Parentheses compose several axes into one dimension (split on the left, merged on the
right), ``...`` stands for the dimensions the pattern does not name, and ``1`` or ``()``
is a dimension of size 1 (dropped on the left, inserted on the right).  The work is one
``reshape`` into elementary axes, one ``permute`` and one ``reshape`` into the output's
dimensions, so gradients follow from those ops (PyTorch's first-class dimensions record
other nodes).
"""
from __future__ import annotations

import math

from ..functions.joining import stack
from ..tensor import Tensor

__all__ = ["rearrange"]

_ELLIPSIS = "…"  # one character for "...", as einops' parsers use


class DimensionBindError(Exception):
    """The sizes given or implied by a pattern do not fit the tensor (PyTorch raises
    ``functorch.dim.DimensionBindError`` with the same message, except that it names its
    internal dimensions ``d0, d1, ...`` where this one names the pattern's axes)."""


def _parse(expression: str) -> list:
    """``expression`` as a list of groups: a list of axis names for each dimension (one
    name, several in parentheses, none for ``()`` or ``1``), or the ellipsis."""
    if "." in expression:
        if "..." not in expression:
            raise ValueError("Expression may contain dots only inside ellipsis (...)")
        if expression.count("...") != 1 or expression.count(".") != 3:
            raise ValueError("Expression may contain dots only inside ellipsis (...); only one "
                             "ellipsis for tensor ")
        expression = expression.replace("...", _ELLIPSIS)
    groups: list = []
    seen: set = set()
    group = None
    for token in expression.replace("(", " ( ").replace(")", " ) ").split():
        if token == "(":
            if group is not None:
                raise ValueError("Axis composition is one-level (brackets inside brackets not "
                                 "allowed)")
            group = []
        elif token == ")":
            if group is None:
                raise ValueError("Brackets are not balanced")
            groups.append(group)
            group = None
        else:
            if token != _ELLIPSIS and not token.isdigit() and not token.isidentifier():
                bad = next((c for c in token if not (c.isalnum() or c == "_")), token)
                raise ValueError(f"Unknown character '{bad}'")
            if token.isdigit() and token != "1":
                raise ValueError("rearrange only supports unnamed axes of size 1")
            if token in seen and token != "1":
                raise ValueError(f"Indexing expression contains duplicate dimension '{token}'")
            seen.add(token)
            names = [] if token == "1" else [token]
            if group is not None:
                group.extend(names)
            else:
                groups.append(token if token == _ELLIPSIS else names)
    if group is not None:
        raise ValueError(f"Imbalanced parentheses in expression: '{expression}'")
    return groups


def _names(groups: list) -> set:
    return {name for group in groups for name in (group if isinstance(group, list) else [group])}


def _bind(groups: list, shape: tuple, axes_lengths: dict) -> tuple:
    """The elementary axes of the left side in order, and each one's length."""
    order, lengths = [], dict(axes_lengths)
    for group, size in zip(groups, shape):
        unknown = [name for name in group if name not in lengths]
        known = math.prod(lengths[name] for name in group if name in lengths)
        if len(unknown) > 1:
            raise DimensionBindError(f"cannot infer the sizes of two dimensions at once "
                                     f"{unknown[0]} and {unknown[1]}")
        if unknown:
            if known == 0 or size % known:
                raise DimensionBindError(f"inferred dimension does not evenly fit into larger "
                                         f"dimension: {size} vs {(known, '?')}")
            lengths[unknown[0]] = size // known
        elif known != size:
            raise DimensionBindError(f"Dimension sizes to do not match ({size} != {known}) "
                                     f"when matching dimension pack {tuple(group)}")
        order.extend(group)
    return order, lengths


def rearrange(tensor, pattern: str, **axes_lengths: int) -> Tensor:
    """``tensor`` (or a sequence of tensors, stacked first) with its dimensions reordered,
    split and merged as ``pattern`` says; ``axes_lengths`` give the sizes of axes that
    cannot be inferred.

    >>> from chainrule.func import rearrange
    >>> images = torch.zeros(32, 30, 40, 3)
    >>> rearrange(images, "b h w c -> b c h w").shape
    torch.Size([32, 3, 30, 40])
    >>> rearrange(images, "b (h h1) (w w1) c -> b h w (c h1 w1)", h1=2, w1=2).shape
    torch.Size([32, 15, 20, 12])
    >>> rearrange(torch.arange(6).reshape(2, 3), "a b -> b a 1")[:, :, 0]
    tensor([[0, 3],
            [1, 4],
            [2, 5]])
    """
    if not isinstance(tensor, Tensor):
        tensor = stack(tensor)
    try:
        left_text, right_text = pattern.split("->")
    except ValueError:
        raise ValueError("Pattern must contain a single '->' separator") from None
    if _ELLIPSIS in axes_lengths:
        raise ValueError(f"'{_ELLIPSIS}' is not an allowed axis identifier")
    left, right = _parse(left_text), _parse(right_text)
    left_names, right_names = _names(left), _names(right)
    if _ELLIPSIS in right_names and _ELLIPSIS not in left_names:
        raise ValueError(f"Ellipsis found in right side, but not left side of a pattern "
                         f"{pattern}")
    if any(isinstance(g, list) and _ELLIPSIS in g for g in left):
        raise ValueError(f"Ellipsis is parenthesis in the left side is not allowed: {pattern}")
    for length in axes_lengths.values():
        if not isinstance(length, int):
            raise TypeError(f"rearrange axis lengths must be integers, got: {type(length)}")
    if left_names != right_names:
        raise ValueError("Identifiers only on one side of rearrange expression (should be on "
                         f"both): {left_names ^ right_names}")
    unmatched = set(axes_lengths) - left_names
    if unmatched:
        raise ValueError(f"Identifiers not found in rearrange expression: {unmatched}")
    named = len(left) - (_ELLIPSIS in left_names)
    if _ELLIPSIS in left_names:
        if named > tensor.ndim:
            raise ValueError(f"Number of dimensions in pattern ({named}) must be less than or "
                             f"equal to the number of dimensions in the tensor ({tensor.ndim})")
    elif named != tensor.ndim:
        raise ValueError(f"Number of dimensions in pattern ({named}) must be equal to the "
                         f"number of dimensions in the tensor ({tensor.ndim})")
    # the ellipsis becomes one named axis per dimension it covers
    covered = [f"{_ELLIPSIS}{k}" for k in range(tensor.ndim - named)]

    def expand(groups: list) -> list:
        out = []
        for group in groups:
            if group == _ELLIPSIS:
                out.extend([name] for name in covered)
            else:
                out.append([n for name in group
                            for n in (covered if name == _ELLIPSIS else [name])])
        return out

    left, right = expand(left), expand(right)
    order, lengths = _bind(left, tuple(tensor.shape), axes_lengths)
    elementary = tensor.reshape([lengths[name] for name in order])
    wanted = [name for group in right for name in group]
    moved = elementary.permute([order.index(name) for name in wanted])
    return moved.reshape([math.prod(lengths[name] for name in group) for group in right])
