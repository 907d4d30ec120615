"""Checking derivative rules against finite differences: ``gradcheck`` and ``gradgradcheck``.

The numerical Jacobian comes from central differences
``(f(x + eps) - f(x - eps)) / (2 eps)``, one pair of evaluations per input
element, computed in float64; the analytical one from reverse mode, one
backward pass per output element (a one-hot ``grad_output``), and with
``check_forward_ad`` from forward mode, one pass per input element.  They
must agree within ``atol + rtol * |numerical|``.  ``gradgradcheck`` applies
the same test to the function that returns the gradient, which checks the
backward formulas' own derivatives (second order).

The checks are PyTorch's, in its order and with its messages (chainrule adds
what to do about it):

1. inputs: at least one requires grad (a warning for each that is not float64);
2. with no differentiable output, the numerical Jacobian must be zero;
3. perturbing an input must not change the outputs' shapes or dtypes;
4. backward run twice gives the same result (within ``nondet_tol``), then
   analytical and numerical Jacobians agree (forward mode: the same for JVPs);
5. backward of all-zero ``grad_outputs`` gives zero, of the inputs' dtype and size;
6. ``check_undefined_grad``: backward accepts outputs whose gradient is undefined (None).

``fast_mode`` compares the projections ``vᵀJu`` (``Ju`` in forward mode) for
random unit vectors ``u`` and ``v`` instead of whole Jacobians, and on a
mismatch recomputes that block in slow mode for the message.

Jacobians are laid out as PyTorch lays them out: one row per input element,
one column per output element; inputs and outputs are counted among those
that are differentiated (inputs that require grad, outputs that require grad).
"""
from __future__ import annotations

import warnings
from typing import Callable, Sequence

import numpy as np

from .. import _dtypes
from ..engine import grad_mode
from ..engine.backward import grad as autograd_grad
from ..engine.function import Function
from ..functions.creation import tensor, zeros_like
from ..functions.joining import stack
from ..functions.random import randn_like, random_refused
from ..tensor import Tensor
from . import forward_ad

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck``/``gradgradcheck`` when a check fails.

    >>> x = torch.ones(2, dtype=torch.float64, requires_grad=True)
    >>> try:  # a detached factor: its share of the gradient (x) is lost
    ...     torch.autograd.gradcheck(lambda x: x * x.detach(), (x,))
    ... except GradcheckError as e:
    ...     print(str(e).splitlines()[0])
    Jacobian mismatch for output 0 with respect to input 0,
    """


def _as_tuple(x) -> tuple:
    return x if isinstance(x, tuple) else tuple(x) if isinstance(x, list) else (x,)


def _is_tensor(x) -> bool:
    return isinstance(x, Tensor)


def _float_tensor(x) -> bool:
    return _is_tensor(x) and x.dtype.is_floating_point


def _check_inputs(inputs) -> list:
    """The positions of the inputs to differentiate (tensors that require grad)."""
    diff = []
    for i, x in enumerate(inputs):
        if _is_tensor(x) and x.requires_grad:
            if x.dtype != _dtypes.float64:
                warnings.warn(
                    f"Input #{i} requires gradient and is not a double precision floating point "
                    "or complex. This check will likely fail if all the inputs are not of double "
                    "precision floating point or complex. Fix: pass dtype=torch.float64 inputs.",
                    UserWarning, stacklevel=5)  # the caller of gradcheck
            # (NumPy gives an empty array zero strides: nothing overlaps there.)
            strides = x.detach().numpy().strides
            if x.numel() and any(st == 0 and size > 1 for st, size in zip(strides, x.shape)):
                raise RuntimeError(
                    f"The {i}th input has a dimension with stride 0. gradcheck only supports "
                    "inputs that are non-overlapping to be able to compute the numerical "
                    "gradients correctly. You should call .contiguous on the input before "
                    "passing it to gradcheck.")
            diff.append(i)
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but "
                         "none of them have requires_grad=True. Fix: create the inputs with "
                         "requires_grad=True (and dtype=torch.float64).")
    return diff


class _Problem:
    """What every check needs: the function, its inputs and its outputs at the inputs."""

    def __init__(self, func, inputs, eps: float) -> None:
        self.func = func
        self.inputs = inputs
        self.eps = eps
        self.diff_in = _check_inputs(inputs)
        self.out = _as_tuple(func(*inputs))
        # Outputs with a numerical derivative, and those among them that are differentiated.
        self.float_out = [k for k, o in enumerate(self.out) if _float_tensor(o)]
        self.diff_out = [k for k in self.float_out if self.out[k].requires_grad]

    def numel_in(self, i: int) -> int:
        return self.inputs[i].numel()

    # -- numerical derivatives ------------------------------------------------------

    def central_difference(self, i: int, direction: np.ndarray, index=None) -> list:
        """``(f(x + d) - f(x - d)) / (2 eps)`` for every float output, flattened (float64),
        moving input ``i`` by ``d = direction`` in place and putting it back exactly.

        In place, as PyTorch does: an input passed in two argument slots moves in
        both, so the numerical Jacobian is the total derivative, like reverse mode's.
        """
        data = _writeable(self.inputs[i])
        original = data.copy()
        try:
            data[...] = original - direction.reshape(data.shape)
            minus = self._evaluate()
            data[...] = original + direction.reshape(data.shape)
            plus = self._evaluate()
        finally:
            data[...] = original
        for a, b in zip(minus, plus):
            _same_shape_and_dtype(a, b, self.eps, index)
        return [(np.asarray(plus[k].numpy(), np.float64) - np.asarray(minus[k].numpy(),
                                                                       np.float64)
                 ).reshape(-1) / (2 * self.eps) for k in self.float_out]

    def _evaluate(self) -> list:
        # Copies: an output may be a view of (or the same array as) the input being moved.
        # Recording stays on: the function may itself differentiate (gradgradcheck's does).
        return [o.detach().clone() if _is_tensor(o) else o
                for o in _as_tuple(self.func(*self.inputs))]

    def numerical_jacobian(self, i: int) -> list:
        """d(float output)/d(input i) for every float output: arrays (numel in, numel out)."""
        n = self.numel_in(i)
        columns = []
        for e in range(n):
            direction = np.zeros(n)
            direction[e] = self.eps
            index = np.unravel_index(e, tuple(self.inputs[i].shape))
            columns.append(self.central_difference(i, direction, tuple(map(int, index))))
        return [np.stack([c[m] for c in columns]) if columns
                else np.zeros((0, self.out[k].numel()))
                for m, k in enumerate(self.float_out)]

    # -- reverse mode ---------------------------------------------------------------

    def vjps(self, k: int, grad_output: np.ndarray, check_grad_dtypes: bool) -> list:
        """vᵀJ of output ``k`` for every differentiated input, flattened float64 (None: unused)."""
        out = self.out[k]
        v = tensor(grad_output.reshape(tuple(out.shape)), dtype=out.dtype)
        grads = autograd_grad(out, [self.inputs[i] for i in self.diff_in], v,
                                    retain_graph=True, allow_unused=True)
        result = []
        for i, g in zip(self.diff_in, grads):
            x = self.inputs[i]
            if g is not None:
                if g.shape != x.shape:
                    raise GradcheckError(
                        "Analytical gradient has incorrect size. Fix: the backward rule must "
                        f"return a gradient of the input's shape {tuple(x.shape)}, not "
                        f"{tuple(g.shape)}.")
                if check_grad_dtypes and g.dtype != x.dtype:
                    raise GradcheckError(
                        f"Gradient has dtype mismatch. Fix: the backward rule returned "
                        f"{g.dtype} for an input of dtype {x.dtype}.")
                g = np.asarray(g.detach().numpy(), np.float64).reshape(-1)
            result.append(g)
        return result

    def reentrant_vjps(self, k: int, rows: list, nondet_tol: float,
                       check_grad_dtypes: bool) -> list:
        """For each differentiated input, the matrix whose columns are the vjps of
        output ``k`` with the given ``grad_output`` rows, computed twice to catch a
        backward that is not deterministic."""
        def run():
            per_row = [self.vjps(k, r, check_grad_dtypes) for r in rows]
            return [np.stack([np.zeros(self.numel_in(i)) if vj[m] is None else vj[m]
                              for vj in per_row], axis=1) if rows
                    else np.zeros((self.numel_in(i), 0))
                    for m, i in enumerate(self.diff_in)]
        first, second = run(), run()
        for a, b in zip(first, second):
            if a.size and np.abs(a - b).max() > nondet_tol:
                raise GradcheckError(
                    "Backward is not reentrant, i.e., running backward with same input and "
                    "grad_output multiple times gives different values, although analytical "
                    "gradient matches numerical gradient.The tolerance for nondeterminism was "
                    f"{nondet_tol}.\n\nFix: if the backward is nondeterministic by design "
                    "(it draws random numbers, or sums in a varying order), pass "
                    "nondet_tol=<the largest difference you accept>.")
        return first

    def backward_jacobian(self, k: int, nondet_tol: float, check_grad_dtypes: bool) -> list:
        size = self.out[k].numel()
        return self.reentrant_vjps(k, list(np.eye(size)), nondet_tol, check_grad_dtypes)

    # -- forward mode ---------------------------------------------------------------

    def jvps(self, tangents: dict, plain=()) -> list:
        """The tangents of the float outputs (flattened float64, zeros where there is none)
        when every differentiated input carries ``tangents[i]`` (zeros if absent); the
        inputs in ``plain`` are passed as plain tensors, without a tangent."""
        args = list(self.inputs)
        with forward_ad.dual_level():
            for i in self.diff_in:
                x = self.inputs[i].detach()
                if i in plain:
                    args[i] = x
                    continue
                t = tangents.get(i)
                t = zeros_like(x) if t is None else tensor(
                    t.reshape(tuple(x.shape)), dtype=x.dtype)
                args[i] = forward_ad.make_dual(x, t)
            outs = _as_tuple(self.func(*args))
            found = [forward_ad.unpack_dual(outs[k]).tangent for k in self.float_out]
        return [np.zeros(self.out[k].numel()) if t is None
                else np.asarray(t.detach().numpy(), np.float64).reshape(-1)
                for k, t in zip(self.float_out, found)]

    def forward_jacobian(self, i: int) -> list:
        n = self.numel_in(i)
        columns = [self.jvps({i: row}) for row in np.eye(n)]
        return [np.stack([c[m] for c in columns]) if columns
                else np.zeros((0, self.out[k].numel()))
                for m, k in enumerate(self.float_out)]


def _writeable(x) -> np.ndarray:
    # The tensor's own array: moving it does not count as an in-place change (no version
    # bump), so graphs that saved the input stay usable, as with PyTorch's ``x.data``.
    data = x.detach().numpy()
    if not data.flags.writeable:
        raise GradcheckError(
            "gradcheck perturbs its inputs in place, but this input's array is read-only. "
            "Fix: pass x.clone().requires_grad_() instead.")
    return data


def _same_shape_and_dtype(a, b, eps: float, index) -> None:
    if not _is_tensor(a):
        return
    where = f"on index {index} " if index is not None else ""
    if a.shape != b.shape:
        raise AssertionError(
            f"Expected `func` to return outputs with the same shape when inputs are perturbed "
            f"{where}by {eps}, but got: shapes {a.shape} and {b.shape}. Fix: the function's "
            "output shape must not depend on the input's values.")
    if a.dtype != b.dtype:
        raise AssertionError(
            f"Expected `func` to return outputs with the same dtype when inputs are perturbed "
            f"{where}by {eps}, but got: dtypes {a.dtype} and {b.dtype}. Fix: the function's "
            "output dtype must not depend on the input's values.")


# ---------------------------------------------------------------------------
# messages
# ---------------------------------------------------------------------------

def _show(a) -> str:
    return repr(tensor(np.asarray(a), dtype=_dtypes.float64))


def _mismatch_message(forward: bool, k: int, i: int, numerical, analytical) -> str:
    mode = "computed with forward mode " if forward else ""
    return (f"Jacobian {mode}mismatch for output {k:d} with respect to input {i:d},\n"
            f"numerical:{_show(numerical)}\nanalytical:{_show(analytical)}\n")


def _slow_mismatch_details(i: int, k: int, numerical, analytical) -> str:
    """Where the two Jacobians differ most, and what to do about it."""
    diff = np.abs(numerical - analytical)
    if not diff.size:
        return ""
    worst = np.unravel_index(np.argmax(diff), diff.shape)
    with np.printoptions(precision=4, suppress=True, linewidth=100):
        gap = np.full((numerical.shape[0], 1), np.nan)
        side = np.concatenate([numerical, gap, analytical], axis=1)
        return (
            f"\nside by side (rows: elements of input {i}; numerical | nan | analytical):\n"
            f"{side}\nlargest difference {diff[worst]:.6g} at input {i} element {worst[0]}, "
            f"output {k} element {worst[1]}: numerical {numerical[worst]:.6g}, analytical "
            f"{analytical[worst]:.6g}.\nFix: the derivative rule for this input/output pair "
            "is wrong, or eps is too large for a function that curves sharply here (try a "
            "smaller eps, or float64 inputs).")


# ---------------------------------------------------------------------------
# the checks
# ---------------------------------------------------------------------------

def _expect_zero_numerical(p: _Problem, nondet_tol: float, fast: bool) -> None:
    """No output is differentiable: then moving an input must not move any float output."""
    rng = np.random.default_rng(0)
    for i in p.diff_in:
        if fast:
            parts = p.central_difference(i, p.eps * _unit(rng, p.numel_in(i)))
            moved = any(part.size and np.abs(part).max() > nondet_tol for part in parts)
        else:
            moved = any(np.any(j != 0) for j in p.numerical_jacobian(i))
        if moved:
            raise GradcheckError(
                "Numerical gradient for function expected to be zero. Fix: no output requires "
                "grad, yet the outputs change with the inputs: the function left the graph "
                "(detach(), .item(), tensor(x), numpy()) on the way to its outputs.")


def _slow_check(p: _Problem, rtol: float, atol: float, nondet_tol: float,
                check_grad_dtypes: bool, forward: bool) -> None:
    numerical = {i: p.numerical_jacobian(i) for i in p.diff_in}
    float_pos = {k: m for m, k in enumerate(p.float_out)}
    if forward:
        analytical = {i: p.forward_jacobian(i) for i in p.diff_in}
    for out_pos, k in enumerate(p.diff_out):
        if not forward:
            rows = p.backward_jacobian(k, nondet_tol, check_grad_dtypes)
        for in_pos, i in enumerate(p.diff_in):
            n = numerical[i][float_pos[k]]
            a = analytical[i][float_pos[k]] if forward else rows[in_pos]
            if not np.allclose(a, n, rtol=rtol, atol=atol, equal_nan=True):
                raise GradcheckError(_mismatch_message(forward, out_pos, in_pos, n, a)
                                     + _slow_mismatch_details(in_pos, out_pos, n, a))


def _unit(rng, n: int) -> np.ndarray:
    """A random direction of length 1 (PyTorch's fast-mode vectors: uniform, normalised)."""
    u = rng.random(n)
    norm = np.linalg.norm(u)
    return u / norm if norm else u


def _fast_check(p: _Problem, rtol: float, atol: float, nondet_tol: float,
                check_grad_dtypes: bool, forward: bool) -> None:
    """Compare ``vᵀJu`` (reverse mode) or ``Ju`` (forward mode) for random unit u, v."""
    rng = np.random.default_rng(0)
    u = {i: _unit(rng, p.numel_in(i)) for i in p.diff_in}
    v = {k: _unit(rng, p.out[k].numel()) for k in p.diff_out}
    float_pos = {k: m for m, k in enumerate(p.float_out)}
    numerical = {i: p.central_difference(i, p.eps * u[i]) for i in p.diff_in}
    if forward:
        analytical = {i: p.jvps({i: u[i]}) for i in p.diff_in}
    for out_pos, k in enumerate(p.diff_out):
        if not forward:
            vj = p.reentrant_vjps(k, [v[k]], nondet_tol, check_grad_dtypes)
        for in_pos, i in enumerate(p.diff_in):
            ju = numerical[i][float_pos[k]]
            if forward:
                n, a = ju, analytical[i][float_pos[k]]
                tol = atol * u[i].sum()
            else:
                n, a = np.dot(v[k], ju), np.dot(vj[in_pos][:, 0], u[i])
                tol = atol * u[i].sum() * v[k].sum()
            if not np.allclose(a, n, rtol=rtol, atol=tol, equal_nan=True):
                raise GradcheckError(_mismatch_message(forward, out_pos, in_pos, n, a)
                                     + _slow_mode_details(p, i, k, in_pos, out_pos, rtol,
                                                          atol, forward))


def _slow_mode_details(p: _Problem, i: int, k: int, in_pos: int, out_pos: int, rtol: float,
                       atol: float, forward: bool) -> str:
    """After a fast-mode mismatch: the whole Jacobian block, computed element by element."""
    m = p.float_out.index(k)
    numerical = p.numerical_jacobian(i)[m]
    if forward:
        analytical = p.forward_jacobian(i)[m]
    else:
        analytical = p.backward_jacobian(k, float("inf"), False)[p.diff_in.index(i)]
    biggest = np.abs(numerical - analytical).max(initial=0.0)
    text = ("\nThe above quantities relating the numerical and analytical jacobians are "
            "computed in fast mode (vᵀJu for random unit vectors u, v). Below, the numerical "
            f"and analytical jacobians recomputed in slow mode:\n\nNumerical:\n "
            f"{_show(numerical)}\nAnalytical:\n{_show(analytical)}\n\nThe max per-element "
            f"difference (slow mode) is: {biggest}.\n")
    if np.allclose(analytical, numerical, rtol=rtol, atol=atol):
        text += ("Fast gradcheck failed but element-wise differences are small. This means "
                 "that the test might've passed in slow_mode! Fix: pass fast_mode=False.")
    return text + _slow_mismatch_details(in_pos, out_pos, numerical, analytical)


def _backward_of_zeros(outputs, p: _Problem) -> tuple:
    return autograd_grad(list(outputs), [p.inputs[i] for i in p.diff_in],
                               [zeros_like(o) for o in outputs], retain_graph=True,
                               allow_unused=True)


def _check_backward_scales_with_grad_output(p: _Problem) -> None:
    """Backward is linear in grad_output: all-zero grad_outputs give zero gradients, of
    the inputs' dtype and size."""
    outputs = [p.out[k] for k in p.diff_out]
    for i, g in zip(p.diff_in, _backward_of_zeros(outputs, p)):
        if g is None:
            continue
        x = p.inputs[i]
        if g.ne(0).any():
            raise GradcheckError("backward not multiplied by grad_output. Fix: every term of "
                                 "the backward rule must be multiplied by grad.")
        if g.dtype != x.dtype:
            raise GradcheckError(f"grad is incorrect type. Fix: the backward rule returned "
                                 f"{g.dtype} for an input of dtype {x.dtype}.")
        if g.shape != x.shape:
            raise GradcheckError(f"grad is incorrect size. Fix: the backward rule returned "
                                 f"shape {tuple(g.shape)} for an input of shape "
                                 f"{tuple(x.shape)}.")


class _UndefinedGrad(Function):
    """PyTorch's ``UndefinedGrad``: a copy of its input whose backward sends an undefined
    (None) gradient on, whatever it receives."""

    @staticmethod
    def forward(ctx, x):
        return x.clone()

    @staticmethod
    def backward(ctx, grad):
        return None


def _check_undefined_backward(p: _Problem) -> None:
    """Backward must work when outputs get undefined (None) gradients: all of them at once,
    then (with several outputs) one at a time; the inputs' gradients must then be None or
    zero.  As PyTorch does, the outputs pass through ``_UndefinedGrad``."""
    def differentiable_outputs():
        return [o for o in _as_tuple(p.func(*p.inputs)) if _is_tensor(o) and o.requires_grad]

    cases = [[_UndefinedGrad.apply(o) for o in differentiable_outputs()]]
    if len(cases[0]) > 1:
        for undefined in range(len(p.out)):
            cases.append([_UndefinedGrad.apply(o) if k == undefined else o
                          for k, o in enumerate(differentiable_outputs())])
    for outputs in cases:
        try:
            grads = _backward_of_zeros(outputs, p)
        except RuntimeError as e:
            _warn_undefined_grad_check()
            raise GradcheckError(
                "Expected backward function to handle undefined output grads. Please look at "
                '"Notes about undefined output gradients" in "tools/autograd/derivatives.yaml". '
                "Fix: a backward (or a hook) must accept None for an output that got no "
                f"gradient (here it raised: {e}).") from e
        if any(g is not None and g.ne(0).any() for g in grads):
            _warn_undefined_grad_check()
            raise GradcheckError(
                "Expected all input grads to be undefined or zero when all output grads are "
                'undefined or zero. Please look at "Notes about undefined output gradients" in '
                '"tools/autograd/derivatives.yaml". Fix: backward must return zeros (or None) '
                "when the gradients it receives are None or zero.")


def _warn_undefined_grad_check() -> None:
    warnings.warn(
        "Backwards compatibility: New undefined gradient support checking feature is "
        "enabled by default, but it may break existing callers of this function. If this "
        'is true for you, you can call this function with "check_undefined_grad=False" to '
        "disable the feature", UserWarning, stacklevel=5)


def _check_undefined_forward(p: _Problem) -> None:
    """An input without a tangent must act as one with a zero tangent."""
    rng = np.random.default_rng(0)
    u = {i: _unit(rng, p.numel_in(i)) for i in p.diff_in}
    for in_pos, i in enumerate(p.diff_in):
        zero_tangent = p.jvps({**u, i: np.zeros(p.numel_in(i))})
        no_tangent = p.jvps(u, plain=(i,))
        for out_pos, (a, b) in enumerate(zip(zero_tangent, no_tangent)):
            if not np.allclose(a, b):
                raise GradcheckError(
                    f"Mismatch in tangent values for output with index: {out_pos} when input "
                    f"{in_pos} has an undefined tangent value. Got: {_show(a)} but expected: "
                    f"{_show(b)}. Fix: the forward-mode rule (jvp) must treat a missing "
                    "tangent as zero.")


_RANDOM_IN_BATCHED_CHECK = (
    "vmap: We do not yet support calling random operations inside of vmap. Please perform "
    "random operations outside of vmap as a workaround")

_FAILED_BATCHED_FORWARD = """
gradcheck failed while testing batched gradient computation with forward-mode AD.
This test is enabled automatically when both `check_batched_grad=True`
and `check_forward_ad=True`, but can be disabled in the following ways
dependong on how the test was invoked (via a test that calls gradcheck
directly or via an autogenerated test).

If you are adding a new operator, please file an issue and then use one of the
workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck.
If the test
- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck
  with `check_batched_forward_grad=False` as a keyword argument.
- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test
  to have `check_batched_forward_grad=False`
"""


def _check_batched_forward_grad(func, inputs: tuple) -> None:
    """PyTorch's ``check_batched_forward_grad``: for each differentiated float input, the
    output tangents for a batch of two random input tangents, computed under vmap, must
    equal those computed one tangent at a time.

    chainrule's vmap is that same loop, so the values agree by construction; what the check
    still catches is a forward-mode rule that cannot run under vmap: one that draws random
    numbers (refused there, with the message of the vmap gradcheck uses) or raises.
    """
    for i, x in enumerate(inputs):
        if not (_float_tensor(x) and x.requires_grad):
            continue

        def jvp(tangent, i=i, x=x) -> tuple:
            with forward_ad.dual_level():
                args = tuple(forward_ad.make_dual(x.detach(), tangent) if k == i
                             else a.detach() if _is_tensor(a) else a
                             for k, a in enumerate(inputs))
                result = []
                for out in _as_tuple(func(*args)):
                    if out is None:
                        continue
                    primal, out_tangent = forward_ad.unpack_dual(out)
                    result.append(zeros_like(primal) if out_tangent is None else out_tangent)
                return tuple(result)

        tangents = [randn_like(x) for _ in range(2)]
        expected = [stack(shards) for shards in zip(*[jvp(t) for t in tangents])]
        try:
            with random_refused(_RANDOM_IN_BATCHED_CHECK):
                batched = [stack(shards) for shards in zip(*[jvp(t) for t in tangents])]
        except RuntimeError as ex:
            raise GradcheckError(f"While computing batched gradients, got: {ex}\n\n"
                                 f"{_FAILED_BATCHED_FORWARD}") from ex
        for got, wanted in zip(batched, expected):
            if not got.allclose(wanted):
                raise GradcheckError(f"For output {i} and input {i}:\n\n"
                                     f"{_FAILED_BATCHED_FORWARD}\n\nGot:\n{got}\n\n"
                                     f"Expected:\n{wanted}")


def _check_flags(modes: tuple, needs: tuple, flags: dict) -> None:
    """At least one of the two ``modes`` is on, and every flag in ``needs`` that is on has
    the mode it needs on too (PyTorch's AssertionErrors)."""
    if not any(flags[m] for m in modes):
        raise AssertionError(f"Expected at least one of {modes[0]} or {modes[1]} to be True")
    for flag, mode in needs:
        if flags[flag] and not flags[mode]:
            raise AssertionError(f"Setting {flag}=True requires {mode} to be True")


def gradcheck(func: Callable, inputs, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, nondet_tol: float = 0.0,
              check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
              check_batched_grad: bool = False, check_batched_forward_grad: bool = False,
              check_forward_ad: bool = False, check_backward_ad: bool = True,
              fast_mode: bool = False, masked: bool | None = None) -> bool:
    """Check the gradients of ``func`` at ``inputs`` against central finite differences.

    Every input with ``requires_grad=True`` is perturbed; use float64 inputs,
    as finite differences in float32 are too coarse.  Returns True, or raises
    :class:`GradcheckError` showing both Jacobians and where they differ
    (returns False instead with ``raise_exception=False``; other errors, such
    as one raised by ``func`` itself, always propagate).

    ``check_backward_ad``/``check_forward_ad`` choose reverse mode, forward
    mode (JVP rules) or both; ``fast_mode`` compares one random projection
    instead of whole Jacobians; ``nondet_tol`` is how far two backward passes
    with the same input may differ.  ``check_batched_forward_grad`` runs the
    forward-mode rules under vmap (a loop in chainrule: it catches rules that
    draw random numbers or fail there).  ``check_batched_grad`` and ``masked``
    are accepted for compatibility: chainrule has no batched reverse-mode
    gradients or sparse tensors, so there is nothing more to check.

    >>> x = tensor([0.5, 1.5], dtype=torch.float64, requires_grad=True)
    >>> torch.autograd.gradcheck(torch.sin, (x,))
    True
    """
    _check_flags(("check_forward_ad", "check_backward_ad"),
                 (("check_batched_grad", "check_backward_ad"),
                  ("check_batched_forward_grad", "check_forward_ad")), locals())
    try:
        with grad_mode.enable_grad():
            _run_checks(func, _as_tuple(inputs), eps, atol, rtol, nondet_tol,
                        check_undefined_grad, check_grad_dtypes, check_forward_ad,
                        check_backward_ad, fast_mode)
            if check_batched_forward_grad:
                _check_batched_forward_grad(func, _as_tuple(inputs))
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def _run_checks(func, inputs, eps, atol, rtol, nondet_tol, check_undefined_grad,
                check_grad_dtypes, check_forward_ad, check_backward_ad, fast_mode) -> None:
    p = _Problem(func, inputs, eps)
    compare = _fast_check if fast_mode else _slow_check
    for forward, wanted in ((False, check_backward_ad), (True, check_forward_ad)):
        if not wanted:
            continue
        if p.diff_out:
            compare(p, rtol, atol, nondet_tol, check_grad_dtypes, forward)
        else:
            _expect_zero_numerical(p, nondet_tol, fast_mode)
        if forward and check_undefined_grad:
            _check_undefined_forward(p)
    if check_backward_ad and p.diff_out:
        _check_backward_scales_with_grad_output(p)
        if check_undefined_grad:
            _check_undefined_backward(p)


def gradgradcheck(func: Callable, inputs, grad_outputs: Sequence | None = None, *,
                  eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                  gen_non_contig_grad_outputs: bool = False, raise_exception: bool = True,
                  nondet_tol: float = 0.0, check_undefined_grad: bool = True,
                  check_grad_dtypes: bool = False, check_batched_grad: bool = False,
                  check_fwd_over_rev: bool = False, check_rev_over_rev: bool = True,
                  fast_mode: bool = False, masked: bool = False) -> bool:
    """Check second derivatives: ``gradcheck`` of the map (inputs, v) -> vᵀJ.

    ``grad_outputs`` (the ``v``) are random tensors in [-1, 1) shaped like the
    differentiable outputs unless given.  ``check_rev_over_rev`` differentiates
    the backward pass by reverse mode, ``check_fwd_over_rev`` by forward mode.

    >>> x = tensor([0.5, 1.5], dtype=torch.float64, requires_grad=True)
    >>> torch.autograd.gradgradcheck(lambda t: t ** 3, (x,))
    True
    """
    _check_flags(("check_fwd_over_rev", "check_rev_over_rev"),
                 (("check_undefined_grad", "check_rev_over_rev"),
                  ("check_batched_grad", "check_rev_over_rev")), locals())
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        with grad_mode.enable_grad():
            outs = [o for o in _as_tuple(func(*inputs)) if _is_tensor(o) and o.requires_grad]
        grad_outputs = tuple(
            tensor(rng.uniform(-1, 1, tuple(o.shape)),
                         dtype=o.dtype if o.dtype.is_floating_point else _dtypes.float64,
                         requires_grad=True)
            for o in outs)
    grad_outputs = _as_tuple(grad_outputs)
    n_out = len(grad_outputs)
    # Forward mode hands the function plain copies of its inputs: which ones must
    # require grad again for the inner backward pass.
    diff_in = {i for i, x in enumerate(inputs) if _is_tensor(x) and x.requires_grad}
    diff_go = {i for i, g in enumerate(grad_outputs) if g.requires_grad}

    def first_derivative(*args):
        xs = tuple(x.requires_grad_() if i in diff_in and not x.requires_grad else x
                   for i, x in enumerate(args[:len(args) - n_out]))
        gos = tuple(g.requires_grad_() if i in diff_go and not g.requires_grad else g
                    for i, g in enumerate(args[len(args) - n_out:]))
        outs = [o for o in _as_tuple(func(*xs)) if _is_tensor(o) and o.requires_grad]
        grads = autograd_grad(outs, [xs[i] for i in sorted(diff_in)], list(gos),
                                    create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivative, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol,
                     check_undefined_grad=check_undefined_grad,
                     check_grad_dtypes=check_grad_dtypes, check_batched_grad=check_batched_grad,
                     check_forward_ad=check_fwd_over_rev, check_backward_ad=check_rev_over_rev,
                     fast_mode=fast_mode, masked=masked)
