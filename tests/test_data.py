"""utils.data: datasets, loaders (order, shuffling, collation) and random_split vs PyTorch."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.utils.data import DataLoader, Dataset, Subset, TensorDataset, random_split
from helpers import assert_same

torch = pytest.importorskip("torch")


def test_tensor_dataset_and_sequential_loader_match_pytorch():
    x = np.arange(20.0, dtype=np.float32).reshape(10, 2)
    y = np.arange(10)
    ours = DataLoader(TensorDataset(cr.tensor(x), cr.tensor(y)), batch_size=4)
    theirs = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=4)
    assert len(ours) == len(theirs) == 3
    for (bx, by), (tx, ty) in zip(ours, theirs):
        assert_same(bx, tx)
        assert_same(by, ty)
    dropped = DataLoader(TensorDataset(cr.tensor(x)), batch_size=4, drop_last=True)
    assert len(dropped) == 2 and [b[0].shape[0] for b in dropped] == [4, 4]


def test_default_collate_matches_pytorch():
    class Pairs:
        def __init__(self, lib):
            self.lib = lib

        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {"x": self.lib.full((2,), float(i)), "n": i, "f": i / 2,
                    "pair": (i, self.lib.tensor([i, i]))}

    ours = list(DataLoader(Pairs(cr), batch_size=2))
    theirs = list(torch.utils.data.DataLoader(Pairs(torch), batch_size=2))
    for b, tb in zip(ours, theirs):
        assert_same(b["x"], tb["x"])
        assert_same(b["n"], tb["n"])
        assert_same(b["f"], tb["f"])
        assert_same(b["pair"][0], tb["pair"][0])
        assert_same(b["pair"][1], tb["pair"][1])


def test_shuffle_is_seeded_and_covers_everything():
    ds = TensorDataset(cr.arange(10))

    def epoch(seed):
        loader = DataLoader(ds, batch_size=3, shuffle=True,
                            generator=cr.Generator().manual_seed(seed))
        return [v for (b,) in loader for v in b.tolist()]

    a, b, c = epoch(0), epoch(0), epoch(1)
    assert a == b and a != c and sorted(a) == list(range(10))
    g = cr.Generator().manual_seed(0)
    loader = DataLoader(ds, batch_size=10, shuffle=True, generator=g)
    first, second = next(iter(loader))[0].tolist(), next(iter(loader))[0].tolist()
    assert first != second  # a new permutation each epoch


def test_custom_dataset_collate_fn_and_batch_none():
    class Squares(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return i * i

    assert [b.tolist() for b in DataLoader(Squares(), batch_size=2)] == [[0, 1], [4, 9], [16]]
    assert list(DataLoader(Squares(), batch_size=2, collate_fn=sum)) == [1, 13, 16]
    assert list(DataLoader(Squares(), batch_size=None)) == [0, 1, 4, 9, 16]
    with pytest.raises(ValueError):
        DataLoader(Squares(), batch_size=0)


def test_random_split():
    parts = random_split(range(10), [3, 7], generator=cr.Generator().manual_seed(0))
    assert [len(p) for p in parts] == [3, 7]
    assert sorted(list(parts[0]) + list(parts[1])) == list(range(10))
    assert isinstance(parts[0], Subset)
    fractions = random_split(range(11), [0.5, 0.3, 0.2])
    assert [len(p) for p in fractions] == \
        [len(p) for p in torch.utils.data.random_split(range(11), [0.5, 0.3, 0.2])]
    again = random_split(range(10), [3, 7], generator=cr.Generator().manual_seed(0))
    assert list(again[0]) == list(parts[0])
    with pytest.raises(ValueError):
        random_split(range(10), [3, 3])


def test_tensor_dataset_size_mismatch():
    with pytest.raises(AssertionError, match="Size mismatch"):
        TensorDataset(cr.zeros(3), cr.zeros(4))
