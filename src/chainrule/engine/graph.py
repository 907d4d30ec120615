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

from ..tensor import Tensor, from_array
from .saved import RELEASED


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


class _RemovableHandle:
    __slots__ = ("_hooks", "_hook")

    def __init__(self, hooks: list, hook) -> None:
        self._hooks = hooks
        self._hook = hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)
