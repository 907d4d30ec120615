"""``chainrule.nn.utils``: gradient clipping and flat parameter vectors."""
from __future__ import annotations

import math

from ..._backend import xp
from ...functions.joining import cat
from ...tensor import Tensor
from . import rnn  # noqa: F401  (torch.nn.utils.rnn is an attribute in PyTorch too)


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p._grad for p in parameters if p._grad is not None]


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach=None) -> Tensor:
    """Scale all gradients together so that their joint norm is at most ``max_norm``.

    Returns the total norm before clipping.

    >>> w = torch.nn.Parameter(torch.zeros(2)); w.grad = torch.tensor([3., 4.])
    >>> torch.nn.utils.clip_grad_norm_([w], 1.0), w.grad
    (tensor(5.), tensor([0.6000, 0.8000]))
    """
    grads = _grads(parameters)
    if not grads:
        return Tensor._make(xp.zeros((), dtype=xp.float32))
    norm_type = float(norm_type)
    if math.isinf(norm_type):
        total = max(float(xp.abs(g._data).max()) for g in grads)
    else:
        total = sum(float((xp.abs(g._data.astype(xp.float64)) ** norm_type).sum())
                    for g in grads) ** (1 / norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from "
                           "`parameters` is non-finite, so it cannot be clipped. To disable this "
                           "error and scale the gradients by the non-finite norm anyway, set "
                           "`error_if_nonfinite=False`")
    coef = min(max_norm / (total + 1e-6), 1.0)  # PyTorch's epsilon and clamp
    for g in grads:
        g._data *= g._data.dtype.type(coef)
        g._bump_version()
    return Tensor._make(xp.asarray(total, dtype=grads[0]._data.dtype))


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    """Clamp every gradient element to ``[-clip_value, clip_value]``, in place.

    >>> w = torch.nn.Parameter(torch.zeros(2)); w.grad = torch.tensor([-3., 0.5])
    >>> torch.nn.utils.clip_grad_value_([w], 1.0); w.grad
    tensor([-1.0000,  0.5000])
    """
    for g in _grads(parameters):
        xp.clip(g._data, -clip_value, clip_value, out=g._data)
        g._bump_version()


def parameters_to_vector(parameters) -> Tensor:
    """All parameters flattened and concatenated into one vector (in the graph).

    >>> torch.nn.utils.parameters_to_vector(torch.nn.Linear(2, 1).parameters()).shape
    torch.Size([3])
    """
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters) -> None:
    """Copy consecutive slices of ``vec`` into the parameters, in place."""
    offset = 0
    for p in parameters:
        n = p.numel()
        p._data[...] = vec._data[offset:offset + n].reshape(p.shape)
        p._bump_version()
        offset += n
