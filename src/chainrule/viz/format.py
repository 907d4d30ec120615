"""Numbers as the pictures and tables show them: PyTorch's printing, on one line.

A small tensor is written exactly as ``print`` writes it (chainrule prints as
PyTorch does) without the ``tensor(...)`` around it, so a trace reads
``2.`` or ``[ 0.,  4.,  8., 12.]``; a large one is summarised by its shape,
dtype and range, which is what fits in a box of a graph.
"""
from __future__ import annotations

import re

import numpy as np

# Up to this many elements a value is written out in full; beyond it, summarised.
FULL_SIZE = 16


def as_array(value) -> np.ndarray | None:
    """A NumPy array for a tensor, an array or a NumPy scalar (None stays None)."""
    if value is None:
        return None
    data = getattr(value, "_data", None)  # a chainrule tensor
    if data is None and hasattr(value, "detach") and hasattr(value, "numpy"):
        data = value.detach().numpy()  # a tensor of another library (PyTorch in tests)
    return np.asarray(value if data is None else data)


def show(value, full_size: int = FULL_SIZE) -> str:
    """``value`` (a tensor, array, number or shape) written on one line.

    >>> show(np.float32(2.0)), show(np.arange(4.0, dtype=np.float32) * 4), show(3), show((3, 4))
    ('2.', '[ 0.,  4.,  8., 12.]', '3', '[3, 4]')
    >>> show(np.zeros((20, 30), dtype=np.float32))
    '[20, 30] float32, all 0.'
    """
    if value is None:
        return "None"
    if type(value) in (bool, int, float):  # Python's own (np.float64 is a float too)
        return repr(value)
    if isinstance(value, (tuple, list)) and all(isinstance(n, int) for n in value):
        return "[" + ", ".join(str(n) for n in value) + "]"
    array = as_array(value)
    if array.size > full_size:
        return _summary(array)
    return _printed(array)


def show_lines(value, full_size: int = FULL_SIZE) -> list[str]:
    """``show``, with the rows of a small matrix on lines of their own (as ``print`` has them).

    >>> show_lines(np.eye(2, dtype=np.float32))
    ['[[1., 0.],', ' [0., 1.]]']
    """
    array = None if value is None or type(value) in (bool, int, float, tuple, list) \
        else as_array(value)
    if array is None or array.ndim < 2 or array.size > full_size:
        return [show(value, full_size)]
    import chainrule
    text = repr(chainrule.from_numpy(np.array(array, copy=True)))
    body = text[len("tensor("):-1]
    cut = body.find(", dtype=")
    if cut >= 0:
        body = body[:cut]
    return [line[len("tensor("):] if i else line for i, line in enumerate(body.split("\n"))]


def _printed(array: np.ndarray) -> str:
    import chainrule
    text = repr(chainrule.from_numpy(np.array(array, copy=True)))
    body = text[len("tensor("):-1]
    cut = body.find(", dtype=")
    if cut >= 0:
        body = body[:cut]
    return re.sub(r"\n\s*", " ", body)  # rows of a matrix side by side


def _summary(array: np.ndarray) -> str:
    shape = "[" + ", ".join(str(n) for n in array.shape) + "]"
    head = f"{shape} {array.dtype.name}"
    if array.dtype.kind not in "fiub" or array.size == 0:
        return head
    low, high = array.min(), array.max()
    if low == high:
        return f"{head}, all {_printed(np.asarray(low))}"
    return f"{head}, {_printed(np.asarray(low))} to {_printed(np.asarray(high))}"


def dtype_name(array) -> str:
    """``float32`` for a float32 array or tensor."""
    return np.dtype(as_array(array).dtype).name


def shape_text(shape) -> str:
    """``[3, 4]`` for a shape; ``[]`` for a scalar's.

    >>> shape_text((3, 4)), shape_text(())
    ('[3, 4]', '[]')
    """
    return "[" + ", ".join(str(n) for n in shape) + "]"
