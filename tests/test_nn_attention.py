"""Attention layers against PyTorch: same weights in, same outputs, weights and gradients out."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, from_torch, to_torch

torch = pytest.importorskip("torch")

TOL = dict(rtol=1e-4, atol=1e-5)


def _random(rng, *shape):
    return cr.tensor(rng.standard_normal(shape).astype(np.float32), requires_grad=True)


def _pair(theirs, ours):
    """Load torch's weights into ours; both in eval mode (dropout off)."""
    ours.load_state_dict({k: from_torch(v) for k, v in theirs.state_dict().items()})
    return ours.eval(), theirs.eval()


def _mask(t):
    return None if t is None else to_torch(t)


def _backprop_compare(our_out, their_out, our_inputs, their_inputs, ours, theirs, seed):
    rng = np.random.default_rng(seed)
    pairs = [(a, b) for a, b in zip(our_out, their_out) if b is not None]
    for a, b in pairs:
        assert_same(a, b, **TOL)
    cots = [rng.standard_normal(tuple(b.shape)).astype(np.float32) for _, b in pairs]
    sum(((a * cr.tensor(g)).sum() for (a, _), g in zip(pairs, cots)), cr.tensor(0.)).backward()
    sum((b * torch.from_numpy(g)).sum() for (_, b), g in zip(pairs, cots)).backward()
    for x, y in zip(our_inputs, their_inputs):
        assert_same(x.grad, y.grad, **TOL)
    if ours is not None:
        our_params = dict(ours.named_parameters())
        their_params = list(theirs.named_parameters())
        assert [n for n, _ in their_params] == list(our_params)
        for name, p in their_params:
            assert_same(our_params[name].grad, p.grad, **TOL)


# --- scaled_dot_product_attention ----------------------------------------------------------
SDPA_CASES = list(itertools.product(["none", "bool", "float", "causal"], [None, 0.3],
                                    [False, True]))


@pytest.mark.parametrize("mask,scale,gqa", SDPA_CASES)
def test_sdpa_matches_torch(mask, scale, gqa):
    seed = SDPA_CASES.index((mask, scale, gqa))
    rng = np.random.default_rng(seed)
    kv_heads = 2 if gqa else 4
    q, k, v = _random(rng, 2, 4, 3, 5), _random(rng, 2, kv_heads, 6, 5), \
        _random(rng, 2, kv_heads, 6, 7)
    attn_mask = None
    if mask == "bool":
        keep = rng.random((3, 6)) < 0.6
        keep[:, 0] = True  # no fully masked row (torch's kernels disagree there)
        attn_mask = cr.tensor(keep)
    elif mask == "float":
        attn_mask = cr.tensor(rng.standard_normal((2, 1, 3, 6)).astype(np.float32))
    if mask == "causal":
        q, k = _random(rng, 2, 4, 6, 5), _random(rng, 2, kv_heads, 6, 5)
    tq, tk, tv = (to_torch(t, requires_grad=True) for t in (q, k, v))
    kw = dict(attn_mask=attn_mask, is_causal=mask == "causal", scale=scale, enable_gqa=gqa)
    ours = cr.nn.functional.scaled_dot_product_attention(q, k, v, **kw)
    theirs = torch.nn.functional.scaled_dot_product_attention(
        tq, tk, tv, **{**kw, "attn_mask": _mask(attn_mask)})
    _backprop_compare([ours], [theirs], [q, k, v], [tq, tk, tv], None, None, seed)


def test_sdpa_mask_and_causal_is_an_error():
    x = cr.randn(1, 2, 3)
    with pytest.raises(RuntimeError):
        cr.nn.functional.scaled_dot_product_attention(x, x, x, attn_mask=cr.ones(2, 2),
                                                      is_causal=True)
    with pytest.raises(RuntimeError):
        torch.nn.functional.scaled_dot_product_attention(
            to_torch(x), to_torch(x), to_torch(x), attn_mask=torch.ones(2, 2), is_causal=True)


# --- MultiheadAttention -----------------------------------------------------------------------
MHA_CASES = list(itertools.product([False, True], ["none", "bool", "float", "3d"],
                                   ["none", "bool", "float"], [(True, True), (True, False),
                                                               (False, True)]))


@pytest.mark.parametrize("batch_first,attn,kpm,weights", MHA_CASES)
def test_mha_matches_torch(batch_first, attn, kpm, weights):
    seed = MHA_CASES.index((batch_first, attn, kpm, weights))
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    N, L, S, E, H = 2, 3, 4, 6, 2
    ours, theirs = _pair(torch.nn.MultiheadAttention(E, H, batch_first=batch_first),
                         cr.nn.MultiheadAttention(E, H, batch_first=batch_first))
    shape = (lambda n: (N, n, E)) if batch_first else (lambda n: (n, N, E))
    q, k, v = _random(rng, *shape(L)), _random(rng, *shape(S)), _random(rng, *shape(S))
    blocked = rng.random((L, S)) < 0.4
    blocked[:, 0] = False  # keep one key per row
    attn_mask = {"none": None, "bool": cr.tensor(blocked),
                 "float": cr.tensor(rng.standard_normal((L, S)).astype(np.float32)),
                 "3d": cr.tensor(rng.standard_normal((N * H, L, S)).astype(np.float32))}[attn]
    pad = np.zeros((N, S), dtype=bool)
    pad[0, -1] = pad[1, -2:] = True
    key_padding_mask = {"none": None, "bool": cr.tensor(pad),
                        "float": cr.tensor(np.where(pad, -1e4, 0.0).astype(np.float32))}[kpm]
    need, average = weights
    tq, tk, tv = (to_torch(t, requires_grad=True) for t in (q, k, v))
    our_out = ours(q, k, v, key_padding_mask=key_padding_mask, need_weights=need,
                   attn_mask=attn_mask, average_attn_weights=average)
    their_out = theirs(tq, tk, tv, key_padding_mask=_mask(key_padding_mask), need_weights=need,
                       attn_mask=_mask(attn_mask), average_attn_weights=average)
    assert (our_out[1] is None) == (their_out[1] is None)
    _backprop_compare(our_out, their_out, [q, k, v], [tq, tk, tv], ours, theirs, seed)


@pytest.mark.parametrize("bias,kdim,vdim,unbatched", [(True, 3, 5, False), (False, None, None,
                                                                            False),
                                                      (True, 4, None, True),
                                                      (True, None, None, True)])
def test_mha_kdim_vdim_bias_unbatched(bias, kdim, vdim, unbatched):
    torch.manual_seed(1)
    rng = np.random.default_rng(1)
    theirs = torch.nn.MultiheadAttention(6, 3, bias=bias, kdim=kdim, vdim=vdim)
    ours, theirs = _pair(theirs, cr.nn.MultiheadAttention(6, 3, bias=bias, kdim=kdim, vdim=vdim))
    lead = () if unbatched else (2,)
    q = _random(rng, 3, *lead, 6)
    k = _random(rng, 4, *lead, kdim or 6)
    v = _random(rng, 4, *lead, vdim or 6)
    tq, tk, tv = (to_torch(t, requires_grad=True) for t in (q, k, v))
    _backprop_compare(ours(q, k, v), theirs(tq, tk, tv), [q, k, v], [tq, tk, tv], ours, theirs,
                      1)


@pytest.mark.parametrize("kw", [{}, {"kdim": 3, "vdim": 5}, {"bias": False}])
def test_mha_parameters_repr_and_init(kw):
    ours, theirs = cr.nn.MultiheadAttention(8, 2, **kw), torch.nn.MultiheadAttention(8, 2, **kw)
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    assert repr(ours) == repr(theirs)
    if "bias" not in kw:
        assert not ours.in_proj_bias.detach().numpy().any()
        assert not ours.out_proj.bias.detach().numpy().any()
    weight = ours.in_proj_weight if not kw.get("kdim") else ours.k_proj_weight
    fan_in, fan_out = weight.shape[1], weight.shape[0]  # in_proj: the stacked (3E, E), as torch
    bound = (6.0 / (fan_in + fan_out)) ** 0.5
    w = weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > bound / 2


def test_mha_is_causal_needs_mask():
    mha = cr.nn.MultiheadAttention(4, 2)
    x = cr.randn(3, 1, 4)
    with pytest.raises(RuntimeError):
        mha(x, x, x, is_causal=True)


# --- Transformer layers -----------------------------------------------------------------------
LAYER_CASES = list(itertools.product([False, True], [False, True], ["relu", "gelu"],
                                     [False, True]))


def _layer_masks(rng, L, S, N, masked):
    if not masked:
        return None, None
    causal = cr.nn.Transformer.generate_square_subsequent_mask(L)
    pad = np.zeros((N, S), dtype=bool)
    pad[1, -1] = True
    return causal, cr.tensor(pad)


@pytest.mark.parametrize("batch_first,norm_first,activation,masked", LAYER_CASES)
def test_encoder_layer_matches_torch(batch_first, norm_first, activation, masked):
    seed = LAYER_CASES.index((batch_first, norm_first, activation, masked))
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    kw = dict(dim_feedforward=10, activation=activation, batch_first=batch_first,
              norm_first=norm_first, layer_norm_eps=1e-4)
    ours, theirs = _pair(torch.nn.TransformerEncoderLayer(6, 2, **kw),
                         cr.nn.TransformerEncoderLayer(6, 2, **kw))
    assert repr(ours) == repr(theirs)
    N, L = 2, 4
    x = _random(rng, *((N, L, 6) if batch_first else (L, N, 6)))
    mask, pad = _layer_masks(rng, L, L, N, masked)
    tx = to_torch(x, requires_grad=True)
    our_out = ours(x, src_mask=mask, src_key_padding_mask=pad)
    their_out = theirs(tx, src_mask=_mask(mask), src_key_padding_mask=_mask(pad))
    _backprop_compare([our_out], [their_out], [x], [tx], ours, theirs, seed)


@pytest.mark.parametrize("batch_first,norm_first,activation,masked", LAYER_CASES)
def test_decoder_layer_matches_torch(batch_first, norm_first, activation, masked):
    seed = LAYER_CASES.index((batch_first, norm_first, activation, masked))
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    kw = dict(dim_feedforward=10, activation=activation, batch_first=batch_first,
              norm_first=norm_first)
    ours, theirs = _pair(torch.nn.TransformerDecoderLayer(6, 2, **kw),
                         cr.nn.TransformerDecoderLayer(6, 2, **kw))
    assert repr(ours) == repr(theirs)
    N, L, S = 2, 3, 5
    x = _random(rng, *((N, L, 6) if batch_first else (L, N, 6)))
    m = _random(rng, *((N, S, 6) if batch_first else (S, N, 6)))
    tgt_mask, _ = _layer_masks(rng, L, L, N, masked)
    _, mem_pad = _layer_masks(rng, L, S, N, masked)
    tx, tm = to_torch(x, requires_grad=True), to_torch(m, requires_grad=True)
    our_out = ours(x, m, tgt_mask=tgt_mask, memory_key_padding_mask=mem_pad)
    their_out = theirs(tx, tm, tgt_mask=_mask(tgt_mask), memory_key_padding_mask=_mask(mem_pad))
    _backprop_compare([our_out], [their_out], [x, m], [tx, tm], ours, theirs, seed)


def test_callable_activation_and_stacks_match_torch():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    kw = dict(dim_feedforward=8, batch_first=True)
    their_enc = torch.nn.TransformerEncoder(
        torch.nn.TransformerEncoderLayer(4, 2, activation=torch.nn.functional.silu, **kw), 2,
        norm=torch.nn.LayerNorm(4), enable_nested_tensor=False)
    our_enc = cr.nn.TransformerEncoder(
        cr.nn.TransformerEncoderLayer(4, 2, activation=cr.nn.functional.silu, **kw), 2,
        norm=cr.nn.LayerNorm(4), enable_nested_tensor=False)
    their_dec = torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(4, 2, **kw), 2)
    our_dec = cr.nn.TransformerDecoder(cr.nn.TransformerDecoderLayer(4, 2, **kw), 2)
    our_enc, their_enc = _pair(their_enc, our_enc)
    our_dec, their_dec = _pair(their_dec, our_dec)
    # torch prints repeated ModuleList entries as "(0-1): 2 x ..."; chainrule's ModuleList
    # does not collapse them yet, so compare the layers one by one
    for a, b in [(our_enc, their_enc), (our_dec, their_dec)]:
        assert [repr(m) for m in a.layers] == [repr(m) for m in b.layers]
    assert repr(our_enc.norm) == repr(their_enc.norm)
    src, tgt = _random(rng, 2, 5, 4), _random(rng, 2, 3, 4)
    ts, tt = to_torch(src, requires_grad=True), to_torch(tgt, requires_grad=True)
    mask = cr.nn.Transformer.generate_square_subsequent_mask(3)
    our_out = our_dec(tgt, our_enc(src), tgt_mask=mask, tgt_is_causal=True)
    their_out = their_dec(tt, their_enc(ts), tgt_mask=_mask(mask), tgt_is_causal=True)
    _backprop_compare([our_out], [their_out], [src, tgt], [ts, tt], our_dec, their_dec, 0)
    our_params = dict(our_enc.named_parameters())
    for name, p in their_enc.named_parameters():
        assert_same(our_params[name].grad, p.grad, **TOL)


@pytest.mark.parametrize("batch_first,norm_first", [(False, False), (True, True)])
def test_transformer_matches_torch(batch_first, norm_first):
    torch.manual_seed(3)
    rng = np.random.default_rng(3)
    kw = dict(d_model=4, nhead=2, num_encoder_layers=2, num_decoder_layers=1,
              dim_feedforward=8, batch_first=batch_first, norm_first=norm_first)
    ours, theirs = _pair(torch.nn.Transformer(**kw), cr.nn.Transformer(**kw))
    for a, b in [(ours.encoder, theirs.encoder), (ours.decoder, theirs.decoder)]:
        assert [repr(m) for m in a.layers] == [repr(m) for m in b.layers]  # see above
        assert repr(a.norm) == repr(b.norm)
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    N, S, L = 2, 5, 3
    src = _random(rng, *((N, S, 4) if batch_first else (S, N, 4)))
    tgt = _random(rng, *((N, L, 4) if batch_first else (L, N, 4)))
    ts, tt = to_torch(src, requires_grad=True), to_torch(tgt, requires_grad=True)
    mask = cr.nn.Transformer.generate_square_subsequent_mask(L)
    pad = np.zeros((N, S), dtype=bool)
    pad[0, -2:] = True
    our_out = ours(src, tgt, tgt_mask=mask, src_key_padding_mask=cr.tensor(pad),
                   memory_key_padding_mask=cr.tensor(pad))
    their_out = theirs(ts, tt, tgt_mask=_mask(mask), src_key_padding_mask=torch.tensor(pad),
                       memory_key_padding_mask=torch.tensor(pad))
    _backprop_compare([our_out], [their_out], [src, tgt], [ts, tt], ours, theirs, 3)


def test_square_subsequent_mask_matches_torch():
    assert_same(cr.nn.Transformer.generate_square_subsequent_mask(4),
                torch.nn.Transformer.generate_square_subsequent_mask(4))


def test_exports():
    for name in ("MultiheadAttention", "TransformerEncoderLayer", "TransformerEncoder",
                 "TransformerDecoderLayer", "TransformerDecoder", "Transformer"):
        assert name in cr.nn.__all__ and hasattr(torch.nn, name)
    assert "scaled_dot_product_attention" in cr.nn.functional.__all__


def test_stacked_layers_print_as_pytorch_prints_them():
    # ModuleList collapses runs of identical layers: "(0-1): 2 x TransformerEncoderLayer(...)"
    for build in (
        lambda m: m.nn.ModuleList([m.nn.Linear(2, 2), m.nn.Linear(2, 2), m.nn.ReLU(),
                                   m.nn.Linear(2, 2)]),
        lambda m: m.nn.ModuleList([]),
        lambda m: m.nn.TransformerEncoder(m.nn.TransformerEncoderLayer(8, 2), num_layers=2),
        lambda m: m.nn.Transformer(d_model=8, nhead=2, num_encoder_layers=2,
                                   num_decoder_layers=1, dim_feedforward=16),
    ):
        assert repr(build(cr)) == repr(build(torch))
