"""Hostile and damaged checkpoint files, generated: safetensors headers that overflow,
nest, lie or break the spec, and PyTorch zip checkpoints with damaged archives, lying
records and pickles that try to allocate, recurse or run code.

Each case is (name, bytes, the error chainrule.load must raise, a pattern its message must
match).  ``python tests/hostile_files.py`` prints, for each, the error raised, the time
taken and the peak memory (the table of the interop report).
"""
from __future__ import annotations

import io
import json
import os
import pickle
import struct
import zipfile

import chainrule as cr
from chainrule.serialization import SafetensorsError

MARKER = os.path.join(os.environ.get("TMPDIR", "/tmp"), "chainrule-hostile-marker")
U = pickle.UnpicklingError
S = SafetensorsError


# ----------------------------------------------------------------------------------------
# safetensors
# ----------------------------------------------------------------------------------------
def _safetensors(header, body: bytes = b"", raw_header: bytes | None = None) -> bytes:
    text = raw_header if raw_header is not None else json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + body


def _entry(shape, offsets, dtype="F32"):
    return {"dtype": dtype, "shape": shape, "data_offsets": offsets}


def _good_safetensors() -> bytes:
    buf = io.BytesIO()
    cr.save({"w": cr.arange(6.0).reshape(2, 3), "b": cr.ones(3)}, buf, format="safetensors")
    return buf.getvalue()


def _structure(text: str) -> bytes:
    """A file whose chainrule structure (JSON in the metadata) is ``text``."""
    return _safetensors({"t": _entry([1], [0, 4]), "__metadata__": {"chainrule": text}},
                        bytes(4))


def safetensors_cases():
    good = _good_safetensors()
    n = struct.unpack("<Q", good[:8])[0]
    header, body = json.loads(good[8:8 + n]), good[8 + n:]
    deep = "[" * 100_000 + "]" * 100_000
    return [
        ("st: truncated body", good[:-5], S, "outside"),
        ("st: only 5 bytes", good[:5], S, "only 5 bytes"),
        ("st: header length 10**12", struct.pack("<Q", 10 ** 12) + good[8:], S, "claims"),
        ("st: header not JSON", good[:8] + b"{" * n + body, S, "not valid JSON"),
        ("st: header not UTF-8", _safetensors(None, b"", b'{"\xff\xfe": 1}'), S, "UTF-8"),
        ("st: JSON nested 100,000 deep", _safetensors(None, b"", b'{"a": ' +
                                                      deep.encode() + b"}"), S, "nests"),
        ("st: metadata nested 100,000 deep",
         _safetensors(None, b"", b'{"__metadata__": {"a": ' + deep.encode() + b"}}"), S,
         "nests"),
        ("st: structure nested 100,000 deep", _structure(deep), S, "nests"),
        ("st: structure nested 150 deep", _structure("[" * 150 + "]" * 150), S, "deeper"),
        ("st: unknown dtype", _safetensors({**header, "w": {**header["w"], "dtype": "X9"}},
                                           body), S, "unsupported dtype"),
        ("st: shape [2**32, 2**32]", _safetensors({"t": _entry([2 ** 32, 2 ** 32], [0, 0])}),
         S, "bytes for shape"),
        ("st: shape [0, 2**62]", _safetensors({"t": _entry([0, 2 ** 62], [0, 0])}), S,
         "too large"),
        ("st: 100 dimensions", _safetensors({"t": _entry([1] * 100, [0, 4])}, bytes(4)), S,
         "at most 64"),
        ("st: shape 10**30", _safetensors({"t": _entry([10 ** 30], [0, 4])}, bytes(4)), S,
         r"\[0, 2\*\*63\)"),
        ("st: shape 2.7", _safetensors({"t": _entry([2.7], [0, 8])}, bytes(8)), S,
         "integer"),
        ("st: shape 2.0", _safetensors({"t": _entry([2.0], [0, 8])}, bytes(8)), S,
         "integer"),
        ("st: shape -1", _safetensors({"t": _entry([-1], [0, 0])}), S, "integer"),
        ("st: shape true", _safetensors({"t": _entry([True], [0, 4])}, bytes(4)), S,
         "integer"),
        ("st: offset of 5,000 digits", _safetensors(None, bytes(4), (
            '{"t": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4' + "0" * 5000 +
            "]}}").encode()), S, "not valid JSON"),
        ("st: offset 1e400", _safetensors(None, bytes(4), b'{"t": {"dtype": "F32", "shape": '
                                          b'[1], "data_offsets": [0, 1e400]}}'), S,
         "data_offsets"),
        ("st: offsets past the body", _safetensors({**header, "w": {
            **header["w"], "data_offsets": [0, 10 ** 6]}}, body), S, "outside"),
        ("st: size mismatch", _safetensors({**header, "w": {**header["w"], "shape": [3, 3]}},
                                           body), S, "bytes for shape"),
        ("st: overlapping tensors", _safetensors({**header, "b": {
            **header["b"], "data_offsets": [0, 12]}}, body), S, "overlap"),
        ("st: extra bytes", good + b"\0\0\0\0", S, "body has"),
        ("st: entry is a list", _safetensors({"t": [1, 2]}), S, "not an object"),
        ("st: shape is an object", _safetensors({"t": _entry({"a": 1}, [0, 0])}), S,
         "shape"),
        ("st: three offsets", _safetensors({"t": _entry([1], [0, 4, 8])}, bytes(4)), S,
         "data_offsets"),
        ("st: missing shape", _safetensors({"t": {"dtype": "F32", "data_offsets": [0, 0]}}),
         S, "lacks"),
        ("st: header is a JSON list", _safetensors(None, b"", b"[1, 2]"), U, "neither"),
        ("st: metadata is a list", _safetensors({"__metadata__": [1]}), S, "__metadata__"),
        ("st: metadata value not a string", _safetensors({"__metadata__": {"a": 1}}), S,
         "__metadata__"),
        ("st: structure names a missing tensor", _structure('{"__tensor__": "nope"}'), S,
         "missing tensor"),
        ("st: structure of unknown kind", _structure('{"__evil__": 1}'), S, "unknown kind"),
        ("st: structure not JSON", _structure("[1, 2"), S, "not valid JSON"),
    ]


# ----------------------------------------------------------------------------------------
# PyTorch zip checkpoints
# ----------------------------------------------------------------------------------------
class Pickle:
    """A protocol-2 pickle assembled opcode by opcode (what a hostile writer can do)."""

    def __init__(self) -> None:
        self.out = bytearray(b"\x80\x02")

    def op(self, code: bytes, payload: bytes = b"") -> "Pickle":
        self.out += code + payload
        return self

    def glob(self, module: str, name: str) -> "Pickle":
        return self.op(pickle.GLOBAL, f"{module}\n{name}\n".encode())

    def str(self, text: str) -> "Pickle":
        data = text.encode()
        return self.op(pickle.BINUNICODE, struct.pack("<I", len(data)) + data)

    def int(self, value: int) -> "Pickle":
        if 0 <= value < 2 ** 31:
            return self.op(pickle.BININT, struct.pack("<i", value))
        data = value.to_bytes((value.bit_length() + 8) // 8, "little", signed=True)
        return self.op(pickle.LONG1, bytes([len(data)]) + data)

    def ints(self, values) -> "Pickle":
        self.op(pickle.MARK)
        for v in values:
            self.int(v)
        return self.op(pickle.TUPLE)

    def tensor(self, storage="FloatStorage", key="0", numel=2, offset=0, size=(2,),
               stride=(1,), requires_grad=False, hooks=False) -> "Pickle":
        """``_rebuild_tensor_v2(('storage', torch.<storage>, key, 'cpu', numel), ...)``"""
        self.glob("torch._utils", "_rebuild_tensor_v2").op(pickle.MARK)
        self.op(pickle.MARK).str("storage").glob("torch", storage).str(key).str("cpu")
        self.int(numel).op(pickle.TUPLE).op(pickle.BINPERSID)
        self.int(offset).ints(size).ints(stride)
        self.op(pickle.NEWTRUE if requires_grad else pickle.NEWFALSE)
        self.glob("collections", "OrderedDict").op(pickle.EMPTY_TUPLE).op(pickle.REDUCE)
        if hooks:
            self.op(pickle.MARK).int(1).str("hook").op(pickle.SETITEMS)
        return self.op(pickle.TUPLE).op(pickle.REDUCE)

    def stop(self) -> bytes:
        return bytes(self.out + pickle.STOP)


def _zip(records: dict, compress: int = zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as archive:
        for name, data in records.items():
            archive.writestr(name, data)
    return buf.getvalue()


def _checkpoint(data_pkl: bytes, storages: dict | None = None, **extra) -> bytes:
    records = {"archive/data.pkl": data_pkl, "archive/byteorder": b"little",
               "archive/version": b"3\n"}
    for key, raw in (storages if storages is not None else {"0": bytes(8)}).items():
        records[f"archive/data/{key}"] = raw
    records.update(extra)
    return _zip(records)


def _good_checkpoint() -> bytes:
    buf = io.BytesIO()
    cr.save({"w": cr.arange(6.0).reshape(2, 3), "b": cr.ones(3)}, buf)
    return buf.getvalue()


class Payload:
    """``__reduce__`` to a call that would create MARKER: what a malicious checkpoint does."""

    def __init__(self, func, *args) -> None:
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def _marker_payloads():
    import builtins
    import subprocess
    shell = f"touch {MARKER}"
    code = f"open({MARKER!r}, 'w').close()"
    return [
        ("os.system", Payload(os.system, shell)),
        ("builtins.exec", Payload(builtins.exec, code)),
        ("builtins.eval", Payload(builtins.eval, code)),
        ("subprocess.call", Payload(subprocess.call, ["touch", MARKER])),
        ("builtins.open", Payload(builtins.open, MARKER, "w")),
    ]


def _in_state_dict(payload) -> bytes:
    return pickle.dumps({"weight": [1.0], "evil": payload}, protocol=2)


def zip_cases():
    good = _good_checkpoint()
    cases = [
        ("pt: truncated to half", good[:len(good) // 2], U, "zip structure"),
        ("pt: truncated by 10 bytes", good[:-10], U, "zip structure"),
        ("pt: zip header only", good[:30], U, "zip structure"),
        ("pt: storage bytes flipped (CRC)", _flip_storage(good), U, "CRC|cannot be read"),
        ("pt: empty file", b"", U, "empty"),
        ("pt: random bytes", bytes(range(256)) * 4, U, "neither"),
        ("pt: legacy format", b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.\x80\x02M\xe9\x03.",
         U, "legacy"),
        ("pt: plain pickle", pickle.dumps([1, 2], protocol=2), U, "plain pickle"),
        ("pt: no data.pkl", _zip({"archive/x": b"1"}), U, "data.pkl"),
        ("pt: two data.pkl", _zip({"a/data.pkl": b"", "b/data.pkl": b""}), U, "data.pkl"),
        ("pt: TorchScript archive", _zip({"a/data.pkl": b"", "a/constants.pkl": b""}), U,
         "TorchScript"),
        ("pt: compressed records", _recompress(good), U, "compressed"),
        ("pt: record claims 2 GB", _claim_size(good, 2 ** 31 - 1), U, "beyond"),
        ("pt: byteorder 'middle'", _checkpoint(Pickle().op(pickle.NONE).stop(),
                                               **{"archive/byteorder": b"middle"}), U,
         "byteorder"),
        ("pt: storage larger than its record",
         _checkpoint(Pickle().tensor(numel=1000, size=(1000,)).stop()), U, "has 8 bytes"),
        ("pt: storage smaller than its record",
         _checkpoint(Pickle().tensor(numel=1, size=(1,)).stop()), U, "has 8 bytes"),
        ("pt: storage of 2**62 elements",
         _checkpoint(Pickle().tensor(numel=2 ** 62, size=(1,)).stop()), U, "claims"),
        ("pt: missing storage record",
         _checkpoint(Pickle().tensor(key="9").stop()), U, "no record data/9"),
        ("pt: offset past the storage",
         _checkpoint(Pickle().tensor(offset=5, size=(1,)).stop()), U, "reaches element"),
        ("pt: size past the storage",
         _checkpoint(Pickle().tensor(size=(3,)).stop()), U, "reaches element"),
        ("pt: size [2**40, 2**40]",
         _checkpoint(Pickle().tensor(size=(2 ** 40, 2 ** 40), stride=(1, 1)).stop()), U,
         "reaches element"),
        ("pt: stride 0 repeated 2**40 times",
         _checkpoint(Pickle().tensor(size=(2 ** 40,), stride=(0,)).stop()), U,
         "repeats the elements"),
        ("pt: size 2**64", _checkpoint(Pickle().tensor(size=(2 ** 64,)).stop()), U,
         "out of range"),
        ("pt: 65 dimensions",
         _checkpoint(Pickle().tensor(size=(1,) * 65, stride=(1,) * 65).stop()), U,
         "65 dimensions"),
        ("pt: sizes and strides differ",
         _checkpoint(Pickle().tensor(size=(2,), stride=(1, 1)).stop()), U, "strides"),
        ("pt: requires_grad on int64",
         _checkpoint(Pickle().tensor(storage="LongStorage", numel=1, size=(1,),
                                     requires_grad=True).stop()), U, "cannot require grad"),
        ("pt: backward hooks", _checkpoint(Pickle().tensor(hooks=True).stop()), U, "hooks"),
        ("pt: bfloat16 storage", _checkpoint(Pickle().tensor(storage="BFloat16Storage",
                                                              numel=4).stop()), U,
         "dtype chainrule does not have"),
        ("pt: one storage as two dtypes", _checkpoint(
            Pickle().op(pickle.MARK).tensor(numel=2).tensor(storage="LongStorage", numel=1,
                                                            size=(1,))
            .op(pickle.LIST).stop()), U, "two dtypes|has 8 bytes"),
        ("pt: persistent id not a storage", _checkpoint(
            Pickle().op(pickle.MARK).str("module").int(1).op(pickle.TUPLE)
            .op(pickle.BINPERSID).stop()), U, "persistent id"),
        ("pt: unknown global numpy scalar", _checkpoint(pickle.dumps(
            {"acc": __import__("numpy").float64(0.5)}, protocol=2)), U, "weights_only=False"),
        ("pt: whole-model global", _checkpoint(Pickle().glob("__main__", "Net")
                                               .op(pickle.EMPTY_TUPLE).op(pickle.REDUCE)
                                               .stop()), U, "__main__.Net"),
        ("pt: bytearray(10**12)", _checkpoint(Pickle().glob("builtins", "bytearray")
                                              .int(10 ** 12).op(pickle.TUPLE1)
                                              .op(pickle.REDUCE).stop()), U, "bytearray"),
        ("pt: tuple keys (hash flooding)", _checkpoint(pickle.dumps(
            {(i, -i): i for i in range(100)}, protocol=2)), U, "key"),
        ("pt: list containing itself", _checkpoint(
            Pickle().op(pickle.EMPTY_LIST).op(pickle.BINPUT, b"\0").op(pickle.BINGET, b"\0")
            .op(pickle.APPEND).stop()), U, "contains itself"),
        ("pt: lists nested 20,000 deep", _checkpoint(
            Pickle().op(pickle.EMPTY_LIST * 20_000).op(pickle.APPEND * 19_999).stop()), U,
         "nests"),
        ("pt: memo entry never stored", _checkpoint(Pickle().op(pickle.LONG_BINGET,
                                                                b"\xff\xff\xff\xff").stop()),
         U, "memo entry"),
        ("pt: huge memo index", _checkpoint(Pickle().op(pickle.NONE).op(
            pickle.LONG_BINPUT, b"\xff\xff\xff\xff").op(pickle.POP).stop()), U,
         "nothing on its stack"),
        ("pt: string claims 4 GB", _checkpoint(Pickle().op(pickle.BINUNICODE,
                                                           b"\xff\xff\xff\xff").stop()), U,
         "truncated"),
        ("pt: integer claims 2 GB", _checkpoint(Pickle().op(pickle.LONG4,
                                                            b"\xff\xff\xff\x7f").stop()), U,
         "truncated"),
        ("pt: no STOP", _checkpoint(Pickle().op(pickle.NONE).out[:]), U, "truncated"),
        ("pt: REDUCE on an empty stack", _checkpoint(Pickle().op(pickle.REDUCE).stop()), U,
         "malformed"),
        ("pt: protocol-0 INST opcode", _checkpoint(b"(i__main__\nNet\n."), U, "opcode"),
        ("pt: SETITEMS into a list", _checkpoint(
            Pickle().op(pickle.EMPTY_LIST).op(pickle.MARK).int(1).int(2)
            .op(pickle.SETITEMS).stop()), U, "SETITEMS into a list"),
        ("pt: BUILD on a tensor", _checkpoint(Pickle().tensor().op(pickle.EMPTY_DICT)
                                              .op(pickle.BUILD).stop()), U, "sets the state"),
    ]
    for name, payload in _marker_payloads():
        cases.append((f"pt: payload {name}", _checkpoint(_in_state_dict(payload)), U,
                      "weights_only=False"))
    return cases


def _flip_storage(good: bytes) -> bytes:
    info = zipfile.ZipFile(io.BytesIO(good)).getinfo("archive/data/0")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    return good[:start] + bytes([good[start] ^ 0xFF]) + good[start + 1:]


def _recompress(good: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(good))
    return _zip({n: source.read(n) for n in source.namelist()}, zipfile.ZIP_DEFLATED)


def _claim_size(good: bytes, size: int) -> bytes:
    """The central directory's entry for data.pkl claims ``size`` bytes of data."""
    data = bytearray(good)
    central = data.find(b"PK\x01\x02")  # the first entry of the directory: data.pkl
    data[central + 20:central + 28] = struct.pack("<II", size, size)
    return bytes(data)


def cases():
    return safetensors_cases() + zip_cases()


def _measure():
    """Each case's error, time (best of 3) and peak memory (tracemalloc, in a run of its own:
    tracing slows allocation), as a table."""
    import time
    import tracemalloc

    def attempt(data):
        try:
            cr.load(io.BytesIO(data))
            return "(loaded)"
        except Exception as e:  # noqa: BLE001 - reported, whatever it is
            return f"{type(e).__name__}: {str(e)[:90]}"

    print("| kind | error | time | peak memory |\n|---|---|---:|---:|")
    for name, data, _, _ in cases():
        times = []
        for _ in range(3):
            start = time.perf_counter()
            error = attempt(data)
            times.append(time.perf_counter() - start)
        tracemalloc.start()
        attempt(data)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"| {name} | {error.replace('|', '/')} | {min(times) * 1000:.1f} ms | "
              f"{peak / 2 ** 20:.2f} MB |")


if __name__ == "__main__":
    _measure()
