"""Helpers shared by the distributions: broadcasting parameters, probabilities and logits,
lazily computed attributes, and packing lower-triangular matrices into vectors."""
from __future__ import annotations

from functools import update_wrapper
from numbers import Number

import numpy as np

import chainrule as torch

__all__ = ["broadcast_all", "logits_to_probs", "clamp_probs", "probs_to_logits",
           "lazy_property", "tril_matrix_to_vec", "vec_to_tril_matrix"]

euler_constant = 0.57721566490153286060  # the Euler-Mascheroni constant


def delegated(holder: str, name: str) -> property:
    """A read-only property whose value is ``self.<holder>.<name>``: what an object built
    around another (a distribution around its base, a transform around its base) passes on."""
    def get(self):
        return getattr(getattr(self, holder), name)
    get.__name__ = name
    return property(get)


def _finfo(dtype) -> np.finfo:
    """``torch.finfo(dtype)``: eps, tiny, min and max of a floating dtype."""
    return np.finfo(np.dtype(dtype.name))


def _size(shape) -> torch.Size:
    return shape if isinstance(shape, torch.Size) else torch.Size(tuple(shape))


def _batch_shape_of(param, *given) -> torch.Size:
    """The batch shape of a distribution whose parameters were ``given`` and broadcast to
    ``param``: ``()`` when every one was a number, else ``param``'s shape."""
    if all(isinstance(v, Number) for v in given):
        return torch.Size()
    return param.size()


def _expand_probs_or_logits(source, new, shape) -> None:
    """Give ``new`` whichever of ``probs``/``logits`` ``source`` holds, expanded to
    ``shape``, and make it ``new._param``."""
    for name in ("probs", "logits"):
        if name in source.__dict__:
            setattr(new, name, source.__dict__[name].expand(shape))
            new._param = new.__dict__[name]


def broadcast_all(*values):
    """Broadcast tensors and numbers to one shape; numbers become tensors of the first
    tensor's dtype (or the default dtype).

    >>> from chainrule.distributions.utils import broadcast_all
    >>> broadcast_all(torch.tensor([1., 2.]), 0.5)
    (tensor([1., 2.]), tensor([0.5000, 0.5000]))
    """
    if not all(isinstance(v, (torch.Tensor, Number)) for v in values):
        raise ValueError("Input arguments must all be instances of Number, torch.Tensor or "
                         "objects implementing __torch_function__.")
    if not all(isinstance(v, torch.Tensor) for v in values):
        dtype = next((v.dtype for v in values if isinstance(v, torch.Tensor)),
                     torch.get_default_dtype())
        values = [v if isinstance(v, torch.Tensor) else torch.tensor(v, dtype=dtype)
                  for v in values]
    return torch.broadcast_tensors(*values)


def _part_lengths(lengths, count: int, parts_name: str) -> list:
    """The lengths of ``count`` consecutive parts along a dimension: ``lengths`` (checked to
    have ``count`` entries; ``parts_name`` names the parts in the message), or all 1."""
    lengths = list(lengths) if lengths is not None else [1] * count
    if len(lengths) != count:
        raise AssertionError(f"lengths ({len(lengths)}) must match {parts_name} ({count})")
    return lengths


def _standard_normal(shape, dtype) -> torch.Tensor:
    return torch.randn(_size(shape), dtype=dtype)


def _sum_rightmost(value, dim: int):
    """Sum out the ``dim`` rightmost dimensions of ``value``."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:-dim]) + (-1,)).sum(-1)


def logits_to_probs(logits, is_binary: bool = False):
    """Probabilities from logits: the sigmoid for a binary variable, else the softmax over the
    last dimension.

    >>> from chainrule.distributions.utils import logits_to_probs
    >>> logits_to_probs(torch.tensor([0., 0.]))
    tensor([0.5000, 0.5000])
    """
    if is_binary:
        return torch.sigmoid(logits)
    return torch.softmax(logits, dim=-1)


def clamp_probs(probs):
    """Clamp probabilities into ``[eps, 1 - eps]`` so that their logs stay finite.

    >>> from chainrule.distributions.utils import clamp_probs
    >>> clamp_probs(torch.tensor([0., 1.], dtype=torch.float64))
    tensor([2.2204e-16, 1.0000e+00], dtype=torch.float64)
    """
    eps = float(_finfo(probs.dtype).eps)
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary: bool = False):
    """Logits from probabilities: ``log(p) - log(1 - p)`` for a binary variable, else
    ``log(p)`` (probabilities clamped away from 0 and 1 first).

    >>> from chainrule.distributions.utils import probs_to_logits
    >>> probs_to_logits(torch.tensor([0.5]), is_binary=True)
    tensor([0.])
    """
    clamped = clamp_probs(probs)
    if is_binary:
        return torch.log(clamped) - torch.log1p(-clamped)
    return torch.log(clamped)


class lazy_property:
    """A property computed on first access and then stored on the instance (so a
    distribution made from ``logits`` computes ``probs`` once, and only if asked).

    >>> from chainrule.distributions.utils import lazy_property
    >>> class Circle:
    ...     def __init__(self, r): self.r = r
    ...     @lazy_property
    ...     def area(self): return 3.14159 * self.r ** 2
    >>> c = Circle(2.0); c.area, "area" in c.__dict__
    (12.56636, True)
    """

    def __init__(self, wrapped) -> None:
        self.wrapped = wrapped
        update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        with torch.enable_grad():  # the stored value keeps its graph, whatever the mode now
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    """What a ``lazy_property`` looks like on the class: also a ``property``, for tools that
    look for properties."""

    def __init__(self, wrapped) -> None:
        property.__init__(self, wrapped)


def _tril_mask(n: int, diag: int):
    rows = torch.arange(n).reshape(-1, 1)
    return torch.arange(n) < rows + (diag + 1)


def tril_matrix_to_vec(mat, diag: int = 0):
    """The entries on and below the ``diag``-th diagonal of ``mat``, row by row.

    >>> from chainrule.distributions.utils import tril_matrix_to_vec
    >>> tril_matrix_to_vec(torch.tensor([[1., 2.], [3., 4.]]))
    tensor([1., 3., 4.])
    """
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    return mat[..., _tril_mask(n, diag)]


def vec_to_tril_matrix(vec, diag: int = 0):
    """The inverse of ``tril_matrix_to_vec``: a lower-triangular matrix from its entries.

    >>> from chainrule.distributions.utils import vec_to_tril_matrix
    >>> vec_to_tril_matrix(torch.tensor([1., 3., 4.]))
    tensor([[1., 0.],
            [3., 4.]])
    """
    # the n with n (n + 1) / 2 entries (shifted by the diagonal offset)
    m = vec.shape[-1]
    n = (-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * m + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2
    if round(n) - n > float(_finfo(vec.dtype).eps):
        raise ValueError(f"The size of last dimension is {m} which cannot be expressed as the "
                         "lower triangular part of a square D x D matrix.")
    n = round(n)
    mask = _tril_mask(n, diag)
    # scatter the entries into place with a differentiable index (no in-place writes)
    index = torch.cumsum(mask.reshape(-1).long(), 0).reshape(n, n) - 1
    padded = torch.cat([vec, vec.new_zeros(tuple(vec.shape[:-1]) + (1,))], -1)
    index = torch.where(mask, index, torch.full_like(index, m))
    gathered = padded[..., index.reshape(-1)]
    return gathered.reshape(tuple(vec.shape[:-1]) + (n, n))
