"""PyTorch's checkpoint format against real PyTorch, both ways: chainrule.save -> torch.load
(with its default weights_only=True) and torch.save -> chainrule.load, for tensors of every
dtype, state dicts of every layer type chainrule has, optimizer state dicts, nested
containers, and training resumed in the other library."""
from __future__ import annotations

import collections
import inspect
import io

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, to_torch, torch_or_skip

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]


def _to_torch_file(obj):
    torch = torch_or_skip()
    buf = io.BytesIO()
    cr.save(obj, buf)
    buf.seek(0)
    return torch.load(buf)  # weights_only=True: PyTorch's own restricted reader


def _from_torch_file(obj, **load_args):
    torch = torch_or_skip()
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    return cr.load(buf, **load_args)


def _values(dtype: str, shape=(2, 3)):
    rng = np.random.default_rng(0)
    if dtype == "bool":
        return rng.random(shape) > 0.5
    if dtype.startswith("float"):
        return (rng.standard_normal(shape) * 100).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_dtype_both_ways(dtype):
    torch = torch_or_skip()
    for shape in [(2, 3), (), (0, 4), (1, 1, 5)]:
        ours = cr.from_numpy(np.asarray(_values(dtype, shape)))
        theirs = _to_torch_file(ours)
        assert type(theirs) is torch.Tensor
        assert_same(ours, theirs, rtol=0, atol=0)
        back = _from_torch_file(theirs)
        assert_same(back, theirs, rtol=0, atol=0)
    # views PyTorch saves with their storage: a transpose, a slice, an expanded tensor
    base = torch.from_numpy(np.asarray(_values(dtype, (3, 4))))
    for view in (base.t(), base[1:, ::2], base[0, :1].expand(2, 3), base[2]):
        assert_same(_from_torch_file(view), view, rtol=0, atol=0)


def test_tensors_sharing_a_storage_in_pytorch_share_memory_here():
    torch = torch_or_skip()
    base = torch.arange(6.0)
    a, b = _from_torch_file([base, base[2:4]])
    a[2] = 10.0  # as in PyTorch: the view sees the change
    assert b.tolist() == [10.0, 3.0]


def test_requires_grad_parameters_and_special_values():
    torch = torch_or_skip()
    ours = {"p": cr.nn.Parameter(cr.ones(2)), "g": cr.ones(3, requires_grad=True),
            "frozen": cr.nn.Parameter(cr.zeros(1), requires_grad=False),
            "dtype": cr.float64, "size": cr.Size([2, 3]), "device": cr.device("cpu")}
    theirs = _to_torch_file(ours)
    assert type(theirs["p"]) is torch.nn.Parameter and theirs["p"].requires_grad
    assert type(theirs["g"]) is torch.Tensor and theirs["g"].requires_grad
    assert not theirs["frozen"].requires_grad
    assert theirs["dtype"] is torch.float64 and theirs["size"] == torch.Size([2, 3])
    assert theirs["device"] == torch.device("cpu")
    back = _from_torch_file(theirs)
    assert type(back["p"]) is cr.nn.Parameter and back["p"].requires_grad
    assert back["g"].requires_grad and back["g"].grad_fn is None
    assert not back["frozen"].requires_grad
    assert back["dtype"] is cr.float64 and back["size"] == cr.Size([2, 3])
    assert type(back["size"]) is cr.Size and back["device"] == cr.device("cpu")


def test_nested_containers_numbers_and_strings():
    torch_or_skip()
    ours = collections.OrderedDict(
        tensors=[cr.arange(3), (cr.ones(2, 2), {"deep": [cr.tensor(1.5)]})],
        numbers=(0, -7, 2 ** 40, 2 ** 70, 1.25, float("inf"), True, None),
        text=["", "naïve ✓", b"bytes"], ints={1: "one", -2: [3]}, empty=([], (), {}),
        sets={1, 2}, complex=1 + 2j)
    ours["self"] = ours["tensors"][0]  # the same tensor twice stays one tensor
    theirs = _to_torch_file(ours)
    assert type(theirs) is collections.OrderedDict and list(theirs) == list(ours)
    assert theirs["self"] is theirs["tensors"][0]
    back = _from_torch_file(theirs)
    for got in (theirs, back):
        assert got["numbers"] == ours["numbers"] and got["text"] == ours["text"]
        assert got["ints"] == ours["ints"] and got["empty"] == ours["empty"]
        assert got["sets"] == {1, 2} and got["complex"] == 1 + 2j
        assert got["tensors"][1][1]["deep"][0].item() == 1.5
    assert back["self"] is back["tensors"][0]
    assert_same(back["tensors"][1][0], theirs["tensors"][1][0])


# Constructor arguments and an input for every layer of chainrule.nn that has parameters or
# buffers; test_the_layer_table_covers_every_stateful_layer keeps this table complete.
LAYERS = {
    "Linear": ((3, 2), (4, 3)),
    "LazyLinear": None,  # uninitialised parameters until a first call: nothing to save yet
    "Bilinear": ((3, 2, 4), [(5, 3), (5, 2)]),
    "Conv1d": ((2, 3, 3), (1, 2, 7)),
    "Conv2d": ((2, 3, 3), (1, 2, 6, 6)),
    "ConvTranspose2d": ((2, 3, 3), (1, 2, 4, 4)),
    "BatchNorm1d": ((3,), (4, 3)),
    "BatchNorm2d": ((3,), (2, 3, 4, 4)),
    "InstanceNorm1d": ((3, 1e-5, 0.1, True, True), (2, 3, 5)),
    "InstanceNorm2d": ((3, 1e-5, 0.1, True, True), (2, 3, 4, 4)),
    "LayerNorm": ((4,), (2, 4)),
    "GroupNorm": ((2, 4), (2, 4, 3)),
    "Embedding": ((10, 3), "indices"),
    "PReLU": ((), (2, 3)),
    "RNN": ((3, 4), (5, 2, 3)),
    "GRU": ((3, 4), (5, 2, 3)),
    "LSTM": ((3, 4), (5, 2, 3)),
    "RNNCell": ((3, 4), (2, 3)),
    "GRUCell": ((3, 4), (2, 3)),
    "LSTMCell": ((3, 4), (2, 3)),
    "MultiheadAttention": ((4, 2), [(3, 2, 4)] * 3),
    "TransformerEncoderLayer": ((4, 2, 8, 0.0), (3, 2, 4)),
    "TransformerDecoderLayer": ((4, 2, 8, 0.0), [(3, 2, 4), (5, 2, 4)]),
    "Transformer": None,  # built of the layers above: test_state_dict_of_composite_transformer
    "TransformerEncoder": None,
    "TransformerDecoder": None,
    "Conv3d": ((2, 3, 2), (1, 2, 3, 4, 3)),
    "ConvTranspose1d": ((2, 3, 3), (1, 2, 4)),
    "ConvTranspose3d": ((2, 3, 2), (1, 2, 2, 3, 2)),
    "BatchNorm3d": ((3,), (2, 3, 2, 2, 2)),
    "RMSNorm": ((4,), (2, 4)),
    "EmbeddingBag": ((10, 3), "indices"),
    "RNNBase": None,  # no forward of its own (as in PyTorch): RNN, GRU, LSTM above
    "RNNCellBase": None,  # no forward of its own: the cells above are its subclasses
    "AdaptiveLogSoftmaxWithLoss": ((4, 10, [3, 6], 2.0, True), "features and classes"),
}
# Lazy layers hold uninitialised parameters until a first call: nothing to save yet (after
# it they are the layers above; tests/test_nn_lazy.py checks their state dicts).
LAYERS.update(dict.fromkeys(
    ["LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d",
     "LazyConvTranspose3d", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d",
     "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d"]))


def _has_state(cls):
    """Whether a layer built with a few small arguments has parameters or buffers (None: no
    such arguments build it)."""
    for args in [(), (2,), (2, 2), (2, 2, 2), (4, 2)]:
        try:
            return bool(cls(*args).state_dict())
        except Exception:  # noqa: BLE001 - other arguments, then
            continue
    return None


def test_the_layer_table_covers_every_stateful_layer():
    modules = [n for n in dir(cr.nn) if inspect.isclass(getattr(cr.nn, n))
               and issubclass(getattr(cr.nn, n), cr.nn.Module)]
    missing = [n for n in modules if n not in LAYERS and _has_state(getattr(cr.nn, n)) is not False]
    assert not missing, f"layers with state (or unknown arguments) missing from LAYERS: {missing}"


def _inputs(spec, lib, embedding_size=10):
    rng = np.random.default_rng(1)
    if spec == "indices":
        return [lib.tensor(rng.integers(0, embedding_size, size=(2, 5)))]
    if spec == "features and classes":
        return [lib.tensor(rng.standard_normal((5, 4)).astype(np.float32)),
                lib.tensor(rng.integers(0, 10, size=5))]
    specs = spec if isinstance(spec, list) else [spec]
    return [lib.tensor(rng.standard_normal(s).astype(np.float32)) for s in specs]


def _first(output):
    return output[0] if isinstance(output, tuple) else output


@pytest.mark.parametrize("name", [n for n, spec in LAYERS.items() if spec is not None])
def test_state_dict_of_every_layer_both_ways(name):
    torch = torch_or_skip()
    args, spec = LAYERS[name]
    ours, theirs = getattr(cr.nn, name)(*args).eval(), getattr(torch.nn, name)(*args).eval()
    # chainrule -> PyTorch: strict load, same values, same outputs
    theirs.load_state_dict(_to_torch_file(ours.state_dict()), strict=True)
    for (k, v), (k2, w) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        assert k == k2
        assert_same(v, w, rtol=0, atol=0)
    with torch.no_grad():
        expected = _first(theirs(*_inputs(spec, torch)))
    assert_same(_first(ours(*_inputs(spec, cr))), expected, rtol=1e-5, atol=1e-5)
    # PyTorch -> chainrule: a freshly initialised PyTorch layer
    torch.manual_seed(3)
    fresh = getattr(torch.nn, name)(*args).eval()
    ours.load_state_dict(_from_torch_file(fresh.state_dict()), strict=True)
    with torch.no_grad():
        expected = _first(fresh(*_inputs(spec, torch)))
    assert_same(_first(ours(*_inputs(spec, cr))), expected, rtol=1e-5, atol=1e-5)


def test_state_dict_of_composite_transformer_both_ways():
    torch = torch_or_skip()
    args = dict(d_model=4, nhead=2, num_encoder_layers=1, num_decoder_layers=1,
                dim_feedforward=8, dropout=0.0)
    ours, theirs = cr.nn.Transformer(**args).eval(), torch.nn.Transformer(**args).eval()
    theirs.load_state_dict(_to_torch_file(ours.state_dict()), strict=True)
    src, tgt = _inputs([(3, 2, 4), (5, 2, 4)], cr)
    with torch.no_grad():
        expected = theirs(to_torch(src), to_torch(tgt))
    assert_same(ours(src, tgt), expected, rtol=1e-5, atol=1e-5)
    theirs2 = torch.nn.Transformer(**args).eval()
    ours.load_state_dict(_from_torch_file(theirs2.state_dict()), strict=True)
    with torch.no_grad():
        expected = theirs2(to_torch(src), to_torch(tgt))
    assert_same(ours(src, tgt), expected, rtol=1e-5, atol=1e-5)


OPTIMIZERS = {
    "SGD": dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    "Adam": dict(lr=0.01, amsgrad=True),
    "AdamW": dict(lr=0.01, weight_decay=0.1),
    "RMSprop": dict(lr=0.01, momentum=0.5, centered=True),
    "Adagrad": dict(lr=0.1),
}


def _regression(lib):
    rng = np.random.default_rng(2)
    x = lib.tensor(rng.standard_normal((16, 3)).astype(np.float32))
    y = lib.tensor(rng.standard_normal((16, 1)).astype(np.float32))
    return x, y


def _train(lib, model, opt, steps):
    x, y = _regression(lib)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def _model(lib, seed_values=None):
    model = lib.nn.Sequential(lib.nn.Linear(3, 8), lib.nn.Tanh(), lib.nn.Linear(8, 1))
    with lib.no_grad():
        for i, p in enumerate(model.parameters()):
            values = np.linspace(-0.5, 0.5, p.numel(), dtype=np.float32) * (i + 1)
            p.copy_(lib.tensor(values.reshape(tuple(p.shape))))
    return model


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("first", ["chainrule", "torch"])
def test_training_resumes_in_the_other_library(name, first):
    """Three steps in one library, a checkpoint (model, optimizer, epoch), three more steps in
    each library from that checkpoint: the same losses."""
    torch = torch_or_skip()
    libs = {"chainrule": cr, "torch": torch}
    a, b = libs[first], libs["torch" if first == "chainrule" else "chainrule"]
    model = _model(a)
    opt = getattr(a.optim, name)(model.parameters(), **OPTIMIZERS[name])
    _train(a, model, opt, 3)
    buf = io.BytesIO()
    a.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}, buf)
    continued = _train(a, model, opt, 3)

    buf.seek(0)
    checkpoint = b.load(buf)
    assert checkpoint["epoch"] == 3
    resumed = _model(b)
    resumed.load_state_dict(checkpoint["model"])
    opt_b = getattr(b.optim, name)(resumed.parameters(), **OPTIMIZERS[name])
    opt_b.load_state_dict(checkpoint["optimizer"])
    np.testing.assert_allclose(_train(b, resumed, opt_b, 3), continued, rtol=2e-6)


def test_file_layout_matches_pytorch(tmp_path):
    """The records PyTorch writes, in its order, 64-byte aligned, stored uncompressed."""
    torch = torch_or_skip()
    import zipfile
    cr.save({"w": cr.ones(3), "b": cr.zeros(2)}, tmp_path / "ours.pt")
    torch.save({"w": torch.ones(3), "b": torch.zeros(2)}, tmp_path / "theirs.pt")
    ours, theirs = zipfile.ZipFile(tmp_path / "ours.pt"), zipfile.ZipFile(tmp_path / "theirs.pt")
    strip = [n.split("/", 1)[1] for n in theirs.namelist()]
    assert [n.split("/", 1)[1] for n in ours.namelist()] == strip
    raw = (tmp_path / "ours.pt").read_bytes()
    for info in ours.infolist():
        assert info.compress_type == zipfile.ZIP_STORED
        if "/data/" in info.filename:
            name_length, extra_length = np.frombuffer(raw[info.header_offset + 26:
                                                          info.header_offset + 30], "<u2")
            assert (info.header_offset + 30 + name_length + extra_length) % 64 == 0
    assert ours.read("archive/byteorder") == theirs.read(theirs.namelist()[3])


def test_whole_model_saved_and_loaded_with_the_explicit_opt_in(tmp_path):
    model = cr.nn.Sequential(cr.nn.Linear(2, 3), cr.nn.ReLU())
    cr.save(model, tmp_path / "model.pt")
    with pytest.raises(Exception, match="weights_only=False") as caught:
        cr.load(tmp_path / "model.pt")
    assert "chainrule.nn.Sequential" in str(caught.value)
    back = cr.load(tmp_path / "model.pt", weights_only=False)
    assert type(back) is cr.nn.Sequential and type(back[0]) is cr.nn.Linear
    x = cr.randn(4, 2)
    assert cr.equal(back(x), model(x))


def test_map_location_to_the_cpu_only(tmp_path):
    cr.save(cr.ones(2), tmp_path / "t.pt")
    for where in (None, "cpu", cr.device("cpu"), {"cpu": "cpu"}, lambda storage, loc: storage):
        assert cr.equal(cr.load(tmp_path / "t.pt", map_location=where), cr.ones(2))
    with pytest.raises(AssertionError, match="CUDA"):
        cr.load(tmp_path / "t.pt", map_location="cuda")
