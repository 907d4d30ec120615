"""save/load: round trips in both formats, safetensors interoperability with PyTorch, bad
safetensors files.  (PyTorch's own format against real torch: test_torch_checkpoints.py;
hostile files of both formats: test_hostile_files.py.)"""
from __future__ import annotations

import io
import json
import struct

import numpy as np
import pytest

import chainrule as cr
from chainrule.serialization import SafetensorsError
from helpers import assert_same, from_torch, to_torch


def _roundtrip(obj, format="safetensors"):
    buf = io.BytesIO()
    cr.save(obj, buf, format=format)
    buf.seek(0)
    return cr.load(buf)


@pytest.mark.parametrize("format", ["torch", "safetensors"])
def test_tensor_and_nested_roundtrip(format):
    for dtype in (cr.float32, cr.float64, cr.int64, cr.int32, cr.bool, cr.uint8, cr.float16):
        t = cr.arange(6).reshape(2, 3).to(dtype)
        back = _roundtrip(t, format)
        assert back.dtype is dtype and cr.equal(back, t)
    nested = {"a": [cr.ones(2), 3, "x", None], "b": (1.5, cr.zeros(0)), 7: {"c": True}}
    back = _roundtrip(nested, format)
    assert back["a"][1:] == [3, "x", None] and cr.equal(back["a"][0], cr.ones(2))
    assert isinstance(back["b"], tuple) and back["b"][1].shape == (0,)
    assert back[7] == {"c": True}
    scalar = _roundtrip(cr.tensor(2.5), format)
    assert scalar.shape == () and scalar.item() == 2.5
    transposed = cr.arange(6.0).reshape(2, 3).t()
    assert cr.equal(_roundtrip(transposed, format), transposed)


@pytest.mark.parametrize("suffix", [".pt", ".safetensors"])
def test_model_and_optimiser_state_roundtrip(tmp_path, suffix):
    model = cr.nn.Sequential(cr.nn.Linear(3, 4), cr.nn.BatchNorm1d(4), cr.nn.Linear(4, 2))
    opt = cr.optim.Adam(model.parameters(), lr=0.01, amsgrad=True)
    for _ in range(3):
        opt.zero_grad()
        model(cr.randn(5, 3)).sum().backward()
        opt.step()
    cr.save(model.state_dict(), tmp_path / f"model{suffix}")
    cr.save(opt.state_dict(), tmp_path / f"opt{suffix}")
    clone = cr.nn.Sequential(cr.nn.Linear(3, 4), cr.nn.BatchNorm1d(4), cr.nn.Linear(4, 2))
    clone.load_state_dict(cr.load(tmp_path / f"model{suffix}"))
    for (k, v), (_, w) in zip(model.state_dict().items(), clone.state_dict().items()):
        assert cr.equal(v, w) and v.dtype is w.dtype, k
    opt2 = cr.optim.Adam(clone.parameters())
    opt2.load_state_dict(cr.load(tmp_path / f"opt{suffix}"))
    sd, sd2 = opt.state_dict(), opt2.state_dict()
    assert sd["param_groups"] == sd2["param_groups"]
    for i in sd["state"]:
        for key in sd["state"][i]:
            assert cr.equal(sd["state"][i][key], sd2["state"][i][key])


def test_interoperates_with_pytorch_through_safetensors(tmp_path):
    torch = pytest.importorskip("torch")
    st = pytest.importorskip("safetensors.torch")
    ours = cr.nn.Sequential(cr.nn.Conv2d(1, 2, 3), cr.nn.Flatten(), cr.nn.Linear(8, 3))
    cr.save(ours.state_dict(), tmp_path / "ours.safetensors")
    theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.Flatten(),
                                 torch.nn.Linear(8, 3))
    theirs.load_state_dict(st.load_file(str(tmp_path / "ours.safetensors")))
    x = cr.randn(2, 1, 4, 4)
    assert_same(ours(x), theirs(to_torch(x)), rtol=1e-5, atol=1e-6)
    # and back: a file PyTorch wrote loads into chainrule
    torch.manual_seed(1)
    back = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.Flatten(),
                               torch.nn.Linear(8, 3))
    st.save_file(back.state_dict(), str(tmp_path / "theirs.safetensors"))
    ours.load_state_dict(cr.load(tmp_path / "theirs.safetensors"))
    assert_same(ours(x), back(to_torch(x)), rtol=1e-5, atol=1e-6)
    # PyTorch's own tensors of every common dtype
    tensors = {"f": torch.randn(3), "d": torch.randn(2, 2, dtype=torch.float64),
               "i": torch.arange(4), "b": torch.tensor([True, False])}
    st.save_file(tensors, str(tmp_path / "mix.safetensors"))
    loaded = cr.load(tmp_path / "mix.safetensors")
    for k, v in tensors.items():
        assert_same(loaded[k], v)
    assert_same(from_torch(tensors["f"]), tensors["f"])


def _good_bytes():
    buf = io.BytesIO()
    cr.save({"w": cr.arange(6.0).reshape(2, 3), "b": cr.ones(3)}, buf, format="safetensors")
    return buf.getvalue()


def _with_header(header: dict, body: bytes) -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + body


@pytest.mark.parametrize("damage", ["truncated", "short", "huge_header", "not_json", "dtype",
                                    "offsets", "size", "overlap", "extra_bytes"])
def test_bad_files_raise_and_leave_the_model_untouched(damage):
    good = _good_bytes()
    body = struct.unpack("<Q", good[:8])[0] + 8
    header = json.loads(good[8:body])
    data = {
        "truncated": good[:-5],
        "short": good[:5],
        "huge_header": struct.pack("<Q", 10 ** 12) + good[8:],
        "not_json": good[:8] + b"{" * (body - 8) + good[body:],
        "dtype": _with_header({**header, "w": {**header["w"], "dtype": "X9"}}, good[body:]),
        "offsets": _with_header({**header, "w": {**header["w"], "data_offsets": [0, 10 ** 6]}},
                                good[body:]),
        "size": _with_header({**header, "w": {**header["w"], "shape": [3, 3]}}, good[body:]),
        "overlap": _with_header({**header, "b": {**header["b"], "data_offsets": [0, 12]}},
                                good[body:]),
        "extra_bytes": good + b"\0\0\0\0",
    }[damage]
    model = cr.nn.Linear(3, 2)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(SafetensorsError, match="not a valid safetensors file"):
        model.load_state_dict(cr.load(io.BytesIO(data)))
    assert isinstance(SafetensorsError("x"), RuntimeError)
    for k, v in model.state_dict().items():
        assert cr.equal(v, before[k])


def test_mismatched_file_raises_and_leaves_model_untouched(tmp_path):
    cr.save(cr.nn.Linear(4, 2).state_dict(), tmp_path / "other.safetensors")
    model = cr.nn.Linear(3, 2)
    before = model.weight.clone()
    with pytest.raises(RuntimeError, match="size mismatch for weight"):
        model.load_state_dict(cr.load(tmp_path / "other.safetensors"))
    assert cr.equal(model.weight, before)


def test_safetensors_refuses_objects_that_would_need_pickle():
    with pytest.raises(TypeError, match="state_dict"):
        _roundtrip(cr.nn.Linear(2, 2))
    with pytest.raises(TypeError):
        _roundtrip({"f": lambda: 0})
    assert np.array_equal(_roundtrip({"n": cr.tensor([1, 2])})["n"].numpy(), [1, 2])
