"""Linear layers: ``Identity``, ``Linear``, ``LazyLinear`` and ``Bilinear``, as in ``torch.nn``.

Their initialisation is PyTorch's (``Linear``: kaiming_uniform with a=√5, i.e.
U(-1/√fan_in, 1/√fan_in), for weight and bias); the random stream is
chainrule's, so the numbers differ from PyTorch's.
"""
from __future__ import annotations

import math

from ..tensor import Tensor
from . import functional, init
from .lazy import LazyModuleMixin
from .module import Module
from .parameter import add_weight_and_bias


class Identity(Module):
    """Returns its input.

    >>> torch.nn.Identity()
    Identity()
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """``y = x @ W.T + b``.

    >>> torch.nn.Linear(4, 2)
    Linear(in_features=4, out_features=2, bias=True)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        add_weight_and_bias(self, (out_features, in_features), out_features if bias else None,
                            dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return functional.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class LazyLinear(LazyModuleMixin, Linear):
    """A ``Linear`` whose ``in_features`` is read from the first input (as d2l's models use).

    The parameters exist from the start as ``UninitializedParameter`` (so an
    optimiser can be built before the first call) and get their shape and
    PyTorch's initialisation on the first forward; the module then becomes a
    plain ``Linear``.

    >>> m = torch.nn.LazyLinear(3)
    >>> m
    LazyLinear(in_features=0, out_features=3, bias=True)
    >>> m(torch.ones(2, 4)).shape, m
    (torch.Size([2, 3]), Linear(in_features=4, out_features=3, bias=True))
    """

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device=None, dtype=None) -> None:
        # bias=False first: the parameters become stand-ins just below
        super().__init__(0, 0, False, dtype=dtype)
        self.out_features = out_features
        self._lazy_weight_and_bias(bias, dtype)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor, *args, **kwargs) -> None:
        if self.has_uninitialized_params():
            self.in_features = input.shape[-1]
            self._materialize_weight_and_bias((self.out_features, self.in_features),
                                              self.out_features)


class Bilinear(Module):
    """``y_k = x1 @ W_k @ x2 + b_k``.

    >>> torch.nn.Bilinear(2, 3, 4)
    Bilinear(in1_features=2, in2_features=3, out_features=4, bias=True)
    """

    def __init__(self, in1_features: int, in2_features: int, out_features: int,
                 bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        self.in1_features, self.in2_features = in1_features, in2_features
        self.out_features = out_features
        add_weight_and_bias(self, (out_features, in1_features, in2_features),
                            out_features if bias else None, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return functional.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
