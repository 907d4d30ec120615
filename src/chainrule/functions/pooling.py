"""Pooling: ``torch.max_pool1d``/``2d``/``3d``, ``avg_pool1d``, ``adaptive_avg_pool1d`` and
``adaptive_max_pool1d``, and the checked poolings behind ``nn.functional``'s.

``max_pool`` and ``avg_pool`` turn PyTorch's arguments into one checked
geometry and call their rows in ``chainrule.ops.pooling``, for 2 or 3 spatial
dimensions; sizes are PyTorch's: with ``ceil_mode`` the output size rounds up,
but a window must still start inside the input or its left padding.  The 1-D
poolings are the 2-D ones on a height-1 view, as PyTorch computes them (their
``grad_fn`` is the squeeze).  Adaptive average pooling is a separable linear
map (one row); adaptive max pooling finds each bin's maximum on the arrays and
records one node that takes those entries.
"""
from __future__ import annotations

from .._backend import xp
from ..ops import pooling as pooling_ops
from ..tensor import Tensor
from .arguments import floating_only

__all__ = ["max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "adaptive_avg_pool1d",
           "adaptive_max_pool1d"]

_COUNT = {1: "one", 2: "two", 3: "three"}
_MAX_ROWS = {2: (pooling_ops.max_pool2d, pooling_ops.max_pool2d_with_indices),
             3: (pooling_ops.max_pool3d, pooling_ops.max_pool3d_with_indices)}
_AVG_ROWS = {2: pooling_ops.avg_pool2d, 3: pooling_ops.avg_pool3d}
_ADAPTIVE_AVG_ROWS = {2: pooling_ops.adaptive_avg_pool2d, 3: pooling_ops.adaptive_avg_pool3d}
_ADAPTIVE_MAX_ROWS = {2: pooling_ops.adaptive_max_pool2d, 3: pooling_ops.adaptive_max_pool3d}


def _pool_out_size(size, k, s, p, d, ceil_mode):
    span = size + 2 * p - d * (k - 1) - 1
    out = (span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _sizes(name: str, what: str, v, nd: int, stride: bool = False) -> tuple:
    v = tuple(v) if isinstance(v, (tuple, list)) else (v,) * nd
    if len(v) == 1:
        v = v * nd
    if len(v) != nd:
        rule = "either be omitted, a single int, or" if stride else "either be a single int, or"
        raise RuntimeError(f"{name}: {what} must {rule} a tuple of {_COUNT[nd]} ints, e.g. "
                           f"{what}=2 or {what}={tuple(range(2, 2 + nd))}")
    return tuple(int(x) for x in v)


def _default_stride(stride) -> bool:
    return stride is None or stride == [] or stride == ()


def pool_geometry(name: str, input: Tensor, nd: int, kernel_size, stride, padding, dilation,
                  ceil_mode: bool) -> tuple:
    """The checked geometry of a pooling of ``input`` over its last ``nd`` dimensions:
    (kernel, stride, padding, dilation, out, after), with PyTorch's errors."""
    kernel = _sizes(name, "kernel_size", kernel_size, nd)
    stride = kernel if _default_stride(stride) else _sizes(name, "stride", stride, nd, True)
    padding = _sizes(name, "padding", padding, nd)
    dilation = _sizes(name, "dilation", dilation, nd)
    if min(stride) <= 0:
        raise RuntimeError(f"stride should not be zero, but got stride={stride}; pass a "
                           "positive stride (or omit it to use the kernel size)")
    if min(kernel) <= 0:
        raise RuntimeError("kernel size should be greater than zero, but got "
                           f"kernel_size={kernel}")
    if min(dilation) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilation={dilation}")
    if min(padding) < 0:
        raise RuntimeError(f"pad must be non-negative, but got pad: {min(padding)}")
    for p, k, d in zip(padding, kernel, dilation):
        if 2 * p > d * (k - 1) + 1:
            raise RuntimeError(
                "pad should be at most half of effective kernel size, but got "
                f"pad={p}, kernel_size={k} and dilation={d}; use a smaller padding, or pad "
                "the input with F.pad first")
    if any(p > k // 2 for p, k in zip(padding, kernel)):
        raise RuntimeError(
            f"pad should be smaller than or equal to half of kernel size, but got padding="
            f"{padding} and kernel_size={kernel}; use a smaller padding, or pad the input with "
            "F.pad first")
    if input.ndim not in (nd + 1, nd + 2) or 0 in input.shape[-nd - 1:]:
        raise RuntimeError(f"Expected {nd + 1}D or {nd + 2}D (batch mode) tensor with optional 0 "
                           f"dim batch size for input, but got:{list(input.shape)}")
    c, *spatial = input.shape[-nd - 1:]
    out = tuple(_pool_out_size(n, k, s, p, d, ceil_mode)
                for n, k, s, p, d in zip(spatial, kernel, stride, padding, dilation))
    if min(out) < 1:
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, (c, *spatial)))}). "
                           f"Calculated output size: ({'x'.join(map(str, (c, *out)))}). Output "
                           "size is too small; use a smaller kernel_size or a larger input")
    after = tuple(max((o - 1) * s + d * (k - 1) + 1 - (n + 2 * p), 0)
                  for o, n, k, s, p, d in zip(out, spatial, kernel, stride, padding, dilation))
    return kernel, stride, padding, dilation, out, after


def max_pool(name: str, input: Tensor, nd: int, kernel_size, stride=None, padding=0, dilation=1,
             ceil_mode: bool = False, return_indices: bool = False):
    """Max pooling over the last ``nd`` (2 or 3) dimensions; with ``return_indices``, also
    the flat index of each maximum into its plane (int64)."""
    geometry = pool_geometry(name, input, nd, kernel_size, stride, padding, dilation, ceil_mode)
    if input._data.dtype.kind == "b":
        raise NotImplementedError(f"\"{name}\" not implemented for 'Bool'; convert the input "
                                  "with .float() first")
    # the rows take the batch dimension or its absence alike, as PyTorch's kernels do
    values_row, indices_row = _MAX_ROWS[nd]
    return indices_row(input, geometry) if return_indices else values_row(input, geometry)


def avg_pool(name: str, input: Tensor, nd: int, kernel_size, stride=None, padding=0,
             ceil_mode: bool = False, count_include_pad: bool = True,
             divisor_override: int | None = None) -> Tensor:
    """Average pooling over the last ``nd`` (2 or 3) dimensions."""
    if divisor_override is not None:
        if not isinstance(divisor_override, int) or isinstance(divisor_override, bool):
            raise TypeError(f"{name}(): argument 'divisor_override' must be int, not "
                            f"{type(divisor_override).__name__}")
        if divisor_override == 0:
            raise RuntimeError("divisor must be not zero; pass a non-zero divisor_override "
                               "(or None to divide by the window size)")
    geometry = pool_geometry(name, input, nd, kernel_size, stride, padding, 1, ceil_mode)
    divisor = pooling_ops.avg_pool_divisor(input.shape, geometry, count_include_pad,
                                           divisor_override)
    return _AVG_ROWS[nd](input, geometry, divisor)


def _adaptive_size(name: str, input: Tensor, nd: int, output_size, message: str) -> tuple:
    size = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,) * nd
    if len(size) != nd:
        raise RuntimeError(message)
    spatial = input.shape[-nd:]
    size = tuple(n if s is None else int(s) for s, n in zip(size, spatial))
    empty = [d for d in range(1, input.ndim) if input.shape[d] == 0]
    if min(size) < 0 or empty:
        raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch "
                           f"dimensions, but input has sizes {list(input.shape)} with "
                           f"dimension {empty[0] if empty else 1} being empty")
    return size


def adaptive_avg_pool(name: str, input: Tensor, nd: int, output_size) -> Tensor:
    """Average pooling of the last ``nd`` (2 or 3) dimensions to ``output_size`` bins
    (PyTorch's bins; ``None`` keeps that dimension's size)."""
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got "
                           f"{list(input.shape)}")
    size = _adaptive_size(name, input, nd, output_size,
                          f"{name}: output_size must be {nd}; pass an int or a tuple of {nd}")
    floating_only(name, input)
    if size == (1,) * nd:  # one bin: a mean, as PyTorch records it (MeanBackward1)
        return input.mean(tuple(range(-nd, 0)), keepdim=True)
    return _ADAPTIVE_AVG_ROWS[nd](input, size)


def _bin_positions(n_in: int, n_out: int):
    """Each adaptive bin's cells as an (out, longest bin) array of coordinates; a
    shorter bin repeats its last cell (which changes neither the maximum nor where it is)."""
    start, end = pooling_ops.adaptive_bins(n_in, n_out)
    longest = int((end - start).max()) if n_out else 1
    cells = xp.minimum(start[:, None] + xp.arange(longest), end[:, None] - 1)
    return cells


def adaptive_max_pool(name: str, input: Tensor, nd: int, output_size,
                      return_indices: bool = False):
    """Max pooling of the last ``nd`` (2 or 3) dimensions to ``output_size`` bins; the
    gradient goes to each bin's first maximum, as in PyTorch."""
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got: "
                           f"{list(input.shape)}")
    size = _adaptive_size(name, input, nd, output_size,
                          f"{name}(): internal error: output_size.size() must be {nd}; pass an "
                          f"int or a tuple of {nd}")
    floating_only(name, input)
    positions = [_bin_positions(n, o) for n, o in zip(input.shape[-nd:], size)]
    index = Tensor._make(pooling_ops.max_at_positions(input._data, positions))
    out = _ADAPTIVE_MAX_ROWS[nd](input, index, nd)
    return (out, index) if return_indices else out


def _one(name: str, what: str, v) -> int:
    """A 1-D pooling argument as one int (PyTorch accepts ``k`` or ``(k,)``)."""
    if isinstance(v, (tuple, list)):
        if len(v) != 1:
            raise RuntimeError(f"{name}: {what} must be a single int or a tuple of one int, "
                               f"e.g. {what}=2, but got {tuple(v)}")
        v = v[0]
    return int(v)


def max_pool1d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode: bool = False, return_indices: bool = False):
    """1-D max pooling, with the maxima's indices where ``return_indices``: the 2-D pooling
    of a height-1 view (with height 1, the flat index into H*W is the index into L)."""
    if input.ndim not in (2, 3):
        raise RuntimeError("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 "
                           f"dim batch size for input, but got:{list(input.shape)}")
    floating_only("max_pool1d_impl", input)
    k = _one("max_pool1d", "kernel_size", kernel_size)
    s = k if _default_stride(stride) else _one("max_pool1d", "stride", stride)
    out = max_pool("max_pool1d", input.unsqueeze(-2), 2, (1, k), (1, s),
                   (0, _one("max_pool1d", "padding", padding)),
                   (1, _one("max_pool1d", "dilation", dilation)), ceil_mode, return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def max_pool1d(input: Tensor, kernel_size, stride=(), padding=0, dilation=1,
               ceil_mode: bool = False) -> Tensor:
    """The maximum of each ``kernel_size`` window of a ``(N, C, L)`` or ``(C, L)`` input.

    >>> torch.max_pool1d(torch.tensor([[1., 3., 2., 0., 5.]]), 2)
    tensor([[3., 2.]])
    """
    return max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool2d(input: Tensor, kernel_size, stride=(), padding=0, dilation=1,
               ceil_mode: bool = False) -> Tensor:
    """The maximum of each ``kernel_size`` window of a ``(N, C, H, W)`` or ``(C, H, W)`` input.

    >>> torch.max_pool2d(torch.arange(16.).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    """
    return max_pool("max_pool2d", input, 2, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool3d(input: Tensor, kernel_size, stride=(), padding=0, dilation=1,
               ceil_mode: bool = False) -> Tensor:
    """The maximum of each window of a ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input.

    >>> torch.max_pool3d(torch.arange(8.).reshape(1, 2, 2, 2), 2)
    tensor([[[[7.]]]])
    """
    return max_pool("max_pool3d", input, 3, kernel_size, stride, padding, dilation, ceil_mode)


def _check_2_or_3_dims(name: str, input: Tensor) -> None:
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional "
                           f"tensor for argument #1 'self' (while checking arguments for "
                           f"{name})")


def avg_pool1d(input: Tensor, kernel_size, stride=(), padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """The mean of each ``kernel_size`` window of a ``(N, C, L)`` or ``(C, L)`` input.

    >>> torch.avg_pool1d(torch.tensor([[1., 3., 2., 0., 5.]]), 2)
    tensor([[2., 1.]])
    """
    _check_2_or_3_dims("avg_pool1d", input)
    k = _one("avg_pool1d", "kernel_size", kernel_size)
    s = k if _default_stride(stride) else _one("avg_pool1d", "stride", stride)
    return avg_pool("avg_pool1d", input.unsqueeze(-2), 2, (1, k), (1, s),
                    (0, _one("avg_pool1d", "padding", padding)), ceil_mode,
                    count_include_pad).squeeze(-2)


def adaptive_avg_pool1d(input: Tensor, output_size) -> Tensor:
    """Average pooling of ``(N, C, L)`` or ``(C, L)`` to ``output_size`` bins.

    >>> torch.adaptive_avg_pool1d(torch.tensor([[1., 3., 2., 0., 5.]]), 2)
    tensor([[2.0000, 2.3333]])
    """
    _check_2_or_3_dims("adaptive_avg_pool1d", input)
    size = _one("adaptive_avg_pool1d", "output_size", output_size)
    return adaptive_avg_pool("adaptive_avg_pool2d", input.unsqueeze(-2), 2,
                             (1, size)).squeeze(-2)


def adaptive_max_pool1d(input: Tensor, output_size) -> tuple:
    """Max pooling of ``(N, C, L)`` or ``(C, L)`` to ``output_size`` bins: the maxima and
    their indices (``torch.nn.functional.adaptive_max_pool1d`` returns the maxima alone).

    >>> torch.adaptive_max_pool1d(torch.tensor([[1., 3., 2., 0., 5.]]), 2)
    (tensor([[3., 5.]]), tensor([[1, 4]]))
    """
    if input.ndim not in (2, 3):
        raise RuntimeError(f"adaptive_max_pool1d(): Expected 2D or 3D tensor, but got: "
                           f"{list(input.shape)}")
    size = _one("adaptive_max_pool1d", "output_size", output_size)
    out, index = adaptive_max_pool("adaptive_max_pool2d", input.unsqueeze(-2), 2, (1, size),
                                   True)
    return out.squeeze(-2), index.squeeze(-2)
