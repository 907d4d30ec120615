"""Resetting the ``.grad`` of leaves: what ``nn.Module.zero_grad`` and
``optim.Optimizer.zero_grad`` both do to their parameters."""
from __future__ import annotations

from typing import Iterable

from ..tensor import Tensor


def reset_grads(params: Iterable[Tensor], set_to_none: bool) -> None:
    """Set each ``.grad`` to None, or (``set_to_none=False``) detach it from any graph and fill
    it with zeros in place, as PyTorch 2 does; parameters without a gradient are left alone.

    >>> w = torch.ones(2, requires_grad=True)
    >>> (w * 3).sum().backward()
    >>> reset_grads([w], set_to_none=False)
    >>> w.grad
    tensor([0., 0.])
    """
    for p in params:
        if p._grad is None:
            continue
        if set_to_none:
            p._grad = None
        else:
            p._grad = p._grad.detach()
            p._grad.zero_()
