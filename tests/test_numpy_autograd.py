"""chainrule.numpy.autograd: HIPS autograd's transforms, checked against PyTorch's torch.func
(and against HIPS autograd itself where it is installed, as with ``make bench``)."""
import numpy
import pytest

import chainrule
import chainrule.numpy as np
from chainrule.numpy.autograd import (
    check_grads,
    deriv,
    elementwise_grad,
    grad,
    grad_and_aux,
    grad_named,
    hessian,
    hessian_vector_product,
    jacobian,
    make_hvp,
    make_jvp,
    make_vjp,
    tensor_jacobian_product,
    value_and_grad,
    vector_jacobian_product,
)
from helpers import torch_or_skip

X = numpy.array([0.3, -1.2, 0.8])


def f(x):
    return np.sum(np.sin(x) * x ** 2) + np.prod(np.tanh(x))


def torch_f(torch):
    return lambda x: (torch.sin(x) * x ** 2).sum() + torch.tanh(x).prod()


def _torch(x):
    torch = torch_or_skip()
    return torch.tensor(x, dtype=torch.float64)


def test_grad_and_hessian_match_torch_func():
    torch = torch_or_skip()
    numpy.testing.assert_allclose(grad(f)(X), torch.func.grad(torch_f(torch))(_torch(X)),
                                  rtol=1e-12)
    numpy.testing.assert_allclose(hessian(f)(X), torch.func.hessian(torch_f(torch))(_torch(X)),
                                  rtol=1e-12)
    v = numpy.array([1.0, -2.0, 0.5])
    _, hvp = torch.func.jvp(torch.func.grad(torch_f(torch)), (_torch(X),), (_torch(v),))
    numpy.testing.assert_allclose(hessian_vector_product(f)(X, v), hvp, rtol=1e-12)
    numpy.testing.assert_allclose(make_hvp(f)(X)[0](v), hvp, rtol=1e-12)


def test_jacobian_and_products_match_torch_func():
    torch = torch_or_skip()
    g = lambda x: np.outer(np.sin(x), x)[:, :2]
    jac = torch.func.jacrev(lambda x: torch.outer(torch.sin(x), x)[:, :2])(_torch(X))
    numpy.testing.assert_allclose(jacobian(g)(X), jac, rtol=1e-12)
    u = numpy.ones((3, 2))
    numpy.testing.assert_allclose(vector_jacobian_product(g)(X, u),
                                  numpy.tensordot(u, jac.numpy(), 2), rtol=1e-12)
    assert tensor_jacobian_product is vector_jacobian_product
    numpy.testing.assert_allclose(elementwise_grad(np.tanh)(X), 1 - numpy.tanh(X) ** 2)
    vjp, value = make_vjp(g)(X)
    numpy.testing.assert_allclose(value, g(X))
    numpy.testing.assert_allclose(vjp(u), numpy.tensordot(u, jac.numpy(), 2), rtol=1e-12)
    value, jv = make_jvp(g)(X)(numpy.array([1.0, 0.0, 0.0]))
    numpy.testing.assert_allclose(jv, jac.numpy()[..., 0], rtol=1e-12)
    assert deriv(np.sin)(0.3) == pytest.approx(numpy.cos(0.3))


def test_argnum_and_nested_containers():
    def loss(params, x, scale):
        return scale * np.sum((params["w"] * x + params["b"][0]) ** 2)
    params = {"w": numpy.array([1.0, 2.0]), "b": [0.5]}
    x = numpy.array([0.5, -1.0])
    g = grad(loss)(params, x, 3.0)
    assert set(g) == {"w", "b"} and isinstance(g["b"], list)
    residual = params["w"] * x + 0.5
    numpy.testing.assert_allclose(g["w"], 3.0 * 2 * residual * x)
    numpy.testing.assert_allclose(g["b"][0], 3.0 * 2 * residual.sum())
    gx, gs = grad(loss, (1, 2))(params, x, 3.0)
    numpy.testing.assert_allclose(gx, 3.0 * 2 * residual * params["w"])
    assert gs == pytest.approx(numpy.sum(residual ** 2))
    assert grad_named(loss, "scale")(params, x, 3.0) == pytest.approx(gs)
    value, gw = value_and_grad(lambda w: loss({"w": w, "b": [0.5]}, x, 3.0))(params["w"])
    assert value == pytest.approx(loss(params, x, 3.0))
    numpy.testing.assert_allclose(gw, g["w"])


def test_values_in_values_out():
    g = grad(lambda x: x ** 3)(2.0)
    assert type(g) is numpy.float64 and g == 12.0
    assert grad(lambda x: np.sum(x ** 2))(numpy.ones(2, numpy.float32)).dtype == numpy.float32
    value, gradient = value_and_grad(lambda x: np.sum(x))(numpy.ones(3))
    assert type(value) is numpy.float64 and isinstance(gradient, numpy.ndarray)
    assert grad_and_aux(lambda x: (np.sum(x ** 2), "aux"))(numpy.ones(2))[1] == "aux"


def test_nesting_and_closures_are_not_confused():
    # d/dy [ d/dx (x * y) at x = y ] = d/dy y = 1: the inner derivative is with respect to
    # its own argument, even when the outer variable is passed in as that argument.
    assert grad(lambda y: grad(lambda x: x * y)(y))(2.0) == 1.0
    assert grad(grad(grad(lambda x: x ** 4)))(2.0) == pytest.approx(24 * 2.0)


def test_errors_say_what_to_do():
    with pytest.raises(TypeError, match="differentiate w.r.t. type"):
        grad(lambda x: x * 2)(3)
    with pytest.raises(TypeError, match="scalar-output"):
        grad(np.sin)(numpy.ones(2))
    assert grad(lambda x: 1.0)(numpy.ones(2)).tolist() == [0.0, 0.0]  # output ignores x


def test_check_grads_is_hips_autographs_checker():
    check_grads(f, modes=["fwd", "rev"], order=2)(X)
    check_grads(lambda p: np.sum(p[0] * np.exp(p[1])), modes=["rev"])([X, X[::-1].copy()])
    with pytest.raises(ValueError, match="modes"):
        check_grads(f, modes=["sideways"])(X)


def test_chainrule_func_works_on_chainrule_numpy_code():
    torch = torch_or_skip()
    x = chainrule.tensor(X, dtype=chainrule.float64)
    numpy.testing.assert_allclose(chainrule.func.grad(f)(x).numpy(),
                                  torch.func.grad(torch_f(torch))(_torch(X)), rtol=1e-12)
    numpy.testing.assert_allclose(chainrule.func.hessian(f)(x).numpy(),
                                  torch.func.hessian(torch_f(torch))(_torch(X)), rtol=1e-12)
    jac = chainrule.func.jacfwd(lambda t: np.sin(t) * t)(x)
    numpy.testing.assert_allclose(jac.numpy(), numpy.diag(numpy.cos(X) * X + numpy.sin(X)))


def test_same_results_as_hips_autograd():
    hips = pytest.importorskip("autograd")
    import autograd.numpy as anp

    def hips_f(x):
        return anp.sum(anp.sin(x) * x ** 2) + anp.prod(anp.tanh(x))
    for ours, theirs in [(grad(f), hips.grad(hips_f)), (hessian(f), hips.hessian(hips_f)),
                         (elementwise_grad(np.tanh), hips.elementwise_grad(anp.tanh))]:
        numpy.testing.assert_allclose(ours(X), theirs(X), rtol=1e-12)
    assert type(grad(lambda x: x ** 2)(1.5)) is type(hips.grad(lambda x: x ** 2)(1.5))
