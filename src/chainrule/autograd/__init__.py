"""``torch.autograd``: compute gradients of tensors with respect to the leaves they depend on.

``backward`` accumulates gradients into the leaves' ``.grad``; ``grad`` returns
them; ``Function`` lets users add operations with their own rules; grad modes
switch recording off; ``functional`` and ``forward_ad`` give Jacobians,
Hessians and forward-mode products; ``gradcheck`` compares a rule with finite
differences.  The machinery itself is in ``chainrule.engine``.

    >>> x = torch.tensor(2.0, requires_grad=True)
    >>> torch.autograd.grad(x ** 3, x)
    (tensor(12.),)
"""
from __future__ import annotations

import importlib
import sys

from ..engine.backward import backward, grad
from ..engine.graph import Node
from ..engine.saved import SavedTensor  # noqa: F401  (torch.autograd.SavedTensor)
from ..tensor import Tensor
from . import forward_ad, function, grad_mode, graph  # noqa: F401  (torch.autograd.<module>)
from .anomaly_mode import detect_anomaly, set_detect_anomaly
from .function import Function, once_differentiable
from .grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .variable import Variable

__all__ = ["backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "Node", "grad_mode", "gradcheck", "gradgradcheck", "GradcheckError",
           "Function", "once_differentiable", "forward_ad", "functional", "graph",
           "detect_anomaly", "set_detect_anomaly", "Variable"]

__all__ += ["is_tensor_like"]


def is_tensor_like(inp) -> bool:
    """True for a tensor (a subclass too) or an object that acts as one (``__torch_function__``).

    >>> torch.autograd.is_tensor_like(torch.ones(1)), torch.autograd.is_tensor_like([1.0])
    (True, False)
    """
    return isinstance(inp, Tensor) or hasattr(inp, "__torch_function__")


def __getattr__(name: str):
    # The functional API loads on first use (it is rarely needed, and keeps import fast).
    if name == "functional":
        return importlib.import_module(f"{__name__}.functional")
    if name == "torch":  # torch.autograd.torch is torch itself, as in PyTorch
        return sys.modules["chainrule"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
