"""Views and in-place changes: when changing a view in place would make its history wrong.

A view (``x[0]``, ``x.t()``, the pieces of ``x.split(2)``, a view a custom
Function returned) shares memory with its base, so changing it in place
changes the base too, and autograd must rewrite both histories.  PyTorch
refuses to, and says why, where the history recorded for the view cannot
show the change; it remembers the reason with the view (its
``CreationMeta``), here ``Tensor._creation_meta``: None when the view may
be changed, otherwise one of the reasons below.

A view of a view inherits the reason, so ``x[0][1]`` of an ``x[0]`` taken
under ``no_grad()`` is refused too.

    >>> base = torch.ones(3, requires_grad=True) * 1
    >>> with torch.no_grad():
    ...     view = base[:2]
    >>> view.requires_grad, view.grad_fn   # its base requires grad: so does the view
    (True, None)
    >>> view.mul_(2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    RuntimeError: A view was created in no_grad mode and is being modified inplace ...
"""
from __future__ import annotations

from . import grad_mode

# The reasons, as PyTorch words them after "Output 0 of Split is a view and is being
# modified inplace." (each view keeps the one that applies to it).
MULTI_OUTPUT = (
    "This view is the output of a function that returns multiple views. Such functions do not "
    "allow the output views to be modified inplace. You should replace the inplace operation "
    "by an out-of-place one. Fix: .clone() the piece before changing it.")
IN_CUSTOM_FUNCTION = (
    "This view was created inside a custom Function (or because an input was returned as-is) "
    "and the autograd logic to handle view+inplace would override the custom backward "
    "associated with the custom Function, leading to incorrect gradients. This behavior is "
    "forbidden. You can fix this by cloning the output of the custom Function.")
NO_GRAD_MODE = (
    "Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify "
    "your code by moving both the view and the inplace either both inside the no_grad block "
    "(if you don't want the inplace to be tracked) or both outside (if you want the inplace "
    "to be tracked).")
INFERENCE_MODE = (
    "Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify "
    "your code by moving both the view and the inplace either both inside the inference_mode "
    "block (if you don't want the inplace to be tracked) or both outside (if you want the "
    "inplace to be tracked).")


def creation_meta(source, several: bool = False):
    """The reason (or None) kept with a view of ``source`` taken now; ``several`` for the
    pieces of an op that returns several views (split, unbind, chunk)."""
    state = grad_mode.state
    if state.inference:
        new = INFERENCE_MODE
    elif not state.enabled:
        new = NO_GRAD_MODE
    else:
        new = MULTI_OUTPUT if several else None
    previous = source._creation_meta
    # A view of a view keeps the first reason, unless the new one is stronger
    # (PyTorch's propagate_creation_meta).
    if new is None or previous is INFERENCE_MODE:
        return previous
    return new


def requires_grad(t) -> bool:
    """``t.requires_grad`` as PyTorch answers it: a view requires grad when its base does
    (even a view taken under ``no_grad()``, or before the base required grad)."""
    return t._requires_grad or (t._base is not None and t._base._requires_grad)


def refused(view, indirect: bool = False) -> str | None:
    """PyTorch's error for changing ``view`` in place (or, ``indirect``, its base or another
    view of it), or None where that is allowed."""
    reason = view._creation_meta
    if reason is None:
        return None
    node = view._grad_fn
    changed = ("its base or another view of its base has been" if indirect else "is being")
    if reason is NO_GRAD_MODE or reason is INFERENCE_MODE or node is None:
        where = f"Output {view._output_nr} of {_op_name(node)} is a view of a view which was " \
                "created in" if node is not None else "A view was created in"
        if reason is INFERENCE_MODE:
            where += f" inference mode and {changed} modified inplace in normal mode."
        else:
            where += f" no_grad mode and {changed} modified inplace with grad mode enabled."
    else:
        where = f"Output {view._output_nr} of {_op_name(node)} is a view and {changed} " \
                "modified inplace."
    return f"{where} {reason}"


def _op_name(node) -> str:
    # PyTorch names the op, not its node: "Output 0 of SplitWithSizes", "of MyFn".
    return node.name().rstrip("0123456789").removesuffix("Backward")
