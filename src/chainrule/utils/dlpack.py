"""``torch.utils.dlpack``: ``from_dlpack`` and ``to_dlpack`` (the capsule), as in PyTorch.

>>> t = torch.utils.dlpack.from_dlpack(torch.utils.dlpack.to_dlpack(torch.arange(3.0)))
>>> t
tensor([0., 1., 2.])
"""
from __future__ import annotations

from ..functions.dlpack import from_dlpack

__all__ = ["from_dlpack", "to_dlpack"]


def to_dlpack(tensor):
    """A DLPack capsule sharing ``tensor``'s memory.  As in PyTorch this also exports a
    tensor that requires grad (its values: ``tensor.__dlpack__()`` refuses those).

    >>> type(torch.utils.dlpack.to_dlpack(torch.ones(2))).__name__
    'PyCapsule'
    """
    return tensor.detach().__dlpack__()
