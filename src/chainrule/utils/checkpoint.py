"""Activation checkpointing: trade compute for memory (``torch.utils.checkpoint``).

``checkpoint(f, x)`` runs ``f`` without recording, so none of its
intermediate values are kept for backward; only its inputs are.  When
backward reaches it, ``f`` is run again (with recording) from the saved
inputs and backpropagated through.  Peak memory drops from "every
intermediate of f" to "the inputs of f", at the price of a second forward
pass of ``f``.

It is a custom ``autograd.Function`` whose backward calls backward again
(PyTorch's "reentrant" variant): gradients reach the inputs and every tensor
``f`` uses, such as a module's parameters.  ``use_reentrant`` is accepted
and both values behave this way.
"""
from __future__ import annotations

from typing import Callable

from ..engine import grad_mode
from ..engine.backward import backward as autograd_backward
from ..engine.function import Function
from ..functions.random import get_rng_state, set_rng_state
from ..tensor import Tensor

__all__ = ["checkpoint", "checkpoint_sequential"]




class CheckpointFunction(Function):
    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        ctx.run_function = run_function
        ctx.preserve_rng_state = preserve_rng_state
        if preserve_rng_state:
            ctx.rng_state = get_rng_state()
        ctx.inputs = [None if isinstance(a, Tensor) else a for a in args]
        ctx.tensor_indices = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.save_for_backward(*[a for a in args if isinstance(a, Tensor)])
        with grad_mode.no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx, *grad_outputs):
        inputs = list(ctx.inputs)
        for i, t in zip(ctx.tensor_indices, ctx.saved_tensors):
            x = t.detach()
            x.requires_grad_(t.requires_grad)
            inputs[i] = x
        if ctx.preserve_rng_state:
            current = get_rng_state()
            set_rng_state(ctx.rng_state)  # dropout draws the same masks again
        try:
            with grad_mode.enable_grad():
                outputs = ctx.run_function(*inputs)
        finally:
            if ctx.preserve_rng_state:
                set_rng_state(current)
        if isinstance(outputs, Tensor):
            outputs = (outputs,)
        pairs = [(o, g) for o, g in zip(outputs, grad_outputs)
                 if isinstance(o, Tensor) and o.requires_grad and g is not None]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not "
                               "necessary")
        autograd_backward([o for o, _ in pairs], [g for _, g in pairs])
        grads = tuple(x.grad if isinstance(x, Tensor) else None for x in inputs)
        return (None, None) + grads


def checkpoint(function: Callable, *args, use_reentrant: bool | None = None,
               context_fn=None, determinism_check: str = "default", debug: bool = False,
               preserve_rng_state: bool = True, **kwargs):
    """Run ``function(*args)`` without keeping its intermediates; recompute them in backward.

    >>> import chainrule as torch
    >>> from chainrule.utils.checkpoint import checkpoint
    >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> y = checkpoint(lambda t: (t.exp() * t).sum(), x, use_reentrant=False)
    >>> y.backward(); x.grad
    tensor([ 5.4366, 22.1672])
    """
    if kwargs:
        fn = function

        def function(*a):
            return fn(*a, **kwargs)
    return CheckpointFunction.apply(function, preserve_rng_state, *args)


def checkpoint_sequential(functions, segments: int, input, use_reentrant: bool | None = None,
                          **kwargs):
    """Split a sequence of layers into ``segments`` chunks and checkpoint each (but the last).

    >>> import chainrule as torch
    >>> from chainrule.utils.checkpoint import checkpoint_sequential
    >>> x = torch.ones(2, requires_grad=True)
    >>> y = checkpoint_sequential([torch.exp, torch.sin, torch.tanh], 2, x, use_reentrant=False)
    >>> y.sum().backward(); x.grad.shape
    torch.Size([2])
    """
    if hasattr(functions, "children") and not isinstance(functions, (list, tuple)):
        functions = list(functions.children())
    functions = list(functions)

    def run(start, end):
        def forward(x):
            for f in functions[start:end + 1]:
                x = f(x)
            return x
        return forward

    size = max(len(functions) // segments, 1)
    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant, **kwargs)
    return run(end + 1, len(functions) - 1)(input)
