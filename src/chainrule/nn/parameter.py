"""``Parameter``: a tensor that a ``Module`` registers as one of its learnable weights;
``UninitializedParameter`` and ``UninitializedBuffer``: the shapeless stand-ins of the
lazy modules, until their first input says what shape they take."""
from __future__ import annotations

from .. import _dtypes
from .._backend import xp
from ..functions.creation import empty
from ..tensor import Tensor, _init


class Parameter(Tensor):
    """A leaf tensor that requires grad and is collected by ``Module.parameters()``.

    >>> torch.nn.Parameter(torch.zeros(2))
    Parameter containing:
    tensor([0., 0.], requires_grad=True)
    """

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True):
        return object.__new__(cls)

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        if data is None:
            data = empty(0)
        _init(self, data._data)  # shares memory with ``data``, as PyTorch does
        self.requires_grad_(requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, protocol):
        return (Parameter, (Tensor._make(self._data.copy()), self._requires_grad))


def empty_parameter(*shape: int, dtype=None) -> Parameter:
    """A parameter of ``shape`` whose values its layer's ``reset_parameters`` then sets.

    >>> torch.nn.parameter.empty_parameter(2, 3).shape
    torch.Size([2, 3])
    """
    return Parameter(empty(*shape, dtype=dtype))


_UNINITIALIZED = ("Attempted to use an uninitialized parameter. This error happens when you are "
                  "using a `LazyModule` or explicitly manipulating "
                  "`torch.nn.parameter.UninitializedParameter` objects. When using LazyModules "
                  "Call `forward` with a dummy batch to initialize the parameters before calling "
                  "torch functions")
_NO_SHAPE = ("Can't access the shape of an uninitialized parameter or buffer. This error "
             "usually happens in `load_state_dict` when trying to load an uninitialized "
             "parameter into an initialized one. Call `forward` to initialize the parameters "
             "before accessing their attributes.")
_ARRAY = Tensor._data  # the slot that holds a tensor's array, reached past the guard below


class UninitializedTensorMixin:
    """A tensor with no shape yet: any use of its values raises, until ``materialize``
    gives it a shape and turns it into ``cls_to_become``."""

    cls_to_become: type = Tensor

    # Every operation reads a tensor's array through ``_data``: guarding that one attribute
    # turns any use before ``materialize`` into PyTorch's error.
    @property
    def _data(self):
        raise ValueError(_UNINITIALIZED)

    @_data.setter
    def _data(self, value) -> None:
        _ARRAY.__set__(self, value)

    @property
    def shape(self):
        raise RuntimeError(_NO_SHAPE)

    @property
    def dtype(self):
        return _dtypes.from_numpy(_ARRAY.__get__(self).dtype)

    def materialize(self, shape, device=None, dtype=None) -> None:
        """Give the tensor ``shape`` (its values are then uninitialised memory, as
        ``torch.empty``'s) and make it an ordinary ``cls_to_become``."""
        np_dtype = _ARRAY.__get__(self).dtype if dtype is None else dtype.np
        _ARRAY.__set__(self, xp.empty(tuple(shape), dtype=np_dtype))
        self.__class__ = self.cls_to_become

    def stand_in(self) -> Tensor:
        """The empty array that carries the dtype, as a plain tensor (``Module.to`` converts
        it, so the first call materialises the new dtype)."""
        return Tensor._make(_ARRAY.__get__(self))

    def detach(self):
        return self  # a state_dict holds the uninitialised tensor itself, as in PyTorch

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    __str__ = __repr__


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A parameter of a lazy module before its first call.

    >>> w = torch.nn.parameter.UninitializedParameter()
    >>> w
    <UninitializedParameter>
    >>> w.materialize((2, 3))
    >>> type(w).__name__, w.shape
    ('Parameter', torch.Size([2, 3]))
    """

    cls_to_become = Parameter

    def __new__(cls, requires_grad: bool = True, device=None, dtype=None):
        return object.__new__(cls)

    def __init__(self, requires_grad: bool = True, device=None, dtype=None) -> None:
        super().__init__(empty(0, dtype=dtype), requires_grad)


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer of a lazy module before its first call.

    >>> torch.nn.parameter.UninitializedBuffer()
    <UninitializedBuffer>
    """

    cls_to_become = Tensor

    def __new__(cls, requires_grad: bool = False, device=None, dtype=None):
        return object.__new__(cls)

    def __init__(self, requires_grad: bool = False, device=None, dtype=None) -> None:
        _init(self, empty(0, dtype=dtype)._data)
        self._requires_grad = requires_grad


def add_weight_and_bias(module, weight_shape: tuple, bias_size: int | None, dtype=None) -> None:
    """Register ``module.weight`` of ``weight_shape`` and ``module.bias`` of ``bias_size``
    (``None``: a layer without bias, registered as None, as PyTorch registers it), in that
    order; their values come from the module's ``reset_parameters``.

    >>> m = torch.nn.Module()
    >>> add_weight_and_bias(m, (2, 3), None)
    >>> m.weight.shape, m.bias
    (torch.Size([2, 3]), None)
    """
    module.weight = empty_parameter(*weight_shape, dtype=dtype)
    if bias_size is None:
        module.register_parameter("bias", None)
    else:
        module.bias = empty_parameter(bias_size, dtype=dtype)
