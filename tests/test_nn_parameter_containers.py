"""nn.ParameterList and nn.ParameterDict against PyTorch: the same operations on both give
the same keys, values, registered parameters, printing and errors."""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, to_torch

torch = pytest.importorskip("torch")


def _arrays():
    rng = np.random.default_rng(0)
    return {"b": rng.standard_normal((2, 3)).astype(np.float32),
            "a": rng.standard_normal(4), "c": rng.standard_normal(1).astype(np.float32)}


def _script(lib, arrays):
    """A run of dict operations on ``lib.nn.ParameterDict``; returns what it saw."""
    params = lib.nn.ParameterDict({k: lib.from_numpy(v) for k, v in arrays.items()})
    seen = [list(params), repr(params)]
    params["d"] = lib.nn.Parameter(lib.zeros(2, dtype=lib.float64))
    params.update([("e", 3), ("f", lib.ones(1))])
    params.update(OrderedDict([("z", lib.ones(2)), ("y", lib.zeros(2))]))
    seen += [list(params), list(reversed(params)), "d" in params, params.get("q", 5)]
    seen.append(params.setdefault("g", lib.ones(3)).shape)
    seen += [params.pop("a"), params.popitem()[0], len(params)]
    del params["e"]
    merged = params | lib.nn.ParameterDict({"h": lib.ones(1)})
    seen += [list(merged), list(params.copy()), list(params.fromkeys(["u", "v"]).keys())]
    seen += [name for name, _ in params.named_parameters()]
    seen.append(repr(params))
    params.clear()
    seen += [len(params), repr(params)]
    return seen


def test_parameter_dict_matches_torch():
    ours, theirs = _script(cr, _arrays()), _script(torch, _arrays())
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        if isinstance(b, torch.Tensor):
            assert type(a).__name__ == type(b).__name__ == "Parameter"
            assert_same(a, b)
        elif isinstance(b, torch.Size):
            assert tuple(a) == tuple(b)
        else:
            assert a == b


def test_parameter_dict_registers_with_parent_and_trains():
    class Net(cr.nn.Module):
        def __init__(self):
            super().__init__()
            self.heads = cr.nn.ParameterDict({"w": cr.ones(2), "v": cr.full((2,), 2.0)})

        def forward(self, x):
            return (x * self.heads["w"] + self.heads["v"]).sum()

    net = Net()
    assert [n for n, _ in net.named_parameters()] == ["heads.v", "heads.w"]
    net(cr.tensor([1.0, 3.0])).backward()
    assert net.heads["w"].grad.tolist() == [1.0, 3.0]
    state = net.state_dict()
    assert list(state) == ["heads.v", "heads.w"]
    twin = Net()
    twin.load_state_dict({k: v * 3 for k, v in state.items()})
    assert twin.heads["v"].tolist() == [6.0, 6.0]


@pytest.mark.parametrize("call,error", [
    (lambda lib: lib.nn.ParameterDict({})[1], TypeError),
    (lambda lib: lib.nn.ParameterDict(5), TypeError),
    (lambda lib: lib.nn.ParameterDict([("a", 1, 2)]), ValueError),
    (lambda lib: lib.nn.ParameterDict([3]), TypeError),
    (lambda lib: lib.nn.ParameterDict()["missing"], AttributeError),
    (lambda lib: lib.nn.ParameterDict().popitem(), KeyError),
    (lambda lib: lib.nn.ParameterDict()(1), RuntimeError),
    (lambda lib: lib.nn.ParameterList()(1), RuntimeError),
    (lambda lib: lib.nn.ParameterList([lib.ones(1)])[3], IndexError),
    (lambda lib: lib.nn.ParameterList(lib.ones(2)), TypeError),
])
def test_errors_match_torch(call, error):
    with pytest.raises(error) as theirs:
        call(torch)
    with pytest.raises(error) as ours:
        call(cr)
    if error is not AttributeError:  # PyTorch names its own class in that message
        assert str(ours.value).split(". Fix")[0] == str(theirs.value).split(". Open")[0]


def test_parameter_list_matches_torch():
    def script(lib):
        values = lib.nn.ParameterList([lib.ones(2), "text", lib.zeros(3, dtype=lib.float64)])
        values += [lib.ones(1)]
        values[1] = lib.full((2, 2), 3.0)
        values.append(7)
        part = values[1:4:2]
        return [len(values), repr(values), repr(part), [n for n, _ in values.named_parameters()],
                [type(v).__name__ for v in values], "0" in dir(values)]

    assert script(cr) == script(torch)
    values = cr.nn.ParameterList([cr.ones(2)])
    assert_same(values[-1], to_torch(cr.ones(2)))
