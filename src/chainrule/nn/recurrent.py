"""Recurrent layers: ``RNNCell``, ``GRUCell``, ``LSTMCell`` and the multi-layer ``RNN``,
``GRU``, ``LSTM``, on their bases ``RNNCellBase`` and ``RNNBase``, as in ``torch.nn``.

The layers hold the weights and check their inputs and states; the computation
is ``torch.rnn_tanh``, ``torch.gru``, ``torch.lstm_cell``, ... of
``chainrule.functions.recurrent``, called with the flat list of weights as
PyTorch's layers call them.  Parameter names, shapes, order, gate layout and
the default initialisation U(-1/√hidden_size, 1/√hidden_size) are PyTorch's,
so a torch ``state_dict`` loads unchanged; the random stream is chainrule's, so
fresh weights differ.  ``LSTM(proj_size=p)`` projects each hidden state to
``p`` features with ``weight_hr_l{k}``, as in PyTorch.
"""
from __future__ import annotations

import math
import numbers
import warnings

from ..functions import recurrent as torch_recurrent
from ..functions.creation import zeros
from ..tensor import Tensor
from . import init
from .module import Module
from .options import changed_options
from .parameter import empty_parameter
from .utils.rnn import PackedSequence

__all__ = ["RNNCellBase", "RNNCell", "GRUCell", "LSTMCell", "RNNBase", "RNN", "GRU", "LSTM"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "GRU": 3, "LSTM": 4}
_SEQUENCE_FUNCTIONS = {"RNN_TANH": torch_recurrent.rnn_tanh, "RNN_RELU": torch_recurrent.rnn_relu,
                       "GRU": torch_recurrent.gru, "LSTM": torch_recurrent.lstm}


def _uniform_init(module: Module) -> None:
    bound = 1.0 / math.sqrt(module.hidden_size) if module.hidden_size > 0 else 0
    for p in module.parameters():
        init.uniform_(p, -bound, bound)


# --- cells ----------------------------------------------------------------------------------
class RNNCellBase(Module):
    """What the cells share: ``weight_ih``, ``weight_hh`` (and biases) of ``num_chunks``
    gates, their initialisation, ``repr`` and the checks of input and state.

    >>> torch.nn.RNNCellBase(3, 4, True, 2)
    RNNCellBase(3, 4)
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device=None, dtype=None) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = empty_parameter(num_chunks * hidden_size, input_size, dtype=dtype)
        self.weight_hh = empty_parameter(num_chunks * hidden_size, hidden_size, dtype=dtype)
        if bias:
            self.bias_ih = empty_parameter(num_chunks * hidden_size, dtype=dtype)
            self.bias_hh = empty_parameter(num_chunks * hidden_size, dtype=dtype)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _uniform_init(self)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}" + changed_options(self, bias=True)
        nonlinearity = getattr(self, "nonlinearity", "tanh")
        if nonlinearity != "tanh":
            s += f", nonlinearity={nonlinearity}"
        return s

    def _batch_input(self, input: Tensor) -> tuple[Tensor, bool]:
        if input.ndim not in (1, 2):
            raise ValueError(f"{type(self).__name__}: Expected input to be 1D or 2D, got "
                             f"{input.ndim}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[-1]} "
                               f"expected {self.input_size}")
        batched = input.ndim == 2
        return (input if batched else input.unsqueeze(0)), batched

    def _batch_state(self, hx: Tensor | None, input: Tensor, batched: bool, k: int) -> Tensor:
        if hx is None:
            return zeros(input.shape[0], self.hidden_size, dtype=input.dtype)
        if not batched:
            hx = hx.unsqueeze(0)
        if hx.ndim != 2:
            raise RuntimeError(f"{type(self).__name__}: expected hidden{k} of shape (batch, "
                               f"hidden_size) for {input.ndim}-D input of shape "
                               f"{tuple(input.shape)}, got shape {tuple(hx.shape)}. Fix: give a "
                               f"1-D state for a 1-D input and a 2-D state for a 2-D input.")
        if hx.shape[0] != input.shape[0]:
            raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden{k} "
                               f"batch size {hx.shape[0]}")
        if hx.shape[1] != self.hidden_size:
            raise RuntimeError(f"hidden{k} has inconsistent hidden_size: got {hx.shape[1]}, "
                               f"expected {self.hidden_size}")
        return hx

    def _step(self, cell, input: Tensor, hx):
        """``cell``, a ``torch.*_cell`` function, with this cell's weights."""
        return cell(input, hx, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: ``h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`` (or ``relu``).

    Input ``(batch, input_size)`` or unbatched ``(input_size,)``; ``hx`` defaults to zeros.

    >>> cell = torch.nn.RNNCell(3, 4, nonlinearity="relu")
    >>> cell
    RNNCell(3, 4, nonlinearity=relu)
    >>> [(name, tuple(p.shape)) for name, p in cell.named_parameters()]
    [('weight_ih', (4, 3)), ('weight_hh', (4, 4)), ('bias_ih', (4,)), ('bias_hh', (4,))]
    >>> cell(torch.randn(2, 3)).shape
    torch.Size([2, 4])
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=1, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        input, batched = self._batch_input(input)
        hx = self._batch_state(hx, input, batched, 0)
        if self.nonlinearity == "tanh":
            cell = torch_recurrent.rnn_tanh_cell
        elif self.nonlinearity == "relu":
            cell = torch_recurrent.rnn_relu_cell
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}. Fix: use "
                               "nonlinearity='tanh' or 'relu'.")
        h = self._step(cell, input, hx)
        return h if batched else h.squeeze(0)


class GRUCell(RNNCellBase):
    """One step of a gated recurrent unit (gates ``r, z, n`` stacked in that order).

    >>> cell = torch.nn.GRUCell(3, 4)
    >>> cell
    GRUCell(3, 4)
    >>> cell.weight_ih.shape
    torch.Size([12, 3])
    >>> h = torch.zeros(4)
    >>> for x in torch.randn(5, 3):  # an unbatched sequence of 5 steps
    ...     h = cell(x, h)
    >>> h.shape
    torch.Size([4])
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=3, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        input, batched = self._batch_input(input)
        hx = self._batch_state(hx, input, batched, 0)
        h = self._step(torch_recurrent.gru_cell, input, hx)
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """One step of a long short-term memory cell (gates ``i, f, g, o`` in that order).

    Returns ``(h', c')``; ``hx`` is ``(h, c)`` or ``None`` for zeros.

    >>> cell = torch.nn.LSTMCell(3, 4, bias=False)
    >>> cell
    LSTMCell(3, 4, bias=False)
    >>> h, c = cell(torch.randn(2, 3))
    >>> h.shape, c.shape
    (torch.Size([2, 4]), torch.Size([2, 4]))
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=4, dtype=dtype)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None
                ) -> tuple[Tensor, Tensor]:
        input, batched = self._batch_input(input)
        h, c = (None, None) if hx is None else hx
        state = (self._batch_state(h, input, batched, 0),
                 self._batch_state(c, input, batched, 1))
        h, c = self._step(torch_recurrent.lstm_cell, input, state)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


# --- multi-layer, whole-sequence layers ---------------------------------------------------------
def _no_projection(options: dict) -> None:
    if "proj_size" in options:
        raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")


class RNNBase(Module):
    """What the multi-layer recurrent layers share: the weights of every layer and direction
    (named ``weight_ih_l{k}``, ... as in PyTorch), their ``repr``, the checks of input and
    state, and the call of ``torch.rnn_tanh``/``rnn_relu``/``gru``/``lstm`` (``mode``
    ``'RNN_TANH'``, ``'RNN_RELU'``, ``'GRU'``, ``'LSTM'``) over padded or packed input.

    >>> torch.nn.RNNBase("GRU", 3, 4, num_layers=2)
    RNNBase(3, 4, num_layers=2)
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None,
                 dtype=None) -> None:
        super().__init__()
        if mode not in _GATES:
            raise ValueError(f"Unrecognized RNN mode: {mode}")
        if (not isinstance(dropout, numbers.Number) or isinstance(dropout, bool)
                or not 0 <= dropout <= 1):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=3)
        if not isinstance(hidden_size, int) or isinstance(hidden_size, bool):
            raise TypeError(f"hidden_size should be of type int, got: "
                            f"{type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode = mode
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first = bias, batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        gates = _GATES[mode] * hidden_size
        directions = 2 if bidirectional else 1
        self._flat_weights_names = []
        self._all_weights = []
        state_size = proj_size or hidden_size  # what h holds (and the next layer reads)
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else state_size * directions
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                shapes = [("weight_ih", (gates, layer_input)), ("weight_hh", (gates, state_size))]
                if bias:
                    shapes += [("bias_ih", (gates,)), ("bias_hh", (gates,))]
                if proj_size:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                names = []
                for kind, shape in shapes:
                    name = kind + suffix
                    setattr(self, name, empty_parameter(*shape, dtype=dtype))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _uniform_init(self)

    @property
    def _flat_weights(self) -> list:
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self) -> list:
        """The parameters per layer and direction: ``[[w_ih, w_hh, b_ih, b_hh], ...]``."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """No-op: PyTorch packs weights for cuDNN here; chainrule has nothing to pack."""

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}" + changed_options(
            self, proj_size=0, num_layers=1, bias=True, batch_first=False, dropout=0,
            bidirectional=False)

    # --- PyTorch's public checks, for subclasses that write their own forward ---------------
    def check_input(self, input: Tensor, batch_sizes: Tensor | None) -> None:
        """``input`` has 2 dimensions (packed data) or 3, and ``input_size`` features."""
        expected = 2 if batch_sizes is not None else 3
        if input.ndim != expected:
            raise RuntimeError(f"input must have {expected} dimensions, got {input.ndim}")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.shape[-1]}")

    def _expected_state_size(self, input: Tensor, batch_sizes, size: int) -> tuple:
        if batch_sizes is not None:
            batch = int(batch_sizes[0])
        else:
            batch = input.shape[0] if self.batch_first else input.shape[1]
        return (self.num_layers * (2 if self.bidirectional else 1), batch, size)

    def get_expected_hidden_size(self, input: Tensor, batch_sizes: Tensor | None) -> tuple:
        """``(num_layers * directions, batch, proj_size or hidden_size)``."""
        return self._expected_state_size(input, batch_sizes, self.proj_size or self.hidden_size)

    def check_hidden_size(self, hx: Tensor, expected_hidden_size: tuple,
                          msg: str = "Expected hidden size {}, got {}") -> None:
        if tuple(hx.shape) != tuple(expected_hidden_size):
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.shape)))

    def check_forward_args(self, input: Tensor, hidden, batch_sizes: Tensor | None) -> None:
        """The input's and the state's sizes (for an LSTM both ``h`` and ``c``)."""
        self.check_input(input, batch_sizes)
        expected = self.get_expected_hidden_size(input, batch_sizes)
        if self.mode != "LSTM":
            self.check_hidden_size(hidden, expected)
            return
        self.check_hidden_size(hidden[0], expected, "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    def permute_hidden(self, hx, permutation: Tensor | None):
        """``hx`` (for an LSTM each of ``(h, c)``) with its batch in ``permutation``'s order."""
        if permutation is None:
            return hx
        if self.mode == "LSTM":
            return tuple(h.index_select(1, permutation) for h in hx)
        return hx.index_select(1, permutation)

    # --- forward helpers ------------------------------------------------------------------
    def _check_input(self, input: Tensor) -> None:
        name = type(self).__name__
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}: expected input to be a Tensor, got "
                            f"{type(input).__name__}. Fix: pass a Tensor or a PackedSequence "
                            "(torch.nn.utils.rnn.pack_padded_sequence).")
        if input.ndim not in (2, 3):
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.ndim}D tensor "
                             "instead")
        if input.dtype is not self.weight_ih_l0.dtype:
            raise ValueError(f"{name} input dtype ({input.dtype}) does not match weight dtype "
                             f"({self.weight_ih_l0.dtype}). Convert input: "
                             f"input.to({self.weight_ih_l0.dtype}), or convert model: "
                             f"model.to({input.dtype})")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.shape[-1]}")
        if input.shape[0 if input.ndim == 2 or not self.batch_first else 1] == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")

    def _initial_state(self, hx, input: Tensor, batched: bool, batch: int) -> list:
        """``hx`` as a list of ``(num_layers * directions, batch, hidden)`` tensors."""
        count = 2 if self.mode == "LSTM" else 1
        layers = self.num_layers * (2 if self.bidirectional else 1)
        shapes = [(layers, batch, self.proj_size or self.hidden_size),
                  (layers, batch, self.hidden_size)][:count]
        if hx is None:
            return [zeros(*shape, dtype=input.dtype) for shape in shapes]
        states = list(hx) if self.mode == "LSTM" else [hx]
        want = 3 if batched else 2
        if any(s.ndim != want for s in states):
            kind = "batched 3-D" if batched else "unbatched 2-D"
            what = "hx and cx" if count == 2 else "hx"
            got = ", ".join(f"{s.ndim}-D" for s in states)
            got = f"({got}) tensors" if count == 2 else f"{got} tensor"
            raise RuntimeError(f"For {kind} input, {what} should also be {want}-D but got {got}."
                               f" Fix: give the state the shape (num_layers * num_directions, "
                               f"{'batch, ' if batched else ''}hidden_size).")
        if not batched:
            states = [s.unsqueeze(1) for s in states]
        for k, (s, shape) in enumerate(zip(states, shapes)):
            if tuple(s.shape) != shape:
                which = f"hidden[{k}]" if count == 2 else "hidden"
                raise RuntimeError(f"Expected {which} size {shape}, got {list(s.shape)}")
        return states

    def _call(self, *leading, hx: list) -> tuple:
        """``torch.<mode>(*leading, hx, flat weights, options...)``: ``leading`` is the padded
        input, or the packed data and batch sizes."""
        function = _SEQUENCE_FUNCTIONS[self.mode]
        state = hx if self.mode == "LSTM" else hx[0]
        options = (self.bias, self.num_layers, self.dropout, self.training, self.bidirectional)
        if len(leading) == 1:
            options += (self.batch_first,)
        out = function(*leading, state, self._flat_weights, *options)
        return out[0], list(out[1:])

    def _forward_packed(self, input: PackedSequence, hx):
        data, batch_sizes, sorted_indices, unsorted_indices = input
        name = type(self).__name__
        if data.ndim != 2:
            raise ValueError(f"{name}: Expected packed input data to be 2D, got {data.ndim}D "
                             "tensor instead")
        self._check_input(data)
        states = self._initial_state(hx, data, True, int(batch_sizes._data[0]))
        if sorted_indices is not None:  # hx follows the caller's batch order
            states = [s.index_select(1, sorted_indices) for s in states]
        x, h_n = self._call(data, batch_sizes, hx=states)
        if unsorted_indices is not None:
            h_n = [h.index_select(1, unsorted_indices) for h in h_n]
        return PackedSequence(x, batch_sizes, sorted_indices, unsorted_indices), h_n

    def _forward(self, input: Tensor, hx):
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        self._check_input(input)
        batched = input.ndim == 3
        batch_dim = 0 if self.batch_first else 1
        if not batched:
            input = input.unsqueeze(batch_dim)
        states = self._initial_state(hx, input, batched, input.shape[batch_dim])
        x, h_n = self._call(input, hx=states)
        if not batched:
            x = x.squeeze(batch_dim)
            h_n = [h.squeeze(1) for h in h_n]
        return x, h_n

    def _outputs(self, input, hx=None) -> tuple:
        """``(output, h_n)``; for an LSTM ``(output, (h_n, c_n))``: the ``forward`` of
        ``RNN``, ``GRU`` and ``LSTM`` (PyTorch's ``RNNBase`` has no ``forward`` of its own)."""
        output, states = self._forward(input, hx)
        return output, (states[0] if len(states) == 1 else tuple(states))


class RNN(RNNBase):
    """A multi-layer Elman RNN: ``h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)``.

    Input ``(L, N, input_size)`` (``(N, L, input_size)`` with ``batch_first``) or unbatched
    ``(L, input_size)``; ``hx`` is ``(num_layers * num_directions, N, hidden_size)`` and
    defaults to zeros.  Returns ``(output, h_n)``: ``output`` holds the last layer's hidden
    state at every step (both directions concatenated), ``h_n`` every layer's final state.

    >>> rnn = torch.nn.RNN(4, 8, num_layers=2, nonlinearity="relu", bidirectional=True)
    >>> rnn
    RNN(4, 8, num_layers=2, bidirectional=True)
    >>> output, h_n = rnn(torch.randn(5, 3, 4))
    >>> output.shape, h_n.shape
    (torch.Size([5, 3, 16]), torch.Size([4, 3, 8]))
    """

    def __init__(self, *args, **kwargs) -> None:
        # RNNBase's options with ``nonlinearity`` fourth, as PyTorch's RNN takes them (so a
        # call that does not fit them names RNNBase.__init__, as there)
        _no_projection(kwargs)
        if len(args) > 3:
            nonlinearity, args = args[3], args[:3] + args[4:]
        else:
            nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        super().__init__(mode, *args, **kwargs)
        self.nonlinearity = nonlinearity

    forward = RNNBase._outputs


class GRU(RNNBase):
    """A multi-layer gated recurrent unit (gates ``r, z, n``; see ``GRUCell``).

    Same inputs and outputs as ``RNN``.

    >>> gru = torch.nn.GRU(4, 8, batch_first=True)
    >>> gru
    GRU(4, 8, batch_first=True)
    >>> [name for name, _ in gru.named_parameters()]
    ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']
    >>> output, h_n = gru(torch.randn(3, 5, 4))  # (batch, seq, feature)
    >>> output.shape, h_n.shape
    (torch.Size([3, 5, 8]), torch.Size([1, 3, 8]))
    """

    def __init__(self, *args, **kwargs) -> None:  # RNNBase's options, as in RNN
        _no_projection(kwargs)
        super().__init__("GRU", *args, **kwargs)

    forward = RNNBase._outputs


class LSTM(RNNBase):
    """A multi-layer long short-term memory (gates ``i, f, g, o``; see ``LSTMCell``).

    ``hx`` is a pair ``(h_0, c_0)``; returns ``(output, (h_n, c_n))``.  With
    ``proj_size`` > 0 each hidden state is projected to ``proj_size`` features
    (``weight_hr_l{k}``), so ``h`` has ``proj_size`` features and ``c`` ``hidden_size``.

    >>> lstm = torch.nn.LSTM(4, 8, num_layers=2, dropout=0.2)
    >>> lstm
    LSTM(4, 8, num_layers=2, dropout=0.2)
    >>> output, (h_n, c_n) = lstm(torch.randn(5, 4))  # unbatched: (seq, feature)
    >>> output.shape, h_n.shape, c_n.shape
    (torch.Size([5, 8]), torch.Size([2, 8]), torch.Size([2, 8]))
    """

    def __init__(self, *args, **kwargs) -> None:  # RNNBase's options, as in GRU
        super().__init__("LSTM", *args, **kwargs)

    forward = RNNBase._outputs

    def get_expected_cell_size(self, input: Tensor, batch_sizes: Tensor | None) -> tuple:
        """``(num_layers * directions, batch, hidden_size)``."""
        return self._expected_state_size(input, batch_sizes, self.hidden_size)
