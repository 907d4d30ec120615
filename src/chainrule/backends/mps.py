"""``torch.backends.mps``: Apple's Metal backend, absent here (as in PyTorch built for Linux CPUs).

>>> device = "mps" if torch.backends.mps.is_available() else "cpu"
>>> device
'cpu'
"""
from __future__ import annotations


def is_available() -> bool:
    """False: chainrule computes on the CPU.

    >>> torch.backends.mps.is_available()
    False
    """
    return False


def is_built() -> bool:
    """False: there is no MPS support to build.

    >>> torch.backends.mps.is_built()
    False
    """
    return False
