"""The NumPy corpus (tests/numpy_programs.py) run unchanged with ``np`` = chainrule.numpy.

For every program: its value on the recording path equals NumPy's, its gradient passes
``check_grads`` (forward and reverse mode, first and second order), equals
``torch.func.grad`` of the same program translated to PyTorch below, and
``chainrule.func.grad`` (PyTorch's transform spelling) gives the same gradient.
"""
import math
import types
from pathlib import Path

import numpy
import pytest

import chainrule
import chainrule.numpy as cnp
import numpy_programs
from chainrule.numpy.autograd import check_grads, grad, value_and_grad
from helpers import torch_or_skip


def _programs_on_chainrule() -> types.ModuleType:
    """The corpus module's very source, executed with ``np`` bound to chainrule.numpy."""
    path = Path(numpy_programs.__file__)
    module = types.ModuleType("numpy_programs_on_chainrule")
    exec(compile(path.read_text(), str(path), "exec"), module.__dict__)
    module.np = cnp
    return module


ON_CHAINRULE = _programs_on_chainrule()
NAMES = [f.__name__ for f in numpy_programs.CORPUS]


# --- the same programs, translated to PyTorch ---------------------------------------------

def _torch_programs(torch):  # noqa: C901 - one translation per program
    def pendulum(theta, t_end, target):
        g_over_l, damping, angle = theta[0], theta[1], theta[2]
        velocity = torch.zeros((), dtype=theta.dtype)
        dt = t_end / 20
        for _ in range(20):
            velocity = velocity + dt * (-g_over_l * torch.sin(angle) - damping * velocity)
            angle = angle + dt * velocity
        energy = 0.5 * velocity ** 2 + g_over_l * (1 - torch.cos(angle))
        return (angle - target) ** 2 + 0.1 * energy

    def logistic_regression(w, X, y):
        p = torch.sigmoid(X @ w)
        return -torch.mean(y * torch.log(p) + (1 - y) * torch.log(1 - p))

    def gp_marginal_likelihood(log_params, x, y):
        amplitude, length, noise = torch.exp(log_params)
        sqdist = (x[:, None] - x[None, :]) ** 2
        K = amplitude ** 2 * torch.exp(-0.5 * sqdist / length ** 2) \
            + noise ** 2 * torch.eye(len(x), dtype=x.dtype)
        L = torch.linalg.cholesky(K)
        alpha = torch.linalg.solve(L.T, torch.linalg.solve(L, y))
        return 0.5 * y @ alpha + torch.log(torch.diagonal(L)).sum() \
            + 0.5 * len(x) * math.log(2 * math.pi)

    def tanh_rnn(params, xs, target):
        W, U, v = params[:16].reshape(4, 4), params[16:28].reshape(4, 3), params[28:]
        h = torch.zeros(4, dtype=params.dtype)
        for x in xs:
            h = torch.tanh(W @ h + U @ x)
        return (v @ h - target) ** 2

    def softmax_cross_entropy(W, X, labels):
        logits = X @ W.reshape(X.shape[1], -1)
        return torch.nn.functional.cross_entropy(logits, labels)

    def neural_ode(params, z0, target):
        W, b = params[:9].reshape(3, 3), params[9:]
        f = lambda z: torch.tanh(W @ z + b)
        z, h = z0, 0.1
        for _ in range(10):
            k1 = f(z)
            k2 = f(z + h / 2 * k1)
            k3 = f(z + h / 2 * k2)
            k4 = f(z + h * k3)
            z = z + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        return ((z - target) ** 2).sum()

    def largest_eigenvalue(theta, A0, B):
        A = A0 + torch.einsum("i,ijk->jk", theta, B)
        return torch.linalg.eigvalsh(0.5 * (A + A.T))[-1]

    def ridge_validation(log_lam, X, y, X_val, y_val):
        lam = torch.exp(log_lam[0])
        w = torch.linalg.solve(X.T @ X + lam * torch.eye(X.shape[1], dtype=X.dtype), X.T @ y)
        return ((X_val @ w - y_val) ** 2).mean()

    def rosenbrock(x):
        return (100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()

    def mlp_regression(params, X, y):
        W1, b1 = params[:10].reshape(2, 5), params[10:15]
        w2, b2 = params[15:-1], params[-1]
        return ((torch.tanh(X @ W1 + b1) @ w2 + b2 - y) ** 2).mean()

    def poisson_regression(w, X, counts):
        eta = X @ w
        return (torch.exp(eta) - counts * eta).sum()

    def gaussian_mixture(params, x):
        logits, means, log_sigmas = params[:3], params[3:6], params[6:]
        log_weights = torch.log_softmax(logits, 0)
        sigmas = torch.exp(log_sigmas)
        z = (x[:, None] - means) / sigmas
        log_pdf = -0.5 * z ** 2 - torch.log(sigmas) - 0.5 * math.log(2 * math.pi)
        return -torch.logsumexp(log_weights + log_pdf, 1).sum()

    def heat_equation(u0, kappa, target):
        u = u0
        for _ in range(20):
            u = u + kappa * (torch.roll(u, 1) - 2 * u + torch.roll(u, -1))
        return ((u - target) ** 2).sum()

    def spring_chain(positions, rest_length, anchors):
        x = torch.cat([anchors[:1], positions, anchors[1:]])
        stretch = torch.abs(torch.diff(x)) - rest_length
        return 0.5 * (stretch ** 2).sum() + 0.01 * (x ** 2).sum()

    def portfolio(logits, mu, sigma, risk_aversion):
        w = torch.softmax(logits, 0)
        return risk_aversion * w @ sigma @ w - mu @ w

    def gaussian_nll_full(params, samples):
        mean, L = params[:2], torch.tril(params[2:].reshape(2, 2))
        cov = L @ L.T + 0.1 * torch.eye(2, dtype=params.dtype)
        centred = samples - mean
        scatter = centred.T @ centred / len(samples)
        return 0.5 * (torch.linalg.slogdet(cov)[1]
                      + torch.trace(torch.linalg.inv(cov) @ scatter))

    def lotka_volterra(params, prey0, predators0, observed):
        alpha, beta, gamma, delta = params
        x, y = prey0, predators0
        path = []
        for _ in range(len(observed)):
            x, y = x + 0.05 * (alpha * x - beta * x * y), y + 0.05 * (delta * x * y - gamma * y)
            path.append(torch.stack([x, y]))
        return ((torch.stack(path) - observed) ** 2).mean()

    def total_variation(signal, noisy):
        smooth = 0.25 * signal[:-2] + 0.5 * signal[1:-1] + 0.25 * signal[2:]
        return ((smooth - noisy[1:-1]) ** 2).sum() \
            + 0.5 * torch.sqrt(torch.diff(signal) ** 2 + 1e-3).sum()

    def huber_regression(w, X, y):
        return torch.nn.functional.huber_loss(X @ w, y, delta=1.0)

    def svm_hinge(w, X, y):
        return torch.clamp(1.0 - y * (X @ w), min=0.0).mean() + 0.01 * w @ w

    def logistic_softplus(w, X, y):
        z = X @ w
        return (torch.nn.functional.softplus(z) - y * z).mean()

    def matrix_factorization(params, M, rank):
        U, V = params[:8].reshape(4, 2), params[8:].reshape(3, 2)
        return torch.linalg.norm(M - U @ V.T) ** 2 + 0.1 * torch.linalg.norm(params) ** 2

    def top_singular_value(theta, A0, B):
        return torch.linalg.svdvals(A0 + theta[0] * B + theta[1] * B.T)[0]

    def attention(params, X):
        Wq, Wk = params[:9].reshape(3, 3), params[9:].reshape(3, 3)
        weights = torch.softmax((X @ Wq) @ (X @ Wk).T / math.sqrt(3), 1)
        return ((weights @ X) ** 2).mean()

    def standardized_regression(w, X, y):
        Z = (X - X.mean(0)) / X.std(0, correction=0)
        return (((Z * w[:-1] + w[-1]).sum(1) - y) ** 2).mean()

    def drawdown(weights, returns):
        wealth = torch.cumprod(1 + returns @ weights, 0)
        peak = torch.cummax(wealth, 0).values
        return (1 - wealth / peak).max() + 0.1 * (weights ** 2).sum()

    def polynomial_fit(coefficients, x, y):
        value = torch.zeros_like(x)
        for c in coefficients:
            value = value * x + c
        return ((value - y) ** 2).sum()

    def kronecker_quadratic(theta, A, B):
        K = torch.kron(A, B)
        return theta @ K @ theta + torch.trace(K) * (theta ** 2).sum()

    def two_body_orbit(v0, target):
        x = torch.tensor([1.0, 0.0], dtype=v0.dtype)
        v, dt = v0, 0.1
        for _ in range(15):
            v_half = v + 0.5 * dt * (-x / torch.linalg.norm(x) ** 3)
            x = x + dt * v_half
            v = v_half + 0.5 * dt * (-x / torch.linalg.norm(x) ** 3)
        return ((x - target) ** 2).sum()

    def lennard_jones(flat_positions):
        x = flat_positions.reshape(-1, 2)
        i, j = torch.triu_indices(len(x), len(x), 1)
        r2 = (((x[:, None, :] - x[None, :, :]) ** 2).sum(-1))[i, j]
        inv6 = (1.0 / r2) ** 3
        return (4 * (inv6 ** 2 - inv6)).sum()

    def qr_least_squares(theta, X, y):
        Xs = X * theta
        Q, R = torch.linalg.qr(Xs)
        w = torch.linalg.solve(R, Q.T @ y)
        return ((Xs @ w - y) ** 2).sum() + (w ** 2).sum()

    def picked_log_probabilities(logits_flat, labels):
        log_probs = torch.log_softmax(logits_flat.reshape(len(labels), -1), 1)
        return -torch.gather(log_probs, 1, labels[:, None]).mean()

    def projectile_with_drag(v0, drag):
        position = torch.zeros(2, dtype=v0.dtype)
        velocity, points = v0, [position]
        gravity = torch.tensor([0.0, -9.81], dtype=v0.dtype)
        for _ in range(25):
            speed = torch.sqrt((velocity ** 2).sum())
            velocity = velocity + 0.02 * (gravity - drag * speed * velocity)
            position = position + 0.02 * velocity
            points.append(position)
        path = torch.stack(points)
        return -path[-1, 0] + 0.5 * path[:, 1].max() ** 2

    return {name: fn for name, fn in locals().items() if callable(fn)}


def _torch_value(torch, value):
    if isinstance(value, numpy.ndarray):
        return torch.from_numpy(value)
    return value


# --- the tests -------------------------------------------------------------------------------

def test_corpus_has_at_least_25_programs():
    assert len(NAMES) >= 25


@pytest.mark.parametrize("name", NAMES)
def test_value_on_the_recording_path_equals_numpy(name):
    args = numpy_programs.inputs_for(name)
    expected = getattr(numpy_programs, name)(*args)
    value, gradient = value_and_grad(getattr(ON_CHAINRULE, name))(*args)
    assert isinstance(gradient, numpy.ndarray) and gradient.dtype == numpy.float64
    assert numpy.ndim(value) == 0
    numpy.testing.assert_allclose(value, expected, rtol=1e-12, atol=1e-14)
    # On plain arrays the program is NumPy itself.
    assert getattr(ON_CHAINRULE, name)(*args) == expected


@pytest.mark.parametrize("name", NAMES)
def test_gradient_passes_check_grads_to_second_order(name):
    args = numpy_programs.inputs_for(name)
    check_grads(getattr(ON_CHAINRULE, name), modes=["fwd", "rev"], order=2)(*args)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_torch_func_grad(name):
    torch = torch_or_skip()
    args = numpy_programs.inputs_for(name)
    ours = grad(getattr(ON_CHAINRULE, name))(*args)
    translated = _torch_programs(torch)[name]
    theirs = torch.func.grad(translated)(*[_torch_value(torch, a) for a in args])
    numpy.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_chainrule_func_grad_on_the_same_program(name):
    args = numpy_programs.inputs_for(name)
    theta = chainrule.from_numpy(numpy.asarray(args[0]))
    ours = chainrule.func.grad(getattr(ON_CHAINRULE, name))(theta, *args[1:])
    assert isinstance(ours, chainrule.Tensor) and not ours.requires_grad
    numpy.testing.assert_allclose(ours.numpy(), grad(getattr(ON_CHAINRULE, name))(*args),
                                  rtol=1e-12, atol=1e-14)


def test_check_grads_catches_a_wrong_derivative():
    # A function whose recorded derivative is wrong: the value is sin(x), but the graph
    # only sees x (sin's value is added as a constant), so check_grads must fail.
    def wrong(x):
        frozen = x.detach().numpy() if isinstance(x, chainrule.Tensor) else x
        return cnp.sum(x + (numpy.sin(frozen) - frozen))

    with pytest.raises(AssertionError, match="check"):
        check_grads(wrong, modes=["rev"], order=1)(numpy.array([0.5, 1.0]))
    with pytest.raises(AssertionError, match="check"):
        check_grads(wrong, modes=["fwd"], order=1)(numpy.array([0.5, 1.0]))
