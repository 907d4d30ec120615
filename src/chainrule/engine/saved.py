"""Values kept for backward: saved tensors, saved results, and the hooks that transform them.

A rule that needs an input or the output (``grad * other``, ``grad * (1 - result**2)``)
has it saved when the op is recorded.  A saved value remembers the version of its
tensor: if the tensor is changed in place before backward reads it, the gradient
would be computed from the wrong numbers, so ``unpack`` raises instead.
"""
from __future__ import annotations

from ..tensor import Tensor, VersionCounter
from . import grad_mode
from .graph import RELEASED, grad_accumulator

__all__ = ["RELEASED", "FREED_MESSAGE", "SAVED_TENSORS_HOOKS", "saved_tensors_hooks",
           "disable_saved_tensors_hooks", "save_on_cpu", "SavedTensor", "SavedResult",
           "SAVED_KINDS"]


FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward. Fix: pass retain_graph=True to the first backward()."
)


# (pack_hook, unpack_hook) pairs of the active saved_tensors_hooks blocks, innermost last.
SAVED_TENSORS_HOOKS: list = []


class saved_tensors_hooks:
    """Transform every tensor saved for backward: ``pack_hook(t)`` when saved, ``unpack_hook``
    when backward needs it (e.g. move it to disk, compress it, or log it).

    >>> seen = []
    >>> def pack(t):
    ...     seen.append(tuple(t.shape)); return t.detach().numpy().copy()
    >>> x = torch.ones(3, requires_grad=True)
    >>> with torch.autograd.graph.saved_tensors_hooks(pack, torch.from_numpy):
    ...     y = (x * x).sum()
    >>> y.backward(); x.grad, seen
    (tensor([2., 2., 2.]), [(3,), (3,)])
    """

    def __init__(self, pack_hook, unpack_hook) -> None:
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        _enter(self, (self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc) -> bool:
        _exit(self)
        return False


def _enter(block, entry: tuple) -> None:
    if "_entries" not in block.__dict__:
        block._entries = []
    block._entries.append(entry)  # (a new tuple per entry: found again by identity)
    SAVED_TENSORS_HOOKS.append(entry)


def _exit(block) -> None:
    """Back to the blocks active when ``block`` was entered, also where a block inside was
    entered and never left (a hook that raised between its __enter__ and __exit__).  An
    entry already gone (a backward pass drops the blocks its hooks entered) is skipped."""
    while block._entries:
        entry = block._entries.pop()
        for i in range(len(SAVED_TENSORS_HOOKS) - 1, -1, -1):
            if SAVED_TENSORS_HOOKS[i] is entry:
                del SAVED_TENSORS_HOOKS[i:]
                return


class disable_saved_tensors_hooks:
    """Inside this block, using saved_tensors_hooks raises (for code that must not be hooked)."""

    def __init__(self, error_message: str) -> None:
        self.error_message = error_message

    def __enter__(self):
        message = self.error_message

        def refuse(_):
            raise RuntimeError(message)
        _enter(self, (refuse, refuse))
        return self

    def __exit__(self, *exc) -> bool:
        _exit(self)
        return False


class save_on_cpu(saved_tensors_hooks):
    """Keep the tensors saved for backward in CPU memory (PyTorch moves them off the GPU and
    back).  chainrule's tensors live in CPU memory already: they are kept as they are.

    >>> x = torch.ones(3, requires_grad=True)
    >>> with torch.autograd.graph.save_on_cpu():
    ...     y = (x * x).sum()
    >>> y.backward(); x.grad
    tensor([2., 2., 2.])
    """

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        super().__init__(_pack_to_cpu, _unpack_from_cpu)


def _pack_to_cpu(tensor):
    return (tensor.device, tensor.cpu())


def _unpack_from_cpu(packed):
    device, tensor = packed
    return tensor.to(device)


class SavedTensor:
    """A tensor kept for backward, with the version it had when it was saved.

    If the tensor is changed in place before backward uses it, the gradient
    would be computed from the wrong values; ``unpack`` raises instead.  Only the
    engine makes them (``torch.autograd.SavedTensor()`` raises, as in PyTorch).
    """

    __slots__ = ("tensor", "version", "node_name", "hooks_unpack", "counter", "edge")

    def __init__(self, tensor=None, node_name: str | None = None) -> None:
        # (C twin, outside saved_tensors_hooks: _core_saved.c new_saved_tensor.)
        if node_name is None:
            raise RuntimeError("Trying to create a SavedTensor object from Python is forbidden.")
        # A tensor without a counter has never been changed in place: version 0.  (The
        # counter is made by the first in-place change; not making it here saves an object
        # per saved tensor.)
        counter = tensor._version_counter
        self.version = 0 if counter is None else counter.value
        self.node_name = node_name
        if SAVED_TENSORS_HOOKS:  # saved_tensors_hooks: keep what pack returns instead
            if counter is None:
                counter = tensor._version_counter = VersionCounter()
            pack, self.hooks_unpack = SAVED_TENSORS_HOOKS[-1]
            self.counter = counter
            # What unpack returns stands for this tensor in the graph (create_graph): it
            # gets the tensor's history, whatever the hooks did to the values.
            self.edge = (tensor._grad_fn, tensor._output_nr) if tensor._grad_fn is not None \
                else (grad_accumulator(tensor), 0) if tensor._requires_grad else None
            self.tensor = pack(tensor)
            return
        self.tensor = tensor
        self.hooks_unpack = None

    def unpack_data(self, node=None):
        """The saved tensor's array, after the version check; a 0-d one as a NumPy scalar.
        (C twin, where no hook is involved: ``_core_saved.c`` unpack_data.)

        NumPy computes on scalars much faster than on 0-d arrays, with the same dtype
        rules: scalar chains, such as the lecture's, spend most of their backward pass
        on that arithmetic.
        """
        data = self.unpack(node)._data
        return data[()] if data.ndim == 0 else data

    def unpack(self, node=None):  # node: the same signature as SavedResult.unpack
        if self.hooks_unpack is not None:
            if self.counter.value != self.version:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by "
                    f"an inplace operation: a tensor saved by {self.node_name} is at version "
                    f"{self.counter.value}; expected version {self.version} instead.")
            return self._unpacked_by_hook()
        t = self.tensor
        counter = t._version_counter
        if counter is not None and counter.value != self.version:
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [{t.dtype.name} {list(t.shape)}], which is output 0 of "
                f"{self.node_name}, is at version {counter.value}; expected version "
                f"{self.version} instead. Fix: use the out-of-place form of the operation "
                "(e.g. x = x * 2 instead of x *= 2), or .clone() the tensor before changing it."
            )
        if t._detached:  # its history, which create_graph would follow, is gone
            raise RuntimeError(
                "Trying to use a saved tensor that has been detached in-place, i.e. with "
                ".detach_().This is not supported, please use out-of-place `.detach()` instead")
        return t


    def _unpacked_by_hook(self):
        t = self.hooks_unpack(self.tensor)
        if not isinstance(t, Tensor):
            raise TypeError("Output of saved tensor unpack_hook expected to be a Tensor but got "
                            f"result of type {type(t).__name__}")
        if grad_mode.state.enabled and self.edge is not None:  # create_graph: its history
            alias = Tensor._make(t._data)
            alias._requires_grad = True
            alias._grad_fn, alias._output_nr = self.edge
            return alias
        return t


class SavedResult:
    """The output of an op, kept for its own backward (``result`` in a formula).

    Only the array and the output's version are kept, not the output tensor:
    the tensor points at this node, and this node pointing back would make a
    reference cycle that only ``gc`` could free.  Inside ``saved_tensors_hooks``
    the output goes through the pack hook like any saved tensor (``data`` is None
    then), as in PyTorch.
    """

    # history: set only for the output of an in-place op through a view (engine.inplace): a
    # callable giving the edge the view's history now starts at, or None once there is none
    # (PyTorch's weak_grad_fn_); left unset on every other result, so saving one costs nothing.
    __slots__ = ("data", "counter", "version", "output_nr", "packed", "hooks_unpack", "history")

    def __init__(self, result, output_nr: int = 0) -> None:
        # (C twin, outside saved_tensors_hooks: _core_saved.c new_saved_result.)
        self.output_nr = output_nr
        counter = result._version_counter
        if counter is None:
            counter = result._version_counter = VersionCounter()
        self.counter = counter
        self.version = counter.value
        if SAVED_TENSORS_HOOKS:
            pack, self.hooks_unpack = SAVED_TENSORS_HOOKS[-1]
            self.packed = pack(result)
            self.data = None
        else:
            self.data = result._data

    def unpack_data(self, node=None):
        """The saved array (a 0-d one as a NumPy scalar), after ``unpack``'s version check.
        (C twin, where no hook is involved: ``_core_saved.c`` unpack_data.)"""
        data = self.data
        if data is None or self.counter.value != self.version:
            data = self.unpack(node)._data  # (raises on a version mismatch, with the message)
        return data[()] if data.ndim == 0 else data  # see SavedTensor.unpack_data

    def unpack(self, node=None):
        if self.counter.value != self.version:
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: the output 0 of {node.name()} is at version "
                f"{self.counter.value}; expected version {self.version} instead. Fix: use the "
                "out-of-place form of the operation, or .clone() the result before changing it."
            )
        if self.data is None:  # saved through saved_tensors_hooks
            data = self.hooks_unpack(self.packed)
            if not isinstance(data, Tensor):
                raise TypeError("Output of saved tensor unpack_hook expected to be a Tensor "
                                f"but got result of type {type(data).__name__}")
            data = data._data
        else:
            data = self.data
        t = Tensor._make(data)
        if grad_mode.state.enabled:  # create_graph: the result's own history matters
            t._requires_grad = True
            t._grad_fn = node
            t._output_nr = self.output_nr
            history = getattr(self, "history", None)
            edge = history() if history is not None else None
            if edge is not None:  # written into a view: the view's history is its own
                t._grad_fn, t._output_nr = edge
        return t


SAVED_KINDS = (SavedTensor, SavedResult)  # saved values that unpack to tensors
