"""Builds the compiled core, chainrule.engine._core (a C extension), where it can.

Everything else is in pyproject.toml.  The extension is optional: where it cannot be
built (no C compiler, no Python headers) the install goes on without it and chainrule
runs its pure-Python core (see src/chainrule/engine/core.py).  _core.c includes the
topic files _core_node.c, _core_promote.c, _core_op.c, _core_saved.c, _core_backward.c,
_core_grad_mode.c and _core_front.c (one translation unit).
"""
from setuptools import Extension, setup

ENGINE = "src/chainrule/engine/"

setup(ext_modules=[Extension(
    "chainrule.engine._core", [ENGINE + "_core.c"],
    depends=[ENGINE + name for name in ("_core_node.c", "_core_promote.c", "_core_op.c",
                                        "_core_saved.c", "_core_backward.c", "_core_grad_mode.c",
                                        "_core_front.c")],
    optional=True)])
