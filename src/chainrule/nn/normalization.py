"""Normalisation layers, as in ``torch.nn``: ``LayerNorm``, ``RMSNorm``, ``GroupNorm``,
``BatchNorm1d``/``2d``/``3d``, ``InstanceNorm1d``/``2d``/``3d``, their lazy forms,
``LocalResponseNorm`` and ``CrossMapLRN2d``.

Their learnable scale starts at ones and their shift at zeros; batch norm also
keeps running statistics in buffers, as PyTorch registers them.
"""
from __future__ import annotations

import warnings

from .. import _dtypes
from ..functions.creation import ones, tensor, zeros
from ..ops import normalization as normalization_ops
from ..tensor import Tensor
from . import functional, init
from .lazy import LazyModuleMixin
from .module import Module
from .parameter import Parameter, UninitializedBuffer, UninitializedParameter


def _affine_parameters(module: Module, shape: tuple, affine: bool, bias: bool | None,
                       dtype) -> None:
    """The normalisation layers' learnable scale (ones) and shift (zeros) of ``shape``, or
    None for each one the layer does not have (as PyTorch registers them); ``bias=None``:
    a layer with no shift at all (RMSNorm)."""
    if affine:
        module.weight = Parameter(ones(*shape, dtype=dtype))
        if bias:
            module.bias = Parameter(zeros(*shape, dtype=dtype))
        elif bias is not None:
            module.register_parameter("bias", None)
    else:
        module.register_parameter("weight", None)
        if bias is not None:
            module.register_parameter("bias", None)


class _ShapeNorm(Module):
    """LayerNorm and RMSNorm: normalisation over the trailing ``normalized_shape``
    dimensions, with an elementwise scale (and shift)."""

    def __init__(self, normalized_shape, eps, elementwise_affine: bool, bias: bool | None,
                 dtype) -> None:
        super().__init__()
        self.normalized_shape = tuple(normalized_shape) \
            if isinstance(normalized_shape, (tuple, list)) else (normalized_shape,)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        _affine_parameters(self, self.normalized_shape, elementwise_affine, bias, dtype)

    def extra_repr(self) -> str:
        s = f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        if "bias" in self._parameters:
            s += f", bias={self.bias is not None}"
        return s


class LayerNorm(_ShapeNorm):
    """Normalises over the trailing ``normalized_shape`` dimensions.

    >>> torch.nn.LayerNorm(8)
    LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=True)
    """

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device=None, dtype=None) -> None:
        super().__init__(normalized_shape, eps, elementwise_affine, bias, dtype)

    def forward(self, input: Tensor) -> Tensor:
        return functional.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)


class RMSNorm(_ShapeNorm):
    """Root-mean-square normalisation over the trailing ``normalized_shape`` dimensions,
    times a learnable scale (``eps=None``: the dtype's machine epsilon).

    >>> torch.nn.RMSNorm([2, 3])
    RMSNorm((2, 3), eps=None, elementwise_affine=True)
    """

    def __init__(self, normalized_shape, eps: float | None = None,
                 elementwise_affine: bool = True, device=None, dtype=None) -> None:
        super().__init__(normalized_shape, eps, elementwise_affine, None, dtype)

    def reset_parameters(self) -> None:
        if self.elementwise_affine:
            init.ones_(self.weight)

    def forward(self, input: Tensor) -> Tensor:
        return functional.rms_norm(input, self.normalized_shape, self.weight, self.eps)


class _BatchNorm(Module):
    _dims: tuple = ()
    _shared_init = True  # BatchNorm1d/2d/3d, as PyTorch's

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device=None,
                 dtype=None, *, bias: bool = True) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        _affine_parameters(self, (num_features,), affine, bias, dtype)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked",
                                 tensor(0, dtype=_dtypes.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in self._dims:
            raise ValueError(f"expected {' or '.join(f'{d}D' for d in self._dims)} input (got "
                             f"{input.ndim}D input)")
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked._data += 1
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked._data)
        use_batch = self.training or not self.track_running_stats
        return functional.batch_norm(input, self.running_mean, self.running_var, self.weight,
                                     self.bias, use_batch, factor, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation over ``(N, C)`` or ``(N, C, L)``.

    >>> torch.nn.BatchNorm1d(4)
    BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    _dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation over ``(N, C, H, W)``.

    >>> torch.nn.BatchNorm2d(4)
    BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    _dims = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch normalisation over ``(N, C, D, H, W)``.

    >>> torch.nn.BatchNorm3d(4)
    BatchNorm3d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    _dims = (5,)


class GroupNorm(Module):
    """Group normalisation over ``(N, C, *)``; per-channel ``weight`` (ones) and ``bias``.

    >>> torch.nn.GroupNorm(2, 4)
    GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True, device=None, dtype=None, *, bias: bool = True) -> None:
        super().__init__()
        if num_channels % num_groups:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups "
                             f"({num_groups})")
        self.num_groups, self.num_channels = num_groups, num_channels
        self.eps, self.affine = eps, affine
        _affine_parameters(self, (num_channels,), affine, bias, dtype)

    def forward(self, input: Tensor) -> Tensor:
        return functional.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, "
                f"affine={self.affine}, bias={self.bias is not None}")


class _InstanceNorm(_BatchNorm):
    _shared_init = True  # its layers' constructor errors name it, as PyTorch's
    # The same parameters and buffers as batch norm (made by _BatchNorm.__init__), with
    # PyTorch's other defaults: no affine parameters, no running statistics.
    _batch_dims = 3

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device=None,
                 dtype=None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias=bias)

    def forward(self, input: Tensor) -> Tensor:
        d = self._batch_dims
        if input.ndim not in (d - 1, d):
            raise ValueError(f"expected {d - 1}D or {d}D input (got {input.ndim}D input)")
        unbatched = input.ndim == d - 1
        x = input.unsqueeze(0) if unbatched else input
        if x.shape[1] != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={1 - unbatched} to match "
                                 f"num_features ({self.num_features}), but got: {x.shape[1]}.")
            warnings.warn(f"input's size at dim={1 - unbatched} does not match num_features. "
                          "You can silence this warning by not passing in num_features, which "
                          "is not used because affine=False", stacklevel=2)
        use_input_stats = self.training or not self.track_running_stats
        momentum = self.momentum if self.momentum is not None else 0.0
        out = functional.instance_norm(x, self.running_mean, self.running_var, self.weight,
                                       self.bias, use_input_stats, momentum, self.eps)
        return out.squeeze(0) if unbatched else out


class InstanceNorm1d(_InstanceNorm):
    """Instance normalisation over ``(N, C, L)`` or ``(C, L)``.

    >>> torch.nn.InstanceNorm1d(3)
    InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, track_running_stats=False)
    """

    _batch_dims = 3


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation over ``(N, C, H, W)`` or ``(C, H, W)``.

    >>> torch.nn.InstanceNorm2d(3, affine=True)
    InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=False)
    """

    _batch_dims = 4


class InstanceNorm3d(_InstanceNorm):
    """Instance normalisation over ``(N, C, D, H, W)`` or ``(C, D, H, W)``.

    >>> torch.nn.InstanceNorm3d(3)
    InstanceNorm3d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, track_running_stats=False)
    """

    _batch_dims = 5


class _LazyNormBase(LazyModuleMixin):
    """What the lazy batch and instance norms share: ``num_features`` (0 until then) and
    the parameters' and running statistics' shapes come from the first input.  As in
    PyTorch, the lazy instance norms too default to ``affine=True`` and
    ``track_running_stats=True``."""

    _shared_init = True  # its layers' constructor errors name it, as PyTorch's

    def __init__(self, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device=None, dtype=None) -> None:
        super().__init__(0, eps, momentum, False, False, device, dtype)
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = UninitializedParameter(dtype=dtype)
            self.bias = UninitializedParameter(dtype=dtype)
        if track_running_stats:
            self.running_mean = UninitializedBuffer(dtype=dtype)
            self.running_var = UninitializedBuffer(dtype=dtype)
            self.num_batches_tracked = tensor(0, dtype=_dtypes.int64)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor, *args, **kwargs) -> None:
        if self.has_uninitialized_params():
            self.num_features = input.shape[1]
            for t in (self.weight, self.bias, self.running_mean, self.running_var):
                if t is not None:
                    t.materialize((self.num_features,))
            self.reset_parameters()


class LazyBatchNorm1d(_LazyNormBase, BatchNorm1d):
    """A ``BatchNorm1d`` whose ``num_features`` is read from its first input.

    >>> torch.nn.LazyBatchNorm1d()
    LazyBatchNorm1d(0, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyNormBase, BatchNorm2d):
    """A ``BatchNorm2d`` whose ``num_features`` is read from its first input.

    >>> m = torch.nn.LazyBatchNorm2d()
    >>> m(torch.ones(2, 3, 1, 1)).shape
    torch.Size([2, 3, 1, 1])
    >>> m
    BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    cls_to_become = BatchNorm2d


class LazyBatchNorm3d(_LazyNormBase, BatchNorm3d):
    """A ``BatchNorm3d`` whose ``num_features`` is read from its first input.

    >>> torch.nn.LazyBatchNorm3d(affine=False)
    LazyBatchNorm3d(0, eps=1e-05, momentum=0.1, affine=False, bias=False, track_running_stats=True)
    """

    cls_to_become = BatchNorm3d


class LazyInstanceNorm1d(_LazyNormBase, InstanceNorm1d):
    """An ``InstanceNorm1d`` whose ``num_features`` is read from its first input.

    >>> torch.nn.LazyInstanceNorm1d().state_dict()["running_mean"]
    <UninitializedBuffer>
    """

    cls_to_become = InstanceNorm1d


class LazyInstanceNorm2d(_LazyNormBase, InstanceNorm2d):
    """An ``InstanceNorm2d`` whose ``num_features`` is read from its first input.

    >>> torch.nn.LazyInstanceNorm2d()
    LazyInstanceNorm2d(0, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    cls_to_become = InstanceNorm2d


class LazyInstanceNorm3d(_LazyNormBase, InstanceNorm3d):
    """An ``InstanceNorm3d`` whose ``num_features`` is read from its first input.

    >>> torch.nn.LazyInstanceNorm3d(track_running_stats=False).has_uninitialized_params()
    True
    """

    cls_to_become = InstanceNorm3d


class _LocalResponseNormBase(Module):
    def __init__(self, size: int, alpha: float, beta: float, k: float) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class LocalResponseNorm(_LocalResponseNormBase):
    """Divides each value by a power of the mean of squares over neighbouring channels.

    >>> torch.nn.LocalResponseNorm(3)
    LocalResponseNorm(3, alpha=0.0001, beta=0.75, k=1.0)
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75,
                 k: float = 1.0) -> None:
        super().__init__(size, alpha, beta, k)

    def forward(self, input: Tensor) -> Tensor:
        return functional.local_response_norm(input, self.size, self.alpha, self.beta, self.k)


class CrossMapLRN2d(_LocalResponseNormBase):
    """PyTorch's legacy cross-channel normalisation of ``(N, C, H, W)``, with that code's
    window and gradient (which differ slightly from ``LocalResponseNorm``'s).

    >>> torch.nn.CrossMapLRN2d(3)
    CrossMapLRN2d(3, alpha=0.0001, beta=0.75, k=1)
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1) -> None:
        super().__init__(size, alpha, beta, k)

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.ndim}D "
                             "instead.")
        return normalization_ops.cross_map_lrn2d(input, self.size, self.alpha, self.beta,
                                                 self.k)
