"""The pickle of a ``torch.save`` file, written in PyTorch's own names.

A tensor is written as PyTorch writes it: a call of
``torch._utils._rebuild_tensor_v2`` with a persistent id
``('storage', torch.FloatStorage, key, 'cpu', numel)`` whose bytes go to the
record ``data/<key>`` of the zip, so real PyTorch reads the file with
``torch.load`` (``weights_only=True``).  Dtypes, ``torch.Size`` and
``torch.device`` are spelled as PyTorch spells them.  Other objects (a whole
model) are pickled as Python pickles them, their classes named by the
shortest public chainrule path (``chainrule.nn.Linear``), so that a file
keeps loading when chainrule's internal modules move.

Python's pickler checks that a name it writes imports to the very object it
pickles, which ``torch._utils`` cannot do here; so this subclasses the
pure-Python ``pickle._Pickler`` (the reference implementation, which lets a
subclass write a global name) and writes those names itself.
"""
from __future__ import annotations

import collections
import importlib
import io
import pickle

import numpy as np

import chainrule

from . import rebuild


class _TorchName:
    """A stand-in written as the global ``module.name`` (a function PyTorch has, we do not)."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __reduce__(self):
        return self.name  # "save as a global", which _Pickler.save_global spells for us

    def __call__(self, *args):  # pickle wants a reduce function to be callable; never called
        raise TypeError(f"{self.module}.{self.name} is PyTorch's, named in files only")


_REBUILD_TENSOR_V2 = _TorchName("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAMETER = _TorchName("torch._utils", "_rebuild_parameter")
_SIZE = _TorchName("torch", "Size")
_DEVICE = _TorchName("torch", "device")
_STORAGE_TYPES = {dt: _TorchName("torch", name) for dt, name in rebuild.STORAGE_NAMES.items()}


class _StorageRef:
    """A tensor's storage in the pickle: becomes the persistent id of record ``data/<key>``."""

    def __init__(self, key: str, dtype, numel: int) -> None:
        self.key, self.dtype, self.numel = key, dtype, numel


class _Pickler(pickle._Pickler):
    def __init__(self, file, storages: list) -> None:
        super().__init__(file, protocol=2)
        self.storages = storages  # (key, contiguous little-endian array), in key order

    def reducer_override(self, obj):
        if isinstance(obj, chainrule.Tensor):
            from chainrule import nn
            if isinstance(obj, nn.Parameter):
                return (_REBUILD_PARAMETER,
                        (obj.detach(), obj.requires_grad, collections.OrderedDict()))
            return self._tensor(obj)
        if isinstance(obj, chainrule.dtype):
            return obj.name  # a global: torch.float32
        if isinstance(obj, chainrule.Size):
            return (_SIZE, (tuple(obj),))
        if isinstance(obj, chainrule.device):
            return (_DEVICE, (str(obj),))
        return NotImplemented

    def _tensor(self, tensor):
        array = np.asarray(tensor.detach().numpy())
        if not array.flags.c_contiguous:  # (not ascontiguousarray: it makes 0-d arrays 1-d)
            array = array.copy(order="C")
        if array.dtype.byteorder == ">":
            array = array.astype(array.dtype.newbyteorder("<"))
        key = str(len(self.storages))
        self.storages.append((key, array))
        strides = []
        step = 1
        for n in reversed(array.shape):  # contiguous strides, as PyTorch computes them
            strides.append(step)
            step *= max(n, 1)
        ref = _StorageRef(key, tensor.dtype, array.size)
        return (_REBUILD_TENSOR_V2, (ref, 0, tuple(array.shape), tuple(reversed(strides)),
                                     tensor.requires_grad, collections.OrderedDict()))

    def persistent_id(self, obj):
        if type(obj) is _StorageRef:
            return ("storage", _STORAGE_TYPES[obj.dtype], obj.key, "cpu", obj.numel)
        return None

    def save_global(self, obj, name=None):
        if isinstance(obj, _TorchName):
            module, name = obj.module, obj.name
        elif isinstance(obj, chainrule.dtype):
            module, name = "torch", obj.name
        else:
            module, name = _public_name(obj, name)
            if module is None:
                return super().save_global(obj, name)
        self.write(pickle.GLOBAL + f"{module}\n{name}\n".encode("utf-8"))
        self.memoize(obj)


def _public_name(obj, name=None):
    """(module, name) of a chainrule class or function by its shortest public path, or
    (None, name) for anything else (pickle's own rules then apply)."""
    module = getattr(obj, "__module__", None) or ""
    qualname = name or getattr(obj, "__qualname__", None)
    if not module.startswith("chainrule.") or not qualname or "." in qualname:
        return None, name
    parts = module.split(".")
    for i in range(1, len(parts)):
        candidate = ".".join(parts[:i])
        try:
            found = getattr(importlib.import_module(candidate), qualname, None)
        except (ImportError, AttributeError):
            continue
        if found is obj:
            return candidate, qualname
    return None, name


def dump_pickle(obj) -> tuple[bytes, list]:
    """``obj``'s pickle in PyTorch's names, and the storages it refers to (key, array)."""
    buffer = io.BytesIO()
    storages: list = []
    _Pickler(buffer, storages).dump(obj)
    return buffer.getvalue(), storages
