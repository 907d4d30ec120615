"""A corpus of NumPy programs, written as a NumPy user writes them.

Each program is a loss ``f(theta, *data)`` of float64 parameters ``theta``; ``CORPUS``
lists them with a function that makes their inputs.  The source imports NumPy and is
run unchanged with ``np`` bound to ``chainrule.numpy`` (tests/test_numpy_corpus.py),
where its gradient is checked against finite differences and against PyTorch.
"""
import numpy as np


def pendulum(theta, t_end, target):
    """A damped pendulum by semi-implicit Euler: how far its final angle is from a target.
    theta = (gravity / length, damping, initial angle)."""
    g_over_l, damping, angle = theta[0], theta[1], theta[2]
    velocity = 0.0
    steps = 20
    dt = t_end / steps
    for _ in range(steps):
        velocity = velocity + dt * (-g_over_l * np.sin(angle) - damping * velocity)
        angle = angle + dt * velocity
    energy = 0.5 * velocity ** 2 + g_over_l * (1 - np.cos(angle))
    return (angle - target) ** 2 + 0.1 * energy


def logistic_regression(w, X, y):
    """Mean negative log-likelihood of a logistic regression."""
    p = 1 / (1 + np.exp(-np.dot(X, w)))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def gp_marginal_likelihood(log_params, x, y):
    """Negative log marginal likelihood of a Gaussian process (RBF kernel), by Cholesky."""
    amplitude, length, noise = np.exp(log_params)
    sqdist = (x[:, None] - x[None, :]) ** 2
    K = amplitude ** 2 * np.exp(-0.5 * sqdist / length ** 2) + noise ** 2 * np.eye(len(x))
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return 0.5 * np.dot(y, alpha) + np.sum(np.log(np.diag(L))) + 0.5 * len(x) * np.log(2 * np.pi)


def tanh_rnn(params, xs, target):
    """A tanh RNN unrolled over a sequence; squared error of its last output."""
    hidden, inputs = 4, xs.shape[1]
    W = params[:hidden * hidden].reshape(hidden, hidden)
    U = params[hidden * hidden:hidden * (hidden + inputs)].reshape(hidden, inputs)
    v = params[hidden * (hidden + inputs):]
    h = np.zeros(hidden)
    for x in xs:
        h = np.tanh(np.dot(W, h) + np.dot(U, x))
    return (np.dot(v, h) - target) ** 2


def softmax_cross_entropy(W, X, labels):
    """Mean cross-entropy of a softmax classifier, with a stable log-sum-exp."""
    logits = X @ W.reshape(X.shape[1], -1)
    top = np.max(logits, axis=1, keepdims=True)
    log_norm = top[:, 0] + np.log(np.sum(np.exp(logits - top), axis=1))
    return np.mean(log_norm - logits[np.arange(len(labels)), labels])


def neural_ode(params, z0, target):
    """A neural ODE dz/dt = tanh(W z + b), integrated with fixed-step RK4."""
    n = len(z0)
    W, b = params[:n * n].reshape(n, n), params[n * n:]

    def f(z):
        return np.tanh(W @ z + b)
    z, h = z0, 0.1
    for _ in range(10):
        k1 = f(z)
        k2 = f(z + h / 2 * k1)
        k3 = f(z + h / 2 * k2)
        k4 = f(z + h * k3)
        z = z + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return np.sum((z - target) ** 2)


def largest_eigenvalue(theta, A0, B):
    """The largest eigenvalue of a symmetric matrix that depends linearly on theta."""
    A = A0 + np.einsum("i,ijk->jk", theta, B)
    A = 0.5 * (A + A.T)
    eigenvalues, _ = np.linalg.eigh(A)
    return eigenvalues[-1]


def ridge_validation(log_lam, X, y, X_val, y_val):
    """Validation error of ridge regression as a function of its (log) regularisation."""
    lam = np.exp(log_lam[0])
    w = np.linalg.solve(X.T @ X + lam * np.eye(X.shape[1]), X.T @ y)
    return np.mean((X_val @ w - y_val) ** 2)


def rosenbrock(x):
    """The Rosenbrock function in n dimensions."""
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def mlp_regression(params, X, y):
    """A one-hidden-layer tanh network, its weights packed in one vector."""
    d, hidden = X.shape[1], 5
    W1 = params[:d * hidden].reshape(d, hidden)
    b1 = params[d * hidden:d * hidden + hidden]
    w2 = params[d * hidden + hidden:-1]
    b2 = params[-1]
    h = np.tanh(X @ W1 + b1)
    return np.mean((h.dot(w2) + b2 - y) ** 2)


def poisson_regression(w, X, counts):
    """Negative log-likelihood of a Poisson regression (up to a constant)."""
    eta = X @ w
    return np.sum(np.exp(eta) - counts * eta)


def gaussian_mixture(params, x):
    """Negative log-likelihood of a 3-component 1-D Gaussian mixture (log-sum-exp of the
    components with logaddexp.reduce)."""
    logits, means, log_sigmas = params[:3], params[3:6], params[6:]
    log_weights = logits - np.logaddexp.reduce(logits)
    sigmas = np.exp(log_sigmas)
    z = (x[:, None] - means) / sigmas
    log_pdf = -0.5 * z ** 2 - np.log(sigmas) - 0.5 * np.log(2 * np.pi)
    return -np.sum(np.logaddexp.reduce(log_weights + log_pdf, axis=1))


def heat_equation(u0, kappa, target):
    """Periodic 1-D heat equation by explicit finite differences (np.roll)."""
    u = u0
    for _ in range(20):
        u = u + kappa * (np.roll(u, 1) - 2 * u + np.roll(u, -1))
    return np.sum((u - target) ** 2)


def spring_chain(positions, rest_length, anchors):
    """Potential energy of a chain of springs between two fixed anchors."""
    x = np.concatenate([anchors[:1], positions, anchors[1:]])
    stretch = np.abs(np.diff(x)) - rest_length
    return 0.5 * np.sum(stretch ** 2) + 0.01 * np.sum(x ** 2)


def portfolio(logits, mu, sigma, risk_aversion):
    """Mean-variance objective of a portfolio whose weights are a softmax."""
    w = np.exp(logits - np.max(logits))
    w = w / w.sum()
    return risk_aversion * w @ sigma @ w - np.dot(mu, w)


def gaussian_nll_full(params, samples):
    """Negative log-likelihood of samples under a full-covariance Gaussian, parametrised by a
    lower-triangular factor (slogdet, inv, trace)."""
    d = samples.shape[1]
    mean = params[:d]
    L = np.tril(params[d:].reshape(d, d))
    cov = L @ L.T + 0.1 * np.eye(d)
    centred = samples - mean
    scatter = centred.T @ centred / len(samples)
    sign, logdet = np.linalg.slogdet(cov)
    return 0.5 * (logdet + np.trace(np.linalg.inv(cov) @ scatter))


def lotka_volterra(params, prey0, predators0, observed):
    """Predator-prey dynamics by Euler steps, fitted to an observed trajectory."""
    alpha, beta, gamma, delta = params
    x, y = prey0, predators0
    trajectory = []
    for _ in range(len(observed)):
        x, y = x + 0.05 * (alpha * x - beta * x * y), y + 0.05 * (delta * x * y - gamma * y)
        trajectory.append(np.array([x, y]))
    return np.mean((np.stack(trajectory) - observed) ** 2)


def total_variation(signal, noisy):
    """Denoising: fidelity of a smoothed signal plus a (smoothed) total variation."""
    smooth = 0.25 * signal[:-2] + 0.5 * signal[1:-1] + 0.25 * signal[2:]
    fidelity = np.sum((smooth - noisy[1:-1]) ** 2)
    tv = np.sum(np.sqrt(np.diff(signal) ** 2 + 1e-3))
    return fidelity + 0.5 * tv


def huber_regression(w, X, y):
    """Robust regression with the Huber loss (np.where on the residual size)."""
    r = X @ w - y
    delta = 1.0
    loss = np.where(np.abs(r) <= delta, 0.5 * r ** 2, delta * (np.abs(r) - 0.5 * delta))
    return np.mean(loss)


def svm_hinge(w, X, y):
    """Soft-margin linear SVM: mean hinge loss plus an L2 penalty."""
    margins = y * (X @ w)
    return np.mean(np.maximum(0.0, 1.0 - margins)) + 0.01 * np.dot(w, w)


def logistic_softplus(w, X, y):
    """Logistic regression written with logaddexp, the stable softplus."""
    z = X @ w
    return np.mean(np.logaddexp(0, z) - y * z)


def matrix_factorization(params, M, rank):
    """Low-rank factorisation: Frobenius error of U V^T plus a penalty (np.linalg.norm)."""
    m, n = M.shape
    U = params[:m * rank].reshape(m, rank)
    V = params[m * rank:].reshape(n, rank)
    return np.linalg.norm(M - U @ V.T) ** 2 + 0.1 * np.linalg.norm(params) ** 2


def top_singular_value(theta, A0, B):
    """The largest singular value of a matrix that depends on theta (SVD)."""
    A = A0 + theta[0] * B + theta[1] * B.T
    return np.linalg.svd(A, compute_uv=False)[0]


def attention(params, X):
    """Single-head self-attention written with einsum; the mean of its output."""
    d = X.shape[1]
    Wq, Wk = params[:d * d].reshape(d, d), params[d * d:2 * d * d].reshape(d, d)
    Q, K = X @ Wq, X @ Wk
    scores = np.einsum("id,jd->ij", Q, K) / np.sqrt(d)
    scores = scores - scores.max(axis=1, keepdims=True)
    weights = np.exp(scores)
    weights /= weights.sum(axis=1, keepdims=True)
    return np.mean(np.einsum("ij,jd->id", weights, X) ** 2)


def standardized_regression(w, X, y):
    """Least squares on standardised features (mean and std over samples)."""
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    Z = Z * w[:-1] + w[-1]
    return np.mean((Z.sum(axis=1) - y) ** 2)


def drawdown(weights, returns):
    """Largest drawdown of a portfolio's wealth (cumprod, maximum.accumulate)."""
    wealth = np.cumprod(1 + returns @ weights)
    peak = np.maximum.accumulate(wealth)
    return np.max(1 - wealth / peak) + 0.1 * np.sum(weights ** 2)


def polynomial_fit(coefficients, x, y):
    """Least-squares fit of a polynomial evaluated by Horner's rule."""
    value = np.zeros_like(x)
    for c in coefficients:
        value = value * x + c
    return np.sum((value - y) ** 2)


def kronecker_quadratic(theta, A, B):
    """A quadratic form with a Kronecker-structured matrix (np.kron, np.trace)."""
    K = np.kron(A, B)
    return theta @ K @ theta + np.trace(K) * np.sum(theta ** 2)


def two_body_orbit(v0, target):
    """A planet's orbit by leapfrog integration; distance of its end point from a target."""
    x = np.array([1.0, 0.0])
    v = v0
    dt = 0.1
    for _ in range(15):
        a = -x / np.linalg.norm(x) ** 3
        v_half = v + 0.5 * dt * a
        x = x + dt * v_half
        v = v_half + 0.5 * dt * (-x / np.linalg.norm(x) ** 3)
    return np.sum((x - target) ** 2)


def lennard_jones(flat_positions):
    """Lennard-Jones energy of a small cluster (pairwise distances by broadcasting)."""
    x = flat_positions.reshape(-1, 2)
    diff = x[:, None, :] - x[None, :, :]
    i, j = np.triu_indices(len(x), k=1)
    r2 = np.sum(diff ** 2, axis=-1)[i, j]
    inv6 = (1.0 / r2) ** 3
    return np.sum(4 * (inv6 ** 2 - inv6))


def qr_least_squares(theta, X, y):
    """Least squares solved by QR; the residual depends on a column scaling theta."""
    Xs = X * theta
    Q, R = np.linalg.qr(Xs)
    w = np.linalg.solve(R, Q.T @ y)
    return np.sum((Xs @ w - y) ** 2) + np.sum(w ** 2)


def picked_log_probabilities(logits_flat, labels):
    """Cross-entropy by picking each row's label with take_along_axis."""
    logits = logits_flat.reshape(len(labels), -1)
    log_probs = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    picked = np.take_along_axis(log_probs, labels[:, None], axis=1)
    return -np.mean(picked)


def projectile_with_drag(v0, drag):
    """A projectile with quadratic drag; its trajectory stacked, range and height combined."""
    position = np.zeros(2)
    velocity = v0
    points = [position]
    for _ in range(25):
        speed = np.sqrt(np.sum(velocity ** 2))
        acceleration = np.array([0.0, -9.81]) - drag * speed * velocity
        velocity = velocity + 0.02 * acceleration
        position = position + 0.02 * velocity
        points.append(position)
    path = np.stack(points)
    return -path[-1, 0] + 0.5 * np.max(path[:, 1]) ** 2


def inputs_for(name):
    """The inputs ``(theta, *data)`` of program ``name`` (float64 theta), from a fixed seed."""
    rng = np.random.default_rng(sum(map(ord, name)))
    if name == "pendulum":
        return np.array([9.81 / 2.0, 0.3, 0.5]), 2.0, 0.1
    if name == "logistic_regression":
        X = rng.standard_normal((30, 4))
        return 0.3 * rng.standard_normal(4), X, (X[:, 0] > 0).astype(float)
    if name == "gp_marginal_likelihood":
        x = np.linspace(0, 3, 8)
        return np.log(np.array([1.2, 0.8, 0.3])), x, np.sin(x) + 0.1 * rng.standard_normal(8)
    if name == "tanh_rnn":
        return 0.4 * rng.standard_normal(4 * 4 + 4 * 3 + 4), rng.standard_normal((5, 3)), 0.7
    if name == "softmax_cross_entropy":
        X = rng.standard_normal((12, 3))
        return 0.5 * rng.standard_normal(3 * 4), X, rng.integers(0, 4, 12)
    if name == "neural_ode":
        return 0.5 * rng.standard_normal(3 * 3 + 3), rng.standard_normal(3), \
            rng.standard_normal(3)
    if name == "largest_eigenvalue":
        A0 = rng.standard_normal((4, 4))
        return rng.standard_normal(3), A0 + A0.T, rng.standard_normal((3, 4, 4))
    if name == "ridge_validation":
        X, X_val = rng.standard_normal((15, 3)), rng.standard_normal((10, 3))
        w = np.array([1.0, -2.0, 0.5])
        return np.array([0.2]), X, X @ w + rng.standard_normal(15), X_val, X_val @ w
    if name == "rosenbrock":
        return (np.array([-1.2, 1.0, 0.8, 1.1]),)
    if name == "mlp_regression":
        X = rng.standard_normal((10, 2))
        return 0.5 * rng.standard_normal(2 * 5 + 5 + 5 + 1), X, np.sin(X[:, 0])
    if name == "poisson_regression":
        X = 0.5 * rng.standard_normal((20, 3))
        return 0.2 * rng.standard_normal(3), X, rng.poisson(2.0, 20).astype(float)
    if name == "gaussian_mixture":
        return np.array([0.1, -0.2, 0.3, -1.0, 0.0, 1.5, -0.3, 0.1, -0.2]), \
            rng.standard_normal(15)
    if name == "heat_equation":
        return rng.standard_normal(10), 0.2, rng.standard_normal(10) * 0.1
    if name == "spring_chain":
        return np.array([0.9, 2.1, 2.8]), 1.0, np.array([0.0, 4.0])
    if name == "portfolio":
        A = rng.standard_normal((4, 4))
        return rng.standard_normal(4), rng.standard_normal(4) * 0.1, A @ A.T / 4, 2.0
    if name == "gaussian_nll_full":
        return np.concatenate([0.1 * rng.standard_normal(2), np.eye(2).ravel()
                               + 0.1 * rng.standard_normal(4)]), rng.standard_normal((12, 2))
    if name == "lotka_volterra":
        return np.array([1.1, 0.4, 0.4, 0.1]), 10.0, 5.0, np.abs(rng.standard_normal((6, 2))) * 5
    if name == "total_variation":
        clean = np.sin(np.linspace(0, 3, 12))
        return clean + 0.1 * rng.standard_normal(12), clean + 0.2 * rng.standard_normal(12)
    if name == "huber_regression":
        X = rng.standard_normal((20, 3))
        return rng.standard_normal(3), X, X @ np.array([1.0, 2.0, -1.0]) \
            + 2 * rng.standard_normal(20)
    if name == "svm_hinge":
        X = rng.standard_normal((20, 3))
        return rng.standard_normal(3), X, np.sign(X[:, 0] + 0.1)
    if name == "logistic_softplus":
        X = rng.standard_normal((25, 3))
        return rng.standard_normal(3), X, (X[:, 1] > 0).astype(float)
    if name == "matrix_factorization":
        return 0.5 * rng.standard_normal(4 * 2 + 3 * 2), rng.standard_normal((4, 3)), 2
    if name == "top_singular_value":
        return np.array([0.3, -0.2]), rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    if name == "attention":
        return 0.5 * rng.standard_normal(2 * 3 * 3), rng.standard_normal((4, 3))
    if name == "standardized_regression":
        X = rng.standard_normal((10, 3))
        return rng.standard_normal(4), X, rng.standard_normal(10)
    if name == "drawdown":
        return np.array([0.5, 0.3, 0.2]), 0.05 * rng.standard_normal((15, 3))
    if name == "polynomial_fit":
        x = np.linspace(-1, 1, 9)
        return np.array([0.5, -0.2, 1.0, 0.1]), x, np.cos(2 * x)
    if name == "kronecker_quadratic":
        return rng.standard_normal(6), rng.standard_normal((2, 2)), rng.standard_normal((3, 3))
    if name == "two_body_orbit":
        return np.array([0.05, 1.05]), np.array([0.5, 0.8])
    if name == "lennard_jones":
        return (np.array([0.0, 0.0, 1.1, 0.1, 0.4, 1.0, 1.2, 1.1]),)
    if name == "qr_least_squares":
        X = rng.standard_normal((8, 3))
        return np.array([1.0, 0.5, 2.0]), X, rng.standard_normal(8)
    if name == "picked_log_probabilities":
        return rng.standard_normal(5 * 3), rng.integers(0, 3, 5)
    if name == "projectile_with_drag":
        return np.array([3.0, 4.0]), 0.1
    raise KeyError(name)


CORPUS = [
    pendulum, logistic_regression, gp_marginal_likelihood, tanh_rnn, softmax_cross_entropy,
    neural_ode, largest_eigenvalue, ridge_validation, rosenbrock, mlp_regression,
    poisson_regression, gaussian_mixture, heat_equation, spring_chain, portfolio,
    gaussian_nll_full, lotka_volterra, total_variation, huber_regression, svm_hinge,
    logistic_softplus, matrix_factorization, top_singular_value, attention,
    standardized_regression, drawdown, polynomial_fit, kronecker_quadratic, two_body_orbit,
    lennard_jones, qr_least_squares, picked_log_probabilities, projectile_with_drag,
]
