"""The activations that PyTorch also exposes as ``torch.*``: ``celu``, ``selu``, ``rrelu``,
``hardshrink``, ``threshold``, ``prelu`` and the in-place ``celu_``, ``selu_``, ``rrelu_``,
``threshold_``.

Each checks its arguments as PyTorch does and calls its row in
``chainrule.ops.activation`` (one node, named as PyTorch names it).  ``selu``
and ``celu`` are PyTorch's ``elu(x, alpha, scale, input_scale)`` with their own
constants.  ``nn.functional`` builds its versions (with ``inplace=``) on these.
"""
from __future__ import annotations

from .. import _dtypes
from .._backend import xp
from ..engine.inplace import inplace
from ..ops import activation as activation_ops
from ..tensor import Tensor
from .random import _rng

__all__ = ["celu", "celu_", "selu", "selu_", "rrelu", "rrelu_", "hardshrink", "threshold",
           "threshold_", "prelu"]

# SELU's constants (Klambauer et al. 2017), as PyTorch uses them.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def floating_kernel(kernel: str, input: Tensor) -> None:
    """PyTorch's error for a kernel that takes floating tensors only."""
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"{kernel}_cpu\" not implemented for "
                                  f"'{input.dtype.scalar_name}'. Fix: convert the input with "
                                  ".float() first.")


def _celu_constants(input: Tensor, alpha: float) -> tuple:
    floating_kernel("elu", input)
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU. Fix: pass a nonzero "
                           "alpha.")
    return alpha, 1.0, 1.0 / alpha


def celu(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    >>> torch.celu(torch.tensor([-1., 1.]), alpha=2.)
    tensor([-0.7869,  1.0000])
    """
    return activation_ops.celu(input, *_celu_constants(input, alpha))


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``celu`` in place.

    >>> torch.celu_(torch.tensor([-1., 1.]))
    tensor([-0.6321,  1.0000])
    """
    return inplace(input, activation_ops.celu_, *_celu_constants(input, alpha))


def selu(input: Tensor) -> Tensor:
    """``scale * elu(x, alpha)`` with the self-normalising constants.

    >>> torch.selu(torch.tensor([-1., 1.]))
    tensor([-1.1113,  1.0507])
    """
    floating_kernel("elu", input)
    return activation_ops.elu(input, SELU_ALPHA, SELU_SCALE, 1.0)


def selu_(input: Tensor) -> Tensor:
    """``selu`` in place.

    >>> torch.selu_(torch.tensor([0., 1.]))
    tensor([0.0000, 1.0507])
    """
    floating_kernel("elu", input)
    return inplace(input, activation_ops.elu_, SELU_ALPHA, SELU_SCALE, 1.0)


def _rrelu_noise(input: Tensor, lower: float, upper: float, training: bool,
                 generator) -> Tensor:
    """The factor of each element: 1 where the input is positive, elsewhere a slope drawn
    from U(lower, upper) while training, their mean otherwise."""
    floating_kernel("leaky_relu" if not training else "rrelu_with_noise", input)
    x = input._data
    if training:
        slopes = _rng(generator).uniform(lower, upper, x.shape)
    else:
        slopes = (lower + upper) / 2
    return Tensor._make(xp.where(x > 0, 1, slopes).astype(x.dtype))


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
          training: bool = False, generator=None) -> Tensor:
    """Randomised leaky ReLU: negative inputs times a slope drawn from ``U(lower, upper)``
    per element while training, times ``(lower + upper) / 2`` otherwise.

    >>> torch.rrelu(torch.tensor([-1., 2.]), 0.1, 0.3)
    tensor([-0.2000,  2.0000])
    """
    noise = _rrelu_noise(input, lower, upper, training, generator)
    return activation_ops.rrelu_with_noise(input, noise)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
           training: bool = False, generator=None) -> Tensor:
    """``rrelu`` in place.

    >>> torch.rrelu_(torch.tensor([-1., 2.]), 0.1, 0.3)
    tensor([-0.2000,  2.0000])
    """
    noise = _rrelu_noise(input, lower, upper, training, generator)
    return inplace(input, activation_ops.rrelu_with_noise_, noise)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``x`` where ``|x| > lambd``, else 0.

    >>> torch.hardshrink(torch.tensor([-2., 0.2, 2.]))
    tensor([-2.,  0.,  2.])
    """
    floating_kernel("hardshrink", input)
    return activation_ops.hardshrink(input, lambd)


def _check_threshold(input: Tensor) -> None:
    if input.dtype is _dtypes.bool:
        raise NotImplementedError("\"threshold_cpu\" not implemented for 'Bool'. Fix: convert "
                                  "the input with .float() or .long() first.")


def threshold(input: Tensor, threshold: float, value: float) -> Tensor:
    """``x`` where ``x > threshold``, else ``value``.

    >>> torch.threshold(torch.tensor([0.5, 2.]), 1.0, -1.0)
    tensor([-1.,  2.])
    """
    _check_threshold(input)
    return activation_ops.threshold(input, threshold, value)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """``threshold`` in place.

    >>> torch.threshold_(torch.tensor([0.5, 2.]), 1.0, -1.0)
    tensor([-1.,  2.])
    """
    _check_threshold(input)
    return inplace(input, activation_ops.threshold_, threshold, value)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """``x`` where positive, ``weight * x`` elsewhere; ``weight`` is one slope, or one per
    channel (dimension 1 of the input).

    >>> torch.prelu(torch.tensor([-2., 3.]), torch.tensor([0.25]))
    tensor([-0.5000,  3.0000])
    """
    floating_kernel("prelu", input)
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {weight.ndim}")
    channels = input.shape[1] if input.ndim >= 2 else 1
    n = weight.numel()
    if n != 1 and n != channels:
        raise RuntimeError(
            f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
            f"{n} and channel size = {channels}. Fix: use num_parameters=1 or the input's "
            f"dimension 1 size.")
    # one slope per channel: along dimension 1, broadcast over the dimensions after it
    shape = (n,) + (1,) * (input.ndim - 2) if n != 1 else ()
    return activation_ops.prelu(input, weight.reshape(shape))
