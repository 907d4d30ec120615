"""Higher-level derivatives of a function: ``torch.autograd.functional``.

Each takes a function of tensors and the point to differentiate at, and
returns plain tensors (``create_graph=True`` keeps them differentiable):

- ``vjp(f, x, v)``  = vᵀ J            one backward pass
- ``jvp(f, x, v)``  = J v             two backward passes (the "double vjp" trick:
                                      uᵀ J is linear in u, so differentiating it with
                                      respect to u along v gives J v)
- ``jacobian(f, x)``                  one backward pass per output element
                                      (or, with strategy="forward-mode", one
                                      forward-mode pass per input element)
- ``hessian(f, x)`` = jacobian of the gradient
- ``vhp(f, x, v)``  = vᵀ H, ``hvp(f, x, v)`` = H v

The arguments are checked, and ``strict=True`` reports an output or a
derivative that does not depend on the inputs, with PyTorch's messages.  The
functions always run ``f`` with recording on (also inside ``no_grad``); the
final backward pass runs in the caller's mode unless ``create_graph=True``.

``vectorize=True`` gives the same results as PyTorch's: chainrule computes
the rows one after the other either way (PyTorch batches them with vmap).
With ``strategy="forward-mode"`` PyTorch requires ``vectorize=True``;
chainrule computes the columns one by one without it too.
"""
from __future__ import annotations

from ..engine import grad_mode
from ..engine.backward import grad as autograd_grad
from ..functions.creation import zeros, zeros_like
from ..functions.joining import stack
from ..tensor import Tensor
from . import forward_ad

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]


# ---------------------------------------------------------------------------
# arguments in, results out
# ---------------------------------------------------------------------------

def _tensors(value, arg_name: str, fn_name: str) -> tuple[bool, tuple]:
    """(was it a tuple, the tensors as a tuple); anything but a Tensor or a tuple of them raises.

    Only a tuple counts as several tensors (a list is one wrong value), as in PyTorch.
    """
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    for i, item in enumerate(items):
        if not isinstance(item, Tensor):
            where = f"value at index {i}" if is_tuple else f"given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a "
                            f"tuple of Tensors but the {where} has type {type(item)}.")
    return is_tuple, items


def _fresh_inputs(inputs, create_graph: bool, fn_name: str) -> tuple[bool, tuple]:
    """(was it a tuple, fresh tensors to differentiate with respect to): ``_tensors`` then
    ``_fresh``, what every product and Jacobian does first with its ``inputs``."""
    inputs_tuple, inputs = _tensors(inputs, "inputs", fn_name)
    return inputs_tuple, _fresh(inputs, create_graph, need_graph=True)


def _unpack(results, was_tuple):
    """Undo ``_tensors``: a single tensor for a single-tensor argument.

    ``was_tuple`` is one flag, or (outer, inner) for a nested result such as a Jacobian.
    """
    if isinstance(was_tuple, tuple):
        outer, inner = was_tuple
        if not inner:
            results = tuple(row[0] for row in results)
        return results if outer else results[0]
    return results if was_tuple else results[0]


def _fresh(tensors, create_graph: bool, need_graph: bool) -> tuple:
    """New tensor objects for the inputs (or ``v``), so ``f``'s own uses of the
    originals (captured from outside) are not mistaken for uses of the inputs.

    With ``create_graph`` an input that requires grad stays connected to its
    graph (a view of it), so the results can be differentiated again with
    respect to the caller's tensors.
    """
    return tuple(t.view_as(t) if create_graph and t.requires_grad
                 else t.detach().requires_grad_(need_graph) for t in tensors)


def _finish(results, create_graph: bool):
    """Detach the results unless the caller asked to keep their graph (nested tuples too)."""
    if isinstance(results, tuple):
        return tuple(_finish(r, create_graph) for r in results)
    return results if create_graph else results.detach()


def _check_v(v, refs, refs_tuple: bool) -> None:
    if len(v) != len(refs):
        if refs_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(refs)} but got "
                               f"{len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (a, ref) in enumerate(zip(v, refs)):
        if a.size() != ref.size():
            entry = f"Entry {i} in " if refs_tuple else ""
            raise RuntimeError(f"{entry}v has invalid size: should be {ref.size()} but got "
                               f"{a.size()}.")


def _v_or_default(v, refs, refs_tuple: bool, create_graph: bool, fn_name: str, what: str):
    """``v`` as a checked tuple, or None where it may be left out (one single-element tensor)."""
    if v is None:
        if len(refs) != 1 or refs[0].nelement() != 1:
            raise RuntimeError(f"The vector v can only be None if {what} a single Tensor with "
                               "a single element.")
        return None
    _, v = _tensors(v, "v", fn_name)
    v = _fresh(v, create_graph, need_graph=False)
    _check_v(v, refs, refs_tuple)
    return v


def _call(func, inputs, fn_name: str) -> tuple[bool, tuple]:
    return _tensors(func(*inputs), "outputs of the user-provided function", fn_name)


def _outputs(func, inputs, strict: bool, fn_name: str) -> tuple[bool, tuple]:
    """``func``'s outputs as ``_call`` gives them, each depending on the inputs if ``strict``."""
    outputs_tuple, outputs = _call(func, inputs, fn_name)
    _require_grad(outputs, "outputs", strict)
    return outputs_tuple, outputs


def _single_output(outputs, outputs_tuple: bool, fn_name: str) -> None:
    if outputs_tuple:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].nelement() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should "
                           "contain a single element")


# ---------------------------------------------------------------------------
# strict mode
# ---------------------------------------------------------------------------

_STRICT_REQUIRES_GRAD = {
    "outputs": "Output {i} of the user-provided function does not require gradients. The "
               "outputs must be computed in a differentiable manner from the input when "
               "running in strict mode.",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of the "
                   "user-provided function. This is not allowed in strict mode.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided "
                "function with respect to input {i} is independent of the input. This is not "
                "allowed in strict mode. You should ensure that your function is twice "
                "differentiable and that the jacobian depends on the inputs (this would be "
                "violated by a linear function for example).",
    "hessian": "The hessian of the user-provided function with respect to input {i} is "
               "independent of the input. This is not allowed in strict mode. You should "
               "ensure that your function is thrice differentiable and that the hessian "
               "depends on the inputs.",
}

# What a missing gradient (None) means at each backward pass, in strict mode.
_STRICT_UNUSED = {
    "back": "The output of the user-provided function is independent of input {i}. This is "
            "not allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the "
                  "grad_outputs when using the double backward trick to compute forward mode "
                  "gradients. This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. "
                   "This is not allowed in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry "
                         "{i} in the grad_jacobian. This is not allowed in strict mode as it "
                         "prevents from using the double backward trick to replace forward "
                         "mode AD.",
}

_STRICT_FIX = " Fix: pass strict=False to get zeros for it."


def _require_grad(tensors, kind: str, strict: bool) -> None:
    """In strict mode, every tensor must exist and require grad (depend on the inputs)."""
    if not strict:
        return
    for i, t in enumerate(tensors):
        if t is None:
            raise RuntimeError(_STRICT_UNUSED["back"].format(i=i) + _STRICT_FIX)
        if not t.requires_grad:
            raise RuntimeError(_STRICT_REQUIRES_GRAD[kind].format(i=i) + _STRICT_FIX)


def _zeros_for_unused(grads, refs, strict: bool, create_graph: bool, stage: str) -> tuple:
    """Gradients with zeros (shaped like ``refs``) where backward did not reach; in strict
    mode an error instead, and with ``create_graph`` also for a gradient that is a constant."""
    result = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(_STRICT_UNUSED[stage].format(i=i) + _STRICT_FIX)
            g = zeros_like(refs[i])
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if stage.startswith("double") else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of "
                               f"input {i}. This is not allowed in strict mode when "
                               f"create_graph=True.{_STRICT_FIX}")
        result.append(g)
    return tuple(result)


def _grad(outputs, inputs, grad_outputs=None, create_graph: bool = False,
          retain_graph: bool | None = None) -> tuple:
    """``autograd.grad`` that skips outputs which are None or need no gradient
    (None for every input when no output is left) and returns None for unused inputs."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return autograd_grad([o for o, _ in pairs], inputs, [g for _, g in pairs],
                         retain_graph=retain_graph, create_graph=create_graph, allow_unused=True)


def _last_pass(outputs, wrt, v, refs, strict: bool, create_graph: bool, stage: str) -> tuple:
    """The product's backward pass, with zeros shaped like ``refs`` where it does not reach.

    It runs in the caller's grad mode unless a graph is wanted (``f`` and the
    passes before it always record).
    """
    with grad_mode.set_grad_enabled(True if create_graph else grad_mode.is_grad_enabled()):
        grads = _grad(outputs, wrt, v, create_graph=create_graph)
        return _zeros_for_unused(grads, refs, strict, create_graph, stage)


def _returned(outputs, outputs_tuple: bool, product, product_tuple: bool, create_graph: bool):
    return (_unpack(_finish(outputs, create_graph), outputs_tuple),
            _unpack(_finish(product, create_graph), product_tuple))


# ---------------------------------------------------------------------------
# products
# ---------------------------------------------------------------------------

def vjp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), vᵀ J)``: the vector-Jacobian product at ``inputs``.

    >>> from chainrule.autograd.functional import vjp
    >>> vjp(lambda x: x ** 2, torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0]))
    (tensor([1., 4.]), tensor([2., 4.]))
    """
    with grad_mode.enable_grad():
        inputs_tuple, inputs = _fresh_inputs(inputs, create_graph, "vjp")
        outputs_tuple, outputs = _outputs(func, inputs, strict, "vjp")
        v = _v_or_default(v, outputs, outputs_tuple, create_graph, "vjp",
                          "the user-provided function returns")
    grads = _last_pass(outputs, inputs, v, inputs, strict, create_graph, "back")
    return _returned(outputs, outputs_tuple, grads, inputs_tuple, create_graph)


def jvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), J v)``: the Jacobian-vector product at ``inputs``.

    >>> from chainrule.autograd.functional import jvp
    >>> jvp(lambda x: x.exp(), torch.zeros(2), torch.tensor([1.0, 2.0]))  # J = I at 0
    (tensor([1., 1.]), tensor([1., 2.]))
    """
    with grad_mode.enable_grad():
        inputs_tuple, inputs = _fresh_inputs(inputs, create_graph, "jvp")
        v = _v_or_default(v, inputs, inputs_tuple, create_graph, "jvp",
                          "the input to the user-provided function is")
        outputs_tuple, outputs = _outputs(func, inputs, strict, "jvp")
        # uᵀJ is linear in the dummy cotangent u, so its value does not matter (zeros keep
        # inf and nan out); differentiating uᵀJ with respect to u along v gives J v.
        us = tuple(zeros_like(o, requires_grad=True) for o in outputs)
        u_grads = _grad(outputs, inputs, us, create_graph=True)
        _require_grad(u_grads, "grad_inputs", strict)
    jv = _last_pass(u_grads, us, v, outputs, strict, create_graph, "back_trick")
    return _returned(outputs, outputs_tuple, jv, outputs_tuple, create_graph)


def vhp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), vᵀ H)`` for a scalar function (Hessian-vector product, row form).

    >>> from chainrule.autograd.functional import vhp
    >>> vhp(lambda x: (x ** 3).sum(), torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0]))
    (tensor(9.), tensor([ 6., 12.]))
    """
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), H v)`` for a scalar function, by the double backward trick.

    >>> from chainrule.autograd.functional import hvp
    >>> hvp(lambda x: (x ** 3).sum(), torch.tensor([1.0, 2.0]), torch.tensor([1.0, 0.0]))
    (tensor(9.), tensor([6., 0.]))
    """
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(func, inputs, v, create_graph: bool, strict: bool, fn_name: str):
    """vhp: differentiate the gradient g along v (vᵀH).  hvp: H v = (vᵀHᵀ)ᵀ by the same trick
    as jvp (differentiate uᵀH with respect to a dummy u along v), which does not assume H
    symmetric."""
    with grad_mode.enable_grad():
        inputs_tuple, inputs = _fresh_inputs(inputs, create_graph, fn_name)
        v = _v_or_default(v, inputs, inputs_tuple, create_graph, fn_name,
                          "the input to the user-provided function is")
        outputs_tuple, outputs = _outputs(func, inputs, strict, fn_name)
        _single_output(outputs, outputs_tuple, fn_name)
        gradient = _grad(outputs, inputs, create_graph=True)
        _require_grad(gradient, "jacobian", strict)
        if fn_name == "hvp":
            us = tuple(zeros_like(x, requires_grad=True) for x in inputs)
            u_hessian = _grad(gradient, inputs, us, create_graph=True)
            last, wrt, stage = u_hessian, us, "double_back_trick"
        else:
            last, wrt, stage = gradient, inputs, "double_back"
    product = _last_pass(last, wrt, v, inputs, strict, create_graph, stage)
    return _returned(outputs, outputs_tuple, product, inputs_tuple, create_graph)


# ---------------------------------------------------------------------------
# Jacobian and Hessian
# ---------------------------------------------------------------------------

def jacobian(func, inputs, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``; entry ``[i][j]`` has shape out_i.shape + in_j.shape.

    A single tensor in and out gives a single tensor; tuples give tuples.

    >>> from chainrule.autograd.functional import jacobian
    >>> jacobian(lambda x: x ** 2, torch.tensor([1.0, 2.0]))
    tensor([[2., 0.],
            [0., 4.]])
    """
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
            'function has more outputs than inputs, "forward-mode" tends to be more performant. '
            'Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError(
                "torch.autograd.functional.jacobian: `create_graph=True` and "
                '`strategy="forward-mode"` are not supported together (yet). Please either set '
                '`create_graph=False` or `strategy="reverse-mode"`.')
        return _jacobian_forward(func, inputs, strict)
    with grad_mode.enable_grad():
        inputs_tuple, inputs = _fresh_inputs(inputs, create_graph, "jacobian")
        outputs_tuple, outputs = _outputs(func, inputs, strict, "jacobian")
        if vectorize and strict:
            raise RuntimeError(
                "torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are "
                "not supported together. Please either set `strict=False` or "
                "`vectorize=False`.")
        jac = tuple(_jacobian_rows(i, out, inputs, create_graph, strict)
                    for i, out in enumerate(outputs))
    return _unpack(_finish(jac, create_graph), (outputs_tuple, inputs_tuple))


def _jacobian_rows(i: int, out, inputs, create_graph: bool, strict: bool) -> tuple:
    """d out / d input for every input: one backward pass per element of ``out``
    (a one-hot ``grad_output``), stacked and shaped out.shape + input.shape."""
    rows = [[] for _ in inputs]
    flat = out.reshape(-1)
    for e in range(out.nelement()):
        onehot = zeros(out.nelement(), dtype=out.dtype)
        onehot[e] = 1
        grads = _grad((flat,), inputs, (onehot,), create_graph=create_graph, retain_graph=True)
        for j, (x, g) in enumerate(zip(inputs, grads)):
            if g is None:
                if strict:
                    raise RuntimeError(
                        f"Output {i} of the user-provided function is independent of input "
                        f"{j}. This is not allowed in strict mode.{_STRICT_FIX}")
                g = zeros_like(x)
            elif strict and create_graph and not g.requires_grad:
                raise RuntimeError(
                    f"The jacobian of the user-provided function is independent of input {j}. "
                    f"This is not allowed in strict mode when create_graph=True.{_STRICT_FIX}")
            rows[j].append(g)
    return tuple(stack(r).view(out.size() + x.size()) if r
                 else zeros(out.size() + x.size(), dtype=x.dtype)
                 for r, x in zip(rows, inputs))


def _jacobian_forward(func, inputs, strict: bool):
    """One forward-mode pass per input element: the output tangents for a one-hot input
    tangent are one column of every Jacobian block."""
    if strict:
        raise RuntimeError(
            'torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` '
            "are not supported together (yet). Please either set `strict=False` or "
            '`strategy="reverse-mode"`.')
    inputs_tuple, inputs = _tensors(inputs, "inputs", "jacobian")
    columns = None  # columns[i][j]: the tangents of output i, one per element of input j
    outputs, outputs_tuple = (), False
    for j, x in enumerate(inputs):
        for e in range(x.nelement()):
            with forward_ad.dual_level():
                tangents = [zeros_like(y) for y in inputs]
                tangents[j].view(-1)[e] = 1
                duals = tuple(forward_ad.make_dual(y, t) for y, t in zip(inputs, tangents))
                outputs_tuple, outs = _call(func, duals, "jacobian")
                unpacked = [forward_ad.unpack_dual(o) for o in outs]
            if columns is None:
                columns = [[[] for _ in inputs] for _ in outs]
            outputs = tuple(u.primal for u in unpacked)
            for i, u in enumerate(unpacked):
                t = u.tangent
                columns[i][j].append(t if t is not None else zeros_like(u.primal))
    if columns is None:  # no input has any element: call once for the outputs' shapes
        outputs_tuple, outputs = _call(func, inputs, "jacobian")
        columns = [[[] for _ in inputs] for _ in outputs]
    # Lists, not tuples, where several outputs or inputs give several blocks: what
    # PyTorch's forward-mode path returns.
    jac = [[stack(columns[i][j], dim=-1).reshape(out.size() + x.size())
            if columns[i][j] else zeros(out.size() + x.size(), dtype=out.dtype)
            for j, x in enumerate(inputs)]
           for i, out in enumerate(outputs)]
    return _unpack(jac, (outputs_tuple, inputs_tuple))


def hessian(func, inputs, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode"):
    """The Hessian of a scalar function: the Jacobian of its gradient.

    ``outer_jacobian_strategy="forward-mode"`` takes that outer Jacobian by forward
    mode over the reverse-mode gradient.

    >>> from chainrule.autograd.functional import hessian
    >>> hessian(lambda x: (x ** 3).sum(), torch.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    inputs_tuple, inputs = _tensors(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def scalar(*xs):
        outputs_tuple, outputs = _outputs(func, xs, strict, "hessian")
        _single_output(outputs, outputs_tuple, "hessian")
        return outputs[0].squeeze()

    def gradient(*xs):
        if outer_jacobian_strategy == "forward-mode":
            # the duals carry the outer tangents; the inner reverse pass must reach them
            xs = tuple(x.requires_grad_(True) for x in xs)
        grad = jacobian(scalar, xs, create_graph=True)
        _require_grad(grad, "jacobian", strict)
        return grad

    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict,
                      vectorize=vectorize, strategy=outer_jacobian_strategy)
    return _unpack(result, (inputs_tuple, inputs_tuple))
