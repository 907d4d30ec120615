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
``arrays.py``); with it they are tensors, so the pass is itself recorded.

Gradients wait in a dict keyed by node only until that node runs; saved
values are freed right after a node runs unless ``retain_graph`` is set.
"""
from __future__ import annotations

import sys

from .._backend import ndarray, restore_fp_errors, silence_fp_errors, xp
from . import grad_mode
from . import graph as _graph
from .graph import AccumulateGrad, Node, gradient_edge

_CALLBACKS: list = []  # queue_callback: run once the current backward pass ends
# None, or a callable (chainrule.viz.trace sets it) called once at the start of each pass; it
# returns None or an object told of each node as that pass runs it: reached(node, grads) before
# the node runs, ran(node, results) after its rules (before its saved values are freed), and
# finished() when the pass ends.  (A pass inside a pass, as checkpoint runs, gets its own.)
observer = None


def count_consumers(roots) -> dict:
    """For every node reachable from ``roots``: how many edges lead into it from other nodes.

    The first half of Kahn's algorithm, without recursion (a chain of a million
    nodes must not hit Python's recursion limit).
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


def topological_order(roots, consumers: dict | None = None) -> list:
    """Nodes reachable from ``roots``, each after every node that feeds a gradient into it.

    Kahn's algorithm: count how many consumers each node has, then release a
    node once all its consumers are done.  Deterministic: the same graph always
    gives the same order (the one ``run_backward`` runs the nodes in).
    ``consumers``: the counts, where the caller has them already (they are used up).
    """
    if consumers is None:
        consumers = count_consumers(roots)
    ready = [node for node in consumers if consumers[node] == 0]
    order = []
    while ready:
        node = ready.pop()
        order.append(node)
        _release_inputs(node, consumers, ready)
    return order


def _release_inputs(node: Node, consumers: dict, ready: list) -> None:
    """``node`` has run: each of its inputs has one consumer less to wait for."""
    for child, _ in node.next_functions:
        if child is not None:
            left = consumers[child] - 1
            consumers[child] = left
            if left == 0:
                ready.append(child)


def _needed(order, targets) -> set:
    """Nodes on some path from the roots to a target (``inputs=``); only they must run."""
    needed = set()
    for node in reversed(order):  # producers before consumers
        if node in targets or any(child in needed for child, _ in node.next_functions):
            needed.add(node)
    return needed


def _sum_to(grad, shape, dtype):
    """Undo broadcasting and promotion: sum ``grad`` down to ``shape`` and cast to ``dtype``.

    This is the one place where broadcasting is reversed: a rule returns the
    gradient in the shape of the broadcast result, and the input that was
    stretched receives the sum over the dimensions it was stretched along.
    ``grad`` is a tensor (``create_graph``: the sum is recorded) or an array.
    """
    tensor = not isinstance(grad, (ndarray, xp.generic))
    if grad.shape != shape:
        lead = grad.ndim - len(shape)
        stretched = tuple(lead + i for i, n in enumerate(shape)
                          if n == 1 and grad.shape[lead + i] != 1)
        dims = tuple(range(lead)) + stretched
        if dims:
            grad = grad.sum(dims, keepdim=True) if tensor else grad.sum(dims, keepdims=True)
        grad = grad.reshape(shape)
    if tensor:
        if grad._data.dtype != dtype:
            grad = grad.to(_dtype_of(dtype))
    elif grad.dtype != dtype:
        grad = grad.astype(dtype)
    return grad


def _ones(data):
    # empty + fill: two C calls, where numpy.ones is a Python function (~1 µs more).
    ones = xp.empty(data.shape, dtype=data.dtype)
    ones.fill(1)
    return ones


def _dtype_of(np_dtype):
    from .._dtypes import from_numpy
    return from_numpy(np_dtype)


def run_backward(roots, root_grads, retain_graph: bool, create_graph: bool,
                 inputs=None, accumulate: bool = True):
    """Backpropagate ``root_grads`` from the ``roots`` tensors.

    With ``accumulate`` leaves' ``.grad`` are updated (``Tensor.backward``);
    without it the gradients reaching ``inputs`` are returned instead
    (``autograd.grad``).  Returns the captured gradient per input (or None).

    Without ``create_graph`` the gradients travel as plain NumPy arrays and the
    rules run on them (``Node.apply_arrays``): nothing is recorded, so tensors
    would only add their dispatch cost (about 2 µs per node).  With it they
    travel as tensors, and every formula is recorded.
    """
    root_edges = [gradient_edge(t) for t in roots]
    for i, (node, _) in enumerate(root_edges):
        if node is None:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn. "
                "Fix: the result was computed without recording (under no_grad(), from "
                "detached tensors, or from tensors without requires_grad=True)."
            )
    root_nodes = [node for node, _ in root_edges]
    consumers = count_consumers(root_nodes)

    target_edges = None
    needed = None
    captured = None
    if inputs is not None:
        target_edges = [gradient_edge(t) for t in inputs]
        needed = _needed(topological_order(root_nodes, dict(consumers)),
                         {node for node, _ in target_edges if node is not None})
        captured = {}
        capture_at = {}
        for k, edge in enumerate(target_edges):
            capture_at.setdefault(edge, []).append(k)

    watch = observer() if observer is not None else None
    anomaly = grad_mode.flags.anomaly
    arrays = not create_graph and not anomaly  # anomaly mode checks tensors, node by node
    buffers: dict = {}
    for (node, nr), g, root in zip(root_edges, root_grads, roots):
        if g is None:  # the implicit gradient of a scalar output: 1
            g = _ones(root._data) if arrays else _graph.wrap_array(_ones(root._data))
        elif arrays:
            g = g._data
        if arrays and g.ndim == 0:
            g = g[()]  # a NumPy scalar: see graph.SavedTensor.unpack_data
        _add_to_buffer(buffers, node, nr, g)

    previous_mode = grad_mode.state.enabled
    grad_mode.state.enabled = create_graph  # the formulas record only for create_graph
    # Array formulas call NumPy directly: silence its warnings once for the whole pass,
    # as every tensor operation does for itself (PyTorch is silent about inf and nan).
    fp_token = silence_fp_errors() if arrays else None
    try:
        # Kahn's algorithm, run as it goes: a node is ready once every node that uses its
        # output has run (and so has sent it their gradients).
        ready = [node for node in consumers if consumers[node] == 0]
        while ready:
            node = ready.pop()
            grads = buffers.pop(node, None)
            results = None
            if grads is not None and (needed is None or node in needed):
                if node._hooked and (node._tensor_pre_hooks or node._pre_hooks):
                    grads = _run_pre_hooks(node, grads, arrays)
                if captured is not None:
                    for nr, g in enumerate(grads):
                        for k in capture_at.get((node, nr), ()):
                            captured[k] = g
                if watch is not None:
                    watch.reached(node, grads)
                if type(node) is AccumulateGrad:
                    if accumulate and (inputs is None or (node, 0) in capture_at):
                        _accumulate(node.variable, grads[0], create_graph, arrays)
                elif captured is not None and accumulate is False \
                        and (node, 0) in capture_at \
                        and not any(child in needed for child, _ in node.next_functions):
                    pass  # a non-leaf input of autograd.grad: nothing beyond it is needed
                else:
                    # The chain rule at this node: its rules turn the gradient of its
                    # output into one gradient per input ...
                    if arrays:
                        results = node.apply_arrays(grads)
                    elif anomaly:
                        from .anomaly import run_with_anomaly_check
                        results = run_with_anomaly_check(node, grads)
                    else:
                        results = node.apply(grads)
                    if node._hooked and node._hooks:
                        results = _run_hooks(node, results, grads, arrays)
                    if watch is not None:
                        watch.ran(node, results)
                    if not retain_graph and node._saved is not None:
                        node.release()
            if results is None:  # nothing to pass on: the inputs only lose a consumer
                _release_inputs(node, consumers, ready)
            else:
                # ... and each travels down its edge, reduced to its input's shape and
                # dtype where broadcasting or promotion changed them.
                for (child, nr), g, meta in zip(node.next_functions, results, node.input_meta):
                    if child is None:
                        continue
                    if g is not None and (needed is None or child in needed):
                        if meta is not None:
                            data = g if arrays else g._data
                            if data.shape != meta[0] or data.dtype != meta[1]:
                                g = _sum_to(g, meta[0], meta[1])
                        # _add_to_buffer, inlined (a call less per edge on the hottest loop).
                        slots = buffers.get(child)
                        if slots is None:
                            slots = buffers[child] = [None] * child.num_outputs
                        previous = slots[nr]
                        # Fan-out: a value used in several places receives the sum.
                        slots[nr] = g if previous is None else previous + g
                    # _release_inputs, inlined: the input has one consumer less to wait for.
                    left = consumers[child] - 1
                    consumers[child] = left
                    if left == 0:
                        ready.append(child)
            # Drop this node's gradients now: a leaf's AccumulateGrad counts the references
            # to the array it receives to decide whether it may keep it without a copy.
            grads = results = g = data = None
    finally:
        if fp_token is not None:
            restore_fp_errors(fp_token)
        grad_mode.state.enabled = previous_mode
        if watch is not None:
            watch.finished()
        while _CALLBACKS:
            _CALLBACKS.pop(0)()
    if captured is None:
        return None
    found = [captured.get(k) for k in range(len(inputs))]
    return [_graph.wrap_array(g) if arrays and g is not None else g for g in found]


def _add_to_buffer(buffers: dict, node: Node, nr: int, grad) -> None:
    slots = buffers.get(node)
    if slots is None:
        slots = buffers[node] = [None] * node.num_outputs
    previous = slots[nr]
    # Fan-out: a value used in several places receives the sum of their gradients.
    slots[nr] = grad if previous is None else previous + grad


def _as_tensors(grads) -> list:
    return [None if g is None else _graph.wrap_array(g) for g in grads]


def _as_arrays(grads) -> list:
    return [None if g is None else g._data for g in grads]


def _run_hooks(node: Node, results: list, grads: list, arrays: bool) -> list:
    """The node's hooks see tensors (and may replace the gradients it produced)."""
    if arrays:
        results, grads = _as_tensors(results), _as_tensors(grads)
    for hook in node._hooks:
        changed = hook(tuple(results), tuple(grads))
        if changed is not None:
            results = list(changed)
    return _as_arrays(results) if arrays else results


def _run_pre_hooks(node: Node, grads: list, arrays: bool) -> list:
    if arrays:
        return _as_arrays(_run_pre_hooks(node, _as_tensors(grads), False))
    if node._tensor_pre_hooks:
        grads = list(grads)
        for nr, hooks in node._tensor_pre_hooks.items():
            for hook in list(hooks):
                if grads[nr] is None:
                    continue
                changed = hook(grads[nr])
                if changed is not None:
                    grads[nr] = changed
    if node._pre_hooks:
        for hook in node._pre_hooks:
            changed = hook(tuple(grads))
            if changed is not None:
                grads = list(changed)
    return grads


def _accumulate(variable, grad, create_graph: bool, arrays: bool) -> None:
    """``variable.grad += grad``, as AccumulateGrad does in PyTorch (``grad``: a tensor, or
    an array when ``arrays``)."""
    if variable._hooks:
        if arrays:
            grad, arrays = _graph.wrap_array(grad), False
        for hook in variable._hooks:
            changed = hook(grad)
            if changed is not None:
                grad = changed
    current = variable._grad
    if current is None:
        if create_graph:
            variable.grad = grad
        elif arrays:
            # The same gradient array may also be on its way to another leaf (x + y passes
            # one gradient to both), so the leaf gets its own copy unless the rule made
            # this array for it alone.
            if type(grad) is not ndarray:
                grad = xp.asarray(grad)  # a NumPy scalar: this makes a new array
            elif not _owned(grad):
                grad = grad.copy()
            variable._grad = _graph.wrap_array(grad)  # the engine made it the right shape
        else:  # anomaly mode, on tensors: the leaf gets its own copy
            variable.grad = grad.detach().clone()
    elif create_graph or current.requires_grad:
        variable.grad = current + (_graph.wrap_array(grad) if arrays else grad)
    else:
        # In place, as PyTorch: a saved x.grad sees the update.
        current._data += grad if arrays else grad._data
        current._bump_version()
    if variable._post_accumulate_hooks:
        for hook in variable._post_accumulate_hooks:
            hook(variable)


def _owned(array) -> bool:
    # Four references mean only the engine's list of this node's gradients, the caller's
    # and this function's parameters and getrefcount's own argument hold it: no other
    # buffer, leaf, tensor or user variable can see it, and it is not a view of another
    # array, so it can become .grad without a copy.  (x + y hands one gradient to both
    # leaves: one reference more, so each leaf gets its own copy.)
    return sys.getrefcount(array) <= 4 and array.base is None and array.flags.writeable
