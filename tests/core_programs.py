"""Small autograd programs run by both cores, for tests/test_core.py's differential test.

A program is plain data (so it can be sent to a process running the other core): leaves,
then steps that each append one tensor, then a backward pass.  ``run`` returns everything
observable as bytes and strings: values, dtypes, grad_fn names, the leaves' gradients,
retained gradients, or the error raised (its type and message).

Run as a script, it serves programs over stdin/stdout (pickled), one answer per program.
"""
from __future__ import annotations

import gc
import operator
import pickle
import sys

import numpy as np

UNARY = ("exp", "tanh", "neg", "sin", "sigmoid", "relu", "abs", "square", "sqrt", "log")
BINARY = ("add", "sub", "mul", "div", "maximum", "matmul")
SCALAR = ("add", "sub", "mul", "div", "pow")
OPERATOR = ("+", "-", "*", "/", "**")  # between two tensors, Python's operators
_OPERATOR_FUNCTIONS = {"+": operator.add, "-": operator.sub, "*": operator.mul,
                       "/": operator.truediv, "**": operator.pow}
_OPERATOR_METHODS = {"+": "__add__", "-": "__sub__", "*": "__mul__", "/": "__truediv__",
                     "**": "__pow__"}
REDUCE = ("sum", "mean", "sum0", "sum_keep", "mean_keep", "max_keep", "neg")
VIEW = ("reshape", "T", "first", "unsqueeze")


def _observe(t) -> tuple:
    data = t.detach().numpy()
    grad_fn = t.grad_fn
    return (data.dtype.str, data.shape, data.tobytes(), t.requires_grad,
            None if grad_fn is None else grad_fn.name())


def _step(torch, values: list, step: tuple, hooks: list):
    kind, name = step[0], step[1]
    x = values[step[2] % len(values)]
    if kind == "unary":
        return getattr(torch, name)(x)
    if kind == "binary":
        y = values[step[3] % len(values)]
        return x @ y if name == "matmul" else getattr(torch, name)(x, y)
    if kind == "operator":  # x - y, or the bound method x.__sub__(y)
        y = values[step[3] % len(values)]
        if step[4]:
            return getattr(x, _OPERATOR_METHODS[name])(y)
        return _OPERATOR_FUNCTIONS[name](x, y)
    if kind == "scalar":
        number, reverse = step[3], step[4]
        if name == "pow":
            return x ** number if not reverse else abs(number) ** x
        methods = {"add": "__add__", "sub": "__sub__", "mul": "__mul__", "div": "__truediv__"}
        if reverse:
            methods = {k: v.replace("__", "__r", 1) for k, v in methods.items()}
        return getattr(x, methods[name])(number)
    if kind == "reduce":  # (and -x, the operator: a C method where the core is compiled)
        if name == "sum_keep":
            return x.sum(dim=-1, keepdim=True)
        if name == "mean_keep":
            return x.mean(axis=0, keepdims=True)
        if name == "max_keep":
            return x.max(dim=-1, keepdim=True)[0]
        if name == "neg":
            return -x
        return x.sum(0) if name == "sum0" else getattr(x, name)()
    if kind == "view":
        if name == "reshape":
            return x.reshape(-1)
        if name == "T":
            return x.T if x.ndim == 2 else x.unsqueeze(0)
        if name == "first":
            return x[0] if x.ndim else x * 1
        return x.unsqueeze(-1)
    if kind == "inplace":  # on a fresh non-leaf copy: PyTorch refuses leaves
        y = x * 1
        y.mul_(step[3])
        return y
    if kind == "update":  # a gradient-descent step: x -= 0.5 * y under no_grad (in place)
        y = values[step[3] % len(values)]
        with torch.no_grad():
            x -= 0.5 * y
        return x
    if kind == "zero":  # x.zero_(): refused for a leaf that requires grad, else in place
        return x.zero_()
    if kind == "hook":  # a tensor hook that scales the gradient passing through
        y = x * 1
        if y.requires_grad:
            hooks.append(y.register_hook(lambda g, s=step[3]: g * s))
        return y
    if kind == "chain":  # its intermediates dropped (the compiled core's owned nodes), then
        y = x            # a collection walks the graph
        for _ in range(step[3]):
            y = y * 0.5 + 1.0
        gc.collect()
        return y
    if kind == "retain":
        y = x + 0
        if y.requires_grad:
            y.retain_grad()
        return y
    raise ValueError(kind)


def run(torch, program) -> tuple:
    """Everything observable of ``program`` run with ``torch`` (chainrule), as plain data."""
    leaves, steps, mode = program
    values = []
    for shape, dtype, requires_grad, seed in leaves:
        data = np.random.default_rng(seed).standard_normal(shape)
        data = data > 0 if dtype == "bool" else data.astype(dtype)
        values.append(torch.tensor(data, requires_grad=requires_grad and data.dtype.kind == "f"))
    hooks: list = []
    seen = []
    try:
        for step in steps:
            values.append(_step(torch, values, step, hooks))
            seen.append(_observe(values[-1]))
        parts = [v.sum() for v in values[len(leaves):] if v.requires_grad and v.is_floating_point()]
        if parts:
            loss = parts[0]
            for p in parts[1:]:
                loss = loss + p.to(loss.dtype)
            grads_of = [v for v in values[:len(leaves)] if v.requires_grad]
            if mode == "create_graph" and grads_of:
                grads = torch.autograd.grad(loss, grads_of, create_graph=True, allow_unused=True)
                second = [g.sum() for g in grads if g is not None and g.requires_grad]
                seen.extend(_observe(g) for g in grads if g is not None)
                if second:
                    total = second[0]
                    for s in second[1:]:
                        total = total + s.to(total.dtype)
                    total.backward()
            elif mode == "twice":  # the second pass adds into the .grad the first made
                loss.backward(retain_graph=True)
                loss.backward()
            else:
                loss.backward()
            seen.append(_observe(loss))
        for v in values:  # (a non-leaf has a .grad only where it retains it)
            grad = v.grad if v.is_leaf or v.retains_grad else None
            seen.append(None if grad is None else _observe(grad))
    except Exception as error:  # the same error, with the same message, from both cores
        seen.append((type(error).__name__, str(error)))
    return tuple(seen)


def serve() -> None:
    """Answer pickled programs from stdin with pickled results on stdout, until EOF."""
    import chainrule as torch

    source, sink = sys.stdin.buffer, sys.stdout.buffer
    pickle.dump(torch.engine.core_name(), sink)
    sink.flush()
    while True:
        try:
            program = pickle.load(source)
        except EOFError:
            return
        pickle.dump(run(torch, program), sink)
        sink.flush()


if __name__ == "__main__":
    serve()
