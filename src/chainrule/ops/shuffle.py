"""Shuffle rows: ``pixel_shuffle``, ``pixel_unshuffle`` and ``channel_shuffle``.

Each is a reshape, a permutation of axes and a reshape, so each one's gradient is
the inverse shuffle of the incoming gradient (pixel_shuffle and pixel_unshuffle
undo each other; channel_shuffle by ``g`` groups is undone by ``C / g`` groups),
and its forward-mode rule is the same shuffle of the tangent.
"""
from __future__ import annotations

from .._backend import xp
from ..engine.op import Op


def _permuted_copy(a, split_shape, axes, out_shape):
    """``a`` split to ``split_shape``, its axes permuted by ``axes``, as a new array of
    ``out_shape``; written through a view of the new array, so it is one copy and never
    a view of ``a`` (which a bare reshape could return for factor 1)."""
    parts = a.reshape(split_shape).transpose(axes)
    out = xp.empty(out_shape, dtype=a.dtype)
    out.reshape(parts.shape)[...] = parts
    return out


def _pixel_shuffle(self, r):
    *batch, c, h, w = self.shape
    b = len(batch)
    return _permuted_copy(self, (*batch, c // (r * r), r, r, h, w),
                          (*range(b), b, b + 3, b + 1, b + 4, b + 2),
                          (*batch, c // (r * r), h * r, w * r))


def _pixel_unshuffle(self, r):
    *batch, c, h, w = self.shape
    b = len(batch)
    return _permuted_copy(self, (*batch, c, h // r, r, w // r, r),
                          (*range(b), b, b + 2, b + 4, b + 1, b + 3),
                          (*batch, c * r * r, h // r, w // r))


def _channel_shuffle(self, groups):
    n, c, *rest = self.shape
    return _permuted_copy(self, (n, groups, c // groups, *rest),
                          (0, 2, 1, *range(3, self.ndim + 1)), self.shape)


pixel_shuffle = Op("PixelShuffleBackward0", _pixel_shuffle,
                   self=lambda grad, r: pixel_unshuffle(grad, r),
                   jvp=lambda self_t, r: pixel_shuffle(self_t, r))
pixel_unshuffle = Op("PixelUnshuffleBackward0", _pixel_unshuffle,
                     self=lambda grad, r: pixel_shuffle(grad, r),
                     jvp=lambda self_t, r: pixel_unshuffle(self_t, r))
channel_shuffle = Op("ChannelShuffleBackward0", _channel_shuffle,
                     self=lambda grad, groups: channel_shuffle(grad, grad.shape[1] // groups),
                     jvp=lambda self_t, groups: channel_shuffle(self_t, groups))
