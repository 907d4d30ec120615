"""nn layers against their PyTorch twins: same weights in, same outputs, gradients and weights
after 20 optimiser steps out; and the same printed form."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, from_torch, to_torch

torch = pytest.importorskip("torch")

# (name, builder(nn) -> module, input shapes, integer input range or None)
LAYERS = [
    ("linear", lambda nn: nn.Linear(5, 3), [(4, 5)], None),
    ("linear_3d_nobias", lambda nn: nn.Linear(5, 3, bias=False), [(2, 4, 5)], None),
    ("bilinear", lambda nn: nn.Bilinear(3, 4, 2), [(5, 3), (5, 4)], None),
    ("conv1d", lambda nn: nn.Conv1d(2, 4, 3, padding=1, stride=2), [(2, 2, 9)], None),
    ("conv2d", lambda nn: nn.Conv2d(3, 4, 3), [(2, 3, 7, 6)], None),
    ("conv2d_all", lambda nn: nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 2),
                                        dilation=(1, 2), groups=2), [(2, 4, 8, 7)], None),
    ("conv2d_same", lambda nn: nn.Conv2d(2, 3, 3, padding="same", bias=False), [(1, 2, 5, 5)],
     None),
    ("maxpool", lambda nn: nn.MaxPool2d(2), [(2, 3, 6, 7)], None),
    ("maxpool_pad", lambda nn: nn.MaxPool2d(3, stride=2, padding=1, dilation=1), [(2, 2, 7, 7)],
     None),
    ("avgpool", lambda nn: nn.AvgPool2d(3, stride=2, padding=1), [(2, 2, 7, 6)], None),
    ("adaptive_1", lambda nn: nn.AdaptiveAvgPool2d(1), [(2, 3, 5, 4)], None),
    ("adaptive_uneven", lambda nn: nn.AdaptiveAvgPool2d((2, 3)), [(1, 2, 5, 7)], None),
    ("relu", lambda nn: nn.ReLU(), [(3, 4)], None),
    ("silu", lambda nn: nn.SiLU(), [(3, 4)], None),
    ("elu", lambda nn: nn.ELU(0.5), [(3, 4)], None),
    ("hardtanh", lambda nn: nn.Hardtanh(-0.5, 0.7), [(3, 4)], None),
    ("relu6", lambda nn: nn.ReLU6(), [(3, 4)], None),
    ("leaky_relu", lambda nn: nn.LeakyReLU(0.2), [(3, 4)], None),
    ("gelu", lambda nn: nn.GELU(), [(3, 4)], None),
    ("gelu_tanh", lambda nn: nn.GELU(approximate="tanh"), [(3, 4)], None),
    ("sigmoid", lambda nn: nn.Sigmoid(), [(3, 4)], None),
    ("tanh", lambda nn: nn.Tanh(), [(3, 4)], None),
    ("softplus", lambda nn: nn.Softplus(beta=2.0), [(3, 4)], None),
    ("softmax", lambda nn: nn.Softmax(dim=1), [(3, 4)], None),
    ("log_softmax", lambda nn: nn.LogSoftmax(dim=-1), [(2, 3, 4)], None),
    ("flatten", lambda nn: nn.Flatten(), [(2, 3, 4)], None),
    ("identity", lambda nn: nn.Identity(), [(2, 3)], None),
    ("embedding", lambda nn: nn.Embedding(7, 3), [(4, 5)], 7),
    ("embedding_pad", lambda nn: nn.Embedding(7, 3, padding_idx=2), [(9,)], 7),
    ("layer_norm", lambda nn: nn.LayerNorm((3, 4)), [(2, 3, 4)], None),
    ("batch_norm1d", lambda nn: nn.BatchNorm1d(4), [(6, 4)], None),
    ("batch_norm1d_3d", lambda nn: nn.BatchNorm1d(3, momentum=None), [(4, 3, 5)], None),
    ("batch_norm2d", lambda nn: nn.BatchNorm2d(3), [(2, 3, 4, 5)], None),
    ("sequential", lambda nn: nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2)),
     [(3, 4)], None),
    ("lenet", lambda nn: nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 8, 3),
        nn.ReLU(), nn.Flatten(), nn.Linear(32, 5)), [(3, 1, 8, 8)], None),
]


def _twins(builder):
    torch.manual_seed(0)
    theirs = builder(torch.nn).double()
    ours = builder(cr.nn).double()
    ours.load_state_dict({k: from_torch(v) for k, v in theirs.state_dict().items()})
    return ours, theirs


def _inputs(shapes, int_range, rng):
    if int_range is not None:
        arrays = [rng.integers(0, int_range, s) for s in shapes]
        return [cr.tensor(a) for a in arrays], [torch.tensor(a) for a in arrays]
    arrays = [rng.standard_normal(s) for s in shapes]
    ours = [cr.tensor(a, requires_grad=True) for a in arrays]
    return ours, [to_torch(t) for t in ours]


@pytest.mark.parametrize("name,builder,shapes,int_range", LAYERS, ids=[x[0] for x in LAYERS])
def test_layer_matches_pytorch(name, builder, shapes, int_range):
    rng = np.random.default_rng(1)
    ours, theirs = _twins(builder)
    xs, txs = _inputs(shapes, int_range, rng)
    out, tout = ours(*xs), theirs(*txs)
    assert_same(out, tout, rtol=1e-7, atol=1e-9)
    g = rng.standard_normal(tuple(out.shape))
    (out * cr.tensor(g)).sum().backward()
    (tout * torch.tensor(g)).sum().backward()
    for x, tx in zip(xs, txs):
        if tx.requires_grad:
            assert_same(x.grad, tx.grad, rtol=1e-7, atol=1e-9)
    for (n, p), (tn, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert n == tn
        assert_same(p.grad, tp.grad, rtol=1e-7, atol=1e-9)
    for (_, b), (_, tb) in zip(ours.named_buffers(), theirs.named_buffers()):
        assert_same(b, tb, rtol=1e-7, atol=1e-9)


TRAINABLE = [x for x in LAYERS if any(True for _ in x[1](torch.nn).parameters())]


@pytest.mark.parametrize("name,builder,shapes,int_range", TRAINABLE,
                         ids=[x[0] for x in TRAINABLE])
def test_layer_20_steps_in_float32(name, builder, shapes, int_range):
    rng = np.random.default_rng(2)
    torch.manual_seed(0)
    theirs = builder(torch.nn)
    ours = builder(cr.nn)
    ours.load_state_dict({k: from_torch(v) for k, v in theirs.state_dict().items()})
    opt = cr.optim.SGD(ours.parameters(), lr=0.05, momentum=0.9)
    topt = torch.optim.SGD(theirs.parameters(), lr=0.05, momentum=0.9)
    for _ in range(20):
        xs, _ = _inputs(shapes, int_range, rng)
        xs = [x.float().detach() if x.dtype.is_floating_point else x for x in xs]
        txs = [to_torch(x) for x in xs]
        out, tout = ours(*xs), theirs(*txs)
        target = rng.standard_normal(tuple(out.shape)).astype(np.float32)
        loss = ((out - cr.tensor(target)) ** 2).mean()
        tloss = ((tout - torch.tensor(target)) ** 2).mean()
        opt.zero_grad()
        topt.zero_grad()
        loss.backward()
        tloss.backward()
        opt.step()
        topt.step()
    for (_n, p), (_, tp) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        assert_same(p, tp, rtol=2e-4, atol=2e-5)


def test_dropout_statistics_and_eval():
    cr.manual_seed(0)
    m = cr.nn.Dropout(0.25)
    x = cr.ones(20000, requires_grad=True)
    y = m(x)
    kept = y.detach().numpy() != 0
    assert abs(kept.mean() - 0.75) < 0.02
    np.testing.assert_allclose(y.detach().numpy()[kept], 1 / 0.75, rtol=1e-6)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy() != 0, kept)
    m.eval()
    assert m(x) is x


def test_batchnorm_eval_uses_running_stats():
    ours, theirs = _twins(lambda nn: nn.BatchNorm2d(3))
    rng = np.random.default_rng(3)
    for _ in range(3):
        x = rng.standard_normal((4, 3, 2, 2))
        ours(cr.tensor(x))
        theirs(torch.tensor(x))
    ours.eval()
    theirs.eval()
    x = rng.standard_normal((2, 3, 2, 2))
    assert_same(ours(cr.tensor(x)), theirs(torch.tensor(x)), rtol=1e-7, atol=1e-9)
    assert_same(ours.num_batches_tracked, theirs.num_batches_tracked)


def _all_modules(nn):
    return [
        nn.Linear(4, 2), nn.Linear(4, 2, bias=False), nn.Bilinear(2, 3, 4),
        nn.Conv1d(2, 4, 3), nn.Conv2d(1, 6, 5, padding=2), nn.Conv2d(4, 4, 3, stride=2,
                                                                      dilation=2, groups=2,
                                                                      bias=False),
        nn.Conv2d(2, 2, 3, padding="same"), nn.MaxPool2d(2), nn.MaxPool2d(3, 1, 1),
        nn.AvgPool2d(2), nn.AvgPool2d((2, 3), stride=1), nn.AdaptiveAvgPool2d((1, 1)),
        nn.AdaptiveAvgPool2d(3), nn.ReLU(), nn.ReLU(inplace=True), nn.LeakyReLU(),
        nn.LeakyReLU(0.2, inplace=True), nn.GELU(), nn.GELU("tanh"), nn.Sigmoid(), nn.Tanh(),
        nn.Softmax(dim=1), nn.Softmax(), nn.LogSoftmax(dim=-1), nn.Dropout(), nn.Dropout(0.1),
        nn.Flatten(), nn.Flatten(0, 2), nn.Identity(), nn.Embedding(10, 3),
        nn.Embedding(10, 3, padding_idx=1), nn.LayerNorm(8), nn.LayerNorm((2, 3), eps=1e-6),
        nn.BatchNorm1d(4), nn.BatchNorm2d(3, momentum=None, affine=False),
        nn.MSELoss(), nn.L1Loss(), nn.HuberLoss(), nn.CrossEntropyLoss(), nn.NLLLoss(),
        nn.BCELoss(), nn.BCEWithLogitsLoss(), nn.Softplus(), nn.SiLU(), nn.ELU(), nn.ReLU6(),
        nn.Hardtanh(), nn.LazyLinear(3),
        nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1))),
        nn.ModuleList([nn.ReLU(), nn.Tanh()]), nn.ModuleDict({"a": nn.Linear(1, 1)}),
    ]


def test_repr_matches_pytorch():
    for ours, theirs in zip(_all_modules(cr.nn), _all_modules(torch.nn)):
        assert repr(ours) == repr(theirs)


def test_parameter_repr_and_custom_module():
    p = cr.nn.Parameter(cr.tensor([1.0, 2.0]))
    tp = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    assert repr(p) == repr(tp) and str(p) == str(tp)
    assert isinstance(p, cr.Tensor) and p.requires_grad and p.is_leaf

    def make(nn):
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.body = nn.Sequential(nn.Linear(2, 4), nn.ReLU())
                self.head = nn.Linear(4, 1)
                self.register_buffer("scale", torch.ones(1) if nn is torch.nn else cr.ones(1))
                self.tied = self.head  # shared: listed once

            def forward(self, x):
                return self.head(self.body(x)) * self.scale
        return Net()

    ours, theirs = make(cr.nn), make(torch.nn)
    assert repr(ours) == repr(theirs)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [type(m).__name__ for m in ours.children()] == \
        [type(m).__name__ for m in theirs.children()]
    assert len(list(ours.buffers())) == 1


def test_module_modes_apply_to_zero_grad():
    m = cr.nn.Sequential(cr.nn.Linear(2, 2), cr.nn.Dropout())
    assert m.training and m[1].training
    m.eval()
    assert not m.training and not m[1].training
    m.train()
    assert m[1].training
    m(cr.ones(1, 2)).sum().backward()
    assert m[0].weight.grad is not None
    m.zero_grad()
    assert m[0].weight.grad is None
    m(cr.ones(1, 2)).sum().backward()
    m.zero_grad(set_to_none=False)
    assert float(m[0].weight.grad.abs().sum()) == 0
    seen = []
    m.apply(lambda mod: seen.append(type(mod).__name__))
    assert seen == ["Linear", "Dropout", "Sequential"]
    m.to(cr.float64)
    assert m[0].weight.dtype is cr.float64 and m[0].weight.grad.dtype is cr.float64
    assert m(cr.ones(1, 2, dtype=cr.float64)).dtype is cr.float64
    m.float()
    assert m[0].bias.dtype is cr.float32


def test_load_state_dict_strict_and_untouched_on_error():
    m = cr.nn.Sequential(cr.nn.Linear(2, 3), cr.nn.BatchNorm1d(3))
    before = {k: v.clone() for k, v in m.state_dict().items()}
    good = {k: v + 1 for k, v in before.items()}
    bad = dict(good)
    bad["0.weight"] = cr.zeros(4, 2)
    with pytest.raises(RuntimeError, match="size mismatch for 0.weight"):
        m.load_state_dict(bad)
    missing = {k: v for k, v in good.items() if k != "0.bias"}
    with pytest.raises(RuntimeError, match='Missing key.*"0.bias"'):
        m.load_state_dict(missing)
    for k, v in m.state_dict().items():
        assert cr.equal(v, before[k]), k
    result = m.load_state_dict(dict(missing, extra=cr.ones(1)), strict=False)
    assert result.missing_keys == ["0.bias"] and result.unexpected_keys == ["extra"]
    assert cr.equal(m[0].weight, good["0.weight"])

    t = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3))
    tres = t.load_state_dict({k: to_torch(v) for k, v in dict(missing, extra=cr.ones(1)).items()},
                             strict=False)
    assert (tres.missing_keys, tres.unexpected_keys) == (result.missing_keys,
                                                         result.unexpected_keys)


def test_default_initialisation_bounds():
    cr.manual_seed(0)
    lin = cr.nn.Linear(100, 50)
    bound = 1 / 10
    w = lin.weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert abs(w.std() - bound / np.sqrt(3)) < 0.01
    conv = cr.nn.Conv2d(4, 8, 3)
    cb = 1 / np.sqrt(4 * 9)
    assert np.abs(conv.weight.detach().numpy()).max() <= cb
    assert np.abs(conv.bias.detach().numpy()).max() <= cb
    emb = cr.nn.Embedding(1000, 10)
    assert abs(emb.weight.detach().numpy().std() - 1) < 0.05
    bn = cr.nn.BatchNorm1d(3)
    assert bn.weight.tolist() == [1, 1, 1] and bn.running_var.tolist() == [1, 1, 1]


def test_init_functions():
    init = cr.nn.init
    t = cr.empty(200, 300)
    init.xavier_uniform_(t)
    a = np.sqrt(6 / 500)
    assert np.abs(t.numpy()).max() <= a
    init.xavier_normal_(t, gain=2.0)
    assert abs(t.numpy().std() - 2 * np.sqrt(2 / 500)) < 0.01
    init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu")
    assert abs(t.numpy().std() - np.sqrt(2 / 200)) < 0.01
    init.kaiming_uniform_(t, nonlinearity="relu")
    assert np.abs(t.numpy()).max() <= np.sqrt(6 / 300)
    init.normal_(t, 3.0, 0.5)
    assert abs(t.numpy().mean() - 3) < 0.01
    init.uniform_(t, -2, -1)
    assert t.numpy().min() >= -2 and t.numpy().max() <= -1
    assert init.constant_(cr.empty(2), 0.5).tolist() == [0.5, 0.5]
    assert init.zeros_(cr.empty(2)).tolist() == [0, 0]
    assert init.ones_(cr.empty(2)).tolist() == [1, 1]
    for gain in ("relu", "tanh", "linear", "sigmoid"):
        assert init.calculate_gain(gain) == torch.nn.init.calculate_gain(gain)
    assert init.calculate_gain("leaky_relu", 0.2) == torch.nn.init.calculate_gain("leaky_relu",
                                                                                 0.2)
    p = cr.nn.Parameter(cr.zeros(3))
    init.ones_(p)  # works on leaves that require grad (runs under no_grad)
    assert p.requires_grad and p.tolist() == [1, 1, 1]


def test_conv_second_order_matches_pytorch():
    rng = np.random.default_rng(4)
    x = cr.tensor(rng.standard_normal((2, 2, 5, 5)), requires_grad=True)
    w = cr.tensor(rng.standard_normal((3, 2, 3, 3)), requires_grad=True)
    tx, tw = to_torch(x), to_torch(w)
    y = cr.nn.functional.conv2d(x, w, stride=2, padding=1)
    ty = torch.nn.functional.conv2d(tx, tw, stride=2, padding=1)
    gx, = cr.autograd.grad((y ** 2).sum(), x, create_graph=True)
    tgx, = torch.autograd.grad((ty ** 2).sum(), tx, create_graph=True)
    assert_same(gx, tgx, rtol=1e-7, atol=1e-9)
    gw, = cr.autograd.grad((gx ** 2).sum(), w)
    tgw, = torch.autograd.grad((tgx ** 2).sum(), tw)
    assert_same(gw, tgw, rtol=1e-7, atol=1e-9)
    assert y.grad_fn.name() == ty.grad_fn.name()


def test_functional_extras_match_pytorch():
    F, TF = cr.nn.functional, torch.nn.functional
    rng = np.random.default_rng(5)
    x = cr.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
    tx = to_torch(x)
    cases = [
        (lambda f, t: f.pad(t, (1, 2)), None),
        (lambda f, t: f.pad(t, (1, 1, 2, 0), value=3.0), None),
        (lambda f, t: f.pad(t, (1, 2), mode="reflect"), None),
        (lambda f, t: f.pad(t, (2, 1, 1, 1), mode="replicate"), None),
        (lambda f, t: f.softplus(t * 50), None),
        (lambda f, t: f.log_softmax(t * 1000, dim=1), None),
        (lambda f, t: f.softmax(t, dim=0), None),
    ]
    for fn, _ in cases:
        out, tout = fn(F, x), fn(TF, tx)
        assert_same(out, tout, rtol=1e-7, atol=1e-9)
        g = rng.standard_normal(tuple(out.shape))
        gx, = cr.autograd.grad((out * cr.tensor(g)).sum(), x)
        tgx, = torch.autograd.grad((tout * torch.tensor(g)).sum(), tx)
        assert_same(gx, tgx, rtol=1e-7, atol=1e-9)
    idx = cr.tensor([0, 3, 1])
    assert_same(F.one_hot(idx), TF.one_hot(to_torch(idx)))
    assert_same(F.one_hot(idx, 5), TF.one_hot(to_torch(idx), 5))
    big = cr.tensor([[1000.0, 0.0]])
    assert np.isfinite(F.log_softmax(big, 1).numpy()).all()


def test_errors_are_pytorch_types():
    F = cr.nn.functional
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes"):
        cr.nn.Linear(3, 2)(cr.ones(1, 4))
    with pytest.raises(RuntimeError, match="channels"):
        cr.nn.Conv2d(3, 2, 1)(cr.ones(1, 2, 4, 4))
    with pytest.raises(ValueError):
        cr.nn.BatchNorm1d(2)(cr.ones(1, 2))
    with pytest.raises(IndexError):
        F.embedding(cr.tensor([5]), cr.ones(3, 2))
    with pytest.raises(AttributeError, match=r"super\(\).__init__"):
        class Bad(cr.nn.Module):
            def __init__(self):
                self.fc = cr.nn.Linear(1, 1)
        Bad()


def test_forward_mode_tangents_match_pytorch():
    fwAD = pytest.importorskip("chainrule.autograd.forward_ad")
    tfw = torch.autograd.forward_ad
    F, TF = cr.nn.functional, torch.nn.functional
    rng = np.random.default_rng(6)
    w = rng.standard_normal((4, 3, 3, 3))
    lw = rng.standard_normal((5, 6))
    cases = [
        ((2, 3, 6, 6), lambda f, x, lib: f.conv2d(x, lib.tensor(w), lib.tensor(w[:, 0, 0, 0]),
                                                  stride=2, padding=1)),
        ((2, 3, 6, 6), lambda f, x, lib: f.max_pool2d(x, 2)),
        ((2, 3, 6, 6), lambda f, x, lib: f.max_pool2d(x, 3, stride=1, padding=1)),
        ((2, 3, 6, 6), lambda f, x, lib: f.avg_pool2d(x, 2)),
        ((4, 6), lambda f, x, lib: f.linear(x, lib.tensor(lw), lib.tensor(lw[:, 0]))),
        ((4, 6), lambda f, x, lib: f.log_softmax(x, 1)),
        ((4, 6), lambda f, x, lib: f.softmax(x, 0)),
        ((4, 6), lambda f, x, lib: f.softplus(x * 10)),
        ((4, 6), lambda f, x, lib: f.nll_loss(x, lib.tensor([0, 5, 2, 1]))),
    ]
    for shape, fn in cases:
        x, t = rng.standard_normal(shape), rng.standard_normal(shape)
        with fwAD.dual_level():
            out = fwAD.unpack_dual(fn(F, fwAD.make_dual(cr.tensor(x), cr.tensor(t)), cr))
        with tfw.dual_level():
            tout = tfw.unpack_dual(fn(TF, tfw.make_dual(torch.tensor(x), torch.tensor(t)),
                                      torch))
        assert_same(out.primal, tout.primal, rtol=1e-7, atol=1e-9)
        assert_same(out.tangent, tout.tangent, rtol=1e-7, atol=1e-9)


def test_lazy_linear_materialises_on_first_call():
    m = cr.nn.Sequential(cr.nn.LazyLinear(8), cr.nn.ReLU(), cr.nn.LazyLinear(2))
    opt = cr.optim.SGD(m.parameters(), lr=0.1)  # built before the shapes are known
    out = m(cr.randn(5, 3))
    assert out.shape == (5, 2) and m[0].weight.shape == (8, 3)
    assert repr(m[0]) == "Linear(in_features=3, out_features=8, bias=True)"
    assert np.abs(m[0].weight.detach().numpy()).max() <= 1 / np.sqrt(3)
    out.sum().backward()
    before = m[2].weight.clone()
    opt.step()
    assert not cr.equal(before, m[2].weight)


def test_clip_grad_and_vectors_match_pytorch():
    rng = np.random.default_rng(7)
    grads = [rng.standard_normal((3, 4)).astype(np.float32), rng.standard_normal(5)
             .astype(np.float32)]
    for kwargs in (dict(max_norm=1.0), dict(max_norm=0.5, norm_type=1),
                   dict(max_norm=0.3, norm_type=float("inf")), dict(max_norm=100.0)):
        ps = [cr.nn.Parameter(cr.zeros(*g.shape)) for g in grads]
        tps = [torch.nn.Parameter(torch.zeros(*g.shape)) for g in grads]
        for p, tp, g in zip(ps, tps, grads):
            p.grad, tp.grad = cr.tensor(g), torch.tensor(g)
        total = cr.nn.utils.clip_grad_norm_(ps, **kwargs)
        ttotal = torch.nn.utils.clip_grad_norm_(tps, **kwargs)
        assert_same(total, ttotal)
        for p, tp in zip(ps, tps):
            assert_same(p.grad, tp.grad)
    ps = [cr.nn.Parameter(cr.zeros(3))]
    ps[0].grad = cr.tensor([-2.0, 0.1, 3.0])
    cr.nn.utils.clip_grad_value_(ps, 1.0)
    assert ps[0].grad.tolist() == pytest.approx([-1.0, 0.1, 1.0])
    lin = cr.nn.Linear(2, 2)
    vec = cr.nn.utils.parameters_to_vector(lin.parameters())
    cr.nn.utils.vector_to_parameters(vec * 2, lin.parameters())
    assert cr.allclose(cr.nn.utils.parameters_to_vector(lin.parameters()), vec * 2)
