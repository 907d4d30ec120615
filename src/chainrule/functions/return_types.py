"""``torch.return_types``: the named tuples some functions return (``values``, ``indices``)."""
from __future__ import annotations

__all__ = [

]


class ValuesIndices(tuple):
    """``(values, indices)`` with names, as PyTorch's ``torch.return_types.max``."""

    def __new__(cls, values, indices, name):
        self = super().__new__(cls, (values, indices))
        self._name = name
        return self

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]

    def __repr__(self) -> str:
        return (f"torch.return_types.{self._name}(\nvalues={self[0]!r},\n"
                f"indices={self[1]!r})")


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
