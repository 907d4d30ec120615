"""``DataLoader``: batches of examples, in order or shuffled, stacked by ``collate_fn``."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ... import _dtypes
from ...functions.creation import tensor
from ...functions.joining import stack
from ...tensor import Tensor
from .dataset import TensorDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler


def default_collate(batch):
    """Stack a list of examples into a batch, the way PyTorch's default collate does.

    Tensors are stacked along a new first dimension; Python ints become an
    int64 tensor, floats a float64 tensor; tuples, lists and dicts are
    collated field by field.

    >>> from chainrule.utils.data import default_collate
    >>> default_collate([(torch.zeros(2), 1), (torch.ones(2), 0)])
    [tensor([[0., 0.],
            [1., 1.]]), tensor([1, 0])]
    """
    first = batch[0]
    if isinstance(first, Tensor):
        return stack(list(batch), 0)
    if isinstance(first, np.ndarray):
        return Tensor._make(np.stack(batch))
    if isinstance(first, (bool, np.bool_)):
        return tensor(list(batch))
    if isinstance(first, (int, np.integer)):
        return tensor([int(b) for b in batch])
    if isinstance(first, (float, np.floating)):
        return tensor([float(b) for b in batch], dtype=_float64())
    if isinstance(first, (str, bytes)):
        return list(batch)
    if isinstance(first, Mapping):
        return {k: default_collate([b[k] for b in batch]) for k in first}
    if isinstance(first, tuple) and hasattr(first, "_fields"):  # namedtuple
        return type(first)(*(default_collate(list(f)) for f in zip(*batch)))
    if isinstance(first, Sequence):
        if any(len(b) != len(first) for b in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(list(field)) for field in zip(*batch)]
    raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts "
                    f"or lists; found {type(first)}")


def _float64():
    return _dtypes.float64


class DataLoader:
    """Iterate over a dataset in batches.

    ``shuffle=True`` draws a new permutation each epoch from ``generator``
    (seed it for repeatable runs); ``drop_last`` drops a short final batch.

    >>> from chainrule.utils.data import DataLoader
    >>> len(DataLoader(range(10), batch_size=4)), len(DataLoader(range(10), 4, drop_last=True))
    (3, 2)
    """

    def __init__(self, dataset, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler=None, batch_sampler=None, num_workers: int = 0, collate_fn=None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers: bool = False,
                 pin_memory_device: str = "") -> None:
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None
                                          or drop_last):
            raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                             "shuffle, sampler, and drop_last")
        self.dataset = dataset
        self.batch_size, self.drop_last = batch_size, drop_last
        self.num_workers, self.generator = num_workers, generator
        self._default_collate = collate_fn is None
        self.collate_fn = default_collate if collate_fn is None else collate_fn
        if sampler is None:
            sampler = RandomSampler(dataset, generator=generator) if shuffle \
                else SequentialSampler(dataset)
        self.sampler = sampler
        if batch_sampler is None and batch_size is not None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_sampler = batch_sampler

    def __iter__(self):
        if self.batch_sampler is None:  # batch_size=None: examples one by one, not collated
            for i in self.sampler:
                yield self.dataset[i]
            return
        fast = self._default_collate and type(self.dataset) is TensorDataset
        for indices in self.batch_sampler:
            if fast:
                # Indexing each tensor once with the whole batch gives exactly what
                # fetching rows one by one and stacking them gives, in one array
                # operation per tensor instead of batch_size tensor ops.
                idx = Tensor._make(np.asarray(indices, dtype=np.int64))
                yield [t[idx] for t in self.dataset.tensors]
            else:
                yield self.collate_fn([self.dataset[i] for i in indices])

    def __len__(self) -> int:
        if self.batch_sampler is None:
            return len(self.sampler)
        return len(self.batch_sampler)
