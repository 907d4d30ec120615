"""Sparse lookups of ``torch.nn.functional``: ``embedding`` and ``one_hot``."""
from __future__ import annotations

from ... import _dtypes
from ..._backend import xp
from ...ops import embedding as embedding_ops
from ...tensor import Tensor

__all__ = ["embedding", "one_hot"]


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm=None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False,
              sparse: bool = False) -> Tensor:
    """Rows of ``weight`` picked by the integer tensor ``input``.

    >>> import chainrule as torch
    >>> torch.nn.functional.embedding(torch.tensor([1]), torch.eye(2))
    tensor([[0., 1.]])
    """
    if input.dtype.is_floating_point:
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got {input.dtype} instead. "
                           "Fix: pass integer indices, e.g. x.long().")
    idx = input._data
    if idx.size and (idx.max() >= weight.shape[0] or idx.min() < 0):
        raise IndexError(f"index out of range in self (indices must lie in [0, "
                         f"{weight.shape[0]}), got {int(idx.min())}..{int(idx.max())})")
    if padding_idx is not None:
        if padding_idx < 0:
            padding_idx += weight.shape[0]
        return embedding_ops.embedding_padded(weight, input, padding_idx)
    return embedding_ops.embedding(weight, input)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Integer class indices as rows of zeros with a one at the class (int64).

    >>> import chainrule as torch
    >>> torch.nn.functional.one_hot(torch.tensor([0, 2]))
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    if tensor.dtype is not _dtypes.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor. Fix: "
                           "call .long() on the indices.")
    idx = tensor._data
    if num_classes == -1:
        num_classes = int(idx.max()) + 1 if idx.size else 0
    if idx.size and (idx.min() < 0 or idx.max() >= num_classes):
        raise RuntimeError("Class values must be smaller than num_classes and non-negative.")
    out = (idx[..., None] == xp.arange(num_classes)).astype(xp.int64)
    return Tensor._make(out)
