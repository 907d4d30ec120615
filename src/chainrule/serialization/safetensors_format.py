"""The safetensors format (https://huggingface.co/docs/safetensors), read and written.

The format is simple enough to write with ``json`` and NumPy:

    8 bytes      little-endian unsigned length N of the header
    N bytes      JSON: {name: {"dtype": "F32", "shape": [2, 3],
                               "data_offsets": [begin, end]}, ...,
                        "__metadata__": {str: str}}
    the rest     the tensors' raw little-endian bytes, back to back

A file holds only numbers and text, so loading it never runs code.  A model's
``state_dict`` is saved as the flat ``name -> tensor`` table that PyTorch's
``safetensors.torch.save_file`` writes, so files move both ways.  Anything
else (a single tensor, an optimiser's nested state dict) keeps its structure
as JSON in ``__metadata__["chainrule"]``, with each tensor replaced by a
reference to its entry in the table.

Reading checks everything before anything is returned: the header's
structure and types (integers only, shapes NumPy can hold, offsets inside the
body, byte counts that match, no overlaps or holes), in time and memory
bounded by the file's size.  Every problem raises ``SafetensorsError``.
"""
from __future__ import annotations

import json
import math
import struct

import numpy as np

import chainrule

_TO_CODE = {
    np.dtype(np.float64): "F64", np.dtype(np.float32): "F32", np.dtype(np.float16): "F16",
    np.dtype(np.int64): "I64", np.dtype(np.int32): "I32", np.dtype(np.int16): "I16",
    np.dtype(np.int8): "I8", np.dtype(np.uint8): "U8", np.dtype(np.bool_): "BOOL",
}
_FROM_CODE = {code: dt for dt, code in _TO_CODE.items()}
_STRUCTURE_KEY = "chainrule"
_MAX_HEADER = 100_000_000  # the reference implementation's limit on the JSON header
_MAX_DIMS = 64  # NumPy's limit
_MAX_DEPTH = 100  # nesting of a saved structure (lists in dicts in lists ...)


class SafetensorsError(RuntimeError):
    """The file is not a valid safetensors file (truncated, corrupted or not safetensors)."""


# ----------------------------------------------------------------------------------------
# writing
# ----------------------------------------------------------------------------------------
def _flatten(obj, tensors: dict, path: str):
    """``obj`` as JSON-able structure; each tensor moves into ``tensors`` under a path name."""
    if isinstance(obj, chainrule.Tensor):
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
    raise TypeError(f"chainrule.save cannot store a {type(obj).__name__} in safetensors: only "
                    "tensors, numbers, strings, None, and lists/tuples/dicts of them. Fix: save "
                    "a state_dict() rather than the object itself, or save in PyTorch's format "
                    "(a path not ending in .safetensors).")


def _is_flat_state_dict(obj) -> bool:
    return isinstance(obj, dict) and bool(obj) and all(
        isinstance(k, str) and isinstance(v, chainrule.Tensor) for k, v in obj.items())


def encode(obj) -> bytes:
    """The bytes of a safetensors file holding ``obj``."""
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
        arr = t.detach().numpy()
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


# ----------------------------------------------------------------------------------------
# reading
# ----------------------------------------------------------------------------------------
class _Bad(Exception):
    """Raised inside the reader; ``decode_file`` turns it into a SafetensorsError."""


def _parse_json(text: bytes, what: str):
    try:
        return json.loads(text)
    except RecursionError:
        raise _Bad(f"{what} nests too deeply to be a safetensors header") from None
    except UnicodeDecodeError as e:
        raise _Bad(f"{what} is not UTF-8 ({e.reason} at byte {e.start})") from None
    except ValueError as e:  # JSONDecodeError, or an integer of thousands of digits
        raise _Bad(f"{what} is not valid JSON ({str(e)[:160]})") from None


def _is_index(value) -> bool:
    return type(value) is int and 0 <= value < 1 << 63


def _entry(name: str, entry, body_size: int):
    """(dtype, shape, begin, end) of one header entry, each checked.

    It runs once per tensor (a million times for some files), so the common case is a few
    type checks and comparisons; ``_explain`` finds the words when an entry is refused.
    """
    try:
        code, shape, (begin, end) = entry["dtype"], entry["shape"], entry["data_offsets"]
        dt = _FROM_CODE[code]
    except (KeyError, TypeError, ValueError):
        _explain(name, entry, body_size)
    if type(shape) is list and len(shape) <= _MAX_DIMS and type(begin) is int and \
            type(end) is int and 0 <= begin <= end <= body_size:
        numel = 1
        for s in shape:
            if type(s) is not int or not 0 <= s < 1 << 63:
                break
            numel *= s
        else:
            if numel * dt.itemsize == end - begin and (
                    numel or math.prod(s for s in shape if s) * dt.itemsize < 1 << 62):
                return dt, shape, begin, end
    _explain(name, entry, body_size)


def _explain(name: str, entry, body_size: int):
    """Raise what is wrong with a header entry ``_entry`` refused, as precisely as possible."""
    if type(entry) is not dict:
        raise _Bad(f"entry {name!r} is {type(entry).__name__}, not an object")
    code = entry.get("dtype")
    shape = entry.get("shape")
    offsets = entry.get("data_offsets")
    if code is None or shape is None or offsets is None:
        raise _Bad(f"entry {name!r} lacks dtype, shape or data_offsets")
    dt = _FROM_CODE.get(code) if type(code) is str else None
    if dt is None:
        raise _Bad(f"tensor {name!r} has unsupported dtype {str(code)[:40]!r}")
    if type(shape) is not list or len(shape) > _MAX_DIMS:
        raise _Bad(f"tensor {name!r} has shape {_short(shape)}: a list of at most "
                   f"{_MAX_DIMS} integers is needed")
    numel = 1
    for s in shape:
        if type(s) is not int or not 0 <= s < 1 << 63:
            raise _Bad(f"tensor {name!r} has shape {_short(shape)}: each size must be an "
                       "integer in [0, 2**63)")
        numel *= s
    if type(offsets) is not list or len(offsets) != 2 or not _is_index(offsets[0]) or \
            not _is_index(offsets[1]):
        raise _Bad(f"tensor {name!r} has data_offsets {_short(offsets)}: two integers in "
                   "[0, 2**63) are needed")
    begin, end = offsets
    if not begin <= end <= body_size:
        raise _Bad(f"tensor {name!r} has offsets [{begin}, {end}] outside the {body_size}-byte "
                   "body")
    if numel * dt.itemsize != end - begin:
        raise _Bad(f"tensor {name!r} has {end - begin} bytes for shape {_short(shape)} of "
                   f"{code}")
    if numel == 0 and math.prod(s for s in shape if s) * dt.itemsize >= 1 << 62:
        raise _Bad(f"tensor {name!r} has shape {_short(shape)}, too large for NumPy")
    raise _Bad(f"entry {name!r} is malformed")


def _short(value) -> str:
    text = json.dumps(value) if isinstance(value, (list, int, float)) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _tensors(data: bytes):
    """The tensors by name, and the metadata, after every check."""
    if len(data) < 8:
        raise _Bad(f"only {len(data)} bytes, shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", data[:8])
    if n > _MAX_HEADER or 8 + n > len(data):
        raise _Bad(f"the header claims {n} bytes but the file has {len(data) - 8} after the "
                   "length field")
    if data[8:9] != b"{":
        raise _Bad("the header does not start with '{'")
    header = _parse_json(data[8:8 + n], "the header")
    if type(header) is not dict:
        raise _Bad("the header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    if type(metadata) is not dict or not all(type(v) is str for v in metadata.values()):
        raise _Bad("__metadata__ must map strings to strings")
    body = memoryview(data)[8 + n:]
    body_size = len(body)
    tensors = {}
    spans = []
    as_tensor = chainrule.from_numpy
    # Entries are popped as they are read: the parsed header and the tensors are not both
    # held whole (a header of a million tensors is hundreds of MB of Python objects).
    for name in list(header):
        dt, shape, begin, end = _entry(name, header.pop(name), body_size)
        spans.append((begin, end))
        if begin == end:
            tensors[name] = as_tensor(np.empty(shape, dtype=dt))
        else:
            raw = np.frombuffer(body[begin:end], dtype=dt.newbyteorder("<"))
            # a native-order copy, which the file's bytes cannot alias
            tensors[name] = as_tensor(raw.astype(dt).reshape(shape))
    spans.sort()
    covered = 0
    for begin, end in spans:
        if begin != covered:
            raise _Bad("the tensors' byte ranges overlap or leave holes")
        covered = end
    if covered != body_size:
        raise _Bad(f"the body has {body_size} bytes but the tensors use {covered}")
    return tensors, metadata


def _rebuild(node, tensors: dict, depth: int = 0):
    if depth > _MAX_DEPTH:
        raise _Bad(f"the saved structure nests deeper than {_MAX_DEPTH} levels")
    if type(node) is list:
        return [_rebuild(v, tensors, depth + 1) for v in node]
    if type(node) is dict:
        if "__tensor__" in node:
            name = node["__tensor__"]
            if type(name) is not str or name not in tensors:
                raise _Bad(f"the file's structure refers to a missing tensor {_short(name)}")
            return tensors[name]
        if "__tuple__" in node and type(node["__tuple__"]) is list:
            return tuple(_rebuild(v, tensors, depth + 1) for v in node["__tuple__"])
        if "__dict__" in node and type(node["__dict__"]) is list:
            out = {}
            for pair in node["__dict__"]:
                if type(pair) is not list or len(pair) != 2 or \
                        type(pair[0]) not in (str, int):
                    raise _Bad("a saved dict's items are not [key, value] pairs")
                out[pair[0]] = _rebuild(pair[1], tensors, depth + 1)
            return out
        raise _Bad("the saved structure holds an object of unknown kind")
    return node


def decode_file(data: bytes, where: str):
    """The object a safetensors file holds: ``{name: tensor}``, or what ``save`` saved."""
    try:
        tensors, metadata = _tensors(bytes(data))
        structure = metadata.get(_STRUCTURE_KEY)
        if structure is None:
            return tensors
        return _rebuild(_parse_json(structure, "the structure in __metadata__"), tensors)
    except _Bad as e:
        raise SafetensorsError(f"{where} is not a valid safetensors file: {e}. It may be "
                               "truncated or corrupted; save it again with chainrule.save "
                               "(or safetensors.torch.save_file).") from None


__all__ = ["encode", "decode_file", "SafetensorsError"]
