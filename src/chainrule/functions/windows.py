"""Window functions for spectral analysis: ``bartlett_window``, ``blackman_window``,
``hamming_window``, ``hann_window``, ``kaiser_window``.

Each is computed as PyTorch computes it, in the requested floating dtype: on
``arange(N)`` scaled to the window's period, where a periodic window (the default,
for ``stft``) is the symmetric window of length ``N + 1`` without its last value.
"""
from __future__ import annotations

import math

from .. import _dtypes
from .._backend import xp
from ..tensor import Tensor, _on_cpu

__all__ = ["bartlett_window", "blackman_window", "hamming_window", "hann_window",
           "kaiser_window"]


def _window(name, length, periodic, dtype, device, requires_grad, formula) -> Tensor:
    """``formula(n, N)`` on ``n = arange(N)`` (N one more for a periodic window), as a tensor."""
    _on_cpu(device)
    dtype = dtype or _dtypes.get_default_dtype()
    if not dtype.is_floating_point:
        raise RuntimeError(f"{name} expects floating point dtypes, got: {dtype}. Fix: pass "
                           "dtype=torch.float32 or torch.float64.")
    if length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got "
                           f"window_length={length}")
    if length <= 1:
        values = xp.ones(length, dtype=dtype.np)
    else:
        size = length + 1 if periodic else length
        values = formula(xp.arange(size).astype(dtype.np), size)[:length]
        values = values.astype(dtype.np, copy=False)
    out = Tensor._make(values)
    if requires_grad:
        out.requires_grad_(True)
    return out


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54,
                   beta: float = 0.46, *, dtype=None, layout=None, device=None,
                   pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """The Hamming window ``alpha - beta * cos(2 pi n / (N - 1))``.

    >>> torch.hamming_window(4, periodic=False)
    tensor([0.0800, 0.7700, 0.7700, 0.0800])
    """
    def formula(n, size):
        kind = n.dtype.type
        return xp.cos(n * kind(2 * math.pi / (size - 1))) * kind(-beta) + kind(alpha)
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad,
                   formula)


def hann_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None,
                device=None, pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """The Hann window ``0.5 - 0.5 cos(2 pi n / (N - 1))``.

    >>> torch.hann_window(4)
    tensor([0.0000, 0.5000, 1.0000, 0.5000])
    """
    _on_cpu(device)
    try:
        return hamming_window(window_length, periodic, 0.5, 0.5, dtype=dtype,
                              requires_grad=requires_grad)
    except RuntimeError as e:
        raise RuntimeError(str(e).replace("hamming_window", "hann_window")) from None


def bartlett_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None,
                    device=None, pin_memory: bool = False,
                    requires_grad: bool = False) -> Tensor:
    """The Bartlett (triangular) window, rising from 0 to 1 and back.

    >>> torch.bartlett_window(5, periodic=False)
    tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    def formula(n, size):
        kind = n.dtype.type
        window = n * kind(2.0 / (size - 1))
        half = (size - 1) // 2 + 1
        window[half:] = kind(2) - window[half:]
        return window
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad,
                   formula)


def blackman_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None,
                    device=None, pin_memory: bool = False,
                    requires_grad: bool = False) -> Tensor:
    """The Blackman window ``0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))``.

    >>> torch.blackman_window(3, periodic=False, dtype=torch.float64)
    tensor([0., 1., 0.], dtype=torch.float64)
    """
    def formula(n, size):
        kind = n.dtype.type
        x = n * kind(math.pi / (size - 1))
        return xp.cos(x * kind(4)) * kind(0.08) - xp.cos(x * kind(2)) * kind(0.5) + kind(0.42)
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad,
                   formula)


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *,
                  dtype=None, layout=None, device=None, pin_memory: bool = False,
                  requires_grad: bool = False) -> Tensor:
    """The Kaiser window ``I0(beta sqrt(1 - ((n - a) / a)^2)) / I0(beta)``, ``a = (N - 1) / 2``
    (``I0``: the modified Bessel function of order 0).

    >>> torch.kaiser_window(3, periodic=False, beta=0.0)
    tensor([1., 1., 1.])
    """
    def formula(n, size):
        kind = n.dtype.type
        alpha = kind((size - 1) / 2.0)
        inner = xp.sqrt(xp.abs(kind(1) - ((n - alpha) / alpha) ** 2)) * kind(beta)
        # NumPy's i0 works in float64; the result is rounded to the window's dtype.
        return xp.i0(inner.astype(xp.float64)) / xp.i0(float(beta))
    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad,
                   formula)
