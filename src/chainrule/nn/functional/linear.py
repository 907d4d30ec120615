"""Linear maps of ``torch.nn.functional``: ``linear`` and ``bilinear`` (which is
``torch.bilinear`` itself, as in PyTorch).

``linear`` records PyTorch's graph: AddmmBackward0 with a bias, MmBackward0
without, each one node (``chainrule.ops.linalg.linear``); other inputs than
rows are reshaped to rows first and back after, under PyTorch's names for those
steps (SqueezeBackward4 for a vector, UnsafeViewBackward0 for a batch).
"""
from __future__ import annotations

import math

from ...functions.arguments import require_tensor
from ...functions.matrix import bilinear
from ...ops import linalg as linalg_ops
from ...ops import shape as shape_ops
from ...tensor import Tensor

__all__ = ["linear", "bilinear"]


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``.

    >>> torch.nn.functional.linear(torch.ones(1, 2), torch.ones(3, 2), torch.zeros(3))
    tensor([[2., 2., 2.]])
    """
    require_tensor(input, "linear", "input", 1)
    if input.shape[-1] != weight.shape[-1]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({math.prod(input.shape[:-1])}x"
            f"{input.shape[-1]} and {weight.shape[1]}x{weight.shape[0]}). Fix: the last "
            f"dimension of the input ({input.shape[-1]}) must equal in_features "
            f"({weight.shape[-1]}).")
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {input.dtype.name}"
                           f" and {weight.dtype.name}. Fix: convert the input with "
                           f".to({weight.dtype})")
    # PyTorch's graph: addmm(bias, x, weight.t()) or mm(x, weight.t()) on the rows of x.
    weight_t = weight.t()
    if input.ndim == 2:
        return linalg_ops.mm(input, weight_t) if bias is None \
            else linalg_ops.addmm(bias, input, weight_t, 1, 1)
    if bias is not None:
        rows = input.reshape(-1, input.shape[-1])
        shape = tuple(input.shape[:-1]) + tuple(weight.shape[:-1])
        return linalg_ops.addmm(bias, rows, weight_t, 1, 1).reshape(shape)
    if input.ndim == 1:
        return linalg_ops.squeeze_back(linalg_ops.mm(input.unsqueeze(0), weight_t), 0)
    rows = input.reshape(-1, input.shape[-1])
    shape = tuple(input.shape[:-1]) + tuple(weight.shape[:-1])
    return shape_ops.unsafe_view(linalg_ops.mm(rows, weight_t), shape)
