"""``torch.while_loop``: PyTorch's structured loop for ``torch.compile``, run eagerly as
the Python loop it stands for (PyTorch's own eager fallback runs it so too).

The loop's operations are recorded one by one, so gradients flow through every
iteration taken; PyTorch records the whole loop under one
``WhileLoopAutogradOpBackward`` node instead.
"""
from __future__ import annotations

import builtins

from ..tensor import Tensor

__all__ = ["while_loop"]


def _check_condition(pred) -> bool:
    if isinstance(pred, builtins.bool):
        return pred
    if isinstance(pred, Tensor) and pred.ndim == 0 and pred.dtype.name == "bool":
        return builtins.bool(pred.item())
    got = f"shape {list(pred.shape)} and dtype {pred.dtype}" if isinstance(pred, Tensor) \
        else type(pred).__name__
    raise RuntimeError(f"torch.while_loop: Expected cond_fn to return a scalar tensor or a bool "
                       f"but got {got}. Fix: reduce the condition to one bool, e.g. "
                       "(x < n).all().")


def _check_step(out, carried: tuple) -> tuple:
    """``body_fn``'s result as a tuple, with the carried values' number, types and metadata."""
    if isinstance(out, Tensor) and len(carried) == 1:
        out = (out,)  # one carried value may come back bare
    if not isinstance(out, (tuple, list)) or len(out) != len(carried):
        raise RuntimeError(f"torch.while_loop: body_fn should return a tuple of "
                           f"{len(carried)} values, one per carried input, but got {out!r}")
    for i, (new, old) in enumerate(zip(out, carried)):
        if isinstance(old, Tensor):
            if not isinstance(new, Tensor) or new.shape != old.shape or new.dtype != old.dtype:
                described = f"{type(new).__name__}" if not isinstance(new, Tensor) else \
                    f"shape {list(new.shape)}, dtype {new.dtype}"
                raise RuntimeError(f"Expected body_fn_output and carried_inputs to have same "
                                   f"metadata but found: pair[{i}] differ: {described} vs "
                                   f"shape {list(old.shape)}, dtype {old.dtype}. Fix: keep "
                                   "each carried value's shape and dtype in the body.")
        elif type(new) is not type(old):
            raise RuntimeError(f"Expected body_fn_output and carried_inputs to have same "
                               f"metadata but found: pair[{i}] differ: {type(new).__name__} vs "
                               f"{type(old).__name__}")
    return tuple(out)


def while_loop(cond_fn, body_fn, carried_inputs) -> tuple:
    """``carried = body_fn(*carried)`` while ``cond_fn(*carried)`` holds; the final values.

    The carried values are tensors or ints; each step must keep their number, and each
    tensor's shape and dtype.

    >>> torch.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2),
    ...                  (torch.tensor(0), torch.ones(2)))
    (tensor(3), tensor([8., 8.]))
    """
    if not isinstance(carried_inputs, (tuple, list)):
        raise RuntimeError(f"carried_inputs must be a tuple or list but got "
                           f"{type(carried_inputs)}. Fix: wrap it, e.g. (x,).")
    carried = tuple(carried_inputs)
    bad = [value for value in carried if not isinstance(value, (Tensor, builtins.int))]
    if bad:  # PyTorch's type for this check
        raise AssertionError(f"{list(carried)} can only be of (Tensor, int) but got "
                             f"{tuple(type(v) for v in bad)}. Fix: carry a float as a tensor, "
                             "torch.tensor(x).")
    while _check_condition(cond_fn(*carried)):
        carried = _check_step(body_fn(*carried), carried)
    return carried
