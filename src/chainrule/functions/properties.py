"""Questions about a tensor's storage and type, answered as PyTorch answers them for dense
CPU tensors: ``is_pinned``, ``dense_dim``, ``values``, ``can_cast``; and
``as_subclass``, the same data seen as another Tensor class.
"""
from __future__ import annotations

from .. import _dtypes
from ..ops import shape as shape_ops
from ..tensor import Tensor

__all__ = ["can_cast"]


def can_cast(from_, to) -> bool:
    """Whether PyTorch's casting rules allow ``from_`` to become ``to`` in an operation with
    an output given: not floating to integer, not a number to bool.

    >>> torch.can_cast(torch.int64, torch.float32), torch.can_cast(torch.float32, torch.int64)
    (True, False)
    """
    for position, (name, value) in enumerate((("from_", from_), ("to", to)), 1):
        if not isinstance(value, _dtypes.dtype):
            raise TypeError(f"can_cast(): argument '{name}' (position {position}) must be "
                            f"torch.dtype, not {type(value).__name__}")
    return from_._category <= to._category


def is_pinned(self, device=None) -> bool:
    """False: page-locked memory is for copies to a GPU, which chainrule does not make.

    >>> torch.ones(2).is_pinned()
    False
    """
    return False


def dense_dim(self) -> int:
    """The number of dense dimensions: all of them, for a (dense) chainrule tensor.

    >>> torch.zeros(2, 3).dense_dim()
    2
    """
    return self.ndim


def values(self):
    """The values of a sparse tensor; a dense tensor has none, so this raises, as in PyTorch.

    >>> torch.ones(2).values()
    Traceback (most recent call last):
    ...
    RuntimeError: values expected sparse tensor layout but got Strided...
    """
    raise RuntimeError("values expected sparse tensor layout but got Strided. Fix: chainrule "
                       "tensors are dense; use the tensor itself.")


def as_subclass(self, cls):
    """This tensor's data as an instance of ``cls`` (a subclass of Tensor), sharing its memory
    and staying in the graph (its node is ``AliasBackward0``).

    >>> class Tagged(torch.Tensor):
    ...     pass
    >>> type(torch.ones(2).as_subclass(Tagged)).__name__
    'Tagged'
    """
    if not (isinstance(cls, type) and issubclass(cls, Tensor)):
        raise TypeError("Creating a Tensor subclass from a class that does not inherit from "
                        "Tensor is not possible. Make sure your class inherits from Tensor.")
    out = shape_ops.alias(self)
    out.__class__ = cls
    return out
