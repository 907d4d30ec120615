"""The backward pass: the chain rule applied to the whole recorded graph.

1. Count, for every node, how many nodes use its outputs (without recursion).
2. Run each node once all the nodes that use its outputs have run (a
   topological order, Kahn's algorithm, followed as it goes).  Each node
   receives the sum of the gradients that reached each of its outputs (the
   multivariate chain rule: a sum over every path), applies its local
   derivative rules, and passes one gradient along each edge to the node that
   produced that input.
3. At the leaves, ``AccumulateGrad`` adds the gradient into ``.grad``.

Without ``create_graph`` the gradients are plain NumPy arrays (see
``array_rules.py``); with it they are tensors, so the pass is itself recorded.

Gradients wait in a dict keyed by node only until that node runs; saved
values are freed right after a node runs unless ``retain_graph`` is set.
"""
from __future__ import annotations

import itertools
import operator
import sys
import threading
import warnings

from .. import _tracing
from .._backend import ndarray, restore_fp_errors, silence_fp_errors, xp
from .._dtypes import from_numpy
from ..tensor import Tensor, from_array
from . import anomaly as _anomaly
from . import grad_mode
from .array_rules import operator_form, same
from .core import compiled
from .function import BackwardCFunction, Error
from .graph import AccumulateGrad, GradientEdge, Node, output_meta
from .inplace import copy
from .op import gradient_edge
from .saved import FREED_MESSAGE, RELEASED, SAVED_KINDS, SAVED_TENSORS_HOOKS

_CALLBACKS: list = []  # queue_callback: run once the current backward pass ends
# None, or a callable (chainrule.viz.trace sets it) called once at the start of each pass; it
# returns None or an object told of each node as that pass runs it: reached(node, grads) before
# the node runs, ran(node, results) after its rules (before its saved values are freed), and
# finished() when the pass ends.  (A pass inside a pass, as checkpoint runs, gets its own.)
observer = None


_RUNNING: list = []  # the backward passes now running, innermost last (a pass can nest)


def queue_callback(callback) -> None:
    """Run ``callback()`` once the backward pass now running has ended (PyTorch's
    ``Variable._execution_engine.queue_callback``)."""
    if not _RUNNING:
        raise RuntimeError("Final callbacks can only be installed during backward pass.")
    _CALLBACKS.append(callback)


def current_pass():
    """The backward pass now running (the innermost, where a pass runs inside another, as
    a reentrant checkpoint's does), or None outside backward.  An object that identifies the
    pass (PyTorch's graph task): ``.inputs`` is what ``inputs=`` asked for, or None."""
    return _RUNNING[-1] if _RUNNING else None


def set_observer(factory):
    """Make ``factory`` the observer of the backward passes that start from now on (None: no
    observer); returns the one it replaces.  ``chainrule.viz.trace`` uses this."""
    global observer
    previous, observer = observer, factory
    return previous


def count_consumers(roots) -> dict:
    """For every node reachable from ``roots``: how many edges lead into it from other nodes.

    The first half of Kahn's algorithm, without recursion (a chain of a million
    nodes must not hit Python's recursion limit).  C twin: ``_core_backward.c`` count_consumers,
    which the compiled core binds to this name (at the end of this module).
    """
    consumers: dict = {}
    stack = []
    for root in roots:
        if root is not None and root not in consumers:
            consumers[root] = 0
            stack.append(root)
    while stack:
        for child, _ in stack.pop().next_functions:
            if child is not None:
                if child in consumers:
                    consumers[child] += 1
                else:
                    consumers[child] = 1
                    stack.append(child)
    return consumers


def start_nodes(roots, consumers: dict) -> list:
    """The nodes that no other node sends a gradient to, where a pass starts: in the order
    of ``consumers`` (``count_consumers(roots)``).  Only roots can be among them (every other
    node was found along an edge), so only the roots are looked at, not the whole graph."""
    return [node for node in dict.fromkeys(roots) if node is not None and consumers[node] == 0]


def topological_order(roots, consumers: dict | None = None) -> list:
    """Nodes reachable from ``roots``, each after every node that feeds a gradient into it.

    Kahn's algorithm: count how many consumers each node has, then release a
    node once all its consumers are done.  Deterministic: the same graph always
    gives the same order (the one ``run_backward`` runs the nodes in).
    ``consumers``: the counts, where the caller has them already (they are used up).
    """
    if consumers is None:
        consumers = count_consumers(roots)
    ready = start_nodes(roots, consumers)
    order = []
    while ready:
        node = ready.pop()
        order.append(node)
        _release_inputs(node, consumers, ready)
    return order


def _release_inputs(node: Node, consumers: dict, ready: list) -> None:
    """``node`` has run: each of its inputs has one consumer less to wait for."""
    leaves = []
    for child, _ in node.next_functions:
        if child is not None:
            consumers[child] -= 1
            if consumers[child] == 0:
                if type(child) is AccumulateGrad:
                    leaves.append(child)
                else:
                    ready.append(child)
    ready.extend(leaves)  # taken first, as run_backward takes them


def _needed(order, targets, include_targets: bool) -> set:
    """The nodes that must run to send a gradient to a target (``inputs=``): those with a
    target below them, and the targets themselves when ``include_targets``."""
    reaches = set()  # nodes that are targets or lead to one
    needed = set()
    for node in reversed(order):  # producers before consumers
        leads = any(child in reaches for child, _ in node.next_functions)
        if leads or (include_targets and node in targets):
            needed.add(node)
        if leads or node in targets:
            reaches.add(node)
    return needed


def _sum_to(grad, shape, dtype):
    """Undo broadcasting and promotion: sum ``grad`` down to ``shape`` and cast to ``dtype``.

    This is the one place where broadcasting is reversed: a rule returns the
    gradient in the shape of the broadcast result, and the input that was
    stretched receives the sum over the dimensions it was stretched along.
    ``grad`` is a tensor (``create_graph``: the sum is recorded) or an array.
    (C twin, for an array: ``_core_backward.c`` sum_to_array.)
    """
    tensor = not isinstance(grad, (ndarray, xp.generic))
    grad_shape = grad.shape
    if grad_shape != shape:
        lead = len(grad_shape) - len(shape)
        dims = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape)
                                          if n == 1 and grad_shape[lead + i] != 1)
        if dims:
            # (add.reduce is ndarray.sum without its Python layer: the same sum)
            grad = grad.sum(dims, keepdim=True) if tensor \
                else xp.add.reduce(grad, axis=dims, keepdims=True)
        if grad.shape != shape:  # (keepdims leaves it right unless dims were prepended)
            grad = grad.reshape(shape)
    if tensor:
        if grad._data.dtype != dtype:
            grad = grad.to(from_numpy(dtype))
    elif grad.dtype != dtype:
        grad = grad.astype(dtype)
    return grad


def _ones(data):
    # empty + fill: two C calls, where numpy.ones is a Python function.
    ones = xp.empty(data.shape, dtype=data.dtype)
    ones.fill(1)
    return ones


def run_backward(roots, root_grads, retain_graph: bool, create_graph: bool,
                 inputs=None, accumulate: bool = True, consumers: dict | None = None):
    """Backpropagate ``root_grads`` from the ``roots`` tensors: the chain rule, node by node.

    With ``accumulate`` leaves' ``.grad`` are updated (``Tensor.backward``);
    without it the gradients reaching ``inputs`` are returned instead
    (``autograd.grad``).  Returns the captured gradient per input (or None).

    Without ``create_graph`` the gradients travel as plain NumPy arrays and the
    rules run on them (``Node.apply_arrays``): nothing is recorded, so tensors
    would only add their dispatch cost.  With it they travel as tensors, and
    every formula is recorded.  ``docs/engine-in-20-lines.md`` is this loop
    without those refinements.  ``consumers``: the counts of ``count_consumers(roots'
    nodes)``, where the caller has them already (they are used up).  (C twin of the common
    pass that ``Tensor.backward()`` starts: ``_core_front.c`` run_common_pass.)
    """
    if _tracing.tracer is not None:  # chainrule.compile records the pass (or runs this one)
        return _tracing.tracer.backward(roots, root_grads, retain_graph, create_graph, inputs,
                                        accumulate)
    if len(_RUNNING) >= _NESTED_PER_STACK and \
            len(_RUNNING) - _thread_stack.base >= _NESTED_PER_STACK:
        return _on_fresh_stack(run_backward, roots, root_grads, retain_graph, create_graph,
                               inputs, accumulate, consumers)
    run = _NEW_PASS(roots, root_grads, retain_graph, create_graph, inputs, accumulate, consumers)
    arrays = run.arrays
    # Hooks, leaves, inputs=, anomaly mode and tracing are handled by ``_Pass.step``; the
    # common node (an operation, nothing watching) runs inline, a call less per node.
    general = run.anomaly or run.watch is not None or run.needed is not None
    previous_mode = grad_mode.state.enabled
    grad_mode.state.enabled = create_graph  # the formulas record only for create_graph
    # Array formulas call NumPy directly: silence its warnings once for the whole pass,
    # as every tensor operation does for itself (PyTorch is silent about inf and nan).
    fp_token = silence_fp_errors() if arrays else None
    # A hook may enter a saved_tensors_hooks block and not leave it: the pass ends with
    # the blocks that were active when it began, as PyTorch's engine restores them.
    hooks_depth = len(SAVED_TENSORS_HOOKS)
    _RUNNING.append(run)
    try:
        _RUN_NODES(run, general)
    finally:
        _RUNNING.pop()
        if len(SAVED_TENSORS_HOOKS) > hooks_depth:
            del SAVED_TENSORS_HOOKS[hooks_depth:]
        if fp_token is not None:
            restore_fp_errors(fp_token)
        grad_mode.state.enabled = previous_mode
        if run.watch is not None:
            run.watch.finished()
        try:
            while _CALLBACKS:
                _CALLBACKS.pop(0)()
        finally:
            _CALLBACKS.clear()  # (one that raised leaves none behind for the next pass)
    return run.captured_gradients()


def _run_nodes(run: "_Pass", general: bool) -> None:
    """The loop of a backward pass: Kahn's algorithm, run as it goes (``run_backward``).

    ``general``: hooks, ``inputs=``, anomaly mode or an observer are involved, and every
    node goes through ``_Pass.step``; otherwise the common node (an operation, nothing
    watching) runs inline, a call less per node.  C twin: ``_core_backward.c`` ``run_nodes`` (the
    compiled core runs that one instead).
    """
    gradients, consumers, receives, arrays = (run.gradients, run.consumers, run.receives,
                                              run.arrays)
    retain_graph, create_graph = run.retain_graph, run.create_graph
    # Kahn's algorithm, run as it goes: a node is ready once every node that uses its
    # outputs has run, and so has sent it their gradients.
    ready = run.starts
    leaves = []
    while ready:
        node = ready.pop()
        # 1. The gradient of this node's output: the sum over every path that reached it.
        grads = gradients.pop(node, None)
        # 2. The chain rule at this node: its rules turn that gradient into one gradient
        #    per input, "incoming gradient times local derivative" (None: nothing to send).
        if grads is None:
            results = None
        elif type(node) is AccumulateGrad:
            # 3'. At a leaf: add the gradient into .grad (through step where hooks or
            #     inputs= are involved; inline otherwise, a call less per leaf).
            if general or node._hooked or node.variable._hooks:
                run.step(node, grads)
            else:
                _accumulate(node.variable, grads[0], create_graph, arrays)
            results = None
        elif general or node._hooked:
            results = run.step(node, grads)
        elif grads[0] is None and _passes_on_undefined(node, grads):
            results = [None] * len(node.next_functions)
        else:
            results = node.apply_arrays(grads) if arrays else node.apply(grads)
            if not retain_graph and node._saved is not None:
                node.release()  # its saved values are not needed again
        # 3. Each input's gradient travels down its edge, where it is added to the others
        #    that reach the same node; an input whose consumers have all run is ready.
        if results is None:
            results = _NOTHING_SENT
        for (child, nr), g, meta in zip(node.next_functions, results, node.input_meta):
            if child is None:
                continue
            if g is None:
                # An undefined gradient (None) reaches the input's node too, as in
                # PyTorch: that node runs, and its hooks see None.
                if results is not _NOTHING_SENT and child not in gradients \
                        and (receives is None or child in receives):
                    gradients[child] = [None] * child.num_outputs
            elif receives is None or child in receives:
                # Broadcasting or promotion in the forward: the gradient goes back to
                # its input's shape and dtype (``_sum_to``, the one place this is done).
                if meta is not None:
                    data = g if arrays else g._data
                    if data.shape != meta[0] or data.dtype != meta[1]:
                        g = _sum_to(g, meta[0], meta[1])
                slots = gradients.get(child)
                if slots is None:
                    slots = gradients[child] = [None] * child.num_outputs
                previous = slots[nr]
                # Fan-out: a value used in several places receives the sum.
                slots[nr] = g if previous is None else previous + g
            left = consumers[child] - 1
            consumers[child] = left
            if left == 0:
                if type(child) is AccumulateGrad:
                    leaves.append(child)
                else:
                    ready.append(child)
        if leaves:  # a leaf that is ready accumulates next, as PyTorch's engine does
            ready.extend(leaves)
            leaves.clear()
        # Drop this node's gradients now (and the last slot list touched): a leaf's
        # AccumulateGrad counts the references to the array it receives to decide
        # whether it may keep it without a copy.
        grads = results = g = data = slots = previous = None


# A backward pass inside a backward pass (a custom Function's backward calling backward, a
# reentrant checkpoint) runs on the Python stack of the pass around it.  Nested deeply
# enough, that stack would overflow: every _NESTED_PER_STACK nested passes, the next one runs
# on a new thread (with a stack of its own) while this one waits, as PyTorch's engine does.
_NESTED_PER_STACK = 32


class _StackBase(threading.local):
    base = 0  # how many passes were running when this thread's stack began


_thread_stack = _StackBase()


def _on_fresh_stack(fn, *args):
    """``fn(*args)`` on a new thread that sees this thread's grad mode; its result, or its
    exception raised here."""
    outcome = {}
    enabled, inference = grad_mode.state.enabled, grad_mode.state.inference

    def run():
        grad_mode.state.enabled, grad_mode.state.inference = enabled, inference
        _thread_stack.base = len(_RUNNING)
        try:
            outcome["value"] = fn(*args)
        except BaseException as error:  # handed to the waiting thread
            outcome["error"] = error
    worker = threading.Thread(target=run, name="chainrule-backward")
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


# A node that sends nothing still releases each of its inputs (zip stops at the shorter).
_NOTHING_SENT = itertools.repeat(None)

# The nodes that run even when every gradient they receive is undefined (_passes_on_undefined).
_RUN_ON_UNDEFINED = (BackwardCFunction, Error)


class _Pass:
    """What one backward pass knows: the counts of consumers still to run, the gradients
    waiting at each node, whether they travel as arrays or tensors, and what ``inputs=``
    asks for.  (C twin of ``__init__`` for the common pass: ``_core_backward.c`` new_pass.)"""

    __slots__ = ("consumers", "retain_graph", "create_graph", "accumulate", "anomaly", "arrays",
                 "watch", "inputs", "needed", "receives", "capture_at", "captured", "gradients",
                 "starts", "__weakref__")

    def __init__(self, roots, root_grads, retain_graph: bool, create_graph: bool, inputs,
                 accumulate: bool, consumers: dict | None = None) -> None:
        root_edges = [_edge(t) for t in roots]
        root_nodes = [node for node, _ in root_edges]
        if None in root_nodes:
            raise RuntimeError(
                f"element {root_nodes.index(None)} of tensors does not require grad and does "
                "not have a grad_fn. Fix: the result was computed without recording (under "
                "no_grad(), from detached tensors, or from tensors without requires_grad=True).")
        if consumers is None:
            consumers = count_consumers(root_nodes)
        self.consumers = consumers
        self.starts = start_nodes(root_nodes, consumers)
        self.retain_graph = retain_graph
        self.create_graph = create_graph
        self.accumulate = accumulate
        self.anomaly = anomaly = grad_mode.flags.anomaly
        # Anomaly mode checks each node's results, which it does on tensors.
        self.arrays = arrays = not create_graph and not anomaly
        self.watch = observer() if observer is not None else None
        # With inputs=: only the nodes that lead to them run (``needed``).  backward(inputs=)
        # runs the inputs' own nodes too (a leaf's accumulates, a non-leaf's keeps its
        # gradient through retain_grad); autograd.grad keeps the gradients that reach the
        # inputs (``capture_at``: edge -> positions in ``inputs``) without running their
        # nodes, unless another input lies beyond them.  As in PyTorch.
        self.inputs = inputs
        self.needed = self.receives = self.capture_at = self.captured = None
        if inputs is not None:
            target_edges = [_edge(t) for t in inputs]
            targets = {node for node, _ in target_edges if node is not None}
            order = topological_order(root_nodes, dict(self.consumers))
            self.needed = _needed(order, targets, include_targets=accumulate)
            if not accumulate:
                self.captured = {}
                self.capture_at = {}
                for k, edge in enumerate(target_edges):
                    self.capture_at.setdefault(edge, []).append(k)
            # The nodes gradients are sent to: those that run, and those that capture.
            self.receives = self.needed | targets
        self.gradients = gradients = {}  # node -> the sum so far of each output's gradients
        for (node, nr), g, root in zip(root_edges, root_grads, roots):
            if g is None:  # the implicit gradient of a scalar output: 1
                data = root._data
                if not arrays:
                    g = from_array(_ones(data))
                elif data.ndim == 0:
                    g = data.dtype.type(1)  # a NumPy scalar: see saved.SavedTensor.unpack_data
                else:
                    g = _ones(data)
            else:
                # PyTorch casts it to the output's dtype (an edge's gradient has it already)
                if isinstance(root, Tensor) and g._data.dtype != root._data.dtype:
                    g = from_array(g._data.astype(root._data.dtype))
                if arrays:
                    g = g._data
                    if g.ndim == 0:
                        g = g[()]  # a NumPy scalar: see saved.SavedTensor.unpack_data
            _add_to(gradients, node, nr, g)

    def step(self, node: Node, grads: list):
        """Run ``node`` on the gradients of its outputs; its inputs' gradients, or None.

        PyTorch's order: the hooks of the tensors that are this node's outputs (for a leaf's
        AccumulateGrad, the leaf's hooks), then their retain_grad, then the capture of
        ``inputs=``, then the node's pre-hooks, the node itself, its post-hooks.
        """
        execute = self.needed is None or node in self.needed
        capture = self.capture_at is not None and any(
            (node, nr) in self.capture_at for nr in range(len(grads)))
        if not execute and not capture:
            return None
        leaf = type(node) is AccumulateGrad
        if (node._hooked and (node._tensor_pre_hooks or node._retains_grad_hooks)) \
                or (leaf and node.variable._hooks):
            grads = _run_tensor_hooks(node, grads, self.arrays)
        if capture:
            self._capture(node, grads)
        if not execute:
            if self.watch is not None:  # (a trace shows where autograd.grad's result arrived)
                self.watch.reached(node, grads)
            return None
        if node._hooked and node._pre_hooks:
            grads = _run_pre_hooks(node, grads, self.arrays)
        if self.watch is not None:
            self.watch.reached(node, grads)
        if leaf:
            _accumulate(node.variable, grads[0], self.create_graph, self.arrays)
            results = []
        elif grads[0] is None and _passes_on_undefined(node, grads):
            results = [None] * len(node.next_functions)
        elif self.arrays:
            results = node.apply_arrays(grads)
        elif self.anomaly:
            results = _anomaly.run_with_anomaly_check(node, grads)
        else:
            results = node.apply(grads)
        if node._hooked and node._hooks:
            results = _run_post_hooks(node, results, grads, self.arrays)
        if self.watch is not None:
            self.watch.ran(node, results)
        if not self.retain_graph and node._saved is not None:
            node.release()
        return results or None

    def _capture(self, node: Node, grads: list) -> None:
        for nr, g in enumerate(grads):
            for k in self.capture_at.get((node, nr), ()):
                self.captured[k] = g

    def captured_gradients(self):
        """The gradients that reached ``inputs`` (autograd.grad), as tensors; None without."""
        if self.captured is None:
            return None
        found = [self.captured.get(k) for k in range(len(self.inputs))]
        return [from_array(g) if self.arrays and g is not None else g for g in found]


def _edge(x) -> tuple:
    """The ``(node, output_nr)`` a gradient for ``x`` (a tensor or a GradientEdge) reaches."""
    if type(x) is GradientEdge:
        return (x.node, x.output_nr)
    return gradient_edge(x)


def _add_to(gradients: dict, node: Node, nr: int, grad) -> None:
    slots = gradients.get(node)
    if slots is None:
        slots = gradients[node] = [None] * node.num_outputs
    previous = slots[nr]
    # Fan-out: a value used in several places receives the sum of their gradients.
    slots[nr] = grad if previous is None else previous + grad


def _as_tensors(grads) -> list:
    return [None if g is None else from_array(g) for g in grads]


def _as_arrays(grads) -> list:
    return [None if g is None else g._data for g in grads]


def _run_tensor_hooks(node: Node, grads: list, arrays: bool) -> list:
    """The hooks of the tensors that are ``node``'s outputs, in the order they were
    registered, then their retain_grad (which so sees what every hook returned)."""
    grads = _as_tensors(grads) if arrays else list(grads)
    if type(node) is AccumulateGrad:
        per_output = {0: node.variable._hooks} if node.variable._hooks else {}
    else:
        per_output = node._tensor_pre_hooks or {}
    for nr, hooks in per_output.items():
        # (a hook may remove others while they run).  An output that received no gradient
        # (one of several outputs) shows its hooks None, as PyTorch does.
        for hook in list(hooks.values()):
            changed = hook(grads[nr])
            if changed is not None:
                grads[nr] = changed
    if node._retains_grad_hooks:
        for nr, hook in list(node._retains_grad_hooks.items()):
            hook(grads[nr])
    return _as_arrays(grads) if arrays else grads


def _run_pre_hooks(node: Node, grads: list, arrays: bool) -> list:
    """The node's pre-hooks: ``hook(grad_outputs)``, which may return new grad_outputs."""
    grads = _as_tensors(grads) if arrays else grads
    for hook in list(node._pre_hooks.values()):
        changed = hook(tuple(grads))
        if changed is not None:
            grads = list(changed)
    return _as_arrays(grads) if arrays else list(grads)


def _run_post_hooks(node: Node, results: list, grads: list, arrays: bool) -> list:
    """The node's hooks: ``hook(grad_inputs, grad_outputs)``, which may return new
    grad_inputs (the gradients the node sends on)."""
    if arrays:
        results, grads = _as_tensors(results), _as_tensors(grads)
    for hook in list(node._hooks.values()):
        changed = hook(tuple(results), tuple(grads))
        if changed is not None:
            results = list(changed)
    return _as_arrays(results) if arrays else results


def _passes_on_undefined(node: Node, grads: list) -> bool:
    """Whether ``node`` only passes undefined gradients on: every gradient it received is
    None and its rules are PyTorch's built-in formulas, which give undefined for undefined.
    A custom Function's backward runs (on zeros, unless it set materialize_grads False),
    and so does the Error node, which raises whatever it receives."""
    return all(g is None for g in grads) and not isinstance(node, _RUN_ON_UNDEFINED)


def _accumulate(variable, grad, create_graph: bool, arrays: bool) -> None:
    """``variable.grad += grad``, as AccumulateGrad does in PyTorch (``grad``: a tensor, or
    an array when ``arrays``).  (C twin, which the compiled loop calls: ``_core_front.c``
    c_accumulate.)"""
    current = variable._grad
    if grad is None:
        pass  # undefined: nothing to add (PyTorch still runs the post-accumulate hooks)
    elif current is None:
        if create_graph:
            # A recorded copy, as PyTorch's AccumulateGrad makes: the leaf's gradient has
            # memory of its own, and its history reads CopyBackwards(None, <grad's node>).
            variable.grad = copy(Tensor._make(xp.empty_like(variable._data)), grad)
        elif arrays:
            # The same gradient array may also be on its way to another leaf (x + y passes
            # one gradient to both), so the leaf gets its own copy unless the rule made
            # this array for it alone.
            if type(grad) is not ndarray:
                grad = xp.asarray(grad)  # a NumPy scalar: this makes a new array
            elif not _owned(grad):
                grad = grad.copy()
            variable._grad = from_array(grad)  # the engine made it the right shape
        else:  # anomaly mode, on tensors: the leaf gets its own copy
            variable.grad = grad.detach().clone()
    elif create_graph or current.requires_grad:
        variable.grad = current + (from_array(grad) if arrays else grad)
    else:
        # In place, as PyTorch: a saved x.grad sees the update.
        current._data += grad if arrays else grad._data
        current._bump_version()
    if variable._post_accumulate_hooks:
        for hook in list(variable._post_accumulate_hooks.values()):
            if hook(variable) is not None:
                raise RuntimeError(
                    "Tensor post accumulate grad hooks should return None. Fix: change the "
                    "hook's .grad in place (it receives the tensor) instead of returning it.")


def _owned(array) -> bool:
    # Four references mean only the engine's list of this node's gradients, the caller's
    # and this function's parameters and getrefcount's own argument hold it: no other
    # buffer, leaf, tensor or user variable can see it, and it is not a view of another
    # array, so it can become .grad without a copy.  (x + y hands one gradient to both
    # leaves: one reference more, so each leaf gets its own copy.)
    return sys.getrefcount(array) <= 4 and array.base is None and array.flags.writeable


# --- the entry points: torch.autograd.backward and torch.autograd.grad ---------------------

def _as_tuple(x) -> tuple:
    if x is None:
        return ()
    if isinstance(x, (Tensor, GradientEdge)):  # (an edge is a tuple, but one argument)
        return (x,)
    if type(x) is dict:  # inputs={name: tensor}
        return tuple(x.values())
    return tuple(x)


def _output_shape_dtype(out):
    """The shape and NumPy dtype of an output: a tensor, or a GradientEdge's node output."""
    if isinstance(out, Tensor):
        return out._data.shape, out._data.dtype
    meta = output_meta(out.node, out.output_nr)
    if meta is None:
        raise RuntimeError(
            f"the shape of output {out.output_nr} of {out.node.name()} is unknown. Fix: take "
            "the edge with torch.autograd.graph.get_gradient_edge(tensor), or pass its "
            "gradient explicitly.")
    return meta


def _make_grads(outputs, grad_outputs, batched: bool = False) -> list:
    grads = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if g is None:
            if isinstance(out, GradientEdge):
                shape, dtype = _output_shape_dtype(out)
                size = 1
                for n in shape:
                    size *= n
            else:
                shape, dtype, size = out.shape, out._data.dtype, out._data.size
            if size != 1:
                raise RuntimeError(
                    "grad can be implicitly created only for scalar outputs. Fix: reduce the "
                    f"output (shape {list(shape)}) to one number first, e.g. y.sum()."
                    "backward(), or pass gradient=torch.ones_like(y) to say how to weight "
                    "its elements.")
            if dtype.kind != "f":
                raise RuntimeError(
                    f"grad can be implicitly created only for real scalar outputs but got "
                    f"{from_numpy(dtype)}")
            if isinstance(out, GradientEdge):  # ones, of the edge's shape
                g = from_array(_ones(xp.empty(shape, dtype=dtype)))
            # (a tensor's ones are made by the engine, in the form it runs on)
        elif not isinstance(g, Tensor):
            g = from_array(xp.asarray(g, dtype=_output_shape_dtype(out)[1]))
        else:
            shape = _output_shape_dtype(out)[0]
            if batched and isinstance(out, GradientEdge):
                raise RuntimeError("Batched grads are not supported with GradientEdge")
            if (g.shape[1:] if batched else g.shape) != shape:
                from_shape = type(g.shape)
                if batched:
                    raise RuntimeError(
                        "If `is_grads_batched=True`, we interpret the first dimension of each "
                        "grad_output as the batch dimension. The sizes of the remaining "
                        f"dimensions are expected to match the shape of corresponding output, "
                        f"but a mismatch was detected: grad_output[{i}] has a shape of "
                        f"{g.shape[1:]} and output[{i}] has a shape of {from_shape(shape)}. "
                        "If you only want some tensors in `grad_output` to be considered "
                        "batched, consider using vmap.")
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                    f"output[{i}] has a shape of {from_shape(shape)}.")
        grads.append(g)
    return grads


_IMPLICIT = (None,)  # the gradient of one scalar output, left for the engine to make: 1

REFERENCE_CYCLE_WARNING = (
    "Using backward() with create_graph=True will create a reference cycle between the parameter "
    "and its gradient which can cause a memory leak. We recommend using autograd.grad when "
    "creating the graph to avoid this. If you have to use this function, make sure to reset the "
    ".grad fields of your parameters to None after use to break the cycle and avoid the leak.")


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph: bool = False,
             grad_variables=None, inputs=None) -> None:
    """Accumulate into the leaves' ``.grad`` the gradient of ``tensors``.

    ``tensors`` and ``inputs`` may also be ``GradientEdge``s (``get_gradient_edge``).

    >>> x = torch.tensor(1.0, requires_grad=True)
    >>> torch.autograd.backward(3 * x ** 2 - 4 * x); x.grad
    tensor(2.)
    """
    if grad_tensors is None and inputs is None and not create_graph \
            and isinstance(tensors, Tensor):
        # (C twin of this case and of run_backward's common pass, for Tensor.backward():
        # _core_front.c backward_fast, run_common_pass.)
        # loss.backward(), the commonest call: one tensor, its gradient implicit.  This path
        # skips the general argument handling below (a few calls less per pass).
        data = tensors._data
        if data.size == 1 and data.dtype.kind == "f":
            run_backward((tensors,), _IMPLICIT, bool(retain_graph), False)
            return
    outputs = _as_tuple(tensors)
    if grad_tensors is None:
        grad_tensors = [None] * len(outputs)
    else:
        grad_tensors = list(_as_tuple(grad_tensors)) if not isinstance(grad_tensors, list) \
            else grad_tensors
    if retain_graph is None:
        retain_graph = create_graph
    inputs = _as_tuple(inputs) if inputs is not None else None
    if inputs is not None and not inputs:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    for t in inputs or ():
        if isinstance(t, Tensor) and t._grad_fn is not None:
            t.retain_grad()  # a non-leaf input's gradient is kept in its .grad, as in PyTorch
    grads = _make_grads(outputs, grad_tensors)
    if create_graph:
        warnings.warn(REFERENCE_CYCLE_WARNING, UserWarning, stacklevel=2)
    run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph: bool = False,
         only_inputs: bool = True, allow_unused=None, is_grads_batched: bool = False,
         materialize_grads: bool = False):
    """The gradients of ``outputs`` with respect to ``inputs``, returned (not accumulated).

    With ``create_graph=True`` the result is itself differentiable, which gives
    second derivatives.  ``is_grads_batched=True``: the first dimension of each of
    ``grad_outputs`` is a batch of vectors, one vector-Jacobian product each.

    >>> x = torch.tensor(2.0, requires_grad=True)
    >>> (g,) = torch.autograd.grad(x ** 3, x, create_graph=True)
    >>> g, torch.autograd.grad(g, x)[0]
    (tensor(12., grad_fn=<MulBackward0>), tensor(12.))
    """
    outputs = _as_tuple(outputs)
    inputs_t = _as_tuple(inputs)
    if not inputs_t:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    else:
        grad_outputs = list(_as_tuple(grad_outputs))
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when "
                         "materialize_grads=True, but got: allow_unused=False. Fix: leave "
                         "allow_unused out (materialize_grads implies it).")
    if allow_unused is None:
        allow_unused = materialize_grads
    for t in inputs_t:
        if isinstance(t, Tensor) and not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if retain_graph is None:
        retain_graph = create_graph
    grads = _make_grads(outputs, grad_outputs, batched=is_grads_batched)
    if is_grads_batched:
        result = _batched_grad(outputs, grads, inputs_t, retain_graph, create_graph)
    else:
        result = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs_t,
                              accumulate=False)
    for i, g in enumerate(result):
        if g is None:
            if materialize_grads:
                if not isinstance(inputs_t[i], Tensor):
                    raise RuntimeError(
                        "materialize_grads cannot be used when the given input is a "
                        "GradientEdge")
                # A zero that a later grad can differentiate again (as PyTorch's).
                result[i] = Tensor._make(xp.zeros_like(inputs_t[i]._data))
                result[i]._requires_grad = create_graph
            elif not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior.")
    if type(inputs) is dict:
        return dict(zip(inputs.keys(), result))
    return tuple(result)


def _batched_grad(outputs, grads, inputs, retain_graph: bool, create_graph: bool) -> list:
    """``grad(is_grads_batched=True)``: one backward pass per vector of the batch, each
    input's gradients stacked along a new first dimension.  (PyTorch vmaps one pass; a
    loop gives the same numbers.)"""
    sizes = {g.shape[0] for g in grads if g is not None}
    if len(sizes) > 1:
        raise RuntimeError(f"vmap: Expected all tensors to have the same size in the mapped "
                           f"dimension, got sizes {sorted(sizes)} for the mapped dimension")
    batch = sizes.pop() if sizes else 1
    per_sample = []
    for b in range(batch):
        keep = retain_graph or b < batch - 1  # the graph serves every vector of the batch
        sample = [g if g is None else g[b] for g in grads]
        per_sample.append(run_backward(outputs, sample, keep, create_graph, inputs=inputs,
                                       accumulate=False))
    return [_stack_batch([sample[i] for sample in per_sample]) for i in range(len(inputs))]


def _stack_batch(tensors):
    """The gradients of one input, one per vector of the batch, stacked (None if none)."""
    if all(t is None for t in tensors):
        return None
    first = next(t for t in tensors if t is not None)
    tensors = [t if t is not None else Tensor._make(xp.zeros_like(first._data))
               for t in tensors]
    if not any(t._requires_grad for t in tensors):
        return from_array(xp.stack([t._data for t in tensors]))
    # create_graph: written into a new tensor, which records each write (differentiable)
    out = Tensor._make(xp.zeros((len(tensors), *first.shape), dtype=first._data.dtype))
    for b, t in enumerate(tensors):
        out[b] = t
    return out


# A pass's start and its loop: the compiled core's C twins of _Pass (new_pass, for the
# common pass) and _run_nodes where it runs.
if compiled is None:
    _NEW_PASS = _Pass
    _RUN_NODES = _run_nodes
else:
    compiled.setup_backward(
        accumulate_grad=AccumulateGrad, accumulate=compiled.accumulate,
        passes_on_undefined=_passes_on_undefined, sum_to=_sum_to, released=RELEASED,
        freed_message=FREED_MESSAGE, saved_kinds=SAVED_KINDS, pass_type=_Pass, ones=_ones,
        module=sys.modules[__name__], add_reduce=xp.add.reduce, same=same,
        add=operator_form(operator.add))
    # The front doors (_core_front.c): Tensor.backward()'s common pass, the leaves' .grad.
    compiled.setup_front(running=_RUNNING, callbacks=_CALLBACKS, accumulate=_accumulate,
                         plain_dtypes=tuple(xp.dtype(c) for c in xp.typecodes["All"]
                                            if xp.dtype(c).kind in "fiuc"))
    _NEW_PASS = compiled.new_pass
    _RUN_NODES = compiled.run_nodes
    count_consumers = compiled.count_consumers  # (its callers import it after this line)
