"""The recorded graph: nodes and the edges between them.

Each operation that involves a tensor requiring grad leaves behind one
``Node``.  Its ``next_functions`` are edges ``(node, output_nr)`` pointing at
the nodes that produced its inputs (or at an ``AccumulateGrad`` for a leaf),
so the graph points backwards, from results to the leaves; nothing points
forwards, so a result that goes out of scope frees the part of the graph only
it used.
"""
from __future__ import annotations

import weakref
from typing import NamedTuple

from ..tensor import Tensor, from_array
from .core import compiled

RELEASED = object()  # marks a node whose saved values backward has already freed


# A node's three fields: slots of Node with the pure core; with the compiled core they live
# in its C base type, NodeBase (_core_node.c), which keeps what the compiled core records
# (the tuples, and the nodes of a chain that only their consumer holds) out of the cyclic
# garbage collector's lists and walks them for it: a long graph costs the collector about
# one object per 17 ops instead of three per op.  Python code sees the same attributes.
_NodeBase = object if compiled is None else compiled.NodeBase
_FIELDS = ("next_functions", "input_meta", "_saved") if compiled is None else ()


class Node(_NodeBase):
    """One recorded operation: turns gradients of its outputs into gradients of its inputs.

    Subclasses define ``apply(grads) -> list`` with one entry per edge in
    ``next_functions`` (``None`` where no gradient flows).  ``input_meta``
    holds ``(shape, dtype)`` of each input so the engine can undo broadcasting
    and dtype promotion in one place for every rule.

    >>> y = (torch.ones(2, requires_grad=True) * 2).sum()
    >>> isinstance(y.grad_fn, torch.autograd.graph.Node), y.grad_fn.name()
    (True, 'SumBackward0')
    >>> y.grad_fn.next_functions[0][0].name()
    'MulBackward0'
    """

    __slots__ = _FIELDS + ("__weakref__", "__dict__")

    num_outputs = 1
    # Hooks and anomaly data are rare: they default to None on the class, and only a
    # node that has some gets an instance __dict__.  Making a node stays cheap.
    _pre_hooks = None  # {handle id: hook}, in the order they were registered
    _hooks = None
    _tensor_pre_hooks = None  # {output_nr: {handle id: hook}}
    _retains_grad_hooks = None  # {output_nr: hook}
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
        results = self.apply([None if g is None else from_array(g) for g in grads])
        return [None if r is None else r._data for r in results]

    def __call__(self, *grads):
        """Apply the node to gradients of its outputs, one argument per output, as PyTorch lets
        one call ``y.grad_fn(g)``: its inputs' gradients (one per edge, not reduced to the
        inputs' shapes, which the engine does), recorded if grad mode is on."""
        if len(grads) != self.num_outputs:
            raise TypeError(f"expected {self.num_outputs} arguments, got {len(grads)} instead")
        for i, g in enumerate(grads):
            if g is not None and not isinstance(g, Tensor):
                raise TypeError(f"argument {i} is not a Variable")
        if all(g is None for g in grads):
            results = [None] * len(self.next_functions)
        else:
            results = self.apply(list(grads))
        return results[0] if len(results) == 1 else tuple(results)

    def release(self) -> None:
        """Free what was saved for backward (called after the node has run)."""
        if self._saved is not None:
            self._saved = RELEASED

    def register_hook(self, hook):
        """``hook(grad_inputs, grad_outputs)`` runs after this node; it may return new
        grad_inputs (the gradients this node sends to its inputs)."""
        if self._hooks is None:
            self._hooks = {}
        self._hooked = True
        return RemovableHandle(self._hooks, hook)

    def register_prehook(self, hook):
        """``hook(grad_outputs)`` runs before this node; it may return new grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = {}
        self._hooked = True
        return RemovableHandle(self._pre_hooks, hook)

    def add_tensor_pre_hook(self, output_nr: int, hook):
        """A hook of the tensor that is output ``output_nr`` of this node (``register_hook``):
        it sees that output's gradient before the node's own pre-hooks do."""
        if self._tensor_pre_hooks is None:
            self._tensor_pre_hooks = {}
        self._hooked = True
        return RemovableHandle(self._tensor_pre_hooks.setdefault(output_nr, {}), hook)

    def set_retains_grad_hook(self, output_nr: int, hook) -> None:
        """The hook that keeps output ``output_nr``'s gradient in its ``.grad`` (``retain_grad``),
        or None to drop it; it runs after every tensor hook of that output (PyTorch's order)."""
        if self._retains_grad_hooks is None:
            self._retains_grad_hooks = {}
        if hook is None:
            self._retains_grad_hooks.pop(output_nr, None)
        else:
            self._retains_grad_hooks[output_nr] = hook
            self._hooked = True

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
    that is no longer in any graph does not keep a node alive.  (C twin, which the
    compiled core records with: ``_core_front.c`` c_grad_accumulator, which makes the node
    as ``AccumulateGrad.__init__`` and ``Node.__init__`` would.)
    """
    ref = tensor._accumulator
    node = ref() if ref is not None else None
    if node is None:
        node = AccumulateGrad(tensor)
        tensor._accumulator = weakref.ref(node)
    return node


class GradientEdge(NamedTuple):
    """Where a gradient enters the graph: output ``output_nr`` of ``node`` (PyTorch's
    ``torch.autograd.graph.GradientEdge``).  ``grad``/``backward`` take edges where they
    take tensors, as outputs and as ``inputs=``.  (``ownership_token`` is PyTorch's way to
    keep a graph alive; here the node itself does that, and it stays None.)

    >>> x = torch.ones(2, requires_grad=True).clone()
    >>> edge = torch.autograd.graph.get_gradient_edge(x)
    >>> x = x * 3
    >>> torch.autograd.grad(x.sum(), edge)
    (tensor([3., 3.]),)
    """

    node: Node
    output_nr: int
    ownership_token: object = None


def output_meta(node: Node, output_nr: int):
    """``(shape, dtype)`` of output ``output_nr`` of ``node`` where the node knows it (a
    leaf, a node with several outputs, a custom Function, an edge taken from a tensor), or
    None.  (An ordinary node does not keep its output's shape: nothing needs it but a
    ``GradientEdge`` used as the start of a backward pass.)"""
    if type(node) is AccumulateGrad:
        data = node.variable._data
        return data.shape, data.dtype
    for name in ("_edge_meta", "output_meta", "_output_meta"):
        known = getattr(node, name, None)
        if known is not None and output_nr < len(known) and known[output_nr] is not None:
            return known[output_nr]
    return None


def remember_output_meta(node: Node, output_nr: int, tensor) -> None:
    """Keep ``tensor``'s shape and dtype as ``node``'s output ``output_nr`` (for an edge
    taken from it: ``output_meta``)."""
    if output_meta(node, output_nr) is None:
        known = list(getattr(node, "_edge_meta", None) or ())
        known.extend([None] * (output_nr + 1 - len(known)))
        known[output_nr] = (tensor._data.shape, tensor._data.dtype)
        node._edge_meta = tuple(known)


def retains_grad_hook(tensor):
    """The retains-grad hook of ``tensor``: adds the gradient to its ``.grad`` (it holds the
    tensor weakly: the graph must not keep a tensor alive)."""
    ref = weakref.ref(tensor)

    def store(grad):
        t = ref()
        if t is not None and grad is not None:
            if t._grad is None:
                t._grad = grad.detach().clone()
            else:
                t._grad = t._grad + grad.detach()
    return store


def move_retains_grad(tensor, old_node, old_nr: int) -> None:
    """``tensor`` now has another ``grad_fn`` (an in-place change): its retains-grad hook
    moves from ``old_node`` to the new node, as in PyTorch."""
    if not tensor._retains_grad:
        return
    if old_node is not None:
        old_node.set_retains_grad_hook(old_nr, None)
    if tensor._grad_fn is not None:
        tensor._grad_fn.set_retains_grad_hook(tensor._output_nr,
                                              retains_grad_hook(tensor))


class RemovableHandle:
    """What ``register_hook`` returns: ``handle.remove()`` (or leaving ``with handle:``)
    unregisters that one registration, even where the same function is registered twice.

    >>> x = torch.ones(2, requires_grad=True)
    >>> with x.register_hook(lambda g: g * 10):
    ...     x.sum().backward()
    >>> x.sum().backward(); x.grad
    tensor([11., 11.])
    """

    __slots__ = ("_hooks", "id")
    _next_id = 0

    def __init__(self, hooks: dict, hook) -> None:
        RemovableHandle._next_id += 1
        self.id = RemovableHandle._next_id
        self._hooks = hooks
        hooks[self.id] = hook

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc) -> bool:
        self.remove()
        return False
