"""PyTorch's checkpoint format (``torch.save`` since PyTorch 1.6): a zip of records.

    archive/data.pkl           the object, pickled (protocol 2); tensors refer to storages
    archive/data/<key>         one storage's raw bytes (little-endian), 64-byte aligned
    archive/byteorder          "little"
    archive/version            "3"
    archive/.format_version, archive/.storage_alignment, archive/.data/serialization_id

Records are stored, not compressed.  Reading checks the archive before
trusting it: only stored records, sizes within the file, a storage's record
exactly as long as its persistent id claims; every problem raises
``pickle.UnpicklingError`` saying what is wrong (the error ``torch.load``
raises for files it cannot read).

    >>> import io, chainrule as torch
    >>> buf = io.BytesIO()
    >>> torch.save({"w": torch.arange(3.)}, buf)
    >>> buf.getvalue()[:4]
    b'PK\\x03\\x04'
"""
from __future__ import annotations

import io
import pickle
import struct
import zipfile
import zlib

import numpy as np

import chainrule

from . import rebuild
from .pickler import dump_pickle
from .unpickler import load_pickle

ALIGNMENT = 64
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the same bytes for the same object, save after save
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, struct.error,
               ValueError, NotImplementedError, KeyError, zlib.error, UnicodeDecodeError,
               OverflowError, RuntimeError)


# ----------------------------------------------------------------------------------------
# writing
# ----------------------------------------------------------------------------------------
def write(obj, fh) -> None:
    """Write ``obj`` to the binary, seekable file ``fh`` in PyTorch's zip format."""
    data, storages = dump_pickle(obj)
    start = fh.tell()
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        def record(name: str, payload) -> None:
            payload = memoryview(payload).cast("B")
            info = zipfile.ZipInfo("archive/" + name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.file_size = payload.nbytes
            # Pad the local header with an extra field ("FB", as PyTorch's writer does) so
            # the record's bytes start on a 64-byte boundary (PyTorch can map them directly).
            zip64 = 20 if payload.nbytes * 1.05 > zipfile.ZIP64_LIMIT else 0
            header = fh.tell() - start + 30 + len(info.filename.encode()) + 4 + zip64
            padding = -header % ALIGNMENT
            info.extra = b"FB" + struct.pack("<H", padding) + b"Z" * padding
            with archive.open(info, "w") as out:
                out.write(payload)

        record("data.pkl", data)
        record(".format_version", b"1")
        record(".storage_alignment", str(ALIGNMENT).encode())
        record("byteorder", b"little")
        for key, array in storages:
            record(f"data/{key}", array.reshape(-1).view(np.uint8) if array.size else b"")
        record("version", b"3\n")
        record(".data/serialization_id", str(zlib.crc32(data)).zfill(40).encode())


# ----------------------------------------------------------------------------------------
# reading
# ----------------------------------------------------------------------------------------
class _Checkpoint:
    """An open archive: its records, checked as they are read."""

    def __init__(self, fh, where: str, size: int) -> None:
        self.where = where
        self.size = size
        try:
            self.zip = zipfile.ZipFile(fh)
            infos = self.zip.infolist()
        except _ZIP_ERRORS as e:
            raise self.bad(f"its zip structure is damaged ({type(e).__name__}: {e})") from None
        names = {info.filename: info for info in infos}
        pickles = [n for n in names if n.endswith("data.pkl") and n.count("/") == 1]
        if any(n.endswith("/constants.pkl") for n in names):
            raise self.bad("it is a TorchScript archive (torch.jit.save), which holds code; "
                           "chainrule reads checkpoints written by torch.save")
        if len(pickles) != 1:
            raise self.bad(f"it has {len(pickles)} records named <folder>/data.pkl, not one "
                           "(is it a zip of something else?)")
        self.prefix = pickles[0][:-len("data.pkl")]
        self.infos = names
        order = self.record("byteorder", optional=True)
        if order not in (None, b"little", b"big"):
            raise self.bad(f"its byteorder record says {bytes(order[:20])!r}")
        self.big_endian = order == b"big"

    def bad(self, why: str) -> pickle.UnpicklingError:
        return pickle.UnpicklingError(f"{self.where} is not a valid PyTorch checkpoint: {why}. "
                                      "It may be truncated or damaged; save it again.")

    def _info(self, name: str, optional: bool = False):
        info = self.infos.get(self.prefix + name)
        if info is None:
            if optional:
                return None
            raise self.bad(f"it has no record {name}")
        if info.compress_type != zipfile.ZIP_STORED:
            raise self.bad(f"record {name} is compressed (method {info.compress_type}); "
                           "PyTorch stores records uncompressed")
        if info.file_size > self.size or info.header_offset > self.size:
            raise self.bad(f"record {name} claims {info.file_size} bytes at offset "
                           f"{info.header_offset}, beyond the file's {self.size}")
        return info

    def record(self, name: str, optional: bool = False):
        info = self._info(name, optional)
        if info is None:
            return None
        try:
            return self.zip.read(info)
        except _ZIP_ERRORS as e:
            raise self.bad(f"record {name} cannot be read ({type(e).__name__}: {e})") from None

    def record_into(self, name: str, nbytes: int) -> np.ndarray:
        """Record ``name`` (which must hold exactly ``nbytes``) as a new uint8 array."""
        info = self._info(name)
        if info.file_size != nbytes:
            raise self.bad(f"record {name} has {info.file_size} bytes, but the tensor data "
                           f"stored there claims {nbytes}")
        out = np.empty(nbytes, dtype=np.uint8)
        view = memoryview(out)
        done = 0
        try:
            with self.zip.open(info) as src:
                while done < nbytes:  # in chunks: no second copy of a large storage
                    chunk = src.read(min(1 << 22, nbytes - done))
                    if not chunk:
                        break
                    view[done:done + len(chunk)] = chunk
                    done += len(chunk)
                src.read(1)  # reaching the end checks the CRC
        except _ZIP_ERRORS as e:
            raise self.bad(f"record {name} cannot be read ({type(e).__name__}: {e})") from None
        if done != nbytes:
            raise self.bad(f"record {name} ends after {done} of its {nbytes} bytes")
        return out


def read(fh, where: str, size: int, weights_only: bool = True, map_location=None):
    """The object in a PyTorch checkpoint; tensors come back as chainrule tensors."""
    checkpoint = _Checkpoint(fh, where, size)
    data = checkpoint.record("data.pkl")
    persistent_load = _StorageLoader(checkpoint, map_location)
    if weights_only:
        try:
            return load_pickle(data, persistent_load)
        except pickle.UnpicklingError as e:
            message = str(e)  # the archive's own errors already name the file
            raise pickle.UnpicklingError(message if message.startswith(where) else
                                         f"{where}: {message}") from None
    return _FullUnpickler(io.BytesIO(data), persistent_load).load()


class _StorageLoader:
    """``persistent_load`` for a checkpoint: each storage read once, checked, memoised."""

    def __init__(self, checkpoint: _Checkpoint, map_location) -> None:
        self.checkpoint = checkpoint
        self.map_location = map_location
        self.loaded: dict = {}
        self.budget = rebuild.Budget()

    def __call__(self, pid):
        if not isinstance(pid, tuple) or len(pid) != 5:
            raise pickle.UnpicklingError(f"a persistent id is {rebuild._describe(pid)}, not "
                                         "('storage', type, key, location, numel)")
        kind, storage_type, key, location, numel = pid
        if isinstance(kind, bytes):
            kind = kind.decode("ascii", "replace")
        if kind != "storage" or not isinstance(storage_type, rebuild.StorageType):
            raise pickle.UnpicklingError(f"a persistent id names {rebuild._describe(kind)} of "
                                         f"{rebuild._describe(storage_type)}, not a storage")
        if not isinstance(key, str) or not isinstance(location, str):
            raise pickle.UnpicklingError("a storage's key and location must be strings")
        if isinstance(numel, bool) or not isinstance(numel, int) or not 0 <= numel < 1 << 62:
            raise pickle.UnpicklingError(f"storage {key!r} claims {rebuild._describe(numel)} "
                                         "elements")
        _check_location(location, self.map_location)
        raw = storage_type.dtype is None
        if storage_type.dtype is None and storage_type is not rebuild.UNTYPED_STORAGE:
            raise pickle.UnpicklingError(f"storage {key!r} is a torch.{storage_type.name}, "
                                         "whose dtype chainrule does not have")
        np_dtype = np.dtype(np.uint8) if raw else storage_type.dtype.np
        if key in self.loaded:
            storage = self.loaded[key]
            if storage.array.dtype != np_dtype:
                raise pickle.UnpicklingError(f"storage {key!r} is read as two dtypes")
            return storage
        bytes_ = self.checkpoint.record_into(f"data/{key}", numel * np_dtype.itemsize)
        if self.checkpoint.big_endian and np_dtype.itemsize > 1:
            array = bytes_.view(np_dtype.newbyteorder(">")).astype(np_dtype)
        else:
            array = bytes_.view(np_dtype)
        storage = self.loaded[key] = rebuild.make_storage(array, key, raw, self.budget)
        return storage


def _check_location(location: str, map_location) -> None:
    """Refuse a storage saved on a GPU unless ``map_location`` moves it to the CPU, as
    PyTorch built without CUDA does."""
    target = location
    if isinstance(map_location, dict):
        target = map_location.get(location, location)
    elif map_location is not None:
        target = "cpu"  # a device, a string or a function: chainrule only has the CPU
        if not callable(map_location):
            chainrule.empty(0, device=map_location)  # raises for devices other than the CPU
    kind = str(target).split(":")[0]
    if kind not in ("cpu", "meta"):
        raise RuntimeError(
            f"Attempting to deserialize object on a {kind.upper()} device but "
            f"torch.cuda.is_available() is False. If you are running on a CPU-only machine, "
            "please use torch.load with map_location=torch.device('cpu') to map your "
            "storages to the CPU.")


# Names a full (weights_only=False) load maps from PyTorch to chainrule.
def _full_globals() -> dict:
    from .unpickler import _allowed_globals
    table = _allowed_globals()
    table["torch._utils._rebuild_from_type_v2"] = rebuild.rebuild_from_type_v2
    return table


class _FullUnpickler(pickle.Unpickler):
    """Python's unpickler (it runs what the file names), with PyTorch's names mapped to
    chainrule's: only used with ``weights_only=False``."""

    def __init__(self, file, persistent_load) -> None:
        super().__init__(file)
        self._storages = persistent_load
        self._table = _full_globals()

    def persistent_load(self, pid):
        return self._storages(pid)

    def find_class(self, module: str, name: str):
        module = rebuild.OLD_MODULES.get(module, module)
        full = f"{module}.{name}"
        if full in self._table:
            found = self._table[full]
            return getattr(found, "cls", found)  # OrderedDict itself, not its checked maker
        if full == "torch.nn.parameter.Parameter":
            from chainrule import nn
            return nn.Parameter
        if module == "torch" or module.startswith("torch."):
            try:
                return super().find_class("chainrule" + module[len("torch"):], name)
            except (ImportError, AttributeError):
                raise pickle.UnpicklingError(
                    f"the file needs {full}, which is not in chainrule (files of whole PyTorch "
                    "modules need PyTorch; save a state_dict() instead)") from None
        return super().find_class(module, name)


__all__ = ["write", "read"]
