"""User-defined differentiable operations: ``torch.autograd.Function``.

A ``Function`` subclass writes its forward on tensors (run without
recording) and its backward by hand::

    class Exp(Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad):
            (y,) = ctx.saved_tensors
            return grad * y

``Exp.apply(x)`` leaves an ``ExpBackward`` node in the graph.  It is a
``Node`` like every built-in op's, run by the same engine with the same
edges, hooks, version-checked saved tensors and un-broadcasting of
gradients: the built-in ops and user functions go through one mechanism.
The node is also the ``ctx`` (as in PyTorch), so attributes set on ``ctx``
in forward are there in backward.
"""
from __future__ import annotations

import functools
import warnings

from .._backend import xp
from ..tensor import Tensor, VersionCounter
from . import anomaly, forward_ad, grad_mode
from .graph import Node
from .op import gradient_edge
from .saved import FREED_MESSAGE, RELEASED, SavedTensor

__all__ = ["Function", "FunctionCtx", "BackwardCFunction", "once_differentiable",
           "InplaceFunction", "NestedIOFunction"]


class FunctionCtx:
    """What ``forward``/``setup_context`` can tell ``backward`` (``ctx``)."""

    def save_for_backward(self, *tensors) -> None:
        """Keep tensors (inputs, outputs or None) for backward; read them via ``saved_tensors``."""
        self.to_save = tensors

    def save_for_forward(self, *tensors) -> None:
        """Keep tensors for ``jvp``; there too they are read via ``saved_tensors``."""
        self.saved_for_forward = tensors

    def mark_dirty(self, *tensors) -> None:
        """Say which inputs ``forward`` changed in place (they must be returned as outputs)."""
        self.dirty_tensors = tensors

    def mark_non_differentiable(self, *tensors) -> None:
        """Say which outputs have no gradient (indices, masks); backward gets zeros for them."""
        self.non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """With False, backward receives None (not zeros) for outputs that got no gradient."""
        self.materialize_grads = value


_ACCESSED = object()  # saved tensors read once, with clear_saved_tensors_on_access


class _SavedOutput:
    """An output of the function, saved for its own backward.

    Kept as its array and version rather than the tensor: the output points
    at the node, and the node pointing back would be a reference cycle.
    """

    __slots__ = ("data", "counter", "version", "output_nr", "requires_grad")

    def __init__(self, tensor) -> None:
        if tensor._version_counter is None:
            tensor._version_counter = VersionCounter()
        self.data = tensor._data
        self.counter = tensor._version_counter
        self.version = self.counter.value
        self.output_nr = tensor._output_nr
        self.requires_grad = tensor._requires_grad

    def unpack(self, node):
        if self.counter.value != self.version:
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: output {self.output_nr} of {node.name()} is at version "
                f"{self.counter.value}; expected version {self.version} instead. Fix: use the "
                "out-of-place form of the operation, or .clone() the output before changing it.")
        t = Tensor._make(self.data)
        t._version_counter = self.counter
        if self.requires_grad:
            t._requires_grad = True
            t._grad_fn = node
            t._output_nr = self.output_nr
        return t


class BackwardCFunction(Node, FunctionCtx):
    """The graph node of a custom Function; also its ``ctx``.

    No ``__slots__``: ``ctx.anything = value`` must work, as in PyTorch.
    """

    _forward_cls: type = None  # the Function subclass; set on each generated node class

    def __init__(self) -> None:
        super().__init__()
        self.num_outputs = 1
        self.needs_input_grad = ()
        self.materialize_grads = True
        self.to_save = ()
        self.saved_for_forward = ()
        self.dirty_tensors = ()
        self.non_differentiable = ()
        self._tensor_positions = ()
        self._output_meta = ()
        self._in_jvp = False

    @property
    def saved_tensors(self) -> tuple:
        if self._in_jvp:
            return tuple(self.saved_for_forward)
        saved = self._saved
        if saved is RELEASED:
            raise RuntimeError(FREED_MESSAGE)
        if saved is None:
            return ()
        if saved is _ACCESSED:
            raise RuntimeError(
                "saved_tensors can only be accessed once when clear_saved_tensors_on_access="
                "True is set on the autograd.Function. Either access saved_tensors only once, "
                "or set clear_saved_tensors_on_access=False.")
        tensors = tuple(s.unpack(self) if isinstance(s, _SavedOutput)
                        else s.unpack() if isinstance(s, SavedTensor) else s for s in saved)
        if self._forward_cls.clear_saved_tensors_on_access:
            self._saved = _ACCESSED  # backward holds the only references now
        return tensors

    saved_variables = saved_tensors

    def apply(self, grads):
        cls = self._forward_cls
        grads = list(grads)
        if self.materialize_grads:
            for k, g in enumerate(grads):
                if g is None and self._output_meta[k] is not None:
                    shape, dtype = self._output_meta[k]
                    grads[k] = Tensor._make(xp.zeros(shape, dtype=dtype))
        results = cls.backward(self, *grads)
        if not isinstance(results, tuple):
            results = (results,)
        n_args = len(self.needs_input_grad)
        if len(results) != n_args:
            if len(results) > n_args and all(r is None for r in results[n_args:]):
                results = results[:n_args]
            else:
                raise RuntimeError(
                    f"function {self.name()} returned an incorrect number of gradients "
                    f"(expected {n_args}, got {len(results)}). Fix: backward must return one "
                    "gradient per argument of forward (None for non-tensor arguments).")
        out = []
        for k, position in enumerate(self._tensor_positions):
            g = results[position]
            if g is not None:
                g = self._check_grad(k, position, g)
            out.append(g)
        return out

    def _check_grad(self, k: int, position: int, g):
        if not isinstance(g, Tensor):
            raise TypeError(f"function {self.name()} returned a gradient of type "
                            f"{type(g).__name__} at index {position}; expected a Tensor or None.")
        meta = self.input_meta[k]
        if meta is not None:
            try:
                compatible = xp.broadcast_shapes(meta[0], g._data.shape) == g._data.shape
            except ValueError:
                compatible = False
            if not compatible:
                raise RuntimeError(
                    f"Function {self.name()} returned an invalid gradient at index {position} - "
                    f"got {list(g.shape)} but expected shape compatible with {list(meta[0])}. "
                    "Fix: return a gradient shaped like that input.")
        return g

    def release(self) -> None:
        if self._saved is not None:
            self._saved = RELEASED


class _FunctionMeta(type):
    """Gives each Function subclass its own node class, named ``<Name>Backward`` like PyTorch."""

    def __init__(cls, name, bases, namespace) -> None:
        super().__init__(name, bases, namespace)
        cls._backward_cls = type(f"{name}Backward", (BackwardCFunction,),
                                 {"_forward_cls": cls, "__module__": cls.__module__})


class Function(metaclass=_FunctionMeta):
    """Base class of user-defined operations with their own ``forward`` and ``backward``.

    ``forward(ctx, *args)`` computes the outputs (nothing inside is recorded);
    alternatively ``forward(*args)`` plus ``setup_context(ctx, inputs, output)``.
    ``backward(ctx, *grad_outputs)`` returns one gradient per forward argument
    (None where there is none).  Call it as ``MyFunction.apply(*args)``.

    >>> import chainrule as torch
    >>> class Cube(torch.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         (x,) = ctx.saved_tensors
    ...         return grad * 3 * x ** 2
    >>> x = torch.tensor(2.0, requires_grad=True)
    >>> y = Cube.apply(x); y
    tensor(8., grad_fn=<CubeBackward>)
    >>> y.backward(); x.grad
    tensor(12.)
    """

    generate_vmap_rule = False
    # True: backward's first read of ctx.saved_tensors frees them (a second read raises),
    # so backward can drop each one as soon as it is done with it.
    clear_saved_tensors_on_access = False

    def __init__(self, *args, **kwargs) -> None:
        warnings.warn(f"{type(self)} should not be instantiated. Methods on autograd functions "
                      "are all static, so you should invoke them on the class itself.",
                      DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please use "
            "new-style autograd function with static forward method. Fix: call "
            f"{type(self).__name__}.apply(...) on the class, with forward/backward as "
            "@staticmethod.")

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs: tuple, output) -> None:
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward "
                                  "mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("You must implement the jvp function for custom "
                                  "autograd.Function to use it with forward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = cls._backward_cls()
        if cls.backward is Function.backward and cls.vjp is not Function.vjp:
            cls.backward = cls.vjp  # a subclass that spells its backward "vjp"
        positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        uses_setup_context = cls.setup_context is not Function.setup_context
        with grad_mode.no_grad():
            if uses_setup_context:
                output = cls.forward(*args, **kwargs)
            else:
                output = cls.forward(ctx, *args, **kwargs)
        is_tuple = isinstance(output, tuple)
        outputs = list(output) if is_tuple else [output]
        if uses_setup_context:
            cls.setup_context(ctx, args, output)
        record = grad_mode.state.enabled and any(ctx.needs_input_grad)
        if record:  # before the outputs are attached: a dirty input's own history is an edge
            ctx.next_functions = tuple(gradient_edge(args[i]) for i in positions)
        outputs = _wrap_outputs(ctx, args, positions, outputs, record)
        if record:
            ctx.input_meta = [(args[i]._data.shape, args[i]._data.dtype) for i in positions]
            ctx._tensor_positions = positions
            ctx.num_outputs = len(outputs)
            ctx._output_meta = tuple(
                (o._data.shape, o._data.dtype) if isinstance(o, Tensor) else None
                for o in outputs)
            ctx._saved = _pack_saved(ctx, outputs)
            if grad_mode.anomaly_enabled():
                anomaly.record_trace(ctx)
        if grad_mode.flags.forward_ad and any(args[i]._fw_grad is not None for i in positions):
            _forward_mode(cls, ctx, args, outputs)
        ctx.to_save = ()  # the packed copies in _saved are what backward reads
        return tuple(outputs) if is_tuple else outputs[0]


def _wrap_outputs(ctx, args, positions, outputs, record) -> list:
    """Attach the outputs to the node (or not: non-differentiable outputs, no recording)."""
    dirty = {id(t) for t in ctx.dirty_tensors}
    non_diff = {id(t) for t in ctx.non_differentiable}
    input_ids = {id(args[i]) for i in positions}
    wrapped = []
    for k, out in enumerate(outputs):
        if not isinstance(out, Tensor):
            wrapped.append(out)
            continue
        if id(out) in dirty:
            if out._grad_fn is None and out._requires_grad and record:
                raise RuntimeError(
                    "a leaf Variable that requires grad is being used in an in-place operation. "
                    "Fix: mark_dirty only on non-leaf tensors, or .clone() the input first.")
            if out._version_counter is None:
                out._version_counter = VersionCounter()
            out._version_counter.value += 1
        elif id(out) in input_ids:
            # An input returned unchanged: the output is a new tensor on the same
            # memory, so giving it this node's history leaves the input's alone.
            alias = Tensor._make(out._data)
            if out._version_counter is None:
                out._version_counter = VersionCounter()
            alias._version_counter = out._version_counter
            alias._base = out if out._base is None else out._base
            out = alias
        if record and id(outputs[k]) not in non_diff and out.dtype.is_floating_point:
            out._requires_grad = True
            out._grad_fn = ctx
            out._output_nr = k
        elif id(outputs[k]) in non_diff:
            out._requires_grad = False
            out._grad_fn = None
        wrapped.append(out)
    # mark_non_differentiable/save_for_backward name the tensors forward returned;
    # map them to the (possibly new) output tensors.
    replaced = {id(old): new for old, new in zip(outputs, wrapped) if old is not new}
    if replaced:
        ctx.to_save = tuple(replaced.get(id(t), t) for t in ctx.to_save)
    return wrapped


def _pack_saved(ctx, outputs) -> tuple:
    output_ids = {id(o) for o in outputs if isinstance(o, Tensor) and o._grad_fn is ctx}
    packed = []
    for t in ctx.to_save:
        if t is None or not isinstance(t, Tensor):
            if t is not None:
                raise TypeError("save_for_backward can only save variables, but argument 0 is "
                                f"of type {type(t).__name__}. Fix: store non-tensors as "
                                "attributes of ctx instead (ctx.k = k).")
            packed.append(None)
        elif id(t) in output_ids:
            packed.append(_SavedOutput(t))
        else:
            packed.append(SavedTensor(t, ctx.name()))
    return tuple(packed)


def _forward_mode(cls, ctx, args, outputs) -> None:
    """Run the Function's ``jvp`` and attach the output tangents (forward-mode AD)."""
    if cls.jvp is Function.jvp:
        raise NotImplementedError(
            f"Trying to use forward AD with {cls.__name__} that does not support it because it "
            f"has not been implemented yet. Fix: define a @staticmethod jvp(ctx, *tangents) on "
            f"{cls.__name__} (save what it needs with ctx.save_for_forward).")
    tangents = []
    for a in args:
        if isinstance(a, Tensor):
            t = a._fw_grad
            tangents.append(t if t is not None else Tensor._make(_zeros_like_array(a._data)))
        else:
            tangents.append(None)
    ctx._in_jvp = True
    try:
        with forward_ad._paused():
            result = cls.jvp(ctx, *tangents)
    finally:
        ctx._in_jvp = False
    results = result if isinstance(result, tuple) else (result,)
    for out, t in zip(outputs, results):
        if isinstance(out, Tensor) and t is not None:
            forward_ad._set_tangent(out, t)


def _zeros_like_array(a):
    return xp.zeros_like(a)


class _DelayedErrorNode(Node):
    """Stands in for a once_differentiable backward's graph: differentiating it is an error."""

    __slots__ = ("message",)

    def apply(self, grads):
        raise RuntimeError(self.message)


def once_differentiable(backward):
    """Decorator for a ``backward`` that cannot itself be differentiated (e.g. NumPy code).

    It runs without recording; if a second derivative is asked for through it,
    backward of the result raises instead of silently returning zero.

    >>> import chainrule as torch
    >>> from chainrule.autograd.function import once_differentiable
    >>> class Twice(torch.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         return x * 2
    ...     @staticmethod
    ...     @once_differentiable
    ...     def backward(ctx, grad):
    ...         return grad * 2
    >>> x = torch.ones(2, requires_grad=True)
    >>> Twice.apply(x).sum().backward(); x.grad
    tensor([2., 2.])
    """
    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        with grad_mode.no_grad():
            results = backward(ctx, *grads)
        if not grad_mode.state.enabled:
            return results
        # create_graph=True: the gradients should depend on the graph but cannot, so
        # they get a node that raises if anyone differentiates through it.
        sources = [g for g in grads if isinstance(g, Tensor) and g._requires_grad]
        if not sources:
            return results
        node = _DelayedErrorNode()
        node.message = ("trying to differentiate twice a function that was marked with "
                        "@once_differentiable. Fix: write the backward with differentiable "
                        "tensor operations and drop @once_differentiable.")
        node.next_functions = tuple(gradient_edge(g) for g in sources)
        node.input_meta = [(g._data.shape, g._data.dtype) for g in sources]
        single = not isinstance(results, tuple)
        wrapped = []
        for r in (results,) if single else results:
            if isinstance(r, Tensor):
                r = r.detach()
                r._requires_grad = True
                r._grad_fn = node
            wrapped.append(r)
        return wrapped[0] if single else tuple(wrapped)
    return wrapper


class InplaceFunction(Function):
    """A Function with an ``inplace`` flag (kept for compatibility with PyTorch)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace


class NestedIOFunction(Function):
    """Accepted for compatibility; use ``Function`` with tuples of tensors instead."""
