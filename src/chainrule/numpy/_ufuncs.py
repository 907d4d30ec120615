"""NumPy's ufuncs, with their methods (``reduce``, ``accumulate``, ``outer``), differentiable.

A ``ufunc`` here wraps NumPy's: on plain values it *is* NumPy's ufunc; on tensors that
need a graph it computes in NumPy's result dtype with the chainrule operation of the
same meaning, and its ``reduce``/``accumulate`` use chainrule's reductions and scans
(``add.reduce`` is ``sum``, ``maximum.accumulate`` is ``cummax``); a ufunc without a
dedicated reduction reduces by a loop of its own calls, so it is still differentiated.
Ufuncs whose results carry no gradient (comparisons, ``floor``, ``sign``) read tensors
as their values.
"""
from __future__ import annotations

import math

import numpy

import chainrule
from chainrule import Tensor
from chainrule.ops import pointwise as pointwise_rows
from chainrule.ops import special as special_rows

from ._core import (
    GRAPH,
    PLAIN,
    ArrayTensor,
    _grad_state,
    as_array_tensor,
    axes,
    fast_operands,
    fast_pair,
    numpy_dtype,
    operands,
    output,
    result_dtype,
    scan,
    tensor,
)
from ._core import value as values_of

_NO_VALUE = numpy._NoValue


class ufunc:
    """A NumPy ufunc that chainrule differentiates (``chainrule.numpy.add``, ``.exp``, ...).

    Called as NumPy's (``np.add(x, y, dtype=...)``) and with NumPy's methods:
    ``reduce``, ``accumulate``, ``outer``; ``at`` and ``reduceat`` work on plain values.

    >>> x = chainrule.tensor([3.0, 1.0, 2.0], dtype=chainrule.float64, requires_grad=True)
    >>> np.maximum.accumulate(x).tolist()
    [3.0, 3.0, 3.0]
    >>> np.add.reduce(x).backward(); x.grad
    tensor([1., 1., 1.], dtype=torch.float64)
    """

    def __init__(self, numpy_ufunc, forward=None, *, numbers: bool = False, reduce=None,
                 accumulate=None, at_least=None, fast=None, with_number=None):
        self._ufunc = numpy_ufunc
        self._forward = forward  # on operands of the result dtype; None: no gradient
        # The forward for float tensors of one dtype (with Python numbers where ``numbers``),
        # the case the fast paths below see: ``forward`` itself, or a shorter way to the
        # same record (subtract's skips the bool checks a float cannot need).
        self._fast = fast = fast or forward
        # For an ArrayTensor's operators with a Python number ``n``: ``(x op n, n op x)`` as
        # functions of ``(x, n)``; given where they are the rows themselves, which the
        # operator then calls without a hop through ``fast``.
        self._with_number = with_number or (fast, lambda x, n: fast(n, x))
        self._numbers = numbers  # the forward takes Python numbers (operators) as they are
        self._reduce = reduce  # (tensor, axes, keepdims) -> tensor, or None: a loop
        self._accumulate = accumulate  # (tensor, axis) -> tensor, or None: a loop
        self._at_least = at_least  # the smallest result dtype (float_power: float64)
        self.__name__ = numpy_ufunc.__name__
        self.__doc__ = numpy_ufunc.__doc__

    def __repr__(self) -> str:
        return f"<chainrule.numpy ufunc '{self.__name__}'>"

    def __getattr__(self, name: str):
        # nin, nout, nargs, identity, types, signature: NumPy's own.
        return getattr(self._ufunc, name)

    @property
    def differentiable(self) -> bool:
        """Whether gradients flow through this ufunc (False for ``floor``, ``equal``, ...)."""
        return self._forward is not None

    def __call__(self, *args, **kwargs):
        if not kwargs and self._forward is not None and self._at_least is None:
            if len(args) == 1:
                # np.exp(x) of a float tensor that records: the row at once (the commonest
                # call of a NumPy program; fast_operands would decide the same, a call later).
                a = args[0]
                ops = args if isinstance(a, Tensor) and a._data.dtype.kind == "f" and (
                    (a._requires_grad and _grad_state.enabled) or a._fw_grad is not None) \
                    else None
            elif len(args) == 2:
                ops = fast_pair(args[0], args[1], self._numbers)
            else:
                ops = fast_operands(args, numbers=self._numbers)
            if ops is not None:
                result = self._fast(*ops)
                if type(result) is Tensor:  # as_array_tensor, inlined: a call less
                    result.__class__ = ArrayTensor
                return result
        state = scan(args)
        if state == GRAPH and self._forward is not None:
            return self._graph(args, kwargs)
        if state != PLAIN:
            args = values_of(args)
        return self._ufunc(*args, **kwargs)

    def _graph(self, args, kwargs):
        dtype = _graph_options(self.__name__, kwargs)
        if len(args) != self._ufunc.nin:
            raise TypeError(f"{self.__name__}() takes from {self._ufunc.nin} to "
                            f"{self._ufunc.nargs} positional arguments but {len(args)} were given")
        dtype = self._widened(dtype or result_dtype(args))
        if dtype.kind != "f":  # an integer result (dtype=int) has no gradient
            return self._ufunc(*values_of(args), dtype=dtype)
        return output(self._on_operands(args, dtype))

    def _on_operands(self, args, dtype):
        ops = operands(args, dtype)
        if not self._numbers:
            ops = [o if isinstance(o, Tensor) else tensor(o, dtype) for o in ops]
        return self._forward(*ops)

    def on_tensors(self, *args):
        """The ufunc as an ArrayTensor's operator: NumPy's dtype rules, and tensors out
        whether or not a graph is recorded (chainrule's own rules compute with them)."""
        if self._at_least is None:
            ops = fast_operands(args, need_graph=False, numbers=self._numbers)
            if ops is not None:
                return as_array_tensor(self._fast(*ops))
        return output(self._on_operands(args, self._widened(result_dtype(args))), keep=True)

    def _widened(self, dtype):
        """``dtype``, at least the ufunc's smallest result dtype (float_power: float64)."""
        if self._at_least is None:
            return dtype
        return numpy.promote_types(dtype, self._at_least)

    # --- methods ---------------------------------------------------------------------------
    def reduce(self, array, axis=0, **kwargs):
        """NumPy's ``ufunc.reduce``; ``add.reduce`` records ``sum``, ``multiply.reduce``
        ``prod``, ``maximum.reduce`` ``amax``, ``logaddexp.reduce`` ``logsumexp``."""
        initial = kwargs.get("initial", _NO_VALUE)
        if self._forward is None or scan((array, initial)) != GRAPH:
            return self._ufunc.reduce(*values_of((array, axis)), **values_of_kwargs(kwargs))
        keepdims = kwargs.pop("keepdims", False)
        kwargs.pop("initial", None)
        dtype = _graph_options(f"{self.__name__}.reduce", kwargs)
        x = tensor(array, self._widened(dtype or result_dtype((array,))))
        if x.dtype.np.kind != "f":
            return self._ufunc.reduce(values_of(array), axis, dtype=dtype, keepdims=keepdims)
        dims = axes(axis, x.ndim)
        if len(dims) > 1:  # NumPy's own error for several axes of a non-reorderable ufunc
            self._ufunc.reduce(numpy.zeros((1,) * x.ndim), axis=axis)
        if any(x.shape[d] == 0 for d in dims) or not dims:
            # Nothing to combine: NumPy's identity or a copy; both hold no gradient of x
            # but the copy, which the identity path below keeps.
            if not dims:
                return output(chainrule.clone(x))
            return self._ufunc.reduce(values_of(array), axis, keepdims=keepdims)
        if self._reduce is not None:
            result = self._reduce(x, dims, keepdims)
        else:
            result = x
            for d in sorted(dims, reverse=True):
                result = _reduce_by_loop(self, result, d, keepdims)
        if initial is not _NO_VALUE:
            result = self(result, initial)
        return output(result)

    def accumulate(self, array, axis=0, **kwargs):
        """NumPy's ``ufunc.accumulate``; ``add`` records ``cumsum``, ``maximum`` ``cummax``."""
        if self._forward is None or scan((array,)) != GRAPH:
            return self._ufunc.accumulate(values_of(array), axis, **values_of_kwargs(kwargs))
        dtype = _graph_options(f"{self.__name__}.accumulate", kwargs)
        x = tensor(array, self._widened(dtype or result_dtype((array,))))
        if x.ndim == 0:
            raise TypeError("cannot accumulate on a scalar")
        d = axes(axis, x.ndim)[0]
        if x.shape[d] == 0:
            return output(chainrule.clone(x))
        if self._accumulate is not None:
            return output(self._accumulate(x, d))
        parts = [chainrule.select(x, d, 0)]
        for i in range(1, x.shape[d]):
            parts.append(self._forward(parts[-1], chainrule.select(x, d, i)))
        return output(chainrule.stack(parts, d))

    def outer(self, a, b, **kwargs):
        """NumPy's ``ufunc.outer``: ``result[i, j] = f(a[i], b[j])`` for every pair."""
        if self._forward is None or scan((a, b)) != GRAPH:
            return self._ufunc.outer(*values_of((a, b)), **values_of_kwargs(kwargs))
        dtype = self._widened(_graph_options(f"{self.__name__}.outer", kwargs)
                              or result_dtype((a, b)))
        x, y = tensor(a, dtype), tensor(b, dtype)
        x = chainrule.reshape(x, tuple(x.shape) + (1,) * y.ndim)
        return output(self._forward(x, y))

    def at(self, a, indices, b=None):
        """NumPy's in-place ``ufunc.at``, on plain arrays only (an array cannot be written in
        place while it is differentiated)."""
        if scan((a, b)) == GRAPH:
            raise TypeError(f"{self.__name__}.at writes in place, which chainrule.numpy cannot "
                            "record. Fix: build the result out of place, e.g. with "
                            "np.put_along_axis or np.where.")
        args = (a, indices) if b is None else (a, indices, b)
        return self._ufunc.at(*values_of(args))

    def reduceat(self, array, indices, axis=0, **kwargs):
        """NumPy's ``ufunc.reduceat``, on plain values only."""
        if scan((array,)) == GRAPH:
            raise TypeError(f"{self.__name__}.reduceat has no derivative in chainrule.numpy. Fix: "
                            "reduce each segment with reduce() and stack the results.")
        return self._ufunc.reduceat(values_of(array), values_of(indices), axis, **kwargs)


def values_of_kwargs(kwargs: dict) -> dict:
    return {k: values_of(v) for k, v in kwargs.items()}


def _graph_options(name: str, kwargs: dict):
    """The ``dtype=`` of a call that records a graph; refuses ``out=`` and a ``where=`` mask."""
    dtype = numpy_dtype(kwargs.pop("dtype", None))
    if kwargs.get("out") is not None:
        raise TypeError(f"{name}(..., out=...) writes in place, which chainrule.numpy cannot "
                        "record. Fix: use the returned array, e.g. y = np.exp(x).")
    kwargs.pop("out", None)
    where = kwargs.pop("where", True)
    if where is not True:
        raise TypeError(f"{name}(..., where=...) leaves some outputs unset; chainrule.numpy "
                        "does not record it. Fix: np.where(mask, f(x), fill).")
    kwargs.pop("casting", None)
    kwargs.pop("order", None)
    kwargs.pop("subok", None)
    if kwargs:
        raise TypeError(f"{name}() got arguments chainrule.numpy does not record: "
                        f"{', '.join(sorted(kwargs))}")
    return dtype


def _reduce_by_loop(uf: ufunc, x: Tensor, d: int, keepdims: bool) -> Tensor:
    """Reduce axis ``d`` of ``x`` with ``uf``'s own forward, element after element."""
    result = chainrule.select(x, d, 0)
    for i in range(1, x.shape[d]):
        result = uf._forward(result, chainrule.select(x, d, i))
    return chainrule.unsqueeze(result, d) if keepdims else result


# --- forwards -------------------------------------------------------------------------------

def _operator(name: str):
    """The forward of an arithmetic ufunc: Tensor's operator (reflected for number op tensor).

    Tensor's own methods, called through the class, so that an ArrayTensor operand does
    not send the call back here through its NumPy operators.
    """
    op, reflected = getattr(Tensor, f"__{name}__"), getattr(Tensor, f"__r{name}__")

    def forward(a, b):
        return op(a, b) if isinstance(a, Tensor) else reflected(b, a)
    forward.__name__ = name
    return forward


# The forwards of the arithmetic ufuncs NumPy programs call most call the rule-table rows
# Tensor's operators call (x + 1 records add(x, 1), 1 - x rsub(x, 1), as in PyTorch), a
# call or two less than going through the operators.
def _add(a, b):
    return pointwise_rows.add(a, b) if isinstance(a, Tensor) else pointwise_rows.add(b, a)


def _multiply(a, b):
    return pointwise_rows.mul(a, b) if isinstance(a, Tensor) else pointwise_rows.mul(b, a)


def _rdivide(x, a):
    # a / x for a number a, as _divide(a, x) computes it.
    return pointwise_rows.reciprocal(x) if a == 1 else Tensor.__rtruediv__(x, a)


def _subtract_floats(a, b):
    # Tensor's - (and its reflected form) for float tensors and Python numbers: its rows,
    # without the refusal of bool operands, which concerns no float.
    return pointwise_rows.sub(a, b) if isinstance(a, Tensor) else pointwise_rows.rsub(b, a)


def _divide(a, b):
    if isinstance(a, Tensor):
        return pointwise_rows.div(a, b)
    if a == 1:  # 1 / x: one reciprocal, where Tensor's reflected division multiplies too
        return pointwise_rows.reciprocal(b)
    return Tensor.__rtruediv__(b, a)


def _prod(x, dims, keepdims):
    for d in sorted(dims, reverse=True):
        x = chainrule.prod(x, d, keepdim=keepdims)
    return x


def _cbrt(x):
    # The real cube root, also of negative numbers: sign(x) |x|^(1/3).
    return chainrule.sign(x) * chainrule.abs(x) ** (1.0 / 3.0)


_LN2 = math.log(2.0)


def _logaddexp2_reduce(x, dims, keepdims):
    return chainrule.logsumexp(x * _LN2, dims, keepdim=keepdims) / _LN2


def _values(tuple_op):
    return lambda x, d: tuple_op(x, d).values


# name -> (forward, options); every other ufunc NumPy has is values only or not offered.
# A unary ufunc whose chainrule function is a rule-table row behind PyTorch's out= keyword
# (functions.pointwise: chainrule.exp calls pointwise_rows.exp) calls that row itself: the
# same record, without the wrapper's calls (a ufunc never passes out=).
_DIFFERENTIABLE = {
    "add": (_add, dict(numbers=True, reduce=lambda x, d, k: chainrule.sum(x, d, keepdim=k),
                       accumulate=chainrule.cumsum,
                       with_number=(pointwise_rows.add, pointwise_rows.add))),
    "subtract": (_operator("sub"), dict(numbers=True, fast=_subtract_floats,
                                        with_number=(pointwise_rows.sub,
                                                     pointwise_rows.rsub))),
    "multiply": (_multiply, dict(numbers=True, reduce=_prod, accumulate=chainrule.cumprod,
                                 with_number=(pointwise_rows.mul, pointwise_rows.mul))),
    "divide": (_divide, dict(numbers=True, with_number=(pointwise_rows.div, _rdivide))),
    "power": (_operator("pow"), dict(numbers=True)),
    "float_power": (_operator("pow"), dict(numbers=True, at_least=numpy.dtype(numpy.float64))),
    "remainder": (_operator("mod"), dict(numbers=True)),
    "fmod": (chainrule.fmod, {}),
    "maximum": (chainrule.maximum, dict(reduce=lambda x, d, k: chainrule.amax(x, d, keepdim=k),
                                        accumulate=_values(chainrule.cummax))),
    "minimum": (chainrule.minimum, dict(reduce=lambda x, d, k: chainrule.amin(x, d, keepdim=k),
                                        accumulate=_values(chainrule.cummin))),
    "fmax": (chainrule.fmax, {}),
    "fmin": (chainrule.fmin, {}),
    "arctan2": (chainrule.atan2, {}),
    "hypot": (chainrule.hypot, {}),
    "logaddexp": (chainrule.logaddexp, dict(
        reduce=lambda x, d, k: chainrule.logsumexp(x, d, keepdim=k),
        accumulate=chainrule.logcumsumexp)),
    "logaddexp2": (chainrule.logaddexp2, dict(reduce=_logaddexp2_reduce)),
    "copysign": (chainrule.copysign, {}),
    "matmul": (chainrule.matmul, {}),
    "negative": (pointwise_rows.neg, {}),
    "positive": (chainrule.clone, {}),  # NumPy's +x is a copy
    "conjugate": (chainrule.clone, {}),  # real arrays only
    "absolute": (pointwise_rows.abs, {}),
    "fabs": (pointwise_rows.abs, {}),
    "exp": (pointwise_rows.exp, {}),
    "exp2": (pointwise_rows.exp2, {}),
    "expm1": (pointwise_rows.expm1, {}),
    "log": (pointwise_rows.log, {}),
    "log2": (pointwise_rows.log2, {}),
    "log10": (pointwise_rows.log10, {}),
    "log1p": (pointwise_rows.log1p, {}),
    "sqrt": (pointwise_rows.sqrt, {}),
    "cbrt": (_cbrt, {}),
    "square": (chainrule.square, {}),
    "reciprocal": (pointwise_rows.reciprocal, {}),
    "sin": (pointwise_rows.sin, {}),
    "cos": (pointwise_rows.cos, {}),
    "tan": (pointwise_rows.tan, {}),
    "arcsin": (pointwise_rows.asin, {}),
    "arccos": (pointwise_rows.acos, {}),
    "arctan": (pointwise_rows.atan, {}),
    "sinh": (pointwise_rows.sinh, {}),
    "cosh": (pointwise_rows.cosh, {}),
    "tanh": (pointwise_rows.tanh, {}),
    "arcsinh": (special_rows.asinh, {}),
    "arccosh": (special_rows.acosh, {}),
    "arctanh": (special_rows.atanh, {}),
    "deg2rad": (chainrule.deg2rad, {}),
    "rad2deg": (chainrule.rad2deg, {}),
    "radians": (chainrule.deg2rad, {}),
    "degrees": (chainrule.rad2deg, {}),
}

# Ufuncs whose results carry no gradient (zero almost everywhere, or not real numbers).
_VALUES_ONLY = """
equal not_equal less less_equal greater greater_equal logical_and logical_or logical_xor
logical_not isnan isinf isfinite signbit sign floor ceil trunc rint floor_divide heaviside
bitwise_and bitwise_or bitwise_xor invert left_shift right_shift gcd lcm
""".split()

UFUNCS = {name: ufunc(getattr(numpy, name), forward, **options)
          for name, (forward, options) in _DIFFERENTIABLE.items()}
UFUNCS.update({name: ufunc(getattr(numpy, name)) for name in _VALUES_ONLY})
# NumPy's other names for the same ufuncs.
ALIASES = {"true_divide": "divide", "mod": "remainder", "abs": "absolute", "conj": "conjugate",
           "bitwise_not": "invert"}
UFUNCS.update({alias: UFUNCS[name] for alias, name in ALIASES.items()})
