"""``stft``: the short-time Fourier transform, as real and imaginary parts.

chainrule has no complex dtypes, so ``stft`` gives PyTorch's
``return_complex=False`` result: the real and imaginary parts in a last dimension
of size 2 (what ``torch.view_as_real`` makes of the complex result).  It is
composed of differentiable operations (padding and framing by indexing, the
window product, and the discrete Fourier transform as a product with cosine and
sine matrices), so gradients flow to the signal and the window; the ``grad_fn``
names are those of the building blocks (PyTorch shows ``ViewAsRealBackward0``).

``istft`` is not provided: PyTorch's takes only a complex input.
"""
from __future__ import annotations

import math

from .._backend import xp
from ..tensor import Tensor
from .arguments import warn_once
from .indexing import getitem
from .joining import cat, stack
from .matrix import matmul
from .shape import transpose

__all__ = ["stft"]


def _describe(input, n_fft, hop_length, win_length, window, normalized, onesided,
              return_complex) -> str:
    """PyTorch's prefix of an stft error: the call, with its arguments filled in."""
    kind = {"float32": "Float", "float64": "Double"}.get(input.dtype.name, "Float")
    window_text = "None" if window is None else f"torch.{kind}Tensor{{{list(window.shape)}}}"
    return (f"stft(torch.{kind}Tensor{list(input.shape)}, n_fft={n_fft}, "
            f"hop_length={hop_length}, win_length={win_length}, window={window_text}, "
            f"normalized={int(normalized)}, onesided={onesided}, "
            f"return_complex={int(bool(return_complex))}, align_to_window=None) : ")


def _padding_index(length: int, pad: int, mode: str):
    """Positions in the signal that the padded signal reads (``reflect``, ``replicate``,
    ``circular``)."""
    i = xp.arange(-pad, length + pad)
    if mode == "reflect":
        period = 2 * (length - 1)
        i = xp.abs(i) % period
        return xp.where(i >= length, period - i, i)
    if mode == "replicate":
        return xp.clip(i, 0, length - 1)
    return i % length  # circular


def _pad(signal, pad: int, mode: str):
    length = signal.shape[-1]
    if mode == "constant":
        zeros = signal.new_zeros(tuple(signal.shape[:-1]) + (pad,))
        return cat([zeros, signal, zeros], -1)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if mode == "reflect" and pad >= length:
        raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding "
                           f"input dimension, but got: padding ({pad}, {pad}) at dimension "
                           f"{signal.ndim - 1} of input {list(signal.shape)}")
    return getitem(signal, (Ellipsis, Tensor._make(_padding_index(length, pad, mode))))


def _exact_zeros(values):
    # cos(pi / 2) is 6e-17 in floating point, not 0: a signal whose spectrum has exact zeros
    # (as an FFT gives them) would show that residue instead.
    return xp.where(xp.abs(values) < 1e-12, 0.0, values)


def stft(input, n_fft: int, hop_length: int | None = None, win_length: int | None = None,
         window=None, center: bool = True, pad_mode: str = "reflect",
         normalized: bool = False, onesided: bool | None = None,
         return_complex: bool | None = None, align_to_window: bool | None = None) -> Tensor:
    """The short-time Fourier transform of a signal (1-D) or a batch of signals (2-D), as
    ``(..., n_fft // 2 + 1, frames, 2)``: real and imaginary parts (``return_complex=False``).

    >>> x = torch.tensor([0., 1., 0., -1., 0., 1., 0., -1.])
    >>> spec = torch.stft(x, 4, window=torch.ones(4), center=False, return_complex=False)
    >>> spec.shape
    torch.Size([3, 5, 2])
    >>> spec[1, 0]  # frequency 1 in the first frame: real and imaginary parts
    tensor([ 0., -2.])
    """
    if return_complex is None:
        raise RuntimeError("stft requires the return_complex parameter be given for real "
                           "inputs, and will further require that return_complex=True in a "
                           "future PyTorch release. Fix: pass return_complex=False (chainrule "
                           "has no complex dtype).")
    if return_complex:
        raise NotImplementedError("stft(return_complex=True) needs a complex dtype, which "
                                  "chainrule does not have. Fix: pass return_complex=False: "
                                  "the real and imaginary parts come in a last dimension of "
                                  "size 2.")
    hop = n_fft // 4 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    if center and input.ndim:
        input = _pad(input, n_fft // 2, pad_mode)
    prefix = _describe(input, n_fft, hop, win, window, normalized, onesided, return_complex)
    if input.ndim not in (1, 2):
        raise RuntimeError(prefix + "expected a 1D or 2D tensor")
    length = input.shape[-1]
    if not 0 < n_fft <= length:
        raise RuntimeError(prefix + f"expected 0 < n_fft < {length}, but got n_fft={n_fft}")
    if hop <= 0:
        raise RuntimeError(prefix + f"expected hop_length > 0, but got hop_length={hop}")
    if not 0 < win <= n_fft:
        raise RuntimeError(prefix + f"expected 0 < win_length <= n_fft, but got "
                                    f"win_length={win}")
    if window is not None and (window.ndim != 1 or window.shape[0] != win):
        raise RuntimeError(prefix + "expected a 1D window tensor of size equal to "
                                    f"win_length={win}, but got window with size "
                                    f"{list(window.shape)}")
    if window is None:
        warn_once("A window was not provided. A rectangular window will be applied,which is "
                  "known to cause spectral leakage. Other windows such as torch.hann_window or "
                  "torch.hamming_window are recommended to reduce spectral leakage.To suppress "
                  "this warning and use a rectangular window, explicitly set "
                  "`window=torch.ones(n_fft, device=<device>)`.")
    warn_once("stft with return_complex=False is deprecated. In a future pytorch release, "
              "stft will return complex tensors for all inputs, and return_complex=False will "
              "raise an error.\nNote: you can still call torch.view_as_real on the complex "
              "output to recover the old return format.")
    frames = 1 + (length - n_fft) // hop
    starts = xp.arange(frames)[:, None] * hop + xp.arange(n_fft)[None, :]
    pieces = getitem(input, (Ellipsis, Tensor._make(starts)))  # (..., frames, n_fft)
    if window is not None:
        left = (n_fft - win) // 2
        if win < n_fft:  # a shorter window sits in the middle of the frame
            pieces = getitem(pieces, (Ellipsis, slice(left, left + win)))
            starts_in_frame = xp.arange(left, left + win)
        else:
            starts_in_frame = xp.arange(n_fft)
        pieces = pieces * window
    else:
        starts_in_frame = xp.arange(n_fft)
    sides = n_fft // 2 + 1 if onesided is None or onesided else n_fft
    # n * k reduced modulo n_fft first: the angles stay small, so cos and sin stay exact
    angle = 2 * math.pi * (xp.outer(starts_in_frame, xp.arange(sides)) % n_fft) / n_fft
    scale = 1 / math.sqrt(n_fft) if normalized else 1.0
    dtype = input._data.dtype
    cosines = Tensor._make((_exact_zeros(xp.cos(angle)) * scale).astype(dtype))
    sines = Tensor._make((-_exact_zeros(xp.sin(angle)) * scale).astype(dtype))
    real, imag = matmul(pieces, cosines), matmul(pieces, sines)  # (..., frames, freq)
    return transpose(stack([real, imag], -1), -3, -2)
