"""``Tensor.unfold(dimension, size, step)``: sliding windows along one dimension, a view."""
from __future__ import annotations

from .._shapes import wrap_dim
from ..ops import sliding as sliding_ops
from ..tensor import Tensor

__all__: list = []  # a method only: torch.unfold does not exist


def unfold(self, dimension: int, size: int, step: int) -> Tensor:
    """The windows of ``size`` elements, ``step`` apart, along ``dimension``: that dimension
    counts the windows and a new last dimension runs along each (a view: windows that
    overlap share memory).

    >>> torch.arange(7.).unfold(0, 3, 2)
    tensor([[0., 1., 2.],
            [2., 3., 4.],
            [4., 5., 6.]])
    """
    dim = wrap_dim(dimension, self.ndim)
    length = self.shape[dim] if self.ndim else 1
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {dim} is {length} but size "
                           f"is {size}. Fix: use a window no longer than the dimension.")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return sliding_ops.unfold(self, dim, size, step)
