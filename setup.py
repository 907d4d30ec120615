"""Builds the compiled core, chainrule.engine._core (a C extension), where it can.

Everything else is in pyproject.toml.  The extension is optional: where it cannot be
built (no C compiler, no Python headers) the install goes on without it and chainrule
runs its pure-Python core (see src/chainrule/engine/core.py).
"""
from setuptools import Extension, setup

setup(ext_modules=[Extension("chainrule.engine._core", ["src/chainrule/engine/_core.c"],
                             optional=True)])
