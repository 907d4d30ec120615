"""Activation checkpointing: trade compute for memory (``torch.utils.checkpoint``).

``checkpoint(f, x)`` keeps none of ``f``'s intermediate values for backward,
only its inputs; when backward needs them, ``f`` runs again (with the random
state of the forward, so dropout draws the same masks).  Peak memory drops
from "every intermediate of f" to "the inputs of f", at the price of a second
forward pass of ``f``.  Two variants, as in PyTorch:

- ``use_reentrant=False`` (recommended): ``f``'s graph is recorded as usual,
  but the tensors its operations save are replaced by placeholders and
  recomputed on first need (see ``_recompute.py``).  Hooks run once,
  ``autograd.grad`` works, inputs and outputs may be any structure (dicts,
  lists, tensors that need no gradient), and the recomputation is checked to
  save the same tensors (``determinism_check``, ``debug``).
- ``use_reentrant=True``: ``f`` runs without recording inside one custom
  ``autograd.Function``, whose backward runs ``f`` again and calls backward
  inside backward.  Gradients reach the inputs and every tensor ``f`` uses
  (a module's parameters), but only through ``backward()`` without ``inputs``.

Leaving ``use_reentrant`` out warns, as in PyTorch, and picks ``True``.
"""
from __future__ import annotations

import contextlib
import warnings
from typing import Callable

from ..engine import grad_mode
from ..engine.backward import backward as autograd_backward
from ..engine.backward import current_pass
from ..engine.function import Function
from ..engine.saved import saved_tensors_hooks
from ..functions.random import get_rng_state, set_rng_state
from ..tensor import Tensor
from ._recompute import CheckpointError, Frame, GraphExecGroup, default_metadata

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError", "CheckpointFunction",
           "GraphExecGroup", "detach_variable", "set_checkpoint_debug_enabled",
           "set_checkpoint_early_stop"]

_debug_enabled: bool | None = None
_early_stop_enabled: bool | None = None
_DETERMINISM_CHECKS = {"default": default_metadata, "none": None}


@contextlib.contextmanager
def set_checkpoint_debug_enabled(enabled: bool | None):
    """Inside this block, ``debug`` of every checkpoint is ``enabled`` (None: each call's own).

    >>> from chainrule.utils.checkpoint import set_checkpoint_debug_enabled
    >>> with set_checkpoint_debug_enabled(True):
    ...     pass
    """
    global _debug_enabled
    previous = _debug_enabled
    _debug_enabled = enabled
    try:
        yield
    finally:
        _debug_enabled = previous


@contextlib.contextmanager
def set_checkpoint_early_stop(enable: bool):
    """Whether checkpoints made in this block stop recomputing once every saved tensor is back.

    >>> from chainrule.utils.checkpoint import checkpoint, set_checkpoint_early_stop
    >>> x = torch.ones(2, requires_grad=True)
    >>> with set_checkpoint_early_stop(False):
    ...     y = checkpoint(torch.sin, x, use_reentrant=False)
    >>> y.sum().backward(); x.grad
    tensor([0.5403, 0.5403])
    """
    global _early_stop_enabled
    previous = _early_stop_enabled
    _early_stop_enabled = enable
    try:
        yield
    finally:
        _early_stop_enabled = previous


def detach_variable(inputs: tuple) -> tuple:
    """The tensors of ``inputs`` detached, each requiring grad as the original did.

    >>> from chainrule.utils.checkpoint import detach_variable
    >>> x = torch.ones(2, requires_grad=True) * 2
    >>> (d, k) = detach_variable((x, 3)); d.grad_fn is None, d.requires_grad, k
    (True, True, 3)
    """
    if not isinstance(inputs, tuple):
        raise RuntimeError("Only tuple of tensors is supported. Got Unsupported input type: "
                           f"{type(inputs).__name__}")
    out = []
    for x in inputs:
        if isinstance(x, Tensor):
            d = x.detach()
            d.requires_grad_(x.requires_grad)
            x = d
        out.append(x)
    return tuple(out)


class CheckpointFunction(Function):
    """The reentrant variant: ``f`` runs unrecorded; backward reruns it and backpropagates."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        if not any(a.requires_grad for a in args if isinstance(a, Tensor)):
            warnings.warn("None of the inputs have requires_grad=True. Gradients will be None",
                          stacklevel=2)
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
        if current_pass().inputs is not None:
            # The inner backward below accumulates into .grad, which a pass that returns
            # gradients (autograd.grad) or fills only some (inputs=) cannot see.
            raise RuntimeError(
                "When use_reentrant=True, torch.utils.checkpoint is incompatible with .grad() "
                "or passing an `inputs` parameter to .backward(). To resolve this error, you "
                "can either set use_reentrant=False, or call .backward() without passing the "
                "`inputs` argument.")
        inputs = list(ctx.inputs)
        for i, t in zip(ctx.tensor_indices, ctx.saved_tensors):
            inputs[i] = t
        with _rng_state(ctx.rng_state if ctx.preserve_rng_state else None):
            detached = detach_variable(tuple(inputs))
            with grad_mode.enable_grad():
                outputs = ctx.run_function(*detached)
        if isinstance(outputs, Tensor):
            outputs = (outputs,)
        pairs = [(o, g) for o, g in zip(outputs, grad_outputs)
                 if isinstance(o, Tensor) and o.requires_grad]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not "
                               "necessary. Fix: checkpoint only functions whose outputs need a "
                               "gradient, or pass use_reentrant=False.")
        autograd_backward([o for o, _ in pairs], [g for _, g in pairs])
        grads = tuple(x.grad if isinstance(x, Tensor) else None for x in detached)
        return (None, None) + grads


@contextlib.contextmanager
def _rng_state(state):
    """Run with the random state ``state`` (None: leave it alone), then put the current one back."""
    if state is None:
        yield
        return
    current = get_rng_state()
    set_rng_state(state)
    try:
        yield
    finally:
        set_rng_state(current)


def _no_context():
    return contextlib.nullcontext(), contextlib.nullcontext()


def checkpoint(function: Callable, *args, use_reentrant: bool | None = None,
               context_fn: Callable = _no_context, determinism_check: str = "default",
               debug: bool = False, early_stop: bool = True, preserve_rng_state: bool = True,
               **kwargs):
    """Run ``function(*args, **kwargs)`` without keeping its intermediates; recompute them in
    backward.

    ``context_fn`` returns two context managers, for the forward and for the
    recomputation; ``determinism_check`` is ``"default"`` (the recomputation
    must save tensors of the same shapes, dtypes and devices) or ``"none"``;
    ``debug=True`` adds to such an error where each tensor was saved.

    >>> from chainrule.utils.checkpoint import checkpoint
    >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> y = checkpoint(lambda t: (t.exp() * t).sum(), x, use_reentrant=False)
    >>> y.backward(); x.grad
    tensor([ 5.4366, 22.1672])
    """
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. "
            "Starting in PyTorch 2.9, calling checkpoint without use_reentrant will raise an "
            "exception. use_reentrant=False is recommended, but if you need to preserve the "
            "current default behavior, you can pass use_reentrant=True. Refer to docs for more "
            "details on the differences between the two variants.", stacklevel=2)
        use_reentrant = True
    if use_reentrant:
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        if context_fn is not _no_context or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when "
                             "use_reentrant=False.")
        return CheckpointFunction.apply(function, preserve_rng_state, *args)
    return _checkpoint_without_reentrant(function, args, kwargs, context_fn, determinism_check,
                                         debug, early_stop, preserve_rng_state)


def _checkpoint_without_reentrant(function, args, kwargs, context_fn, determinism_check,
                                  debug, early_stop, preserve_rng_state):
    if _debug_enabled if _debug_enabled is not None else debug:
        if context_fn is not _no_context:
            raise ValueError("debug=True is incompatible with non-default context_fn")
        debug = True
    else:
        debug = False
    if determinism_check not in _DETERMINISM_CHECKS:
        raise ValueError(f"determinism_check should be one of {list(_DETERMINISM_CHECKS)}, but "
                         f"got {determinism_check}")
    forward_context, recompute_context = context_fn()
    if not grad_mode.is_grad_enabled():  # nothing is saved for backward anyway
        with forward_context:
            return function(*args, **kwargs)
    rng_state = get_rng_state() if preserve_rng_state else None

    def recompute(*inputs):
        with _rng_state(rng_state), recompute_context:
            function(*inputs, **kwargs)

    frame = Frame(recompute, args,
                  _early_stop_enabled if _early_stop_enabled is not None else early_stop,
                  _DETERMINISM_CHECKS[determinism_check], debug)
    with saved_tensors_hooks(frame.pack, frame.unpack), forward_context:
        out = function(*args, **kwargs)
    frame.forward_completed = True
    return out


def checkpoint_sequential(functions, segments: int, input, use_reentrant: bool | None = None,
                          **kwargs):
    """Split a sequence of layers into ``segments`` chunks and checkpoint each (but the last).

    >>> from chainrule.utils.checkpoint import checkpoint_sequential
    >>> x = torch.ones(2, requires_grad=True)
    >>> y = checkpoint_sequential([torch.exp, torch.sin, torch.tanh], 2, x, use_reentrant=False)
    >>> y.sum().backward(); x.grad.shape
    torch.Size([2])
    """
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be "
            "passed explicitly. In version 2.9 we will raise an exception if use_reentrant is "
            "not passed. use_reentrant=False is recommended, but if you need to preserve the "
            "current default behavior, you can pass use_reentrant=True. Refer to docs for more "
            "details on the differences between the two variants.", stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
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
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)
    return run(end + 1, len(functions) - 1)(input)
