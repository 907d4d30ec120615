"""``torch.get_num_threads`` and friends, answering as PyTorch built for the CPU does.

chainrule computes with NumPy, whose BLAS picks its own threads; the numbers
here are what a program asks for and reads back, starting from PyTorch's
default (one thread per physical core this process may use, or fewer if
OMP_NUM_THREADS says so).
"""
from __future__ import annotations

import os


def _physical_cores() -> int:
    """The physical cores this process may run on (hyper-threads of one core count once)."""
    try:
        cpus = os.sched_getaffinity(0)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
    cores = set()
    for cpu in cpus:
        topology = f"/sys/devices/system/cpu/cpu{cpu}/topology/"
        try:
            with open(topology + "physical_package_id") as a, open(topology + "core_id") as b:
                cores.add((a.read().strip(), b.read().strip()))
        except OSError:
            cores.add(("cpu", cpu))
    return max(len(cores), 1)


def _requested(cores: int) -> int:
    """PyTorch's starting intra-op threads: OMP_NUM_THREADS (or MKL_NUM_THREADS) if set, at
    most one per core; else one per core."""
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        try:
            requested = int(os.environ.get(name, ""))
        except ValueError:
            continue
        if requested > 0:
            return min(requested, cores)
    return cores


_threads = {"intra": _requested(_physical_cores()), "interop": _physical_cores()}


def _checked(n, name: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
        raise RuntimeError(f"{name} expects a positive integer")
    return n


def get_num_threads() -> int:
    """The number of threads for intra-op parallelism (one per available core unless set).

    >>> torch.get_num_threads() >= 1
    True
    """
    return _threads["intra"]


def set_num_threads(n: int) -> None:
    """Set what ``get_num_threads`` answers (NumPy's BLAS still chooses its own threads).

    >>> before = torch.get_num_threads()
    >>> torch.set_num_threads(1); torch.get_num_threads()
    1
    >>> torch.set_num_threads(before)
    """
    _threads["intra"] = _checked(n, "set_num_threads")


def get_num_interop_threads() -> int:
    """The number of threads for inter-op parallelism.

    >>> torch.get_num_interop_threads() >= 1
    True
    """
    return _threads["interop"]


def set_num_interop_threads(n: int) -> None:
    """Set what ``get_num_interop_threads`` answers.

    >>> torch.set_num_interop_threads(torch.get_num_interop_threads())
    """
    _threads["interop"] = _checked(n, "set_num_interop_threads")
