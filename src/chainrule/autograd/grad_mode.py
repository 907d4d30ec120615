"""``torch.autograd.grad_mode``: switch the recording of operations off and on.

    >>> with torch.autograd.grad_mode.no_grad():
    ...     torch.is_grad_enabled()
    False
"""
from ..engine.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "is_inference_mode_enabled"]
