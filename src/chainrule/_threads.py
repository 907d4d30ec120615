"""``torch.get_num_threads`` and friends, answering as PyTorch built for the CPU does.

chainrule computes with NumPy, whose BLAS picks its own threads; the numbers
here are what a program asks for and reads back (PyTorch's default is one
thread per core this process may use).
"""
from __future__ import annotations

import os


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_threads = {"intra": _cores(), "interop": _cores()}


def _checked(n, name: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
        raise RuntimeError(f"{name} expects a positive integer")
    return n


def get_num_threads() -> int:
    """The number of threads for intra-op parallelism (one per available core unless set).

    >>> import chainrule as torch
    >>> torch.get_num_threads() >= 1
    True
    """
    return _threads["intra"]


def set_num_threads(n: int) -> None:
    """Set what ``get_num_threads`` answers (NumPy's BLAS still chooses its own threads).

    >>> import chainrule as torch
    >>> before = torch.get_num_threads()
    >>> torch.set_num_threads(1); torch.get_num_threads()
    1
    >>> torch.set_num_threads(before)
    """
    _threads["intra"] = _checked(n, "set_num_threads")


def get_num_interop_threads() -> int:
    """The number of threads for inter-op parallelism.

    >>> import chainrule as torch
    >>> torch.get_num_interop_threads() >= 1
    True
    """
    return _threads["interop"]


def set_num_interop_threads(n: int) -> None:
    """Set what ``get_num_interop_threads`` answers.

    >>> import chainrule as torch
    >>> torch.set_num_interop_threads(torch.get_num_interop_threads())
    """
    _threads["interop"] = _checked(n, "set_num_interop_threads")
