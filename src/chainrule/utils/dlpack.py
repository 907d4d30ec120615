"""``torch.utils.dlpack``: ``from_dlpack`` and ``to_dlpack`` (the capsule), as in PyTorch.

>>> import numpy as np
>>> import chainrule as torch
>>> t = torch.utils.dlpack.from_dlpack(torch.utils.dlpack.to_dlpack(torch.arange(3.0)))
>>> t
tensor([0., 1., 2.])
"""
from __future__ import annotations

from ..functions.dlpack import from_dlpack as _from_dlpack

__all__ = ["from_dlpack", "to_dlpack"]


def to_dlpack(tensor):
    """A DLPack capsule sharing ``tensor``'s memory.  As in PyTorch this also exports a
    tensor that requires grad (its values: ``tensor.__dlpack__()`` refuses those).

    >>> import chainrule as torch
    >>> type(torch.utils.dlpack.to_dlpack(torch.ones(2))).__name__
    'PyCapsule'
    """
    return tensor.detach().__dlpack__()


def from_dlpack(ext_tensor):
    """A tensor sharing memory with ``ext_tensor``: an object with ``__dlpack__`` or a capsule.

    A bare capsule (``torch.utils.dlpack.to_dlpack(t)``) comes in read-only, as NumPy
    reads such capsules (PyTorch's own tensor would be writable): changing it in place
    raises; pass the PyTorch tensor itself (``chainrule.from_dlpack(t)``) to write.

    >>> import numpy as np
    >>> import chainrule as torch
    >>> torch.utils.dlpack.from_dlpack(np.arange(2.0))
    tensor([0., 1.], dtype=torch.float64)
    """
    if type(ext_tensor).__name__ == "PyCapsule":  # a capsule: NumPy reads it through a holder
        return _from_dlpack(_Capsule(ext_tensor))
    return _from_dlpack(ext_tensor)


class _Capsule:
    """A DLPack capsule wrapped so that ``numpy.from_dlpack`` (which wants ``__dlpack__``)
    can consume it."""

    def __init__(self, capsule) -> None:
        self._capsule = capsule

    def __dlpack__(self, **kwargs):
        return self._capsule

    def __dlpack_device__(self) -> tuple:
        return (1, 0)  # the CPU: chainrule's capsules come from NumPy arrays
