"""Every hostile or damaged file raises its format's one documented error (SafetensorsError
for safetensors, pickle.UnpicklingError for PyTorch checkpoints and unknown formats), with a
message saying what is wrong, within 100 MB of memory; and no payload in a pickle runs."""
from __future__ import annotations

import io
import os
import tracemalloc

import pytest

import chainrule as cr
import hostile_files

CASES = hostile_files.cases()


def test_the_suite_has_both_formats_and_forty_files():
    names = [name for name, *_ in CASES]
    assert len(names) == len(set(names))
    assert sum(n.startswith("st:") for n in names) >= 20
    assert sum(n.startswith("pt:") for n in names) >= 20


@pytest.mark.parametrize("name,data,error,pattern", CASES, ids=[c[0] for c in CASES])
def test_hostile_file_raises_the_documented_error(name, data, error, pattern):
    model = cr.nn.Linear(3, 2)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    tracemalloc.start()
    try:
        with pytest.raises(error, match=pattern) as caught:
            model.load_state_dict(cr.load(io.BytesIO(data)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert type(caught.value) is error  # the format's error itself, not something else
    assert peak < 100 * 2 ** 20, f"{name}: {peak / 2 ** 20:.0f} MB"
    for k, v in model.state_dict().items():
        assert cr.equal(v, before[k])


def test_payloads_never_run(tmp_path):
    if os.path.exists(hostile_files.MARKER):
        os.remove(hostile_files.MARKER)
    payloads = [c for c in CASES if c[0].startswith("pt: payload")]
    assert len(payloads) >= 5
    for name, data, error, _ in payloads:
        path = tmp_path / "evil.pt"
        path.write_bytes(data)
        with pytest.raises(error, match="weights_only=False"):
            cr.load(path)
        with pytest.raises(error):
            cr.load(path, weights_only=True, map_location="cpu")
        assert not os.path.exists(hostile_files.MARKER), name


def test_pytorch_refuses_the_same_payloads_too(tmp_path):
    """The oracle: PyTorch's weights_only loader refuses these files as well."""
    torch = pytest.importorskip("torch")
    import pickle
    for name, data, _, _ in CASES:
        if name.startswith("pt: payload"):
            path = tmp_path / "evil.pt"
            path.write_bytes(data)
            with pytest.raises(pickle.UnpicklingError):
                torch.load(path)
            assert not os.path.exists(hostile_files.MARKER), name
