"""Recurrent networks as ``torch.*`` has them: ``rnn_tanh``, ``rnn_relu``, ``gru``, ``lstm``
over whole sequences (every layer and direction), and one step of each cell
(``rnn_tanh_cell``, ``rnn_relu_cell``, ``gru_cell``, ``lstm_cell``).

The weights come as PyTorch's flat list ``params``: per layer, per direction,
``w_ih, w_hh`` then ``b_ih, b_hh`` (with ``has_biases``), then ``w_hr`` for an
LSTM with projections.  Each sequence function has PyTorch's two forms:
``(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
batch_first)`` over a padded ``(L, N, input_size)`` batch, and ``(data,
batch_sizes, hx, params, has_biases, num_layers, dropout, train,
bidirectional)`` over a packed one.  ``nn.RNN``, ``nn.GRU``, ``nn.LSTM`` and
the cells call these, as PyTorch's do.

Everything is composed from differentiable tensor ops (``addmm``/``matmul``,
``sigmoid``, ``tanh``, ``chunk``, ``stack``, ``cat``, dropout), so backward
needs no rules of its own.  Gate layouts (rows of ``w_ih``/``w_hh``):

- GRU ``(r, z, n)``: ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``,
  ``h' = (1 - z) * n + z * h``;
- LSTM ``(i, f, g, o)``: ``c' = f * c + i * g``, ``h' = o * tanh(c')`` (times
  ``w_hr``, transposed, with projections).
"""
from __future__ import annotations

from ..tensor import Tensor
from .dropout import dropout as _dropout
from .joining import cat, stack
from .matrix import addmm, matmul

__all__ = ["rnn_tanh", "rnn_relu", "gru", "lstm", "rnn_tanh_cell", "rnn_relu_cell", "gru_cell",
           "lstm_cell"]


def _linear(x: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
    """``x @ weight.T + bias``: one AddmmBackward0 node for rows with a bias, as in PyTorch."""
    if bias is not None and x.ndim == 2:
        return addmm(bias, x, weight.t())
    out = matmul(x, weight.t())
    return out if bias is None else out + bias


# --- one time step: ``gi`` is the input projection W_ih x + b_ih, already computed ---------
def _tanh_step(gi: Tensor, h: Tensor, weights: tuple) -> Tensor:
    return (gi + _linear(h, weights[1], weights[3])).tanh()


def _relu_step(gi: Tensor, h: Tensor, weights: tuple) -> Tensor:
    return (gi + _linear(h, weights[1], weights[3])).relu()


def _gru_step(gi: Tensor, h: Tensor, weights: tuple) -> Tensor:
    i_r, i_z, i_n = gi.chunk(3, -1)
    h_r, h_z, h_n = _linear(h, weights[1], weights[3]).chunk(3, -1)
    r = (i_r + h_r).sigmoid()
    z = (i_z + h_z).sigmoid()
    n = (i_n + r * h_n).tanh()  # PyTorch's GRU: the reset gate scales W_hn h + b_hn
    return (1 - z) * n + z * h


def _lstm_step(gi: Tensor, state: tuple, weights: tuple) -> tuple:
    h, c = state
    i, f, g, o = (gi + _linear(h, weights[1], weights[3])).chunk(4, -1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h = o.sigmoid() * c.tanh()
    return (h if weights[4] is None else matmul(h, weights[4].t())), c


_STEPS = {"RNN_TANH": _tanh_step, "RNN_RELU": _relu_step, "GRU": _gru_step,
          "LSTM": _lstm_step}


def _layer_weights(params, has_biases: bool, num_layers: int, directions: int) -> list:
    """``params`` as ``(w_ih, w_hh, b_ih, b_hh, w_hr)`` per layer and direction (None where
    absent)."""
    params = list(params)
    count = len(params) // (num_layers * directions)
    if count * num_layers * directions != len(params) or count not in (2, 3, 4, 5):
        raise RuntimeError(f"got {len(params)} parameters for {num_layers} layer(s) and "
                           f"{directions} direction(s). Fix: pass w_ih, w_hh (b_ih, b_hh with "
                           "has_biases, then w_hr with projections) per layer and direction.")
    out = []
    for start in range(0, len(params), count):
        group = params[start:start + count]
        w_ih, w_hh = group[0], group[1]
        b_ih, b_hh = (group[2], group[3]) if has_biases else (None, None)
        w_hr = group[-1] if count == (5 if has_biases else 3) else None
        out.append((w_ih, w_hh, b_ih, b_hh, w_hr))
    return out


def _run_direction(step, x: Tensor, state, weights: tuple, reverse: bool):
    """One layer in one direction over the whole padded sequence ``x`` of shape (L, N, in)."""
    # the input projections of all time steps in one matmul rather than L small ones
    projected = _linear(x, weights[0], weights[2]).unbind(0)
    outputs = [None] * len(projected)
    for t in (reversed(range(len(projected))) if reverse else range(len(projected))):
        state = step(projected[t], state, weights)
        outputs[t] = state[0] if isinstance(state, tuple) else state
    return stack(outputs), state


def _run_packed_direction(step, data: Tensor, sizes: list, state, weights: tuple,
                          reverse: bool):
    """One layer in one direction over packed rows ``data``; ``sizes`` are the batch sizes.
    Sequences are sorted by decreasing length, so the ones running at step ``t`` are the
    first ``sizes[t]``: the others keep their state, which leaves each sequence's final
    state at its own last step (forwards) or starts it from ``hx`` at its own last step
    (backwards)."""
    projected = _linear(data, weights[0], weights[2])
    starts = [sum(sizes[:t]) for t in range(len(sizes))]
    outputs = [None] * len(sizes)
    lstm = isinstance(state, tuple)
    for t in (reversed(range(len(sizes))) if reverse else range(len(sizes))):
        size = sizes[t]
        gi = projected[starts[t]:starts[t] + size]
        running = tuple(s[:size] for s in state) if lstm else state[:size]
        new = step(gi, running, weights)
        outputs[t] = new[0] if lstm else new
        if size < sizes[0]:
            new = (tuple(cat([n, s[size:]]) for n, s in zip(new, state)) if lstm
                   else cat([new, state[size:]]))
        state = new
    return cat(outputs), state


def _recurrent(mode: str, input: Tensor, batch_sizes, hx: list, params, has_biases: bool,
               num_layers: int, dropout: float, train: bool, bidirectional: bool,
               batch_first: bool) -> tuple:
    """Every layer, each direction, over a padded batch (``batch_sizes`` None) or a packed
    one; returns the last layer's output and the final states, stacked as ``h_n``
    (and ``c_n``) of shape (num_layers * directions, N, ...)."""
    directions = 2 if bidirectional else 1
    weights = _layer_weights(params, has_biases, num_layers, directions)
    step = _STEPS[mode]
    if batch_sizes is None:
        x = input.transpose(0, 1) if batch_first else input
    else:
        x, sizes = input, [int(b) for b in batch_sizes._data]
    states = [s.unbind(0) for s in hx]
    finals = []
    for layer in range(num_layers):
        outputs = []
        for direction in range(directions):
            index = layer * directions + direction
            state = tuple(s[index] for s in states)
            state = state if mode == "LSTM" else state[0]
            reverse = direction == 1
            if batch_sizes is None:
                out, state = _run_direction(step, x, state, weights[index], reverse)
            else:
                out, state = _run_packed_direction(step, x, sizes, state, weights[index],
                                                   reverse)
            outputs.append(out)
            finals.append(state if mode == "LSTM" else (state,))
        x = outputs[0] if directions == 1 else cat(outputs, -1)
        if dropout and train and layer < num_layers - 1:
            x = _dropout(x, dropout, True)
    if batch_sizes is None and batch_first:
        x = x.transpose(0, 1)
    return (x, *[stack([f[k] for f in finals]) for k in range(len(finals[0]))])


def _sequence(mode: str, input: Tensor, args: tuple) -> tuple:
    """A sequence function's two forms, told apart by where the list of ``params`` (for
    ``lstm``: the list ``hx``) stands: one place later in the packed form, whose second
    argument is ``batch_sizes``."""
    packed = isinstance(args[0], Tensor) if mode == "LSTM" \
        else not isinstance(args[1], (list, tuple))
    if packed:
        batch_sizes, hx, params, has_biases, num_layers, dropout, train, bidirectional = args
        batch_first = False
    else:
        batch_sizes = None
        hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first = args
    states = list(hx) if mode == "LSTM" else [hx]
    return _recurrent(mode, input, batch_sizes, states, params, has_biases, num_layers,
                      dropout, train, bidirectional, batch_first)


def rnn_tanh(input: Tensor, *args) -> tuple:
    """An Elman RNN with ``tanh`` over whole sequences: ``rnn_tanh(input, hx, params,
    has_biases, num_layers, dropout, train, bidirectional, batch_first)``, or over a packed
    batch ``rnn_tanh(data, batch_sizes, hx, params, has_biases, num_layers, dropout, train,
    bidirectional)``; returns ``(output, h_n)``.

    >>> w_ih, w_hh = torch.eye(2), torch.zeros(2, 2)
    >>> output, h_n = torch.rnn_tanh(torch.ones(3, 1, 2), torch.zeros(1, 1, 2), [w_ih, w_hh],
    ...                              False, 1, 0.0, False, False, False)
    >>> h_n
    tensor([[[0.7616, 0.7616]]])
    """
    return _sequence("RNN_TANH", input, args)


def rnn_relu(input: Tensor, *args) -> tuple:
    """An Elman RNN with ``relu`` over whole sequences (the arguments of ``rnn_tanh``).

    >>> w_ih, w_hh = torch.eye(2), torch.eye(2)
    >>> output, h_n = torch.rnn_relu(torch.ones(3, 1, 2), torch.zeros(1, 1, 2), [w_ih, w_hh],
    ...                              False, 1, 0.0, False, False, False)
    >>> output[:, 0, 0]
    tensor([1., 2., 3.])
    """
    return _sequence("RNN_RELU", input, args)


def gru(input: Tensor, *args) -> tuple:
    """A gated recurrent unit over whole sequences (gates ``r, z, n``; the arguments of
    ``rnn_tanh``); returns ``(output, h_n)``.

    >>> params = [torch.zeros(6, 2), torch.zeros(6, 2)]  # every gate half open, n = 0
    >>> output, h_n = torch.gru(torch.ones(2, 1, 2), torch.ones(1, 1, 2), params, False, 1,
    ...                         0.0, False, False, False)
    >>> h_n
    tensor([[[0.2500, 0.2500]]])
    """
    return _sequence("GRU", input, args)


def lstm(input: Tensor, *args) -> tuple:
    """A long short-term memory over whole sequences: ``lstm(input, (h_0, c_0), params,
    has_biases, num_layers, dropout, train, bidirectional, batch_first)``, or ``lstm(data,
    batch_sizes, (h_0, c_0), params, ...)``; returns ``(output, h_n, c_n)``.

    >>> params = [torch.zeros(8, 2), torch.zeros(8, 2)]
    >>> output, h_n, c_n = torch.lstm(torch.ones(1, 1, 2), [torch.zeros(1, 1, 2),
    ...                               torch.ones(1, 1, 2)], params, False, 1, 0.0, False,
    ...                               False, False)
    >>> c_n
    tensor([[[0.5000, 0.5000]]])
    """
    return _sequence("LSTM", input, args)


def _cell(step, input: Tensor, hx, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None,
          b_hh: Tensor | None):
    """One ``step`` of a cell, its input projection computed first as the sequences do."""
    return step(_linear(input, w_ih, b_ih), hx, (w_ih, w_hh, b_ih, b_hh, None))


def rnn_tanh_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor,
                  b_ih: Tensor | None = None, b_hh: Tensor | None = None) -> Tensor:
    """One step of an Elman RNN: ``tanh(W_ih x + b_ih + W_hh h + b_hh)``.

    >>> torch.rnn_tanh_cell(torch.ones(1, 2), torch.zeros(1, 2), torch.eye(2), torch.eye(2))
    tensor([[0.7616, 0.7616]])
    """
    return _cell(_tanh_step, input, hx, w_ih, w_hh, b_ih, b_hh)


def rnn_relu_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor,
                  b_ih: Tensor | None = None, b_hh: Tensor | None = None) -> Tensor:
    """One step of an Elman RNN with ``relu``.

    >>> torch.rnn_relu_cell(torch.ones(1, 2), torch.ones(1, 2), torch.eye(2), torch.eye(2))
    tensor([[2., 2.]])
    """
    return _cell(_relu_step, input, hx, w_ih, w_hh, b_ih, b_hh)


def gru_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
             b_hh: Tensor | None = None) -> Tensor:
    """One step of a gated recurrent unit (gates ``r, z, n``).

    >>> torch.gru_cell(torch.ones(1, 2), torch.ones(1, 2), torch.zeros(6, 2), torch.zeros(6, 2))
    tensor([[0.5000, 0.5000]])
    """
    return _cell(_gru_step, input, hx, w_ih, w_hh, b_ih, b_hh)


def lstm_cell(input: Tensor, hx, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
              b_hh: Tensor | None = None) -> tuple:
    """One step of a long short-term memory (gates ``i, f, g, o``); ``hx`` is ``(h, c)``;
    returns ``(h', c')``.

    >>> h, c = torch.lstm_cell(torch.ones(1, 2), (torch.zeros(1, 2), torch.ones(1, 2)),
    ...                        torch.zeros(8, 2), torch.zeros(8, 2))
    >>> c
    tensor([[0.5000, 0.5000]])
    """
    return _cell(_lstm_step, input, tuple(hx), w_ih, w_hh, b_ih, b_hh)
