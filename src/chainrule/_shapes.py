"""Dimension arithmetic with PyTorch's errors: wrapping a dim, reading a shape argument,
checking that two shapes broadcast.

Shared by the Tensor, the rule tables and the public functions, so each message
is written once.
"""
from __future__ import annotations


def wrap_dim(dim: int, ndim: int) -> int:
    """``dim`` as a non-negative index into ``ndim`` dimensions (a 0-d tensor takes 0 and -1).

    >>> wrap_dim(-1, 3)
    2
    """
    rank = max(ndim, 1)
    if not -rank <= dim < rank:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], "
            f"but got {dim})")
    return dim % rank


def normalize_dims(dim, ndim: int) -> tuple | None:
    """``dim`` (None, an int or a sequence) as a sorted tuple of non-negative dims; None
    (or an empty sequence) means all dimensions.

    >>> normalize_dims((-1, 0), 3), normalize_dims(None, 3)
    ((0, 2), None)
    """
    if dim is None:
        return None
    if type(dim) is int and 0 <= dim < ndim:  # the commonest call, without the general path
        return (dim,)
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if not dims:
        return None
    return tuple(sorted(wrap_dim(d, ndim) for d in dims))


def size_argument(size) -> tuple:
    """A shape given as numbers or as one sequence (``zeros(2, 3)``, ``zeros((2, 3))``).

    >>> size_argument((2, 3)), size_argument(([2, 3],))
    ((2, 3), (2, 3))
    """
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return tuple(int(s) for s in size)


def new_size(size, fn: str = "") -> tuple:
    """``size_argument`` for a tensor about to be made: PyTorch's error for a negative size.

    >>> new_size((2, 3))
    (2, 3)
    """
    size = size_argument(size)
    for s in size:
        if s < 0:
            if fn == "zeros":  # PyTorch's zeros checks with words of its own
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return size


def broadcast_error(sa: tuple, sb: tuple) -> RuntimeError | None:
    """PyTorch's error for shapes ``sa`` and ``sb`` that do not broadcast, or None if they do.

    >>> broadcast_error((2, 3), (3,)) is None
    True
    >>> print(broadcast_error((2, 3), (2,)))  # doctest: +ELLIPSIS
    The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1...
    """
    for i in range(1, min(len(sa), len(sb)) + 1):
        x, y = sa[-i], sb[-i]
        if x != y and x != 1 and y != 1:
            return RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                f"non-singleton dimension {max(len(sa), len(sb)) - i}. (Shapes {list(sa)} and "
                f"{list(sb)} do not broadcast: each dimension, compared from the right, must be "
                "equal or 1.)")
    return None
