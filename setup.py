"""Builds the compiled core, chainrule.engine._core (a C extension), where it can.

Everything else is in pyproject.toml.  The extension is optional: where it cannot be
built (no C compiler, no Python headers) the install goes on without it and chainrule
runs its pure-Python core (see src/chainrule/engine/core.py).  _core.c includes the
topic files _core_node.c, _core_promote.c, _core_op.c, _core_saved.c, _core_backward.c,
_core_grad_mode.c, _core_front.c and, where NumPy's C headers are found,
_core_formulas.c (one translation unit).
"""
import sys

from setuptools import Extension, setup

ENGINE = "src/chainrule/engine/"

# The C twins of the commonest backward formulas (_core_formulas.c) use NumPy's C API: they
# are compiled where NumPy's headers are at hand (pyproject.toml asks for NumPy at build time),
# and left out otherwise (their Python forms run, with the same results).
options: dict = {}
try:
    import numpy
except ImportError:
    pass
else:
    options = {"include_dirs": [numpy.get_include()],
               "define_macros": [("CHAINRULE_FORMULAS", "1")]}
if sys.platform != "win32":
    # No fused multiply-add: a twin must round each operation as NumPy's loops do.
    options["extra_compile_args"] = ["-ffp-contract=off"]

setup(ext_modules=[Extension(
    "chainrule.engine._core", [ENGINE + "_core.c"],
    depends=[ENGINE + name for name in ("_core_node.c", "_core_promote.c", "_core_op.c",
                                        "_core_saved.c", "_core_backward.c", "_core_grad_mode.c",
                                        "_core_front.c", "_core_formulas.c")],
    optional=True, **options)])
