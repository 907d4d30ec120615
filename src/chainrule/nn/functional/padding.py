"""Padding of ``torch.nn.functional``: ``pad``, in the modes 'constant', 'reflect',
'replicate' and 'circular'.

Constant padding is ``torch.constant_pad_nd``, one node that also crops where an
amount is negative; reflection and replication are one row each
(ReflectionPad2DBackward0, ...), which read each padded dimension's source
positions; circular padding copies slices into a new tensor as PyTorch does
(CopySlices).  The checks and their messages are PyTorch's.
"""
from __future__ import annotations

from ..._backend import xp
from ...functions.padding import constant_pad_nd
from ...ops import padding as padding_ops
from ...tensor import Tensor

__all__ = ["pad"]

_NONCONSTANT_DIMS = {2: (2, 3), 4: (3, 4), 6: (4, 5)}  # pad length -> input dims allowed


def pad(input: Tensor, pad, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last dimensions; ``pad = (left, right, top, bottom, ...)``, last dimension first.

    Negative amounts crop (in 'constant' and 'circular' mode).

    >>> torch.nn.functional.pad(torch.ones(2), (1, 2))
    tensor([0., 1., 1., 0., 0.])
    >>> torch.nn.functional.pad(torch.tensor([[1., 2., 3.]]), (2, 1), mode="reflect")
    tensor([[3., 2., 1., 2., 3., 2.]])
    >>> torch.nn.functional.pad(torch.tensor([[1., 2., 3.]]), (-1, 1), value=9.)
    tensor([[2., 3., 9.]])
    """
    if mode == "constant":
        return constant_pad_nd(input, pad, 0.0 if value is None else value)
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input "
                           f"dimension but got padding length {len(pad)} and input of dimension "
                           f"{input.ndim}")
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}; use constant, reflect, "
                                  "replicate or circular")
    if value is not None and value != 0:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    if input.ndim not in _NONCONSTANT_DIMS.get(len(pad), ()):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor. "
            "Supported combinations for non-constant padding: 2D or 3D input with padding size "
            "2, 3D or 4D input with padding size 4, 4D or 5D input with padding size 6")
    padded = input.ndim - len(pad) // 2
    if 0 in input.shape[1:]:
        raise RuntimeError(f"Expected a tensor with non-zero sizes (other than a 0 batch size) "
                           f"for {mode} padding, but got: {list(input.shape)}")
    for i in range(len(pad) // 2):
        dim, (lo, hi) = input.ndim - 1 - i, pad[2 * i:2 * i + 2]
        n = input.shape[dim]
        if mode == "reflect" and (lo >= n or hi >= n):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding "
                               f"input dimension, but got: padding ({lo}, {hi}) at dimension "
                               f"{dim} of input {list(input.shape)}")
        if mode == "circular" and (lo > n or hi > n):
            raise RuntimeError("Padding value causes wrapping around more than once; use "
                               f"padding at most {n} at dimension {dim}")
        # circular padding may crop a dimension away (PyTorch returns an empty tensor)
        if lo + hi + n < (0 if mode == "circular" else 1):
            axis = "WHD"[i]
            raise RuntimeError(f"input ({axis}: {n}) is too small. Calculated output {axis}: "
                               f"{lo + hi + n}. Fix: the padding ({lo}, {hi}) crops more than "
                               f"dimension {dim} holds")
    if mode == "circular":
        return _circular(input, pad)
    # Each padded dimension's cells come from source positions (negative amounts crop, as in
    # PyTorch): one reflection or replication row reads them all.
    positions = []
    for dim in range(padded, input.ndim):
        i = input.ndim - 1 - dim
        lo, hi, n = pad[2 * i], pad[2 * i + 1], input.shape[dim]
        pos = xp.arange(-lo, n + hi)
        if mode == "reflect":
            pos = xp.abs(pos)
            pos = xp.where(pos > n - 1, 2 * (n - 1) - pos, pos)
        else:
            pos = xp.clip(pos, 0, n - 1)
        positions.append(pos)
    taps = tuple(((pos, None),) for pos in positions)
    return padding_ops.PAD[mode, len(positions)](input, taps)


def _circular(input: Tensor, pad: tuple) -> Tensor:
    """Circular padding as PyTorch computes it, so the graph is PyTorch's (CopySlices): the
    input (cropped where an amount is negative) copied into the middle of a new tensor, then,
    dimension by dimension, each side's padding copied from the other end of that tensor."""
    shape = list(input.shape)
    dims = [input.ndim - 1 - i for i in range(len(pad) // 2)]  # pad lists the last first
    amounts = [(pad[2 * i], pad[2 * i + 1]) for i in range(len(dims))]
    for dim, (lo, hi) in zip(dims, amounts):
        shape[dim] += lo + hi
    # zeros where PyTorch takes empty memory: a wrap longer than a cropped dimension reads
    # cells never written (PyTorch returns whatever memory held; here they read zero)
    out = input.new_zeros(shape)
    inner, source = out, input
    for dim, (lo, hi) in zip(dims, amounts):
        inner = inner.narrow(dim, max(lo, 0), shape[dim] - max(lo, 0) - max(hi, 0))
        source = source.narrow(dim, max(-lo, 0), input.shape[dim] - max(-lo, 0) - max(-hi, 0))
    inner.copy_(source)
    for dim, (lo, hi) in zip(dims, amounts):
        if lo > 0:
            out.narrow(dim, 0, lo).copy_(out.narrow(dim, shape[dim] - lo - max(hi, 0), lo))
        if hi > 0:
            out.narrow(dim, shape[dim] - hi, hi).copy_(out.narrow(dim, max(lo, 0), hi))
    return out
