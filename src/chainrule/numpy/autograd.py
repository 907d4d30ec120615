"""HIPS autograd's transforms, on chainrule: ``grad``, ``value_and_grad``, ``jacobian``, ...

For code written with ``import autograd.numpy as np`` / ``from autograd import grad``:
import ``chainrule.numpy as np`` and these instead, and the program runs unchanged
(``docs/from-autograd.md`` shows programs before and after).  As in HIPS autograd:

- a transform takes ``fun`` and ``argnum`` (an int, or a tuple for several arguments)
  and returns a function of the same arguments;
- values in, values out: called with arrays and numbers, it returns NumPy arrays
  (``np.float64`` for a number); the argument may be a list, tuple or dict of them;
- transforms nest: ``grad(grad(f))``, ``jacobian(jacobian(f))``; an inner transform
  called on tensors (by an outer one) returns tensors that stay in the graph.

``chainrule.func``'s PyTorch-style transforms (``grad``, ``vjp``, ``jacrev``, ``hessian``)
work on functions written with ``chainrule.numpy`` too; these are the spellings HIPS
autograd users know.

>>> from chainrule.numpy.autograd import grad, hessian
>>> f = lambda x: np.sum(x ** 3)
>>> grad(f)(np.array([1.0, 2.0]))
array([ 3., 12.])
>>> hessian(f)(np.array([1.0, 2.0]))
array([[ 6.,  0.],
       [ 0., 12.]])
"""
from __future__ import annotations

import functools
import warnings

import numpy

import chainrule
from chainrule import Tensor, is_grad_enabled
from chainrule.array_protocol import handlers as protocol_handlers
from chainrule.engine.backward import count_consumers, run_backward
from chainrule.engine.graph import AccumulateGrad
from chainrule.func import tree_flatten, tree_unflatten

from ._core import CHAINRULE_DTYPE, ArrayTensor, leaf, wants_graph
from ._protocol import HANDLERS, enable_protocol

__all__ = ["grad", "value_and_grad", "grad_and_aux", "elementwise_grad", "deriv", "jacobian",
           "hessian", "make_vjp", "make_jvp", "make_hvp", "hessian_tensor_product",
           "hessian_vector_product", "tensor_jacobian_product", "vector_jacobian_product",
           "grad_named", "check_grads"]


def _unary_to_nary(transform):
    """``transform(fun, x, ...)`` as ``transform(fun, argnum=0, ...)(*args, **kwargs)``."""
    @functools.wraps(transform)
    def nary(fun, argnum=0, *transform_args, **transform_kwargs):
        several = not isinstance(argnum, int)  # (both decided once per transform, not
        name = getattr(fun, "__name__", "fun")  # on every call of it)

        @functools.wraps(fun)
        def transformed(*args, **kwargs):
            x = tuple(args[i] for i in argnum) if several else args[argnum]

            def unary(x):
                new = list(args)
                for i, v in (zip(argnum, x) if several else ((argnum, x),)):
                    new[i] = v
                return fun(*new, **kwargs)
            unary.__name__ = name
            return transform(unary, x, *transform_args, **transform_kwargs)
        return transformed
    return nary


# --- values and tensors -------------------------------------------------------------------

def _start(v) -> Tensor:
    """A value the transform differentiates, as a leaf ArrayTensor that requires grad."""
    array = v if type(v) is numpy.ndarray else numpy.asarray(v)
    if array.dtype.kind != "f":
        raise TypeError(f"Can't differentiate w.r.t. type {type(v)}. Fix: pass floats, e.g. "
                        "1.0 or x.astype(float).")
    if array.dtype not in CHAINRULE_DTYPE:
        chainrule.from_numpy(array)  # raises for a float dtype chainrule lacks (float128)
    return leaf(array)


def _value(t, like=None):
    """A result as the user sees it: a NumPy array, a NumPy scalar for a number ``like``."""
    if isinstance(t, Tensor):
        t = t.numpy(force=True)
    if isinstance(t, numpy.ndarray) and t.ndim == 0 and (like is None or numpy.ndim(like) == 0
                                                          and not isinstance(like, numpy.ndarray)):
        return t[()]
    return t


def _values(tree):
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([_value(leaf) for leaf in leaves], spec)


def _array_tensor(t):
    """A tensor made by chainrule.func for ``fun``, given NumPy's methods (ArrayTensor)."""
    if type(t) is Tensor and wants_graph(t):
        t.__class__ = ArrayTensor
    return t


def _cotangent(g, like: Tensor) -> Tensor:
    if g is None and like.numel() == 1:  # ones: the engine makes them
        return None
    if isinstance(g, Tensor):
        return g
    return chainrule.from_numpy(numpy.asarray(g, dtype=like.dtype.np))


def _holds_tensor(x) -> bool:
    return any(isinstance(leaf, Tensor) for leaf in tree_flatten(x)[0])


# --- the two primitives: vjp and jvp ---------------------------------------------------------

class _Recording:
    """Grad mode on and NumPy's protocol on, for the call of the user's function."""

    __slots__ = ("_grad", "_protocol")

    def __enter__(self) -> None:
        # Grad mode is usually on already: then there is nothing to switch.
        self._grad = None if is_grad_enabled() else chainrule.enable_grad()
        if self._grad is not None:
            self._grad.__enter__()
        # enable_protocol(), without its object: this runs once per gradient.
        self._protocol = protocol_handlers.set(HANDLERS)

    def __exit__(self, *exc) -> bool:
        protocol_handlers.reset(self._protocol)
        if self._grad is not None:
            self._grad.__exit__(*exc)
        return False


def _make_vjp(fun, x):
    """``(vjp, value)``: ``vjp(g)`` is gᵀJ, the gradient of ``g · fun(x)`` with respect to x."""
    if type(x) is numpy.ndarray or type(x) is float:  # the common case, without the tree
        leaves, spec = [x], None
    else:
        if _holds_tensor(x):
            return _make_vjp_of_tensors(fun, x)
        leaves, spec = tree_flatten(x)
    starts = [_start(v) for v in leaves]
    with _Recording():
        end = fun(starts[0] if spec is None else tree_unflatten(starts, spec))
    return _vjp_of(leaves, spec, starts, end)


def _vjp_of(leaves, spec, starts, end):
    """``(vjp, value)`` for the graph from leaf tensors ``starts`` (standing for the values
    ``leaves``, in the tree ``spec``) to ``end``."""
    outputs, end_spec = ([end], None) if isinstance(end, Tensor) else tree_flatten(end)
    only_ours = _reaches_only(outputs, starts)

    def vjp(g):
        if g is _ONES:
            g = None if end_spec is None else _ones_like(_values(end))
        pairs = [(o, _cotangent(c, o)) for o, c in zip(outputs, [g] if end_spec is None
                                                        else tree_flatten(g)[0])
                 if isinstance(o, Tensor) and o.requires_grad]
        # A cotangent that is itself differentiated (reverse over reverse, as in the jvp
        # below) needs the gradient's own graph.
        keep = any(c is not None and wants_graph(c) for _, c in pairs)
        grads = [None] * len(starts)
        if pairs:
            with chainrule.enable_grad():
                grads = _backward(pairs, starts, keep, only_ours)
        result = []
        for d, start, v in zip(grads, starts, leaves):
            if d is None:
                result.append(numpy.zeros_like(v, dtype=start.dtype.np))
            else:
                result.append(_array_tensor(d) if keep else _value(d, v))
        return result[0] if spec is None else tree_unflatten(result, spec)
    return vjp, (_value(end) if end_spec is None else _values(end))


def _reaches_only(outputs, starts) -> bool:
    """Whether the graph behind ``outputs`` reaches no leaf that requires grad but ours."""
    roots = [o.grad_fn for o in outputs if isinstance(o, Tensor) and o.grad_fn is not None]
    return not _other_leaf_in(count_consumers(roots), starts)


def _other_leaf_in(nodes, starts) -> bool:
    """Whether ``nodes`` (of a graph) hold the node of a leaf that requires grad other than
    those of ``starts``: backward() would write into that leaf's ``.grad``."""
    if len(starts) == 1:  # grad's case: one leaf of ours, no set to build
        start = starts[0]
        for node in nodes:
            if type(node) is AccumulateGrad and node.variable is not start:
                return True
        return False
    ours = {id(t) for t in starts}
    for node in nodes:
        if type(node) is AccumulateGrad and id(node.variable) not in ours:
            return True
    return False


def _backward(pairs, starts, keep: bool, only_ours: bool) -> list:
    """The gradients reaching ``starts`` from the (output, cotangent) ``pairs``.

    Where the graph holds no other leaf, ``backward()`` gives them in the leaves'
    ``.grad`` with no side effect; it skips what ``autograd.grad(inputs=...)`` must do
    first (order the graph to find the nodes that lead to the inputs), a third of the
    backward pass of a small graph.  Otherwise autograd.grad, which touches no other leaf.
    """
    outputs, cotangents = [o for o, _ in pairs], [c for _, c in pairs]
    if not only_ours:
        return chainrule.autograd.grad(outputs, starts, cotangents, retain_graph=True,
                                       create_graph=keep, allow_unused=True)
    for start in starts:
        start.grad = None  # a vjp may run several times (jacobian): one result each
    if keep:
        with warnings.catch_warnings():  # each .grad is taken and cleared at once: no cycle
            warnings.filterwarnings("ignore", message="Using backward\\(\\) with create_graph")
            chainrule.autograd.backward(outputs, cotangents, retain_graph=True, create_graph=True)
    else:
        chainrule.autograd.backward(outputs, cotangents, retain_graph=True)
    return [start.grad for start in starts]


def _make_vjp_of_tensors(fun, x):
    """``_make_vjp`` inside another transform (or on tensors): chainrule.func's vjp."""
    leaves, spec = tree_flatten(x)

    def flat_fun(*flat):
        with enable_protocol():
            return fun(tree_unflatten([_array_tensor(t) if t is not v else t
                                       for t, v in zip(flat, leaves)], spec))

    with chainrule.enable_grad():
        end, vjp_fn = chainrule.func.vjp(flat_fun, *leaves)
    outputs, end_spec = tree_flatten(end)

    def vjp(g):
        if g is _ONES:
            g = _ones_like(tree_unflatten([o.detach() if isinstance(o, Tensor) else o
                                           for o in outputs], end_spec))
        cotangents = [_cotangent(c, o) for c, o in zip(tree_flatten(g)[0], outputs)]
        with chainrule.enable_grad():
            # The result stays differentiable: an outer transform may differentiate it.
            grads = vjp_fn(tree_unflatten(cotangents, end_spec), create_graph=True)
        return tree_unflatten([_array_tensor(d) for d in grads], spec)
    return vjp, tree_unflatten([_array_tensor(o) for o in outputs], end_spec)


def _make_jvp(fun, x):
    """``jvp(v) -> (value, J v)``: forward mode (chainrule.func.jvp), or, for operations that
    have no forward rule, reverse mode twice."""
    nested = _holds_tensor(x)
    leaves, spec = tree_flatten(x)
    primals = tuple(leaf if isinstance(leaf, Tensor) else chainrule.from_numpy(
        numpy.array(leaf, dtype=numpy.result_type(leaf, 0.0))) for leaf in leaves)

    def flat_fun(*flat):
        with enable_protocol():
            return fun(tree_unflatten([_array_tensor(t) for t in flat], spec))

    def jvp(v):
        tangents = tuple(_cotangent(t, p) for t, p in zip(tree_flatten(v)[0], primals))
        try:
            with chainrule.enable_grad():
                value, tangent = chainrule.func.jvp(flat_fun, primals, tangents)
        except NotImplementedError:
            return _jvp_by_reverse(fun, x, v)
        if nested:
            return value, tangent
        return _values(value), _values(tangent)
    return jvp


def _jvp_by_reverse(fun, x, v):
    """``(value, J v)`` by reverse mode twice: ``g(u) = uᵀJ`` is linear in ``u``, so
    ``J v = ∂(g(u) · v)/∂u`` (HIPS autograd's make_jvp_reversemode)."""
    vjp, value = _make_vjp(fun, x)
    value_leaves, value_spec = tree_flatten(value)
    zeros = tree_unflatten([numpy.zeros(numpy.shape(_value(leaf) if not isinstance(
        leaf, Tensor) else leaf.detach().numpy())) for leaf in value_leaves], value_spec)
    vjp_of_vjp, _ = _make_vjp(vjp, zeros if not _holds_tensor((x, v)) else
                              _tensors_like(zeros))
    return value, vjp_of_vjp(v)


def _tensors_like(tree):
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([chainrule.from_numpy(numpy.asarray(leaf, dtype=float))
                           for leaf in leaves], spec)


make_vjp = _unary_to_nary(_make_vjp)
make_jvp = _unary_to_nary(_make_jvp)
make_vjp.__doc__ = """``make_vjp(fun, argnum=0)(*args)`` is ``(vjp, value)``; ``vjp(g)`` is the
gradient of ``g · fun`` with respect to argument ``argnum``.

>>> from chainrule.numpy.autograd import make_vjp
>>> vjp, value = make_vjp(np.sin)(np.array([0.0, 1.0]))
>>> vjp(np.array([1.0, 2.0]))
array([1.        , 1.08060461])
"""
make_jvp.__doc__ = """``make_jvp(fun, argnum=0)(*args)`` is ``jvp``; ``jvp(v)`` is
``(value, J v)``, computed in forward mode.

>>> from chainrule.numpy.autograd import make_jvp
>>> make_jvp(np.sin)(np.array([0.0, 1.0]))(np.array([1.0, 1.0]))[1]
array([1.        , 0.54030231])
"""


def _ones_like(value):
    if type(value) is numpy.float64:
        return numpy.ones((), dtype=numpy.float64)
    leaves, spec = tree_flatten(value)
    return tree_unflatten([numpy.ones_like(numpy.asarray(_value(v)), dtype=float)
                           for v in leaves], spec)


_ONES = object()  # the cotangent of a scalar output: ones (the engine makes them itself)


def _value_and_grad(fun, x, name: str):
    """``(value, gradient)`` of scalar ``fun`` at ``x``.

    For one array (or number) and a scalar result, the common case, this is ``make_vjp``
    without its generality: one leaf, one ``backward()`` (each step of the general path
    costs a microsecond or two, a tenth of a small program's gradient).
    """
    if type(x) is numpy.ndarray or type(x) is float:
        start = _start(x)
        with _Recording():
            end = fun(start)
        # The graph's consumer counts serve twice: to see that it reaches no other leaf, and
        # as the backward pass's own (one walk of the graph instead of two).
        node = end.grad_fn if isinstance(end, Tensor) and end.requires_grad \
            and end.numel() == 1 else None
        consumers = count_consumers([node]) if node is not None else None
        if consumers is not None and not _other_leaf_in(consumers, (start,)):
            value = _value(end)
            # end.backward(retain_graph=True), less the argument handling that this call
            # has settled already (one float output, its gradient the engine's ones).
            if is_grad_enabled():
                run_backward((end,), (None,), True, False, consumers=consumers)
            else:
                with chainrule.enable_grad():
                    run_backward((end,), (None,), True, False, consumers=consumers)
            return value, _value(start.grad, x)
        vjp, value = _vjp_of([x], None, [start], end)  # the general path, fun not run again
    else:
        vjp, value = _make_vjp(fun, x)
    _scalar_check(value, name)
    return value, vjp(_ONES)


def _scalar_check(value, name: str) -> None:
    if type(value) is not numpy.float64 and numpy.size(_value(value)) != 1:
        raise TypeError(f"{name} only applies to real scalar-output functions. Try jacobian, "
                        "elementwise_grad or make_vjp.")


@_unary_to_nary
def grad(fun, x):
    """``grad(fun, argnum=0)`` returns the gradient of scalar-valued ``fun`` with respect to
    argument ``argnum``, of the same type as that argument.

    >>> from chainrule.numpy.autograd import grad
    >>> grad(lambda x: 3 * x ** 2 - 4 * x)(1.0)
    np.float64(2.0)
    """
    return _value_and_grad(fun, x, "grad")[1]


@_unary_to_nary
def value_and_grad(fun, x):
    """``value_and_grad(fun, argnum=0)`` returns ``(fun(...), grad(fun)(...))`` from one pass
    (for ``scipy.optimize.minimize(..., jac=True)``).

    >>> from chainrule.numpy.autograd import value_and_grad
    >>> value_and_grad(lambda x: np.sum(x ** 2))(np.array([1.0, 2.0]))
    (np.float64(5.0), array([2., 4.]))
    """
    return _value_and_grad(fun, x, "value_and_grad")


@_unary_to_nary
def grad_and_aux(fun, x):
    """For ``fun`` returning ``(value, aux)``: ``(gradient of value, aux)``.

    >>> from chainrule.numpy.autograd import grad_and_aux
    >>> grad_and_aux(lambda x: (np.sum(x ** 2), 'aux'))(np.array([1.0, 2.0]))
    (array([2., 4.]), 'aux')
    """
    vjp, (value, aux) = _make_vjp(lambda x: tuple(fun(x)), x)
    ones = _ones_like(value)
    return vjp((ones, numpy.zeros_like(numpy.asarray(_value(aux)), dtype=float)
                if isinstance(_value(aux), (numpy.ndarray, float)) else aux)), aux


@_unary_to_nary
def elementwise_grad(fun, x):
    """The sum of each column of the Jacobian (its diagonal when the function is elementwise),
    in one backward pass.

    >>> from chainrule.numpy.autograd import elementwise_grad
    >>> elementwise_grad(np.tanh)(np.array([0.0, 1.0]))
    array([1.        , 0.41997434])
    """
    vjp, value = _make_vjp(fun, x)
    return vjp(_ones_like(value))


@_unary_to_nary
def deriv(fun, x):
    """The Jacobian times a vector of ones, in forward mode (the derivative of a function of
    one number).

    >>> from chainrule.numpy.autograd import deriv
    >>> deriv(np.sin)(0.0)
    np.float64(1.0)
    """
    return _make_jvp(fun, x)(_ones_like(x))[1]


def _stack(parts, shape):
    from . import reshape, stack
    return reshape(stack(parts), shape)


@_unary_to_nary
def jacobian(fun, x):
    """The Jacobian of ``fun`` (shape: output shape + input shape), one backward pass per output
    element.

    >>> from chainrule.numpy.autograd import jacobian
    >>> jacobian(lambda x: x ** 2)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    vjp, value = _make_vjp(fun, x)
    out_shape = tuple(value.shape) if isinstance(value, Tensor) else numpy.shape(value)
    in_shape = tuple(x.shape) if isinstance(x, Tensor) else numpy.shape(x)
    dtype = value.dtype.np if isinstance(value, Tensor) else numpy.asarray(value).dtype
    size = int(numpy.prod(out_shape))
    parts = []
    for i in range(size):
        basis = numpy.zeros(size, dtype=dtype if dtype.kind == "f" else float)
        basis[i] = 1.0
        parts.append(vjp(basis.reshape(out_shape)))
    if not parts:
        return numpy.zeros(out_shape + in_shape)
    return _stack(parts, out_shape + in_shape)


@_unary_to_nary
def hessian(fun, x):
    """The Hessian of scalar ``fun``: ``jacobian(jacobian(fun))``.

    >>> from chainrule.numpy.autograd import hessian
    >>> hessian(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]))
    array([[ 6.,  0.],
           [ 0., 12.]])
    """
    return jacobian(jacobian(fun))(x)


@_unary_to_nary
def make_hvp(fun, x):
    """``(hvp, gradient)``: ``hvp(v)`` is the Hessian times ``v`` at ``x`` (the gradient's
    graph is kept, so many products cost one forward pass).

    >>> from chainrule.numpy.autograd import make_hvp
    >>> hvp, g = make_hvp(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]))
    >>> hvp(np.array([1.0, 0.0]))
    array([6., 0.])
    """
    return _make_vjp(grad(fun), x)


def hessian_tensor_product(fun, argnum=0):
    """A function of ``(*args, v)`` that returns the Hessian of ``fun`` times tensor ``v``.

    >>> from chainrule.numpy.autograd import hessian_vector_product
    >>> hvp = hessian_vector_product(lambda x: np.sum(x ** 3))
    >>> hvp(np.array([1.0, 2.0]), np.array([1.0, 1.0]))
    array([ 6., 12.])
    """
    fun_grad = grad(fun, argnum)

    def vector_dot_grad(*args, **kwargs):
        from . import ndim, tensordot
        args, vector = args[:-1], args[-1]
        return tensordot(fun_grad(*args, **kwargs), vector, ndim(vector))
    return grad(vector_dot_grad, argnum)


hessian_vector_product = hessian_tensor_product


def tensor_jacobian_product(fun, argnum=0):
    """A function of ``(*args, v)`` that returns ``v`` times the Jacobian of ``fun``.

    >>> from chainrule.numpy.autograd import vector_jacobian_product
    >>> vjp = vector_jacobian_product(lambda x: x ** 2)
    >>> vjp(np.array([1.0, 2.0]), np.array([1.0, 1.0]))
    array([2., 4.])
    """
    def vector_dot_fun(*args, **kwargs):
        from . import ndim, tensordot
        args, vector = args[:-1], args[-1]
        return tensordot(vector, fun(*args, **kwargs), axes=ndim(vector))
    return jacobian(vector_dot_fun, argnum)


vector_jacobian_product = tensor_jacobian_product


def grad_named(fun, argname: str):
    """``grad`` with respect to the argument called ``argname``.

    >>> from chainrule.numpy.autograd import grad_named
    >>> grad_named(lambda x, y: x * y, 'y')(2.0, 3.0)
    np.float64(2.0)
    """
    import inspect
    return grad(fun, list(inspect.signature(fun).parameters).index(argname))


# --- checking gradients against finite differences ----------------------------------------

_EPS = 1e-6
_TOL = 1e-6


class _Space:
    """The vector space of a value (a number, an array, or a list/tuple/dict of them)."""

    def __init__(self, value, rng):
        leaves, self.spec = tree_flatten(value)
        self.shapes = [numpy.shape(_value(v)) for v in leaves]
        self.rng = rng

    def randn(self):
        return tree_unflatten([self.rng.standard_normal(s) for s in self.shapes], self.spec)

    @staticmethod
    def combine(a, b, alpha: float):
        """``a + alpha * b``, leaf by leaf."""
        la, spec = tree_flatten(a)
        lb = tree_flatten(b)[0]
        return tree_unflatten([numpy.asarray(_value(x), dtype=float) + alpha * numpy.asarray(
            _value(y), dtype=float) for x, y in zip(la, lb)], spec)

    @staticmethod
    def inner(a, b) -> float:
        return float(sum(numpy.sum(numpy.asarray(_value(x), dtype=float)
                                   * numpy.asarray(_value(y), dtype=float))
                         for x, y in zip(tree_flatten(a)[0], tree_flatten(b)[0])))


def _numerical_jvp(f, x, v):
    """(f(x + v eps/2) - f(x - v eps/2)) / eps, by central differences on values."""
    plus = f(_Space.combine(x, v, _EPS / 2))
    minus = f(_Space.combine(x, v, -_EPS / 2))
    return _Space.combine(_Space.combine(plus, minus, -1.0), plus, 0.0 / _EPS) if False else \
        tree_unflatten([(numpy.asarray(_value(p), dtype=float) - numpy.asarray(_value(m),
                         dtype=float)) / _EPS for p, m in zip(tree_flatten(plus)[0],
                                                             tree_flatten(minus)[0])],
                       tree_flatten(plus)[1])


def _close(a: float, b: float) -> bool:
    return abs(a - b) < _TOL or abs(a - b) / abs(a + b) < _TOL


def _check_vjp(f, x, rng) -> None:
    vjp, y = _make_vjp(f, x)
    x_v, y_v = _Space(x, rng).randn(), _Space(y, rng).randn()
    exact = _Space.inner(x_v, vjp(y_v))
    numeric = _Space.inner(y_v, _numerical_jvp(f, x, x_v))
    if not _close(exact, numeric):
        raise AssertionError(f"Derivative (VJP) check of {getattr(f, '__name__', f)} failed "
                             f"with arg {x}:\nanalytic: {exact}\nnumeric:  {numeric}")


def _check_jvp(f, x, rng) -> None:
    x_v = _Space(x, rng).randn()
    exact = _make_jvp(f, x)(x_v)[1]
    numeric = _numerical_jvp(f, x, x_v)
    probe = _Space(numeric, rng).randn()
    a, b = _Space.inner(exact, probe), _Space.inner(numeric, probe)
    if not _close(a, b):
        raise AssertionError(f"Derivative (JVP) check of {getattr(f, '__name__', f)} failed "
                             f"with arg {x}:\nanalytic: {a}\nnumeric:  {b}")


@_unary_to_nary
def check_grads(f, x, modes=("fwd", "rev"), order=2):
    """Check ``f``'s derivatives against central finite differences, as HIPS autograd's
    ``check_grads``: in forward mode (``"fwd"``: J v) and reverse mode (``"rev"``: vᵀJ)
    along random directions, and recursively the derivatives of those up to ``order``.
    Raises AssertionError on a mismatch; use float64 values.

    >>> from chainrule.numpy.autograd import check_grads
    >>> check_grads(lambda x: np.sum(np.tanh(x) ** 2), modes=["fwd", "rev"], order=2)(
    ...     np.array([0.5, -1.0]))
    """
    _check_grads(f, x, tuple(modes), order, numpy.random.default_rng(0))


def _check_grads(f, x, modes, order, rng) -> None:
    if not set(modes) <= {"fwd", "rev"}:
        raise ValueError(f"modes must be 'fwd' and/or 'rev', got {modes}")
    if "fwd" in modes:
        _check_jvp(f, x, rng)
        if order > 1:
            def jvp_f(xv):
                return _make_jvp(f, xv[0])(xv[1])[1]
            jvp_f.__name__ = f"jvp_{getattr(f, '__name__', 'f')}"
            _check_grads(jvp_f, (x, _Space(x, rng).randn()), modes, order - 1, rng)
    if "rev" in modes:
        _check_vjp(f, x, rng)
        if order > 1:
            def vjp_f(xv):
                return _make_vjp(f, xv[0])[0](xv[1])
            vjp_f.__name__ = f"vjp_{getattr(f, '__name__', 'f')}"
            _check_grads(vjp_f, (x, _Space(f(x), rng).randn()), modes, order - 1, rng)
