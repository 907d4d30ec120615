"""Selecting between a float array and zero without a branch per element.

``numpy.where(drop, 0, values)`` tests its condition with a branch for every
element; on a mask with no pattern, such as the one relu's backward pass reads
(about half of the activations are positive, at random), the processor mispredicts
that branch half of the time and the selection costs several times a plain
arithmetic pass over the same array. Clearing a float's bits with an all-zeros
mask, or keeping them with an all-ones mask, gives the same result with no branch.
"""
from __future__ import annotations

from . import xp

# Below this many elements mispredictions cost less than the four extra NumPy calls of the
# bit mask: numpy.where is the faster of the two there (both give the same bits).
_SMALL = 2048

# 0 as a 0-d array of each float dtype: numpy.where with the Python number 0 takes a slower
# path for Python operands; the 0-d array of the values' dtype selects the same +0 faster.
_ZEROS = {xp.dtype(t): xp.zeros((), dtype=t) for t in (xp.float16, xp.float32, xp.float64)}

# A float array's bits, viewed as the signed integers of the same width.
_BITS = {xp.dtype(xp.float16): xp.dtype(xp.int16),
         xp.dtype(xp.float32): xp.dtype(xp.int32),
         xp.dtype(xp.float64): xp.dtype(xp.int64)}


def zero_where(drop, values):
    """``numpy.where(drop, 0, values)``, bit for bit: +0 where ``drop``, else ``values``.

    NaN, infinities and -0.0 in ``values`` are kept where ``drop`` is False and
    replaced by +0.0 where it is True, exactly as ``numpy.where`` does.

    >>> zero_where(np.array([True, False, True, False]), np.array([np.nan, np.inf, -2.0, -0.0]))
    array([ 0., inf,  0., -0.])
    """
    bits = _BITS.get(values.dtype) if type(values) is xp.ndarray else None
    if bits is None or values.size < _SMALL or type(drop) is not xp.ndarray \
            or drop.shape != values.shape:
        # small arrays, broadcasting, other dtypes, scalars
        return xp.where(drop, 0 if bits is None else _ZEROS[values.dtype], values)
    # True (1) - 1 = 0 clears every bit; False (0) - 1 = 255, read as the byte -1, widens to
    # all bits set. Subtracting in bytes and widening once is cheaper than subtracting in
    # the wide type, and building the mask in the result's memory saves an array.
    result = xp.empty_like(values)  # an array of its own, as where's result (not a view)
    mask = result.view(bits)
    xp.copyto(mask, xp.subtract(drop.view(xp.uint8), 1).view(xp.int8))
    xp.bitwise_and(values.view(bits), mask, out=mask)
    return result
