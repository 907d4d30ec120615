"""``computed_in_float64``: the wrapper every kernel of this package wears."""
from __future__ import annotations

import functools

from .._backend import ndarray, xp


def computed_in_float64(kernel):
    """Run ``kernel`` on its array arguments converted to float64, without NumPy's
    floating-point warnings (PyTorch returns inf and nan silently), and give the result
    back in the dtype of the first array argument.  Other arguments (orders, flags) pass
    through unchanged.

    >>> computed_in_float64(np.log)(np.array([0.0, 1.0], dtype=np.float32))
    array([-inf,   0.], dtype=float32)
    """
    @functools.wraps(kernel)
    def wrapper(*args):
        # NumPy scalars count as arrays: the rules on arrays pass 0-d values as scalars.
        dtype = next(a.dtype for a in args if isinstance(a, (ndarray, xp.generic)))
        with xp.errstate(all="ignore"):
            out = kernel(*[xp.asarray(a, dtype=xp.float64)
                           if isinstance(a, (ndarray, xp.generic)) else a
                           for a in args])
            return xp.asarray(out).astype(dtype, copy=False)
    return wrapper
