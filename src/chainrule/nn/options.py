"""``OptionsModule``: a layer whose options are its constructor's arguments, kept as
attributes and shown by its ``repr`` as ``name=value``, as PyTorch's layers show them."""
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
