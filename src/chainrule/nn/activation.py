"""Activation layers: ``ReLU``, ``GELU``, ``Softmax``, ... as in ``torch.nn``.

A layer is its function in ``nn.functional`` with the options fixed: it takes
the options that function takes after ``input`` (same names, order and
defaults, so ``LeakyReLU(0.2)`` means ``leaky_relu(x, 0.2)``), keeps them as
attributes, passes them back by name on every call, and shows in its ``repr``
those PyTorch shows.
"""
from __future__ import annotations

import inspect
import warnings

from ..tensor import Tensor
from . import functional
from .init import constant_
from .module import Module, original_init
from .options import bound_options, function_options
from .parameter import empty_parameter


class _Activation(Module):
    """An activation layer: ``_function`` (from ``nn.functional``) with its options
    fixed.  The options are that function's parameters after ``input``, given when the
    layer is made (positionally or by name, with the function's defaults); the ``repr``
    shows them as ``name=value`` (those named in ``_shown`` where a layer names them),
    ``inplace`` only where it is set.  A layer whose options are not its function's defines
    ``__init__`` itself and passes them as keywords.
    """

    _shown: tuple | None = None  # None: every option
    _signature: inspect.Signature | None = None  # the options, where __init__ is this one

    @staticmethod
    def _function(input: Tensor) -> Tensor:
        raise NotImplementedError

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if original_init(cls) is _Activation.__init__:
            cls._signature = cls.__signature__ = inspect.Signature(
                function_options(cls._function))
        else:
            cls.__signature__ = None  # inspect reads the class's own __init__

    def __init__(self, *args, **options) -> None:
        super().__init__()
        if self._signature is not None:
            options = bound_options(type(self), self._signature, args, options)
        self._options = tuple(options)
        for name, value in options.items():
            setattr(self, name, value)

    def forward(self, input: Tensor) -> Tensor:
        return self._function(input, **{name: getattr(self, name) for name in self._options})

    def extra_repr(self) -> str:
        shown = self._options if self._shown is None else self._shown
        return ", ".join(_shown_option(name, getattr(self, name)) for name in shown
                         if name != "inplace" or self.inplace)


def _shown_option(name: str, value) -> str:
    return f"{name}={value!r}" if isinstance(value, str) else f"{name}={value}"


class ReLU(_Activation):
    """``max(x, 0)``.

    >>> torch.nn.ReLU()(torch.tensor([-1., 2.]))
    tensor([0., 2.])
    """

    _function = staticmethod(functional.relu)


class LeakyReLU(_Activation):
    """``x`` if positive, else ``negative_slope * x``.

    >>> layer = torch.nn.LeakyReLU(0.2)
    >>> layer
    LeakyReLU(negative_slope=0.2)
    >>> layer(torch.tensor([-5., 3.]))
    tensor([-1.,  3.])
    """

    _function = staticmethod(functional.leaky_relu)


class GELU(_Activation):
    """Gaussian error linear unit.

    >>> torch.nn.GELU()(torch.tensor([1.]))
    tensor([0.8413])
    >>> torch.nn.GELU(approximate='tanh')(torch.tensor([-1., 0., 1.]))
    tensor([-0.1588,  0.0000,  0.8412])
    """

    _function = staticmethod(functional.gelu)


class Sigmoid(_Activation):
    """Logistic function.

    >>> torch.nn.Sigmoid()(torch.tensor([0., 2.]))
    tensor([0.5000, 0.8808])
    """

    _function = staticmethod(functional.sigmoid)


class Tanh(_Activation):
    """Hyperbolic tangent.

    >>> torch.nn.Tanh()(torch.tensor([[-1.], [1.]]))
    tensor([[-0.7616],
            [ 0.7616]])
    """

    _function = staticmethod(functional.tanh)


class Softplus(_Activation):
    """``log(1 + exp(beta * x)) / beta``.

    >>> softplus = torch.nn.Softplus(beta=2.)
    >>> softplus
    Softplus(beta=2.0, threshold=20.0)
    >>> softplus(torch.tensor([0., 30.]))  # above threshold / beta: x itself
    tensor([ 0.3466, 30.0000])
    """

    _function = staticmethod(functional.softplus)


class _AlongDim(_Activation):
    """A layer that normalises along ``dim`` (its one option, shown in the ``repr``)."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__(dim=dim)


class Softmax(_AlongDim):
    """Softmax along ``dim``.

    >>> torch.nn.Softmax(dim=1)(torch.tensor([[1., 1.], [0., 2.]]))
    tensor([[0.5000, 0.5000],
            [0.1192, 0.8808]])
    """

    _function = staticmethod(functional.softmax)


class LogSoftmax(_AlongDim):
    """Log-softmax along ``dim``.

    >>> torch.nn.LogSoftmax(dim=0)(torch.zeros(4))
    tensor([-1.3863, -1.3863, -1.3863, -1.3863])
    """

    _function = staticmethod(functional.log_softmax)


class SiLU(_Activation):
    """``x * sigmoid(x)``.

    >>> torch.nn.SiLU()(torch.tensor([-1., 0., 1.]))
    tensor([-0.2689,  0.0000,  0.7311])
    """

    _function = staticmethod(functional.silu)


class ELU(_Activation):
    """``x`` if positive, else ``alpha * (exp(x) - 1)``.

    >>> elu = torch.nn.ELU(alpha=0.5)
    >>> elu(torch.tensor([-1., 1.]))
    tensor([-0.3161,  1.0000])
    """

    _function = staticmethod(functional.elu)


class Hardtanh(_Activation):
    """``clamp(x, min_val, max_val)``.

    >>> clamp = torch.nn.Hardtanh(-2., 2.)
    >>> clamp
    Hardtanh(min_val=-2.0, max_val=2.0)
    >>> clamp(torch.tensor([-3., 1., 3.]))
    tensor([-2.,  1.,  2.])
    """

    _function = staticmethod(functional.hardtanh)

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False,
                 min_value: float | None = None, max_value: float | None = None) -> None:
        # min_value and max_value: PyTorch's older names, still read (with its warning)
        if min_value is not None:
            warnings.warn("keyword argument `min_value` is deprecated and renamed to "
                          "`min_val`", FutureWarning, stacklevel=2)
            min_val = min_value
        if max_value is not None:
            warnings.warn("keyword argument `max_value` is deprecated and renamed to "
                          "`max_val`", FutureWarning, stacklevel=2)
            max_val = max_value
        if max_val <= min_val:
            raise AssertionError(f"max_val ({max_val}) must be greater than min_val "
                                 f"({min_val})")
        super().__init__(min_val=min_val, max_val=max_val, inplace=inplace)


class ReLU6(Hardtanh):
    """``min(max(x, 0), 6)``.

    >>> torch.nn.ReLU6(inplace=True)
    ReLU6(inplace=True)
    >>> torch.nn.ReLU6()(torch.tensor([-1., 3., 9.]))
    tensor([0., 3., 6.])
    """

    _shown = ("inplace",)

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)


class PReLU(Module):
    """Leaky ReLU with a learnable slope (one, or one per channel).

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


class SELU(_Activation):
    """Scaled ELU with the self-normalising constants.

    >>> torch.nn.SELU()(torch.tensor([-1., 1.]))  # scale * elu(x, alpha)
    tensor([-1.1113,  1.0507])
    """

    _function = staticmethod(functional.selu)


class CELU(_Activation):
    """Continuously differentiable ELU.

    >>> torch.nn.CELU(alpha=2.)(-torch.ones(1) * 2)  # alpha * (exp(x / alpha) - 1) below 0
    tensor([-1.2642])
    """

    _function = staticmethod(functional.celu)


class Mish(_Activation):
    """``x * tanh(softplus(x))``.

    >>> x = torch.tensor([1., 2.])
    >>> torch.nn.Mish()(x)
    tensor([0.8651, 1.9440])
    """

    _function = staticmethod(functional.mish)


class Hardswish(_Activation):
    """``x * relu6(x + 3) / 6``.

    >>> torch.nn.Hardswish()(torch.tensor([-4., -1., 1., 4.]))
    tensor([-0.0000, -0.3333,  0.6667,  4.0000])
    """

    _function = staticmethod(functional.hardswish)
    _shown = ()  # PyTorch's repr does not show inplace here


class Hardsigmoid(_Activation):
    """``relu6(x + 3) / 6``.

    >>> torch.nn.Hardsigmoid()(torch.tensor([-3., 0., 1.5]))
    tensor([0.0000, 0.5000, 0.7500])
    """

    _function = staticmethod(functional.hardsigmoid)
    _shown = ()  # PyTorch's repr does not show inplace here


class Softsign(_Activation):
    """``x / (1 + |x|)``.

    >>> torch.nn.Softsign()(torch.tensor([-3., 1.]))
    tensor([-0.7500,  0.5000])
    """

    _function = staticmethod(functional.softsign)


class Softmin(_AlongDim):
    """``softmax(-x)`` along ``dim``.

    >>> softmin = torch.nn.Softmin(dim=1)
    >>> softmin(torch.tensor([[0., 2.]]))
    tensor([[0.8808, 0.1192]])
    """

    _function = staticmethod(functional.softmin)


class LogSigmoid(_Activation):
    """``log(sigmoid(x))``, without overflow.

    >>> torch.nn.LogSigmoid()(torch.tensor([0.]))
    tensor([-0.6931])
    """

    _function = staticmethod(functional.logsigmoid)


class Threshold(_Activation):
    """``x`` where ``x > threshold``, else ``value``.

    >>> layer = torch.nn.Threshold(0.1, 20)
    >>> layer
    Threshold(threshold=0.1, value=20)
    >>> layer(torch.tensor([0., 0.5]))
    tensor([20.0000,  0.5000])
    """

    _function = staticmethod(functional.threshold)


class GLU(_Activation):
    """Gated linear unit along ``dim``.

    >>> torch.nn.GLU()(torch.tensor([1., 0.]))  # 1 * sigmoid(0)
    tensor([0.5000])
    """

    _function = staticmethod(functional.glu)


class Tanhshrink(_Activation):
    """``x - tanh(x)``.

    >>> torch.nn.Tanhshrink()(torch.ones(1))
    tensor([0.2384])
    """

    _function = staticmethod(functional.tanhshrink)


class Softshrink(_Activation):
    """Soft thresholding by ``lambd``.

    >>> shrink = torch.nn.Softshrink()
    >>> shrink
    Softshrink(0.5)
    >>> shrink(torch.tensor([-2., 0.2, 1.]))
    tensor([-1.5000,  0.0000,  0.5000])
    """

    _function = staticmethod(functional.softshrink)

    def extra_repr(self) -> str:
        return str(self.lambd)


class Hardshrink(Softshrink):
    """Hard thresholding by ``lambd``.

    >>> torch.nn.Hardshrink(1.)(torch.tensor([-2., 0.5]))
    tensor([-2.,  0.])
    """

    _function = staticmethod(functional.hardshrink)


class RReLU(_Activation):
    """Randomised leaky ReLU: while training, each negative element is scaled by a slope
    drawn from ``U(lower, upper)``; in eval mode by ``(lower + upper) / 2``.

    >>> layer = torch.nn.RReLU(0.1, 0.3)
    >>> layer
    RReLU(lower=0.1, upper=0.3)
    >>> layer.eval()(torch.tensor([-1., 2.]))
    tensor([-0.2000,  2.0000])
    """

    _function = staticmethod(functional.rrelu)

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
                 inplace: bool = False) -> None:
        super().__init__(lower=lower, upper=upper, inplace=inplace)

    def forward(self, input: Tensor) -> Tensor:
        return functional.rrelu(input, self.lower, self.upper, self.training, self.inplace)


class Softmax2d(Module):
    """Softmax over the channels of ``(N, C, H, W)`` or ``(C, H, W)`` (dimension -3).

    >>> torch.nn.Softmax2d()(torch.zeros(2, 1, 1))
    tensor([[[0.5000]],
    <BLANKLINE>
            [[0.5000]]])
    """

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.ndim}D "
                             "instead")
        return functional.softmax(input, -3)
