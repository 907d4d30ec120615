"""``OptionsModule``: a layer whose options are its constructor's arguments, kept as
attributes and shown by its ``repr`` as ``name=value``, as PyTorch's layers show them;
``FunctionalModule``: one whose forward is its ``nn.functional`` function called with
those options; ``changed_options``: the part of an ``extra_repr`` that shows only the options
not at their defaults."""
from __future__ import annotations

from .module import Module


class OptionsModule(Module):
    """Keeps the keyword ``options`` as attributes; ``extra_repr`` shows those named in
    ``_shown`` (all of them, in the order given, where ``_shown`` is None).

    >>> class Scale(OptionsModule):
    ...     def __init__(self, factor=2.0):
    ...         super().__init__(factor=factor)
    ...     def forward(self, x):
    ...         return x * self.factor
    >>> Scale()
    Scale(factor=2.0)
    """

    _shown: tuple | None = None

    def __init__(self, **options) -> None:
        super().__init__()
        for name, value in options.items():
            setattr(self, name, value)
        if self._shown is None:
            self._shown = tuple(options)

    def extra_repr(self) -> str:
        return ", ".join(f"{name}={getattr(self, name)}" for name in self._shown)


class FunctionalModule(OptionsModule):
    """An ``OptionsModule`` whose ``forward`` is ``_function(input, *options)``, the options
    named in ``_arguments`` in that order.

    >>> import chainrule as torch
    >>> class Halve(FunctionalModule):
    ...     _function = staticmethod(torch.div)
    ...     _arguments = ("divisor",)
    ...     def __init__(self):
    ...         super().__init__(divisor=2)
    >>> Halve()(torch.tensor([3.]))
    tensor([1.5000])
    """

    _function = None  # set by each layer, as a staticmethod
    _arguments: tuple = ()

    def forward(self, input):
        return self._function(input, *[getattr(self, name) for name in self._arguments])


def changed_options(module: Module, **defaults) -> str:
    """``", name=value"`` for each option of ``module`` (in the order given) whose value is not
    its default, as PyTorch's ``extra_repr`` methods show them: a ``True``, ``False`` or
    ``None`` default is compared by identity (so ``bias=1`` is shown), others by ``!=``.

    >>> import chainrule as torch
    >>> changed_options(torch.nn.RNN(2, 3, num_layers=2), num_layers=1, bias=True)
    ', num_layers=2'
    """
    shown = []
    for name, default in defaults.items():
        value = getattr(module, name)
        by_identity = default is None or isinstance(default, bool)
        if (value is not default) if by_identity else (value != default):
            shown.append(f", {name}={value}")
    return "".join(shown)
