"""``chainrule.numpy``: NumPy's functions, differentiated by chainrule.

Write the program as NumPy code with ``import chainrule.numpy as np``; call it on
plain arrays and it is NumPy (the same values, nothing recorded); call it on
tensors that require grad (or through ``chainrule.numpy.autograd.grad``) and every
function records its chainrule operations, so ``backward()`` and the transforms of
``chainrule.func`` and ``chainrule.numpy.autograd`` give its exact derivatives.

>>> from chainrule.numpy.autograd import grad
>>> def loss(w):
...     return np.sum(np.tanh(w) ** 2)
>>> loss(np.array([0.5, -1.0]))          # NumPy on plain arrays
np.float64(0.7935779254200465)
>>> grad(loss)(np.array([0.5, -1.0]))    # the gradient, as an array
array([ 0.72686198, -0.63970001])

What the namespace holds (``__all__``): the differentiable ufuncs with their
``reduce``/``accumulate``/``outer`` methods, reductions, shape and joining functions,
``where``/``clip``/``take``/``take_along_axis``/``put_along_axis`` (out of place),
products (``dot``, ``matmul``, ``einsum``, ``tensordot``, ``outer``, ``kron``,
``trace``), ``linalg``; ``random`` is NumPy's.  Any other NumPy name is NumPy's own,
reading tensors as values and refusing a tensor that requires grad (rather than
dropping its gradient).  Functions whose results have no gradient (``argmax``,
comparisons, ``floor``, constant arrays) read tensors as values.

Results that carry a graph are ``ArrayTensor``s: chainrule tensors with NumPy's
operators and methods (``x.sum(axis=0)``, ``x.size``, ``x.T``, NumPy's promotion).
"""
from __future__ import annotations

import numpy as _numpy
from numpy import (  # NumPy's constants and types, as NumPy has them
    bool_, dtype, e, euler_gamma, finfo, float16, float32, float64, iinfo, inf, int8, int16,
    int32, int64, intp, nan, ndarray, newaxis, pi, uint8, uint16, uint32, uint64,
)
from numpy import random  # random numbers are NumPy's: values, not graph

from . import _methods, _protocol, linalg
from ._core import ArrayTensor, plain, values_only
from ._creation import (
    arange, array, asanyarray, asarray, ascontiguousarray, diag_indices, empty, empty_like, eye,
    full, full_like, geomspace, identity, indices, linspace, logspace, meshgrid, ones, ones_like,
    tri, tril_indices, triu_indices, zeros, zeros_like,
)
from ._elementwise import around, fix, nan_to_num, round, sinc
from ._indexing import (
    allclose, argwhere, array_equal, clip, compress, flatnonzero, isclose, nonzero,
    put_along_axis, searchsorted, select, take, take_along_axis, unique, where,
)
from ._products import cross, dot, einsum, inner, kron, outer, tensordot, vdot
from ._protocol import enable_protocol
from ._reductions import (
    all, amax, amin, any, argmax, argmin, argsort, average, count_nonzero, cumprod, cumsum,
    diff, max, mean, median, min, nanmean, nansum, percentile, prod, ptp, quantile, sort, std,
    sum, var,
)
from ._shapes import (
    append, array_split, atleast_1d, atleast_2d, atleast_3d, broadcast_arrays, broadcast_to,
    column_stack, concatenate, copy, delete, diag, diagflat, diagonal, dstack, expand_dims, flip,
    fliplr, flipud, hsplit, hstack, imag, moveaxis, ndim, pad, ravel, real, repeat, reshape, roll,
    rot90, shape, size, split, squeeze, stack, swapaxes, tile, trace, transpose, tril, triu,
    vsplit, vstack,
)
from ._ufuncs import UFUNCS as _UFUNCS
from ._ufuncs import ufunc

bool = _numpy.bool  # noqa: A001 - NumPy 2's name for bool_

globals().update(_UFUNCS)  # add, exp, maximum, ... (and their aliases: abs, mod, ...)

# NumPy functions whose results hold no gradient, read from tensors' values.
_VALUES_ONLY = """
result_type can_cast promote_types iscomplexobj isrealobj iscomplex isreal isscalar
may_share_memory shares_memory array_equiv histogram histogram_bin_edges bincount digitize
argpartition lexsort nanargmax nanargmin isin intersect1d union1d setdiff1d setxor1d
ravel_multi_index unravel_index einsum_path ix_ mask_indices
""".split()
globals().update({name: values_only(getattr(_numpy, name)) for name in _VALUES_ONLY})

concat = concatenate  # NumPy 2's array-API names
permute_dims = transpose
pow = _UFUNCS["power"]  # noqa: A001
acos, asin, atan, atan2 = (_UFUNCS[n] for n in ("arccos", "arcsin", "arctan", "arctan2"))
acosh, asinh, atanh = (_UFUNCS[n] for n in ("arccosh", "arcsinh", "arctanh"))

# The namespace's functions: each has the NumPy function it stands for (numpy_function).
FUNCTIONS = sorted(name for name, obj in globals().items() if not name.startswith("_")
                   and (isinstance(obj, ufunc) or hasattr(obj, "numpy_function")))
__all__ = FUNCTIONS + [
    "ArrayTensor", "ufunc", "enable_protocol", "linalg", "random", "ndarray", "dtype", "finfo",
    "iinfo", "pi", "e", "inf", "nan", "newaxis", "euler_gamma", "bool", "bool_", "float16",
    "float32", "float64", "int8", "int16", "int32", "int64", "intp", "uint8", "uint16",
    "uint32", "uint64"]

_methods.install()

_FALLBACK: dict = {}


def __getattr__(name: str):
    # Every other NumPy name: types, constants and submodules as NumPy has them; functions
    # reading tensors as values and refusing tensors that require grad.
    if name in _FALLBACK:
        return _FALLBACK[name]
    try:
        obj = getattr(_numpy, name)
    except AttributeError:
        raise AttributeError(f"module 'chainrule.numpy' has no attribute '{name}'") from None
    if callable(obj) and not isinstance(obj, type):
        obj = plain(obj, name)
    _FALLBACK[name] = obj
    return obj


def __dir__():
    return sorted(set(globals()) | set(dir(_numpy)))
