"""Higher-level derivatives of a function: ``torch.autograd.functional``.

Each takes a function of tensors and the point to differentiate at, and
returns plain tensors (``create_graph=True`` keeps them differentiable):

- ``vjp(f, x, v)``  = vᵀ J            one backward pass
- ``jvp(f, x, v)``  = J v             two backward passes (the "double vjp" trick:
                                      vᵀ J is linear in v, so differentiating it with
                                      respect to v gives J back)
- ``jacobian(f, x)``                  one backward pass per output element
                                      (or, with strategy="forward-mode", one
                                      forward-mode pass per input element)
- ``hessian(f, x)`` = jacobian of the gradient
- ``vhp(f, x, v)``  = vᵀ H, ``hvp(f, x, v)`` = H v

``vectorize=True`` is accepted: chainrule computes the rows one after the other
either way (PyTorch batches them with vmap), so the results are the same.
"""
from __future__ import annotations

from .._backend import xp
from ..engine import grad_mode
from ..engine.backward import grad as autograd_grad
from ..functions.creation import ones_like, zeros, zeros_like
from ..functions.joining import stack
from ..ops.shape import alias
from ..tensor import Tensor
from . import forward_ad

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]




def _as_tuple(x, arg_name: str, fn_name: str):
    """(tuple of tensors, whether the caller passed a tuple)."""
    is_tuple = isinstance(x, (tuple, list))
    items = tuple(x) if is_tuple else (x,)
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            where = f"element {i} of " if is_tuple else ""
            raise TypeError(f"The {where}{arg_name} given to {fn_name} must be either a Tensor "
                            f"or a tuple of Tensors but the value at index {i} has type "
                            f"{type(t).__name__}.")
    return items, is_tuple


def _prepare_inputs(inputs, create_graph: bool) -> tuple:
    """Fresh tensors requiring grad at the same values.

    With create_graph they stay connected to the caller's graph (an alias),
    so the results can be differentiated again with respect to the originals.
    """
    out = []
    for x in inputs:
        if create_graph and x.requires_grad:
            out.append(alias(x))
        else:
            out.append(x.detach().requires_grad_(x.dtype.is_floating_point))
    return tuple(out)


def _finish(results, create_graph: bool):
    """Detach results unless the caller asked to keep their graph."""
    if isinstance(results, tuple):
        return tuple(_finish(r, create_graph) for r in results)
    if results is None or create_graph:
        return results
    return results.detach()


def _grad(outputs, inputs, grad_outputs, create_graph: bool, strict: bool, what: str):
    """autograd.grad with unused inputs as zeros (or an error in strict mode)."""
    diff = [o for o in outputs if o.requires_grad]
    gos = [g for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if diff:
        grads = autograd_grad(diff, inputs, gos, retain_graph=True, create_graph=create_graph,
                              allow_unused=True)
    else:
        grads = (None,) * len(inputs)
    result = []
    for i, (x, g) in enumerate(zip(inputs, grads)):
        if g is None:
            if strict:
                raise RuntimeError(
                    f"The output of the user-provided function is independent of input {i}. "
                    f"This is not allowed in strict mode{what}. Fix: pass strict=False to get "
                    "zeros for it.")
            g = zeros_like(x)
        result.append(g)
    return tuple(result)


def _check_v(v, outputs, name: str, fn_name: str):
    v, _ = _as_tuple(v, name, fn_name)
    if len(v) != len(outputs):
        raise RuntimeError(f"{name} is expected to have the same length as the "
                           f"{'outputs' if 'vjp' in fn_name or 'vhp' in fn_name else 'inputs'} "
                           f"({len(outputs)}) but got {len(v)}.")
    for i, (a, b) in enumerate(zip(v, outputs)):
        if a.shape != b.shape:
            raise RuntimeError(f"Mismatch in shape: {name}[{i}] has a shape of {a.shape} but "
                               f"it must have shape {b.shape}.")
    return v


def _call(func, inputs):
    with grad_mode.enable_grad():
        out = func(*inputs)
    outputs, is_tuple = _as_tuple(out, "outputs of the user-provided function", "func")
    for o in outputs:
        if not isinstance(o, Tensor):
            raise TypeError("The outputs of the user-provided function must be Tensors.")
    return outputs, is_tuple


def vjp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), vᵀ J)``: the vector-Jacobian product at ``inputs``.

    >>> import chainrule as torch
    >>> from chainrule.autograd.functional import vjp
    >>> vjp(lambda x: x ** 2, torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0]))
    (tensor([1., 4.]), tensor([2., 4.]))
    """
    inputs, in_tuple = _as_tuple(inputs, "inputs", "vjp")
    xs = _prepare_inputs(inputs, create_graph)
    outputs, out_tuple = _call(func, xs)
    if v is None:
        if len(outputs) != 1 or outputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function "
                               "returns a single Tensor with a single element. Fix: pass v.")
        v = (ones_like(outputs[0]),)
    v = _check_v(v, outputs, "v", "vjp")
    grads = _grad(outputs, xs, v, create_graph, strict, "")
    outs = _finish(outputs, create_graph)
    grads = _finish(grads, create_graph)
    return (outs if out_tuple else outs[0]), (grads if in_tuple else grads[0])


def jvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), J v)``: the Jacobian-vector product at ``inputs``.

    >>> import chainrule as torch
    >>> from chainrule.autograd.functional import jvp
    >>> jvp(lambda x: x ** 2, torch.tensor([1.0, 2.0]), torch.tensor([1.0, 0.0]))
    (tensor([1., 4.]), tensor([2., 0.]))
    """
    inputs, in_tuple = _as_tuple(inputs, "inputs", "jvp")
    if v is None:
        if len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided "
                               "function is a single Tensor with a single element. Fix: pass v.")
        v = (ones_like(inputs[0]),)
    v = _check_v(v, inputs, "v", "jvp")
    xs = _prepare_inputs(inputs, create_graph)
    outputs, out_tuple = _call(func, xs)
    # u is a dummy cotangent: g(u) = uᵀJ is linear in u, and d(g(u)·v)/du = J v.
    us = tuple(zeros_like(o).requires_grad_() for o in outputs)
    with grad_mode.enable_grad():
        g = _grad(outputs, xs, us, True, strict, "")
        jv = _grad(g, us, v, create_graph, strict, " (for the double backward)")
    outs = _finish(outputs, create_graph)
    jv = _finish(jv, create_graph)
    return (outs if out_tuple else outs[0]), (jv if out_tuple else jv[0])


def jacobian(func, inputs, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``; entry ``[i][j]`` has shape out_i.shape + in_j.shape.

    A single tensor in and out gives a single tensor; tuples give tuples.

    >>> import chainrule as torch
    >>> from chainrule.autograd.functional import jacobian
    >>> jacobian(lambda x: x ** 2, torch.tensor([1.0, 2.0]))
    tensor([[2., 0.],
            [0., 4.]])
    """
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode". '
                         f'Got {strategy!r}.')
    if strategy == "forward-mode" and create_graph:
        raise NotImplementedError("torch.autograd.functional.jacobian does not support "
                                  "create_graph=True with strategy='forward-mode'.")
    if strategy == "forward-mode" and strict:
        raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and "
                           "`strategy=\"forward-mode\"` are not supported together (yet). "
                           "Please either set `strict=False` or `strategy=\"reverse-mode\"`.")
    inputs, in_tuple = _as_tuple(inputs, "inputs", "jacobian")
    xs = _prepare_inputs(inputs, create_graph)
    outputs, out_tuple = _call(func, xs)
    if strategy == "forward-mode":
        jac = _jacobian_forward(func, inputs, outputs)
    else:
        jac = _jacobian_reverse(outputs, xs, create_graph, strict)
    jac = tuple(tuple(_finish(j, create_graph) for j in row) for row in jac)
    if not out_tuple:
        jac = jac[0]
        return jac if in_tuple else jac[0]
    return jac if in_tuple else tuple(row[0] for row in jac)


def _jacobian_reverse(outputs, xs, create_graph, strict):
    jac = []
    for i, out in enumerate(outputs):
        rows = [[] for _ in xs]
        flat = out.reshape(-1)
        for e in range(out.numel()):
            grads = (None,) * len(xs)
            if out.requires_grad:
                onehot = xp.zeros(out.numel(), dtype=out._data.dtype)
                onehot[e] = 1
                grads = autograd_grad(flat, xs, Tensor._make(onehot), retain_graph=True,
                                      create_graph=create_graph, allow_unused=True)
            for j, (x, g) in enumerate(zip(xs, grads)):
                if g is None:
                    if strict:
                        raise RuntimeError(
                            f"Output {i} of the user-provided function is independent of input "
                            f"{j}. This is not allowed in strict mode. Fix: pass strict=False.")
                    g = zeros(x.shape, dtype=x.dtype)
                rows[j].append(g)
        jac.append(tuple(
            stack(r).reshape(tuple(out.shape) + tuple(x.shape)) if r
            else zeros(tuple(out.shape) + tuple(x.shape), dtype=x.dtype)
            for r, x in zip(rows, xs)))
    return tuple(jac)


def _jacobian_forward(func, inputs, outputs):
    """One forward-mode pass per input element: column e of J is J times a one-hot tangent."""
    columns = [[[] for _ in inputs] for _ in outputs]
    for j, x in enumerate(inputs):
        for e in range(x.numel()):
            onehot = xp.zeros(x.numel(), dtype=x._data.dtype)
            onehot[e] = 1
            with forward_ad.dual_level():
                duals = [forward_ad.make_dual(y.detach(), Tensor._make(
                    onehot.reshape(x._data.shape) if k == j else xp.zeros_like(y._data)))
                    for k, y in enumerate(inputs)]
                outs, _ = _call(func, duals)
                for i, o in enumerate(outs):
                    t = forward_ad.unpack_dual(o).tangent
                    columns[i][j].append(t if t is not None else zeros(o.shape, dtype=o.dtype))
    jac = []
    for i, out in enumerate(outputs):
        row = []
        for j, x in enumerate(inputs):
            cols = columns[i][j]
            if cols:
                # stacked as (in elements, *out.shape): move the input axis to the back
                s = stack(cols, dim=-1).reshape(tuple(out.shape) + tuple(x.shape))
            else:
                s = zeros(tuple(out.shape) + tuple(x.shape), dtype=out.dtype)
            row.append(s)
        jac.append(tuple(row))
    return tuple(jac)


def _scalar_output(func, fn_name: str):
    def wrapped(*xs):
        out = func(*xs)
        outs, is_tuple = _as_tuple(out, "outputs of the user-provided function", fn_name)
        if len(outs) != 1 or outs[0].numel() != 1:
            raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should "
                               "contain a single element. Fix: reduce the output, e.g. .sum().")
        return outs[0].reshape(())
    return wrapped


def hessian(func, inputs, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode"):
    """The Hessian of a scalar function: the Jacobian of its gradient.

    >>> import chainrule as torch
    >>> from chainrule.autograd.functional import hessian
    >>> hessian(lambda x: (x ** 3).sum(), torch.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    inputs_t, in_tuple = _as_tuple(inputs, "inputs", "hessian")
    scalar = _scalar_output(func, "hessian")

    def gradient(*xs):
        (out,), _ = _call(scalar, xs)
        return _grad((out,), xs, (_one(out),), True, strict, "")

    jac = jacobian(gradient, inputs_t, create_graph=create_graph, strict=strict,
                   vectorize=vectorize, strategy=outer_jacobian_strategy)
    if not in_tuple:
        return jac[0][0]
    return jac


def _one(out):
    return ones_like(out)


def vhp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), vᵀ H)`` for a scalar function (Hessian-vector product, row form).

    >>> import chainrule as torch
    >>> from chainrule.autograd.functional import vhp
    >>> vhp(lambda x: (x ** 3).sum(), torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0]))
    (tensor(9.), tensor([ 6., 12.]))
    """
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), H v)`` for a scalar function (equal to vhp: a Hessian is symmetric).

    >>> import chainrule as torch
    >>> from chainrule.autograd.functional import hvp
    >>> hvp(lambda x: (x ** 3).sum(), torch.tensor([1.0, 2.0]), torch.tensor([1.0, 0.0]))
    (tensor(9.), tensor([6., 0.]))
    """
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(func, inputs, v, create_graph, strict, fn_name):
    inputs, in_tuple = _as_tuple(inputs, "inputs", fn_name)
    xs = _prepare_inputs(inputs, create_graph)
    (out,), _ = _call(_scalar_output(func, fn_name), xs)
    if v is None:
        if len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided "
                               "function is a single Tensor with a single element. Fix: pass v.")
        v = (_one(inputs[0]),)
    v = _check_v(v, inputs, "v", fn_name)
    with grad_mode.enable_grad():
        g = _grad((out,), xs, (_one(out),), True, strict, "")
        # Hv = ∇(gᵀv); symmetric H makes vᵀH the same vector.
        hv = _grad(g, xs, v, create_graph, strict, " (for the double backward)")
    out = _finish(out, create_graph)
    hv = _finish(hv, create_graph)
    return out, (hv if in_tuple else hv[0])
