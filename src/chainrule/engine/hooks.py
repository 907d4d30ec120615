"""Hooks on tensors: run code when a tensor's gradient is computed or accumulated.

These are the Tensor methods ``register_hook``, ``retain_grad`` and
``register_post_accumulate_grad_hook`` (bound by ``chainrule.tensor_methods``).
A hook on a non-leaf tensor is kept by the node that produced it and runs,
in the engine, before that node's rules; a hook on a leaf runs when the leaf's
gradient arrives, before it is added into ``.grad``.
"""
from __future__ import annotations

from ..tensor import Tensor
from .graph import RemovableHandle, retains_grad_hook


def retain_grad(self: Tensor) -> None:
    """Keep the gradient of this non-leaf tensor in ``.grad`` during backward.

    The gradient kept is the one after every hook registered on the tensor (in
    whatever order ``retain_grad`` and ``register_hook`` were called), as in PyTorch;
    an in-place change of the tensor moves the duty to its new ``grad_fn``.

    >>> x = torch.ones(2, requires_grad=True); y = x * 2; y.retain_grad()
    >>> y.sum().backward(); y.grad
    tensor([1., 1.])
    """
    node = self.grad_fn  # (re-derived first, for a view whose base changed in place)
    if node is None:
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        return
    if self._retains_grad:
        return
    node.set_retains_grad_hook(self._output_nr, retains_grad_hook(self))
    self._retains_grad = True


def register_hook(self: Tensor, hook):
    """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new one.

    >>> x = torch.ones(2, requires_grad=True)
    >>> h = x.register_hook(lambda g: g * 10)
    >>> x.sum().backward(); x.grad
    tensor([10., 10.])
    """
    if not self._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    node = self.grad_fn  # (re-derived first, for a view whose base changed in place)
    if node is not None:
        return node.add_tensor_pre_hook(self._output_nr, hook)
    if self._hooks is None:
        self._hooks = {}
    return RemovableHandle(self._hooks, hook)


def register_post_accumulate_grad_hook(self: Tensor, hook):
    """Call ``hook(tensor)`` on a leaf after its ``.grad`` has been updated.

    >>> x = torch.ones(2, requires_grad=True); seen = []
    >>> h = x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
    >>> (2 * x).sum().backward(); seen
    [[2.0, 2.0]]
    """
    if self._grad_fn is not None:
        raise RuntimeError(
            "post accumulate grad hooks cannot be registered on non-leaf tensors")
    if self._post_accumulate_hooks is None:
        self._post_accumulate_hooks = {}
    return RemovableHandle(self._post_accumulate_hooks, hook)
