"""Calling a graph node directly (``y.grad_fn(g)``), against PyTorch."""
from __future__ import annotations

import pytest

from both_libraries import same_verdict


def graphs(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    return {
        "pow": (x ** 2, (lib.ones(2),)),
        "mul with a constant": (x * x.detach(), (lib.ones(2),)),
        "broadcast": (x * lib.ones(3, 2), (lib.ones(3, 2),)),  # not reduced to x's shape
        "promotion": (x.double() * 2, (lib.ones(2, dtype=lib.float64),)),
        "unbind": (x.unbind()[0], (lib.tensor(1.0), lib.tensor(2.0))),
        "cat": (lib.cat([x, x]), (lib.arange(4.0),)),
        "undefined gradient": (x ** 2, (None,)),
    }


def described(result):
    results = result if isinstance(result, tuple) else (result,)
    return (type(result).__name__,
            [None if r is None else (r.tolist(), str(r.dtype), repr(r).split("grad_fn=")[-1])
             for r in results])


@pytest.mark.parametrize("name", list(graphs(__import__("chainrule"))))
@pytest.mark.parametrize("grad_mode", [True, False])
def test_a_node_applies_its_rules(name, grad_mode):
    def scenario(lib):
        y, grads = graphs(lib)[name]
        with lib.set_grad_enabled(grad_mode):
            return described(y.grad_fn(*grads))
    same_verdict(scenario)


@pytest.mark.parametrize("args", ["()", "(g, g)", "(3,)", "('a',)"])
def test_bad_calls(args):
    def scenario(lib):
        y = lib.ones(1, requires_grad=True) ** 2
        return y.grad_fn(*eval(args, {"g": lib.ones(1)}))
    same_verdict(scenario)
