"""``torch.backends.cpu``: what the CPU offers.

>>> torch.backends.cpu.get_cpu_capability()
'DEFAULT'
"""
from __future__ import annotations


def get_cpu_capability() -> str:
    """``'DEFAULT'``: chainrule has no vectorised kernels of its own (NumPy chooses them).

    >>> torch.backends.cpu.get_cpu_capability()
    'DEFAULT'
    """
    return "DEFAULT"
