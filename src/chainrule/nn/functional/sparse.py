"""Sparse lookups of ``torch.nn.functional``: ``embedding``, ``embedding_bag`` and
``one_hot``.

``embedding`` and ``embedding_bag`` read ``nn.functional``'s arguments (input
first, ``padding_idx`` counted from the end where negative, ``mode`` by name,
``max_norm`` renormalising the picked rows in place first) and call the
``torch.*`` functions of ``chainrule.functions.embedding``.
"""
from __future__ import annotations

import warnings

from ... import _dtypes
from ..._backend import xp
from ...functions import embedding as torch_embedding
from ...functions.creation import arange
from ...tensor import Tensor

__all__ = ["embedding", "embedding_bag", "one_hot"]


def _padding_row(padding_idx: int | None, rows: int) -> int | None:
    """``padding_idx`` as a row number (negative ones count from the end)."""
    if padding_idx is None:
        return None
    if not -rows <= padding_idx < rows:
        raise AssertionError("Padding_idx must be within num_embeddings")
    return padding_idx + rows if padding_idx < 0 else padding_idx


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm=None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False,
              sparse: bool = False) -> Tensor:
    """Rows of ``weight`` picked by the integer tensor ``input``; with ``max_norm``, the picked
    rows are first rescaled in place to that norm at most.

    >>> torch.nn.functional.embedding(torch.tensor([1]), torch.eye(2))
    tensor([[0., 1.]])
    """
    padding_idx = _padding_row(padding_idx, weight.shape[0])
    if max_norm is not None:
        torch_embedding.check_indices(input, weight.shape[0])
        torch_embedding.embedding_renorm_(weight, input, max_norm, norm_type)
    return torch_embedding.embedding(weight, input, -1 if padding_idx is None else padding_idx,
                                     scale_grad_by_freq, sparse)


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None, max_norm=None,
                  norm_type: float = 2, scale_grad_by_freq: bool = False, mode: str = "mean",
                  sparse: bool = False, per_sample_weights: Tensor | None = None,
                  include_last_offset: bool = False, padding_idx: int | None = None) -> Tensor:
    """Sums, means or maxima (``mode``) of bags of embeddings: the bags are the rows of a 2-D
    ``input``, or the stretches of a 1-D ``input`` that start at ``offsets``.

    >>> weight = torch.arange(8.).reshape(4, 2)
    >>> torch.nn.functional.embedding_bag(torch.tensor([[0, 1], [3, 3]]), weight)
    tensor([[1., 2.],
            [6., 7.]])
    """
    if weight.dtype is _dtypes.int64 and input.dtype.is_floating_point:
        warnings.warn("Argument order of nn.functional.embedding_bag was changed. Usage "
                      "`embedding_bag(weight, input, ...)` is deprecated, and should now be "
                      "`embedding_bag(input, weight, ...)`.", stacklevel=2)
        weight, input = input, weight
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) "
                         f"is not None, then it must have the same shape as the input "
                         f"({input.shape})")
    if weight.ndim != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension "
                         f"{weight.ndim}")
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError(f"if input is 2D, then offsets has to be None, as input is treated "
                             f"is a mini-batch of fixed length sequences. However, found "
                             f"offsets of type {type(offsets)}")
        offsets = arange(0, input.numel(), input.shape[1], dtype=input.dtype)
        include_last_offset = False
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.ndim == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.ndim != 1:
            raise ValueError("offsets has to be a 1D Tensor")
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.ndim}")
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if mode == "max" and sparse:
        raise ValueError("max mode does not support sparse weights")
    if max_norm is not None:
        torch_embedding.check_indices(input, weight.shape[0])
        torch_embedding.embedding_renorm_(weight, input, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. "
                                  f"per_sample_weights is only supported for mode='sum' (got "
                                  f"mode='{mode}'). Please open a feature request on GitHub.")
    return torch_embedding.embedding_bag(
        weight, input, offsets, scale_grad_by_freq, ("sum", "mean", "max").index(mode), sparse,
        per_sample_weights, include_last_offset, _padding_row(padding_idx, weight.shape[0]))[0]


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Integer class indices as rows of zeros with a one at the class (int64).

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
