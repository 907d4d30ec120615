"""Automatic differentiation: the engine and its public entry points.

``backward`` and ``grad`` seed the output gradient and hand the graph to the
engine; ``Function`` lets users add operations with their own rules.
"""
from __future__ import annotations

from . import function, grad_mode
from .engine import run_backward
from .function import Function, once_differentiable
from .grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .graph import Node

__all__ = ["backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "Node", "grad_mode", "gradcheck", "gradgradcheck", "GradcheckError",
           "Function", "once_differentiable", "forward_ad", "functional", "graph"]


def __getattr__(name: str):
    # forward_ad, functional and anomaly load on first use (they are rarely needed).
    import importlib
    if name in ("forward_ad", "functional", "anomaly"):
        return importlib.import_module(f"{__name__}.{name}")
    if name in ("detect_anomaly", "set_detect_anomaly"):
        from . import anomaly
        return getattr(anomaly, name)
    if name == "Variable":  # legacy, rarely used
        from .variable import Variable
        return Variable
    if name == "torch":  # torch.autograd.torch is torch, as in PyTorch
        import chainrule
        return chainrule
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _as_tuple(x) -> tuple:
    if x is None:
        return ()
    if isinstance(x, function.Tensor):
        return (x,)
    return tuple(x)


def _make_grads(outputs, grad_outputs) -> list:
    Tensor = function.Tensor
    grads = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if g is None:
            if out._data.size != 1:
                raise RuntimeError(
                    "grad can be implicitly created only for scalar outputs. Fix: reduce the "
                    f"output (shape {list(out.shape)}) to one number first, e.g. y.sum()."
                    "backward(), or pass gradient=torch.ones_like(y) to say how to weight "
                    "its elements.")
            if not out.dtype.is_floating_point:
                raise RuntimeError(
                    f"grad can be implicitly created only for real scalar outputs but got "
                    f"{out.dtype}")
            # ones, made by the engine in the form it runs on (an array or a tensor)
        elif not isinstance(g, Tensor):
            from .._creation import tensor
            g = tensor(g, dtype=out.dtype)
        elif g.shape != out.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                f"has a shape of {out.shape}.")
        grads.append(g)
    return grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph: bool = False,
             grad_variables=None, inputs=None) -> None:
    """Accumulate into the leaves' ``.grad`` the gradient of ``tensors``.

    >>> import chainrule as torch
    >>> x = torch.tensor(1.0, requires_grad=True)
    >>> torch.autograd.backward(3 * x ** 2 - 4 * x); x.grad
    tensor(2.)
    """
    outputs = _as_tuple(tensors)
    if grad_tensors is None:
        grad_tensors = [None] * len(outputs)
    else:
        grad_tensors = list(_as_tuple(grad_tensors)) if not isinstance(grad_tensors, list) \
            else grad_tensors
    if retain_graph is None:
        retain_graph = create_graph
    inputs = _as_tuple(inputs) if inputs is not None else None
    if inputs is not None and not inputs:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    grads = _make_grads(outputs, grad_tensors)
    run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph: bool = False,
         only_inputs: bool = True, allow_unused=None, is_grads_batched: bool = False,
         materialize_grads: bool = False):
    """The gradients of ``outputs`` with respect to ``inputs``, returned (not accumulated).

    With ``create_graph=True`` the result is itself differentiable, which gives
    second derivatives.

    >>> import chainrule as torch
    >>> x = torch.tensor(2.0, requires_grad=True)
    >>> (g,) = torch.autograd.grad(x ** 3, x, create_graph=True)
    >>> g, torch.autograd.grad(g, x)[0]
    (tensor(12., grad_fn=<MulBackward0>), tensor(12.))
    """
    outputs = _as_tuple(outputs)
    inputs_t = _as_tuple(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    else:
        grad_outputs = list(_as_tuple(grad_outputs))
    if allow_unused is None:
        allow_unused = materialize_grads
    for t in inputs_t:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if retain_graph is None:
        retain_graph = create_graph
    grads = _make_grads(outputs, grad_outputs)
    result = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs_t,
                          accumulate=False)
    for i, g in enumerate(result):
        if g is None:
            if materialize_grads:
                from .._creation import zeros_like
                result[i] = zeros_like(inputs_t[i])
            elif not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior.")
    return tuple(result)
