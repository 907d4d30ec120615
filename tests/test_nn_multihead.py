"""nn.functional.multi_head_attention_forward and what it adds to nn.MultiheadAttention
(add_bias_kv, add_zero_attn, static keys and values, the is_causal hint, merge_masks)
against PyTorch with copied weights: outputs, weights, grad_fn names, gradients, errors,
and gradcheck in float64."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, from_torch, to_torch

torch = pytest.importorskip("torch")

TOL = dict(rtol=1e-4, atol=1e-5)


def _random(rng, *shape, dtype=np.float32):
    return cr.tensor(rng.standard_normal(shape).astype(dtype), requires_grad=True)


def _twin(theirs, ours):
    ours.load_state_dict({k: from_torch(v) for k, v in theirs.state_dict().items()})
    return ours


def _compare(our_out, their_out, our_leaves, their_leaves, seed):
    """Same values and grad_fn names, then the same gradients for every leaf."""
    pairs = [(a, b) for a, b in zip(our_out, their_out) if b is not None]
    assert [a is None for a in our_out] == [b is None for b in their_out]
    for a, b in pairs:
        assert_same(a, b, **TOL)
        assert a.grad_fn.name() == b.grad_fn.name()
    rng = np.random.default_rng(seed)
    cotangents = [rng.standard_normal(tuple(b.shape)).astype(np.float32) for _, b in pairs]
    ours = sum((a * cr.tensor(g)).sum() for (a, _), g in zip(pairs, cotangents))
    theirs = sum((b * torch.from_numpy(g)).sum() for (_, b), g in zip(pairs, cotangents))
    our_grads = cr.autograd.grad(ours, our_leaves, allow_unused=True)
    their_grads = torch.autograd.grad(theirs, their_leaves, allow_unused=True)
    for a, b in zip(our_grads, their_grads):
        assert (a is None) == (b is None)
        if b is not None:
            assert_same(a, b, **TOL)


MODULE_CASES = list(itertools.product(
    [(True, False), (False, True), (True, True)],  # add_bias_kv, add_zero_attn
    ["self", "cross"], [False, True],  # batch_first
    ["none", "bool", "float"],  # masks
    [(True, True), (True, False), (False, True)]))  # need_weights, average


@pytest.mark.parametrize("extra,attention,batch_first,masks,weights", MODULE_CASES)
def test_module_with_bias_kv_and_zero_attn_matches_torch(extra, attention, batch_first, masks,
                                                         weights):
    seed = MODULE_CASES.index((extra, attention, batch_first, masks, weights))
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    N, L, E, H = 2, 3, 4, 2
    S = L if attention == "self" else 5
    kw = dict(add_bias_kv=extra[0], add_zero_attn=extra[1], batch_first=batch_first)
    theirs = torch.nn.MultiheadAttention(E, H, **kw)
    ours = _twin(theirs, cr.nn.MultiheadAttention(E, H, **kw))
    shape = (lambda n: (N, n, E)) if batch_first else (lambda n: (n, N, E))
    q = _random(rng, *shape(L))
    k = q if attention == "self" else _random(rng, *shape(S))
    v = k  # self-attention: one tensor; cross: key is value, as in a decoder
    attn_mask = key_padding_mask = None
    if masks != "none":
        blocked = rng.random((L, S)) < 0.4
        blocked[:, 0] = False
        pad = np.zeros((N, S), dtype=bool)
        pad[1, -1] = True
        if masks == "bool":
            attn_mask, key_padding_mask = cr.tensor(blocked), cr.tensor(pad)
        else:
            attn_mask = cr.tensor(np.where(blocked, -1e4, 0.0).astype(np.float32))
            key_padding_mask = cr.tensor(np.where(pad, -1e4, 0.0).astype(np.float32))
    need, average = weights
    options = dict(need_weights=need, average_attn_weights=average)
    tq = to_torch(q, requires_grad=True)
    tk = tq if attention == "self" else to_torch(k, requires_grad=True)
    our_out = ours(q, k, v, key_padding_mask=key_padding_mask, attn_mask=attn_mask, **options)
    their_out = theirs(tq, tk, tk, key_padding_mask=None if key_padding_mask is None
                       else to_torch(key_padding_mask),
                       attn_mask=None if attn_mask is None else to_torch(attn_mask), **options)
    leaves = [q] + ([] if attention == "self" else [k]) + [p for _, p in ours.named_parameters()]
    their_leaves = [tq] + ([] if attention == "self" else [tk]) + list(theirs.parameters())
    _compare(our_out, their_out, leaves, their_leaves, seed)


def test_bias_kv_parameters_and_init_match_torch():
    ours = cr.nn.MultiheadAttention(6, 2, add_bias_kv=True, add_zero_attn=True)
    theirs = torch.nn.MultiheadAttention(6, 2, add_bias_kv=True, add_zero_attn=True)
    assert ([(n, tuple(p.shape)) for n, p in ours.named_parameters()]
            == [(n, tuple(p.shape)) for n, p in theirs.named_parameters()])
    assert ours.add_zero_attn and repr(ours) == repr(theirs)
    # xavier_normal_ on (1, 1, E): fan_in = E, fan_out = E, std = sqrt(2 / (2 E))
    cr.manual_seed(0)
    draws = np.concatenate([cr.nn.MultiheadAttention(64, 2, add_bias_kv=True).bias_k
                            .detach().numpy().ravel() for _ in range(20)])
    assert abs(draws.std() - (1 / 64) ** 0.5) < 0.02


def _functional_arguments(rng, dtype=np.float32, separate=False, N=2, L=3, S=4, E=4):
    """Random inputs and weights for multi_head_attention_forward (heads: 2)."""
    def leaf(*shape):
        return _random(rng, *shape, dtype=dtype)

    kdim = 3 if separate else E
    arguments = dict(query=leaf(L, N, E), key=leaf(S, N, kdim), value=leaf(S, N, kdim),
                     in_proj_bias=leaf(3 * E), out_proj_weight=leaf(E, E),
                     out_proj_bias=leaf(E))
    if separate:
        arguments.update(q_proj_weight=leaf(E, E), k_proj_weight=leaf(E, kdim),
                         v_proj_weight=leaf(E, kdim))
    else:
        arguments["in_proj_weight"] = leaf(3 * E, E)
    return arguments


def _call(lib, arguments, **options):
    args = dict(arguments)
    query, key, value = args.pop("query"), args.pop("key"), args.pop("value")
    separate = "q_proj_weight" in args
    return lib.nn.functional.multi_head_attention_forward(
        query, key, value, query.shape[-1], 2, args.pop("in_proj_weight", None),
        args.pop("in_proj_bias"), options.pop("bias_k", None), options.pop("bias_v", None),
        options.pop("add_zero_attn", False), 0.0, args.pop("out_proj_weight"),
        args.pop("out_proj_bias"), use_separate_proj_weight=separate, **args, **options)


def _torch_arguments(arguments):
    return {k: to_torch(v, requires_grad=True) for k, v in arguments.items()}


FUNCTIONAL_CASES = [
    ("separate", {}), ("static", {}), ("causal hint", {"need_weights": False}),
    ("causal hint", {"need_weights": True}), ("3-D mask", {"average_attn_weights": False}),
    ("unbatched", {}), ("unbatched", {"need_weights": False}), ("bias", {"add_zero_attn": True}),
]


@pytest.mark.parametrize("case,options", FUNCTIONAL_CASES)
def test_functional_matches_torch(case, options):
    seed = FUNCTIONAL_CASES.index((case, options))
    rng = np.random.default_rng(seed)
    arguments = _functional_arguments(rng, separate=case == "separate",
                                      N=1 if case == "unbatched" else 2)
    if case == "unbatched":
        for name in ("query", "key", "value"):
            arguments[name] = arguments[name][:, 0].detach().requires_grad_()
    if case == "static":
        arguments["static_k"] = _random(rng, 4, 5, 2)  # (N * heads, S', head_dim)
        arguments["static_v"] = _random(rng, 4, 5, 2)
    if case == "causal hint":
        arguments["key"], arguments["value"] = (_random(rng, 3, 2, 4) for _ in range(2))
        options = {**options, "is_causal": True,
                   "attn_mask": cr.ones(3, 3, dtype=cr.bool).triu(1)}
    if case == "3-D mask":
        options = {**options, "attn_mask": _random(rng, 4, 3, 4).detach()}
    if case == "bias":
        options = {**options, "bias_k": _random(rng, 1, 1, 4), "bias_v": _random(rng, 1, 1, 4),
                   "key_padding_mask": cr.tensor([[False] * 3 + [True], [False] * 4])}
    their_arguments = _torch_arguments(arguments)
    their_options = {k: to_torch(v, requires_grad=v.requires_grad) if isinstance(v, cr.Tensor)
                     else v for k, v in options.items()}
    ours = _call(cr, arguments, **options)
    theirs = _call(torch, their_arguments, **their_options)
    leaves = list(arguments.values()) + [v for v in options.values()
                                         if isinstance(v, cr.Tensor) and v.requires_grad]
    their_leaves = list(their_arguments.values()) + [
        v for v in their_options.values() if isinstance(v, torch.Tensor) and v.requires_grad]
    _compare(ours, theirs, leaves, their_leaves, seed)


@pytest.mark.parametrize("need_weights", [True, False])
def test_gradcheck_in_float64(need_weights):
    rng = np.random.default_rng(7)
    arguments = _functional_arguments(rng, dtype=np.float64, N=1, L=2, S=3)
    bias_k, bias_v = _random(rng, 1, 1, 4, dtype=np.float64), _random(rng, 1, 1, 4,
                                                                       dtype=np.float64)
    names = list(arguments)

    def function(*tensors):
        out = _call(cr, dict(zip(names, tensors[:-2])), bias_k=tensors[-2], bias_v=tensors[-1],
                    add_zero_attn=True, need_weights=need_weights)
        return out if need_weights else out[0]

    inputs = (*arguments.values(), bias_k, bias_v)
    assert cr.autograd.gradcheck(function, inputs)
    assert cr.autograd.gradgradcheck(function, inputs)


ERROR_CASES = [
    ("4-D query", lambda a: {**a, "query": a["query"].unsqueeze(0)}, {}),
    ("2-D key", lambda a: {**a, "key": a["key"][:, 0]}, {}),
    ("key/value", lambda a: {**a, "value": a["value"][:3]}, {}),
    ("1-D attn_mask", lambda a: a, {"attn_mask": "ones 4"}),
    ("wrong 2-D attn_mask", lambda a: a, {"attn_mask": "ones 2 2"}),
    ("wrong 3-D attn_mask", lambda a: a, {"attn_mask": "ones 3 3 4"}),
    ("int mask", lambda a: a, {"key_padding_mask": "int 2 4"}),
    ("padding size", lambda a: a, {"key_padding_mask": "bool 2 3"}),
    ("causal without mask", lambda a: a, {"is_causal": True}),
    ("bias_k only", lambda a: a, {"bias_k": "ones 1 1 4"}),
]


@pytest.mark.parametrize("case,change,options", ERROR_CASES)
def test_errors_match_torch(case, change, options):
    arguments = change(_functional_arguments(np.random.default_rng(0)))

    def made(lib, spec):
        if not isinstance(spec, str):
            return spec
        kind, *shape = spec.split()
        dtype = {"ones": lib.float32, "int": lib.int64, "bool": lib.bool}[kind]
        return lib.ones(*map(int, shape), dtype=dtype) if kind != "bool" else lib.zeros(
            *map(int, shape), dtype=dtype)

    with pytest.raises((AssertionError, RuntimeError)) as theirs:
        _call(torch, _torch_arguments(arguments),
              **{k: made(torch, v) for k, v in options.items()})
    with pytest.raises(theirs.type) as ours:
        _call(cr, arguments, **{k: made(cr, v) for k, v in options.items()})
    assert str(ours.value).replace("chainrule", "torch") == str(theirs.value)


def test_merge_masks_matches_torch():
    ours, theirs = cr.nn.MultiheadAttention(4, 2), torch.nn.MultiheadAttention(4, 2)
    rng = np.random.default_rng(3)
    query = cr.tensor(rng.standard_normal((2, 3, 4)).astype(np.float32))
    attn = cr.tensor(rng.standard_normal((3, 3)).astype(np.float32))
    attn3 = cr.tensor(rng.standard_normal((4, 3, 3)).astype(np.float32))
    pad = cr.tensor(rng.standard_normal((2, 3)).astype(np.float32))
    for masks in [(None, None), (None, pad), (attn, None), (attn, pad), (attn3, pad)]:
        mask, kind = ours.merge_masks(*masks, query)
        their_mask, their_kind = theirs.merge_masks(
            *(None if m is None else to_torch(m) for m in masks), to_torch(query))
        assert kind == their_kind
        assert (mask is None) == (their_mask is None)
        if mask is not None:
            assert_same(mask, their_mask)
