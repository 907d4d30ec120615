"""``chainrule.save`` / ``chainrule.load``: PyTorch's checkpoint format, and safetensors.

``save`` writes PyTorch's zip format (what ``torch.save`` writes), so real
``torch.load(path)`` reads the file, with its default ``weights_only=True``.
It writes safetensors instead when the path ends in ``.safetensors`` or
``format="safetensors"`` is passed (safetensors holds tensors, numbers and
strings only: no whole models).

``load`` tells the formats apart by their first bytes and reads either.  A
PyTorch checkpoint is read without running anything from it: its pickle is
interpreted by ``unpickler``, which admits only what a checkpoint needs
(PyTorch's ``weights_only=True`` rules).  ``weights_only=False`` reads files
of whole models (``torch.save(model, path)``) with Python's pickle, which runs
code named in the file: only for files you trust.

Errors: a damaged or refused PyTorch checkpoint, or a file in no format
``load`` knows, raises ``pickle.UnpicklingError``; a damaged safetensors file
raises ``SafetensorsError`` (a ``RuntimeError``).  The message says what is
wrong.

    >>> import chainrule as torch, io
    >>> buf = io.BytesIO()
    >>> torch.save({"w": torch.ones(2), "step": 3}, buf); _ = buf.seek(0)
    >>> torch.load(buf)
    {'w': tensor([1., 1.]), 'step': 3}
"""
from __future__ import annotations

import contextlib
import gc
import io
import os
import pickle

from . import safetensors_format, torch_format
from .safetensors_format import SafetensorsError

_FORMATS = ("torch", "safetensors")


def save(obj, f, pickle_module=None, pickle_protocol: int = 2,
         _use_new_zipfile_serialization: bool = True, _disable_byteorder_record: bool = False,
         *, format: str | None = None) -> None:
    """Save ``obj`` (tensors, state dicts, containers of them, or any picklable object).

    ``f`` is a path or a binary file.  The format is PyTorch's zip format
    unless ``f`` is a path ending in ``.safetensors`` or ``format="safetensors"``.

    >>> import chainrule as torch, io
    >>> buf = io.BytesIO()
    >>> torch.save(torch.arange(3), buf, format="safetensors"); _ = buf.seek(0)
    >>> torch.load(buf)
    tensor([0, 1, 2])
    """
    if format is None:
        is_path = isinstance(f, (str, os.PathLike))
        format = "safetensors" if is_path and os.fspath(f).endswith(".safetensors") else "torch"
    if format not in _FORMATS:
        raise ValueError(f"chainrule.save: format must be one of {_FORMATS}, not {format!r}")
    if format == "safetensors":
        data = safetensors_format.encode(obj)
        _write_bytes(f, lambda fh: fh.write(data))
    else:
        _write_bytes(f, lambda fh: torch_format.write(obj, fh))


def _write_bytes(f, write) -> None:
    if hasattr(f, "write"):
        if _seekable(f):
            write(f)
        else:  # a pipe: the zip writer needs to seek, so the bytes are made aside first
            buffer = io.BytesIO()
            write(buffer)
            f.write(buffer.getvalue())
        return
    path = os.fspath(f)
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:  # write aside, then rename: a crash never leaves half a file
        write(fh)
    os.replace(tmp, path)


def _seekable(f) -> bool:
    try:
        return f.seekable() and f.tell() >= 0
    except (AttributeError, OSError, ValueError):
        return False


def load(f, map_location=None, pickle_module=None, *, weights_only: bool | None = None,
         mmap=None, **pickle_load_args):
    """Load what ``save`` or ``torch.save`` wrote, or a safetensors file.

    ``weights_only=True`` (the default, as in PyTorch) runs nothing from the
    file; pass ``weights_only=False`` to load a whole pickled model (it runs
    code named in the file).  ``map_location`` may name the CPU only.

    >>> import chainrule as torch, io
    >>> buf = io.BytesIO(); torch.save([torch.tensor(2.5), "x"], buf); _ = buf.seek(0)
    >>> torch.load(buf, map_location="cpu")
    [tensor(2.5000), 'x']
    """
    if weights_only is None:
        weights_only = True
    if isinstance(f, (str, os.PathLike)):
        where = repr(os.fspath(f))
        with open(f, "rb") as fh:
            return _load_from(fh, where, weights_only, map_location)
    if not hasattr(f, "read"):
        raise TypeError(f"chainrule.load needs a path or a binary file, not "
                        f"{type(f).__name__}")
    if not _seekable(f):
        data = f.read()
        if isinstance(data, str):
            raise TypeError("chainrule.load needs a binary file; open it with mode 'rb'")
        f = io.BytesIO(data)
    return _load_from(f, "the stream", weights_only, map_location)


def _load_from(fh, where: str, weights_only: bool, map_location):
    start = fh.tell()
    head = fh.read(16)
    if isinstance(head, str):
        raise TypeError("chainrule.load needs a binary file; open it with mode 'rb'")
    size = fh.seek(0, io.SEEK_END) - start
    fh.seek(start)
    kind = sniff(head, size)
    with _collector_paused():
        return _read_format(fh, kind, start, size, where, weights_only, map_location)


@contextlib.contextmanager
def _collector_paused():
    """Pause Python's cycle collector while a file is read.

    Reading builds millions of objects for some files (a header of a million tensors), none
    of them garbage; the collector would rescan them again and again as they pile up, at
    a cost larger than the parsing itself.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_format(fh, kind: str, start: int, size: int, where: str, weights_only: bool,
                 map_location):
    if kind == "torch":
        if start:  # zipfile finds its directory from the end: hand it just this file's bytes
            fh = io.BytesIO(fh.read())
        return torch_format.read(fh, where, size, weights_only, map_location)
    if kind == "safetensors":
        return safetensors_format.decode_file(fh.read(), where)
    raise pickle.UnpicklingError(
        f"{where} is neither a PyTorch checkpoint nor a safetensors file: {kind}. "
        "chainrule.load reads what torch.save writes (a zip, since PyTorch 1.6) and "
        "safetensors files.")


def sniff(head: bytes, size: int) -> str:
    """The format a file's first bytes show: ``"torch"``, ``"safetensors"`` or a description.

    >>> from chainrule.serialization import sniff
    >>> sniff(b"PK\\x03\\x04", 100), sniff(b"\\x10" + bytes(7) + b"{", 100)
    ('torch', 'safetensors')
    >>> sniff(b"\\x93NUMPY", 100)
    'it is a NumPy .npy file (read it with numpy.load)'
    """
    if size == 0:
        return "the file is empty"
    if head.startswith(b"PK"):  # a zip (PK\x03\x04; anything shorter is a damaged one)
        return "torch"
    if len(head) >= 9 and head[8:9] == b"{":
        return "safetensors"  # an 8-byte header length, then the JSON header
    if head.startswith(b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19"):
        return ("it is in PyTorch's legacy format (written before PyTorch 1.6, or with "
                "_use_new_zipfile_serialization=False); load it in PyTorch and save it again")
    if head[:1] == b"\x80" and len(head) > 1 and head[1] <= 5:
        return ("it is a plain pickle (pickle.dump), which can run code when read; "
                "chainrule.load does not read it")
    for magic, what in _OTHER_FORMATS:
        if head.startswith(magic):
            return what
    if size < 9 and head[:1] != b"P":
        return "safetensors"  # too short to tell: an 8-byte length cut short
    return f"it starts with {head[:8]!r}"


_OTHER_FORMATS = (
    (b"\x93NUMPY", "it is a NumPy .npy file (read it with numpy.load)"),
    (b"\x89HDF", "it is an HDF5 file (Keras or h5py)"),
    (b"\x1f\x8b", "it is gzip-compressed (decompress it first)"),
    (b"{", "it is JSON text"),
)

__all__ = ["save", "load", "SafetensorsError", "sniff"]
