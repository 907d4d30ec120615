"""``chainrule.utils``: ``data`` (datasets and loaders), ``checkpoint`` and ``dlpack``, loaded on
first use."""
from __future__ import annotations

import importlib

_SUBMODULES = ("data", "checkpoint", "dlpack")


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))
