"""``nn.utils.rnn`` (padding and packing) against PyTorch: values, dtypes, indices, grads."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import chainrule as cr
from chainrule.nn.utils import rnn as ours_rnn
from helpers import assert_same

torch = pytest.importorskip("torch")
theirs_rnn = torch.nn.utils.rnn

LENGTH_SETS = [[3, 2, 2], [1, 4, 2, 4], [5]]


def _sequences(rng, lengths, dtype=np.float32):
    arrays = [rng.standard_normal((n, 2)).astype(dtype) for n in lengths]
    return ([cr.tensor(a, requires_grad=True) for a in arrays],
            [torch.tensor(a, requires_grad=True) for a in arrays])


def _assert_packed(a, b):
    assert type(a).__name__ == "PackedSequence" and isinstance(a, tuple)
    assert_same(a.data, b.data)
    assert_same(a.batch_sizes, b.batch_sizes)
    for x, y in ((a.sorted_indices, b.sorted_indices), (a.unsorted_indices, b.unsorted_indices)):
        assert (x is None) == (y is None)
        if x is not None:
            assert_same(x, y)


def _backward_same(our_out, their_out, our_leaves, their_leaves, seed):
    g = np.random.default_rng(seed).standard_normal(tuple(their_out.shape)).astype(np.float32)
    (our_out * cr.tensor(g)).sum().backward()
    (their_out * torch.from_numpy(g)).sum().backward()
    for x, y in zip(our_leaves, their_leaves):
        assert_same(x.grad, y.grad)


@pytest.mark.parametrize("lengths,batch_first,padding_value,side", list(itertools.product(
    LENGTH_SETS, (False, True), (0.0, -1.5), ("right", "left"))))
def test_pad_sequence(lengths, batch_first, padding_value, side):
    ours, theirs = _sequences(np.random.default_rng(len(lengths)), lengths)
    a = ours_rnn.pad_sequence(ours, batch_first, padding_value, side)
    b = theirs_rnn.pad_sequence(theirs, batch_first, padding_value, side)
    assert_same(a, b)
    _backward_same(a, b, ours, theirs, 0)


def test_pad_sequence_integer_dtype_and_errors():
    a = ours_rnn.pad_sequence([cr.tensor([1, 2]), cr.tensor([3])], padding_value=-1)
    assert_same(a, theirs_rnn.pad_sequence([torch.tensor([1, 2]), torch.tensor([3])],
                                           padding_value=-1))
    for lib, rnn in ((torch, theirs_rnn), (cr, ours_rnn)):
        with pytest.raises(RuntimeError):
            rnn.pad_sequence([])
        with pytest.raises(RuntimeError):
            rnn.pad_sequence([lib.tensor([1.])], False, 0.0, "middle")


@pytest.mark.parametrize("lengths,batch_first,enforce_sorted,padding_value,extra",
                         list(itertools.product(LENGTH_SETS, (False, True), (False, True),
                                                (0.0, 7.0), (0, 2))))
def test_pack_then_pad_round_trip(lengths, batch_first, enforce_sorted, padding_value, extra):
    if enforce_sorted:
        lengths = sorted(lengths, reverse=True)
    ours, theirs = _sequences(np.random.default_rng(sum(lengths)), lengths)
    pa = ours_rnn.pad_sequence(ours, batch_first)
    pb = theirs_rnn.pad_sequence(theirs, batch_first)
    length_arg = lengths if extra else torch.tensor(lengths)
    our_lengths = lengths if extra else cr.tensor(lengths)
    a = ours_rnn.pack_padded_sequence(pa, our_lengths, batch_first, enforce_sorted)
    b = theirs_rnn.pack_padded_sequence(pb, length_arg, batch_first, enforce_sorted)
    _assert_packed(a, b)
    total = max(lengths) + extra if extra else None
    (ya, la) = ours_rnn.pad_packed_sequence(a, batch_first, padding_value, total)
    (yb, lb) = theirs_rnn.pad_packed_sequence(b, batch_first, padding_value, total)
    assert_same(ya, yb)
    assert_same(la, lb)
    _backward_same(ya, yb, ours, theirs, 1)


@pytest.mark.parametrize("enforce_sorted", (False, True))
def test_pack_sequence_unpack_unpad(enforce_sorted):
    lengths = [4, 2, 2, 1] if enforce_sorted else [2, 4, 1, 2]
    ours, theirs = _sequences(np.random.default_rng(5), lengths)
    a = ours_rnn.pack_sequence(ours, enforce_sorted)
    b = theirs_rnn.pack_sequence(theirs, enforce_sorted)
    _assert_packed(a, b)
    for x, y in zip(ours_rnn.unpack_sequence(a), theirs_rnn.unpack_sequence(b)):
        assert_same(x, y)
    padded = ours_rnn.pad_sequence(ours, True)
    for x, y in zip(ours_rnn.unpad_sequence(padded, cr.tensor(lengths), True),
                    theirs_rnn.unpad_sequence(theirs_rnn.pad_sequence(theirs, True),
                                              torch.tensor(lengths), True)):
        assert_same(x, y)
    _backward_same(a.data, b.data, ours, theirs, 2)


def test_packed_sequence_is_a_named_tuple_like_torch():
    sorted_indices = torch.tensor([2, 0, 1])
    b = theirs_rnn.PackedSequence(torch.ones(3), torch.tensor([3]), sorted_indices)
    a = ours_rnn.PackedSequence(cr.ones(3), cr.tensor([3]), cr.tensor([2, 0, 1]))
    _assert_packed(a, b)
    assert a._fields == b._fields
    data, batch_sizes, _, _ = a
    assert data is a.data and batch_sizes is a.batch_sizes
    assert repr(ours_rnn.pack_sequence([cr.tensor([1., 2.]), cr.tensor([3.])])) == \
        repr(theirs_rnn.pack_sequence([torch.tensor([1., 2.]), torch.tensor([3.])]))


@pytest.mark.parametrize("case", ["unsorted", "zero", "count", "2d", "total"])
def test_errors_match_torch(case):
    def run(lib, rnn):
        padded = lib.zeros(3, 2)
        if case == "unsorted":
            return rnn.pack_padded_sequence(padded, [2, 3])
        if case == "zero":
            return rnn.pack_padded_sequence(padded, [0, 3], enforce_sorted=False)
        if case == "count":
            return rnn.pack_padded_sequence(padded, [3])
        if case == "2d":
            return rnn.pack_padded_sequence(padded, lib.tensor([[3, 2]]))
        return rnn.pad_packed_sequence(rnn.pack_padded_sequence(padded, [3, 2]),
                                       total_length=2)
    with pytest.raises(Exception) as theirs:
        run(torch, theirs_rnn)
    with pytest.raises(type(theirs.value)):
        run(cr, ours_rnn)


def test_reachable_as_torch_nn_utils_rnn():
    assert cr.nn.utils.rnn.pad_sequence is ours_rnn.pad_sequence
