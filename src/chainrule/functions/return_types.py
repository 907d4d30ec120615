"""``torch.return_types``: the named tuples some functions return (``values``, ``indices``)."""
from __future__ import annotations

__all__ = [

]


class _NamedPair(tuple):
    """A pair with field names, printed as PyTorch prints ``torch.return_types.<name>``."""

    _fields: tuple

    def __new__(cls, first, second, name):
        self = super().__new__(cls, (first, second))
        self._name = name
        return self

    def __repr__(self) -> str:
        first, second = self._fields
        return (f"torch.return_types.{self._name}(\n{first}={self[0]!r},\n"
                f"{second}={self[1]!r})")


class ValuesIndices(_NamedPair):
    """``(values, indices)`` with names, as PyTorch's ``torch.return_types.max``."""

    _fields = ("values", "indices")
    values = property(lambda self: self[0])
    indices = property(lambda self: self[1])


class Histogram(_NamedPair):
    """``(hist, bin_edges)`` with names, as PyTorch's ``torch.return_types.histogram`` (and
    ``histogramdd``, whose ``bin_edges`` is a tuple of tensors)."""

    _fields = ("hist", "bin_edges")
    hist = property(lambda self: self[0])
    bin_edges = property(lambda self: self[1])


class Frexp(_NamedPair):
    """``(mantissa, exponent)`` with names, as PyTorch's ``torch.return_types.frexp``."""

    _fields = ("mantissa", "exponent")
    mantissa = property(lambda self: self[0])
    exponent = property(lambda self: self[1])


class MinMax(tuple):
    """``(min, max)`` with names, as PyTorch's ``torch.return_types.aminmax``."""

    def __new__(cls, min, max, name: str = "aminmax"):  # noqa: A002 - PyTorch's field names
        self = super().__new__(cls, (min, max))
        self._name = name  # "aminmax_out" when written into out=
        return self

    @property
    def min(self):
        return self[0]

    @property
    def max(self):
        return self[1]

    def __repr__(self) -> str:
        return f"torch.return_types.{self._name}(\nmin={self[0]!r},\nmax={self[1]!r})"
