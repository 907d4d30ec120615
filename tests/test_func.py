"""chainrule.func and autograd.functional against torch.func / torch.autograd.functional."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.autograd.functional as CF
import chainrule.func as cf
from helpers import torch_or_skip

torch = torch_or_skip()
TF = torch.autograd.functional
tf = torch.func

rng = np.random.default_rng(0)
A, X = rng.standard_normal((3, 2)), rng.standard_normal(2)


def same(ours, theirs):
    if isinstance(ours, (tuple, list)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            same(o, t)
    elif isinstance(ours, dict):
        assert ours.keys() == theirs.keys()
        for k in ours:
            same(ours[k], theirs[k])
    else:
        assert tuple(ours.shape) == tuple(theirs.shape)
        assert not ours.requires_grad
        np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-9, atol=1e-12)


def both(*arrays):
    return [cr.tensor(a) for a in arrays], [torch.tensor(a) for a in arrays]


def f(a, b):
    return ((a @ b).sin() ** 2).sum()


def g(a, b):
    return ((a * b).tanh() * b.sum()).exp(), (a * a).sum()


@pytest.mark.parametrize("tuple_in", [True, False])
def test_autograd_functional(tuple_in):
    (ca, cb), (ta, tb) = both(A, X)
    if tuple_in:
        same(CF.jacobian(g, (ca, cb)), TF.jacobian(g, (ta, tb)))
        same(CF.hessian(f, (ca, cb)), TF.hessian(f, (ta, tb)))
        same(CF.vjp(g, (ca, cb), (ca, cr.tensor(1.0, dtype=cr.float64))),
             TF.vjp(g, (ta, tb), (ta, torch.tensor(1.0, dtype=torch.float64))))
        same(CF.jvp(g, (ca, cb), (ca, cb)), TF.jvp(g, (ta, tb), (ta, tb)))
        same(CF.hvp(f, (ca, cb), (ca, cb)), TF.hvp(f, (ta, tb), (ta, tb)))
        same(CF.vhp(f, (ca, cb), (ca, cb)), TF.vhp(f, (ta, tb), (ta, tb)))
    else:
        def h(b):
            return (b.exp() * b).sin()
        same(CF.jacobian(h, cb), TF.jacobian(h, tb))
        same(CF.jacobian(h, cb, strategy="forward-mode", vectorize=True),
             TF.jacobian(h, tb, strategy="forward-mode", vectorize=True))
        same(CF.hessian(lambda b: h(b).sum(), cb), TF.hessian(lambda b: h(b).sum(), tb))
        same(CF.jvp(h, cb, cb), TF.jvp(h, tb, tb))


def test_functional_create_graph_and_strict():
    (cb,), (tb,) = both(X)
    cb.requires_grad_()
    tb.requires_grad_()
    jac = CF.jacobian(lambda b: b ** 3, cb, create_graph=True)
    tjac = TF.jacobian(lambda b: b ** 3, tb, create_graph=True)
    assert jac.requires_grad and tjac.requires_grad
    (gc,) = cr.autograd.grad(jac.sum(), cb)
    (gt,) = torch.autograd.grad(tjac.sum(), tb)
    np.testing.assert_allclose(gc.numpy(), gt.numpy())
    with pytest.raises(RuntimeError, match="independent of input"):
        CF.vjp(lambda a, b: a * 2, (cb, cb * 1), cb, strict=True)


def test_func_transforms_and_pytrees():
    (ca, cb), (ta, tb) = both(A, X)
    same(cf.grad(f, argnums=(0, 1))(ca, cb), tf.grad(f, argnums=(0, 1))(ta, tb))
    same(cf.grad_and_value(lambda x: ((x ** 2).sum(), x.mean()), has_aux=True)(cb),
         tf.grad_and_value(lambda x: ((x ** 2).sum(), x.mean()), has_aux=True)(tb))
    same(cf.hessian(f, argnums=1)(ca, cb), tf.hessian(f, argnums=1)(ta, tb))
    same(cf.jacrev(g, argnums=(0, 1))(ca, cb), tf.jacrev(g, argnums=(0, 1))(ta, tb))
    same(cf.jacfwd(g, argnums=(0, 1))(ca, cb), tf.jacfwd(g, argnums=(0, 1))(ta, tb))
    same(cf.jacfwd(cf.jacrev(f))(ca, cb), tf.jacfwd(tf.jacrev(f))(ta, tb))
    same(cf.grad(cf.grad(lambda x: x.sin()))(cb[0]), tf.grad(tf.grad(lambda x: x.sin()))(tb[0]))

    def d(tree):
        return {"y": tree["a"].sin() * tree["b"][0], "z": [tree["b"][1].exp()]}
    cd, td = {"a": ca, "b": [cb, cb * 2]}, {"a": ta, "b": [tb, tb * 2]}
    same(cf.jacrev(d)(cd), tf.jacrev(d)(td))
    (o1, fn1), (o2, fn2) = cf.vjp(d, cd), tf.vjp(d, td)
    same(fn1(o1), fn2(o2))
    same(cf.jvp(d, (cd,), (cd,)), tf.jvp(d, (td,), (td,)))


def test_vmap():
    (ca, cb), (ta, tb) = both(A, X)
    same(cf.vmap(cf.vmap(lambda a, b: a * b), in_dims=(0, None))(ca, cb),
         tf.vmap(tf.vmap(lambda a, b: a * b), in_dims=(0, None))(ta, tb))
    same(cf.vmap(lambda a: (a, a.sum()), out_dims=(1, 0))(ca),
         tf.vmap(lambda a: (a, a.sum()), out_dims=(1, 0))(ta))
    same(cf.vmap(lambda d: d["x"] * 2, in_dims=({"x": 1},))({"x": ca}),
         tf.vmap(lambda d: d["x"] * 2, in_dims=({"x": 1},))({"x": ta}))
    with pytest.raises(ValueError):
        cf.vmap(lambda a, b: a + b)(ca, cr.ones(5))


def test_per_sample_gradients_equal_a_loop():
    """vmap(grad(loss)) over a batch = one grad per sample, computed in a Python loop."""
    r = np.random.default_rng(3)
    w, xs, ys = r.standard_normal(4), r.standard_normal((6, 4)), r.standard_normal(6)
    cw, cx, cy = cr.tensor(w), cr.tensor(xs), cr.tensor(ys)

    def loss(w, x, y):
        return ((x * w).sum().tanh() - y) ** 2

    batched = cf.vmap(cf.grad(loss), in_dims=(None, 0, 0))(cw, cx, cy)
    for i in range(6):
        wi = cr.tensor(w, requires_grad=True)
        loss(wi, cx[i], cy[i]).backward()
        np.testing.assert_allclose(batched[i].numpy(), wi.grad.numpy(), rtol=1e-12)
    theirs = tf.vmap(tf.grad(loss), in_dims=(None, 0, 0))(*map(torch.tensor, (w, xs, ys)))
    same(batched, theirs)


def test_functional_call_with_any_module_like_object():
    class Linear:
        def __init__(self):
            self.weight = cr.ones(2, 3, dtype=cr.float64)
            self.bias = cr.zeros(2, dtype=cr.float64)

        def named_parameters(self):
            return [("weight", self.weight), ("bias", self.bias)]

        def named_buffers(self):
            return []

        def __call__(self, x):
            return x @ self.weight.T + self.bias

    m = Linear()
    params = {"weight": cr.tensor(A.T.copy()), "bias": cr.tensor([1.0, 2.0], dtype=cr.float64)}
    x = cr.tensor(rng.standard_normal((4, 3)))
    out = cf.functional_call(m, params, (x,))
    np.testing.assert_allclose(out.numpy(), x.numpy() @ A + [1.0, 2.0])
    assert m.weight.numpy().sum() == 6.0  # the module's own tensors are back
    grads = cf.grad(lambda p: cf.functional_call(m, p, (x,)).sum())(params)
    np.testing.assert_allclose(grads["bias"].numpy(), [4.0, 4.0])
    with pytest.raises(RuntimeError, match="missing keys"):
        cf.functional_call(m, {"weight": params["weight"]}, (x,), strict=True)


def test_mlp_hessian_matches_torch():
    """The Hessian of a 2-layer MLP's loss with respect to all its weights, flattened."""
    r = np.random.default_rng(5)
    xs, ys = r.standard_normal((5, 3)), r.standard_normal(5)
    w1, w2 = r.standard_normal((3, 4)), r.standard_normal(4)
    shapes = [(3, 4), (4,)]

    def make_loss(lib, x, y):
        def loss(flat):
            a = flat[:12].reshape(shapes[0])
            b = flat[12:]
            hidden = (x @ a).tanh()
            return ((hidden @ b - y) ** 2).mean()
        return loss

    flat = np.concatenate([w1.ravel(), w2])
    ours = CF.hessian(make_loss(cr, cr.tensor(xs), cr.tensor(ys)), cr.tensor(flat))
    theirs = TF.hessian(make_loss(torch, torch.tensor(xs), torch.tensor(ys)), torch.tensor(flat))
    same(ours, theirs)
    same(cf.hessian(make_loss(cr, cr.tensor(xs), cr.tensor(ys)))(cr.tensor(flat)), theirs)


def test_newton_step_solves_least_squares_exactly():
    """One Newton step with the exact Hessian lands on the least-squares minimiser."""
    r = np.random.default_rng(7)
    design, target = r.standard_normal((20, 4)), r.standard_normal(20)
    cd, ct = cr.tensor(design), cr.tensor(target)

    def loss(w):
        return ((cd @ w - ct) ** 2).sum()

    w0 = cr.tensor(r.standard_normal(4))
    h = cf.hessian(loss)(w0).numpy()
    g = cf.grad(loss)(w0).numpy()
    w1 = w0.numpy() - np.linalg.solve(h, g)
    exact, *_ = np.linalg.lstsq(design, target, rcond=None)
    np.testing.assert_allclose(w1, exact, rtol=1e-10, atol=1e-12)
