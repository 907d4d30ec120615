"""``import torch`` answered by chainrule: one module object under two names.

PyTorch programs import ``torch`` in many ways (``import torch.nn as nn``,
``from torch import optim``, ``from torch.utils.data import DataLoader``).
Putting chainrule into ``sys.modules['torch']`` by hand is not enough:
``import torch.nn`` would then find chainrule's ``nn`` folder by its path and
load it a second time, under the name ``torch.nn``, with a second copy of
every class (and ``isinstance`` checks between the copies fail).

``install_as_torch`` puts a finder at the front of ``sys.meta_path`` that
answers ``torch`` and every ``torch.<sub>`` with the module object
``chainrule.<sub>`` itself, so each module and class exists once however it
is imported.  A submodule chainrule lacks raises ``ModuleNotFoundError``
saying so at the import, not a confusing error later.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

ALIAS = "torch"
PACKAGE = "chainrule"


def _real_name(name: str) -> str:
    """``torch.nn.functional`` -> ``chainrule.nn.functional``."""
    return PACKAGE + name[len(ALIAS):]


class _SameModule(importlib.abc.Loader):
    """Hands the import system an already imported module instead of a new one."""

    def __init__(self, module) -> None:
        self.module = module
        self.spec = module.__spec__

    def create_module(self, spec):
        return self.module

    def exec_module(self, module) -> None:
        # The import system has just set __spec__ to the alias's spec: give the module its
        # own back (relative imports and importlib.reload read it).
        module.__spec__ = self.spec


class _TorchFinder(importlib.abc.MetaPathFinder):
    """Finds ``torch`` and ``torch.*`` as chainrule's modules."""

    def find_spec(self, fullname: str, path=None, target=None):
        if fullname != ALIAS and not fullname.startswith(ALIAS + "."):
            return None
        real = _real_name(fullname)
        try:
            module = importlib.import_module(real)
        except ModuleNotFoundError as e:
            if e.name != real:
                raise  # something chainrule.<sub> itself needs is missing: that error is clearer
            raise ModuleNotFoundError(
                f"No module named '{fullname}': {fullname} is not in chainrule (torch is "
                f"chainrule here, and it has no {real}).", name=fullname) from None
        return importlib.util.spec_from_loader(
            fullname, _SameModule(module), is_package=hasattr(module, "__path__"))


class TorchAlias:
    """The installed alias; ``uninstall()`` (or leaving a ``with`` block) undoes it.

    >>> import chainrule
    >>> with chainrule.install_as_torch():
    ...     import torch.nn as nn
    ...     nn.Linear is chainrule.nn.Linear
    True
    """

    def __init__(self, active: bool) -> None:
        self.active = active  # False for a nested install: the outer one undoes the alias
        self._finder = _TorchFinder()
        self._replaced: dict = {}

    def _install(self) -> None:
        # Modules imported under the name torch before now (the real PyTorch, say) step
        # aside and come back on uninstall.
        for name in list(sys.modules):
            if name == ALIAS or name.startswith(ALIAS + "."):
                self._replaced[name] = sys.modules.pop(name)
        sys.meta_path.insert(0, self._finder)
        sys.modules[ALIAS] = importlib.import_module(PACKAGE)

    def uninstall(self) -> None:
        """Make ``import torch`` find what it found before (PyTorch, or nothing)."""
        global _installed
        if not self.active:
            return
        self.active = False
        _installed = None
        if self._finder in sys.meta_path:
            sys.meta_path.remove(self._finder)
        for name in list(sys.modules):
            if name == ALIAS or name.startswith(ALIAS + "."):
                del sys.modules[name]
        sys.modules.update(self._replaced)
        self._replaced = {}

    def __enter__(self) -> "TorchAlias":
        return self

    def __exit__(self, *exc) -> bool:
        self.uninstall()
        return False

    def __repr__(self) -> str:
        return f"<torch alias for chainrule: {'installed' if self.active else 'not active'}>"


_installed: TorchAlias | None = None


def install_as_torch() -> TorchAlias:
    """Make ``import torch`` (and every ``import torch.<sub>``) give chainrule's modules.

    For notebooks and interpreters; ``python -m chainrule run script.py`` does
    the same for a whole program.  It changes the interpreter's import state,
    so it is an explicit call, and reversible: call ``.uninstall()`` on the
    result, or use it as a context manager.  Installing again while installed
    changes nothing (and the inner handle's ``uninstall`` leaves the alias in
    place).

    >>> import chainrule
    >>> alias = chainrule.install_as_torch()
    >>> import torch
    >>> from torch import nn, optim
    >>> torch is chainrule, nn is chainrule.nn, optim.SGD is chainrule.optim.SGD
    (True, True, True)
    >>> alias.uninstall()
    """
    global _installed
    if _installed is not None:
        return TorchAlias(active=False)
    alias = TorchAlias(active=True)
    alias._install()
    _installed = alias
    return alias


def is_installed() -> bool:
    """Whether ``import torch`` currently gives chainrule.

    >>> import chainrule
    >>> from chainrule._alias import is_installed
    >>> with chainrule.install_as_torch():
    ...     is_installed()
    True
    """
    return _installed is not None
