"""PyTorch's complex-number API as it behaves on real dtypes: ``real``, ``imag``,
``isreal``, ``adjoint``; and the dtype query ``is_signed``.

chainrule's dtypes are all real (NumPy's complex types are not offered, as their
gradients follow PyTorch's Wirtinger conventions, which chainrule does not
implement), so these are what PyTorch returns for a real tensor: ``real(x)`` is
``x`` itself, ``imag`` refuses, ``isreal`` is all True, ``adjoint`` is the
transpose of the last two dimensions.
"""
from __future__ import annotations

import warnings

from .._backend import xp
from ..tensor import Tensor
from .arguments import require_tensor
from .shape import transpose

__all__ = ["real", "imag", "isreal", "adjoint", "is_signed"]


def real(input: Tensor) -> Tensor:
    """The real part: ``input`` itself, for chainrule's real dtypes (as PyTorch returns it).

    >>> x = torch.tensor([1.5, -2.0])
    >>> torch.real(x) is x
    True
    """
    require_tensor(input, "real", "input", 1)
    return input


def imag(input: Tensor) -> Tensor:
    """The imaginary part, which PyTorch refuses for a real tensor (all of chainrule's are).

    >>> torch.imag(torch.tensor([1.0]))
    Traceback (most recent call last):
        ...
    RuntimeError: imag is not implemented for tensors with non-complex dtypes.
    """
    require_tensor(input, "imag", "input", 1)
    raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")


def isreal(input: Tensor) -> Tensor:
    """True where an element is real (its imaginary part is 0): everywhere, for real dtypes.

    >>> torch.isreal(torch.tensor([1.0, float("nan")]))
    tensor([True, True])
    """
    require_tensor(input, "isreal", "input", 1)
    return Tensor._make(xp.ones(input._data.shape, dtype=xp.bool_))


def adjoint(input: Tensor) -> Tensor:
    """The conjugate transpose of the last two dimensions (a view): their transpose, for real
    dtypes.

    >>> torch.adjoint(torch.tensor([[1, 2, 3]]))
    tensor([[1],
            [2],
            [3]])
    """
    require_tensor(input, "adjoint", "input", 1)
    if input.ndim == 0:
        warnings.warn("adjoint() is deprecated on 0-D tensors. Consider using x.conj().",
                      UserWarning, stacklevel=2)
        return input
    if input.ndim == 1:
        raise RuntimeError("tensor.adjoint() is only supported on matrices or batches of "
                           "matrices. Got 1-D tensor. Fix: unsqueeze a vector into a row "
                           "(x[None]) or a column (x[:, None]) first.")
    return transpose(input, -2, -1)


def is_signed(input: Tensor) -> bool:
    """True if ``input``'s dtype holds negative numbers (not bool nor uint8).

    >>> torch.is_signed(torch.tensor([1.0])), torch.tensor([1], dtype=torch.uint8).is_signed()
    (True, False)
    """
    require_tensor(input, "is_signed", "input", 1)
    return input.dtype.is_signed


def real_property(self) -> Tensor:
    """``x.real``: the tensor itself, for real dtypes.

    >>> torch.tensor([1.0, 2.0]).real
    tensor([1., 2.])
    """
    return self


def set_real(self, value) -> None:
    """``x.real = value`` writes ``value`` into the tensor, as ``x.real.copy_(value)``."""
    self.copy_(value if isinstance(value, Tensor) else Tensor._make(
        xp.asarray(value, dtype=self._data.dtype)))


def imag_property(self) -> Tensor:
    """``x.imag``: refused for real dtypes, as in PyTorch."""
    return imag(self)


def set_imag(self, value) -> None:
    imag(self)

