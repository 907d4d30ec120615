"""Checking derivative rules against finite differences: ``gradcheck`` and ``gradgradcheck``.

The analytical Jacobian comes from reverse mode, one backward pass per output
element (a one-hot ``grad_output``); the numerical Jacobian from central
differences ``(f(x + eps) - f(x - eps)) / (2 eps)``, one pair of evaluations
per input element, computed in float64.  The two must agree within
``atol + rtol * |numerical|``.  ``gradgradcheck`` applies the same test to the
function that returns the gradient, which checks the backward formulas'
own derivatives (second order).

Jacobians are laid out as PyTorch lays them out: one row per input element,
one column per output element.
"""
from __future__ import annotations

import warnings
from typing import Callable, Sequence

import numpy as np

from ..engine import grad_mode
from ..engine.backward import grad as autograd_grad
from ..functions.creation import tensor, zeros_like
from ..tensor import Tensor
from . import forward_ad

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck``/``gradgradcheck`` when a Jacobian does not match.

    >>> import chainrule as torch
    >>> from chainrule.autograd.gradcheck import GradcheckError
    >>> class Wrong(torch.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         return x * 2
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         return grad * 3
    >>> x = torch.ones(2, dtype=torch.float64, requires_grad=True)
    >>> try:
    ...     torch.autograd.gradcheck(Wrong.apply, (x,))
    ... except GradcheckError as e:
    ...     print(str(e).splitlines()[0])
    Jacobian mismatch for output 0 with respect to input 0,
    """




def _as_tuple(x) -> tuple:
    return x if isinstance(x, tuple) else tuple(x) if isinstance(x, list) else (x,)


def _diff_inputs(inputs) -> list:
    """Indices of the inputs that gradcheck differentiates: float tensors requiring grad."""
    return [i for i, x in enumerate(inputs)
            if isinstance(x, Tensor) and x.requires_grad and x.dtype.is_floating_point]


def _outputs(func, inputs) -> tuple:
    out = func(*inputs)
    return tuple(o for o in _as_tuple(out)) if not isinstance(out, Tensor) else (out,)


def _float_outputs(outputs) -> list:
    return [i for i, o in enumerate(outputs)
            if isinstance(o, Tensor) and o.dtype.is_floating_point]


def _fail(message: str, raise_exception: bool) -> bool:
    if raise_exception:
        raise GradcheckError(message)
    return False


def _evaluate(func, inputs, out_idx) -> list:
    """The float outputs of ``func`` as float64 arrays (no graph kept)."""
    outputs = _outputs(func, inputs)
    # A copy: an output may be a view of (or the same array as) the input being perturbed.
    return [np.array(outputs[k].detach()._data, dtype=np.float64) for k in out_idx]


def _numerical_jacobian(func, inputs, diff_idx, out_idx, out_sizes, eps) -> dict:
    """Central differences: J[(i, k)] has shape (numel of input i, numel of output k).

    Each input is perturbed in place, element by element, and restored
    exactly, as PyTorch does: an input passed in two argument slots moves in
    both, so the numerical Jacobian is the total derivative, like reverse mode's.
    """
    jac = {}
    for i in diff_idx:
        data = _writeable(inputs[i])
        for k, size in zip(out_idx, out_sizes):
            jac[(i, k)] = np.zeros((data.size, size))
        for e, index in enumerate(np.ndindex(data.shape)):
            original = data[index].copy()
            data[index] = original + eps
            plus = _evaluate(func, inputs, out_idx)
            data[index] = original - eps
            minus = _evaluate(func, inputs, out_idx)
            data[index] = original
            for k, p, m in zip(out_idx, plus, minus):
                jac[(i, k)][e] = ((p - m) / (2 * eps)).reshape(-1)
    return jac


def _writeable(x):
    if not x._data.flags.writeable:
        raise GradcheckError(
            "gradcheck perturbs its inputs in place, but this input's array is read-only. "
            "Fix: pass x.clone().requires_grad_() instead.")
    return x._data


def _analytical_jacobian(outputs, inputs, diff_idx, out_idx, check_grad_dtypes) -> dict:
    """Reverse mode, one backward pass per output element (a one-hot ``grad_output``)."""
    jac = {}
    targets = [inputs[i] for i in diff_idx]
    for k in out_idx:
        out = outputs[k]
        size = out.numel()
        for i in diff_idx:
            jac[(i, k)] = np.zeros((inputs[i].numel(), size))
        if not out.requires_grad:
            continue  # a constant output: its analytical Jacobian is zero
        for e in range(size):
            onehot = np.zeros(size, dtype=out._data.dtype)
            onehot[e] = 1
            grads = autograd_grad(out, targets, Tensor._make(onehot.reshape(out._data.shape)),
                                  retain_graph=True, allow_unused=True)
            for i, g in zip(diff_idx, grads):
                if g is None:
                    continue
                if check_grad_dtypes and (g.dtype != inputs[i].dtype or g.shape != inputs[i].shape):
                    raise GradcheckError(
                        f"Gradient for input {i} has dtype {g.dtype} and shape {tuple(g.shape)} "
                        f"but the input has dtype {inputs[i].dtype} and shape "
                        f"{tuple(inputs[i].shape)}. Fix: the backward rule must return a "
                        "gradient shaped and typed like its input.")
                jac[(i, k)][:, e] = np.asarray(g.detach()._data, dtype=np.float64).reshape(-1)
    return jac


def _mismatch_message(kind: str, i: int, k: int, numerical, analytical) -> str:
    diff = np.abs(numerical - analytical)
    worst = np.unravel_index(np.argmax(diff), diff.shape) if diff.size else (0, 0)
    with np.printoptions(precision=4, suppress=True, linewidth=100):
        side = np.concatenate([numerical, np.full((numerical.shape[0], 1), np.nan), analytical],
                              axis=1) if numerical.size else numerical
        return (
            f"{kind} mismatch for output {k} with respect to input {i},\n"
            f"numerical:{_show(numerical)}\n"
            f"analytical:{_show(analytical)}\n\n"
            f"side by side (rows: elements of input {i}; numerical | nan | analytical):\n{side}\n"
            f"largest difference {diff[worst]:.6g} at input {i} element {worst[0]}, output {k} "
            f"element {worst[1]}: numerical {numerical[worst]:.6g}, analytical "
            f"{analytical[worst]:.6g}.\nFix: the derivative rule for this input/output pair is "
            "wrong, or eps is too large for a function that curves sharply here (try a "
            "smaller eps, or float64 inputs).")


def _show(a) -> str:
    return repr(tensor(a, dtype=None))


def _compare(jac_n, jac_a, atol, rtol, raise_exception, kind="Jacobian") -> bool:
    for (i, k), n in jac_n.items():
        a = jac_a[(i, k)]
        if not np.allclose(a, n, rtol=rtol, atol=atol, equal_nan=True):
            return _fail(_mismatch_message(kind, i, k, n, a), raise_exception)
    return True


def _forward_jacobian(func, inputs, diff_idx, out_idx) -> dict:
    """Forward mode, one JVP per input element (a one-hot tangent)."""
    jac = {}
    for i in diff_idx:
        x = inputs[i]
        n = x.numel()
        for e in range(n):
            onehot = np.zeros(n, dtype=x._data.dtype)
            onehot[e] = 1
            tangent = Tensor._make(onehot.reshape(x._data.shape))
            with forward_ad.dual_level():
                dual = list(inputs)
                dual[i] = forward_ad.make_dual(x.detach(), tangent)
                outputs = _outputs(func, tuple(dual))
                for k in out_idx:
                    size = outputs[k].numel()
                    col = jac.setdefault((i, k), np.zeros((n, size)))
                    t = forward_ad.unpack_dual(outputs[k]).tangent
                    if t is not None:
                        col[e] = np.asarray(t._data, dtype=np.float64).reshape(-1)
    return jac


def gradcheck(func: Callable, inputs, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, nondet_tol: float = 0.0,
              check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
              check_batched_grad: bool = False, check_batched_forward_grad: bool = False,
              check_forward_ad: bool = False, check_backward_ad: bool = True,
              fast_mode: bool = False, masked: bool | None = None) -> bool:
    """Check the gradients of ``func`` at ``inputs`` against central finite differences.

    Every floating-point input with ``requires_grad=True`` is perturbed; use
    float64 inputs, as finite differences in float32 are too coarse.  Returns
    True, or raises :class:`GradcheckError` (False with
    ``raise_exception=False``) showing both Jacobians and where they differ.

    ``fast_mode`` compares one random projection ``vᵀJu`` instead of the whole
    Jacobian; ``check_forward_ad`` also checks forward mode (JVP rules);
    ``nondet_tol`` is how far two backward passes with the same input may
    differ.  ``check_batched_grad``, ``check_batched_forward_grad`` and
    ``masked`` are accepted for compatibility: chainrule has no batched
    backward or sparse tensors, so there is nothing more to check.

    >>> import chainrule as torch
    >>> x = torch.tensor([0.5, 1.5], dtype=torch.float64, requires_grad=True)
    >>> torch.autograd.gradcheck(torch.sin, (x,))
    True
    """
    inputs = _as_tuple(inputs)
    diff_idx = _diff_inputs(inputs)
    if not diff_idx:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, "
                         "but none of them have requires_grad=True. Fix: create the inputs "
                         "with requires_grad=True (and dtype=torch.float64).")
    for i in diff_idx:
        if inputs[i].dtype.itemsize < 8:
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point. "
                "As numerical derivatives are computed in that precision, the check is likely "
                "to fail. Fix: pass dtype=torch.float64 inputs.", UserWarning, stacklevel=2)
    with grad_mode.enable_grad():
        outputs = _outputs(func, inputs)
        out_idx = _float_outputs(outputs)
        if not out_idx:
            return True
        if fast_mode:
            return _fast_check(func, inputs, outputs, diff_idx, out_idx, eps, atol, rtol,
                               raise_exception, check_backward_ad, check_forward_ad)
        out_sizes = [outputs[k].numel() for k in out_idx]
        numerical = _numerical_jacobian(func, inputs, diff_idx, out_idx, out_sizes, eps)
        if check_backward_ad:
            analytical = _analytical_jacobian(outputs, inputs, diff_idx, out_idx,
                                              check_grad_dtypes)
            if not _compare(numerical, analytical, atol, rtol, raise_exception):
                return False
            again = _analytical_jacobian(outputs, inputs, diff_idx, out_idx, False)
            for key, a in analytical.items():
                if np.abs(a - again[key]).max(initial=0.0) > nondet_tol:
                    return _fail(
                        f"Backward is not reentrant, i.e., running backward with same input and "
                        f"grad_output multiple times gives different values, although analytical "
                        f"gradient matches numerical gradient. The tolerance for nondeterminism "
                        f"was {nondet_tol}. (output {key[1]}, input {key[0]}). Fix: pass a "
                        "larger nondet_tol if the op is nondeterministic by design.",
                        raise_exception)
            if check_undefined_grad and not _check_zero_grad_outputs(
                    outputs, inputs, diff_idx, out_idx, raise_exception):
                return False
        if check_forward_ad:
            forward = _forward_jacobian(func, inputs, diff_idx, out_idx)
            if not _compare(numerical, forward, atol, rtol, raise_exception,
                            kind="Jacobian computed with forward mode"):
                return False
    return True


def _check_zero_grad_outputs(outputs, inputs, diff_idx, out_idx, raise_exception) -> bool:
    """Backward of an all-zero ``grad_output`` must give zero (or no) gradient.

    chainrule has no "undefined" gradients (PyTorch's check); zeros are what
    the engine passes for an output that received no gradient.
    """
    outs = [outputs[k] for k in out_idx if outputs[k].requires_grad]
    if not outs:
        return True
    grads = autograd_grad(outs, [inputs[i] for i in diff_idx], [zeros_like(o) for o in outs],
                          retain_graph=True, allow_unused=True)
    for i, g in zip(diff_idx, grads):
        if g is not None and np.any(g.detach()._data != 0):
            return _fail(f"Expected backward of all-zero grad_outputs to give zero gradient for "
                         f"input {i}, got {g}. Fix: the backward rule must be linear in grad.",
                         raise_exception)
    return True


def _fast_check(func, inputs, outputs, diff_idx, out_idx, eps, atol, rtol, raise_exception,
                check_backward_ad, check_forward_ad) -> bool:
    """Compare ``vᵀ J u`` for random ``u``, ``v`` (one backward, two evaluations)."""
    rng = np.random.default_rng(0)
    # An input passed in several slots is one variable: it moves once, along one u.
    unique = {}
    for i in diff_idx:
        unique.setdefault(id(inputs[i]), i)
    diff_idx = list(unique.values())
    u = {i: rng.uniform(-1, 1, inputs[i].shape) for i in diff_idx}
    v = {k: rng.uniform(-1, 1, outputs[k].shape) for k in out_idx}
    # Numerical: Ju by a central difference along u, then vᵀ(Ju).
    originals = {i: _writeable(inputs[i]).copy() for i in diff_idx}
    for i in diff_idx:
        inputs[i]._data[...] = originals[i] + eps * u[i]
    fp = _evaluate(func, inputs, out_idx)
    for i in diff_idx:
        inputs[i]._data[...] = originals[i] - eps * u[i]
    fm = _evaluate(func, inputs, out_idx)
    for i in diff_idx:
        inputs[i]._data[...] = originals[i]
    numerical = sum(float(np.sum(v[k] * (p - m) / (2 * eps))) for k, p, m in zip(out_idx, fp, fm))
    checks = []
    if check_backward_ad:
        outs = [outputs[k] for k in out_idx if outputs[k].requires_grad]
        analytical = 0.0
        if outs:
            gos = [Tensor._make(v[k].astype(outputs[k]._data.dtype)) for k in out_idx
                   if outputs[k].requires_grad]
            grads = autograd_grad(outs, [inputs[i] for i in diff_idx], gos, retain_graph=True,
                                  allow_unused=True)
            analytical = sum(float(np.sum(np.asarray(g.detach()._data) * u[i]))
                             for i, g in zip(diff_idx, grads) if g is not None)
        checks.append(("backward mode", analytical))
    if check_forward_ad:
        with forward_ad.dual_level():
            dual = list(inputs)
            for i in diff_idx:
                dual[i] = forward_ad.make_dual(
                    inputs[i].detach(), Tensor._make(u[i].astype(inputs[i]._data.dtype)))
            outs = _outputs(func, tuple(dual))
            fwd = 0.0
            for k in out_idx:
                t = forward_ad.unpack_dual(outs[k]).tangent
                if t is not None:
                    fwd += float(np.sum(v[k] * np.asarray(t._data, dtype=np.float64)))
        checks.append(("forward mode", fwd))
    for name, value in checks:
        if not np.isclose(value, numerical, rtol=rtol, atol=atol):
            return _fail(
                f"Jacobian mismatch ({name}, fast mode): for random u, v the projection vᵀJu is "
                f"numerical {numerical:.8g} but analytical {value:.8g}. Fix: rerun with "
                "fast_mode=False to see the full Jacobians and which input/output differs.",
                raise_exception)
    return True


def gradgradcheck(func: Callable, inputs, grad_outputs: Sequence | None = None, *,
                  eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                  gen_non_contig_grad_outputs: bool = False, raise_exception: bool = True,
                  nondet_tol: float = 0.0, check_undefined_grad: bool = True,
                  check_grad_dtypes: bool = False, check_batched_grad: bool = False,
                  check_fwd_over_rev: bool = False, check_rev_over_rev: bool = True,
                  fast_mode: bool = False, masked: bool = False) -> bool:
    """Check second derivatives: ``gradcheck`` of the map (inputs, v) -> vᵀJ.

    ``grad_outputs`` (the ``v``) are random float64 tensors unless given.

    >>> import chainrule as torch
    >>> x = torch.tensor([0.5, 1.5], dtype=torch.float64, requires_grad=True)
    >>> torch.autograd.gradgradcheck(lambda t: t ** 3, (x,))
    True
    """
    inputs = _as_tuple(inputs)
    diff_idx = _diff_inputs(inputs)
    with grad_mode.enable_grad():
        outputs = _outputs(func, inputs)
    out_idx = [k for k in _float_outputs(outputs) if outputs[k].requires_grad]
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = []
        for k in out_idx:
            g = Tensor._make(rng.standard_normal(outputs[k].shape).astype(outputs[k]._data.dtype))
            grad_outputs.append(g.requires_grad_())
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)

    def first_derivative(*args):
        xs, vs = args[:n_in], args[n_in:]
        outs = _outputs(func, xs)
        grads = autograd_grad([outs[k] for k in out_idx], [xs[i] for i in diff_idx], list(vs),
                              create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivative, inputs + tuple(grad_outputs), eps=eps, atol=atol,
                     rtol=rtol, raise_exception=raise_exception, nondet_tol=nondet_tol,
                     check_undefined_grad=check_undefined_grad,
                     check_grad_dtypes=check_grad_dtypes, check_forward_ad=check_fwd_over_rev,
                     check_backward_ad=check_rev_over_rev, fast_mode=fast_mode)
