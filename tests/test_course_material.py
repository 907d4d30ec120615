"""Idioms of the course material after the lecture (linear and softmax regression, MLPs,
in the style of Dive into Deep Learning), run with chainrule and with PyTorch: the same
printed output, line by line, under the tolerance rules of output_compare (float32 sums
done in another order may move the last printed digit).  Data are deterministic."""
import io
from contextlib import redirect_stdout

import numpy as np

import chainrule as cr
from helpers import torch_or_skip
from output_compare import assert_same_output


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
    assert_same_output(_run(linear_regression_from_scratch, torch),
                       _run(linear_regression_from_scratch, cr))


def test_softmax_regression_pieces():
    torch = torch_or_skip()
    assert_same_output(_run(softmax_regression_pieces, torch),
                       _run(softmax_regression_pieces, cr))


def test_mlp_pieces():
    torch = torch_or_skip()
    assert_same_output(_run(mlp_pieces, torch),
                       _run(mlp_pieces, cr))


def convolutions_from_scratch(torch):
    def corr2d(X, K):
        h, w = K.shape
        Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
        for i in range(Y.shape[0]):
            for j in range(Y.shape[1]):
                Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
        return Y

    X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
    K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    print(corr2d(X, K))
    X = torch.ones((6, 8))
    X[:, 2:6] = 0
    K = torch.tensor([[1.0, -1.0]])
    Y = corr2d(X, K)
    print(Y)
    print(corr2d(X.t(), K))
    conv2d = torch.nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False)
    with torch.no_grad():
        conv2d.weight.fill_(0.5)
    X = X.reshape((1, 1, 6, 8))
    Y = Y.reshape((1, 1, 6, 7))
    lr = 3e-2
    for i in range(10):
        Y_hat = conv2d(X)
        loss = (Y_hat - Y) ** 2
        conv2d.zero_grad()
        loss.sum().backward()
        conv2d.weight.data[:] -= lr * conv2d.weight.grad
        if (i + 1) % 2 == 0:
            print(f"epoch {i + 1}, loss {loss.sum():.3f}")
    print(conv2d.weight.data.reshape((1, 2)))
    X = torch.arange(16, dtype=torch.float32).reshape((1, 1, 4, 4))
    print(torch.nn.MaxPool2d(3, padding=1, stride=2)(X))
    print(torch.nn.AvgPool2d((2, 3), padding=(0, 1), stride=(2, 3))(X))
    X = torch.cat((X, X + 1), 1)
    print(torch.nn.MaxPool2d(2)(X).shape, torch.stack([X, X], 0).shape)


def regularisation_pieces(torch):
    w = torch.linspace(-1, 1, 6).reshape(6, 1).requires_grad_()
    penalty = torch.sum(w.pow(2)) / 2
    penalty.backward()
    print(penalty, w.grad.T, torch.norm(w).item())

    def dropout_layer(X, dropout, mask_values):
        assert 0 <= dropout <= 1
        if dropout == 1:
            return torch.zeros_like(X)
        mask = (mask_values > dropout).float()
        return mask * X / (1.0 - dropout)

    X = torch.arange(16, dtype=torch.float32).reshape((2, 8))
    u = torch.linspace(0, 1, 16).reshape(2, 8)
    print(dropout_layer(X, 0.0, u))
    print(dropout_layer(X, 0.5, u))
    print(dropout_layer(X, 1.0, u))
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Dropout(0.5),
                              torch.nn.Linear(8, 1))

    def init_weights(m):
        if type(m) == torch.nn.Linear:  # noqa: E721 (as the course material writes it)
            torch.nn.init.constant_(m.weight, 0.1)
            torch.nn.init.zeros_(m.bias)

    net.apply(init_weights)
    net.eval()
    print(net(torch.ones(2, 4)), [tuple(p.shape) for p in net.parameters()])
    print(list(net.state_dict().keys()), net[0].weight.data[0])
    trainer = torch.optim.SGD([{"params": net[0].weight, "weight_decay": 0.1},
                               {"params": net[0].bias}], lr=0.1)
    loss = torch.nn.MSELoss()(net(torch.ones(2, 4)), torch.zeros(2, 1))
    trainer.zero_grad()
    loss.backward()
    trainer.step()
    print(loss, net[0].weight.data[0], net[0].bias.data[:3])


def test_convolutions_from_scratch():
    torch = torch_or_skip()
    assert_same_output(_run(convolutions_from_scratch, torch),
                       _run(convolutions_from_scratch, cr))


def test_regularisation_pieces():
    torch = torch_or_skip()
    assert_same_output(_run(regularisation_pieces, torch),
                       _run(regularisation_pieces, cr))


def saving_and_loading(torch, folder):
    x = torch.arange(4)
    torch.save(x, f"{folder}/x-file")
    print(torch.load(f"{folder}/x-file"))
    y = torch.zeros(4)
    torch.save([x, y], f"{folder}/x-files")
    x2, y2 = torch.load(f"{folder}/x-files")
    print(x2, y2)
    torch.save({"x": x, "y": y}, f"{folder}/mydict")
    print(torch.load(f"{folder}/mydict"))
    net = torch.nn.Sequential(torch.nn.Linear(20, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    torch.save(net.state_dict(), f"{folder}/mlp.params")
    clone = torch.nn.Sequential(torch.nn.Linear(20, 256), torch.nn.ReLU(),
                                torch.nn.Linear(256, 10))
    print(clone.load_state_dict(torch.load(f"{folder}/mlp.params")))
    X = torch.randn(size=(2, 20))
    print(bool((clone(X) == net(X)).all()), torch.zeros(size=(2, 3)).shape)
    print(clone.eval())


def test_saving_and_loading(tmp_path):
    torch = torch_or_skip()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    ours = _run(lambda m: saving_and_loading(m, tmp_path / "a"), cr)
    theirs = _run(lambda m: saving_and_loading(m, tmp_path / "b"), torch)
    assert_same_output(theirs, ours)
