"""Lookups as ``torch.*`` has them: ``embedding(weight, indices, ...)``,
``embedding_bag(weight, indices, offsets, ...)`` and ``embedding_renorm_``.

``embedding`` picks rows of ``weight``; ``embedding_bag`` sums (or averages, or
takes the maximum of) the rows of each bag, a bag being the indices between two
offsets, without building the looked-up rows' tensor.  Their gradients are
scatter-adds into ``weight``'s shape (rows in ``chainrule.ops.embedding``).
``sparse=True`` is accepted and gives a dense gradient: chainrule has no sparse
tensors.  ``nn.functional`` builds its versions (with ``max_norm``) on these.
"""
from __future__ import annotations

from .._backend import xp
from ..engine.grad_mode import no_grad
from ..ops import embedding as embedding_ops
from ..tensor import Tensor

__all__ = ["embedding", "embedding_bag", "embedding_renorm_"]

_MODES = ("sum", "mean", "max")  # embedding_bag's mode enum


def check_indices(indices: Tensor, rows: int, name: str = "indices") -> None:
    """PyTorch's errors for indices that are not integers or not rows of the table."""
    if indices.dtype.is_floating_point or indices.dtype.name == "bool":
        raise RuntimeError(f"Expected tensor for argument #1 '{name}' to have one of the "
                           f"following scalar types: Long, Int; but got {indices.dtype} instead. "
                           "Fix: pass integer indices, e.g. x.long().")
    data = indices._data
    if data.size and (data.max() >= rows or data.min() < 0):
        raise IndexError(f"index out of range in self (indices must lie in [0, {rows}), got "
                         f"{int(data.min())}..{int(data.max())})")


def embedding(weight: Tensor, indices: Tensor, padding_idx: int = -1,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of ``weight`` picked by the integer tensor ``indices`` (the result has the
    indices' shape plus the rows' dimension).  Row ``padding_idx`` (-1: none) gets no
    gradient; ``scale_grad_by_freq`` divides each row's gradient by how often it is picked.

    >>> torch.embedding(torch.eye(3), torch.tensor([2, 0]))
    tensor([[0., 0., 1.],
            [1., 0., 0.]])
    """
    check_indices(indices, weight.shape[0])
    if padding_idx < 0 and not scale_grad_by_freq:
        return embedding_ops.embedding(weight, indices)
    return embedding_ops.embedding_padded(weight, indices, padding_idx if padding_idx >= 0
                                          else None, scale_grad_by_freq)


def embedding_renorm_(weight: Tensor, indices: Tensor, max_norm: float,
                      norm_type: float) -> Tensor:
    """Rescale, in place and unrecorded, each row of ``weight`` that ``indices`` picks and
    whose ``norm_type``-norm exceeds ``max_norm`` to norm ``max_norm`` (PyTorch's factor
    ``max_norm / (norm + 1e-7)``).

    >>> w = torch.tensor([[3., 4.], [0.3, 0.4]])
    >>> torch.embedding_renorm_(w, torch.tensor([0, 1]), 1.0, 2.0)
    tensor([[0.6000, 0.8000],
            [0.3000, 0.4000]])
    """
    rows = xp.unique(indices._data.reshape(-1))
    with no_grad():
        picked = weight._data[rows]
        norms = xp.linalg.norm(picked, ord=norm_type, axis=1) if norm_type != 2 \
            else xp.sqrt((picked * picked).sum(axis=1))
        scale = xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
        weight._data[rows] = (picked * scale[:, None]).astype(weight._data.dtype)
        weight._bump_version()
    return weight


def _bags(indices, offsets, include_last_offset: bool):
    """The bag of each index and the number of bags.  As in PyTorch, the last bag runs to the
    end of ``indices`` (with ``include_last_offset`` too: the last offset is not read)."""
    count = len(indices)
    if len(offsets) and offsets[0] != 0:
        raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the "
                           f"mini-batch has to start from position 0. However, got "
                           f"{int(offsets[0])}")
    if len(offsets) and offsets[-1] > count:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {count} but "
                           f"got offsets[-1] of {int(offsets[-1])}")
    starts = offsets[:-1] if include_last_offset else offsets
    if (xp.diff(starts) < 0).any():
        raise RuntimeError("offsets must be non-decreasing. Fix: give each bag's start, in "
                           "order.")
    # bag b holds the positions from starts[b] on, up to the next bag's start
    bag_of = xp.searchsorted(starts, xp.arange(count), side="right") - 1
    return bag_of.astype(xp.int64), len(starts)


def embedding_bag(weight: Tensor, indices: Tensor, offsets: Tensor,
                  scale_grad_by_freq: bool = False, mode: int = 0, sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> tuple:
    """Sums (``mode`` 0), means (1) or maxima (2) of the rows of ``weight`` picked by the
    1-D ``indices``, one per bag: bag ``b`` holds the indices from ``offsets[b]`` to the next
    offset, the last bag to the end (``include_last_offset``: ``offsets`` has one more entry,
    which is not read).  Entries equal
    to ``padding_idx`` are left out; ``per_sample_weights`` scales each entry (sum only).
    Returns ``(output, offset2bag, bag_size, max_indices)`` as PyTorch's CPU kernel does.

    >>> weight = torch.arange(8.).reshape(4, 2)
    >>> torch.embedding_bag(weight, torch.tensor([0, 1, 3]), torch.tensor([0, 2]))[0]
    tensor([[2., 4.],
            [6., 7.]])
    """
    check_indices(indices, weight.shape[0])
    if mode not in (0, 1, 2):
        raise RuntimeError(f"embedding_bag: mode must be 0 (sum), 1 (mean) or 2 (max), not "
                           f"{mode}")
    if per_sample_weights is not None and mode != 0:
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. "
                                  f"per_sample_weights is only supported for mode='sum' (got "
                                  f"mode='{_MODES[mode]}'). Please open a feature request on "
                                  "GitHub.")
    idx = indices._data.reshape(-1).astype(xp.int64)
    bag_of, bags = _bags(idx, offsets._data.reshape(-1).astype(xp.int64), include_last_offset)
    used = bag_of >= 0  # (with no bags at all, no position is in one)
    if padding_idx is not None:
        used &= idx != padding_idx
    bag_size = xp.bincount(bag_of[used], minlength=bags).astype(xp.int64)
    long_tensor = Tensor._make
    if mode == 2:
        output, max_indices = _bag_max(weight, idx, bag_of, used, bags)
        return output, long_tensor(bag_of.clip(0)), long_tensor(bag_size), max_indices
    dtype = weight._data.dtype
    if mode == 1:
        factor = used / xp.maximum(bag_size, 1)[bag_of.clip(0)]
    else:
        factor = used.astype(dtype)
    scale = Tensor._make(factor.astype(dtype))
    if per_sample_weights is not None:
        scale = per_sample_weights.reshape(-1).to(weight.dtype)
        if not used.all():  # padding and entries past the last bag count for nothing
            scale = scale * Tensor._make(used.astype(dtype))
    output = embedding_ops.embedding_bag(weight, scale, long_tensor(idx.clip(0)),
                                         long_tensor(bag_of.clip(0)), bags, scale_grad_by_freq)
    if mode == 0:  # PyTorch's sum kernel leaves the other outputs empty or zero
        zeros = long_tensor(xp.zeros(bags, dtype=xp.int64))
        return output, long_tensor(xp.zeros(0, dtype=xp.int64)), zeros, zeros
    return output, long_tensor(bag_of.clip(0)), long_tensor(bag_size), long_tensor(bag_size)


def _bag_max(weight: Tensor, idx, bag_of, used, bags: int) -> tuple:
    """Each bag's elementwise maximum of its rows and, per element, the row it came from
    (the first such entry where values tie)."""
    data = weight._data
    entries, dim = xp.nonzero(used)[0], data.shape[1]
    values, owner = data[idx[entries]], bag_of[entries]
    best = xp.full((bags, dim), -xp.inf, dtype=data.dtype)
    xp.maximum.at(best, owner, values)
    # the first entry reaching the maximum: the smallest position among those that do
    first = xp.full((bags, dim), len(entries), dtype=xp.int64)
    positions = xp.where(values == best[owner], xp.arange(len(entries))[:, None], len(entries))
    xp.minimum.at(first, (owner[:, None], xp.arange(dim)[None, :]), positions)
    filled = first[:, 0] < len(entries)
    rows = xp.where(filled[:, None], idx[entries][first.clip(max=max(len(entries) - 1, 0))]
                    if len(entries) else 0, 0)
    output = embedding_ops.embedding_bag_max(weight, rows, filled)
    return output, Tensor._make(rows.astype(xp.int64))
