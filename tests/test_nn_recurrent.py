"""Recurrent layers against PyTorch: same weights in, same outputs, states and gradients out."""
from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule.nn import recurrent as R
from helpers import assert_same, from_torch, to_torch

torch = pytest.importorskip("torch")

TOL = dict(rtol=1e-4, atol=1e-5)


def _pair(name: str, *args, **kwargs):
    """The torch layer and ours with torch's weights loaded through ``load_state_dict``."""
    theirs = getattr(torch.nn, name)(*args, **kwargs)
    if "dtype" in kwargs:
        kwargs = {**kwargs, "dtype": getattr(cr, str(kwargs["dtype"]).replace("torch.", ""))}
    ours = getattr(R, name)(*args, **kwargs)
    ours.load_state_dict({k: from_torch(v) for k, v in theirs.state_dict().items()})
    return ours, theirs


def _random(rng, *shape):
    return cr.tensor(rng.standard_normal(shape).astype(np.float32), requires_grad=True)


def _flatten(result):
    if isinstance(result, tuple):
        return [t for r in result for t in _flatten(r)]
    return [result]


def _compare(ours, theirs, our_inputs, seed):
    """Run both layers, compare every output, then backprop the same random cotangents and
    compare the gradients of the inputs and of every parameter."""
    their_inputs = [None if x is None else
                    tuple(to_torch(t) for t in x) if isinstance(x, tuple) else to_torch(x)
                    for x in our_inputs]
    our_out = _flatten(ours(*our_inputs))
    their_out = _flatten(theirs(*their_inputs))
    assert len(our_out) == len(their_out)
    for a, b in zip(our_out, their_out):
        assert_same(a, b, **TOL)
    rng = np.random.default_rng(seed)
    cotangents = [rng.standard_normal(tuple(b.shape)).astype(np.float32) for b in their_out]
    sum(((a * cr.tensor(g)).sum() for a, g in zip(our_out, cotangents)), cr.tensor(0.)).backward()
    sum((b * torch.from_numpy(g)).sum() for b, g in zip(their_out, cotangents)).backward()
    for x, y in zip(_flatten(tuple(i for i in our_inputs if i is not None)),
                    _flatten(tuple(i for i in their_inputs if i is not None))):
        assert_same(x.grad, y.grad, **TOL)
    our_params = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        assert_same(our_params[name].grad, p.grad, **TOL)


# --- cells -------------------------------------------------------------------------------------
CELL_CASES = [(name, kw, batch, with_h)
              for name, kw in [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}),
                               ("RNNCell", {"bias": False}), ("GRUCell", {}),
                               ("GRUCell", {"bias": False}), ("LSTMCell", {}),
                               ("LSTMCell", {"bias": False})]
              for batch in (None, 3) for with_h in (False, True)]


@pytest.mark.parametrize("name,kw,batch,with_h", CELL_CASES)
def test_cell_matches_torch(name, kw, batch, with_h):
    seed = len(name) * 7 + (batch or 0) + with_h
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    ours, theirs = _pair(name, 3, 5, **kw)
    lead = () if batch is None else (batch,)
    x = _random(rng, *lead, 3)
    h = None
    if with_h:
        h = _random(rng, *lead, 5)
        if name == "LSTMCell":
            h = (h, _random(rng, *lead, 5))
    _compare(ours, theirs, [x, h], seed)


# --- whole-sequence layers -----------------------------------------------------------------------
SEQ_CASES = [(name, kw, layers, bidir, batch_first, with_h, batched)
             for name, kw in [("RNN", {}), ("RNN", {"nonlinearity": "relu"}), ("GRU", {}),
                              ("LSTM", {})]
             for layers, bidir, batch_first, with_h, batched
             in itertools.product((1, 2), (False, True), (False, True), (False, True),
                                  (False, True))
             if batched or not batch_first]  # batch_first means nothing without a batch


@pytest.mark.parametrize("name,kw,layers,bidir,batch_first,with_h,batched", SEQ_CASES)
def test_sequence_layer_matches_torch(name, kw, layers, bidir, batch_first, with_h, batched):
    seed = 31 * layers + 7 * bidir + 3 * batch_first + 2 * with_h + batched + len(kw)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    ours, theirs = _pair(name, 3, 4, num_layers=layers, bidirectional=bidir,
                         batch_first=batch_first, **kw)
    seq, batch = 5, 2
    shape = ((batch, seq) if batch_first else (seq, batch)) if batched else (seq,)
    x = _random(rng, *shape, 3)
    h = None
    if with_h:
        h_shape = (layers * (2 if bidir else 1),) + ((batch,) if batched else ()) + (4,)
        h = _random(rng, *h_shape)
        if name == "LSTM":
            h = (h, _random(rng, *h_shape))
    _compare(ours, theirs, [x, h], seed)


def test_no_bias_and_float64():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    ours, theirs = _pair("GRU", 3, 4, num_layers=2, bias=False, dtype=torch.float64)
    ours_dtype = {n: p.dtype for n, p in ours.named_parameters()}
    assert set(ours_dtype.values()) == {cr.float64}
    x = cr.tensor(rng.standard_normal((4, 2, 3)), requires_grad=True)
    _compare(ours, theirs, [x, None], 0)


def test_dropout_off_in_eval_mode_and_active_in_training():
    torch.manual_seed(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = _pair("LSTM", 3, 4, num_layers=2, dropout=0.5)
    ours.eval()
    theirs.eval()
    x = _random(np.random.default_rng(1), 5, 2, 3)
    _compare(ours, theirs, [x, None], 1)
    ours.train()
    cr.manual_seed(0)
    trained, _ = ours(x)
    evaluated, _ = ours.eval()(x)
    assert not np.allclose(trained.detach().numpy(), evaluated.detach().numpy())


# --- structure: reprs, names, shapes, init ---------------------------------------------------
STRUCTURE_CASES = [
    ("RNNCell", (3, 4), {}), ("RNNCell", (3, 4), {"bias": False, "nonlinearity": "relu"}),
    ("GRUCell", (3, 4), {}), ("LSTMCell", (3, 4), {"bias": False}),
    ("RNN", (3, 4), {}), ("RNN", (3, 4, 2, "relu", False, True, 0.5, True), {}),
    ("RNN", (3, 4), {"nonlinearity": "relu"}),
    ("GRU", (3, 4), {"num_layers": 3, "dropout": 1}), ("GRU", (3, 4, 2, True, True), {}),
    ("LSTM", (3, 4), {"bidirectional": True, "num_layers": 2}),
    ("LSTM", (3, 4), {"bias": False, "batch_first": True}),
    ("LSTM", (3, 4), {"proj_size": 2, "num_layers": 2, "bidirectional": True}),
]


@pytest.mark.parametrize("name,args,kwargs", STRUCTURE_CASES)
def test_repr_names_shapes_and_init_match_torch(name, args, kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = getattr(torch.nn, name)(*args, **kwargs)
        ours = getattr(R, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for p in ours.parameters():
        assert p.requires_grad and p.dtype is cr.float32
    bound = 1 / np.sqrt(ours.hidden_size)
    values = np.concatenate([p.detach().numpy().ravel() for p in ours.parameters()])
    assert np.abs(values).max() <= bound
    assert np.abs(values).max() > 0.5 * bound  # drawn from the whole range, not zeros
    if not name.endswith("Cell"):
        assert ours.mode == theirs.mode
        assert ours._flat_weights_names == theirs._flat_weights_names
        assert [[tuple(p.shape) for p in w] for w in ours.all_weights] == \
            [[tuple(p.shape) for p in w] for w in theirs.all_weights]


def test_init_follows_chainrule_seed():
    cr.manual_seed(3)
    a = R.LSTM(3, 4).weight_hh_l0.detach().numpy()
    cr.manual_seed(3)
    b = R.LSTM(3, 4).weight_hh_l0.detach().numpy()
    np.testing.assert_array_equal(a, b)


# --- errors: the same exception types as PyTorch -----------------------------------------------
def _raises_like_torch(make_ours, make_theirs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as theirs:
            make_theirs()
        with pytest.raises(Exception) as ours:
            make_ours()
    assert type(ours.value) is type(theirs.value), (ours.value, theirs.value)


@pytest.mark.parametrize("name,args,kwargs", [
    ("RNN", (3, 4), {"nonlinearity": "sigmoid"}), ("RNN", (3, 4), {"dropout": 1.5}),
    ("GRU", (3, 0), {}), ("GRU", (3, 4.0), {}), ("LSTM", (3, 4), {"num_layers": 0}),
    ("GRU", (3, 4), {"proj_size": 2}), ("LSTM", (3, 4), {"proj_size": 4}),
])
def test_constructor_errors(name, args, kwargs):
    _raises_like_torch(lambda: getattr(R, name)(*args, **kwargs),
                       lambda: getattr(torch.nn, name)(*args, **kwargs))


@pytest.mark.parametrize("layers,bidir,batched,packed", [
    (1, False, True, False), (2, True, True, False), (2, False, False, False),
    (2, True, True, True)])
def test_lstm_with_projections_matches_torch(layers, bidir, batched, packed):
    seed = 5 * layers + 3 * bidir + batched + 7 * packed
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    ours, theirs = _pair("LSTM", 3, 5, num_layers=layers, bidirectional=bidir, proj_size=2)
    states = layers * (2 if bidir else 1)
    lead = (2,) if batched else ()
    h = (_random(rng, states, *lead, 2), _random(rng, states, *lead, 5))
    x = _random(rng, 4, *lead, 3)
    if not packed:
        _compare(ours, theirs, [x, h], seed)
        return
    our_out, (our_h, our_c) = ours(cr.nn.utils.rnn.pack_padded_sequence(
        x, [4, 2], enforce_sorted=False), h)
    their_out, (their_h, their_c) = theirs(torch.nn.utils.rnn.pack_padded_sequence(
        to_torch(x), [4, 2], enforce_sorted=False), tuple(to_torch(t) for t in h))
    for a, b in ((our_out.data, their_out.data), (our_h, their_h), (our_c, their_c)):
        assert_same(a, b, **TOL)


@pytest.mark.parametrize("name,shapes", [
    ("RNN", [(2, 2, 2, 3)]),             # 4-D input
    ("RNN", [(2, 2, 5)]),                # wrong input_size
    ("RNN", [(2, 2, 3), (1, 3, 4)]),     # wrong hidden shape
    ("RNN", [(2, 3), (1, 1, 4)]),        # unbatched input, batched hidden
    ("RNN", [(2, 2, 3), (1, 4)]),        # batched input, unbatched hidden
    ("RNN", [(0, 2, 3)]),                # empty sequence
    ("RNNCell", [(2, 2, 3)]), ("RNNCell", [(2, 5)]), ("GRUCell", [(2, 3), (3, 4)]),
    ("GRUCell", [(2, 3), (2, 5)]),
])
def test_forward_errors(name, shapes):
    ours, theirs = _pair(name, 3, 4)
    args = [np.zeros(s, np.float32) for s in shapes]
    _raises_like_torch(lambda: ours(*[cr.tensor(a) for a in args]),
                       lambda: theirs(*[torch.from_numpy(a) for a in args]))


def test_lstm_second_state_errors():
    ours, theirs = _pair("LSTM", 3, 4)
    x = np.zeros((2, 2, 3), np.float32)
    good, bad = np.zeros((1, 2, 4), np.float32), np.zeros((1, 3, 4), np.float32)
    _raises_like_torch(lambda: ours(cr.tensor(x), (cr.tensor(good), cr.tensor(bad))),
                       lambda: theirs(torch.from_numpy(x),
                                      (torch.from_numpy(good), torch.from_numpy(bad))))


def test_dtype_mismatch_says_how_to_fix():
    ours, theirs = _pair("GRU", 3, 4)
    x = np.zeros((2, 2, 3))
    _raises_like_torch(lambda: ours(cr.tensor(x)), lambda: theirs(torch.from_numpy(x)))
    with pytest.raises(ValueError, match=r"model\.to\(torch\.float64\)"):
        ours(cr.tensor(x))


def test_language_model_training_step_like_d2l():
    """An RNN language model as course material writes it: embed -> GRU -> Linear, one SGD
    step, the same loss before and after as PyTorch."""
    torch.manual_seed(5)
    vocab, hidden = 7, 6
    tokens = np.random.default_rng(5).integers(0, vocab, size=(3, 6))
    losses = []
    for lib, rnn_cls in ((torch, torch.nn.GRU), (cr, R.GRU)):
        lib.manual_seed(0)
        rnn = rnn_cls(vocab, hidden, batch_first=True)
        head = lib.nn.Linear(hidden, vocab)
        if lib is torch:
            # cloned: torch's state_dict shares storage with the weights the steps update
            state = {**{"rnn." + k: v.clone() for k, v in rnn.state_dict().items()},
                     **{"head." + k: v.clone() for k, v in head.state_dict().items()}}
        else:
            rnn.load_state_dict({k[4:]: from_torch(v) for k, v in state.items()
                                 if k.startswith("rnn.")})
            head.load_state_dict({k[5:]: from_torch(v) for k, v in state.items()
                                  if k.startswith("head.")})
        params = list(rnn.parameters()) + list(head.parameters())
        opt = lib.optim.SGD(params, lr=0.5)
        x = lib.nn.functional.one_hot(lib.tensor(tokens[:, :-1]), vocab).float()
        y = lib.tensor(tokens[:, 1:])
        run = []
        for _ in range(2):
            out, _ = rnn(x)
            loss = lib.nn.functional.cross_entropy(head(out).reshape(-1, vocab), y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            run.append(loss.item())
        losses.append(run)
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-5)


# --- packed sequences --------------------------------------------------------------------------
PACKED_CASES = [(name, layers, bidir, enforce_sorted, with_h)
                for name in ("RNN", "GRU", "LSTM")
                for layers, bidir, enforce_sorted, with_h
                in itertools.product((1, 2), (False, True), (False, True), (False, True))]


@pytest.mark.parametrize("name,layers,bidir,enforce_sorted,with_h", PACKED_CASES)
def test_packed_input_matches_torch(name, layers, bidir, enforce_sorted, with_h):
    """Packed output data, batch sizes, indices, final states at each sequence's own last
    step, and every gradient, as in PyTorch."""
    from chainrule.nn.utils import rnn as ours_rnn
    seed = 11 * layers + 5 * bidir + 3 * enforce_sorted + with_h + len(name)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    ours, theirs = _pair(name, 3, 4, num_layers=layers, bidirectional=bidir, batch_first=True)
    lengths = [5, 3, 3, 1] if enforce_sorted else [3, 5, 1, 3]
    x = _random(rng, 4, 5, 3)
    xt = to_torch(x)
    h = ht = None
    if with_h:
        h_shape = (layers * (2 if bidir else 1), 4, 4)
        h = _random(rng, *h_shape)
        ht = to_torch(h)
        if name == "LSTM":
            h, ht = (h, _random(rng, *h_shape)), (ht, None)
            ht = (ht[0], to_torch(h[1]))
    a = ours(ours_rnn.pack_padded_sequence(x, lengths, True, enforce_sorted), h)
    b = theirs(torch.nn.utils.rnn.pack_padded_sequence(xt, lengths, True, enforce_sorted), ht)
    assert type(a[0]) is ours_rnn.PackedSequence
    for field in ("batch_sizes", "sorted_indices", "unsorted_indices"):
        mine, theirs_field = getattr(a[0], field), getattr(b[0], field)
        assert (mine is None) == (theirs_field is None)
        if mine is not None:
            assert_same(mine, theirs_field)
    our_out = [a[0].data] + _flatten(a[1])
    their_out = [b[0].data] + _flatten(b[1])
    for p, q in zip(our_out, their_out):
        assert_same(p, q, **TOL)
    cotangents = [rng.standard_normal(tuple(q.shape)).astype(np.float32) for q in their_out]
    sum((p * cr.tensor(g)).sum() for p, g in zip(our_out, cotangents)).backward()
    sum((q * torch.from_numpy(g)).sum() for q, g in zip(their_out, cotangents)).backward()
    assert_same(x.grad, xt.grad, **TOL)
    if with_h:
        for p, q in zip(_flatten(h), _flatten(ht)):
            assert_same(p.grad, q.grad, **TOL)
    our_params = dict(ours.named_parameters())
    for pname, p in theirs.named_parameters():
        assert_same(our_params[pname].grad, p.grad, **TOL)


def test_packed_then_padded_output_like_a_course_classifier():
    from chainrule.nn.utils import rnn as ours_rnn
    torch.manual_seed(2)
    ours, theirs = _pair("LSTM", 3, 4, batch_first=True)
    x = _random(np.random.default_rng(2), 3, 4, 3)
    lengths = cr.tensor([2, 4, 3])
    out, _ = ours(ours_rnn.pack_padded_sequence(x, lengths, True, False))
    padded, got_lengths = ours_rnn.pad_packed_sequence(out, True, total_length=5)
    out_t, _ = theirs(torch.nn.utils.rnn.pack_padded_sequence(to_torch(x), to_torch(lengths),
                                                              True, False))
    padded_t, lengths_t = torch.nn.utils.rnn.pad_packed_sequence(out_t, True, total_length=5)
    assert_same(padded, padded_t, **TOL)
    assert_same(got_lengths, lengths_t)


def test_packed_input_errors_match_torch():
    from chainrule.nn.utils import rnn as ours_rnn
    ours, theirs = _pair("GRU", 3, 4)
    x = np.zeros((3, 2, 3), np.float32)
    bad_h = np.zeros((1, 3, 4), np.float32)
    _raises_like_torch(
        lambda: ours(ours_rnn.pack_padded_sequence(cr.tensor(x), [3, 2]), cr.tensor(bad_h)),
        lambda: theirs(torch.nn.utils.rnn.pack_padded_sequence(torch.from_numpy(x), [3, 2]),
                       torch.from_numpy(bad_h)))
    wrong = np.zeros((3, 2, 5), np.float32)
    _raises_like_torch(
        lambda: ours(ours_rnn.pack_padded_sequence(cr.tensor(wrong), [3, 2])),
        lambda: theirs(torch.nn.utils.rnn.pack_padded_sequence(torch.from_numpy(wrong), [3, 2])))


# --- torch.rnn_tanh, torch.gru, torch.lstm, the *_cell functions -------------------------------
def _flat_params(rng, mode, layers, directions, bias, proj=0, hidden=3, inputs=2):
    gates = {"rnn_tanh": 1, "rnn_relu": 1, "gru": 3, "lstm": 4}[mode]
    state = proj or hidden
    params = []
    for layer in range(layers):
        for _ in range(directions):
            width = inputs if layer == 0 else state * directions
            shapes = [(gates * hidden, width), (gates * hidden, state)]
            shapes += [(gates * hidden,)] * 2 if bias else []
            shapes += [(proj, hidden)] if proj else []
            params += [cr.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes]
    return params


@pytest.mark.parametrize("mode,layers,bidir,bias,packed,proj", [
    ("rnn_tanh", 2, True, True, False, 0), ("rnn_relu", 1, False, False, True, 0),
    ("gru", 2, False, True, True, 0), ("lstm", 1, True, True, False, 0),
    ("lstm", 2, True, False, True, 2)])
def test_sequence_functions_match_torch(mode, layers, bidir, bias, packed, proj):
    rng = np.random.default_rng(layers + 2 * bidir + 4 * packed)
    directions = 2 if bidir else 1
    params = _flat_params(rng, mode, layers, directions, bias, proj)
    h = [cr.tensor(rng.standard_normal((layers * directions, 2, proj or 3)), requires_grad=True)]
    if mode == "lstm":
        h.append(cr.tensor(rng.standard_normal((layers * directions, 2, 3)), requires_grad=True))
    x = cr.tensor(rng.standard_normal((4, 2, 2)), requires_grad=True)
    state = h if mode == "lstm" else h[0]
    options = (bias, layers, 0.0, False, bidir)

    def call(lib, x, state, params):
        if packed:
            batch_sizes = lib.tensor([2, 2, 1, 1])
            data = lib.cat([x[0], x[1], x[2, :1], x[3, :1]])  # lengths 4 and 2
            return getattr(lib, mode)(data, batch_sizes, state, params, *options)
        return getattr(lib, mode)(x, state, params, *options, False)

    ours = call(cr, x, state, params)
    theirs = call(torch, to_torch(x), [to_torch(t) for t in h] if mode == "lstm"
                  else to_torch(h[0]), [to_torch(p) for p in params])
    for a, b in zip(ours, theirs):
        assert_same(a, b, rtol=1e-7, atol=1e-9)

    def function(x, *rest):
        states = list(rest[:len(h)])
        return call(cr, x, states if mode == "lstm" else states[0], list(rest[len(h):]))

    assert cr.autograd.gradcheck(function, (x, *h, *params))


@pytest.mark.parametrize("name,gates,with_c", [
    ("rnn_tanh_cell", 1, False), ("rnn_relu_cell", 1, False), ("gru_cell", 3, False),
    ("lstm_cell", 4, True)])
def test_cell_functions_match_torch_and_gradcheck(name, gates, with_c):
    rng = np.random.default_rng(gates)

    def leaf(*shape):
        return cr.tensor(rng.standard_normal(shape), requires_grad=True)

    x, h, c = leaf(2, 3), leaf(2, 4), leaf(2, 4)
    weights = [leaf(gates * 4, 3), leaf(gates * 4, 4), leaf(gates * 4), leaf(gates * 4)]

    def call(lib, x, h, c, *weights):
        return getattr(lib, name)(x, (h, c) if with_c else h, *weights)

    ours = _flatten(call(cr, x, h, c, *weights))
    theirs = _flatten(call(torch, *(to_torch(t) for t in (x, h, c, *weights))))
    for a, b in zip(ours, theirs):
        assert_same(a, b, rtol=1e-7, atol=1e-9)
    assert cr.autograd.gradcheck(lambda *args: call(cr, *args), (x, h, c, *weights))
    assert cr.autograd.gradgradcheck(lambda *args: call(cr, *args), (x, h, c, *weights))


def test_bases_print_as_torch():
    assert repr(cr.nn.RNNBase("GRU", 3, 4, num_layers=2)) == repr(
        torch.nn.RNNBase("GRU", 3, 4, num_layers=2))
    assert repr(cr.nn.RNNCellBase(3, 4, True, 2)) == repr(torch.nn.RNNCellBase(3, 4, True, 2))
    with pytest.raises(ValueError, match="Unrecognized RNN mode"):
        cr.nn.RNNBase("XYZ", 3, 4)
