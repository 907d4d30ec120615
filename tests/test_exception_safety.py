"""No global state survives an exception.

Hypothesis nests a few contexts (grad modes, decorated functions and
generators, saved-tensor hooks, checkpoint in both variants and its
settings, anomaly mode, forward-AD levels, autograd.functional, gradcheck)
and raises somewhere inside: in the innermost body, in a backward hook, in a
custom Function's backward, in a pack hook, or in a checkpoint's
recomputation.  Whatever is raised, afterwards every global switch must be as
it was before, and autograd must still work.

To cover another context, add an entry to CONTEXTS (a function that runs
``body`` inside it); to cover another kind of failure, add one to BODIES.
"""
from __future__ import annotations

import warnings

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chainrule as cr
import chainrule.autograd.forward_ad as fwAD
from chainrule.autograd import anomaly_mode as anomaly
from chainrule.autograd import functional
from chainrule.engine import anomaly as engine_anomaly
from chainrule.engine import backward as engine_backward
from chainrule.engine import forward_ad as forward_ad_state
from chainrule.engine import saved as saved_state
from chainrule.utils import checkpoint as ckpt


class Boom(Exception):
    """What the bodies raise."""


def global_state() -> dict:
    """Every global switch a context may set, by public API where there is one."""
    return {
        "grad": cr.is_grad_enabled(),
        "inference": cr.is_inference_mode_enabled(),
        "anomaly": anomaly.is_anomaly_enabled(),
        "anomaly_check_nan": anomaly.is_anomaly_check_nan_enabled(),
        # No public API reads these: the module-level state itself.
        "saved_tensors_hooks": list(saved_state.SAVED_TENSORS_HOOKS),
        "backward_passes": len(engine_backward._RUNNING),
        "final_callbacks": len(engine_backward._CALLBACKS),
        "anomaly_running_nodes": len(engine_anomaly._RUNNING_NODES),
        "dual_level": forward_ad_state.active_level(),
        "checkpoint_debug": ckpt._debug_enabled,
        "checkpoint_early_stop": ckpt._early_stop_enabled,
        "graph_exec_group": ckpt.GraphExecGroup._current,
    }


def leaf():
    return cr.tensor([0.5, -1.0, 2.0], dtype=cr.float64, requires_grad=True)


# ---------------------------------------------------------------- where it fails
def fails_now(countdown):
    countdown.tick()
    return leaf() * 2


def fails_in_tensor_hook(countdown):
    with cr.enable_grad():
        x = leaf()
        y = x * x
        y.register_hook(lambda g: countdown.tick())
        y.sum().backward()
    return x.grad


class _Raising(cr.autograd.Function):
    @staticmethod
    def forward(ctx, x, countdown):
        ctx.countdown = countdown
        ctx.save_for_backward(x)
        return x * 3

    @staticmethod
    def backward(ctx, grad):
        ctx.countdown.tick()
        return grad * 3, None


def fails_in_function_backward(countdown):
    with cr.enable_grad():
        x = leaf()
        _Raising.apply(x, countdown).sum().backward()
    return x.grad


def fails_in_pack_hook(countdown):
    def pack(t):
        countdown.tick()
        return t
    with cr.enable_grad(), cr.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        return leaf().sin()


def fails_in_unpack_hook(countdown):
    def unpack(t):
        countdown.tick()
        return t
    with cr.enable_grad():
        x = leaf()
        with cr.autograd.graph.saved_tensors_hooks(lambda t: t, unpack):
            y = x.exp().sum()
        y.backward()
    return x.grad


def fails_in_node_hooks(countdown):
    with cr.enable_grad():
        x = leaf()
        y = x.sin()
        y.grad_fn.register_prehook(lambda grads: countdown.tick())
        y.grad_fn.register_hook(lambda grads_in, grads_out: countdown.tick())
        x.register_post_accumulate_grad_hook(lambda t: countdown.tick())
        y.sum().backward()
    return x.grad


def leaves_a_hooks_block_open(countdown):
    """A hook enters a saved_tensors_hooks block and fails before leaving it."""
    block = cr.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t)

    def hook(grad):
        block.__enter__()
        countdown.tick()
    with cr.enable_grad():
        x = leaf()
        y = x * 2
        y.register_hook(hook)
        y.sum().backward()
    return x.grad


def fails_in_queued_callback(countdown):
    with cr.enable_grad():
        x = leaf()
        y = x * 2
        y.register_hook(lambda g: cr.autograd.graph.queue_callback(countdown.tick))
        y.sum().backward()
    return x.grad


def fails_in_module_backward_hooks(countdown):
    layer = cr.nn.Tanh()  # (no random weights: gradcheck calls this body many times)
    layer.register_full_backward_pre_hook(lambda m, g_out: countdown.tick())
    layer.register_full_backward_hook(lambda m, g_in, g_out: countdown.tick())
    with cr.enable_grad():
        x = leaf()
        layer(x).sum().backward()
    return x.grad


BODIES = {
    "now": fails_now,
    "tensor hook": fails_in_tensor_hook,
    "Function.backward": fails_in_function_backward,
    "pack hook": fails_in_pack_hook,
    "unpack hook": fails_in_unpack_hook,
    "node hooks": fails_in_node_hooks,
    "hooks block left open": leaves_a_hooks_block_open,
    "final callback": fails_in_queued_callback,
    "module backward hooks": fails_in_module_backward_hooks,
}


class Countdown:
    """Raises Boom at the n-th tick (never when n is 0)."""

    def __init__(self, n: int) -> None:
        self.left = n

    def tick(self) -> None:
        self.left -= 1
        if self.left == 0:
            raise Boom


# ---------------------------------------------------------------- the contexts
def inside(manager):
    def run(body):
        with manager():
            return body()
    return run


def decorated_generator(body):
    @cr.no_grad()
    def gen():
        yield body()
        yield body()
    return list(gen())


def checkpointed(use_reentrant):
    def run(body):
        x = leaf()
        with cr.enable_grad():
            out = ckpt.checkpoint(lambda t: t * body().sum(), x, use_reentrant=use_reentrant)
            out.sum().backward()  # the recomputation calls body again
        return x.grad
    return run


def in_gradcheck(body):
    x = leaf()
    return cr.autograd.gradcheck(lambda t: t * body().sum().detach(), (x,))


def in_jacobian(strategy):
    def run(body):
        return functional.jacobian(lambda t: t * body().sum().detach(), leaf().detach(),
                                   vectorize=True, strategy=strategy)
    return run


def in_hessian(body):
    return functional.hessian(lambda t: (t * t * body().sum().detach()).sum(), leaf().detach())


def in_vjp(body):
    x = leaf()
    return functional.vjp(lambda t: t * body().sum(), x, cr.ones(3, dtype=cr.float64),
                          create_graph=True)


def anomaly_on():
    return cr.autograd.detect_anomaly(check_nan=False)


CONTEXTS = {
    "no_grad": inside(cr.no_grad),
    "enable_grad": inside(cr.enable_grad),
    "set_grad_enabled(False)": inside(lambda: cr.set_grad_enabled(False)),
    "inference_mode": inside(cr.inference_mode),
    "inference_mode(False)": inside(lambda: cr.inference_mode(False)),
    "@no_grad function": lambda body: cr.no_grad(body)(),
    "@enable_grad() function": lambda body: cr.enable_grad()(body)(),
    "@no_grad() generator": decorated_generator,
    "saved_tensors_hooks": inside(lambda: cr.autograd.graph.saved_tensors_hooks(
        lambda t: t, lambda t: t)),
    "checkpoint": checkpointed(False),
    "checkpoint(use_reentrant=True)": checkpointed(True),
    "GraphExecGroup": inside(ckpt.GraphExecGroup),
    "set_checkpoint_debug_enabled": inside(lambda: ckpt.set_checkpoint_debug_enabled(True)),
    "set_checkpoint_early_stop": inside(lambda: ckpt.set_checkpoint_early_stop(False)),
    "detect_anomaly": inside(anomaly_on),
    "set_detect_anomaly": inside(lambda: cr.autograd.set_detect_anomaly(True)),
    "dual_level": inside(fwAD.dual_level),
    "gradcheck": in_gradcheck,
    "jacobian reverse-mode": in_jacobian("reverse-mode"),
    "jacobian forward-mode": in_jacobian("forward-mode"),
    "hessian": in_hessian,
    "vjp(create_graph=True)": in_vjp,
}


def nest(names, body):
    if not names:
        return body()
    return CONTEXTS[names[0]](lambda: nest(names[1:], body))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(st.sampled_from(sorted(CONTEXTS)), min_size=1, max_size=3),
       where=st.sampled_from(sorted(BODIES)), nth=st.integers(0, 4),
       outer_grad=st.booleans())
def test_global_state_survives_any_exception(names, where, nth, outer_grad):
    with cr.set_grad_enabled(outer_grad):
        before = global_state()
        countdown = Countdown(nth)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                nest(names, lambda: BODIES[where](countdown))
            except Exception:  # any failure: Boom, or one the nesting itself provokes
                pass
        assert global_state() == before, names
    # and autograd still works
    x = leaf()
    (x * x).sum().backward()
    assert x.grad.tolist() == [1.0, -2.0, 4.0]


def test_every_context_and_body_runs_without_raising():
    """The contexts and bodies themselves are sound: without a Boom, nothing raises."""
    for name in CONTEXTS:
        for where in BODIES:
            before = global_state()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                nest([name], lambda body=BODIES[where]: body(Countdown(0)))
            assert global_state() == before, (name, where)
