"""``LazyModuleMixin``: layers that read their input size from their first input, as
PyTorch's lazy modules (``LazyLinear``, ``LazyConv2d``, ``LazyBatchNorm2d``, ...).

A lazy layer starts with ``UninitializedParameter``/``UninitializedBuffer``
stand-ins (so an optimiser can be built before the first call).  A forward
pre-hook runs ``initialize_parameters`` on the first input: the stand-ins
take their shapes and the layer's usual initialisation, the hook goes, and
the layer becomes its ordinary class (``cls_to_become``: ``LazyConv2d``
turns into ``Conv2d``).  ``load_state_dict`` gives the stand-ins the
checkpoint's shapes instead, as PyTorch's load hook does.
"""
from __future__ import annotations

from .module import Module
from .parameter import UninitializedParameter, UninitializedTensorMixin


def _infer_parameters(module, args) -> None:
    """The forward pre-hook of a lazy module: shape its parameters by the first input."""
    module.initialize_parameters(*args)
    if module.has_uninitialized_params():
        raise RuntimeError(f"module {module._get_name()} has not been fully initialized")
    module._initialize_hook.remove()
    del module._initialize_hook
    if module.cls_to_become is not None:
        module.__class__ = module.cls_to_become


class LazyModuleMixin:
    """What the lazy layers share: the first call's hook, ``has_uninitialized_params`` and
    the shapes taken from a checkpoint.  A lazy layer defines ``initialize_parameters``.

    >>> m = torch.nn.LazyLinear(3)
    >>> m.has_uninitialized_params()
    True
    >>> m(torch.ones(2, 4)).shape, m
    (torch.Size([2, 3]), Linear(in_features=4, out_features=3, bias=True))
    """

    cls_to_become: type | None = None

    def __init__(self: Module, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._initialize_hook = self.register_forward_pre_hook(_infer_parameters)

    def has_uninitialized_params(self: Module) -> bool:
        """Whether a parameter or buffer still waits for its shape."""
        return any(isinstance(t, UninitializedTensorMixin)
                   for t in (*self._parameters.values(), *self._buffers.values()))

    def _lazy_weight_and_bias(self: Module, bias: bool, dtype) -> None:
        """Make ``weight`` (and ``bias``, where the layer has one) stand-ins."""
        self.weight = UninitializedParameter(dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)

    def _materialize_weight_and_bias(self: Module, weight_shape: tuple, bias_size: int) -> None:
        """Give ``weight`` and ``bias`` their shapes, then the layer's initialisation."""
        self.weight.materialize(weight_shape)
        if self.bias is not None:
            self.bias.materialize((bias_size,))
        self.reset_parameters()

    def materialize_from_state_dict(self: Module, state_dict, prefix: str) -> None:
        """Give each stand-in the shape of its entry in ``state_dict`` (called by
        ``Module.load_state_dict`` before it copies the values)."""
        for table in (self._parameters, self._buffers):
            for name, tensor in table.items():
                key = prefix + name
                if isinstance(tensor, UninitializedTensorMixin) and key in state_dict:
                    tensor.materialize(state_dict[key].shape)
