"""DLPack: zero-copy exchange of tensors with NumPy (2 or newer), PyTorch and other libraries.

``torch.from_dlpack(t)`` / ``numpy.from_dlpack(t)`` see a chainrule tensor's memory
(``Tensor.__dlpack__``), and ``chainrule.from_dlpack(obj)`` sees theirs: a write on one
side is seen on the other.  As in PyTorch, a tensor that requires grad refuses to be
exported (the other library would not record what it does with it), and each side
keeps its own version counter: an in-place change through chainrule moves the
counter of the chainrule tensor it was made on, which protects the values autograd
saved, and a write made through the other library moves none.
"""
from __future__ import annotations

from .._backend import xp
from ..tensor import Tensor
from .creation import from_numpy


def export(tensor, stream=None, max_version=None, dl_device=None, copy=None):
    """The DLPack capsule of ``tensor``'s array (``Tensor.__dlpack__``)."""
    if tensor.requires_grad:
        raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
    return tensor.numpy().__dlpack__(stream=stream, max_version=max_version,
                                     dl_device=dl_device, copy=copy)


def device(tensor) -> tuple:
    """``(device type, device id)`` as DLPack numbers them: (1, 0) is the CPU."""
    return tensor.numpy(force=True).__dlpack_device__()


def from_dlpack(ext_tensor):
    """A tensor sharing memory with ``ext_tensor``, any object that speaks DLPack (a NumPy
    array, a PyTorch tensor, another chainrule tensor, ...) on the CPU, or a DLPack capsule
    (``torch.to_dlpack``'s, read-only as NumPy reads capsules).

    >>> a = np.arange(3.0)
    >>> t = torch.from_dlpack(a)
    >>> t[0] = 7.0
    >>> a
    array([7., 1., 2.])
    """
    if type(ext_tensor).__name__ == "PyCapsule":  # torch.to_dlpack's capsule
        ext_tensor = _Capsule(ext_tensor)
    if isinstance(ext_tensor, Tensor):  # another chainrule tensor: share its array
        if ext_tensor.requires_grad:
            export(ext_tensor)  # raises, as for any consumer
        return from_numpy(ext_tensor.numpy())
    if not hasattr(ext_tensor, "__dlpack__"):
        raise RuntimeError(
            "from_dlpack received an invalid capsule. Fix: pass an object that speaks DLPack "
            f"(a NumPy array, a PyTorch tensor, ...), not a {type(ext_tensor).__name__}; "
            "torch.tensor(data) makes a tensor from Python data.")
    try:
        array = xp.from_dlpack(ext_tensor)
    except BufferError:
        raise  # e.g. a PyTorch tensor that requires grad: its message says what to do
    except (TypeError, RuntimeError, ValueError) as e:
        if "dtype" in str(e).lower():
            fix = ("convert it on the other side first (chainrule has float16/32/64, "
                   "int8/16/32/64, uint8 and bool)")
        else:
            fix = "chainrule computes on the CPU; move the data there first (x.cpu())"
        raise type(e)(f"{e} Fix: {fix}.") from None
    try:
        return from_numpy(array)
    except TypeError:
        raise TypeError(f"from_dlpack: chainrule has no dtype {array.dtype}. Fix: convert it "
                        "on the other side first (float16/32/64, int8/16/32/64, uint8 or "
                        "bool).") from None


class _Capsule:
    """A bare DLPack capsule wrapped so that ``numpy.from_dlpack`` (which wants
    ``__dlpack__``) can consume it.  NumPy reads such a capsule read-only."""

    def __init__(self, capsule) -> None:
        self._capsule = capsule

    def __dlpack__(self, **kwargs):
        return self._capsule

    def __dlpack_device__(self) -> tuple:
        return (1, 0)  # the CPU: chainrule's capsules come from NumPy arrays
