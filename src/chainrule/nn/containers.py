"""Containers: ``Sequential``, ``ModuleList``, ``ModuleDict`` and ``ParameterList``, as in
``torch.nn``: modules that hold other modules (or parameters) so that their parent sees
their parameters."""
from __future__ import annotations

from collections import OrderedDict

from .module import Module, _addindent
from .parameter import Parameter


class _ModuleSequence(Module):
    """What ``Sequential`` and ``ModuleList`` share: sub-modules named "0", "1", ... in
    order, their count and iteration over them."""

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


class Sequential(_ModuleSequence):
    """Modules applied one after the other.

    >>> import chainrule as torch
    >>> torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
    Sequential(
      (0): Linear(in_features=2, out_features=3, bias=True)
      (1): ReLU()
    )
    """

    def __init__(self, *args) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, m in args[0].items():
                self.add_module(name, m)
        else:
            for i, m in enumerate(args):
                self.add_module(str(i), m)

    def forward(self, input):
        for m in self._modules.values():
            input = m(input)
        return input

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return Sequential(OrderedDict(list(self._modules.items())[idx]))
        return list(self._modules.values())[_index(idx, len(self))]

    def __setitem__(self, idx: int, module: Module) -> None:
        self.add_module(list(self._modules)[_index(idx, len(self))], module)

    def __delitem__(self, idx) -> None:
        keys = list(self._modules)
        for k in (keys[idx] if isinstance(idx, slice) else [keys[_index(idx, len(self))]]):
            del self._modules[k]

    def append(self, module: Module) -> "Sequential":
        self.add_module(str(len(self)), module)
        return self


def _index(idx: int, n: int) -> int:
    idx = int(idx)
    if not -n <= idx < n:
        raise IndexError(f"index {idx} is out of range")
    return idx % n


class ModuleList(_ModuleSequence):
    """A list of modules whose parameters the parent module sees.

    >>> import chainrule as torch
    >>> len(torch.nn.ModuleList([torch.nn.ReLU(), torch.nn.Tanh()]))
    2
    """

    def __init__(self, modules=None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return ModuleList(list(self._modules.values())[idx])
        return self._modules[str(_index(idx, len(self)))]

    def __setitem__(self, idx: int, module: Module) -> None:
        self.add_module(str(_index(idx, len(self))), module)

    def __delitem__(self, idx) -> None:
        values = list(self._modules.values())
        del values[idx]
        self._modules.clear()
        for i, m in enumerate(values):
            self._modules[str(i)] = m

    def __repr__(self) -> str:
        # As PyTorch: a run of identical layers prints once, as "(0-5): 6 x Layer(...)".
        reprs = [_addindent(repr(m), 2) for m in self._modules.values()]
        lines = []
        start = 0
        while start < len(reprs):
            end = start
            while end + 1 < len(reprs) and reprs[end + 1] == reprs[start]:
                end += 1
            if end == start:
                lines.append(f"({start}): {reprs[start]}")
            else:
                lines.append(f"({start}-{end}): {end - start + 1} x {reprs[start]}")
            start = end + 1
        if not lines:
            return self._get_name() + "()"
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"

    def append(self, module: Module) -> "ModuleList":
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules) -> "ModuleList":
        for m in modules:
            self.append(m)
        return self

    def insert(self, index: int, module: Module) -> None:
        values = list(self._modules.values())
        values.insert(index, module)
        self._modules.clear()
        for i, m in enumerate(values):
            self._modules[str(i)] = m


class ModuleDict(Module):
    """A dict of modules whose parameters the parent module sees.

    >>> import chainrule as torch
    >>> list(torch.nn.ModuleDict({"act": torch.nn.ReLU()}).keys())
    ['act']
    """

    def __init__(self, modules=None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key: str) -> bool:
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def items(self):
        return self._modules.items()

    def values(self):
        return self._modules.values()

    def pop(self, key: str) -> Module:
        return self._modules.pop(key)

    def clear(self) -> None:
        self._modules.clear()

    def update(self, modules) -> None:
        items = modules.items() if hasattr(modules, "items") else modules
        for k, m in items:
            self[k] = m


class ParameterList(Module):
    """A list of parameters registered with the parent module.

    >>> import chainrule as torch
    >>> from chainrule import nn
    >>> class M(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.ps = nn.ParameterList([torch.ones(2), torch.zeros(3)])
    >>> [name for name, _ in M().named_parameters()]
    ['ps.0', 'ps.1']
    """

    def __init__(self, values=None) -> None:
        super().__init__()
        for v in values or []:
            self.append(v)

    def append(self, value) -> "ParameterList":
        if not isinstance(value, Parameter):
            value = Parameter(value)
        self.register_parameter(str(len(self._parameters)), value)
        return self

    def __getitem__(self, idx: int) -> Parameter:
        return self._parameters[str(_index(idx, len(self)))]

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters.values())
