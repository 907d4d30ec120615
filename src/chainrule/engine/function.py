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

What ``apply`` does with forward's outputs follows PyTorch's rules:

- an input returned as it is comes back as a new tensor on the same memory
  (a view of the input), so that the input's own history is left alone;
- an input changed in place and named by ``ctx.mark_dirty`` is returned
  itself, with this node as its history (through CopySlices if it is a view);
- views returned by forward cannot be changed in place afterwards (the
  custom backward would not know), nor can the inputs of a Function that
  changes a view in place and returns several outputs;
- in forward mode, ``jvp`` must keep these relations between the tangents:
  the tangent of a returned view is a view of the input's tangent, and the
  tangent of an input changed in place is changed in place.
"""
from __future__ import annotations

import functools
import inspect
import threading
import warnings
import weakref
from collections import namedtuple

from .._backend import xp
from ..tensor import Tensor, VersionCounter
from . import anomaly, forward_ad, grad_mode
from .graph import Node, grad_accumulator
from .inplace import check_view_inplace, rebase_history, set_tangent_inplace
from .op import gradient_edge, view_key
from .saved import FREED_MESSAGE, RELEASED, SavedTensor
from .views import IN_CUSTOM_FUNCTION, MULTI_OUTPUT

__all__ = ["Function", "FunctionCtx", "BackwardCFunction", "once_differentiable",
           "InplaceFunction", "NestedIOFunction", "VmapInfo", "vmap_level"]


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

    def __init__(self, tensor, output_nr: int) -> None:
        if tensor._version_counter is None:
            tensor._version_counter = VersionCounter()
        self.data = tensor._data
        self.counter = tensor._version_counter
        self.version = self.counter.value
        self.output_nr = output_nr
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

    @property
    def saved_variables(self) -> tuple:
        warnings.warn("'saved_variables' is deprecated; use 'saved_tensors'", DeprecationWarning,
                      stacklevel=2)
        return self.saved_tensors

    def apply(self, grads):
        backward = _user_backward(self._forward_cls)
        grads = list(grads)
        if self.materialize_grads:
            for k, g in enumerate(grads):
                if g is None and self._output_meta[k] is not None:
                    shape, dtype = self._output_meta[k]
                    grads[k] = Tensor._make(xp.zeros(shape, dtype=dtype))
        results = backward(self, *grads)
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
    ``backward(ctx, *grad_outputs)`` (or ``vjp``) returns one gradient per
    forward argument (None where there is none); ``jvp(ctx, *tangents)`` gives
    forward mode.  Call it as ``MyFunction.apply(*args)``.

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

    # Under chainrule.func.vmap: True runs forward/setup_context/backward once per sample
    # (the rule vmap generates); False asks for a ``vmap`` staticmethod.
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

    vjp = backward  # the same method under its functional name: define one or the other

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError(
            "You must implement the jvp function for custom autograd.Function to use it with "
            "forward mode AD. Fix: define a @staticmethod jvp(ctx, *tangents) (it reads what "
            "forward kept with ctx.save_for_forward).")

    @staticmethod
    def vmap(info, in_dims, *args):
        """The Function under ``chainrule.func.vmap``: ``(outputs, out_dims)`` for batched ``args``.

        ``in_dims`` says, per argument, which dimension is the batch (None: not
        batched).  chainrule's vmap is a loop over the batch, so this is called
        once per sample, with a batch of one (``info.batch_size == 1``).
        """
        raise NotImplementedError("To use autograd.Function with vmap, you must either override "
                                  "the vmap staticmethod or set generate_vmap_rule=True.")

    @classmethod
    def apply(cls, *args, **kwargs):
        uses_setup_context = cls.setup_context is not Function.setup_context
        if uses_setup_context:
            args, kwargs = _bind_defaults(cls, args, kwargs)
        if _vmap.levels:
            return _apply_in_vmap(cls, args, kwargs, uses_setup_context)
        ctx = cls._backward_cls()
        positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        record = grad_mode.state.enabled and any(ctx.needs_input_grad)
        if record:  # as forward finds them (it may change an input, or the base of one, in place)
            ctx.next_functions = tuple(gradient_edge(args[i]) for i in positions)
        with grad_mode.no_grad():
            if grad_mode.flags.forward_ad:
                with forward_ad._paused():  # tangents are the business of jvp
                    output = _run_forward(cls, ctx, args, kwargs, uses_setup_context)
            else:
                output = _run_forward(cls, ctx, args, kwargs, uses_setup_context)
        is_tuple = isinstance(output, tuple)
        raw = output if is_tuple else (output,)
        outputs, differentiable = _wrap_outputs(ctx, args, positions, raw, record)
        if record:
            ctx.input_meta = [(args[i]._data.shape, args[i]._data.dtype) for i in positions]
            ctx._tensor_positions = positions
            ctx.num_outputs = len(outputs)
            ctx._output_meta = tuple(
                (o._data.shape, o._data.dtype) if isinstance(o, Tensor) else None
                for o in outputs)
            ctx._saved = _pack_saved(ctx, raw, outputs, differentiable)
            if grad_mode.anomaly_enabled():
                anomaly.record_trace(ctx)
        if grad_mode.flags.forward_ad and any(args[i]._fw_grad is not None for i in positions):
            _forward_mode(cls, ctx, args, positions, raw, outputs)
        # Done with what forward handed over (the packed copies in _saved are what backward
        # reads).  Kept, these tensors would keep the outputs alive: an output's history
        # is this node, so the two would form a reference cycle.
        ctx.to_save = ctx.dirty_tensors = ctx.non_differentiable = ctx.saved_for_forward = ()
        return tuple(outputs) if is_tuple else outputs[0]


def _run_forward(cls, ctx, args, kwargs, uses_setup_context):
    if not uses_setup_context:
        return cls.forward(ctx, *args, **kwargs)
    output = cls.forward(*args, **kwargs)
    cls.setup_context(ctx, args, output)
    return output


def _user_backward(cls):
    """The Function's backward, spelled ``backward`` or ``vjp`` (not both)."""
    backward, vjp = cls.backward, cls.vjp
    if vjp is Function.vjp:
        return backward
    if backward is not Function.backward:
        raise RuntimeError("Implementing both 'backward' and 'vjp' for a custom Function is not "
                           "allowed. You should only implement one of them. Fix: delete one "
                           "of the two methods.")
    return vjp


# forward's signature per Function class, read once (setup_context's inputs get the defaults).
_SIGNATURES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _bind_defaults(cls, args: tuple, kwargs: dict) -> tuple:
    """``forward``'s arguments with its defaults filled in, as PyTorch gives them to
    ``setup_context`` (``inputs`` holds every argument, defaulted ones too)."""
    signature = _SIGNATURES.get(cls)
    if signature is None:
        signature = _SIGNATURES[cls] = inspect.signature(cls.forward)
    if not kwargs and len(args) >= len(signature.parameters):
        return args, kwargs  # every parameter is given: nothing to fill in
    bound = signature.bind(*args, **kwargs)
    bound.apply_defaults()
    return bound.args, bound.kwargs


# --- forward's outputs, attached to the node -----------------------------------------------

_NOT_AN_INPUT = ("ctx.mark_dirty() received a tensor that was not an input. Only input "
                 "Tensors that have been mutated should be passed to ctx.mark_dirty().")


def _wrap_outputs(ctx, args, positions, raw, record) -> tuple:
    """Attach forward's outputs to the node (or not: non-differentiable ones, no recording).

    Returns the outputs as ``apply`` returns them, and the positions of the
    differentiable ones (those whose gradient flows into this node).
    """
    inputs = {id(args[i]) for i in positions}
    for n, t in enumerate(ctx.dirty_tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"mark_dirty can only accept tensors, but argument {n} is of type "
                            f"{type(t).__name__}.")
    dirty = {id(t) for t in ctx.dirty_tensors}
    if not dirty <= {id(t) for t in raw}:
        raise RuntimeError(
            "Some elements marked as dirty during the forward method were not returned as "
            "output. The inputs that are modified inplace must all be outputs of the Function. "
            "Fix: return every tensor you pass to ctx.mark_dirty.")
    for t in ctx.dirty_tensors:
        t._bump_version()  # forward changed it: nodes that saved the old values refuse them
    non_differentiable = {id(t) for t in ctx.non_differentiable}
    outputs = []
    differentiable = set()
    for k, var in enumerate(raw):
        if not isinstance(var, Tensor):
            outputs.append(var)
            continue
        is_input = id(var) in inputs
        is_dirty = id(var) in dirty
        if not record or id(var) in non_differentiable or var._data.dtype.kind not in "fc":
            if not var._requires_grad:
                if is_input and not is_dirty:
                    var = _alias(var)
            elif is_input:
                var = var.detach()
            elif var._base is None:
                # detach_(), less its mark for saved tensors: nothing saved it yet, and
                # save_for_backward may name it as an output (which PyTorch allows)
                var._grad_fn, var._requires_grad = None, False
        elif is_dirty:
            _take_dirty(ctx, var, k, is_input, len(raw))
            differentiable.add(k)
        else:
            if is_input:  # a new tensor on its memory: the input's own history stays as it is
                var = _alias(var)
            var._requires_grad = True
            var._grad_fn = ctx
            var._output_nr = k
            if var._base is not None:  # this node describes it now, whatever forward did to it
                var._attr_version = var._version_counter.value
            differentiable.add(k)
        if var._base is not None and not (is_input and is_dirty):
            var._creation_meta = IN_CUSTOM_FUNCTION
        outputs.append(var)
    if len(differentiable) > 1:
        for var in outputs:
            if isinstance(var, Tensor) and var._base is not None:
                var._creation_meta = MULTI_OUTPUT
    return outputs, differentiable


def _alias(t: Tensor) -> Tensor:
    """A new tensor on ``t``'s memory, a view of it (what PyTorch returns for an input)."""
    alias = Tensor._make(t._data)
    if t._version_counter is None:
        t._version_counter = VersionCounter()
    alias._version_counter = t._version_counter
    alias._base = t if t._base is None else t._base
    alias._attr_version = t._version_counter.value
    return alias


def _take_dirty(ctx, var, k: int, is_input: bool, n_outputs: int) -> None:
    """Output ``k`` is a tensor forward changed in place: this node becomes its history."""
    if var._grad_fn is None and var._requires_grad:
        raise RuntimeError(
            "a leaf Variable that requires grad has been used in an in-place operation. Fix: "
            "pass a .clone() of the leaf to the Function.")
    if not is_input:
        if var._base is not None:
            raise RuntimeError(_NOT_AN_INPUT)
        warnings.warn(_NOT_AN_INPUT, UserWarning, stacklevel=4)
    if var._base is None:
        var._requires_grad = True
        var._grad_fn = ctx
        var._output_nr = k
        return
    if n_outputs > 1:
        raise RuntimeError(
            "If your Function modifies inplace an input that is a view of another Tensor, your "
            "Function cannot return more than one Tensor. This is not supported by the current "
            "autograd engine. You should either make sure the input is not a view (using "
            ".clone() for example) or make your Function only return one Tensor (potentially "
            "splitting it into two Functions: one doing the inplace that returns a single "
            "Tensor and a second one that does the other operations). You can ask on the forum "
            "https://discuss.pytorch.org/ if you need help to do this change.")
    # A view changed in place: as for a built-in in-place op, its base's history becomes
    # CopySlices, with this node's output in the view's place.
    check_view_inplace(var)
    result = Tensor._make(var._data)
    result._requires_grad = True
    result._grad_fn = ctx
    result._output_nr = k
    rebase_history(var, result, view_key(var._base._data, var._data))


def _pack_saved(ctx, raw, outputs, differentiable) -> tuple:
    """What ``save_for_backward`` named, kept for backward (outputs without a cycle)."""
    as_output = {id(r): k for k, r in enumerate(raw) if isinstance(r, Tensor)}
    packed = []
    for n, t in enumerate(ctx.to_save):
        if t is None:
            packed.append(None)
        elif not isinstance(t, Tensor):
            raise TypeError(f"save_for_backward can only save variables, but argument {n} is "
                            f"of type {type(t).__name__}. Fix: store non-tensors as "
                            "attributes of ctx instead (ctx.k = k).")
        elif id(t) in as_output:
            k = as_output[id(t)]
            packed.append(_SavedOutput(outputs[k], k) if k in differentiable
                          else SavedTensor(outputs[k], ctx.name()))
        else:
            packed.append(SavedTensor(t, ctx.name()))
    return tuple(packed)


# --- forward mode ----------------------------------------------------------------------------

def _forward_mode(cls, ctx, args, positions, raw, outputs) -> None:
    """Run the Function's ``jvp`` and give the outputs their tangents, checked as PyTorch does."""
    tangents = []
    given = {}  # argument position -> (its tangent, that tangent's version before jvp)
    for i, a in enumerate(args):
        t = None
        if isinstance(a, Tensor):
            t = a._fw_grad
            if t is not None:
                given[i] = (t, t._version)
            elif ctx.materialize_grads and a._data.dtype.kind in "fc":
                t = Tensor._make(xp.zeros_like(a._data))
        tangents.append(t)
    ctx._in_jvp = True
    try:
        with forward_ad._paused():
            result = cls.jvp(ctx, *tangents)
    finally:
        ctx._in_jvp = False
    results = result if isinstance(result, tuple) else (result,)
    if len(results) != len(raw):
        raise RuntimeError(f"Function's jvp returned an invalid number of forward gradients "
                           f"(expected {len(raw)} but got {len(results)})")
    input_at = {id(args[i]): i for i in positions}
    base_at = {id(args[i]._base if args[i]._base is not None else args[i]): i for i in positions}
    dirty = {id(t) for t in ctx.dirty_tensors}
    non_differentiable = {id(t) for t in ctx.non_differentiable}
    for k, (var, out, t) in enumerate(zip(raw, outputs, results)):
        if not isinstance(var, Tensor):
            continue
        if id(var) in non_differentiable or var._data.dtype.kind not in "fc":
            if t is not None:
                raise RuntimeError(
                    f"Function's jvp returned a gradient at position {k}, but  the "
                    "corresponding forward output is not a differentiable Tensor.You should "
                    "return None at that position instead.")
            continue
        if id(var) in dirty:
            _check_dirty_tangent(out, t, input_at.get(id(var)), given)
        elif t is not None and not _view_tangent(out, t, args, base_at):
            forward_ad._set_tangent(out, t)


def _check_dirty_tangent(out, t, i, given) -> None:
    """An input changed in place must have its tangent changed in place, and returned."""
    if i is None:
        raise RuntimeError("Only input Tensors should be given to ctx.mark_dirty(). If a Tensor "
                           "is not an input, there is no need to pass it to mark_dirty().")
    if i not in given:
        if t is not None:
            set_tangent_inplace(out, t)
        return
    old, version = given[i]
    if t is None or t._version == version:
        raise RuntimeError(
            "An inplace custom Function is not modifying the forward mode gradients inplace. If "
            "the forward is modifying an input inplace, then the jvp function must modify the "
            "corresponding gradient inplace.")
    if t is not old:
        raise RuntimeError(
            "An inplace custom Function is not returning the forward mode gradients as-is. If "
            "the forward is modifying an input inplace, then the jvp function must modify the "
            "gradient inplace and return it as-is.")


def _view_tangent(out, t, args, base_at) -> bool:
    """For an output that is a view of an input: check that its tangent ``t`` is a view of
    the input's tangent (and set it, True), as a built-in view op's would be."""
    if out._base is None or id(out._base) not in base_at:
        return False
    tangent = args[base_at[id(out._base)]]._fw_grad
    if tangent is None:  # the input has no tangent: the output gets one as if changed in place
        set_tangent_inplace(out, t)
        return True
    if t._base is None:
        raise RuntimeError("A custom Function's forward is returning a view (or an input as-is) "
                           "but the jvp is not returning a view.")
    if tangent._base is not None and t._base is not tangent._base:
        raise RuntimeError("A custom Function is returning a view but the jvp is not returning "
                           "a view of the same base as the given grad input.")
    if tangent._base is None and t._base is not tangent:
        raise RuntimeError("A custom Function is returning a view but the jvp is not returning "
                           "a view of the given grad input.")
    forward_ad._set_tangent(out, t)
    return True


# --- under chainrule.func.vmap ---------------------------------------------------------------

VmapInfo = namedtuple("VmapInfo", ["batch_size", "randomness"])
VmapInfo.__doc__ = "What a Function's ``vmap`` staticmethod is told about the batch."


class _VmapState(threading.local):
    levels: tuple = ()  # (batch size, randomness) per func.vmap running here, innermost last


_vmap = _VmapState()


class vmap_level:
    """Marks the per-sample calls of ``chainrule.func.vmap``: a Function applied inside runs
    its ``vmap`` staticmethod (or, with ``generate_vmap_rule``, itself per sample).

    >>> from chainrule.engine.function import vmap_level
    >>> class Square(torch.autograd.Function):
    ...     generate_vmap_rule = True
    ...     @staticmethod
    ...     def forward(x): return x ** 2
    ...     @staticmethod
    ...     def setup_context(ctx, inputs, output): pass
    >>> with vmap_level(3, "error"):
    ...     Square.apply(torch.tensor(2.0))
    tensor(4.)
    """

    def __init__(self, batch_size: int, randomness: str) -> None:
        self.level = (batch_size, randomness)

    def __enter__(self) -> "vmap_level":
        self.previous = _vmap.levels
        _vmap.levels = self.previous + (self.level,)
        return self

    def __exit__(self, *exc) -> bool:
        _vmap.levels = self.previous
        return False


_EXTENDING_FUNC = "For more details, please see " \
                  "https://pytorch.org/docs/main/notes/extending.func.html"


def _apply_in_vmap(cls, args, kwargs, uses_setup_context):
    """``cls.apply`` on one sample of a ``func.vmap`` loop: PyTorch's checks, then the rule."""
    if not uses_setup_context:
        raise RuntimeError(
            "In order to use an autograd.Function with functorch transforms (vmap, grad, jvp, "
            "jacrev, ...), it must override the setup_context staticmethod. " + _EXTENDING_FUNC)
    if any(isinstance(v, Tensor) for v in kwargs.values()):
        raise NotImplementedError(
            "Run vmap on autograd.Function with kwarg-only Tensor args. Please do not pass "
            f"kwarg-only Tensors to autograd.Function. Got: {kwargs}")
    own_rule = cls.vmap is not Function.vmap
    if cls.generate_vmap_rule and own_rule:
        raise RuntimeError(
            f"You tried to vmap over {cls.__name__}, but it has both generate_vmap_rule=True "
            "and an overridden vmap staticmethod. Please set generate_vmap_rule=False or delete "
            "the overridden vmap staticmethod to avoid ambiguity. " + _EXTENDING_FUNC)
    if not cls.generate_vmap_rule and not own_rule:
        raise RuntimeError(
            f"You tried to vmap over {cls.__name__}, but it does not have vmap support. Please "
            "override and implement the vmap staticmethod or set generate_vmap_rule=True. "
            + _EXTENDING_FUNC)
    levels = _vmap.levels
    _vmap.levels = ()  # vmap's loops have taken the samples apart: below, apply is plain
    try:
        if cls.generate_vmap_rule:
            return cls.apply(*args, **kwargs)  # the loop is the generated rule
        in_dims = tuple(0 if isinstance(a, Tensor) else None for a in args)
        batched = [a.unsqueeze(0) if isinstance(a, Tensor) else a for a in args]
        result = cls.vmap(VmapInfo(1, levels[-1][1]), in_dims, *batched, **kwargs)
    finally:
        _vmap.levels = levels
    return _unbatched(result)


def _unbatched(result):
    """The sample inside the ``(output, out_dims)`` a vmap staticmethod returned."""
    expected = "Expected the vmap staticmethod to have two returns, an output and out_dims " \
               "with pytree structure compatible with the output. "
    if not isinstance(result, tuple):
        raise RuntimeError(expected + f"Got a {type(result)} instead")
    if len(result) != 2:
        raise RuntimeError(expected + f"Got {len(result)} returns instead")
    output, out_dims = result
    several = isinstance(output, tuple)
    outputs = output if several else (output,)
    dims = out_dims if isinstance(out_dims, tuple) else (out_dims,) * len(outputs)
    if len(dims) != len(outputs) or isinstance(out_dims, tuple) and not several:
        raise RuntimeError(
            "The autograd.Function's vmap staticmethod returned an incompatible (output, "
            f"out_dims) tuple. Expected out_dims={out_dims} to be compatible with the "
            "structure of `output`. " + _EXTENDING_FUNC)
    samples = tuple(o.select(d, 0) if isinstance(o, Tensor) and d is not None else o
                    for o, d in zip(outputs, dims))
    return samples if several else samples[0]


# --- once_differentiable ---------------------------------------------------------------------

class Error(Node):
    """The node of gradients that a ``once_differentiable`` backward computed: differentiating
    through it raises (PyTorch's DelayedError node, named ``Error``)."""

    __slots__ = ("message",)

    def name(self) -> str:
        return "torch::autograd::Error"

    def apply(self, grads):
        raise RuntimeError(self.message)


def once_differentiable(backward):
    """Decorator for a ``backward`` that cannot itself be differentiated (e.g. NumPy code).

    It runs without recording; if a second derivative is asked for through it,
    backward of the result raises instead of silently returning zero.

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
        if not any(isinstance(g, Tensor) and g._requires_grad for g in grads):
            return results
        # create_graph=True: the gradients should depend on the graph but cannot.  As in
        # PyTorch, each becomes a leaf that requires grad, and all of them go through one
        # Error node that raises if anyone differentiates through it.
        single = not isinstance(results, tuple)
        results = (results,) if single else results
        leaves = [r.detach().requires_grad_() if isinstance(r, Tensor) else None
                  for r in results]
        node = Error()
        node.message = ("trying to differentiate twice a function that was marked with "
                        "@once_differentiable. Fix: write the backward with differentiable "
                        "tensor operations and drop @once_differentiable.")
        node.next_functions = tuple((None, 0) if leaf is None else (grad_accumulator(leaf), 0)
                                    for leaf in leaves)
        node.input_meta = (None,) * len(leaves)
        node.num_outputs = len(leaves)
        wrapped = []
        for k, (r, leaf) in enumerate(zip(results, leaves)):
            if leaf is not None:
                r = Tensor._make(leaf._data)
                r._requires_grad = True
                r._grad_fn = node
                r._output_nr = k
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
