"""chainrule.compile / torch.compile: a replay gives eager mode's results bit for bit
(float64), re-traces when a guarded fact changes, and runs eagerly, saying why, where it
cannot replay."""
from __future__ import annotations

import doctest
import pathlib
import warnings

import numpy as np
import pytest

import chainrule as torch
from chainrule.compiler import api
from helpers import torch_or_skip


@pytest.fixture(autouse=True)
def _float64():
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


@pytest.fixture
def real_torch():
    """PyTorch, for comparisons; its first ``torch.compile`` call switches off
    ``torch.distributions``' argument validation for the whole process (dynamo does that
    once), which later tests in this process compare against: it is switched back after."""
    real = torch_or_skip()
    validating = real.distributions.Distribution._validate_args
    yield real
    real.distributions.Distribution.set_default_validate_args(validating)


def _state(f):
    if isinstance(f, torch.nn.Module):
        f = f.__dict__["_compiled_call"]
    return f._chainrule_compiled


def _reasons(f) -> str:
    """Why ``f`` (or some kind of call of it) runs eagerly; empty if it never does."""
    state = _state(f)
    return " ".join(filter(None, [state.eager_reason, *state.fallbacks.values()]))


def _same(a, b) -> None:
    """Bit for bit: the same values (NaNs included), dtype and shape."""
    a = a.detach().numpy() if isinstance(a, torch.Tensor) else np.asarray(a)
    b = b.detach().numpy() if isinstance(b, torch.Tensor) else np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    assert a.tobytes() == b.tobytes(), (a, b)


def _gd_step(X, y, w):
    loss = ((torch.mv(X, w) - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= 1e-3 * w.grad
    w.grad.zero_()


def _house():
    X = torch.tensor([[2, 1, 0.5, 0], [4, 2, 2.0, 1], [3, 1, 1.0, 0]])
    y = torch.tensor([1550, 3100, 2200])
    w = torch.tensor([500.0, 200.0, -100.0, 100.0], requires_grad=True)
    return X, y, w


def test_lecture_gd_loop_is_replayed_bit_for_bit():
    step = torch.compile(_gd_step)
    X, y, w = _house()
    X2, y2, w2 = _house()
    for _ in range(20):
        step(X, y, w)
        _gd_step(X2, y2, w2)
        _same(w, w2)
        _same(w.grad, w2.grad)
    assert (w._version, w.grad._version) == (w2._version, w2.grad._version)
    state = _state(step)
    # traced twice (w.grad unset, then set), replayed the 18 other calls
    assert not _reasons(step) and state.traced == 2


def _mlp(optimizer, **options):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    opt = optimizer(model.parameters(), **options)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step(x, y):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.detach()
    return model, step


@pytest.mark.parametrize("optimizer, options", [
    (torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}),
    (torch.optim.Adam, {"lr": 0.01}),
])
def test_mlp_training_step_is_replayed_bit_for_bit(optimizer, options):
    rng = np.random.default_rng(0)
    batches = [(torch.tensor(rng.standard_normal((n, 4))), torch.tensor(rng.integers(0, 3, n)))
               for n in (5, 5, 5, 5, 2)]  # the last batch is smaller: traced again
    eager_model, eager_step = _mlp(optimizer, **options)
    model, step = _mlp(optimizer, **options)
    step = torch.compile(step)
    for x, y in batches:
        _same(step(x, y), eager_step(x, y))
    for p, q in zip(model.parameters(), eager_model.parameters()):
        _same(p, q)
        _same(p.grad, q.grad)
        assert p._version == q._version
    assert not _reasons(step) and _state(step).traced == 3


def test_a_returned_tensor_is_a_real_tensor():
    @torch.compile
    def f(x, scale: float):
        return (x * scale).exp(), x.sum(0)

    x = torch.tensor([[0.5, 1.0], [1.5, -2.0]])
    for _ in range(3):
        out, total = f(x, 2.0)
        assert type(out) is torch.Tensor and not out.requires_grad
        _same(out, (x * 2.0).exp())
        _same(total, x.sum(0))
    _same(f(x, 3.0)[0], (x * 3.0).exp())  # another argument value: traced again
    assert _state(f).traced == 2 and not _reasons(f)


def test_retrace_on_shape_and_dtype_change():
    w = torch.tensor([1.0, -2.0], requires_grad=True)

    @torch.compile
    def f(x):
        return (w * x).sum().detach()

    single = torch.ones(2, dtype=torch.float32)
    for x in (torch.ones(2), torch.ones(2) * 3, torch.ones(3, 2), single, single * 2):
        _same(f(x), (w * x).sum().detach())
    assert _state(f).traced == 3 and not _reasons(f)


def _item_step(w):
    def step(x):
        loss = (w * x).sum()
        if loss.item() > 0:  # data-dependent: a replay could not take the other branch
            loss = loss * 2
        loss.backward()
        return loss.detach()
    return step


def test_item_in_control_flow_runs_eagerly_and_says_why(monkeypatch, capsys):
    monkeypatch.setenv("CHAINRULE_LOG", "compile")
    w, w2 = (torch.tensor([1.0, 2.0], requires_grad=True) for _ in range(2))
    compiled, eager = torch.compile(_item_step(w)), _item_step(w2)
    for x in (torch.ones(2), -torch.ones(2), torch.ones(2)):
        _same(compiled(x), eager(x))
    _same(w.grad, w2.grad)
    err = capsys.readouterr().err
    assert err.count("chainrule.compile: step runs eagerly: Python reads a tensor's value") == 1
    assert _reasons(compiled)


def test_what_cannot_be_replayed_runs_eagerly():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    reasons = {}

    def returns_graph(x):
        return w * x

    def makes_random(x):
        return (x * torch.randn(2)).detach()

    def hooked(x):
        y = w * x
        y.register_hook(lambda g: g * 2)
        y.sum().backward()

    for f in (returns_graph, makes_random, hooked):
        compiled = torch.compile(f)
        for _ in range(2):
            compiled(torch.ones(2))
        reasons[f.__name__] = _reasons(compiled)
    assert "requires grad" in reasons["returns_graph"]
    assert "does not record" in reasons["makes_random"]
    assert "hook" in reasons["hooked"]


def test_an_unrecorded_change_of_a_captured_tensor_is_noticed():
    w = torch.tensor([1.0, 2.0])

    @torch.compile
    def f(x):
        w.data = w * x  # rebinds w's array, which the trace does not see
        return w.sum()

    f(torch.ones(2))
    assert "changes a captured tensor" in _reasons(f)


def test_compiled_module_is_an_optimized_module_as_in_pytorch(real_torch):
    real = real_torch
    model = torch.nn.Linear(3, 2)
    compiled = torch.compile(model)
    reference = real.compile(real.nn.Linear(3, 2))
    assert type(compiled).__name__ == type(reference).__name__ == "OptimizedModule"
    assert isinstance(compiled, torch.nn.Module) and compiled._orig_mod is model
    assert [n for n, _ in compiled.named_parameters()] == \
        [n for n, _ in reference.named_parameters()]
    assert list(compiled.state_dict()) == list(reference.state_dict())
    assert compiled.weight is model.weight and compiled.in_features == 3
    assert repr(compiled).splitlines()[0] == repr(reference).splitlines()[0]
    x = torch.ones(4, 3)
    with torch.no_grad():
        for _ in range(3):
            _same(compiled(x), model(x))
    out = compiled(x)  # under grad mode the output has a graph: eager, as documented
    assert out.grad_fn is not None and "requires grad" in _reasons(compiled)
    with torch.no_grad():  # calls of the other kind are still replayed
        _same(compiled(x), model(x))
    assert _state(compiled).entries and not _state(compiled).eager_reason


def test_compile_of_a_function_returns_a_function_as_in_pytorch(real_torch):
    real = real_torch

    def f(x):
        return x + 1

    ours, theirs = torch.compile(f), real.compile(f)
    assert type(ours) is type(theirs) and ours.__wrapped__ is f and ours.__name__ == "f"
    decorated = torch.compile(mode="reduce-overhead")(f)
    _same(decorated(torch.ones(2)), torch.ones(2) + 1)
    assert torch.compile(f, disable=True) is f


def test_arguments_pytorch_accepts(real_torch):
    real = real_torch

    def f(x):
        return x * 2

    for kwargs in ({"mode": "bogus"}, {"mode": "default", "options": {"a": 1}}):
        with pytest.raises(RuntimeError) as ours:
            torch.compile(f, **kwargs)
        with pytest.raises(RuntimeError) as theirs:
            real.compile(f, **kwargs)
        assert str(ours.value) == str(theirs.value)
    with pytest.raises(RuntimeError, match="Invalid backend: 'bogus'"):
        torch.compile(f, backend="bogus")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # honoured options warn about nothing
        torch.compile(f, mode="max-autotune", fullgraph=True, dynamic=False, backend="eager")


def test_options_chainrule_cannot_honour_warn_once(monkeypatch):
    monkeypatch.setattr(api, "_WARNED", set())

    def f(x):
        return x * 2

    for kwargs in ({"options": {"shape_padding": True}}, {"dynamic": True},
                   {"backend": lambda gm, inputs: gm}):
        with pytest.warns(UserWarning, match="chainrule"):
            compiled = torch.compile(f, **kwargs)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            torch.compile(f, **kwargs)  # the same option again: no second warning
        _same(compiled(torch.ones(2)), torch.ones(2) * 2)  # still runs
    assert "custom backend" in _reasons(compiled)


def test_compiler_namespace():
    seen = []

    @torch.compile
    def f(x):
        seen.append(torch.compiler.is_compiling())
        return x + 1

    f(torch.ones(1))
    f(torch.ones(1))
    assert seen == [True] and not torch.compiler.is_compiling()
    torch.compiler.reset()
    f(torch.ones(1))
    assert seen == [True, True]  # traced again after reset

    helper = torch.compiler.disable(lambda x: x * 3)

    @torch.compile
    def g(x):
        return helper(x) + 1

    _same(g(torch.ones(1)), torch.ones(1) * 4)
    assert "torch.compiler.disable" in _reasons(g)


LEARNING_RATE = 0.1


def _global_lr_step(w):
    loss = (w * w).sum()
    loss.backward()
    with torch.no_grad():
        w -= LEARNING_RATE * w.grad
    w.grad = None


def test_plain_values_a_replay_takes_as_constants_are_guarded(monkeypatch):
    step = torch.compile(_global_lr_step)
    w, w2 = (torch.tensor([1.0, -2.0], requires_grad=True) for _ in range(2))
    for lr in (0.1, 0.1, 0.1, 0.05, 0.05):
        monkeypatch.setattr(__import__(__name__), "LEARNING_RATE", lr)
        step(w)
        _global_lr_step(w2)
        _same(w, w2)
    assert _state(step).traced == 2
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(0.5))
    forward = torch.compile(model)
    x = torch.ones(3, 2)
    with torch.no_grad():
        model.eval()
        for _ in range(2):
            _same(forward(x), model(x))
        model.train()  # dropout draws random numbers now: this call runs eagerly
        torch.manual_seed(1)
        out = forward(x)
        torch.manual_seed(1)
        _same(out, model(x))


def test_docs_page_examples():
    page = pathlib.Path(__file__).resolve().parent.parent / "docs" / "compile.md"
    torch.set_default_dtype(torch.float32)  # (the page's numbers; the fixture restores it)
    result = doctest.testfile(str(page), module_relative=False)
    assert result.attempted >= 5 and result.failed == 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lean_forms_match_what_they_replace(dtype):
    from chainrule.compiler.lean import LEAN, LEAN_RULES
    from chainrule.engine.array_rules import array_form
    from chainrule.ops import linalg, pointwise, reduction
    rng = np.random.default_rng(3)

    def array(*shape):
        return np.asarray(rng.standard_normal(shape) * 10 ** rng.uniform(-3, 3), dtype=dtype)

    shapes = [(), (1,), (7,), (3, 5), (2, 3, 129)]
    forwards = {reduction.mean_all: [(array(*s),) for s in shapes],
                pointwise.pow_scalar: [(array(*s), e) for s in shapes[1:] for e in (2, 3, 0.5)],
                linalg.mv: [(array(3, 4), array(4)), (array(1, 200), array(200))]}
    rules = {reduction.mean_all.rules[0]: [(array(), s) for s in shapes] + [(dtype(2), (3,))],
             pointwise.pow_scalar.rules[0]: [(array(4), array(4), e) for e in (0, 2, 3, 0.5)],
             linalg.mv.rules[1]: [(array(3), array(3, 4))]}
    assert set(forwards) == set(LEAN) and set(rules) == set(LEAN_RULES)
    cases = [(op.forward, LEAN[op][1], args, LEAN[op][0]) for op in LEAN
             for args in forwards[op]]
    cases += [(array_form(rule), LEAN_RULES[rule], args, None) for rule in LEAN_RULES
              for args in rules[rule]]
    with np.errstate(all="ignore"):
        for original, lean, args, applies in cases:
            assert applies is None or applies(*args)
            expected, got = original(*args), lean(*args)
            assert type(got) is type(expected) and got.dtype == expected.dtype
            assert np.asarray(got).tobytes() == np.asarray(expected).tobytes(), (lean, args)


def test_batch_norm_training_runs_eagerly_and_evaluation_is_replayed():
    # Training updates the running statistics with NumPy directly: the version counters
    # that moved on without a recorded write give it away.
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    twin = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    twin.load_state_dict(model.state_dict())
    forward = torch.compile(model)
    x = torch.tensor(np.random.default_rng(1).standard_normal((6, 3)))
    with torch.no_grad():
        for _ in range(2):
            _same(forward(x), twin(x))
        assert "changed in place" in _reasons(forward)
        torch.compiler.reset()  # (forgets the fallback too)
        state = _state(forward)
        model.eval(), twin.eval()
        for _ in range(3):
            _same(forward(x), twin(x))
        assert not _reasons(forward) and state.traced == 1
    for a, b in zip(model.state_dict().values(), twin.state_dict().values()):
        _same(a, b)


def _small_cnn():
    nn = torch.nn
    return nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.LayerNorm(8), nn.Linear(8, 3))


def _cnn_step():
    torch.manual_seed(0)
    model = _small_cnn()
    opt = torch.optim.AdamW(model.parameters(), lr=0.01)

    def step(x, y):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return model, step


def test_convolution_training_step_is_replayed_bit_for_bit():
    eager, eager_step = _cnn_step()
    model, step = _cnn_step()
    step = torch.compile(step)
    for seed in range(4):
        data = np.random.default_rng(seed)
        x = torch.tensor(data.standard_normal((3, 1, 4, 4)))
        y = torch.tensor(data.integers(0, 3, 3))
        step(x, y)
        eager_step(x, y)
    for p, q in zip(model.parameters(), eager.parameters()):
        _same(p, q)
        _same(p.grad, q.grad)
    assert not _reasons(step) and _state(step).traced == 2


def _sqrt_step(w, x):
    (w * x).sqrt().sum().backward()


def test_anomaly_mode_runs_eagerly():
    step = torch.compile(_sqrt_step)
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    for _ in range(3):  # traced (.grad unset, set), then replayed: nan, quietly
        step(w, -torch.ones(2))
    assert _state(step).traced == 2
    with torch.autograd.detect_anomaly(), pytest.raises(RuntimeError) as ours:
        step(w, -torch.ones(2))  # the engine's pass, checking each node, as eagerly
    with torch.autograd.detect_anomaly(), pytest.raises(RuntimeError) as eager:
        _sqrt_step(w, -torch.ones(2))
    assert str(ours.value).splitlines()[0] == str(eager.value).splitlines()[0]


def _two_pass_step():
    w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    b = torch.tensor(0.1, requires_grad=True)

    def step(x, *, scale=1.0, twice=False):
        out = ((x @ w + b).tanh() * scale).sum()
        out.backward(retain_graph=True)
        if twice:
            out.backward()  # the same graph again: gradients accumulate
        (w.sin() * x[0]).sum().backward()  # a second micro-batch
        with torch.no_grad():
            w.mul_(0.99).add_(w.grad, alpha=-0.1)
            b.sub_(0.1 * b.grad)
        returned = (w.detach(), b.grad.clone(), out.detach())
        w.grad = None
        b.grad.zero_()
        return returned
    return w, b, step


def test_keywords_retained_graphs_micro_batches_and_versions():
    w, b, eager = _two_pass_step()
    w2, b2, step = _two_pass_step()
    step = torch.compile(step)
    rng = np.random.default_rng(0)
    for i in range(6):
        x = torch.tensor(rng.standard_normal((4, 3)))
        for ours, theirs in zip(step(x, scale=2.0, twice=i % 2 == 0),
                                eager(x, scale=2.0, twice=i % 2 == 0)):
            _same(ours, theirs)
            assert type(ours) is torch.Tensor and ours._version == theirs._version
        _same(w2, w)
        assert (w2._version, b2._version) == (w._version, b._version)
    assert not _reasons(step) and _state(step).traced == 3
    assert step(x, scale=2.0)[0]._version_counter is w2._version_counter  # w.detach()


def _loss_step():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)

    def step(x, y):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss  # as PyTorch training loops write it: its graph is spent
    return step


def test_a_returned_spent_loss_reads_as_in_eager_mode():
    eager, step = _loss_step(), torch.compile(_loss_step())
    rng = np.random.default_rng(0)
    for _ in range(4):
        x, y = torch.tensor(rng.standard_normal((5, 4))), torch.tensor(rng.integers(0, 3, 5))
        ours, theirs = step(x, y), eager(x, y)
        assert repr(ours) == repr(theirs) and ours.item() == theirs.item()
        assert ours.requires_grad and not ours.is_leaf
        errors = []
        for loss in (ours, theirs):
            with pytest.raises(RuntimeError) as error:
                loss.backward()
            errors.append(str(error.value))
        assert errors[0] == errors[1]
    assert not _reasons(step) and _state(step).traced == 2


def test_arguments_that_are_containers_or_tuples():
    w = torch.tensor([1.0, 2.0])

    @torch.compile
    def scaled(x, shape):
        return (x * w).reshape(shape)

    @torch.compile
    def total(pair):
        return (pair[0] + pair[1] * w).detach()

    x = torch.ones(2)
    for shape in [(2, 1), (2, 1), (1, 2)]:  # tuples of numbers: guarded by value
        _same(scaled(x, shape), (x * w).reshape(shape))
    assert _state(scaled).traced == 2 and not _reasons(scaled)
    for k in range(3):  # a fresh list each call, which could reuse the last one's id
        pair = [torch.ones(2) * k, torch.ones(2) * (k + 1)]
        _same(total(pair), pair[0] + pair[1] * w)
    assert "list" in _reasons(total)


def test_a_replaced_parameter_is_noticed():
    model = torch.nn.Linear(2, 1)
    forward = torch.compile(model)
    x = torch.ones(3, 2)
    with torch.no_grad():
        for _ in range(2):
            _same(forward(x), model(x))
        model.weight = torch.nn.Parameter(torch.full((1, 2), 5.0))
        _same(forward(x), model(x))
    assert _state(forward).traced == 2


rebound = None


def _rebinding_step():
    global rebound
    loss = (rebound * rebound).sum()
    loss.backward()
    with torch.no_grad():
        new = rebound - 0.1 * rebound.grad
    rebound.grad = None  # (the old tensor looks as it did before the call)
    rebound = new.requires_grad_()  # a new tensor in the global


def test_a_global_rebound_to_a_new_tensor_is_noticed(monkeypatch):
    module = __import__(__name__)
    step = torch.compile(_rebinding_step)
    results = []
    for run in (step, _rebinding_step):
        monkeypatch.setattr(module, "rebound", torch.tensor([1.0, -2.0], requires_grad=True))
        for _ in range(4):
            run()
        results.append(module.rebound)
    _same(results[0], results[1])
