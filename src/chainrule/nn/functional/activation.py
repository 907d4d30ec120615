"""Activation functions of ``torch.nn.functional``: ``relu``, ``gelu``, ``softmax``, ...

The ones with a rule of their own (``leaky_relu``, ``gelu``, ``silu``, ``elu``,
``hardtanh``, ``softplus``) call their rows in ``chainrule.ops.activation``; the
others are compositions whose gradients come from the core rules: piecewise
functions are written with ``where`` over PyTorch's own pieces, so the gradient
at a threshold is the one PyTorch picks.  ``softmax`` and ``log_softmax`` are
``torch.softmax`` and ``torch.log_softmax`` themselves.
"""
from __future__ import annotations

from ...functions.pointwise import where
from ...functions.reduction import _legacy_softmax_dim, log_softmax, softmax
from ...ops import activation as activation_ops
from ...tensor import Tensor

__all__ = [
    "relu", "relu6", "leaky_relu", "prelu", "elu", "selu", "celu", "gelu", "silu", "mish",
    "hardtanh", "hardswish", "hardsigmoid", "sigmoid", "logsigmoid", "tanh", "softplus",
    "softsign", "softmax", "log_softmax", "softmin", "threshold", "glu", "tanhshrink",
    "softshrink", "hardshrink",
]

# SELU's constants (Klambauer et al. 2017), as PyTorch uses them.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """``max(input, 0)``.

    >>> import chainrule as torch
    >>> torch.nn.functional.relu(torch.tensor([-1., 2.]))
    tensor([0., 2.])
    """
    return input.relu()


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``input`` where positive, ``negative_slope * input`` elsewhere.

    >>> import chainrule as torch
    >>> torch.nn.functional.leaky_relu(torch.tensor([-1., 2.]), 0.1)
    tensor([-0.1000,  2.0000])
    """
    return activation_ops.leaky_relu(input, negative_slope)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit, ``x * Phi(x)`` (or its tanh approximation).

    >>> import chainrule as torch
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

    >>> import chainrule as torch
    >>> torch.nn.functional.silu(torch.tensor([0., 1.]))
    tensor([0.0000, 0.7311])
    """
    return activation_ops.silu(input)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``x`` if positive, else ``alpha * (exp(x) - 1)``.

    >>> import chainrule as torch
    >>> torch.nn.functional.elu(torch.tensor([-1., 2.]))
    tensor([-0.6321,  2.0000])
    """
    return activation_ops.elu(input, alpha)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """``clamp(x, min_val, max_val)``.

    >>> import chainrule as torch
    >>> torch.nn.functional.hardtanh(torch.tensor([-3., 0.5]))
    tensor([-1.0000,  0.5000])
    """
    return activation_ops.hardtanh(input, min_val, max_val)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(x, 0), 6)``.

    >>> import chainrule as torch
    >>> torch.nn.functional.relu6(torch.tensor([-1., 8.]))
    tensor([0., 6.])
    """
    return activation_ops.hardtanh(input, 0.0, 6.0)


def sigmoid(input: Tensor) -> Tensor:
    """``1 / (1 + exp(-input))``.

    >>> import chainrule as torch
    >>> torch.nn.functional.sigmoid(torch.zeros(1))
    tensor([0.5000])
    """
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent.

    >>> import chainrule as torch
    >>> torch.nn.functional.tanh(torch.zeros(1))
    tensor([0.])
    """
    return input.tanh()


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * x)) / beta``, linear above ``threshold``; never overflows.

    >>> import chainrule as torch
    >>> torch.nn.functional.softplus(torch.tensor([0., 1000.]))
    tensor([6.9315e-01, 1.0000e+03])
    """
    return activation_ops.softplus(input, beta, threshold)


def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(x)) = -softplus(-x)``, without overflow.

    >>> import chainrule as torch
    >>> torch.nn.functional.logsigmoid(torch.tensor([-200.]))
    tensor([-200.])
    """
    return -softplus(-input)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """``x`` where positive, ``weight * x`` elsewhere; ``weight`` is one slope per channel.

    >>> import chainrule as torch
    >>> torch.nn.functional.prelu(torch.tensor([-2., 3.]), torch.tensor([0.25]))
    tensor([-0.5000,  3.0000])
    """
    channels = input.shape[1] if input.ndim >= 2 else 1
    n = weight.numel()
    if n != 1 and n != channels:
        raise RuntimeError(
            f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
            f"{n} and channel size = {channels}. Fix: use num_parameters=1 or the input's "
            f"dimension 1 size.")
    if n != 1:
        # one slope per channel: dimension 1, broadcast over the dimensions after it
        weight = weight.reshape((n,) + (1,) * (input.ndim - 2))
    else:
        weight = weight.reshape(())
    return where(input > 0, input, weight * input)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """``scale * elu(x, alpha)`` with the self-normalising constants.

    >>> import chainrule as torch
    >>> torch.nn.functional.selu(torch.tensor([-1., 1.]))
    tensor([-1.1113,  1.0507])
    """
    return elu(input, _SELU_ALPHA) * _SELU_SCALE


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    >>> import chainrule as torch
    >>> torch.nn.functional.celu(torch.tensor([-1., 1.]), alpha=2.)
    tensor([-0.7869,  1.0000])
    """
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU. Fix: pass a nonzero "
                           "alpha.")
    return elu(input * (1 / alpha), 1.0) * alpha


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * tanh(softplus(x))``.

    >>> import chainrule as torch
    >>> torch.nn.functional.mish(torch.tensor([-1., 0., 1.]))
    tensor([-0.3034,  0.0000,  0.8651])
    """
    return input * softplus(input).tanh()


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * relu6(x + 3) / 6``.

    >>> import chainrule as torch
    >>> torch.nn.functional.hardswish(torch.tensor([-4., 1., 4.]))
    tensor([-0.0000, 0.6667, 4.0000])
    """
    # PyTorch's pieces (and so its slopes at the ends: 0 at -3, 1 at 3); -0 for negative x
    return where(input <= -3, input * 0, where(input < 3, input * (input + 3) / 6, input))


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """``relu6(x + 3) / 6``.

    >>> import chainrule as torch
    >>> torch.nn.functional.hardsigmoid(torch.tensor([-4., 0., 4.]))
    tensor([0.0000, 0.5000, 1.0000])
    """
    # the slope is 1/6 strictly inside (-3, 3) and 0 at the ends, as in PyTorch
    return where(input <= -3, 0.0, where(input >= 3, 1.0, (input + 3) / 6))


def softsign(input: Tensor) -> Tensor:
    """``x / (1 + |x|)``.

    >>> import chainrule as torch
    >>> torch.nn.functional.softsign(torch.tensor([-1., 3.]))
    tensor([-0.5000,  0.7500])
    """
    return input / (input.abs() + 1)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """``softmax(-x, dim)``.

    >>> import chainrule as torch
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

    >>> import chainrule as torch
    >>> torch.nn.functional.threshold(torch.tensor([0.5, 2.]), 1.0, -1.0)
    tensor([-1.,  2.])
    """
    out = where(input > threshold, input, value)
    return out if out.dtype is input.dtype else out.to(input.dtype)  # integer inputs stay so


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """Gated linear unit: the first half of ``dim`` times the sigmoid of the second half.

    >>> import chainrule as torch
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

    >>> import chainrule as torch
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

    >>> import chainrule as torch
    >>> torch.nn.functional.softshrink(torch.tensor([-2., 0.2, 2.]))
    tensor([-1.5000,  0.0000,  1.5000])
    """
    _check_lambd(input, lambd)
    return where(input > lambd, input - lambd,
                 where(input < -lambd, input + lambd, input * 0))  # PyTorch's -0


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``x`` where ``|x| > lambd``, else 0.

    >>> import chainrule as torch
    >>> torch.nn.functional.hardshrink(torch.tensor([-2., 0.2, 2.]))
    tensor([-2.,  0.,  2.])
    """
    return where((input >= -lambd) & (input <= lambd), 0.0, input)
