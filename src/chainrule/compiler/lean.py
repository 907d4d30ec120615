"""Leaner spellings of a few op forwards, for replays: the same NumPy arithmetic, less Python.

An op's forward may reach NumPy through Python-level wrappers that cost far more
than the arithmetic on a small array (``numpy.mean`` is a few lines of Python
around ``add.reduce`` and a division).  A replay may call, instead, a function
that makes exactly the NumPy calls those wrappers end in, with the same
arguments in the same order, so every bit of the result is the same.  Each entry
says when it applies (dtype, size); elsewhere the forward itself is replayed.
``tests/test_compile.py`` compares every entry with the forward it replaces.
"""
from __future__ import annotations

from .._backend import ndarray, xp
from ..ops import reduction as reduction_ops

_add_reduce = xp.add.reduce
_intp = xp.intp


def mean_all(x):
    """``numpy.mean(x)`` of a non-empty float32 or float64 array, as ``numpy._core._methods
    ._mean`` computes it: ``add.reduce``, then the sum divided by the count (an ``intp``),
    in the sum's type.

    >>> import numpy as np
    >>> x = np.array([0.1, 0.2, 0.7], dtype=np.float32)
    >>> mean_all(x) == np.mean(x), type(mean_all(x))
    (np.True_, <class 'numpy.float32'>)
    """
    total = _add_reduce(x, axis=None)
    return total.dtype.type(total / _intp(x.size))


def _floating(x) -> bool:
    return type(x) is ndarray and x.size > 0 and x.dtype.char in "fd"


# op -> (when it applies to the forward's arguments, the leaner forward)
LEAN = {
    reduction_ops.mean_all: (lambda x: _floating(x), mean_all),
}


def lean_forward(op, data):
    """The leaner forward for ``op`` called on ``data``, or None where there is none."""
    entry = LEAN.get(op)
    if entry is not None and entry[0](*data):
        return entry[1]
    return None
