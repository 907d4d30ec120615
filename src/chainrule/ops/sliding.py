"""``Tensor.unfold``: the windows of ``size`` elements, ``step`` apart, along a dimension,
as a view (a new last dimension runs along each window; windows may overlap).

Its gradient adds each window's gradient back where the window came from, so
elements shared by overlapping windows collect the sum; that sum's own gradient
is the windows of the incoming gradient again.
"""
from __future__ import annotations

from .._backend import xp
from ..engine.op import Op


def _unfold(self, dim, size, step):
    if self.ndim == 0:
        return self.reshape(1)  # a 0-d tensor is one window of one element
    n = self.shape[dim]
    windows = (n - size) // step + 1
    shape = self.shape[:dim] + (windows,) + self.shape[dim + 1:] + (size,)
    strides = self.strides[:dim] + (self.strides[dim] * step,) + self.strides[dim + 1:] \
        + (self.strides[dim],)
    return xp.lib.stride_tricks.as_strided(self, shape=shape, strides=strides)


def _unfold_backward(grad, shape, dim, size, step):
    if len(shape) == 0:
        return grad.reshape(())
    out = xp.zeros(shape, dtype=grad.dtype)
    windows = grad.shape[dim]
    # the position along dim of every element of every window: (windows, size)
    positions = xp.arange(windows)[:, None] * step + xp.arange(size)[None, :]
    xp.add.at(out, (slice(None),) * dim + (positions,), xp.moveaxis(grad, -1, dim + 1))
    return out


unfold_backward = Op("UnfoldBackwardBackward0", _unfold_backward,
                     grad=lambda grad, dim, size, step: unfold(grad, dim, size, step),
                     jvp=lambda grad_t, shape, dim, size, step:
                         unfold_backward(grad_t, shape, dim, size, step))
unfold = Op("UnfoldBackward0", _unfold, view=True,
            self=lambda grad, self_shape, dim, size, step:
                unfold_backward(grad, self_shape, dim, size, step),
            jvp=lambda self_t, dim, size, step: unfold(self_t, dim, size, step))
