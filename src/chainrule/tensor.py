"""The Tensor: an array, plus what autograd needs to know about it.

A tensor holds a NumPy array (``_data``) and, if it was computed from tensors
that require grad, the node that computed it (``grad_fn``).  This module says
what a tensor *is*: its data, shape and dtype, its place in the graph
(``requires_grad``, ``grad_fn``, ``grad``, ``is_leaf``), conversions to Python
and NumPy, and printing.  What a tensor *does* -- ``x + y``, ``x.exp()``,
``x.backward()`` -- is bound to the class by ``chainrule.tensor_methods``, the
layer above the operations, because those methods are the ``torch.*``
functions and the autograd entry points, which are built on this class.
"""
from __future__ import annotations

import builtins
import copy
import math
import warnings

from . import _dtypes, _printing, _tracing
from ._backend import ndarray, xp
from ._dtypes import _BY_NUMPY
from ._dtypes import dtype as _dtype_class
from ._shapes import size_argument, wrap_dim


class VersionCounter:
    """Counts the in-place changes to one storage; shared by a tensor and its views.

    A node that saved a tensor for backward remembers the count; if it has moved
    on when backward runs, the saved values are stale and backward refuses them.
    """

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``torch.Size([2, 3])``.

    >>> torch.zeros(2, 3).shape
    torch.Size([2, 3])
    """

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    def numel(self) -> int:
        return math.prod(self)


class device:
    """A device name, as ``torch.device``; chainrule computes on the CPU only.

    A non-CPU device can be named (``torch.device('cuda')``), as in PyTorch built
    without CUDA, but putting a tensor there raises.

    >>> torch.ones(1).device
    device(type='cpu')
    >>> torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    device(type='cpu')
    """

    def __init__(self, type: str = "cpu", index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        name, _, number = str(type).partition(":")
        self.type = name
        self.index = int(number) if number else index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


def _to_arguments(args, kwargs):
    """The dtype asked for by ``.to(...)`` (a dtype, a tensor to match, or ``dtype=``), or None.

    Shared by ``Tensor.to`` and ``Module.to``; a device other than the CPU raises.
    """
    target = kwargs.get("dtype")
    for a in args:
        if isinstance(a, _dtype_class):
            target = a
        elif isinstance(a, Tensor):
            target = a.dtype
        elif isinstance(a, (str, device)):
            _on_cpu(a)
    _on_cpu(kwargs.get("device"))
    return target


def _on_cpu(where) -> None:
    """Refuse to put data on a device other than the CPU, as PyTorch built without CUDA does."""
    if where is not None and device(where).type != "cpu":
        raise AssertionError(
            "Torch not compiled with CUDA enabled. Fix: chainrule computes on the CPU; use "
            "torch.device('cpu'), or choose the device with torch.cuda.is_available().")


_CPU = device("cpu")


# Attributes of a tensor that only autograd reads (defaults on the class; set per tensor).
_AUTOGRAD_STATE = frozenset({"_base", "_attr_version", "_creation_meta", "_accumulator",
                             "_hooks", "_post_accumulate_hooks", "_retains_grad", "_fw_grad",
                             "_detached"})


class Tensor:
    """A multi-dimensional array that can record the operations applied to it.

    >>> w = torch.ones(3, requires_grad=True)
    >>> loss = (w * torch.tensor([1.0, 2.0, 3.0])).sum()
    >>> loss.grad_fn.name(), w.is_leaf, loss.is_leaf
    ('SumBackward0', True, False)
    """

    __slots__ = ("_data", "_requires_grad", "_grad_fn", "_output_nr", "_grad", "_version_counter",
                 "__weakref__", "__dict__")

    # Attributes most tensors never set: defaults on the class, so that making a
    # tensor writes six slots (creating tensors is the hot path of every op).
    _base = None  # the tensor whose memory a view shares
    # A view's version count when its history was set: once the count (shared with the
    # base) moves on, the view is re-derived from its base (see engine.op.gradient_edge).
    # Most views are taken at count 0, the default, and so write nothing.
    _attr_version = 0
    _creation_meta = None  # why an in-place change through this view is refused (engine.views)
    _accumulator = None  # weak reference to a leaf's AccumulateGrad node
    _hooks = None
    _post_accumulate_hooks = None
    _retains_grad = False
    _fw_grad = None  # forward-mode tangent
    _detached = False  # a non-leaf cut from its history by detach_() (engine.saved refuses it)

    # Make NumPy hand mixed operations (ndarray * tensor, np.float64 * tensor) to us.
    __array_priority__ = 1000

    def __new__(cls, *args, **kwargs):
        return object.__new__(cls)

    def __init__(self, *args, dtype=None, device=None, requires_grad: bool = False):
        # torch.Tensor(data) / torch.Tensor(2, 3): the legacy constructor, float32.
        if len(args) == 1 and not isinstance(args[0], int):
            data = _to_array(args[0], _dtypes.get_default_dtype() if dtype is None else dtype)
        else:
            data = xp.empty(tuple(args), dtype=(dtype or _dtypes.get_default_dtype()).np)
        _init(self, data)
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _make(cls, data: ndarray) -> "Tensor":
        # The constructor used by every operation: every slot set directly, without the
        # argument parsing of a general __init__.  (C twin, bound in its place where the core
        # is compiled: _core_front.c FastMethod kind "make", tensor_methods.py.)
        t = object.__new__(cls)
        _init(t, data)
        return t

    # --- attributes --------------------------------------------------------------
    @property
    def shape(self) -> Size:
        """The size of each dimension, as a ``torch.Size`` (a tuple).

        >>> torch.zeros(2, 3).shape
        torch.Size([2, 3])
        """
        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        """The shape, or the length of one dimension.

        >>> torch.zeros(2, 3).size(-1)
        3
        """
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[wrap_dim(dim, self._data.ndim)] if self._data.ndim else 1

    @property
    def dtype(self) -> _dtype_class:
        """The element type.

        >>> torch.tensor([1, 2]).dtype, torch.tensor([1., 2.]).dtype
        (torch.int64, torch.float32)
        """
        return _BY_NUMPY[self._data.dtype]

    @property
    def ndim(self) -> int:
        """The number of dimensions.

        >>> torch.zeros(2, 3).ndim
        2
        """
        return self._data.ndim

    def dim(self) -> int:
        """The number of dimensions (``ndimension()`` is the same).

        >>> torch.zeros(2, 3).dim()
        2
        """
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        """The number of elements (``nelement()`` is the same).

        >>> torch.zeros(2, 3).numel()
        6
        """
        return self._data.size

    nelement = numel

    @property
    def device(self) -> device:
        """The device the data lives on: always the CPU.

        >>> torch.zeros(1).device
        device(type='cpu')
        """
        return _CPU

    @property
    def is_cuda(self) -> bool:
        """Whether the data is on a CUDA GPU: never, in chainrule.

        >>> torch.zeros(1).is_cuda
        False
        """
        return False

    def is_floating_point(self) -> bool:
        """True if the dtype is a floating-point type.

        >>> torch.tensor([1.]).is_floating_point(), torch.tensor([1]).is_floating_point()
        (True, False)
        """
        return self.dtype.is_floating_point

    def is_complex(self) -> bool:
        """True if the dtype is complex (chainrule has no complex dtypes).

        >>> torch.zeros(1).is_complex()
        False
        """
        return False

    def element_size(self) -> int:
        """The size of one element in bytes.

        >>> torch.zeros(1).element_size(), torch.tensor([1]).element_size()
        (4, 8)
        """
        return self._data.itemsize

    @property
    def data(self) -> "Tensor":
        """The same data, out of the graph; assigning to it replaces the data without autograd
        noticing.

        >>> x = torch.ones(2, requires_grad=True)
        >>> x.data
        tensor([1., 1.])
        """
        return self.detach()

    @data.setter
    def data(self, value: "Tensor") -> None:
        if self._requires_grad and value._data.dtype.kind not in "fc":
            raise RuntimeError(
                "data set to a tensor that requires gradients must be floating point or complex "
                f"dtype. Fix: convert the new data first (.data = new.to({self.dtype})).")
        self._data = value._data

    @property
    def _version(self) -> int:
        return 0 if self._version_counter is None else self._version_counter.value

    def _bump_version(self) -> None:
        if self._version_counter is None:
            self._version_counter = VersionCounter()
        self._version_counter.value += 1

    # --- autograd state ----------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        """Whether operations on this tensor are recorded for backward.

        >>> torch.ones(2, requires_grad=True).requires_grad, torch.ones(2).requires_grad
        (True, False)

        A view requires grad when its base does, as in PyTorch (also one taken under
        ``no_grad()``: changing it in place is refused, see ``engine.views``).
        """
        return self._requires_grad or (self._base is not None and self._base._requires_grad)

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self._grad_fn is not None:
            if value:
                return
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach().")
        if value and not self.dtype.is_floating_point:
            raise RuntimeError(
                "only Tensors of floating point dtype can require gradients. Fix: create the "
                "tensor with a float dtype, e.g. torch.tensor([1., 2.]) or x.float().")
        self._requires_grad = builtins.bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        """Start (or stop) recording operations on this leaf tensor; returns it.

        >>> torch.arange(4.0).requires_grad_()
        tensor([0., 1., 2., 3.], requires_grad=True)

        (C twin for a float leaf, bound where the core is compiled: ``_core_front.c``
        FastMethod, kind "requires_grad".)
        """
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        """True for tensors not produced by a recorded operation (their ``.grad`` is filled).

        >>> x = torch.ones(2, requires_grad=True)
        >>> x.is_leaf, (x * 2).is_leaf
        (True, False)
        """
        return self._grad_fn is None

    @property
    def grad(self):
        """The gradient accumulated here by ``backward()`` (None until then).

        >>> x = torch.ones(2, requires_grad=True)
        >>> (3 * x).sum().backward()
        >>> x.grad
        tensor([3., 3.])
        """
        if self._grad_fn is not None and not self._retains_grad:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
                ".grad attribute won't be populated during autograd.backward(). If you indeed "
                "want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() "
                "on the non-leaf Tensor.", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of "
                                f"type {type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(
                    f"assigned grad has data of a different size: {list(value.shape)} vs "
                    f"{list(self.shape)}")
        self._grad = value
        if _tracing.tracer is not None:
            _tracing.tracer.grad_set(self, value)

    @property
    def output_nr(self) -> int:
        """Which output of its ``grad_fn`` this tensor is.

        >>> y = torch.ones(2, requires_grad=True) * 2
        >>> y.output_nr, y.unbind()[1].output_nr
        (0, 1)
        """
        return self._output_nr

    @property
    def retains_grad(self) -> bool:
        """True if ``retain_grad()`` was called on this non-leaf tensor.

        >>> y = torch.ones(2, requires_grad=True) * 2
        >>> y.retains_grad
        False
        >>> y.retain_grad(); y.retains_grad
        True
        """
        return self._retains_grad

    def detach(self) -> "Tensor":
        """A tensor with the same data (and version counter) that is out of the graph.

        >>> x = torch.ones(1, requires_grad=True)
        >>> (x * 2).detach().requires_grad
        False
        """
        t = Tensor._make(self._data)
        if self._version_counter is None:
            self._version_counter = VersionCounter()
        t._version_counter = self._version_counter
        return t  # shares memory but is no view for autograd: in-place on it leaves self's graph

    def detach_(self) -> "Tensor":
        """Cut this tensor from the graph, in place (it becomes a leaf that does not require grad).

        >>> y = torch.ones(2, requires_grad=True) * 2
        >>> y.detach_().requires_grad, y.grad_fn
        (False, None)
        """
        if self._base is not None:
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using "
                "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set "
                "as True, gradients are views of DDP buckets, and hence detach_() cannot be "
                "called on these gradients. To fix this error, please refer to the "
                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.")
        if self._grad_fn is not None:
            self._detached = True  # a node that saved it can no longer follow its history
        self._grad_fn = None
        self._requires_grad = False
        return self

    # --- conversions --------------------------------------------------------------
    def item(self):
        """The value of a one-element tensor as a Python number.

        >>> torch.tensor([2.5]).item()
        2.5
        """
        if _tracing.tracer is not None:  # chainrule.compile cannot replay Python reading it
            _tracing.tracer.value_read(self)
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        """The data as (nested) Python lists of numbers.

        >>> torch.tensor([[1, 2], [3, 4]]).tolist()
        [[1, 2], [3, 4]]
        >>> torch.tensor(1.5).tolist()
        1.5
        """
        if _tracing.tracer is not None:
            _tracing.tracer.value_read(self)
        return self._data.tolist()

    def is_contiguous(self, memory_format=None) -> bool:
        """True if the elements are laid out in row-major order without gaps.

        >>> x = torch.zeros(2, 3)
        >>> x.is_contiguous(), x.t().is_contiguous()
        (True, False)
        """
        return builtins.bool(self._data.flags.c_contiguous)

    def cpu(self) -> "Tensor":
        """The tensor on the CPU: ``self``, since chainrule computes there.

        >>> torch.ones(1).cpu()
        tensor([1.])
        """
        return self

    def cuda(self, *args, **kwargs):
        """Move to a CUDA GPU: chainrule has none, so this raises as PyTorch without CUDA does.

        >>> torch.ones(1).cuda()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
            ...
        AssertionError: Torch not compiled with CUDA enabled. ...
        """
        _on_cpu("cuda")

    def __float__(self) -> float:
        if self._requires_grad:
            warnings.warn(  # as PyTorch 2.13 warns (only for float(), not item() or int())
                "Converting a tensor with requires_grad=True to a scalar may lead to unexpected "
                "behavior.\nConsider using tensor.detach() first.", UserWarning, stacklevel=2)
        return builtins.float(self._one_number())

    def __int__(self) -> int:
        return builtins.int(self._one_number())

    def _one_number(self):
        # float(), int() and math.* raise ValueError here, where item() raises RuntimeError
        if _tracing.tracer is not None:
            _tracing.tracer.value_read(self)
        if self._data.size != 1:
            raise ValueError(
                "only one element tensors can be converted to Python scalars. Fix: reduce the "
                "tensor first (.sum(), .mean()) or pick one element (x[0]); this one has "
                f"{self._data.size} elements.")
        return self._data.reshape(()).item()

    def __bool__(self) -> bool:
        if _tracing.tracer is not None:
            _tracing.tracer.value_read(self)
        if self._data.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with more than one value is ambiguous. Fix: use "
                f".any() or .all() (this tensor has {self._data.size} elements).")
        return builtins.bool(self._data.reshape(()).item())

    def __index__(self) -> int:
        if self.dtype.is_floating_point or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return builtins.int(self.item())

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec) if spec else repr(self)

    def __repr__(self) -> str:
        if _tracing.tracer is not None:
            _tracing.tracer.value_read(self)
        # The node's class name, as PyTorch prints it (name() may carry a C++ namespace).
        try:
            node = self.grad_fn  # (re-derived first, for a view whose base changed in place)
        except RuntimeError:
            # A view that cannot be re-derived (taken in no_grad mode, its base changed in
            # place since) has no valid grad_fn: PyTorch prints it as Invalid.
            grad_fn = "Invalid"
        else:
            grad_fn = type(node).__name__ if node is not None else None
        return _printing.tensor_repr(
            self._data, self.dtype.name, requires_grad=self.requires_grad and grad_fn is None,
            grad_fn=grad_fn, default_dtype=_dtypes.get_default_dtype().name,
            tangent=None if self._fw_grad is None else f"{self._fw_grad}")

    __str__ = __repr__

    def __hash__(self) -> int:
        return id(self)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self._data, self._requires_grad))

    def __deepcopy__(self, memo):
        if self._grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                               "support the deepcopy protocol at the moment.")
        t = type(self).__new__(type(self))
        _init(t, self._data.copy())
        t._requires_grad = self._requires_grad
        if self._grad is not None:
            t._grad = self._grad.clone()
        # The Python attributes a user or a subclass set travel; autograd's own (hooks, the
        # leaf's AccumulateGrad, retain_grad, views, tangents) belong to this tensor only.
        own = {k: v for k, v in getattr(self, "__dict__", {}).items() if k not in _AUTOGRAD_STATE}
        if own:
            t.__dict__.update(copy.deepcopy(own, memo))
        memo[id(self)] = t
        return t

    # --- new tensors like this one -------------------------------------------------
    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False) -> "Tensor":
        """Zeros of the given size with this tensor's dtype.

        >>> torch.tensor([1, 2]).new_zeros(3)
        tensor([0, 0, 0])
        """
        _on_cpu(device)
        return _new(xp.zeros, size, dtype or self.dtype, requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False) -> "Tensor":
        """Ones of the given size with this tensor's dtype.

        >>> torch.tensor([1, 2]).new_ones(2, 2)
        tensor([[1, 1],
                [1, 1]])
        """
        _on_cpu(device)
        return _new(xp.ones, size, dtype or self.dtype, requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False) -> "Tensor":
        """An uninitialised (zero) tensor of the given size with this tensor's dtype.

        >>> torch.zeros(1).new_empty(3).shape
        torch.Size([3])
        """
        _on_cpu(device)
        return _new(xp.zeros, size, dtype or self.dtype, requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        """``fill_value`` everywhere, of the given size with this tensor's dtype.

        >>> torch.zeros(1).new_full((2,), 7.)
        tensor([7., 7.])
        """
        _on_cpu(device)
        t = Tensor._make(xp.full(size_argument(size), fill_value, dtype=(dtype or self.dtype).np))
        return t.requires_grad_(requires_grad)

    def __pos__(self):
        return self


def _init(t: Tensor, data: ndarray) -> None:
    """Every slot of a new tensor ``t``: a leaf around ``data`` (``Tensor._make``,
    ``__init__``; engine/op.py's ``Op.__call__`` inlines the same six lines)."""
    t._data = data
    t._requires_grad = False
    t._grad_fn = None
    t._output_nr = 0
    t._grad = None
    t._version_counter = None


def from_array(array) -> Tensor:
    """A tensor around ``array`` (a NumPy scalar becomes a 0-d array first), out of any graph.

    >>> from_array(np.float32(2.0))
    tensor(2.)
    """
    return Tensor._make(array if type(array) is ndarray else xp.asarray(array))


def _rebuild(data, requires_grad):
    t = Tensor._make(data)
    t._requires_grad = requires_grad
    return t


def _new(fill, size, dtype, requires_grad) -> Tensor:
    return Tensor._make(fill(size_argument(size), dtype=dtype.np)).requires_grad_(requires_grad)


def _to_array(data, dtype) -> ndarray:
    if isinstance(data, Tensor):
        return data._data.astype(dtype.np)
    return xp.array(data, dtype=dtype.np)
