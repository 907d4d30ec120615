"""Rows that PyTorch records without a derivative: backward reaching their node raises.

PyTorch puts such outputs in the graph (they require grad when an input does, and
``grad_fn`` names the node), so that a backward pass through them fails loudly
instead of treating them as constants: ``histogram``'s ``NotImplemented`` node,
``scatter(..., reduce=)``'s, ``unique_consecutive``'s.
"""
from __future__ import annotations

from ..engine.op import Op, name_in_cpp_namespace


def refusing(name: str, forward, message: str, error=RuntimeError, outputs: str = "one",
             inputs: tuple = ("self",)) -> Op:
    """A row computing ``forward`` whose backward raises ``error(message)`` for ``inputs``."""
    def rule(*grads):
        raise error(message)

    op = Op(name, forward, outputs=outputs, **{n: rule for n in inputs})
    if name == "NotImplemented":  # hand-written in PyTorch's C++ autograd, named with its namespace
        name_in_cpp_namespace(op)
    return op


def not_implemented(forward, aten_name: str, outputs: str = "one",
                    inputs: tuple = ("self",)) -> Op:
    """PyTorch's ``NotImplemented`` node, for an op of ATen name ``aten_name``."""
    return refusing("NotImplemented", forward,
                    f"derivative for {aten_name} is not implemented. Fix: the function is "
                    "piecewise constant or has no derivative in PyTorch; detach() its inputs, "
                    "or use a differentiable formulation.", outputs=outputs, inputs=inputs)


# binomial's samples (drawn by the caller with its generator): no derivative in PyTorch.
binomial = not_implemented(lambda count, prob, samples: samples, "aten::binomial",
                           inputs=("count", "prob"))

# Tensor.set_(source) recorded: the result is source's memory; no derivative in PyTorch.
set_source = not_implemented(lambda self, source: source, "set_", inputs=("self", "source"))
