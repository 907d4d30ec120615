"""Recording one eager call: every NumPy computation it makes on tensors' arrays.

While a traced call runs, the engine tells the ``Tracer`` (through
``chainrule._tracing``) of each op's forward on arrays, each in-place write and
each backward pass.  The tracer writes each as one line of Python, naming
where its inputs come from:

- ``t0._data``: an argument tensor's array; ``c0._data``, ``c0._grad._data``: a
  tensor the function reached without making it (a parameter), read when the
  line runs, so a replay sees updates made in place or by earlier lines;
- ``v3``: the array an earlier line made;
- ``k5``: a constant (a Python number, a shape, the op's forward function).

The backward pass of a traced call runs here (``backward``): the same Kahn loop
as ``engine.backward.run_backward`` on arrays, written out so that each rule's
array form, each reduction of a broadcast gradient, each sum at a fan-out and
each accumulation into ``.grad`` becomes a line.  Only the plain pass is
recorded (no hooks, ``inputs=``, ``create_graph``, anomaly mode); any other runs
the engine's own and the function is not compiled.

Whatever cannot be replayed (Python reading a tensor's value, a tensor made by an
operation the tracer does not see, an object made inside the call whose method
is replayed) makes the trace ``fail`` with a reason; the call itself goes on
eagerly, with the same results.  At the end, ``finish`` checks that every
captured tensor changed only as the recorded lines say (its array, its
``.grad``, its version counter), and builds the replay function.
"""
from __future__ import annotations

import re
import threading

from .. import _tracing
from .._backend import ndarray, restore_fp_errors, silence_fp_errors, xp
from ..engine import backward as engine_backward
from ..engine import grad_mode
from ..engine.graph import AccumulateGrad
from ..engine.op import GeneralOpNode, OpNode, gradient_edge
from ..engine.saved import RELEASED, SAVED_KINDS, SAVED_TENSORS_HOOKS
from ..tensor import Tensor, from_array
from .lean import FUSED, LEAN_RULES, lean_forward
from .replay import Replay, build

_NUMBERS = (int, float, bool, complex, str, type(None), type(Ellipsis), slice, xp.dtype)


class TraceFailed(Exception):
    """Raised inside the tracer to stop recording (the eager call goes on)."""


class Tracer:
    """Records one call of a function; ``finish`` turns the record into a ``Replay``."""

    def __init__(self, args: list, captured: dict, objects: set) -> None:
        self.thread = threading.get_ident()
        self.failed: str | None = None
        self.lines: list[str] = []
        self.namespace: dict = {}
        self.names: dict = {}  # id(array) -> the name of the local holding it
        self.keep: list = []  # what the names point at, alive until the trace ends
        self.count = 0
        # For fusing ``v = a - b; copyto(a, v)`` into ``subtract(a, b, out=a)`` (``_fuse``):
        # line index -> (ufunc, v, a, b, v's dtype); line index -> (target, source, dtype).
        self.fusable: dict = {}
        self.copies: dict = {}
        self.objects = objects  # ids of every object reachable before the call
        # The tensors that existed before the call: arguments, then captured tensors.
        self.roots: dict = {}  # id(tensor) -> (tensor, expression)
        for i, t in enumerate(args):
            if t is not None:
                self.roots[id(t)] = (t, f"t{i}")
        for t in captured.values():
            if id(t) not in self.roots:
                self.roots[id(t)] = (t, self.constant(t, "c"))
        self.start = {}  # id(tensor) -> (its array, requires_grad) as last seen (_snapshot)
        self.expected_grad: dict = {}  # id(root) -> the .grad it must have at the end
        self.versions: dict = {}  # id(counter) -> (counter, the value the record explains)
        self.owners: dict = {}  # id(array) -> (expression reading it from a root, root id)
        self.used: set = set()  # ids of the roots the lines read or write
        # What the guard of a replay compares, as the call found each root.
        self.entry = {i: (t._data.shape, t._data.dtype, t._requires_grad, t._grad is None)
                      for i, (t, _) in self.roots.items()}
        self._snapshot()

    # --- names ---------------------------------------------------------------------------
    def constant(self, value, prefix: str = "k") -> str:
        name = f"{prefix}{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def new_name(self, value, prefix: str = "v") -> str:
        """A fresh local name for the array ``value``, which a line about to be emitted makes."""
        self.count += 1
        name = f"{prefix}{self.count}"
        if isinstance(value, (ndarray, xp.generic)):
            self.names[id(value)] = name
            self.keep.append(value)
        return name

    def call_line(self, out, function, *inputs: str) -> None:
        """Write ``name = function(*inputs)``, ``name`` standing for ``out``, which it made."""
        self.lines.append(f"{self.new_name(out)} = {self.constant(function, 'f')}"
                          f"({', '.join(inputs)})")

    def array(self, a) -> str:
        """The expression that gives, in a replay, the array ``a`` had in this call."""
        name = self.names.get(id(a))
        if name is not None:
            return name
        owner = self.owners.get(id(a))
        if owner is not None:
            self.used.add(owner[1])
            return owner[0]
        raise TraceFailed("it uses a tensor made by an operation that chainrule.compile does "
                          "not record (a factory such as torch.zeros or torch.randn inside the "
                          "function, or an array handed in directly)")

    def value(self, v, tensor=None) -> str:
        """The expression for an op's argument ``v`` as the forward receives it; ``tensor``:
        the tensor argument it was taken from, if any."""
        if isinstance(tensor, Tensor) and isinstance(v, (ndarray, xp.generic)):
            data = tensor._data
            if v is data:
                return self.array(data)
            if type(v) is not ndarray and data.ndim == 0:
                return f"{self.array(data)}[()]"  # a 0-d array passed as a NumPy scalar
            if type(v) is ndarray and v.shape == data.shape and v.dtype != data.dtype:
                name = self.new_name(v)  # cast to the promoted dtype
                self.lines.append(f"{name} = {self.array(data)}.astype({self.constant(v.dtype)})")
                return name
        if type(v) is ndarray:
            return self.array(v)
        if isinstance(v, xp.generic):  # a NumPy number: made by a line, or a constant
            return self.names.get(id(v)) or self.constant(v)
        if isinstance(v, _NUMBERS):
            return self.constant(v)
        if isinstance(v, (tuple, list)) and type(v) in (tuple, list):
            items = [self.value(e, t) for e, t in
                     zip(v, tensor if isinstance(tensor, (list, tuple)) else [None] * len(v))]
            return f"({', '.join(items)},)" if type(v) is tuple else f"[{', '.join(items)}]"
        if isinstance(v, Tensor):
            raise TraceFailed("an operation received a tensor where arrays were expected")
        return self.constant(v)

    # --- the hooks the engine calls (chainrule._tracing) ---------------------------------
    def op(self, op, args, data, result) -> None:
        """An op ran its forward on ``data`` (the arrays of ``args``) and made ``result``."""
        if self.failed or threading.get_ident() != self.thread:
            return
        try:
            inputs = [self.value(d, a) for d, a in zip(data, args)]
            forward = lean_forward(op, data) or op.forward
            call = f"{self.constant(forward, 'f')}({', '.join(inputs)})"
            if isinstance(result, Tensor):
                if op in FUSED and len(data) == 2 and type(data[0]) is ndarray:
                    self.fusable[len(self.lines)] = (FUSED[op], f"v{self.count + 1}", *inputs,
                                                     result._data.dtype)
                self._output(result._data, call)
            else:  # several outputs
                tmp = self.new_name(None, "o")
                self.lines.append(f"{tmp} = {call}")
                for i, r in enumerate(result):
                    self._output(r._data, f"{tmp}[{i}]")
        except TraceFailed as e:
            self.fail(str(e))

    def array_call(self, function, args, kwargs, result) -> None:
        """``function(*args, **kwargs)`` (``_tracing.recorded_call``) made the array ``result``."""
        if self.failed or threading.get_ident() != self.thread:
            return
        try:
            inputs = [self.value(a) for a in args]
            inputs += [f"{k}={self.value(v)}" for k, v in kwargs.items()]
            if type(result) is ndarray:
                self.call_line(result, function, *inputs)
            elif type(result) in (list, tuple) and all(type(r) is ndarray for r in result):
                whole = self.new_name(None, "o")
                self.lines.append(f"{whole} = {self.constant(function, 'f')}({', '.join(inputs)})")
                for i, r in enumerate(result):
                    self.lines.append(f"{self.new_name(r)} = {whole}[{i}]")
            else:
                raise TraceFailed(f"{function.__name__} returned no array")
        except TraceFailed as e:
            self.fail(str(e))

    def _output(self, out, call: str) -> None:
        name = self.new_name(out)
        # (Op.__call__ makes an array of what the forward returns, as here.)
        self.lines.append(f"{name} = {call}")
        self.lines.append(f"if type({name}) is not ndarray: {name} = asarray({name})")

    def wrote(self, tensor, function, args, kwargs) -> None:
        """``function(*args, **kwargs)`` wrote into ``tensor``'s memory; its version moved on."""
        if self.failed or threading.get_ident() != self.thread:
            return
        try:
            target = args[0]
            if target is not tensor._data:
                raise TraceFailed("it writes into a read-only (expanded) tensor")
            inputs = [self.array(target)] + [self.value(a) for a in args[1:]]
            if function is xp.copyto and len(args) == 2:
                self.copies[len(self.lines)] = (inputs[0], inputs[1], target.dtype)
            if kwargs:
                inputs += [f"{k}={self.constant(v)}" for k, v in kwargs.items()]
            self.lines.append(f"{self.constant(function, 'f')}({', '.join(inputs)})")
            self._bump(tensor)
        except TraceFailed as e:
            self.fail(str(e))

    def _bump(self, tensor) -> None:
        """Replay ``tensor._bump_version()`` where anyone outside the call can see it."""
        counter = tensor._version_counter
        known = self.versions.get(id(counter))
        expression = self._tensor_expression(tensor)
        if expression is None:
            for t, e in self.roots.values():  # a tensor sharing a root's counter (detach)
                if t._version_counter is counter:
                    expression = e
                    self.used.add(id(t))
                    break
        if expression is not None:
            self.lines.append(f"{expression}._bump_version()")
            if known is not None and counter.value != known[1] + 1:
                raise TraceFailed("a captured tensor was changed in a way the trace missed")
            self.versions[id(counter)] = (counter, counter.value)
        elif known is not None:
            raise TraceFailed("a captured tensor was changed through an alias")

    def _tensor_expression(self, tensor):
        root = self.roots.get(id(tensor))
        if root is not None:
            self.used.add(id(tensor))
            return root[1]
        for t, e in self.roots.values():
            if t._grad is tensor:
                self.used.add(id(t))
                return f"{e}._grad"
        return None

    def grad_set(self, tensor, value) -> None:
        """``tensor.grad = value``: recorded for None, or for a tensor the lines made or read."""
        if self.failed or threading.get_ident() != self.thread:
            return
        try:
            root = self.roots.get(id(tensor))
            if root is None:
                return  # a tensor made in the call: nothing outside sees its .grad
            if value is None:
                self.lines.append(f"{root[1]}._grad = None")
            else:
                self.lines.append(f"{root[1]}._grad = {self.output(value)}")
            self.used.add(id(tensor))
            self.expected_grad[id(tensor)] = value
            self._snapshot_owners()
        except TraceFailed as e:
            self.fail(str(e))

    def value_read(self, tensor) -> None:
        if not self.failed and threading.get_ident() == self.thread:
            self.fail("Python reads a tensor's value (.item(), float(), bool(), .tolist(), "
                      ".numpy() or printing), which a replay cannot repeat")

    def whole_call(self, method, obj, args, kwargs):
        """An optimizer's step or a zero_grad: run it untraced, and record the call itself."""
        if threading.get_ident() != self.thread:  # another thread's call: not this trace's
            return method(obj, *args, **kwargs)
        if not self.failed:
            try:
                self.check_state()  # (what it changes is noted after it: check what came before)
            except TraceFailed as e:
                self.fail(str(e))
        previous = _tracing.set_tracer(None)
        try:
            result = method(obj, *args, **kwargs)
        finally:
            _tracing.set_tracer(previous)
        if self.failed:
            return result
        try:
            if id(obj) not in self.objects:
                raise TraceFailed(f"it calls {type(obj).__name__}.{method.__name__} of an "
                                  "object made inside the function")
            if result is not None or any(_holds_tensor(a) or callable(a)
                                         for a in (*args, *kwargs.values())):
                raise TraceFailed(f"{type(obj).__name__}.{method.__name__} is called with a "
                                  "closure or tensors")
            inputs = [self.constant(obj)] + [self.constant(a) for a in args]
            inputs += [f"{k}={self.constant(v)}" for k, v in kwargs.items()]
            self.lines.append(f"{self.constant(method, 'f')}({', '.join(inputs)})")
            self._snapshot()  # what it changed is now the state the lines after it see
        except TraceFailed as e:
            self.fail(str(e))
        return result

    def fail(self, reason: str) -> None:
        if self.failed is None:
            self.failed = reason
            self.lines = []
            self.keep = []
            self.names = {}

    # --- the state of the captured tensors -----------------------------------------------
    def _snapshot(self) -> None:
        """Note the captured tensors' arrays, gradients and version counters as they are now."""
        for t, _ in self.roots.values():
            self.start[id(t)] = (t._data, t._requires_grad)
            self.expected_grad[id(t)] = t._grad
            self._note_counter(t)
            if t._grad is not None:
                self._note_counter(t._grad)
        self._snapshot_owners()

    def _snapshot_owners(self) -> None:
        """Which arrays are read from a captured tensor (``c0._data``, ``c0._grad._data``)."""
        self.owners = {}
        for t, e in self.roots.values():
            self.owners[id(t._data)] = (f"{e}._data", id(t))
            if t._grad is not None:
                self.owners.setdefault(id(t._grad._data), (f"{e}._grad._data", id(t)))

    def _note_counter(self, t) -> None:
        if t._version_counter is not None:
            self.versions[id(t._version_counter)] = (t._version_counter,
                                                     t._version_counter.value)

    def check_state(self) -> None:
        """Every captured tensor changed only as the recorded lines say."""
        for t, _ in self.roots.values():
            data, requires_grad = self.start[id(t)]
            if t._data is not data or t._requires_grad != requires_grad \
                    or t._grad is not self.expected_grad[id(t)]:
                raise TraceFailed("it changes a captured tensor in a way chainrule.compile "
                                  "does not record (.data =, requires_grad_(), setting .grad)")
            for u in (t, t._grad):
                if u is not None and u._version_counter is not None:
                    # (a counter made since, by a view or detach(), and never moved on: 0)
                    known = self.versions.get(id(u._version_counter), (None, 0))
                    if known[1] != u._version_counter.value:
                        raise TraceFailed("a captured tensor was changed in place by an "
                                          "operation chainrule.compile does not record")

    # --- the backward pass -----------------------------------------------------------------
    def backward(self, roots, root_grads, retain_graph, create_graph, inputs, accumulate):
        """``engine.backward.run_backward``, recorded (or, where it cannot be, run as is)."""
        if threading.get_ident() != self.thread:
            self.fail("another thread ran a backward pass during the trace")
        if not self.failed:
            reason = _unrecordable(roots, root_grads, create_graph, inputs, accumulate)
            if reason is None:
                edges = [gradient_edge(t) for t in roots]
                consumers = engine_backward.count_consumers([n for n, _ in edges])
                reason = self._unrecordable_nodes(consumers)
                if reason is None:
                    try:
                        self._run_backward(edges, roots, root_grads, consumers, retain_graph)
                    except TraceFailed as e:
                        raise AssertionError(f"chainrule.compile: internal error: {e}") from e
                    return None
            self.fail(reason)
        previous = _tracing.set_tracer(None)  # the engine's own pass, untraced
        try:
            return engine_backward.run_backward(roots, root_grads, retain_graph, create_graph,
                                                inputs, accumulate)
        finally:
            _tracing.set_tracer(previous)

    def _unrecordable_nodes(self, consumers: dict):
        for node in consumers:
            if node._hooked:
                return "a hook is registered on a node of its graph"
            if type(node) is AccumulateGrad:
                leaf = node.variable
                if id(leaf) not in self.roots:
                    return "it backpropagates into a tensor made inside the function"
                if leaf._hooks or leaf._post_accumulate_hooks or leaf._retains_grad:
                    return "a leaf has hooks"
                if leaf._grad is not None and leaf._grad._requires_grad:
                    return "a leaf's .grad requires grad"
            elif not isinstance(node, OpNode) or isinstance(node, GeneralOpNode):
                return f"its graph has a {node.name()} node, which is not recorded"
            elif node._saved is RELEASED:
                return "it backpropagates through a graph that was already freed"
            elif node._saved is not None and any(
                    type(v) in SAVED_KINDS and getattr(v, "hooks_unpack", None) is not None
                    for v in node._saved):
                return "saved-tensor hooks are active"
        return None

    def _run_backward(self, edges, roots, root_grads, consumers, retain_graph) -> None:
        """The loop of ``run_backward`` (arrays, no hooks), writing each step as a line."""
        gradients: dict = {}
        for (node, nr), g, root in zip(edges, root_grads, roots):
            if g is None and root._data.ndim == 0:
                # The implicit 1 of a scalar loss, a NumPy number as the engine makes it: a
                # constant (a number cannot change)
                g = root._data.dtype.type(1)
                self.names[id(g)] = self.constant(g)
                self.keep.append(g)
            elif g is None:
                g = engine_backward._ones(root._data)
                self.call_line(g, engine_backward._ones, self.array(root._data))
            else:
                source = g._data
                if source.dtype != root._data.dtype:
                    g = source.astype(root._data.dtype)
                    self.lines.append(f"{self.new_name(g)} = {self.array(source)}.astype("
                                      f"{self.constant(root._data.dtype)})")
                else:
                    g = source
            if type(g) is ndarray and g.ndim == 0:
                source, g = g, g[()]
                self.lines.append(f"{self.new_name(g)} = {self.array(source)}[()]")
            self._add_to(gradients, node, nr, g)
        previous_mode = grad_mode.state.enabled
        grad_mode.state.enabled = False
        token = silence_fp_errors()  # (as the engine's pass does)
        try:
            ready = engine_backward.start_nodes([node for node, _ in edges], consumers)
            while ready:
                node = ready.pop()
                grads = gradients.pop(node, None)
                if grads is None:
                    results = engine_backward._NOTHING_SENT
                elif type(node) is AccumulateGrad:
                    self._accumulate(node.variable, grads[0])
                    results = engine_backward._NOTHING_SENT
                else:
                    results = self._apply(node, grads)
                    if not retain_graph and node._saved is not None:
                        node.release()
                for (child, nr), g, meta in zip(node.next_functions, results, node.input_meta):
                    if child is None or g is None:
                        continue
                    if meta is not None and (g.shape != meta[0] or g.dtype != meta[1]):
                        source = g
                        g = engine_backward._sum_to(g, meta[0], meta[1])
                        self.call_line(g, engine_backward._sum_to, self.array(source),
                                       self.constant(meta[0]), self.constant(meta[1]))
                    self._add_to(gradients, child, nr, g)
                engine_backward._release_inputs(node, consumers, ready)
        finally:
            restore_fp_errors(token)
            grad_mode.state.enabled = previous_mode

    def _add_to(self, gradients: dict, node, nr: int, g) -> None:
        slots = gradients.get(node)
        if slots is None:
            slots = gradients[node] = [None] * node.num_outputs
        previous = slots[nr]
        if previous is None:
            slots[nr] = g
        else:  # fan-out: the sum, in the engine's order
            total = previous + g
            self.lines.append(f"{self.new_name(total)} = {self.array(previous)} + "
                              f"{self.array(g)}")
            slots[nr] = total

    def _apply(self, node, grads) -> list:
        """``OpNode.apply_arrays`` itself, run with each rule of the node's plan wrapped so
        that it records its line: a rule's array form as one call; a rule without one runs
        on tensors, and its ops are recorded as the forward's are."""
        grad = grads[0]
        plan = node._plan
        node._plan = [None if step is None else self._recording(node, step, meta, grad)
                      for step, meta in zip(plan, node.input_meta)]
        try:
            return OpNode.apply_arrays(node, grads)
        finally:
            node._plan = plan

    def _recording(self, node, step, meta, grad) -> tuple:
        """``step`` of ``node``'s plan (rule, positions, array form), its rule or form
        wrapped to record what it computes from ``grad``."""
        rule, positions, form = step
        if form is None:
            def recorded_rule(wrapped, *values):
                if wrapped._data is not grad:  # a NumPy scalar became a 0-d array
                    self.lines.append(f"{self.new_name(wrapped._data)} = asarray("
                                      f"{self.array(grad)})")
                return rule(wrapped, *values)
            return recorded_rule, positions, None

        def recorded_form(g, *values):
            expressions = []
            for p in positions:
                v = node._saved[p]
                if type(v) in SAVED_KINDS:
                    data = v.unpack(node)._data
                    expressions.append(self.array(data) + ("[()]" if data.ndim == 0 else ""))
                else:
                    expressions.append(self.value(v))
            result = form(g, *values)
            lean = LEAN_RULES.get(rule, form)
            call = f"{self.constant(lean, 'f')}({', '.join([self.array(g), *expressions])})"
            # the engine's cast back to the gradient's dtype, done here to record it on the line
            if meta is None and result.dtype is not g.dtype and result.dtype != g.dtype:
                result = result.astype(g.dtype)
                call += f".astype({self.constant(g.dtype)})"
            self.lines.append(f"{self.new_name(result)} = {call}")
            return result
        return rule, positions, recorded_form

    def _accumulate(self, leaf, grad) -> None:
        """``engine.backward._accumulate`` for arrays, recorded.  A replay always gives the
        leaf a copy (the engine skips it where nothing else holds the array): same values."""
        expression = self.roots[id(leaf)][1]
        self.used.add(id(leaf))
        current = leaf._grad
        if current is None:
            new = xp.array(grad)  # a copy, and an array also for a NumPy scalar
            self.lines.append(f"{self.new_name(new)} = array({self.array(grad)})")
            leaf._grad = from_array(new)
            self.lines.append(f"{expression}._grad = from_array({self.names[id(new)]})")
            self.expected_grad[id(leaf)] = leaf._grad
        else:
            current._data += grad
            current._bump_version()
            tmp = self.new_name(None, "g")
            self.lines.append(f"{tmp} = {expression}._grad")
            self.lines.append(f"{tmp}._data += {self.array(grad)}")
            self.lines.append(f"{tmp}._bump_version()")
            self.versions[id(current._version_counter)] = (current._version_counter,
                                                          current._version_counter.value)

    def entry_state(self, roots: list) -> tuple:
        """The guarded facts of ``roots`` as the call found them (see ``api.CompiledFunction``)."""
        return tuple(self.entry[id(t)] for t in roots)

    # --- the end ---------------------------------------------------------------------------
    def finish(self, result, n_args: int, name: str) -> Replay:
        """The replay function of the recorded call, returning what ``result`` held."""
        if self.failed:
            raise TraceFailed(self.failed)
        self.check_state()
        returned = self.output(result)
        self._fuse()
        self._drop_unread(returned)
        return build(name, n_args, self.lines, returned, self.namespace)

    def _drop_unread(self, returned: str) -> None:
        """Leave out the lines that make an array nothing reads (the loss's value, where the
        function returns none): what ops, rules and recorded calls compute depends on their
        arguments alone, so dropping it changes no result.  Lines with effects (writes,
        ``.grad``, versions, whole calls) assign no ``v``/``o`` name and all stay."""
        read = set(_NAME.findall(returned))
        kept = []
        for line in reversed(self.lines):  # (each name is made once, before it is read)
            made = _MADE.match(line)
            if made is not None and (made.group(1) or made.group(2)) not in read:
                continue
            kept.append(line)
            read.update(_NAME.findall(line))
        kept.reverse()
        self.lines = kept

    def _fuse(self) -> None:
        """``v = a - b`` (with its array check) then ``copyto(a, v)``: ``subtract(a, b, out=a)``,
        where nothing else reads ``v`` and no cast is needed (see ``lean.FUSED``)."""
        lines = self.lines
        dropped = set()
        for i, (ufunc, name, a, b, dtype) in self.fusable.items():
            copy = self.copies.get(i + 2)
            if copy is None or copy[:2] != (a, name) or copy[2] != dtype:
                continue
            word = re.compile(rf"\b{name}\b")
            if any(word.search(line) for j, line in enumerate(lines) if j not in (i, i + 1, i + 2)):
                continue
            lines[i] = f"{self.constant(ufunc, 'f')}({a}, {b}, out={a})"
            dropped.update((i + 1, i + 2))
        self.lines = [line for j, line in enumerate(lines) if j not in dropped]

    def output(self, v) -> str:
        if isinstance(v, Tensor):
            root = self.roots.get(id(v))
            if root is not None:
                self.used.add(id(v))
                return root[1]
            node = v._grad_fn
            if node is not None and isinstance(node, OpNode) and node._saved is RELEASED:
                # The loss a step returns after its backward: its graph is spent, so all
                # eager mode allows is reading it, and a second backward raises at once.
                return (f"spent({self.array(v._data)}, {self.constant(type(node))}, "
                        f"{v._output_nr})")
            if v._requires_grad or node is not None:
                raise TraceFailed("it returns a tensor that requires grad whose graph a "
                                  "later backward could still use (a replay makes no graph): "
                                  "return loss.detach()")
            data = self.array(v._data)
            counter = v._version_counter
            for t, e in self.roots.values():
                if counter is not None and t._version_counter is counter:
                    self.used.add(id(t))
                    return f"shared({data}, {e})"  # (detach() of a captured tensor)
            if counter is not None and counter.value:
                return f"versioned({data}, {self.constant(counter.value)})"
            return f"Tensor_make({data})"
        if type(v) in (tuple, list):
            items = [self.output(e) for e in v]
            return f"({', '.join(items)},)" if type(v) is tuple else f"[{', '.join(items)}]"
        if type(v) is dict:
            return "{" + ", ".join(f"{self.constant(k)}: {self.output(e)}"
                                   for k, e in v.items()) + "}"
        if isinstance(v, _NUMBERS):
            return self.constant(v)
        raise TraceFailed(f"it returns a {type(v).__name__}, which a replay cannot rebuild")


_NAME = re.compile(r"\b[vo]\d+\b")
# A line that only makes the array it names: ``v3 = ...``, or the array check after it.
_MADE = re.compile(r"^(?:if type\(([vo]\d+)\) is not ndarray: \1 = asarray\(\1\)$|([vo]\d+) = )")


def _holds_tensor(v) -> bool:
    if isinstance(v, Tensor):
        return True
    if isinstance(v, (list, tuple)):
        return any(_holds_tensor(e) for e in v)
    if isinstance(v, dict):
        return any(_holds_tensor(e) for e in v.values())
    return False


def _unrecordable(roots, root_grads, create_graph, inputs, accumulate):
    if create_graph:
        return "backward with create_graph=True"
    if inputs is not None or not accumulate:
        return "autograd.grad or backward(inputs=...)"
    if grad_mode.flags.anomaly:
        return "anomaly mode is on"
    if engine_backward.observer is not None or engine_backward.current_pass() is not None:
        return "the backward pass is watched or nested"
    if SAVED_TENSORS_HOOKS:
        return "saved-tensor hooks are active"
    if not all(isinstance(t, Tensor) for t in roots) or any(
            g is not None and not isinstance(g, Tensor) for g in root_grads):
        return "backward from a GradientEdge"
    return None
