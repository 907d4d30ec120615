"""``torch.autograd.graph``: the recorded graph's nodes, and hooks on saved tensors.

    >>> import chainrule as torch
    >>> y = (torch.ones(2, requires_grad=True) * 2).sum()
    >>> isinstance(y.grad_fn, torch.autograd.graph.Node), y.grad_fn.name()
    (True, 'SumBackward0')
"""
from ..engine.graph import Node
from ..engine.saved import disable_saved_tensors_hooks, saved_tensors_hooks

__all__ = ["Node", "saved_tensors_hooks", "disable_saved_tensors_hooks"]
