"""``chainrule.utils.data``: datasets, batching and splitting, as in ``torch.utils.data``.

>>> from chainrule.utils.data import DataLoader, TensorDataset
>>> ds = TensorDataset(torch.arange(6.).reshape(3, 2), torch.tensor([0, 1, 0]))
>>> [y.tolist() for _, y in DataLoader(ds, batch_size=2)]
[[0, 1], [0]]
"""
from .dataloader import DataLoader, default_collate
from .dataset import ConcatDataset, Dataset, Subset, TensorDataset, random_split
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["Dataset", "TensorDataset", "Subset", "ConcatDataset", "random_split", "DataLoader",
           "default_collate", "Sampler", "SequentialSampler", "RandomSampler", "BatchSampler"]
