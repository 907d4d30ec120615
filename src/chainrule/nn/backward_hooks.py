"""A module's full backward hooks: ``hook(module, grad_input, grad_output)``.

As in PyTorch, a module with such hooks passes its tensor inputs and its outputs through
an identity ``autograd.Function`` (``BackwardHookFunctionBackward`` in the graph).  The
node on the outputs sees the gradients of the outputs first (and runs the backward
pre-hooks, which may replace them); the node on the inputs sees the gradients of the
inputs, and there the hooks run with both, and may replace the inputs' gradients.  Where
no input needs a gradient, the hooks run at the outputs' node with ``grad_input`` all None.
"""
from __future__ import annotations

from ..engine.function import Function
from ..engine.grad_mode import is_grad_enabled
from ..tensor import Tensor


class BackwardHookFunction(Function):
    """The identity, as a node of its own: where a module's backward hooks attach."""

    @staticmethod
    def forward(ctx, *args):
        ctx.mark_non_differentiable(*[a for a in args if not a.requires_grad])
        return args

    @staticmethod
    def backward(ctx, *grads):
        return grads


def _pack(indices, values, size: int) -> tuple:
    """``values`` at ``indices`` of a tuple of ``size``, None elsewhere."""
    out = [None] * size
    for i, v in zip(indices, values):
        out[i] = v
    return tuple(out)


def _replacement(changed, expected: int, who: str, what: str) -> tuple:
    """What a hook returned instead of the gradients, checked to be one per tensor."""
    changed = (changed,) if isinstance(changed, Tensor) else tuple(changed)
    if len(changed) != expected:
        raise RuntimeError(f"{who} returned an invalid number of {what}, got {len(changed)}, "
                           f"but expected {expected}")
    return changed


class BackwardHook:
    """One call of a module with backward hooks: the hooks' view of its gradients."""

    def __init__(self, module, hooks, pre_hooks) -> None:
        self.module = module
        self.hooks = list(hooks.values()) if hooks else []
        self.pre_hooks = list(pre_hooks.values()) if pre_hooks else []
        self.grad_outputs = None  # set by the outputs' node, used (and dropped) at the inputs'
        self.n_inputs = 0
        self.input_positions = None  # of the inputs that pass through the hook node
        self.n_outputs = 0
        self.output_positions = None

    def _through_identity(self, values, on_node):
        """``values`` (a tuple) with their tensors passed through one BackwardHookFunction
        (where grad is on and some tensor needs a gradient); ``on_node`` gets its node."""
        positions = [i for i, v in enumerate(values) if isinstance(v, Tensor)]
        if not (is_grad_enabled() and any(values[i].requires_grad for i in positions)):
            return values, None
        passed = BackwardHookFunction.apply(*[values[i] for i in positions])
        node = next(t.grad_fn for t in passed if t.grad_fn is not None)
        on_node(node)
        out = list(values)
        for i, t in zip(positions, passed):
            out[i] = t
        return tuple(out), positions

    def setup_input_hook(self, args: tuple) -> tuple:
        self.n_inputs = len(args)
        args, self.input_positions = self._through_identity(
            args, lambda node: node.register_hook(self._at_inputs))
        return args

    def setup_output_hook(self, result):
        single = isinstance(result, Tensor)
        values = (result,) if single else result
        if not isinstance(values, tuple):
            return result  # (a dict or list of outputs: not hooked, as in PyTorch)
        self.n_outputs = len(values)
        values, self.output_positions = self._through_identity(
            values, lambda node: node.register_prehook(self._at_outputs))
        return values[0] if single else values

    def _at_outputs(self, grad_outputs):
        self.grad_outputs = _pack(self.output_positions, grad_outputs, self.n_outputs)
        for hook in self.pre_hooks:
            changed = hook(self.module, self.grad_outputs)
            if changed is not None:
                self.grad_outputs = _replacement(changed, self.n_outputs,
                                                 "Backward pre hook", "grad_output")
        if self.input_positions is None:  # no input needs a gradient: the hooks run here
            grad_inputs = (None,) * self.n_inputs
            for hook in self.hooks:
                changed = hook(self.module, grad_inputs, self.grad_outputs)
                if changed is not None and any(g is not None for g in changed):
                    raise RuntimeError(
                        "Backward hook for Modules where no input requires gradient should "
                        "always return None or None for all gradients.")
            self.grad_outputs = None
        if self.pre_hooks and self.grad_outputs is not None:
            return tuple(self.grad_outputs[i] for i in self.output_positions)
        return None

    def _at_inputs(self, grad_inputs, _grad_outputs):
        if self.grad_outputs is None:  # the outputs' node did not run in this pass
            return None
        packed = _pack(self.input_positions, grad_inputs, self.n_inputs)
        for hook in self.hooks:
            changed = hook(self.module, packed, self.grad_outputs)
            if changed is not None:
                packed = _replacement(changed, self.n_inputs, "Backward hook", "grad_input")
        # Dropped here: kept, with create_graph=True they would tie the graph to this hook.
        self.grad_outputs = None
        return tuple(packed[i] for i in self.input_positions)
