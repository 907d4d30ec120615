"""Idioms of the course material after the lecture (linear and softmax regression, MLPs,
in the style of Dive into Deep Learning), run with chainrule and with PyTorch: the same
printed output.  Data are deterministic so the two runs can be compared line by line."""
import io
from contextlib import redirect_stdout

import numpy as np

import chainrule as cr
from helpers import torch_or_skip


def linear_regression_from_scratch(torch):
    rng = np.random.default_rng(0)
    features = torch.tensor(rng.standard_normal((200, 2)).astype(np.float32))
    true_w, true_b = torch.tensor([2, -3.4]), 4.2
    labels = (torch.matmul(features, true_w) + true_b).reshape((-1, 1))
    w = torch.zeros((2, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)

    def sgd(params, lr, batch_size):
        with torch.no_grad():
            for param in params:
                param -= lr * param.grad / batch_size
                param.grad.zero_()

    for epoch in range(3):
        for i in range(0, 200, 20):
            X, y = features[i:i + 20], labels[torch.tensor(list(range(i, i + 20)))]
            loss = (torch.matmul(X, w) + b - y.reshape((20, 1))) ** 2 / 2
            loss.sum().backward()
            sgd([w, b], 0.03, 20)
        with torch.no_grad():
            train_l = (torch.matmul(features, w) + b - labels) ** 2 / 2
            print(f"epoch {epoch + 1}, loss {float(train_l.mean()):f}")
    print(f"error in w: {true_w - w.reshape(true_w.shape)}")
    print(f"error in b: {true_b - b}")


def softmax_regression_pieces(torch):
    X = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    print(X.sum(0, keepdim=True), X.sum(1, keepdim=True))
    X_exp = torch.exp(X)
    print(X_exp / X_exp.sum(1, keepdim=True))
    y = torch.tensor([0, 2])
    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    print(y_hat[[0, 1], y])
    print(-torch.log(y_hat[range(len(y_hat)), y]))
    pred = y_hat.argmax(axis=1)
    cmp = pred.type(y.dtype) == y
    print(float(cmp.type(y.dtype).sum()) / len(y))
    A = torch.arange(20, dtype=torch.float32).reshape(5, 4)
    print(A.sum(axis=0), A.mean(axis=[0, 1]), A.cumsum(axis=0)[-1], torch.norm(A))
    print(A / A.sum(axis=1, keepdims=True))


def mlp_pieces(torch):
    x = torch.arange(-8.0, 8.0, 0.5, requires_grad=True)
    y = torch.relu(x)
    y.backward(torch.ones_like(x), retain_graph=True)
    print(x.grad[:4], x.grad[-4:])
    x.grad.data.zero_()
    torch.sigmoid(x).backward(torch.ones_like(x), retain_graph=True)
    print(x.grad[14:18])
    x.grad.data.zero_()
    torch.tanh(x).backward(torch.ones_like(x))
    print(x.grad[14:18])
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 3), torch.nn.ReLU(),
                              torch.nn.Linear(3, 2))
    print(net)
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.linspace(-1, 1, p.numel()).reshape(p.shape))
    X = torch.arange(8, dtype=torch.float32).reshape(2, 2, 2) / 8
    loss = torch.nn.CrossEntropyLoss()(net(X), torch.tensor([0, 1]))
    loss.backward()
    print(loss, net[1].weight.grad)


def _run(fn, module):
    out = io.StringIO()
    with redirect_stdout(out):
        fn(module)
    return out.getvalue()


def test_linear_regression_from_scratch():
    torch = torch_or_skip()
    assert _run(linear_regression_from_scratch, cr) == _run(linear_regression_from_scratch, torch)


def test_softmax_regression_pieces():
    torch = torch_or_skip()
    assert _run(softmax_regression_pieces, cr) == _run(softmax_regression_pieces, torch)


def test_mlp_pieces():
    torch = torch_or_skip()
    assert _run(mlp_pieces, cr) == _run(mlp_pieces, torch)
