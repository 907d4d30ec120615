"""Leaner spellings of a few op forwards, for replays: the same NumPy arithmetic, less Python.

An op's forward, or a backward rule's array form, may reach NumPy through
Python-level wrappers that cost far more than the arithmetic on a small array
(``numpy.mean`` is a few lines of Python around ``add.reduce`` and a division).
A replay may call, instead, a function that makes the NumPy calls those wrappers
end in, with the same arguments in the same order, or an operation IEEE
arithmetic defines to the same bit (a float64 division done by Python's float
instead of a NumPy scalar), so every bit of the result is the same.  Each entry
says when it applies (dtype, size); elsewhere the forward itself is replayed.
``tests/test_compile.py`` compares every entry with what it replaces.

``FUSED`` lists the ops whose forward is one ufunc on two operands (``self - other``):
where eager mode computes such a result and then copies it into a tensor that was
one of the operands (``w -= lr * w.grad``), a replay writes the ufunc's result there
directly (``numpy.subtract(w, step, out=w)``): the same values, one array and one
copy fewer.
"""
from __future__ import annotations

import math

from .._backend import ndarray, xp
from ..ops import linalg as linalg_ops
from ..ops import pointwise as pointwise_ops
from ..ops import reduction as reduction_ops

_add_reduce = xp.add.reduce
_empty = xp.empty


def mean_all(x):
    """``numpy.mean(x)`` of a non-empty float32 or float64 array, as ``numpy._core._methods
    ._mean`` computes it: ``add.reduce``, then the sum divided by the count in float64 (NumPy
    divides the sum by an ``intp``, which promotes to float64; Python's float division is
    the same IEEE division), in the sum's type.

    >>> x = np.array([0.1, 0.2, 0.7], dtype=np.float32)
    >>> mean_all(x) == np.mean(x), type(mean_all(x))
    (np.True_, <class 'numpy.float32'>)
    """
    total = _add_reduce(x, axis=None)
    return total.dtype.type(float(total) / x.size)


def mean_all_backward(grad, self_shape):
    """The array form of mean's rule, ``spread(grad / _count(self_shape, None), self_shape)``:
    ``grad`` divided by the number of elements (at least 1, a Python int), spread over the
    shape; the same two NumPy calls without the rule's Python layers.

    >>> mean_all_backward(np.float32(1.0), (2, 2))
    array([[0.25, 0.25],
           [0.25, 0.25]], dtype=float32)
    """
    out = _empty(self_shape, dtype=grad.dtype)
    out.fill(grad / max(math.prod(self_shape), 1))
    return out


def mv_vec_backward(grad, self):
    """The array form of ``mv``'s rule for the vector, ``mv(t(self), grad)``: the forwards
    of ``t`` and ``mv`` (``self.T``, ``matmul``), called directly.

    >>> mv_vec_backward(np.ones(2), np.arange(6.0).reshape(2, 3))
    array([3., 5., 7.])
    """
    return _matmul(self.T, grad)


_matmul = xp.matmul


def _floating(x) -> bool:
    return type(x) is ndarray and x.size > 0 and x.dtype.char in "fd"


# op -> (when it applies to the forward's arguments, the leaner forward)
LEAN = {
    reduction_ops.mean_all: (lambda x: _floating(x), mean_all),
    # (``_quiet(_power, ...)``: a replay has NumPy's warnings off already)
    pointwise_ops.pow_scalar: (lambda x, exponent: type(x) is ndarray, xp.power),
    linalg_ops.mv: (lambda x, vec: True, xp.matmul),
}
# a backward rule -> its leaner array form (same arguments: grad, then what the rule reads)
LEAN_RULES = {
    reduction_ops.mean_all.rules[0]: mean_all_backward,
    pointwise_ops.pow_scalar.rules[0]: pointwise_ops._pow_backward,  # (without _quiet)
    linalg_ops.mv.rules[1]: mv_vec_backward,
}
# an op whose forward is ``self OP other`` -> the ufunc it calls for an array ``self``
FUSED = {pointwise_ops.add: xp.add, pointwise_ops.sub: xp.subtract,
         pointwise_ops.mul: xp.multiply}


def lean_forward(op, data):
    """The leaner forward for ``op`` called on ``data``, or None where there is none."""
    entry = LEAN.get(op)
    if entry is not None and entry[0](*data):
        return entry[1]
    return None
