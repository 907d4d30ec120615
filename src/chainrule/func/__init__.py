"""Composable function transforms, under ``torch.func``'s names.

``grad(f)`` is a new function that returns the gradient of ``f``; transforms
nest (``grad(grad(f))``, ``vmap(grad(f))``, ``jacrev(jacrev(f))``) and take
nested tuples, lists and dicts of tensors as inputs and outputs.

How they are built (simple, and the same derivatives as everything else):

- ``grad``/``vjp``/``jacrev`` run ``f`` on fresh tensors that require grad
  and call ``autograd.grad``; when the inputs already carry a graph (an outer
  transform), the inner one keeps its graph (``create_graph``) so the outer
  one can differentiate through it.
- ``jvp``/``jacfwd`` use forward mode (``autograd.forward_ad``) when they are
  the outermost forward transform and no input is being differentiated by an
  outer transform; otherwise the "double vjp" trick (J v = d(uᵀJ v)/du), which
  nests with anything.
- ``hessian`` is ``jacrev(jacrev(f))``.
- ``vmap`` is a loop over the batch followed by ``stack``: exactly the
  semantics of PyTorch's vmap (per-sample results, ``in_dims``/``out_dims``,
  nesting), but not its speed.

>>> from chainrule.func import grad, vmap
>>> grad(lambda x: (x ** 3).sum())(torch.tensor([1.0, 2.0]))
tensor([ 3., 12.])
>>> vmap(torch.dot)(torch.ones(3, 2), torch.ones(3, 2))
tensor([2., 2., 2.])
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from .._backend import xp
from ..autograd import forward_ad
from ..engine import grad_mode
from ..engine.backward import grad as autograd_grad
from ..engine.function import vmap_level
from ..functions.creation import ones_like, tensor, zeros, zeros_like
from ..functions.joining import stack
from ..functions.random import default_generator, random_refused
from ..ops.shape import alias
from ..tensor import Tensor
from .module_state import replace_all_batch_norm_modules_, stack_module_state
from .rearrange import rearrange

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "vmap",
           "functional_call", "linearize", "stack_module_state",
           "replace_all_batch_norm_modules_", "rearrange"]




# --- nested containers ("pytrees") ----------------------------------------------------

def tree_flatten(tree) -> tuple[list, Any]:
    """The tensors (and other leaves) of a nested tuple/list/dict, and how to rebuild it."""
    if isinstance(tree, (tuple, list)) and not hasattr(tree, "_fields"):
        leaves, specs = [], []
        for item in tree:
            sub, spec = tree_flatten(item)
            leaves.extend(sub)
            specs.append((len(sub), spec))
        return leaves, (type(tree), specs)
    if isinstance(tree, tuple):  # a namedtuple
        leaves, spec = tree_flatten(tuple(tree))
        return leaves, ("namedtuple", type(tree), spec)
    if isinstance(tree, dict):
        keys = list(tree)
        leaves, spec = tree_flatten([tree[k] for k in keys])
        return leaves, (dict, keys, spec)
    return [tree], None


def tree_unflatten(leaves, spec):
    """Inverse of ``tree_flatten``."""
    if spec is None:
        return leaves[0]
    kind = spec[0]
    if kind == "namedtuple":
        return spec[1](*tree_unflatten(leaves, spec[2]))
    if kind is dict:
        return dict(zip(spec[1], tree_unflatten(leaves, spec[2])))
    items, start = [], 0
    for n, sub in spec[1]:
        items.append(tree_unflatten(leaves[start:start + n], sub))
        start += n
    return kind(items)


def _tree_map(fn, tree):
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(x) for x in leaves], spec)


# --- reverse mode ---------------------------------------------------------------------

def _fresh(x):
    """``x`` as a tensor that requires grad for this transform.

    If ``x`` already requires grad (an outer transform differentiates it), an
    alias keeps the connection, so the outer transform sees through this one.
    """
    if not isinstance(x, Tensor) or not x.dtype.is_floating_point:
        return x
    if x._fw_grad is not None:
        raise _ReverseInsideForward()
    if x.requires_grad:
        return alias(x)
    t = x.detach()
    t.requires_grad_()
    return t


class _ReverseInsideForward(Exception):
    """A reverse transform met a dual tensor: the forward transform must use reverse mode."""


def _nested(tree) -> bool:
    """Whether any tensor in ``tree`` is being differentiated by an outer transform."""
    return any(isinstance(x, Tensor) and x.requires_grad for x in tree_flatten(tree)[0])


def _argnums_tuple(argnums, n: int) -> tuple:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not nums:
        raise RuntimeError("argnums must be non-empty")
    for a in nums:
        if not -n <= a < n:
            raise RuntimeError(f"Got argnums={argnums}, but only {n} positional inputs. Fix: "
                               "argnums counts the positional arguments from 0.")
    return tuple(a % n for a in nums)


def _split_aux(out, has_aux: bool, name: str):
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{name}(f, ...)(*args): output of function f should be a tuple: "
                           "(output, aux) if has_aux is True")
    return out


def _grads(outputs, inputs, grad_outputs, create_graph: bool) -> list:
    """autograd.grad that gives zeros (not errors) for inputs the output does not use."""
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs)
             if isinstance(o, Tensor) and o.requires_grad]
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    result = [zeros_like(x) if isinstance(x, Tensor) else None for x in inputs]
    if pairs and diff:
        grads = autograd_grad([o for o, _ in pairs], [inputs[i] for i in diff],
                              [g for _, g in pairs], retain_graph=True,
                              create_graph=create_graph, allow_unused=True)
        for i, g in zip(diff, grads):
            if g is not None:
                result[i] = g
    return result


def _fresh_arguments(args, argnums):
    """The differentiated positions, whether any is a container, and ``args`` with those
    arguments replaced by fresh leaves that require grad (shared by grad and jacrev)."""
    nums = _argnums_tuple(argnums, len(args))
    nested = _nested([args[i] for i in nums])
    args = list(args)
    for i in nums:
        args[i] = _tree_map(_fresh, args[i])
    return nums, nested, args


def grad_and_value(func: Callable, argnums=0, has_aux: bool = False) -> Callable:
    """Like ``grad``, but the new function returns ``(gradient, value)``.

    With ``has_aux=True``, ``func`` returns ``(value, aux)`` and the new
    function returns ``(gradient, (value, aux))``.

    >>> from chainrule.func import grad_and_value
    >>> grad_and_value(lambda x: (x ** 2).sum())(torch.tensor([1.0, 3.0]))
    (tensor([2., 6.]), tensor(10.))
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        nums, nested, args = _fresh_arguments(args, argnums)
        with grad_mode.enable_grad():
            out, aux = _split_aux(func(*args, **kwargs), has_aux, "grad_and_value")
            if not isinstance(out, Tensor) or out.numel() != 1:
                raise RuntimeError(
                    "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                    f"{'tensor with ' + str(out.dim()) + ' dims' if isinstance(out, Tensor) else type(out).__name__}. "  # noqa: E501
                    "Maybe you wanted to use the vjp or jacrev APIs instead? Fix: reduce the "
                    "output, e.g. with .sum().")
            grads = []
            for i in nums:
                leaves, spec = tree_flatten(args[i])
                gs = _grads([out], leaves, [ones_like(out)], create_graph=nested)
                grads.append(tree_unflatten(gs, spec))
        g = grads[0] if isinstance(argnums, int) else tuple(grads)
        if not nested:
            g = _tree_map(_detach, g)
            out = out.detach()
            aux = _tree_map(_detach, aux) if has_aux else aux
        return (g, (out, aux)) if has_aux else (g, out)
    return wrapper


def _detach(x):
    return x.detach() if isinstance(x, Tensor) else x


def grad(func: Callable, argnums=0, has_aux: bool = False) -> Callable:
    """A function that returns the gradient of scalar-valued ``func`` with respect to ``argnums``.

    >>> from chainrule.func import grad
    >>> grad(grad(lambda x: x ** 3))(torch.tensor(2.0))
    tensor(12.)
    """
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, value = gv(*args, **kwargs)
        return (g, value[1]) if has_aux else g
    return wrapper


def vjp(func: Callable, *primals, has_aux: bool = False):
    """``(func(*primals), vjp_fn)``; ``vjp_fn(cotangents)`` gives one vᵀJ per primal.

    >>> from chainrule.func import vjp
    >>> out, vjp_fn = vjp(torch.sin, torch.tensor([0.0, 1.0]))
    >>> vjp_fn(torch.tensor([1.0, 1.0]))
    (tensor([1.0000, 0.5403]),)
    """
    nested = _nested(primals)
    xs = _tree_map(_fresh, primals)
    with grad_mode.enable_grad():
        out, aux = _split_aux(func(*xs), has_aux, "vjp")
    leaves, spec = tree_flatten(xs)
    out_leaves, out_spec = tree_flatten(out)

    def vjp_fn(cotangents, *, retain_graph: bool = True, create_graph: bool | None = None):
        ct_leaves, ct_spec = tree_flatten(cotangents)
        if len(ct_leaves) != len(out_leaves):
            raise RuntimeError(f"Expected pytree structure of cotangents to be the same as "
                               f"pytree structure of outputs to the function ({len(out_leaves)} "
                               f"tensors), got {len(ct_leaves)}.")
        for c, o in zip(ct_leaves, out_leaves):
            if tuple(c.shape) != tuple(o.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output has a shape of {c.shape} "
                                   f"and output has a shape of {o.shape}.")
        keep = nested or _nested(ct_leaves) if create_graph is None else create_graph
        with grad_mode.enable_grad():
            gs = _grads(out_leaves, leaves, ct_leaves, create_graph=keep)
        if not keep:
            gs = [_detach(g) for g in gs]
        return tuple(tree_unflatten(gs, spec))

    result_out = out if nested else _tree_map(_detach, out)
    if has_aux:
        return result_out, vjp_fn, (aux if nested else _tree_map(_detach, aux))
    return result_out, vjp_fn


def jacrev(func: Callable, argnums=0, *, has_aux: bool = False, chunk_size=None,
           _preallocate_and_copy: bool = False) -> Callable:
    """A function that returns the Jacobian of ``func`` by reverse mode (a vjp per output element).

    >>> from chainrule.func import jacrev
    >>> jacrev(torch.sin)(torch.tensor([0.0, 1.0]))
    tensor([[1.0000, 0.0000],
            [0.0000, 0.5403]])
    """
    @functools.wraps(func)
    def wrapper(*args):
        nums, nested, args = _fresh_arguments(args, argnums)
        with grad_mode.enable_grad():
            out, aux = _split_aux(func(*args), has_aux, "jacrev")
        out_leaves, out_spec = tree_flatten(out)
        in_trees = [args[i] for i in nums]
        in_flat = [tree_flatten(t) for t in in_trees]
        all_inputs = [x for leaves, _ in in_flat for x in leaves]
        # jac[o][k]: output leaf o, input leaf k -> shape out.shape + in.shape
        jac = []
        for o in out_leaves:
            rows = [[] for _ in all_inputs]
            n = o.numel()
            flat = o.reshape(-1)
            for e in range(n):
                onehot = xp.zeros(n, dtype=o._data.dtype)
                onehot[e] = 1
                with grad_mode.enable_grad():
                    gs = _grads([flat], all_inputs, [Tensor._make(onehot)], create_graph=nested)
                for k, g in enumerate(gs):
                    rows[k].append(g)
            jac.append([
                stack(r).reshape(tuple(o.shape) + tuple(x.shape)) if r else
                _zeros(tuple(o.shape) + tuple(x.shape), x) for r, x in zip(rows, all_inputs)])
        # Rebuild: outputs' structure outside, each holding the inputs' structure.
        per_output = []
        for row in jac:
            start, per_arg = 0, []
            for leaves, spec in in_flat:
                part = row[start:start + len(leaves)]
                start += len(leaves)
                per_arg.append(tree_unflatten(part, spec))
            per_output.append(per_arg[0] if isinstance(argnums, int) else tuple(per_arg))
        result = tree_unflatten(per_output, out_spec)
        if not nested:
            result = _tree_map(_detach, result)
        if has_aux:
            return result, (aux if nested else _tree_map(_detach, aux))
        return result
    return wrapper


def _zeros(shape, like):
    return zeros(shape, dtype=like.dtype)


# --- forward mode ----------------------------------------------------------------------

def jvp(func: Callable, primals, tangents, *, strict: bool = False, has_aux: bool = False):
    """``(func(*primals), J @ tangents)``: the Jacobian-vector product.

    >>> from chainrule.func import jvp
    >>> jvp(torch.sin, (torch.tensor([0.0, 1.0]),), (torch.tensor([1.0, 1.0]),))
    (tensor([0.0000, 0.8415]), tensor([1.0000, 0.5403]))
    """
    if not isinstance(primals, tuple) or not isinstance(tangents, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to be "
                           "tuples. Fix: wrap a single tensor as (x,).")
    p_leaves, p_spec = tree_flatten(primals)
    t_leaves, _ = tree_flatten(tangents)
    if len(p_leaves) != len(t_leaves):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have "
                           "the same python structure.")
    for p, t in zip(p_leaves, t_leaves):
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError(f"jvp(f, primals, tangents): Expected primals and tangents to "
                               f"have the same shape, got {tuple(p.shape)} and {tuple(t.shape)}.")
    if forward_ad.active_level() is None and not _nested(primals) and not _nested(tangents):
        try:
            return _jvp_forward(func, p_leaves, p_spec, t_leaves, has_aux)
        except _ReverseInsideForward:
            pass  # e.g. jacfwd(jacrev(f)): one forward level cannot see through the inner
            # reverse pass, so compute J v with reverse mode only (below)
    return _jvp_double_vjp(func, primals, tangents, has_aux)


def _jvp_forward(func, p_leaves, p_spec, t_leaves, has_aux):
    with forward_ad.dual_level():
        duals = [forward_ad.make_dual(p.detach(), t) if isinstance(p, Tensor) else p
                 for p, t in zip(p_leaves, t_leaves)]
        out, aux = _split_aux(func(*tree_unflatten(duals, p_spec)), has_aux, "jvp")
        out_leaves, out_spec = tree_flatten(out)
        primal_out, tangent_out = [], []
        for o in out_leaves:
            p, t = forward_ad.unpack_dual(o)
            primal_out.append(p.detach())
            tangent_out.append(t if t is not None else _zeros(tuple(o.shape), o))
        result = (tree_unflatten(primal_out, out_spec), tree_unflatten(tangent_out, out_spec))
        if has_aux:
            aux = _tree_map(lambda a: forward_ad.unpack_dual(a).primal.detach()
                            if isinstance(a, Tensor) else a, aux)
    return (*result, aux) if has_aux else result


def _jvp_double_vjp(func, primals, tangents, has_aux):
    nested = _nested(primals) or _nested(tangents)
    xs = _tree_map(_fresh, primals)
    with grad_mode.enable_grad():
        out, aux = _split_aux(func(*xs), has_aux, "jvp")
        out_leaves, out_spec = tree_flatten(out)
        x_leaves, _ = tree_flatten(xs)
        t_leaves, _ = tree_flatten(tangents)
        # g(u) = uᵀJ is linear in u, so d(g(u)·v)/du = J v.
        us = [zeros_like(o).requires_grad_() for o in out_leaves]
        g = _grads(out_leaves, x_leaves, us, create_graph=True)
        jv = _grads(g, us, t_leaves, create_graph=nested)
    if not nested:
        out, jv, aux = _tree_map(_detach, out), [_detach(t) for t in jv], _tree_map(_detach, aux)
    return ((out, tree_unflatten(jv, out_spec), aux) if has_aux
            else (out, tree_unflatten(jv, out_spec)))


def jacfwd(func: Callable, argnums=0, has_aux: bool = False, *, randomness: str = "error"):
    """A function that returns the Jacobian of ``func`` by forward mode (one jvp per input element).

    >>> from chainrule.func import jacfwd
    >>> jacfwd(lambda x: x ** 2)(torch.tensor([1.0, 2.0]))
    tensor([[2., 0.],
            [0., 4.]])
    """
    @functools.wraps(func)
    def wrapper(*args):
        nums = _argnums_tuple(argnums, len(args))
        in_flat = [tree_flatten(args[i]) for i in nums]
        all_inputs = [x for leaves, _ in in_flat for x in leaves]

        def call(*flat_inputs):
            new = list(args)
            start = 0
            for i, (leaves, spec) in zip(nums, in_flat):
                new[i] = tree_unflatten(list(flat_inputs[start:start + len(leaves)]), spec)
                start += len(leaves)
            return func(*new)

        columns = None
        out_spec = aux = out = None
        for k, x in enumerate(all_inputs):
            for e in range(x.numel()):
                tangents = []
                for j, y in enumerate(all_inputs):
                    t = xp.zeros(y._data.shape, dtype=y._data.dtype)
                    if j == k:
                        t.reshape(-1)[e] = 1
                    tangents.append(Tensor._make(t))
                res = jvp(call, tuple(all_inputs), tuple(tangents), has_aux=has_aux)
                out, tan = res[0], res[1]
                if has_aux:
                    aux = res[2]
                t_leaves, out_spec = tree_flatten(tan)
                if columns is None:
                    columns = [[[] for _ in all_inputs] for _ in t_leaves]
                for o, t in enumerate(t_leaves):
                    columns[o][k].append(t)
        out_leaves, out_spec = tree_flatten(out)
        per_output = []
        for o, ol in enumerate(out_leaves):
            row = [stack(columns[o][k], dim=-1).reshape(tuple(ol.shape) + tuple(x.shape))
                   if columns[o][k] else _zeros(tuple(ol.shape) + tuple(x.shape), x)
                   for k, x in enumerate(all_inputs)]
            start, per_arg = 0, []
            for leaves, spec in in_flat:
                per_arg.append(tree_unflatten(row[start:start + len(leaves)], spec))
                start += len(leaves)
            per_output.append(per_arg[0] if isinstance(argnums, int) else tuple(per_arg))
        result = tree_unflatten(per_output, out_spec)
        return (result, aux) if has_aux else result
    return wrapper


def hessian(func: Callable, argnums=0) -> Callable:
    """The Hessian of scalar ``func``: ``jacrev(jacrev(func))`` (PyTorch uses jacfwd outside).

    >>> from chainrule.func import hessian
    >>> hessian(lambda x: (x ** 3).sum())(torch.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    return jacrev(jacrev(func, argnums), argnums)


def linearize(func: Callable, *primals):
    """``(func(*primals), jvp_fn)`` where ``jvp_fn(*tangents)`` is the Jacobian-vector product.

    >>> from chainrule.func import linearize
    >>> out, jvp_fn = linearize(torch.sin, torch.tensor([0., 1.]))
    >>> out, jvp_fn(torch.tensor([1., 1.]))
    (tensor([0.0000, 0.8415]), tensor([1.0000, 0.5403]))
    """
    out = func(*primals)

    def jvp_fn(*tangents):
        return jvp(func, primals, tangents)[1]
    return _tree_map(_detach, out), jvp_fn


# --- vmap -------------------------------------------------------------------------------

def _broadcast_dims(in_dims, args):
    if isinstance(in_dims, int) or in_dims is None:
        return [_tree_map(lambda _: in_dims, a) for a in args]
    if not isinstance(in_dims, tuple) or len(in_dims) != len(args):
        raise ValueError(f"vmap(f, in_dims={in_dims}, ...)(<inputs>): expected in_dims to be "
                         f"int or a (potentially nested) tuple matching the structure of inputs, "
                         f"got: {type(in_dims).__name__}. Fix: give one entry per argument.")
    return [_expand_dims(d, a) for d, a in zip(in_dims, args)]


def _expand_dims(dims, tree):
    if isinstance(dims, int) or dims is None:
        return _tree_map(lambda _: dims, tree)
    if isinstance(tree, dict):
        return {k: _expand_dims(dims[k], v) for k, v in tree.items()}
    return type(tree)(_expand_dims(d, t) for d, t in zip(dims, tree))


_RANDOM_IN_VMAP = (
    "vmap: called random operation while in randomness error mode. Please either use the "
    "'same' or 'different' randomness flags on vmap or perform the randomness operation out of "
    "vmap")


def vmap(func: Callable, in_dims=0, out_dims=0, randomness: str = "error", *,
         chunk_size=None) -> Callable:
    """Map ``func`` over a batch dimension of its inputs; results are stacked along ``out_dims``.

    Implemented as a Python loop over the batch and a ``stack`` of the
    results: the values are exactly those of PyTorch's vmap, the speed is that
    of the loop.  ``in_dims`` is an int, None (not batched) or a nested tuple
    matching the arguments; it nests, and composes with ``grad`` for
    per-sample gradients: ``vmap(grad(loss), in_dims=(None, 0, 0))``.
    ``randomness`` is PyTorch's: ``"error"`` (random draws inside raise),
    ``"different"`` (each sample draws its own) or ``"same"`` (one draw for all).

    >>> from chainrule.func import vmap
    >>> vmap(lambda x, w: (x * w).sum(), in_dims=(0, None))(torch.ones(2, 3), torch.arange(3.0))
    tensor([3., 3.])
    """
    if randomness not in ("error", "different", "same"):
        raise RuntimeError("Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        dims = _broadcast_dims(in_dims, args)
        flat_args, arg_spec = tree_flatten(list(args))
        flat_dims, _ = tree_flatten(list(dims))
        sizes = {x.shape[d] for x, d in zip(flat_args, flat_dims)
                 if d is not None and isinstance(x, Tensor)}
        if not sizes:
            raise ValueError(f"vmap(f, in_dims={in_dims}, ...)(<inputs>): at least one input "
                             "must be a Tensor mapped over a dimension (in_dims not None).")
        if len(sizes) > 1:
            raise ValueError(f"vmap(f, in_dims={in_dims}, ...)(<inputs>): Expected all tensors "
                             f"to have the same size in the mapped dimension, got sizes "
                             f"{sorted(sizes)} for the mapped dimension")
        (batch,) = sizes
        results = []
        # randomness: "different" is the loop's own way; "same" replays one draw for every
        # sample (the generator ends as after one draw); "error" refuses random draws.
        same_start = default_generator.get_state() if randomness == "same" else None
        refusal = _RANDOM_IN_VMAP if randomness == "error" else None
        with vmap_level(batch, randomness), random_refused(refusal):
            for b in range(batch):
                if same_start is not None:
                    default_generator.set_state(same_start)
                sliced = [x.select(d, b) if d is not None and isinstance(x, Tensor) else x
                          for x, d in zip(flat_args, flat_dims)]
                results.append(func(*tree_unflatten(sliced, arg_spec), **kwargs))
        out_leaves_per_b = [tree_flatten(r) for r in results]
        spec = out_leaves_per_b[0][1]
        n_out = len(out_leaves_per_b[0][0])
        odims = _tree_map(lambda _: out_dims, results[0]) if isinstance(out_dims, int) \
            else _expand_dims(out_dims, results[0])
        odims_flat, _ = tree_flatten(odims)
        stacked = []
        for k in range(n_out):
            items = [leaves[k] for leaves, _ in out_leaves_per_b]
            d = odims_flat[k] if k < len(odims_flat) else out_dims
            if d is None:
                stacked.append(items[0])
                continue
            items = [x if isinstance(x, Tensor) else _scalar_tensor(x) for x in items]
            stacked.append(stack(items, dim=d))
        return tree_unflatten(stacked, spec)
    return wrapper


def _scalar_tensor(x):
    return tensor(x)


# --- functional_call ----------------------------------------------------------------------

def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights: bool = True, strict: bool = False):
    """Call ``module`` with some of its parameters/buffers replaced by the given tensors.

    Works with any object that has ``named_parameters()``/``named_buffers()``
    (``chainrule.nn.Module``); the module's own tensors are put back afterwards.

    >>> from chainrule.func import functional_call
    >>> class Scale:
    ...     def __init__(self): self.w = torch.tensor(2.0)
    ...     def named_parameters(self): return [("w", self.w)]
    ...     def named_buffers(self): return []
    ...     def __call__(self, x): return x * self.w
    >>> functional_call(Scale(), {"w": torch.tensor(5.0)}, (torch.tensor(3.0),))
    tensor(15.)
    """
    if isinstance(parameter_and_buffer_dicts, (list, tuple)):
        merged = {}
        for d in parameter_and_buffer_dicts:
            overlap = set(merged) & set(d)
            if overlap:
                raise ValueError(f"{sorted(overlap)} appeared in multiple dictionaries; "
                                 "behavior of functional call is ambiguous")
            merged.update(d)
    else:
        merged = dict(parameter_and_buffer_dicts)
    known = set()
    for getter in ("named_parameters", "named_buffers"):
        if hasattr(module, getter):
            known.update(name for name, _ in getattr(module, getter)())
    if strict:
        missing = sorted(known - set(merged))
        unexpected = sorted(set(merged) - known)
        if missing or unexpected:
            raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}: "
                               f"missing keys {missing}, unexpected keys {unexpected}.")
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    saved = []
    try:
        for name, value in merged.items():
            owner, attr = _resolve(module, name)
            saved.append((owner, attr, _swap(owner, attr, value)))
        return module(*args, **(kwargs or {}))
    finally:
        for owner, attr, old in reversed(saved):
            _swap(owner, attr, old)


def _resolve(module, name: str):
    *path, attr = name.split(".")
    owner = module
    for part in path:
        owner = getattr(owner, part)
    return owner, attr


_MISSING = object()


def _swap(owner, attr: str, value):
    """Put ``value`` in place of ``owner.attr``; returns what was there."""
    for table in ("_parameters", "_buffers"):
        d = owner.__dict__.get(table) if hasattr(owner, "__dict__") else None
        if isinstance(d, dict) and attr in d:
            old = d[attr]
            if value is _MISSING:
                del d[attr]
            else:
                d[attr] = value
            return old
    old = owner.__dict__.get(attr, _MISSING) if hasattr(owner, "__dict__") else _MISSING
    if value is _MISSING:
        owner.__dict__.pop(attr, None)
    else:
        object.__setattr__(owner, attr, value)
    return old
