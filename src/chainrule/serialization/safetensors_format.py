"""``chainrule.save`` / ``chainrule.load`` in the safetensors format.

The format (https://huggingface.co/docs/safetensors) is simple enough to write
with ``json`` and NumPy:

    8 bytes      little-endian unsigned length N of the header
    N bytes      JSON: {name: {"dtype": "F32", "shape": [2, 3],
                               "data_offsets": [begin, end]}, ...,
                        "__metadata__": {str: str}}
    the rest     the tensors' raw little-endian bytes, back to back

A file holds only numbers and text, so loading it never runs code (unlike a
pickle).  A model's ``state_dict`` is saved as the flat ``name -> tensor``
table that PyTorch's ``safetensors.torch.save_file`` writes, so files move
both ways.  Anything else (a single tensor, an optimiser's nested state dict)
keeps its structure as JSON in ``__metadata__["chainrule"]``, with each tensor
replaced by a reference to its entry in the table.
"""
from __future__ import annotations

import json
import os
import struct

import numpy as np

from .tensor import Tensor

_TO_CODE = {
    np.dtype(np.float64): "F64", np.dtype(np.float32): "F32", np.dtype(np.float16): "F16",
    np.dtype(np.int64): "I64", np.dtype(np.int32): "I32", np.dtype(np.int16): "I16",
    np.dtype(np.int8): "I8", np.dtype(np.uint8): "U8", np.dtype(np.bool_): "BOOL",
}
_FROM_CODE = {code: dt for dt, code in _TO_CODE.items()}
_STRUCTURE_KEY = "chainrule"
_MAX_HEADER = 100_000_000  # the reference implementation's limit on the JSON header


class SafetensorsError(RuntimeError):
    """The file is not a valid safetensors file (truncated, corrupted or not safetensors)."""


# ----------------------------------------------------------------------------------------
# writing
# ----------------------------------------------------------------------------------------
def _flatten(obj, tensors: dict, path: str):
    """``obj`` as JSON-able structure; each tensor moves into ``tensors`` under a path name."""
    if isinstance(obj, Tensor):
        tensors[path] = obj
        return {"__tensor__": path}
    if isinstance(obj, dict):
        if not all(isinstance(k, (str, int)) for k in obj):
            raise TypeError("chainrule.save: dictionary keys must be str or int")
        items = [[k, _flatten(v, tensors, f"{path}.{k}" if path else str(k))]
                 for k, v in obj.items()]
        return {"__dict__": items}
    if isinstance(obj, (list, tuple)):
        items = [_flatten(v, tensors, f"{path}.{i}" if path else str(i))
                 for i, v in enumerate(obj)]
        return {"__tuple__": items} if isinstance(obj, tuple) else items
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (np.integer, np.floating, np.bool_)):
        return obj.item()
    raise TypeError(f"chainrule.save cannot store a {type(obj).__name__}: only tensors, numbers, "
                    "strings, None, and lists/tuples/dicts of them (no pickled objects). Fix: "
                    "save a state_dict() rather than the object itself.")


def _is_flat_state_dict(obj) -> bool:
    return isinstance(obj, dict) and bool(obj) and all(
        isinstance(k, str) and isinstance(v, Tensor) for k, v in obj.items())


def _encode(obj) -> bytes:
    tensors: dict = {}
    metadata = {"format": "pt"}
    if _is_flat_state_dict(obj):
        tensors = dict(obj)
    else:
        metadata[_STRUCTURE_KEY] = json.dumps(_flatten(obj, tensors, ""))
    header = {}
    chunks = []
    offset = 0
    for name, t in tensors.items():
        arr = t.detach()._data
        if arr.dtype not in _TO_CODE:
            raise TypeError(f"chainrule.save: dtype {arr.dtype} has no safetensors code")
        raw = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": _TO_CODE[arr.dtype], "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # pad so the body starts 8-byte aligned, as the spec advises
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def save(obj, f, pickle_module=None, pickle_protocol=None, _use_new_zipfile_serialization=True):
    """Save a tensor, a state dict (model or optimiser) or a nest of them as safetensors.

    >>> import chainrule as torch, io
    >>> buf = io.BytesIO()
    >>> torch.save({"w": torch.ones(2)}, buf); _ = buf.seek(0)
    >>> torch.load(buf)
    {'w': tensor([1., 1.])}
    """
    data = _encode(obj)
    if hasattr(f, "write"):
        f.write(data)
        return
    tmp = os.fspath(f) + ".tmp"
    with open(tmp, "wb") as fh:  # write aside, then rename: a crash never leaves half a file
        fh.write(data)
    os.replace(tmp, f)


# ----------------------------------------------------------------------------------------
# reading
# ----------------------------------------------------------------------------------------
def _decode(data: bytes, where: str) -> tuple[dict, dict]:
    def bad(why: str) -> SafetensorsError:
        return SafetensorsError(f"{where} is not a valid safetensors file: {why}. It may be "
                                "truncated or corrupted; save it again with chainrule.save "
                                "(or safetensors.torch.save_file).")
    if len(data) < 8:
        return _raise(bad(f"only {len(data)} bytes, shorter than the 8-byte header length"))
    (n,) = struct.unpack("<Q", data[:8])
    if n > _MAX_HEADER or 8 + n > len(data):
        return _raise(bad(f"the header claims {n} bytes but the file has {len(data) - 8} after "
                          "the length field"))
    try:
        header = json.loads(data[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        return _raise(bad(f"the header is not valid JSON ({e})"))
    if not isinstance(header, dict):
        return _raise(bad("the header is not a JSON object"))
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict):
        return _raise(bad("__metadata__ is not an object"))
    body = memoryview(data)[8 + n:]
    arrays = {}
    spans = []
    for name, entry in header.items():
        try:
            code, shape, (begin, end) = entry["dtype"], entry["shape"], entry["data_offsets"]
            shape = tuple(int(s) for s in shape)
            begin, end = int(begin), int(end)
        except (TypeError, KeyError, ValueError):
            return _raise(bad(f"entry {name!r} lacks dtype, shape or data_offsets"))
        if code not in _FROM_CODE:
            return _raise(bad(f"tensor {name!r} has unsupported dtype {code!r}"))
        dt = _FROM_CODE[code]
        if any(s < 0 for s in shape) or not 0 <= begin <= end <= len(body):
            return _raise(bad(f"tensor {name!r} has offsets [{begin}, {end}] outside the "
                              f"{len(body)}-byte body"))
        if (end - begin) != int(np.prod(shape, dtype=np.int64)) * dt.itemsize:
            return _raise(bad(f"tensor {name!r} has {end - begin} bytes for shape "
                              f"{list(shape)} of {code}"))
        spans.append((begin, end))
        raw = np.frombuffer(body[begin:end], dtype=dt.newbyteorder("<"))
        arrays[name] = raw.astype(dt).reshape(shape)  # a native-order copy the file can't alias
    spans.sort()
    covered = 0
    for begin, end in spans:
        if begin != covered:
            return _raise(bad("the tensors' byte ranges overlap or leave holes"))
        covered = end
    if covered != len(body):
        return _raise(bad(f"the body has {len(body)} bytes but the tensors use {covered}"))
    return arrays, metadata


def _raise(error):
    raise error


def _rebuild(node, arrays: dict):
    if isinstance(node, list):
        return [_rebuild(v, arrays) for v in node]
    if isinstance(node, dict):
        if "__tensor__" in node:
            name = node["__tensor__"]
            if name not in arrays:
                raise SafetensorsError(f"the file's structure refers to a missing tensor {name!r}")
            return Tensor._make(arrays[name])
        if "__tuple__" in node:
            return tuple(_rebuild(v, arrays) for v in node["__tuple__"])
        if "__dict__" in node:
            return {k: _rebuild(v, arrays) for k, v in node["__dict__"]}
    return node


def load(f, map_location=None, pickle_module=None, *, weights_only: bool = True, mmap=None,
         **pickle_load_args):
    """Load what ``save`` wrote (or any safetensors file: it comes back as ``{name: tensor}``).

    Everything is read and checked before anything is returned, so a bad file
    raises ``SafetensorsError`` (a ``RuntimeError``) and changes nothing.

    >>> import chainrule as torch, io
    >>> buf = io.BytesIO(); torch.save(torch.arange(3), buf); _ = buf.seek(0)
    >>> torch.load(buf)
    tensor([0, 1, 2])
    """
    if hasattr(f, "read"):
        data, where = f.read(), "the stream"
    else:
        with open(f, "rb") as fh:
            data = fh.read()
        where = repr(os.fspath(f))
    if isinstance(data, str):
        raise TypeError("chainrule.load needs a binary file; open it with mode 'rb'")
    arrays, metadata = _decode(bytes(data), where)
    structure = metadata.get(_STRUCTURE_KEY)
    if structure is None:
        return {name: Tensor._make(a) for name, a in arrays.items()}
    try:
        tree = json.loads(structure)
    except json.JSONDecodeError as e:
        raise SafetensorsError(f"{where}: the structure in __metadata__ is not valid JSON "
                               f"({e})") from None
    return _rebuild(tree, arrays)


__all__ = ["save", "load", "SafetensorsError"]
