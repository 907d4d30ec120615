"""PyTorch's names for tensors in a pickle, and the functions that rebuild them.

A tensor in a ``torch.save`` file is a call, by name, of one of PyTorch's
``torch._utils._rebuild_*`` functions with a *storage* (the bytes of a record
``data/<key>`` of the zip, named by a persistent id
``('storage', torch.FloatStorage, key, location, numel)``), an offset, a
size and strides.  This module maps those names to chainrule's own
functions, which check every argument before they touch memory: a file
cannot make them read outside a storage or allocate more than the storage
holds (except within a fixed budget for tensors that repeat elements, such as
``expand``'s, whose elements are copied).

    >>> from chainrule.serialization.rebuild import Storage, rebuild_tensor_v2
    >>> s = Storage(np.arange(6, dtype=np.float32), "0")
    >>> rebuild_tensor_v2(s, 1, (2, 2), (1, 2), False, {})
    tensor([[1., 3.],
            [2., 4.]])
"""
from __future__ import annotations

import collections
import math
import pickle

import numpy as np

import chainrule

MAX_DIMS = 64  # NumPy's limit on the number of dimensions
MAX_REPEATED_BYTES = 64 << 20  # per load: what tensors that repeat storage elements may copy

# torch.<Name>Storage -> the dtype of its elements; None where chainrule has no such dtype.
STORAGE_DTYPES = {
    "FloatStorage": chainrule.float32, "DoubleStorage": chainrule.float64,
    "HalfStorage": chainrule.float16, "LongStorage": chainrule.int64,
    "IntStorage": chainrule.int32, "ShortStorage": chainrule.int16,
    "CharStorage": chainrule.int8, "ByteStorage": chainrule.uint8,
    "BoolStorage": chainrule.bool,
    "BFloat16Storage": None, "ComplexFloatStorage": None, "ComplexDoubleStorage": None,
    "QInt8Storage": None, "QUInt8Storage": None, "QInt32Storage": None,
    "QUInt4x2Storage": None, "QUInt2x4Storage": None,
}
STORAGE_NAMES = {dt: name for name, dt in STORAGE_DTYPES.items() if dt is not None}
DTYPE_NAMES = ("float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8",
               "bool")


def unpickling_error(message: str) -> pickle.UnpicklingError:
    return pickle.UnpicklingError(message)


class StorageType:
    """``torch.FloatStorage`` and its kind, as a pickle names them (a dtype, or raw bytes)."""

    def __init__(self, name: str, dtype) -> None:
        self.name = name
        self.dtype = dtype  # None: raw bytes (torch.storage.UntypedStorage)

    def __repr__(self) -> str:
        return f"torch.{self.name}"


STORAGE_TYPES = {name: StorageType(name, dt) for name, dt in STORAGE_DTYPES.items()}
UNTYPED_STORAGE = StorageType("UntypedStorage", None)


class Budget:
    """How many bytes the tensors of one load may copy out of repeated storage elements."""

    def __init__(self, limit: int = MAX_REPEATED_BYTES) -> None:
        self.left = limit


class Storage:
    """A storage's elements: a 1-D NumPy array the tensors of a file are views of.

    ``budget`` is shared by the storages of one load (see ``Budget``).
    """

    __slots__ = ("array", "key", "budget")

    def __init__(self, array: np.ndarray, key: str, budget: Budget | None = None) -> None:
        self.array = array
        self.key = key
        self.budget = budget if budget is not None else Budget()

    def __repr__(self) -> str:
        return f"<storage {self.key}: {self.array.size} x {self.array.dtype}>"


def _describe(value) -> str:
    """A short description of a value from a file (a huge number is not spelled out)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"an integer of {value.bit_length()} bits"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _index(value, what: str) -> int:
    """``value`` as a non-negative int below 2**63 (sizes, strides, offsets)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise unpickling_error(f"the tensor's {what} is {_describe(value)}, not an integer")
    if not 0 <= value < 1 << 63:
        raise unpickling_error(f"the tensor's {what} {_describe(value)} is out of range "
                               "[0, 2**63)")
    return value


def _shape(values, what: str) -> tuple:
    if not isinstance(values, (tuple, list)):
        raise unpickling_error(f"the tensor's {what} is {_describe(values)}, not a tuple")
    if len(values) > MAX_DIMS:
        raise unpickling_error(f"the tensor has {len(values)} dimensions; at most {MAX_DIMS} "
                               "are possible")
    return tuple(_index(v, what) for v in values)


def rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                      metadata=None):
    """``torch._utils._rebuild_tensor_v2``: a tensor viewing ``storage``, checked first."""
    if not isinstance(storage, Storage):
        raise unpickling_error(f"a tensor's storage is {_describe(storage)}, not a storage")
    if storage.array.dtype == np.uint8 and isinstance(storage, _RawStorage):
        raise unpickling_error("a tensor of raw bytes needs _rebuild_tensor_v3 (with a dtype)")
    return _view(storage, storage.array, storage_offset, size, stride, requires_grad,
                 backward_hooks)


def rebuild_tensor(storage, storage_offset, size, stride):
    """``torch._utils._rebuild_tensor`` (older files): as v2, without requires_grad."""
    return rebuild_tensor_v2(storage, storage_offset, size, stride, False, None)


def rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                      dtype, metadata=None):
    """``torch._utils._rebuild_tensor_v3``: raw bytes read as ``dtype``."""
    if not isinstance(storage, Storage):
        raise unpickling_error(f"a tensor's storage is {_describe(storage)}, not a storage")
    if not isinstance(dtype, chainrule.dtype):
        raise unpickling_error(f"a tensor's dtype is {_describe(dtype)}")
    raw = storage.array
    if raw.dtype != np.uint8 or raw.size % dtype.itemsize:
        raise unpickling_error(f"storage {storage.key} of {raw.nbytes} bytes cannot hold "
                               f"{dtype} elements")
    return _view(storage, raw.view(dtype.np), storage_offset, size, stride, requires_grad,
                 backward_hooks)


def _view(storage, array, storage_offset, size, stride, requires_grad, backward_hooks):
    offset = _index(storage_offset, "storage offset")
    shape = _shape(size, "size")
    strides = _shape(stride, "stride")
    if len(strides) != len(shape):
        raise unpickling_error(f"the tensor has {len(shape)} sizes but {len(strides)} strides")
    if not isinstance(requires_grad, bool):
        raise unpickling_error(f"requires_grad is {_describe(requires_grad)}, not a bool")
    if backward_hooks is not None and not isinstance(backward_hooks, dict):
        raise unpickling_error("the tensor's backward hooks are not a dict")
    if backward_hooks:
        raise unpickling_error("the tensor carries backward hooks, which are code; chainrule "
                               "does not load them")
    if 0 in shape:
        nonzero = math.prod(s for s in shape if s)
        if nonzero * array.itemsize >= 1 << 62:
            raise unpickling_error(f"an empty tensor of shape {list(shape)} is too large for "
                                   "NumPy")
        data = np.empty(shape, dtype=array.dtype)
    else:
        last = offset + sum((n - 1) * s for n, s in zip(shape, strides))
        if last >= array.size:
            raise unpickling_error(
                f"a tensor of size {list(shape)}, stride {list(strides)} at offset {offset} "
                f"reaches element {last} of a storage of {array.size}")
        data = np.lib.stride_tricks.as_strided(
            array[offset:], shape=shape, strides=[s * array.itemsize for s in strides])
        if _repeats_elements(shape, strides):
            # Its elements overlap (expand's stride 0): copied, so that writing one element
            # does not write others, within a budget (the file may claim huge repeats).
            nbytes = math.prod(shape) * array.itemsize
            if nbytes > storage.budget.left:
                raise unpickling_error(
                    f"a tensor of size {list(shape)} with stride {list(strides)} repeats the "
                    f"elements of its storage; copying it needs {nbytes} bytes, more than the "
                    f"{MAX_REPEATED_BYTES} a load may spend on such tensors. Fix: save "
                    "t.contiguous() instead.")
            storage.budget.left -= nbytes
            data = data.copy()
    tensor = chainrule.from_numpy(data)
    if requires_grad:
        if not tensor.dtype.is_floating_point:
            raise unpickling_error(f"a {tensor.dtype} tensor cannot require grad")
        tensor.requires_grad_(True)
    return tensor


def _repeats_elements(shape, strides) -> bool:
    """Whether two indices of the view reach one element (a sufficient test for no overlap:
    each dimension, by increasing stride, steps past everything the smaller ones span)."""
    span = 0
    for n, s in sorted(((n, s) for n, s in zip(shape, strides) if n > 1),
                       key=lambda pair: pair[1]):
        if s <= span:
            return True
        span += (n - 1) * s
    return False


class _RawStorage(Storage):
    """The bytes of a ``torch.storage.UntypedStorage`` (read as a dtype by rebuild v3)."""

    __slots__ = ()


def make_storage(array: np.ndarray, key: str, raw: bool, budget: Budget) -> Storage:
    return _RawStorage(array, key, budget) if raw else Storage(array, key, budget)


def rebuild_parameter(data, requires_grad, backward_hooks):
    """``torch._utils._rebuild_parameter``: an ``nn.Parameter`` around a rebuilt tensor."""
    if not isinstance(data, chainrule.Tensor) or not isinstance(requires_grad, bool):
        raise unpickling_error("a parameter needs a tensor and a requires_grad flag")
    if backward_hooks:
        raise unpickling_error("the parameter carries backward hooks, which are code; "
                               "chainrule does not load them")
    from chainrule import nn
    return nn.Parameter(data.detach(), requires_grad=requires_grad)


def rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    """``torch._utils._rebuild_parameter_with_state``: the extra attributes are not kept."""
    return rebuild_parameter(data, requires_grad, backward_hooks)


def rebuild_from_type_v2(func, new_type, args, state):
    """``torch._tensor._rebuild_from_type_v2``: a tensor rebuilt, then given its class."""
    if func not in REBUILD_FUNCTIONS.values() or not isinstance(args, tuple):
        raise unpickling_error(f"_rebuild_from_type_v2 of {_describe(func)}")
    from chainrule import nn
    result = func(*args)
    if new_type is nn.Parameter and not isinstance(result, nn.Parameter):
        return nn.Parameter(result.detach(), requires_grad=result.requires_grad)
    if new_type not in (chainrule.Tensor, nn.Parameter):
        raise unpickling_error(f"a tensor of class {_describe(new_type)}")
    return result


REBUILD_FUNCTIONS = {
    "torch._utils._rebuild_tensor": rebuild_tensor,
    "torch._utils._rebuild_tensor_v2": rebuild_tensor_v2,
    "torch._utils._rebuild_tensor_v3": rebuild_tensor_v3,
    "torch._utils._rebuild_parameter": rebuild_parameter,
    "torch._utils._rebuild_parameter_with_state": rebuild_parameter_with_state,
}


# --- the plain values PyTorch's weights_only loader admits ------------------------------
_KEY_TYPES = (str, bytes, int, float, bool, type(None))  # whose hashes a file cannot collide


def check_key(key):
    """A dict key or set element of a file: only types whose hashes a file cannot make collide
    (a crafted file of colliding tuple keys would take quadratic time to load)."""
    if not isinstance(key, _KEY_TYPES) or (isinstance(key, int) and not -(1 << 63) <= key
                                           < 1 << 63):
        raise unpickling_error(f"a dictionary key or set element is {_describe(key)}; only "
                               "strings, bytes, numbers below 2**63 and None are loaded")
    return key


def _mapping(cls):
    def make(*args):
        if len(args) > 1:
            raise unpickling_error(f"{cls.__name__} called with {len(args)} arguments")
        out = cls()
        if args:
            items = args[0]
            if not isinstance(items, (list, tuple)):
                raise unpickling_error(f"{cls.__name__} of {_describe(items)}")
            for pair in items:
                if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                    raise unpickling_error(f"{cls.__name__} needs (key, value) pairs")
                out[check_key(pair[0])] = pair[1]
        return out
    make.cls = cls
    return make


def _set(cls):
    def make(items=()):
        if not isinstance(items, (list, tuple)):
            raise unpickling_error(f"{cls.__name__} of {_describe(items)}")
        return cls(check_key(i) for i in items)
    make.cls = cls
    return make


def _complex(real=0.0, imag=0.0):
    if not all(isinstance(v, (int, float)) for v in (real, imag)):
        raise unpickling_error("complex of non-numbers")
    return complex(real, imag)


def _encode(text, encoding="utf-8"):
    # How protocol 2 spells bytes: _codecs.encode('...', 'latin1').
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1", "utf-8", "ascii"):
        raise unpickling_error(f"_codecs.encode of {_describe(text)} with {encoding!r}")
    return text.encode(encoding)


def _bytearray(data=b""):
    if not isinstance(data, bytes):  # bytearray(n) would allocate n bytes the file never held
        raise unpickling_error(f"bytearray of {_describe(data)}")
    return bytearray(data)


def _size(dims=()):
    return chainrule.Size(_shape(dims, "torch.Size"))


def _device(kind, index=None):
    if not isinstance(kind, str) or not (index is None or type(index) is int):
        raise unpickling_error(f"torch.device of {_describe(kind)}")
    return chainrule.device(kind, index)


CONSTRUCTORS = {
    "collections.OrderedDict": _mapping(collections.OrderedDict),
    "collections.Counter": _mapping(collections.Counter),
    "builtins.set": _set(set),
    "builtins.frozenset": _set(frozenset),
    "builtins.complex": _complex,
    "builtins.bytearray": _bytearray,
    "_codecs.encode": _encode,
    "torch.Size": _size,
    "torch.device": _device,
}
# Python 2 spellings, still written by protocol 2 (as pickle's own compat tables map them).
OLD_MODULES = {"__builtin__": "builtins", "copy_reg": "copyreg"}
