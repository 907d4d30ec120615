"""Which core records operations and runs the backward pass: compiled or pure Python.

The pure-Python core (``op.py``, ``backward.py``) is the reference implementation, the
one to read.  The compiled core is a C extension, ``chainrule.engine._core``, built by
``pip install`` where a C compiler is present: it holds C twins of the hottest functions,
each for the common case only, and hands every other case to the Python function it
mirrors.  The pure core runs when the extension is missing (no compiler, or its build
failed) or when the environment variable ``CHAINRULE_PURE=1`` is set before chainrule is
imported.  This module is the one place that imports the extension.
"""
from __future__ import annotations

import os

from .. import _backend

compiled = None  # the extension module, or None when the pure-Python core runs
if os.environ.get("CHAINRULE_PURE", "") in ("", "0"):
    try:
        from . import _core as compiled
    except ImportError:  # not built (no compiler), or built for another Python
        compiled = None

# fn(*arrays) without NumPy's floating-point warnings: the C twin of _backend.quiet where the
# compiled core runs (it sets NumPy's error state with no Python frame), else that function.
quiet = _backend.quiet
if compiled is not None and _backend.FP_ERRORS_IGNORED is not None:
    compiled.setup_fp_errors(*_backend.FP_ERRORS_IGNORED)
    quiet = compiled.quiet


def core_name() -> str:
    """Which core runs: ``"compiled"`` (the C extension) or ``"python"``.

    >>> torch.engine.core_name() in ("compiled", "python")
    True
    """
    return "python" if compiled is None else "compiled"
