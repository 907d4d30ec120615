"""The recorded graph: nodes, the edges between them, and saved values.

Each operation that involves a tensor requiring grad leaves behind one
``Node``.  Its ``next_functions`` are edges ``(node, output_nr)`` pointing at
the nodes that produced its inputs (or at an ``AccumulateGrad`` for a leaf),
so the graph points backwards, from results to the leaves; nothing points
forwards, so a result that goes out of scope frees the part of the graph only
it used.
"""
from __future__ import annotations

import weakref


class VersionCounter:
    """Counts the in-place changes to one storage; shared by a tensor and its views."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0


RELEASED = object()  # marks a node whose saved values backward has already freed

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward. Fix: pass retain_graph=True to the first backward()."
)


# (pack_hook, unpack_hook) pairs of the active saved_tensors_hooks blocks, innermost last.
SAVED_TENSORS_HOOKS: list = []


class saved_tensors_hooks:
    """Transform every tensor saved for backward: ``pack_hook(t)`` when saved, ``unpack_hook``
    when backward needs it (e.g. move it to disk, compress it, or log it).

    >>> import chainrule as torch
    >>> seen = []
    >>> def pack(t):
    ...     seen.append(tuple(t.shape)); return t.detach().numpy().copy()
    >>> x = torch.ones(3, requires_grad=True)
    >>> with torch.autograd.graph.saved_tensors_hooks(pack, torch.from_numpy):
    ...     y = (x * x).sum()
    >>> y.backward(); x.grad, seen
    (tensor([2., 2., 2.]), [(3,), (3,)])
    """

    def __init__(self, pack_hook, unpack_hook) -> None:
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        SAVED_TENSORS_HOOKS.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc) -> bool:
        SAVED_TENSORS_HOOKS.pop()
        return False


class disable_saved_tensors_hooks:
    """Inside this block, using saved_tensors_hooks raises (for code that must not be hooked)."""

    def __init__(self, error_message: str) -> None:
        self.error_message = error_message

    def __enter__(self):
        message = self.error_message

        def refuse(_):
            raise RuntimeError(message)
        SAVED_TENSORS_HOOKS.append((refuse, refuse))
        return self

    def __exit__(self, *exc) -> bool:
        SAVED_TENSORS_HOOKS.pop()
        return False


class SavedTensor:
    """A tensor kept for backward, with the version it had when it was saved.

    If the tensor is changed in place before backward uses it, the gradient
    would be computed from the wrong values; ``unpack`` raises instead.
    """

    __slots__ = ("tensor", "version", "node_name", "hooks_unpack", "counter")

    def __init__(self, tensor, node_name: str) -> None:
        # A tensor without a counter has never been changed in place: version 0.  (The
        # counter is made by the first in-place change; not making it here saves an object
        # per saved tensor.)
        counter = tensor._version_counter
        self.version = 0 if counter is None else counter.value
        self.node_name = node_name
        if SAVED_TENSORS_HOOKS:  # saved_tensors_hooks: keep what pack returns instead
            if counter is None:
                counter = tensor._version_counter = VersionCounter()
            pack, self.hooks_unpack = SAVED_TENSORS_HOOKS[-1]
            self.counter = counter
            self.tensor = pack(tensor)
            return
        self.tensor = tensor
        self.hooks_unpack = None

    def unpack_data(self, node=None):
        """The saved tensor's array, after the version check; a 0-d one as a NumPy scalar.

        NumPy computes on scalars about ten times faster than on 0-d arrays (50 ns
        against 500 ns a multiplication), with the same dtype rules: scalar chains,
        such as the lecture's, spend most of their backward pass on that.
        """
        data = self.unpack(node)._data
        return data[()] if data.ndim == 0 else data

    def unpack(self, node=None):  # node: the same signature as SavedResult.unpack
        if self.hooks_unpack is not None:
            if self.counter.value != self.version:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by "
                    f"an inplace operation: a tensor saved by {self.node_name} is at version "
                    f"{self.counter.value}; expected version {self.version} instead.")
            return self.hooks_unpack(self.tensor)
        t = self.tensor
        counter = t._version_counter
        if counter is not None and counter.value != self.version:
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [{t.dtype.name} {list(t.shape)}], which is output 0 of "
                f"{self.node_name}, is at version {counter.value}; expected version "
                f"{self.version} instead. Fix: use the out-of-place form of the operation "
                "(e.g. x = x * 2 instead of x *= 2), or .clone() the tensor before changing it."
            )
        return t


class Node:
    """One recorded operation: turns gradients of its outputs into gradients of its inputs.

    Subclasses define ``apply(grads) -> list`` with one entry per edge in
    ``next_functions`` (``None`` where no gradient flows).  ``input_meta``
    holds ``(shape, dtype)`` of each input so the engine can undo broadcasting
    and dtype promotion in one place for every rule.

    >>> import chainrule as torch
    >>> y = (torch.ones(2, requires_grad=True) * 2).sum()
    >>> isinstance(y.grad_fn, torch.autograd.graph.Node), y.grad_fn.name()
    (True, 'SumBackward0')
    >>> y.grad_fn.next_functions[0][0].name()
    'MulBackward0'
    """

    __slots__ = ("next_functions", "input_meta", "_saved", "__weakref__", "__dict__")

    num_outputs = 1
    # Hooks and anomaly data are rare: they default to None on the class, and only a
    # node that has some gets an instance __dict__.  Making a node stays cheap.
    _pre_hooks = None
    _hooks = None
    _tensor_pre_hooks = None
    _anomaly_trace = None
    _metadata = None
    _hooked = False  # True once any hook is registered: the engine checks this one flag

    def __init__(self) -> None:
        self._saved = None
        self.next_functions = ()
        self.input_meta = ()

    def name(self) -> str:
        """PyTorch's name for this node, e.g. ``MulBackward0``."""
        return type(self).__name__

    @property
    def metadata(self) -> dict:
        if self._metadata is None:
            self._metadata = {}
        return self._metadata

    def apply_arrays(self, grads):
        """``apply`` for a backward pass on NumPy arrays (one that records nothing).

        This node's rules take tensors: the arrays are wrapped and the results
        unwrapped.  ``OpNode`` runs most of its formulas on the arrays themselves.
        """
        results = self.apply([None if g is None else wrap_array(g) for g in grads])
        return [None if r is None else r._data for r in results]

    def release(self) -> None:
        """Free what was saved for backward (called after the node has run)."""
        if self._saved is not None:
            self._saved = RELEASED

    def register_hook(self, hook):
        """``hook(grad_inputs, grad_outputs)`` runs after this node; may return new grad_inputs."""
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        self._hooked = True
        return _RemovableHandle(self._hooks, hook)

    def register_prehook(self, hook):
        """``hook(grad_outputs)`` runs before this node; it may return new grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = []
        self._pre_hooks.append(hook)
        self._hooked = True
        return _RemovableHandle(self._pre_hooks, hook)

    def _add_tensor_pre_hook(self, output_nr: int, hook):
        if self._tensor_pre_hooks is None:
            self._tensor_pre_hooks = {}
        self._hooked = True
        hooks = self._tensor_pre_hooks.setdefault(output_nr, [])
        hooks.append(hook)
        return _RemovableHandle(hooks, hook)

    def __repr__(self) -> str:
        # The class name, as PyTorch prints it (AccumulateGrad's name() differs from it).
        return f"<{type(self).__name__} object at {hex(id(self))}>"


class AccumulateGrad(Node):
    """The node at a leaf: adds the incoming gradient into ``variable.grad``."""

    __slots__ = ("variable",)

    def __init__(self, variable) -> None:
        super().__init__()
        self.variable = variable

    def apply(self, grads):
        raise AssertionError("the engine accumulates leaves itself")

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"  # PyTorch's spelling


def grad_accumulator(tensor) -> AccumulateGrad:
    """The leaf's AccumulateGrad node, made on first use and shared while it lives.

    The leaf holds it only weakly (the graph holds it strongly), so a leaf
    that is no longer in any graph does not keep a node alive.
    """
    ref = tensor._accumulator
    node = ref() if ref is not None else None
    if node is None:
        node = AccumulateGrad(tensor)
        tensor._accumulator = weakref.ref(node)
    return node


refresh_view = None  # set by chainrule.ops.indexing (a layer above): re-derives a stale view
wrap_array = None  # set by chainrule.autograd.function: a tensor around an array


def gradient_edge(tensor):
    """The edge along which a gradient for ``tensor`` travels: ``(node, output_nr)``."""
    if tensor.grad_fn is not None:
        base = tensor._base
        if base is not None and base.grad_fn is not tensor._view_base_fn \
                and tensor._view_base_fn is not None:
            refresh_view(tensor)  # the base was changed in place since this view was taken
        return (tensor.grad_fn, tensor._output_nr)
    if tensor._requires_grad:
        return (grad_accumulator(tensor), 0)
    return (None, 0)


class _RemovableHandle:
    __slots__ = ("_hooks", "_hook")

    def __init__(self, hooks: list, hook) -> None:
        self._hooks = hooks
        self._hook = hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)
