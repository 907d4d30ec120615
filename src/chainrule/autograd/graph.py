"""``torch.autograd.graph``: the recorded graph's nodes, and hooks on saved tensors.

    >>> y = (torch.ones(2, requires_grad=True) * 2).sum()
    >>> isinstance(y.grad_fn, torch.autograd.graph.Node), y.grad_fn.name()
    (True, 'SumBackward0')
"""
from __future__ import annotations

from ..engine.backward import current_pass, queue_callback
from ..engine.graph import GradientEdge, Node, RemovableHandle, remember_output_meta
from ..engine.op import gradient_edge
from ..engine.saved import disable_saved_tensors_hooks, save_on_cpu, saved_tensors_hooks

__all__ = ["Node", "saved_tensors_hooks", "disable_saved_tensors_hooks",
           "register_multi_grad_hook", "GradientEdge", "get_gradient_edge", "save_on_cpu"]


def get_gradient_edge(tensor) -> GradientEdge:
    """The edge along which ``tensor``'s gradient travels: its ``grad_fn`` and output number,
    or a leaf's AccumulateGrad.  ``grad(loss, get_gradient_edge(x))`` equals
    ``grad(loss, x)``, and keeps meaning the old ``x`` after ``x`` is changed in place.

    >>> x = torch.ones(2, requires_grad=True)
    >>> edge = torch.autograd.graph.get_gradient_edge(x)
    >>> edge.node.name(), edge.output_nr
    ('torch::autograd::AccumulateGrad', 0)
    """
    if not tensor.requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that "
                           "does not require gradients")
    node, output_nr = gradient_edge(tensor)
    remember_output_meta(node, output_nr, tensor)  # backward(edge) makes its ones from it
    return GradientEdge(node, output_nr)


def register_multi_grad_hook(tensors, fn, *, mode: str = "all"):
    """Call ``fn`` once per backward pass that computes gradients of some of ``tensors``.

    ``mode="all"``: ``fn(grads)`` when the pass ends, one entry per tensor (None for the
    tensors whose gradient the pass did not compute).  ``mode="any"``: ``fn(grad)`` with
    the first of their gradients the pass computes.  Returns a handle whose ``remove()``
    unregisters it.

    >>> a, b = torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    >>> seen = []
    >>> h = torch.autograd.graph.register_multi_grad_hook(
    ...     (a, b), lambda grads: seen.append([g is not None for g in grads]))
    >>> (a * 2).sum().backward(); seen
    [[True, False]]
    """
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    tensors = tuple(tensors)
    state = {"pass": None, "grads": None, "fired": False}

    def hook_for(i):
        def hook(grad):
            running = current_pass()
            if state["pass"] is not running:  # the first of these gradients in this pass
                state["pass"], state["fired"] = running, False
                state["grads"] = [None] * len(tensors)
                if mode == "all":
                    queue_callback(lambda grads=state["grads"]: fn(grads))
            if mode == "all":
                state["grads"][i] = grad
            elif not state["fired"]:
                state["fired"] = True
                fn(grad)
        return hook

    handles = [t.register_hook(hook_for(i)) for i, t in enumerate(tensors) if t.requires_grad]
    return _Handles(handles)


class _Handles(RemovableHandle):
    """One handle for several registrations."""

    __slots__ = ("handles",)

    def __init__(self, handles) -> None:
        self.handles = handles

    def remove(self) -> None:
        for handle in self.handles:
            handle.remove()
