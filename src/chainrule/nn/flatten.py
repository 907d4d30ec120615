"""``Flatten`` and ``Unflatten``: layers that reshape, as in ``torch.nn``."""
from __future__ import annotations

from ..tensor import Tensor
from .options import OptionsModule


class Flatten(OptionsModule):
    """Flattens dimensions ``start_dim`` to ``end_dim``.

    >>> torch.nn.Flatten()
    Flatten(start_dim=1, end_dim=-1)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__(start_dim=start_dim, end_dim=end_dim)

    def forward(self, input: Tensor) -> Tensor:
        return input.flatten(self.start_dim, self.end_dim)


class Unflatten(OptionsModule):
    """Splits dimension ``dim`` into ``unflattened_size``.

    >>> torch.nn.Unflatten(1, (2, 2))
    Unflatten(dim=1, unflattened_size=(2, 2))
    """

    def __init__(self, dim: int, unflattened_size) -> None:
        super().__init__(dim=dim, unflattened_size=unflattened_size)

    def forward(self, input: Tensor) -> Tensor:
        return input.unflatten(self.dim, self.unflattened_size)
