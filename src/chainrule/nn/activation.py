"""Activation layers: ``ReLU``, ``GELU``, ``Softmax``, ... as in ``torch.nn``.

Each remembers its options, shows them in its ``repr`` as PyTorch does, and
calls its function in ``nn.functional``.
"""
from __future__ import annotations

from ..tensor import Tensor
from . import functional
from .init import constant_
from .module import Module
from .parameter import empty_parameter


class _Activation(Module):
    """What the activation layers with options share: the options, kept as attributes
    (given as keywords), and the ``repr`` that shows those named in ``_shown``, as
    ``name=value``, with ``inplace`` shown only where it is set, as PyTorch shows them.
    """

    _shown: tuple = ()

    def __init__(self, **options) -> None:
        super().__init__()
        for name, value in options.items():
            setattr(self, name, value)

    def extra_repr(self) -> str:
        return ", ".join(f"{name}={getattr(self, name)}" for name in self._shown
                         if name != "inplace" or self.inplace)


class _InplaceActivation(_Activation):
    """An activation layer whose one option is ``inplace``."""

    _shown = ("inplace",)

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(inplace=inplace)


class ReLU(_InplaceActivation):
    """``max(x, 0)``.

    >>> import chainrule as torch
    >>> torch.nn.ReLU()
    ReLU()
    """

    def forward(self, input: Tensor) -> Tensor:
        return input.relu()


class LeakyReLU(_Activation):
    """``x`` if positive, else ``negative_slope * x``.

    >>> import chainrule as torch
    >>> torch.nn.LeakyReLU()
    LeakyReLU(negative_slope=0.01)
    """

    _shown = ("negative_slope", "inplace")

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__(negative_slope=negative_slope, inplace=inplace)

    def forward(self, input: Tensor) -> Tensor:
        return functional.leaky_relu(input, self.negative_slope)


class GELU(Module):
    """Gaussian error linear unit.

    >>> import chainrule as torch
    >>> torch.nn.GELU()
    GELU(approximate='none')
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return functional.gelu(input, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Sigmoid(Module):
    """Logistic function.

    >>> import chainrule as torch
    >>> torch.nn.Sigmoid()
    Sigmoid()
    """

    def forward(self, input: Tensor) -> Tensor:
        return input.sigmoid()


class Tanh(Module):
    """Hyperbolic tangent.

    >>> import chainrule as torch
    >>> torch.nn.Tanh()
    Tanh()
    """

    def forward(self, input: Tensor) -> Tensor:
        return input.tanh()


class Softplus(_Activation):
    """``log(1 + exp(beta * x)) / beta``.

    >>> import chainrule as torch
    >>> torch.nn.Softplus()
    Softplus(beta=1.0, threshold=20.0)
    """

    _shown = ("beta", "threshold")

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__(beta=beta, threshold=threshold)

    def forward(self, input: Tensor) -> Tensor:
        return functional.softplus(input, self.beta, self.threshold)


class Softmax(_Activation):
    """Softmax along ``dim``.

    >>> import chainrule as torch
    >>> torch.nn.Softmax(dim=1)
    Softmax(dim=1)
    """

    _shown = ("dim",)

    def __init__(self, dim: int | None = None) -> None:
        super().__init__(dim=dim)

    def forward(self, input: Tensor) -> Tensor:
        return functional.softmax(input, self.dim)


class LogSoftmax(Softmax):
    """Log-softmax along ``dim``.

    >>> import chainrule as torch
    >>> torch.nn.LogSoftmax(dim=1)
    LogSoftmax(dim=1)
    """

    def forward(self, input: Tensor) -> Tensor:
        return functional.log_softmax(input, self.dim)


class SiLU(Module):
    """``x * sigmoid(x)``.

    >>> import chainrule as torch
    >>> torch.nn.SiLU()
    SiLU()
    """

    def forward(self, input: Tensor) -> Tensor:
        return functional.silu(input)


class ELU(_Activation):
    """``x`` if positive, else ``alpha * (exp(x) - 1)``.

    >>> import chainrule as torch
    >>> torch.nn.ELU()
    ELU(alpha=1.0)
    """

    _shown = ("alpha", "inplace")

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__(alpha=alpha, inplace=inplace)

    def forward(self, input: Tensor) -> Tensor:
        return functional.elu(input, self.alpha)


class Hardtanh(_Activation):
    """``clamp(x, min_val, max_val)``.

    >>> import chainrule as torch
    >>> torch.nn.Hardtanh()
    Hardtanh(min_val=-1.0, max_val=1.0)
    """

    _shown = ("min_val", "max_val", "inplace")

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0,
                 inplace: bool = False) -> None:
        super().__init__(min_val=min_val, max_val=max_val, inplace=inplace)

    def forward(self, input: Tensor) -> Tensor:
        return functional.hardtanh(input, self.min_val, self.max_val)


class ReLU6(Hardtanh):
    """``min(max(x, 0), 6)``.

    >>> import chainrule as torch
    >>> torch.nn.ReLU6()
    ReLU6()
    """

    _shown = ("inplace",)

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)


class PReLU(Module):
    """Leaky ReLU with a learnable slope (one, or one per channel).

    >>> import chainrule as torch
    >>> torch.nn.PReLU(num_parameters=3)
    PReLU(num_parameters=3)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device=None,
                 dtype=None) -> None:
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = empty_parameter(num_parameters, dtype=dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        constant_(self.weight, self.init)

    def forward(self, input: Tensor) -> Tensor:
        return functional.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class SELU(_InplaceActivation):
    """Scaled ELU with the self-normalising constants.

    >>> import chainrule as torch
    >>> torch.nn.SELU()
    SELU()
    """

    def forward(self, input: Tensor) -> Tensor:
        return functional.selu(input)


class CELU(_Activation):
    """Continuously differentiable ELU.

    >>> import chainrule as torch
    >>> torch.nn.CELU(alpha=2.)
    CELU(alpha=2.0)
    """

    _shown = ("alpha", "inplace")

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__(alpha=alpha, inplace=inplace)

    def forward(self, input: Tensor) -> Tensor:
        return functional.celu(input, self.alpha)


class Mish(_InplaceActivation):
    """``x * tanh(softplus(x))``.

    >>> import chainrule as torch
    >>> torch.nn.Mish()
    Mish()
    """

    def forward(self, input: Tensor) -> Tensor:
        return functional.mish(input)


class Hardswish(_InplaceActivation):
    """``x * relu6(x + 3) / 6``.

    >>> import chainrule as torch
    >>> torch.nn.Hardswish()
    Hardswish()
    """

    _shown = ()  # PyTorch's repr does not show inplace here

    def forward(self, input: Tensor) -> Tensor:
        return functional.hardswish(input)


class Hardsigmoid(_InplaceActivation):
    """``relu6(x + 3) / 6``.

    >>> import chainrule as torch
    >>> torch.nn.Hardsigmoid()
    Hardsigmoid()
    """

    _shown = ()  # PyTorch's repr does not show inplace here

    def forward(self, input: Tensor) -> Tensor:
        return functional.hardsigmoid(input)


class Softsign(Module):
    """``x / (1 + |x|)``.

    >>> import chainrule as torch
    >>> torch.nn.Softsign()
    Softsign()
    """

    def forward(self, input: Tensor) -> Tensor:
        return functional.softsign(input)


class Softmin(_Activation):
    """``softmax(-x)`` along ``dim``.

    >>> import chainrule as torch
    >>> torch.nn.Softmin(dim=1)
    Softmin(dim=1)
    """

    _shown = ("dim",)

    def __init__(self, dim: int | None = None) -> None:
        super().__init__(dim=dim)

    def forward(self, input: Tensor) -> Tensor:
        return functional.softmin(input, self.dim)


class LogSigmoid(Module):
    """``log(sigmoid(x))``, without overflow.

    >>> import chainrule as torch
    >>> torch.nn.LogSigmoid()(torch.tensor([0.]))
    tensor([-0.6931])
    """

    def forward(self, input: Tensor) -> Tensor:
        return functional.logsigmoid(input)


class Threshold(_Activation):
    """``x`` where ``x > threshold``, else ``value``.

    >>> import chainrule as torch
    >>> torch.nn.Threshold(0.1, 20)
    Threshold(threshold=0.1, value=20)
    """

    _shown = ("threshold", "value", "inplace")

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__(threshold=threshold, value=value, inplace=inplace)

    def forward(self, input: Tensor) -> Tensor:
        return functional.threshold(input, self.threshold, self.value)


class GLU(_Activation):
    """Gated linear unit along ``dim``.

    >>> import chainrule as torch
    >>> torch.nn.GLU()
    GLU(dim=-1)
    """

    _shown = ("dim",)

    def __init__(self, dim: int = -1) -> None:
        super().__init__(dim=dim)

    def forward(self, input: Tensor) -> Tensor:
        return functional.glu(input, self.dim)


class Tanhshrink(Module):
    """``x - tanh(x)``.

    >>> import chainrule as torch
    >>> torch.nn.Tanhshrink()
    Tanhshrink()
    """

    def forward(self, input: Tensor) -> Tensor:
        return functional.tanhshrink(input)


class Softshrink(Module):
    """Soft thresholding by ``lambd``.

    >>> import chainrule as torch
    >>> torch.nn.Softshrink()
    Softshrink(0.5)
    """

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, input: Tensor) -> Tensor:
        return functional.softshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return str(self.lambd)


class Hardshrink(Softshrink):
    """Hard thresholding by ``lambd``.

    >>> import chainrule as torch
    >>> torch.nn.Hardshrink()
    Hardshrink(0.5)
    """

    def forward(self, input: Tensor) -> Tensor:
        return functional.hardshrink(input, self.lambd)
