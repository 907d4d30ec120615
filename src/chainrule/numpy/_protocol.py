"""NumPy's dispatch protocols (``__array_ufunc__``, ``__array_function__``) for chainrule.numpy.

``np.sin(x)`` and ``np.sum(x)`` written with NumPy itself (``import numpy as np``) reach
chainrule.numpy's differentiable versions when ``x`` is an ``ArrayTensor`` (always), or
a plain chainrule tensor inside ``enable_protocol()`` (opt-in, so that PyTorch's
behaviour stays the default: outside it, ``np.sin(t)`` of a tensor that requires grad
raises as in PyTorch).  A NumPy function chainrule.numpy does not differentiate raises
when a tensor that requires grad reaches it, rather than dropping its gradient.
"""
from __future__ import annotations

import numpy

from chainrule import array_protocol

from ._core import GRAPH, scan, value

_FUNCTIONS: dict = {}  # NumPy's function object -> chainrule.numpy's


def _functions() -> dict:
    if not _FUNCTIONS:
        from chainrule import numpy as namespace

        from . import linalg
        for source, names in ((namespace, namespace.FUNCTIONS), (linalg, linalg.__all__)):
            for name in names:
                ours = getattr(source, name)
                theirs = getattr(ours, "numpy_function", None)
                if theirs is not None and not isinstance(theirs, numpy.ufunc):
                    _FUNCTIONS[theirs] = ours
    return _FUNCTIONS


_UFUNCS: dict = {}  # NumPy's ufunc object -> chainrule.numpy's


def array_ufunc(ufunc, method: str, inputs, kwargs):
    """NumPy's ufunc call ``getattr(ufunc, method)(*inputs, **kwargs)`` made by chainrule.numpy."""
    if not _UFUNCS:
        from ._ufuncs import UFUNCS
        _UFUNCS.update({ours._ufunc: ours for ours in UFUNCS.values()})
    ours = _UFUNCS.get(ufunc)
    if ours is None:
        if scan(inputs) == GRAPH:
            raise TypeError(f"numpy.{ufunc.__name__} has no derivative in chainrule.numpy, and "
                            "an argument requires grad. Fix: compute it on values (x.detach()) "
                            "or with functions chainrule.numpy differentiates.")
        return getattr(ufunc, method)(*value(inputs), **kwargs)
    if method == "__call__" and not kwargs:  # ndarray * x: the common case
        return ours(*inputs)
    if kwargs.get("out") is not None and len(kwargs["out"]) == 1:
        kwargs = dict(kwargs, out=kwargs["out"][0])
    return getattr(ours, method)(*inputs, **kwargs)


def array_function(func, types, args, kwargs):
    """NumPy's ``func(*args, **kwargs)`` made by chainrule.numpy."""
    ours = _functions().get(func)
    if ours is not None:
        return ours(*args, **kwargs)
    if scan(args) == GRAPH or scan(kwargs.values()) == GRAPH:
        raise TypeError(f"numpy.{func.__name__} has no derivative in chainrule.numpy, and an "
                        "argument requires grad. Fix: compute it on values (x.detach()) or with "
                        "functions chainrule.numpy differentiates (chainrule.numpy.__all__).")
    return func._implementation(*value(args), **{k: value(v) for k, v in kwargs.items()})


def array_ufunc_method(self, ufunc, method: str, *inputs, **kwargs):
    """``ArrayTensor.__array_ufunc__``: always chainrule.numpy's."""
    if method == "__call__" and not kwargs:  # ndarray * x, the common case: a call less
        ours = _UFUNCS.get(ufunc)  # (empty until array_ufunc first fills it)
        if ours is not None:
            return ours(*inputs)
    return array_ufunc(ufunc, method, inputs, kwargs)


def array_function_method(self, func, types, args, kwargs):
    """``ArrayTensor.__array_function__``: always chainrule.numpy's."""
    return array_function(func, types, args, kwargs)


HANDLERS = (array_ufunc, array_function)  # what enable_protocol() sets


class enable_protocol:
    """Inside this context NumPy's own functions differentiate chainrule tensors:
    ``numpy.sin(t)`` is ``chainrule.numpy.sin(t)`` (thread-local; off by default, where
    NumPy treats tensors as PyTorch's are treated).

    >>> import numpy
    >>> t = chainrule.tensor([0.0, 1.0], dtype=chainrule.float64, requires_grad=True)
    >>> with np.enable_protocol():
    ...     y = numpy.sum(numpy.sin(t))
    >>> y.backward(); t.grad
    tensor([1.0000, 0.5403], dtype=torch.float64)
    """

    def __enter__(self) -> None:
        self._token = array_protocol.handlers.set(HANDLERS)

    def __exit__(self, *exc) -> bool:
        array_protocol.handlers.reset(self._token)
        return False

