"""Non-reentrant activation checkpointing: the graph is recorded, its saved tensors are not.

``checkpoint(f, x, use_reentrant=False)`` runs ``f`` normally, recording its
graph, but inside ``saved_tensors_hooks`` whose pack hook keeps an empty
``_Holder`` instead of each tensor an operation saves for backward.  The first
time backward unpacks one of them, ``f`` runs again from its inputs (with the
random-number state of the forward), and this second run's pack hook fills
every holder still alive in order; the unpack hook then hands out the
recomputed tensor, once: the holder lets go of it, so each activation is freed
as soon as backward has used it (a second unpack raises ``CheckpointError``).
Because the graph is the ordinary one, gradient hooks run once,
``autograd.grad`` works, and inputs and outputs may be any structure.

Recomputation happens once per backward pass (or once for all the passes in
a ``GraphExecGroup``) and stops as soon as every holder is filled (early
stop).  It must save the same number of tensors with the same shapes, dtypes
and devices as the forward did (``determinism_check="default"``), otherwise a
``CheckpointError`` says what differs (``debug=True``: also where each
tensor was saved in both runs).
"""
from __future__ import annotations

import os
import traceback
import weakref

from ..engine import grad_mode
from ..engine.backward import current_pass
from ..engine.saved import saved_tensors_hooks
from ..tensor import Tensor

_TIP = ("\nTip: To see a more detailed error message, either pass `debug=True` to "
        "`torch.utils.checkpoint.checkpoint(...)` or wrap the code block with `with "
        "torch.utils.checkpoint.set_checkpoint_debug_enabled(True):` to enable checkpoint-debug "
        "mode globally.\n")


class CheckpointError(RuntimeError):
    """The recomputation in backward did not save what the forward saved."""


class _StopRecomputation(Exception):
    """Raised by the recomputation's pack hook once every holder is filled (early stop)."""


class GraphExecGroup:
    """Backward calls inside this block share one recomputation of each checkpointed region.

    They must use disjoint parts of the graph: a saved tensor that a second
    backward call needs again raises ``CheckpointError``.

    >>> from chainrule.utils.checkpoint import GraphExecGroup, checkpoint
    >>> x = torch.ones(2, requires_grad=True)
    >>> y = checkpoint(lambda t: t.sin().exp(), x, use_reentrant=False)
    >>> with GraphExecGroup():
    ...     (g,) = torch.autograd.grad(y.sum(), x)
    >>> g.shape
    torch.Size([2])
    """

    _current: GraphExecGroup | None = None

    def __enter__(self) -> GraphExecGroup:
        if GraphExecGroup._current is not None:
            raise RuntimeError("GraphExecGroup contexts cannot be nested. Already inside group "
                               f"{GraphExecGroup._current}")
        GraphExecGroup._current = self
        return self

    def __exit__(self, *exc) -> bool:
        GraphExecGroup._current = None
        return False


class _Outside:
    """The pass token of an unpack outside any backward pass: a new one every time."""


def _backward_pass():
    """A token for the backward pass now running (a new ``_Outside`` outside backward)."""
    running = current_pass()
    return running if running is not None else _Outside()

# ---------------------------------------------------------------------------------------


class _Holder:
    """Stands in for one saved tensor; filled by each recomputation (one per group id)."""

    __slots__ = ("values", "unpacked", "__weakref__")

    def __init__(self) -> None:
        self.values = weakref.WeakKeyDictionary()  # group id -> recomputed tensor, until unpacked
        self.unpacked = weakref.WeakKeyDictionary()  # group id -> True once handed out


def default_metadata(x) -> dict:
    """What the default determinism check compares."""
    return {"shape": x.shape, "dtype": x.dtype, "device": x.device}


class Frame:
    """One checkpointed region: its inputs, its holders, and its recomputations."""

    def __init__(self, recompute, args, early_stop: bool, metadata_fn, debug: bool) -> None:
        self.recompute = recompute
        # The inputs with their versions: changing one in place before backward would
        # make the recomputation compute something else.
        self.args = [(a, a._version) if _is_tensor(a) else (a, None) for a in args]
        self.early_stop = early_stop
        self.metadata_fn = metadata_fn
        self.debug = debug
        self.holders: list = []  # weak references, one per tensor the forward saved
        self.metadata: list = []
        self.forward_log: list = []
        self.recompute_log: list = []
        self.forward_completed = False
        self.ignore_mismatch = False
        self.recomputed = weakref.WeakKeyDictionary()  # group id -> tensors saved by it

    # -- the forward: save nothing, remember what would have been saved -------------------

    def pack(self, x) -> _Holder:
        holder = _Holder()
        self.holders.append(weakref.ref(holder))
        if self.metadata_fn is not None:
            self.metadata.append(self.metadata_fn(x))
        if self.debug:
            self.forward_log.append(_describe(len(self.forward_log), x))
        return holder

    # -- backward: recompute on first need -----------------------------------------------

    def unpack(self, holder: _Holder):
        try:
            return self._unpack(holder)
        except CheckpointError as e:
            if self.debug:
                raise CheckpointError(self._debug_report(e)) from e
            raise

    def _unpack(self, holder: _Holder):
        this_pass = _backward_pass()
        group = GraphExecGroup._current
        gid = this_pass if group is None else group
        if gid not in self.recomputed:
            self._recompute(gid)
        if holder.unpacked.get(gid):
            # As in PyTorch, a recomputed tensor is handed out once and then let go of, so
            # that backward frees each activation as soon as its node has used it.
            overlap = ("Performing two backward calls that overlap (i.e. require the same saved "
                       "activation in order to compute gradients) is not allowed while under "
                       "the torch.utils.checkpoint.GraphExecGroup context. "
                       if group is not None else "")
            raise CheckpointError(
                "torch.utils.checkpoint: Unpack is being triggered for a tensor that was "
                f"already unpacked once. {overlap}If you are calling ctx.saved_tensors in "
                "backward, make sure to do so only once. Otherwise please open an issue with "
                "details on your use case. Fix: unpack ctx.saved_tensors once into local "
                "names; in a GraphExecGroup, make the backward calls use disjoint parts of the "
                "graph.")
        if gid not in holder.values:
            raise CheckpointError("torch.utils.checkpoint: the recomputation did not reach a "
                                  "tensor that backward needs." + _TIP)
        holder.unpacked[gid] = True
        return holder.values.pop(gid)

    def _recompute(self, gid) -> None:
        count = 0
        self.recomputed[gid] = True
        self.recompute_log = []

        def pack(x):
            nonlocal count
            x = x.detach() if x.requires_grad else x
            index = count
            count += 1
            if self.debug:
                self.recompute_log.append(_describe(index, x))
            if index >= len(self.holders):
                if not self.forward_completed:
                    # backward inside the checkpointed function itself, without early stop
                    self.ignore_mismatch = True
                    return x
                raise CheckpointError(
                    "torch.utils.checkpoint: trying to save more tensors during recomputation "
                    "than during the original forward pass.\n" + _TIP)
            holder = self.holders[index]()
            if holder is not None:  # None: backward has already freed that one
                holder.values[gid] = x
            if self.early_stop and count == len(self.holders):
                raise _StopRecomputation
            return x

        args = []
        for a, version in self.args:
            if version is not None and a._version != version:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by "
                    f"an inplace operation: an input of the checkpointed function is at version "
                    f"{a._version}; expected version {version} instead. Fix: do not change the "
                    "inputs of a checkpointed function in place before backward.")
            args.append(a)
        try:
            with saved_tensors_hooks(pack, _identity), grad_mode.enable_grad():
                self.recompute(*args)
        except _StopRecomputation:
            pass
        self._check_same(count, gid)

    def _check_same(self, n_recomputed: int, gid) -> None:
        if self.ignore_mismatch or self.metadata_fn is None:
            return
        if n_recomputed != len(self.holders):
            raise CheckpointError(
                "torch.utils.checkpoint: A different number of tensors was saved during the "
                f"original forward and recomputation.\nNumber of tensors saved during forward: "
                f"{len(self.holders)}\nNumber of tensors saved during recomputation: "
                f"{n_recomputed}.\n" + _TIP)
        different = []
        for index, (ref, before) in enumerate(zip(self.holders, self.metadata)):
            holder = ref()
            if holder is None:
                continue
            after = self.metadata_fn(holder.values[gid])
            if after != before:
                different.append(f"tensor at position {index}:\nsaved metadata: {before}\n"
                                 f"recomputed metadata: {after}\n")
        if different:
            raise CheckpointError(
                "torch.utils.checkpoint: Recomputed values for the following tensors have "
                "different metadata than during the forward pass.\n" + "".join(different)
                + ".\n" + _TIP)

    def _debug_report(self, error: CheckpointError) -> str:
        return (
            "Tensors saved for backward during the original forward:\n\n"
            + "\n".join(self.forward_log)
            + "\n\nTensors saved for backward during the recomputation:\n\n"
            + "\n".join(self.recompute_log)
            + "\n\nERROR: Detected non-determinism while running activation checkpointing\n\n"
            "You are seeing this error because you passed `debug=True` to checkpoint and "
            "tensors to be saved during the original forward and differ between those saved "
            "during recomputation. This can happen if different operators were ran in the "
            "original forward and in the recomputation. Compare the two lists above: each "
            "line names the tensor and the line of code that saved it.\n\n" + str(error))


def _identity(x):
    return x


def _is_tensor(x) -> bool:
    return isinstance(x, Tensor)


def _describe(index: int, x) -> str:
    """One line of the debug log: which tensor was saved, and from which line of user code."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # chainrule's folder
    frames = [f for f in traceback.extract_stack()[:-2] if not f.filename.startswith(package)]
    where = f"{frames[-1].filename}:{frames[-1].lineno} ({frames[-1].line})" if frames else "?"
    return f"{index}: {x.dtype} {list(x.shape)} saved at {where}"
