"""Activation functions of ``torch.nn.functional``: ``relu``, ``gelu``, ``softmax``, ...

The ones with a rule of their own (``leaky_relu``, ``gelu``, ``silu``, ``elu``,
``hardtanh``, ``softplus``) call their rows in ``chainrule.ops.activation``;
those PyTorch also has as ``torch.*`` (``celu``, ``selu``, ``rrelu``,
``hardshrink``, ``threshold``, ``prelu``) are the functions of
``chainrule.functions.activation``, with ``inplace=`` added here; the others
are compositions whose gradients come from the core rules: piecewise functions
are written with ``where`` over PyTorch's own pieces, so the gradient at a
threshold is the one PyTorch picks.  ``softmax`` and ``log_softmax`` are
``torch.softmax`` and ``torch.log_softmax`` themselves.

``inplace=True`` writes the result into the input (``engine.inplace``), as the
``x_`` forms (``relu_``, ``elu_``, ...) do.
"""
from __future__ import annotations

import warnings

from ...engine.inplace import inplace as _into_input
from ...functions import activation as _torch_level
from ...functions.activation import (
    celu_,
    hardshrink,
    prelu,
    rrelu_,
    selu_,
    threshold_,
)
from ...functions.creation import empty_like, zeros_like
from ...functions.pointwise import relu_, where
from ...functions.reduction import _legacy_softmax_dim, log_softmax, softmax
from ...ops import activation as activation_ops
from ...tensor import Tensor

__all__ = [
    "relu", "relu6", "leaky_relu", "prelu", "elu", "selu", "celu", "gelu", "silu", "mish",
    "hardtanh", "hardswish", "hardsigmoid", "sigmoid", "logsigmoid", "tanh", "softplus",
    "softsign", "softmax", "log_softmax", "softmin", "threshold", "glu", "tanhshrink",
    "softshrink", "hardshrink", "rrelu", "relu_", "elu_", "selu_", "celu_", "leaky_relu_",
    "hardtanh_", "threshold_", "rrelu_", "gumbel_softmax",
]


def _maybe_inplace(fn, input: Tensor, inplace: bool, *args) -> Tensor:
    """``fn(input, *args)``, written into ``input`` when ``inplace``."""
    return _into_input(input, fn, *args) if inplace else fn(input, *args)


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """``max(input, 0)``.

    >>> torch.nn.functional.relu(torch.tensor([-1., 2.]))
    tensor([0., 2.])
    """
    return relu_(input) if inplace else input.relu()


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``input`` where positive, ``negative_slope * input`` elsewhere.

    >>> torch.nn.functional.leaky_relu(torch.tensor([-1., 2.]), 0.1)
    tensor([-0.1000,  2.0000])
    """
    if inplace:
        return leaky_relu_(input, negative_slope)
    return activation_ops.leaky_relu(input, negative_slope)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """``leaky_relu`` in place.

    >>> torch.nn.functional.leaky_relu_(torch.tensor([-1., 2.]), 0.1)
    tensor([-0.1000,  2.0000])
    """
    return _into_input(input, activation_ops.leaky_relu_, negative_slope)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit, ``x * Phi(x)`` (or its tanh approximation).

    >>> torch.nn.functional.gelu(torch.tensor([0., 1.]))
    tensor([0.0000, 0.8413])
    """
    if approximate == "tanh":
        return activation_ops.gelu_tanh(input)
    if approximate != "none":
        raise RuntimeError(f"approximate argument must be either none or tanh, got {approximate}")
    return activation_ops.gelu(input)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * sigmoid(x)`` (also called swish).

    >>> torch.nn.functional.silu(torch.tensor([0., 1.]))
    tensor([0.0000, 0.7311])
    """
    return _maybe_inplace(activation_ops.silu, input, inplace)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``x`` if positive, else ``alpha * (exp(x) - 1)``.

    >>> torch.nn.functional.elu(torch.tensor([-1., 2.]))
    tensor([-0.6321,  2.0000])
    """
    if inplace:
        return elu_(input, alpha)
    return activation_ops.elu(input, alpha, 1.0, 1.0)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``elu`` in place.

    >>> torch.nn.functional.elu_(torch.tensor([-1., 2.]))
    tensor([-0.6321,  2.0000])
    """
    return _into_input(input, activation_ops.elu_, alpha, 1.0, 1.0)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """``clamp(x, min_val, max_val)``.

    >>> torch.nn.functional.hardtanh(torch.tensor([-3., 0.5]))
    tensor([-1.0000,  0.5000])
    """
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _maybe_inplace(activation_ops.hardtanh, input, inplace, min_val, max_val)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """``hardtanh`` in place.

    >>> torch.nn.functional.hardtanh_(torch.tensor([-3., 0.5]))
    tensor([-1.0000,  0.5000])
    """
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(x, 0), 6)``.

    >>> torch.nn.functional.relu6(torch.tensor([-1., 8.]))
    tensor([0., 6.])
    """
    return hardtanh(input, 0.0, 6.0, inplace)


def sigmoid(input: Tensor) -> Tensor:
    """``1 / (1 + exp(-input))``.

    >>> torch.nn.functional.sigmoid(torch.zeros(1))
    tensor([0.5000])
    """
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent.

    >>> torch.nn.functional.tanh(torch.zeros(1))
    tensor([0.])
    """
    return input.tanh()


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * x)) / beta``, linear above ``threshold``; never overflows.

    >>> torch.nn.functional.softplus(torch.tensor([0., 1000.]))
    tensor([6.9315e-01, 1.0000e+03])
    """
    return activation_ops.softplus(input, beta, threshold)


def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(x)) = -softplus(-x)``, without overflow.

    >>> torch.nn.functional.logsigmoid(torch.tensor([-200.]))
    tensor([-200.])
    """
    return -softplus(-input)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """``scale * elu(x, alpha)`` with the self-normalising constants.

    >>> torch.nn.functional.selu(torch.tensor([-1., 1.]))
    tensor([-1.1113,  1.0507])
    """
    return selu_(input) if inplace else _torch_level.selu(input)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    >>> torch.nn.functional.celu(torch.tensor([-1., 1.]), alpha=2.)
    tensor([-0.7869,  1.0000])
    """
    return celu_(input, alpha) if inplace else _torch_level.celu(input, alpha)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
          training: bool = False, inplace: bool = False) -> Tensor:
    """Randomised leaky ReLU: negative inputs times a slope drawn from ``U(lower, upper)``
    per element while training, times ``(lower + upper) / 2`` otherwise.

    >>> torch.nn.functional.rrelu(torch.tensor([-1., 2.]), 0.1, 0.3)
    tensor([-0.2000,  2.0000])
    """
    if inplace:
        return rrelu_(input, lower, upper, training)
    return _torch_level.rrelu(input, lower, upper, training)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * tanh(softplus(x))``.

    >>> torch.nn.functional.mish(torch.tensor([-1., 0., 1.]))
    tensor([-0.3034,  0.0000,  0.8651])
    """
    return _maybe_inplace(_mish, input, inplace)


def _mish(input: Tensor) -> Tensor:
    return input * softplus(input).tanh()


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * relu6(x + 3) / 6``.

    >>> torch.nn.functional.hardswish(torch.tensor([-4., 1., 4.]))
    tensor([-0.0000, 0.6667, 4.0000])
    """
    return _maybe_inplace(_hardswish, input, inplace)


def _hardswish(input: Tensor) -> Tensor:
    # PyTorch's pieces (and so its slopes at the ends: 0 at -3, 1 at 3); -0 for negative x
    return where(input <= -3, input * 0, where(input < 3, input * (input + 3) / 6, input))


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """``relu6(x + 3) / 6``.

    >>> torch.nn.functional.hardsigmoid(torch.tensor([-4., 0., 4.]))
    tensor([0.0000, 0.5000, 1.0000])
    """
    return _maybe_inplace(_hardsigmoid, input, inplace)


def _hardsigmoid(input: Tensor) -> Tensor:
    # the slope is 1/6 strictly inside (-3, 3) and 0 at the ends, as in PyTorch
    return where(input <= -3, 0.0, where(input >= 3, 1.0, (input + 3) / 6))


def softsign(input: Tensor) -> Tensor:
    """``x / (1 + |x|)``.

    >>> torch.nn.functional.softsign(torch.tensor([-1., 3.]))
    tensor([-0.5000,  0.7500])
    """
    return input / (input.abs() + 1)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """``softmax(-x, dim)``.

    >>> torch.nn.functional.softmin(torch.tensor([0., 1.]), dim=0)
    tensor([0.7311, 0.2689])
    """
    if dim is None:
        dim = _legacy_softmax_dim(input.ndim, "softmin")
    if dtype is not None:
        input = input.to(dtype)
    return softmax(-input, dim)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``x`` where ``x > threshold``, else ``value``.

    >>> torch.nn.functional.threshold(torch.tensor([0.5, 2.]), 1.0, -1.0)
    tensor([-1.,  2.])
    """
    if inplace:
        return threshold_(input, threshold, value)
    return _torch_level.threshold(input, threshold, value)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """Gated linear unit: the first half of ``dim`` times the sigmoid of the second half.

    >>> torch.nn.functional.glu(torch.tensor([2., 0.]))
    tensor([1.])
    """
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even. "
                           "Fix: pass a tensor with at least one dimension.")
    d = dim % input.ndim if -input.ndim <= dim < input.ndim else dim
    if not 0 <= d < input.ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-input.ndim}, {input.ndim - 1}], but got {dim})")
    size = input.shape[d]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {size}. "
                           f"Fix: give dimension {d} an even size.")
    a, b = input.chunk(2, d)
    return a * b.sigmoid()


def tanhshrink(input: Tensor) -> Tensor:
    """``x - tanh(x)``.

    >>> torch.nn.functional.tanhshrink(torch.tensor([0., 1.]))
    tensor([0.0000, 0.2384])
    """
    return input - input.tanh()


def _check_lambd(input, lambd):
    if lambd < 0:
        kind = input.dtype.scalar_name
        raise RuntimeError(f"lambda must be in range [0, 3.40282e+38] for input dtype {kind}, "
                           f"but found {lambd}. Fix: pass a lambd >= 0.")


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, 0 between.

    >>> torch.nn.functional.softshrink(torch.tensor([-2., 0.2, 2.]))
    tensor([-1.5000,  0.0000,  1.5000])
    """
    _check_lambd(input, lambd)
    return where(input > lambd, input - lambd,
                 where(input < -lambd, input + lambd, input * 0))  # PyTorch's -0


def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10,
                   dim: int = -1) -> Tensor:
    """A sample of the Gumbel-softmax (Concrete) distribution over ``dim``:
    ``softmax((logits + g) / tau)`` with ``g`` standard Gumbel noise, ``-log(E)`` for
    ``E ~ Exponential(1)``, as PyTorch draws it.  With ``hard=True`` the value is the
    one-hot argmax, while the gradient is the soft sample's (straight-through:
    ``y_hard - y_soft.detach() + y_soft``, so grad_fn is AddBackward0).  ``eps`` is
    deprecated and unused, as in PyTorch.

    >>> _ = torch.manual_seed(0)
    >>> y = torch.nn.functional.gumbel_softmax(torch.zeros(2, 3), tau=0.5, hard=True)
    >>> y.sum(-1)
    tensor([1., 1.])
    """
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    gumbels = -empty_like(logits).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft
