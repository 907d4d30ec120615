"""The torch-level functions of the earlier nn commits on this branch, against PyTorch:
activations (celu, selu, rrelu, hardshrink, threshold, prelu and in-place forms), dropout at
p=1 and at p=0.5 in distribution, pdist and the distances, the losses with PyTorch's
reduction enum (kl_div, ..., ctc_loss) and the nn.functional losses added with them, and the
embeddings (embedding, embedding_bag, embedding_renorm_).

Each one-node case: the grad_fn name, values and gradients in float32 and float64, then
gradcheck and gradgradcheck (float64); ctc_loss, which has no second derivative in
PyTorch either, gets gradcheck only.
"""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, to_torch, torch_or_skip
from nn_oracle import (
    GRAD_TOLERANCE,
    arrays_away_from_kinks,
    check_forward_mode,
    check_gradcheck_and_gradgradcheck,
    check_name_values_gradients,
    run_both,
)


def _const(lib, values, like=None):
    """A constant (not differentiated) tensor, in ``like``'s float dtype if given."""
    return lib.tensor(values, dtype=None if like is None else like.dtype)


SIGNS = [1.0, -1.0, -1.0, 1.0]
MM_TARGET = [0, 2, 1, 2]
ML_TARGET = [[2, 0, -1], [1, -1, 0], [0, 1, 2], [2, -1, 1]]
BAG_INDICES = [0, 2, 4, 1, 4, 3, 0]
BAG_OFFSETS = [0, 3, 3, 5]
WEIGHTS = [0.5, 2.0, 1.0, 0.25]  # class weights: PyTorch refuses to differentiate them
CASES = [
    # activations at torch level
    pytest.param(lambda F, lib, x: lib.celu(x, 0.7), [(3, 4)], id="celu"),
    pytest.param(lambda F, lib, x: lib.selu(x), [(3, 4)], id="selu"),
    pytest.param(lambda F, lib, x: lib.hardshrink(x, 0.4), [(3, 4)], id="hardshrink"),
    pytest.param(lambda F, lib, x: x.hardshrink(), [(3, 4)], id="Tensor.hardshrink"),
    pytest.param(lambda F, lib, x: lib.threshold(x, 0.1, -2.0), [(3, 4)], id="threshold"),
    pytest.param(lambda F, lib, x, w: lib.prelu(x, w), [(2, 3, 4), (3,)], id="prelu"),
    pytest.param(lambda F, lib, x, w: x.prelu(w), [(2, 3), (1,)], id="Tensor.prelu"),
    pytest.param(lambda F, lib, x: lib.rrelu(x, 0.1, 0.3, False), [(3, 4)], id="rrelu_eval"),
    pytest.param(lambda F, lib, x: F.rrelu(x, training=False), [(3, 4)], id="F.rrelu_eval"),
    pytest.param(lambda F, lib, x: lib.celu_(x * 1, 0.7), [(3, 4)], id="celu_"),
    pytest.param(lambda F, lib, x: lib.selu_(x * 1), [(3, 4)], id="selu_"),
    pytest.param(lambda F, lib, x: lib.threshold_(x * 1, 0.1, -2.0), [(3, 4)],
                 id="threshold_"),
    pytest.param(lambda F, lib, x: lib.rrelu_(x * 1, 0.1, 0.3, False), [(3, 4)], id="rrelu_"),
    pytest.param(lambda F, lib, x: F.elu_(x * 1, 0.5), [(3, 4)], id="F.elu_"),
    pytest.param(lambda F, lib, x: F.leaky_relu_(x * 1, 0.2), [(3, 4)], id="F.leaky_relu_"),
    pytest.param(lambda F, lib, x: F.hardtanh_(x * 1, -0.5, 0.5), [(3, 4)], id="F.hardtanh_"),
    pytest.param(lambda F, lib, x: F.selu(x * 1, inplace=True), [(3, 4)], id="F.selu_inplace"),
    pytest.param(lambda F, lib, x: F.celu(x * 1, 0.5, inplace=True), [(3, 4)],
                 id="F.celu_inplace"),
    pytest.param(lambda F, lib, x: lib.nn.RReLU(0.1, 0.2).eval()(x), [(3, 4)], id="RReLU_eval"),
    # distances
    pytest.param(lambda F, lib, a, b: lib.cosine_similarity(a, b, 1), [(3, 4), (3, 4)],
                 id="cosine_similarity"),
    # losses at torch level: reduction is PyTorch's enum (0 none, 1 mean, 2 sum)
    pytest.param(lambda F, lib, x, t: lib.kl_div(x, t.exp()), [(3, 4), (3, 4)], id="kl_div"),
    pytest.param(lambda F, lib, x, t: lib.kl_div(x, t, 2, log_target=True), [(3, 4), (3, 4)],
                 id="kl_div_log_target"),
    pytest.param(lambda F, lib, a, b: lib.cosine_embedding_loss(
        a, b, _const(lib, SIGNS, a), 0.1, 1), [(4, 3), (4, 3)], id="cosine_embedding_loss"),
    pytest.param(lambda F, lib, x: lib.hinge_embedding_loss(
        x, _const(lib, SIGNS, x), 0.5, 0), [(4,)], id="hinge_embedding_loss"),
    pytest.param(lambda F, lib, a, b: lib.margin_ranking_loss(
        a, b, _const(lib, SIGNS, a), 0.2, 2), [(4,), (4,)], id="margin_ranking_loss"),
    pytest.param(lambda F, lib, x, t: lib.poisson_nll_loss(x, t.abs(), True, True, 1e-8, 1),
                 [(3, 4), (3, 4)], id="poisson_nll_loss"),
    pytest.param(lambda F, lib, x, t: lib.poisson_nll_loss(x.abs() + 0.1, t, False, False,
                                                           1e-8, 0), [(3, 4), (3, 4)],
                 id="poisson_nll_loss_rate"),
    pytest.param(lambda F, lib, a, p, n: lib.triplet_margin_loss(a, p, n, 1.0, 2, 1e-6, True, 1),
                 [(4, 3), (4, 3), (4, 3)], id="triplet_margin_loss_swap"),
    # nn.functional losses of the same commit
    pytest.param(lambda F, lib, x, t: lib.binary_cross_entropy_with_logits(
        x, t.sigmoid(), _const(lib, WEIGHTS, x), _const(lib, WEIGHTS[::-1], x), 1),
        [(3, 4), (3, 4)], id="bce_with_logits"),
    pytest.param(lambda F, lib, a, p, n: F.triplet_margin_with_distance_loss(a, p, n),
                 [(4, 3), (4, 3), (4, 3)], id="triplet_margin_with_distance_loss"),
    # embeddings
    pytest.param(lambda F, lib, w: lib.embedding(w, _const(lib, [[0, 2], [4, 0]])), [(5, 3)],
                 id="embedding"),
    pytest.param(lambda F, lib, w: F.embedding_bag(_const(lib, BAG_INDICES), w,
                                                   _const(lib, BAG_OFFSETS), mode="sum"),
                 [(5, 3)], id="embedding_bag_sum"),
    pytest.param(lambda F, lib, w: F.embedding_bag(_const(lib, BAG_INDICES), w,
                                                   _const(lib, BAG_OFFSETS), padding_idx=4),
                 [(5, 3)], id="embedding_bag_mean_padding"),
    pytest.param(lambda F, lib, w: F.embedding_bag(_const(lib, [[0, 2, 1], [3, 3, 0]]), w,
                                                   mode="max"), [(5, 3)], id="embedding_bag_max"),
    pytest.param(lambda F, lib, w, s: F.embedding_bag(
        _const(lib, BAG_INDICES), w, _const(lib, BAG_OFFSETS + [7]), mode="sum",
        per_sample_weights=s, include_last_offset=True), [(5, 3), (7,)],
        id="embedding_bag_weighted_last_offset"),
]

# Composed of other ops where PyTorch has one node (the docstrings say so): values and
# gradients against PyTorch, gradcheck and gradgradcheck, but not the node's name.
COMPOSITE = [
    pytest.param(lambda F, lib, x: lib.pdist(x), [(5, 3)], id="pdist"),
    pytest.param(lambda F, lib, x: F.pdist(x, 1.0), [(4, 3)], id="pdist_p1"),
    pytest.param(lambda F, lib, x: lib.pdist(x, 3.0), [(4, 3)], id="pdist_p3"),
    pytest.param(lambda F, lib, a, b: lib.pairwise_distance(a, b, 1.5), [(3, 4), (3, 4)],
                 id="pairwise_distance"),
    pytest.param(lambda F, lib, x: F.multi_margin_loss(x, _const(lib, MM_TARGET)), [(4, 3)],
                 id="multi_margin_loss"),
    pytest.param(lambda F, lib, x: F.multilabel_margin_loss(x, _const(lib, ML_TARGET)),
                 [(4, 3)], id="multilabel_margin_loss"),
    pytest.param(lambda F, lib, a, p, n: F.triplet_margin_with_distance_loss(
        a, p, n, distance_function=lambda u, v: 1 - F.cosine_similarity(u, v), margin=0.5,
        swap=True, reduction="none"), [(4, 3), (4, 3), (4, 3)],
        id="triplet_margin_with_distance_loss_cosine"),
    pytest.param(lambda F, lib, x: F.multi_margin_loss(
        x, _const(lib, MM_TARGET), p=2, margin=0.7, weight=_const(lib, WEIGHTS[:3], x),
        reduction="sum"), [(4, 3)], id="multi_margin_loss_p2_weight"),
]

# scale_grad_by_freq divides each row's gradient by its count: by design not the derivative,
# so no gradcheck (PyTorch's is not either); values and gradients against PyTorch.
NOT_DERIVATIVES = [
    pytest.param(lambda F, lib, w: F.embedding(_const(lib, [[0, 2], [1, 0]]), w, padding_idx=1,
                                               scale_grad_by_freq=True), [(5, 3)],
                 id="embedding_padding_scaled"),
]


_arrays = arrays_away_from_kinks  # away from the kinks of the piecewise functions


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("fn, shapes", CASES)
def test_name_values_and_gradients_match_pytorch(fn, shapes, dtype):
    check_name_values_gradients(fn, _arrays(shapes), dtype, GRAD_TOLERANCE)


@pytest.mark.parametrize("fn, shapes", CASES)
def test_gradcheck_and_gradgradcheck(fn, shapes):
    check_gradcheck_and_gradgradcheck(fn, _arrays(shapes, seed=2))


def _values_and_gradients(fn, arrays, dtype):
    """Values, and the gradients of every input for one random cotangent, against PyTorch."""
    torch = torch_or_skip()
    out, ours, tout, theirs = run_both(fn, arrays, dtype)
    tolerance = GRAD_TOLERANCE[dtype]
    assert_same(out, tout, **tolerance)
    seed = np.random.default_rng(1).standard_normal(tuple(out.shape)).astype(dtype)
    for g, tg in zip(cr.autograd.grad(out, ours, cr.tensor(seed)),
                     torch.autograd.grad(tout, theirs, torch.from_numpy(seed))):
        assert_same(g, tg, **tolerance)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("fn, shapes", COMPOSITE + NOT_DERIVATIVES)
def test_composites_values_and_gradients_match_pytorch(fn, shapes, dtype):
    _values_and_gradients(fn, _arrays(shapes), dtype)


@pytest.mark.parametrize("fn, shapes", COMPOSITE)
def test_composites_gradcheck_and_gradgradcheck(fn, shapes):
    check_gradcheck_and_gradgradcheck(fn, _arrays(shapes, seed=2))


def test_embedding_bag_module_matches_pytorch():
    torch = torch_or_skip()
    table = _arrays([(6, 3)])[0].astype(np.float32)
    for kwargs in ({}, {"mode": "max"}, {"mode": "sum", "padding_idx": 2}):
        ours = cr.nn.EmbeddingBag.from_pretrained(cr.tensor(table), freeze=False, **kwargs)
        theirs = torch.nn.EmbeddingBag.from_pretrained(torch.from_numpy(table), freeze=False,
                                                       **kwargs)
        assert repr(ours) == repr(theirs)
        indices, offsets = [1, 2, 4, 2, 5, 0], [0, 2, 2]
        out = ours(cr.tensor(indices), cr.tensor(offsets))
        tout = theirs(torch.tensor(indices), torch.tensor(offsets))
        assert_same(out, tout)
        assert out.grad_fn.name() == tout.grad_fn.name()
        out.pow(2).sum().backward()
        tout.pow(2).sum().backward()
        assert_same(ours.weight.grad, theirs.weight.grad)
        assert_same(ours(cr.tensor([[1, 2], [0, 5]])), theirs(torch.tensor([[1, 2], [0, 5]])))

# --- ctc_loss -------------------------------------------------------------------------------
def _ctc(reduction, zero_infinity=False, concatenated=False):
    def fn(F, lib, x):
        log_probs = x.log_softmax(2)
        if concatenated:
            targets = _const(lib, [1, 2, 2, 3, 1])
        else:
            targets = _const(lib, [[1, 2, 0, 0], [2, 3, 1, 0]])
        return F.ctc_loss(log_probs, targets, _const(lib, [6, 5]), _const(lib, [2, 3]),
                          blank=0, reduction=reduction, zero_infinity=zero_infinity)
    return fn


CTC_CASES = [pytest.param(_ctc("sum"), id="sum"), pytest.param(_ctc("mean"), id="mean"),
             pytest.param(_ctc("none", concatenated=True), id="none_concatenated"),
             pytest.param(_ctc("sum", zero_infinity=True), id="zero_infinity")]


@pytest.mark.parametrize("fn", CTC_CASES)
def test_ctc_loss_matches_pytorch(fn):
    arrays = _arrays([(6, 2, 4)], seed=5)
    check_name_values_gradients(fn, arrays, "float64", GRAD_TOLERANCE)
    x = cr.tensor(arrays[0], requires_grad=True)
    assert cr.autograd.gradcheck(lambda x: fn(cr.nn.functional, cr, x), (x,))


def test_ctc_loss_impossible_alignment_and_torch_level():
    torch = torch_or_skip()
    x = np.random.default_rng(6).standard_normal((2, 1, 3))
    for zero_infinity in (False, True):
        results = []
        for lib in (cr, torch):
            log_probs = lib.tensor(x).log_softmax(2).requires_grad_()
            loss = lib.ctc_loss(log_probs, lib.tensor([[1, 1]]), [2], [2], 0, 0, zero_infinity)
            (grad,) = lib.autograd.grad(loss.sum(), log_probs)
            results.append((loss, grad))
        assert_same(results[0][0], results[1][0])
        assert_same(results[0][1], results[1][1])


# --- dropout ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["dropout", "feature_dropout", "alpha_dropout",
                                  "feature_alpha_dropout"])
def test_dropout_with_p_one_and_in_evaluation_matches_pytorch(name):
    torch = torch_or_skip()
    x = cr.tensor(_arrays([(2, 3, 4)])[0], requires_grad=True)
    tx = to_torch(x, requires_grad=True)
    ours, theirs = getattr(cr, name)(x, 1.0, True), getattr(torch, name)(tx, 1.0, True)
    assert_same(ours, theirs)
    assert ours.grad_fn.name() == theirs.grad_fn.name()
    ours.sum().backward()
    theirs.sum().backward()
    assert_same(x.grad, tx.grad)
    assert getattr(cr, name)(x, 0.5, False) is x and getattr(torch, name)(tx, 0.5, False) is tx


@pytest.mark.parametrize("name,feature", [("dropout", False), ("feature_dropout", True),
                                          ("alpha_dropout", False),
                                          ("feature_alpha_dropout", True)])
def test_dropout_in_distribution(name, feature):
    # 40,000 elements (or feature maps of 2): the fractions below are within ~4 standard
    # errors
    cr.manual_seed(0)
    alpha = "alpha" in name
    x = cr.randn(400, 50, 2) if alpha else cr.ones(400, 50, 2)
    out = getattr(cr, name)(x, 0.3, True).numpy()
    if alpha:
        # dropped elements all take one value (alpha dropout's a * alpha' + b), kept ones
        # are a * x + b; the mean and variance of a standard normal are kept
        values, counts = np.unique(out, return_counts=True)
        dropped = out == values[counts.argmax()]
        assert abs(dropped.mean() - 0.3) < 0.01
        assert abs(out.mean()) < 0.03 and abs(out.var() - 1) < 0.05
    else:
        dropped = out == 0
        assert abs(dropped.mean() - 0.3) < 0.01
        np.testing.assert_allclose(out[~dropped], 1 / 0.7, rtol=1e-6)
    # feature forms drop whole feature maps (the last dimension here), the others elements
    whole_maps = (dropped.all(axis=2) | ~dropped.any(axis=2)).mean()
    assert whole_maps == 1.0 if feature else whole_maps < 0.7


def test_alpha_dropout_layers_and_errors_match_pytorch():
    torch = torch_or_skip()
    for lib in (cr, torch):
        assert repr(lib.nn.AlphaDropout(0.2)) == "AlphaDropout(p=0.2, inplace=False)"
        assert repr(lib.nn.FeatureAlphaDropout(0.3)) == "FeatureAlphaDropout(p=0.3, inplace=False)"
        with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
            lib.nn.functional.alpha_dropout(lib.ones(2), 1.5)


# --- embedding_renorm_ and max_norm -----------------------------------------------------------
def test_embedding_max_norm_renormalises_the_rows_used_as_pytorch():
    torch = torch_or_skip()
    weight = np.random.default_rng(7).standard_normal((5, 3)) * 3
    indices = [[0, 2], [2, 4]]
    results = []
    for lib in (cr, torch):
        w = lib.tensor(weight, requires_grad=True)
        out = lib.nn.functional.embedding(lib.tensor(indices), w, max_norm=1.5, norm_type=1.0)
        (grad,) = lib.autograd.grad(out.sum(), w)
        results.append((out, w.detach(), grad))
        table = lib.tensor(weight)
        lib.embedding_renorm_(table, lib.tensor([1, 3]), 2.0, 2.0)
        results.append(table)
    for ours, theirs in zip(results[0] + (results[1],), results[2] + (results[3],)):
        assert_same(ours, theirs)


# PyTorch has no forward mode for these (its jvp raises NotImplementedError)
NO_FORWARD_AD = ("rrelu_", "embedding_bag", "pdist", "multi_margin", "multilabel_margin")


@pytest.mark.parametrize("fn, shapes", [case for case in CASES + COMPOSITE
                                        if not case.id.startswith(NO_FORWARD_AD)])
def test_forward_mode_matches_torch_func_jvp(fn, shapes):
    check_forward_mode(fn, _arrays(shapes, seed=3), _arrays(shapes, seed=4))


# --- the layers of those commits -----------------------------------------------------------
LAYER_CASES = [
    ("RReLU", (0.1, 0.3), [(3, 4)], "eval"),
    ("Softmax2d", (), [(2, 3, 4, 5)], None),
    ("Dropout3d", (0.4,), [(2, 3, 2, 2, 2)], "eval"),
    ("AlphaDropout", (0.2,), [(3, 4)], "eval"),
    ("FeatureAlphaDropout", (0.2,), [(2, 3, 4)], "eval"),
    ("MultiMarginLoss", (2, 0.5), [(4, 3)], "classes"),
    ("MultiLabelMarginLoss", (), [(4, 3)], "labels"),
    ("NLLLoss2d", (), [(2, 3, 2, 2)], "classes 2d"),
    ("TripletMarginWithDistanceLoss", (), [(4, 3), (4, 3), (4, 3)], None),
    ("CTCLoss", (), [(6, 2, 4)], "ctc"),
]


def _layer_inputs(lib, kind, xs):
    if kind == "classes":
        return [*xs, _const(lib, MM_TARGET)]
    if kind == "labels":
        return [*xs, _const(lib, ML_TARGET)]
    if kind == "classes 2d":
        return [xs[0].log_softmax(1), _const(lib, [[[0, 2], [1, 1]], [[2, 0], [0, 1]]])]
    if kind == "ctc":
        return [xs[0].log_softmax(2), _const(lib, [[1, 2, 0], [2, 3, 1]]), _const(lib, [6, 5]),
                _const(lib, [2, 3])]
    return xs


@pytest.mark.parametrize("name,args,shapes,kind", LAYER_CASES)
def test_layers_match_pytorch(name, args, shapes, kind):
    torch = torch_or_skip()
    arrays = _arrays(shapes, seed=8)
    results = []
    for lib in (cr, torch):
        layer = getattr(lib.nn, name)(*args)
        if kind == "eval":
            layer.eval()
        xs = [lib.tensor(a, requires_grad=True) for a in arrays]
        out = layer(*_layer_inputs(lib, kind, xs))
        grads = lib.autograd.grad(out.sum(), xs)
        results.append((repr(layer), out, grads))
    (text, out, grads), (their_text, their_out, their_grads) = results
    assert text == their_text
    assert_same(out, their_out)
    for g, tg in zip(grads, their_grads):
        assert_same(g, tg)


def test_rrelu_in_training_draws_slopes_between_its_bounds():
    cr.manual_seed(0)
    x = -cr.rand(2000) - 0.5
    slopes = (cr.nn.RReLU(0.1, 0.3)(x) / x).numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3
    assert abs(slopes.mean() - 0.2) < 0.005  # uniform: standard error 0.0013


def test_legacy_size_average_and_reduce_as_pytorch():
    torch = torch_or_skip()
    x, y = _arrays([(3, 4), (3, 4)], seed=9)
    for kwargs in ({"size_average": False}, {"reduce": False}, {"size_average": True,
                                                                  "reduce": True}):
        results = []
        for lib in (cr, torch):
            with pytest.warns(UserWarning, match="deprecated"):
                loss = lib.nn.functional.l1_loss(lib.tensor(x), lib.tensor(y), **kwargs)
            with pytest.warns(UserWarning, match="deprecated"):
                layer = lib.nn.SoftMarginLoss(**kwargs)
            results.append((loss, layer.reduction))
        assert_same(results[0][0], results[1][0])
        assert results[0][1] == results[1][1]


ERROR_CASES = [
    ("embedding index", lambda lib: lib.embedding(lib.ones(3, 2), lib.tensor([3]))),
    ("embedding float index", lambda lib: lib.embedding(lib.ones(3, 2), lib.tensor([1.0]))),
    ("embedding_bag 2-d offsets", lambda lib: lib.nn.functional.embedding_bag(
        lib.tensor([0, 1]), lib.ones(3, 2), lib.tensor([[0]]))),
    ("embedding_bag per_sample_weights mean", lambda lib: lib.nn.functional.embedding_bag(
        lib.tensor([0, 1]), lib.ones(3, 2), lib.tensor([0]), per_sample_weights=lib.ones(2))),
    ("pdist 3-d", lambda lib: lib.pdist(lib.ones(2, 3, 4))),
    ("pdist negative p", lambda lib: lib.pdist(lib.ones(3, 4), -1.0)),
    ("dropout p", lambda lib: lib.nn.functional.dropout(lib.ones(3), 1.5)),
    ("alpha_dropout int", lambda lib: lib.alpha_dropout(lib.ones(3, dtype=lib.int64), 0.5,
                                                         True)),
    ("prelu weight size", lambda lib: lib.prelu(lib.ones(2, 3), lib.ones(2))),
    ("celu alpha 0", lambda lib: lib.celu(lib.ones(2), 0.0)),
    ("hardshrink int", lambda lib: lib.hardshrink(lib.ones(2, dtype=lib.int64))),
    ("ctc_loss 2-d targets of another batch", lambda lib: lib.nn.functional.ctc_loss(
        lib.zeros(4, 2, 3).log_softmax(2), lib.tensor([[1, 2]]), [4, 4], [2, 2])),
    ("ctc_loss input length", lambda lib: lib.nn.functional.ctc_loss(
        lib.zeros(4, 1, 3).log_softmax(2), lib.tensor([[1, 2]]), [5], [2])),
    ("multi_margin_loss p", lambda lib: lib.nn.functional.multi_margin_loss(
        lib.ones(2, 3), lib.tensor([0, 1]), p=3)),
    ("multilabel_margin_loss shape", lambda lib: lib.nn.functional.multilabel_margin_loss(
        lib.ones(2, 3), lib.tensor([[0, 1]]))),
    ("triplet margin", lambda lib: lib.nn.functional.triplet_margin_with_distance_loss(
        lib.ones(2, 3), lib.ones(2, 3), lib.ones(2, 3), margin=0.0)),
    ("cosine_embedding_loss dims", lambda lib: lib.cosine_embedding_loss(
        lib.ones(2, 3), lib.ones(2, 3), lib.ones(2, 1), 0.0, 1)),
]


@pytest.mark.parametrize("name,call", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_errors_match_pytorch(name, call):
    torch = torch_or_skip()
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(Exception) as ours:
        call(cr)
    assert type(ours.value) is type(theirs.value), (ours.value, theirs.value)
