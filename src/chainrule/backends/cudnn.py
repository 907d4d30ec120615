"""``torch.backends.cudnn``: NVIDIA's cuDNN, absent here; its flags are kept and change nothing.

``benchmark``, ``deterministic``, ``enabled`` and ``allow_tf32`` start with PyTorch's
defaults and can be set, as training scripts do for reproducibility.

>>> torch.backends.cudnn.benchmark = True
>>> torch.backends.cudnn.benchmark, torch.backends.cudnn.version()
(True, None)
>>> torch.backends.cudnn.benchmark = False
"""
from __future__ import annotations

import contextlib

enabled = True
benchmark = False
benchmark_limit = 10
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    """False: there is no cuDNN.

    >>> torch.backends.cudnn.is_available()
    False
    """
    return False


def version():
    """None, as PyTorch without cuDNN answers.

    >>> torch.backends.cudnn.version() is None
    True
    """
    return None


def is_acceptable(tensor) -> bool:
    """False: no tensor can use cuDNN here.

    >>> torch.backends.cudnn.is_acceptable(torch.ones(1))
    False
    """
    return False


@contextlib.contextmanager
def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False,
          allow_tf32=True):
    """Set the flags inside a ``with`` block, restoring them after.

    >>> with torch.backends.cudnn.flags(enabled=False, deterministic=True):
    ...     torch.backends.cudnn.deterministic
    True
    >>> torch.backends.cudnn.deterministic
    False
    """
    names = ("enabled", "benchmark", "benchmark_limit", "deterministic", "allow_tf32")
    module = globals()
    before = {n: module[n] for n in names}
    module.update(zip(names, (enabled, benchmark, benchmark_limit, deterministic, allow_tf32)))
    try:
        yield
    finally:
        module.update(before)
