"""``torch.backends`` as PyTorch built for the CPU answers it: no cuDNN, no CUDA, no MPS.

Programs choose their device with lines such as
``"cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available()
else "cpu"`` and set flags such as ``torch.backends.cudnn.benchmark = True``; here
those lines run, the answers say "CPU", and the flags are kept but change nothing.

>>> torch.backends.mps.is_available(), torch.backends.cudnn.is_available()
(False, False)
"""
from __future__ import annotations

import importlib

_SUBMODULES = ("cpu", "cuda", "cudnn", "mps")


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r} "
                         f"(torch.backends.{name} is not in chainrule)")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))
