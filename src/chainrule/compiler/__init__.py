"""``torch.compile`` and ``torch.compiler``: trace a training step once, replay its NumPy calls.

``compile(fn)`` (``api.py``) runs ``fn``'s first call eagerly while ``trace.py``
records every NumPy call the engine makes on tensors' arrays, with where each input
comes from; ``replay.py`` turns that record into one straight-line Python function,
which later calls of the same kind run instead of dispatch, graph and engine.
``reach.py`` finds the tensors a function captured (a model's parameters).
``docs/compile.md`` says what is replayed, what is guarded and what runs eagerly.
"""
from __future__ import annotations

from .api import OptimizedModule, compile, disable, is_compiling, reset

__all__ = ["compile", "reset", "disable", "is_compiling", "OptimizedModule"]
