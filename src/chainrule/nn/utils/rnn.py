"""``chainrule.nn.utils.rnn``: padding and packing batches of variable-length sequences.

A ``PackedSequence`` stores a batch time step by time step: ``data`` holds the rows of
every sequence still running at step 0, then at step 1, ..., with the sequences sorted
by decreasing length, and ``batch_sizes[t]`` says how many rows step ``t`` has.
Everything is built from differentiable tensor ops (slicing, ``cat``, ``stack``,
``index_select``), so gradients flow through packing and padding.
"""
from __future__ import annotations

from typing import NamedTuple

from ..._backend import xp
from ...functions.creation import full
from ...functions.indexing import index_select
from ...functions.joining import cat, stack
from ...tensor import Tensor

__all__ = ["PackedSequence", "pad_sequence", "pack_padded_sequence", "pad_packed_sequence",
           "pack_sequence", "unpad_sequence", "unpack_sequence"]


def _int64(values) -> Tensor:
    return Tensor._make(xp.asarray(values, dtype=xp.int64).reshape(-1))


def _invert(permutation: Tensor | None) -> Tensor | None:
    if permutation is None:
        return None
    inverse = xp.empty_like(permutation._data)
    inverse[permutation._data] = xp.arange(len(inverse), dtype=inverse.dtype)
    return Tensor._make(inverse)


class _PackedSequenceBase(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


class PackedSequence(_PackedSequenceBase):
    """A packed batch of sequences (see the module docstring); a named tuple as in PyTorch.

    >>> from chainrule.nn.utils.rnn import pack_sequence
    >>> pack_sequence([torch.tensor([1., 2., 3.]), torch.tensor([4., 5.])])
    PackedSequence(data=tensor([1., 4., 2., 5., 3.]), batch_sizes=tensor([2, 2, 1]), \
sorted_indices=None, unsorted_indices=None)
    """

    def __new__(cls, data: Tensor, batch_sizes: Tensor | None = None,
                sorted_indices: Tensor | None = None,
                unsorted_indices: Tensor | None = None) -> PackedSequence:
        if unsorted_indices is None:
            unsorted_indices = _invert(sorted_indices)
        if batch_sizes is None:  # PyTorch also accepts a (data, batch_sizes) pair first
            data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs) -> PackedSequence:
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else type(self)(data, *self[1:])

    @property
    def is_cuda(self) -> bool:
        return False

    def is_pinned(self) -> bool:
        return False


def pad_sequence(sequences, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Stack tensors of shapes ``(L_i, *)`` into ``(L_max, B, *)`` (``(B, L_max, *)`` with
    ``batch_first``), filling the missing steps with ``padding_value``.

    >>> from chainrule.nn.utils.rnn import pad_sequence
    >>> pad_sequence([torch.tensor([1, 2]), torch.tensor([3])], padding_value=-1)
    tensor([[ 1,  3],
            [ 2, -1]])
    >>> pad_sequence([torch.tensor([1, 2]), torch.tensor([3])], True, 0, "left")
    tensor([[1, 2],
            [0, 3]])
    """
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got "
                           f"{padding_side}.")
    if isinstance(sequences, Tensor):
        sequences = sequences.unbind(0)
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences. Fix: pass at least one "
                           "tensor.")
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        missing = longest - s.shape[0]
        if missing:
            fill = full((missing, *s.shape[1:]), padding_value, dtype=s.dtype)
            s = cat([s, fill] if padding_side == "right" else [fill, s])
        padded.append(s)
    return stack(padded, 0 if batch_first else 1)


def _lengths_vector(lengths) -> xp.ndarray:
    if isinstance(lengths, Tensor):
        if lengths.ndim != 1:
            raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got "
                               f"{lengths.ndim}D cpu tensor. Fix: pass one length per "
                               "sequence.")
        return lengths._data.astype(xp.int64)
    return xp.asarray(lengths, dtype=xp.int64).reshape(-1)


def pack_padded_sequence(input: Tensor, lengths, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch ``(T, B, *)`` (``(B, T, *)`` with ``batch_first``) whose
    sequence ``b`` has ``lengths[b]`` valid steps.

    With ``enforce_sorted=True`` the lengths must already decrease; otherwise the batch is
    sorted here and the permutation is kept in ``sorted_indices``/``unsorted_indices``.

    >>> from chainrule.nn.utils.rnn import pack_padded_sequence
    >>> padded = torch.tensor([[1, 2, 0], [3, 4, 5]])  # batch_first, lengths 2 and 3
    >>> packed = pack_padded_sequence(padded, [2, 3], batch_first=True, enforce_sorted=False)
    >>> packed.data, packed.batch_sizes, packed.sorted_indices
    (tensor([3, 1, 4, 2, 5]), tensor([2, 2, 1]), tensor([1, 0]))
    """
    lengths = _lengths_vector(lengths)
    if batch_first:
        input = input.transpose(0, 1)
    if len(lengths) != input.shape[1]:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{len(lengths)} (batch_size={input.shape[1]})")
    if enforce_sorted:
        if (xp.diff(lengths) > 0).any():
            raise RuntimeError("`lengths` array must be sorted in decreasing order when "
                               "`enforce_sorted` is True. You can pass `enforce_sorted=False` "
                               "to pack_padded_sequence and/or pack_sequence to sidestep this "
                               "requirement if you do not need ONNX exportability.")
        sorted_indices = None
    else:
        order = xp.argsort(-lengths, kind="stable")  # ties keep their order, as in PyTorch
        sorted_indices = _int64(order)
        lengths = lengths[order]
        input = index_select(input, 1, sorted_indices)
    if len(lengths) == 0 or lengths[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0. Fix: drop empty sequences "
                           "from the batch.")
    batch_sizes = [int((lengths > t).sum()) for t in range(int(lengths[0]))]
    data = cat([input[t, :size] for t, size in enumerate(batch_sizes)])
    return PackedSequence(data, _int64(batch_sizes), sorted_indices)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0, total_length: int | None = None
                        ) -> tuple[Tensor, Tensor]:
    """Undo ``pack_padded_sequence``: returns the padded batch and the lengths (int64), in
    the batch's original order.

    >>> from chainrule.nn.utils.rnn import pack_sequence, pad_packed_sequence
    >>> packed = pack_sequence([torch.tensor([1., 2.]), torch.tensor([3., 4., 5.])],
    ...                        enforce_sorted=False)
    >>> pad_packed_sequence(packed, batch_first=True, padding_value=-1., total_length=4)
    (tensor([[ 1.,  2., -1., -1.],
            [ 3.,  4.,  5., -1.]]), tensor([2, 3]))
    """
    data, batch_sizes = sequence.data, [int(b) for b in sequence.batch_sizes._data]
    steps = len(batch_sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {steps}")
    else:
        total_length = steps
    batch, feature = batch_sizes[0], tuple(data.shape[1:])
    rows, offset = [], 0
    for size in batch_sizes:
        step = data[offset:offset + size]
        if size < batch:
            fill = full((batch - size, *feature), padding_value, dtype=data.dtype)
            step = cat([step, fill])
        rows.append(step)
        offset += size
    padded = stack(rows)
    if total_length > steps:
        fill = full((total_length - steps, batch, *feature), padding_value, dtype=data.dtype)
        padded = cat([padded, fill])
    sizes = xp.asarray(batch_sizes)
    lengths = xp.array([(sizes > b).sum() for b in range(batch)], dtype=xp.int64)
    if sequence.unsorted_indices is not None:
        padded = index_select(padded, 1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices._data]
    if batch_first:
        padded = padded.transpose(0, 1)
    return padded, _int64(lengths)


def pack_sequence(sequences, enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of tensors of shapes ``(L_i, *)``.

    >>> from chainrule.nn.utils.rnn import pack_sequence
    >>> pack_sequence([torch.tensor([1]), torch.tensor([2, 3])], enforce_sorted=False).data
    tensor([2, 1, 3])
    """
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences: Tensor, lengths, batch_first: bool = False
                   ) -> list[Tensor]:
    """Split a padded batch back into its sequences, each cut to its length.

    >>> from chainrule.nn.utils.rnn import unpad_sequence
    >>> unpad_sequence(torch.tensor([[1, 2, 0], [3, 4, 5]]), [2, 3], batch_first=True)
    [tensor([1, 2]), tensor([3, 4, 5])]
    """
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[:int(n)] for seq, n in zip(padded_sequences.unbind(0),
                                             _lengths_vector(lengths))]


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """Split a ``PackedSequence`` back into its sequences, in the original order.

    >>> from chainrule.nn.utils.rnn import pack_sequence, unpack_sequence
    >>> unpack_sequence(pack_sequence([torch.tensor([1]), torch.tensor([2, 3])], False))
    [tensor([1]), tensor([2, 3])]
    """
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
