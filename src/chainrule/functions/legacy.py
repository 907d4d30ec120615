"""PyTorch's legacy tensor API: the typed tensor classes (``torch.LongTensor``, ...), ``volatile``.

Before dtypes existed, PyTorch had one tensor class per element type, and old
code and PyTorch's own tests still use them: ``torch.LongTensor([0, 2])``
makes an int64 tensor, ``isinstance(x, torch.FloatTensor)`` asks whether
``x`` holds float32, ``x.type(torch.DoubleTensor)`` converts.  As in PyTorch
these classes are not subclasses of ``Tensor`` (every tensor's type is
``Tensor``): their metaclass, ``tensortype``, makes calling one build a
tensor of its dtype and ``isinstance`` compare dtypes.
"""
from __future__ import annotations

import builtins
import warnings

from .. import _dtypes
from ..ops import shape as shape_ops
from ..tensor import Size, Tensor, _on_cpu
from .creation import empty, tensor
from .out import CPP_NAMES

__all__ = [
    "FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor",
    "CharTensor", "ByteTensor", "BoolTensor",
]

class tensortype(type):
    """The metaclass of the typed tensor classes: calling one makes a tensor of its dtype,
    and ``isinstance(x, torch.LongTensor)`` is true for exactly the int64 tensors.

    >>> isinstance(torch.tensor([1, 2]), torch.LongTensor), isinstance(torch.zeros(1),
    ...                                                                torch.LongTensor)
    (True, False)
    """

    dtype: _dtypes.dtype

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype

    def __call__(cls, *args, device=None) -> Tensor:
        return legacy_new(cls.dtype, args, device)


def legacy_new(dtype: _dtypes.dtype, args: tuple, device=None) -> Tensor:
    """A tensor of ``dtype`` from the legacy constructor's arguments: nothing (empty), sizes
    (``LongTensor(2, 3)``, ``LongTensor(torch.Size([2, 3]))``), data (a sequence or an array)
    or a tensor of that dtype (an alias of it)."""
    _on_cpu(device)
    if not args:
        return empty(0, dtype=dtype)
    if len(args) == 1:
        data = args[0]
        if isinstance(data, Tensor):
            if data.dtype is not dtype:
                raise TypeError(f"expected {_options(dtype)} (got {_options(data.dtype)}). Fix: "
                                f"convert it with .to(torch.{dtype.name}) instead.")
            return shape_ops.alias(data)
        if isinstance(data, Size) or type(data) is builtins.int:
            return empty(*(data if isinstance(data, Size) else (data,)), dtype=dtype)
        if isinstance(data, str):
            raise TypeError("new(): invalid data type 'str'")
        if data is None or isinstance(data, (builtins.float, builtins.bool)):
            raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
        return tensor(data, dtype=dtype)
    if type(args[0]) is not builtins.int:
        got = ", ".join(type(a).__name__ for a in args)
        raise TypeError(f"new() received an invalid combination of arguments - got ({got}), but "
                        "expected one of: (*, torch.device device), (Tensor other), (tuple of "
                        "ints size, *, torch.device device), (object data, *, torch.device "
                        "device)")
    for a in args:
        if type(a) is not builtins.int:
            raise TypeError(f"new(): argument 'size' failed to unpack the object at pos "
                            f"{args.index(a) + 1} with error \"type must be tuple of ints,but got "
                            f"{type(a).__name__}\"")
    return empty(*args, dtype=dtype)


def _options(dtype: _dtypes.dtype) -> str:
    return (f"TensorOptions(dtype={CPP_NAMES[dtype.name]}, device=cpu, layout=Strided, "
            "requires_grad=false (default), pinned_memory=false (default), "
            "memory_format=(nullopt))")


def _typed_class(dtype: _dtypes.dtype) -> tensortype:
    name = f"{dtype.scalar_name}Tensor"
    doc = f"Legacy name for tensors of ``torch.{dtype.name}``: ``{name}(data)`` or " \
        f"``{name}(*sizes)``."
    return tensortype(name, (), {"dtype": dtype, "is_sparse": False, "is_cuda": False,
                                 "__module__": "chainrule", "__doc__": doc})


FloatTensor = _typed_class(_dtypes.float32)
DoubleTensor = _typed_class(_dtypes.float64)
HalfTensor = _typed_class(_dtypes.float16)
LongTensor = _typed_class(_dtypes.int64)
IntTensor = _typed_class(_dtypes.int32)
ShortTensor = _typed_class(_dtypes.int16)
CharTensor = _typed_class(_dtypes.int8)
ByteTensor = _typed_class(_dtypes.uint8)
BoolTensor = _typed_class(_dtypes.bool)

# ``x.type("torch.LongTensor")`` and ``x.type(torch.LongTensor)``: the dtype each names.
BY_NAME = {f"torch.{cls.__name__}": cls.dtype for cls in (
    FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor, CharTensor,
    ByteTensor, BoolTensor)}


def volatile(self) -> bool:
    """Always False: ``volatile`` was replaced by ``torch.no_grad()`` (PyTorch warns).

    >>> import warnings, chainrule as torch
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     torch.zeros(1).volatile
    False
    """
    warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning,
                  stacklevel=2)
    return False


def set_volatile(self, value) -> None:
    warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` "
                  "instead.", UserWarning, stacklevel=2)
