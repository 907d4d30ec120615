"""``torch.set_default_device`` / ``torch.get_default_device`` for a CPU-only library.

Today's tutorials start with ``torch.set_default_device(device)`` after
choosing ``device`` from what is available; on chainrule that choice is
always the CPU.  Asking for another device raises at once, with PyTorch's
message (PyTorch built without CUDA accepts the setting and raises at the
next tensor it creates).
"""
from __future__ import annotations

from .tensor import _on_cpu
from .tensor import device as _device


def set_default_device(device) -> None:
    """Set the device new tensors are created on: only the CPU (or None) is possible.

    >>> torch.set_default_device("cpu")
    >>> torch.set_default_device("cuda")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    AssertionError: Torch not compiled with CUDA enabled. ...
    """
    _on_cpu(device)  # raises for anything but the CPU, as creation does


def get_default_device():
    """The device new tensors are created on: ``device(type='cpu')``.

    >>> torch.get_default_device()
    device(type='cpu')
    """
    return _device("cpu")
