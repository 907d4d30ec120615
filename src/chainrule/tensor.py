"""The public Tensor: an array, plus what autograd needs to know about it.

A tensor holds a NumPy array (``_data``) and, if it was computed from tensors
that require grad, the node that computed it (``grad_fn``).  Every operator
and method here hands the work to a function in ``chainrule.ops``; this module
is the PyTorch-shaped surface: dtype promotion, argument spellings, errors and
printing.
"""
from __future__ import annotations

import builtins
import math
import warnings

from . import _dtypes, _printing
from . import autograd as _autograd
from ._backend import ndarray, xp
from ._dtypes import _BY_NUMPY
from ._dtypes import dtype as _dtype_class
from .autograd import function as _function
from .autograd import grad_mode
from .autograd.graph import VersionCounter
from .ops import linalg as L
from .ops import pointwise as P
from .ops import shape as S


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``torch.Size([2, 3])``.

    >>> import chainrule as torch
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

    >>> import chainrule as torch
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


def _is_number(x) -> bool:
    return isinstance(x, (int, float, builtins.bool, xp.number, xp.bool_))


def _scalar(x):
    """A NumPy scalar as the Python number it stands for (so it promotes like one)."""
    if isinstance(x, xp.generic):
        # PyTorch reads a NumPy bool as a float (t + np.True_ is a float tensor).
        return float(x) if isinstance(x, xp.bool_) else x.item()
    return x


class Tensor:
    """A multi-dimensional array that can record the operations applied to it.

    >>> import chainrule as torch
    >>> x = torch.tensor(1.0, requires_grad=True)
    >>> y = 3 * x ** 2 - 4 * x
    >>> y.backward()
    >>> x.grad
    tensor(2.)
    """

    __slots__ = ("_data", "_requires_grad", "grad_fn", "_output_nr", "_grad", "_version_counter",
                 "__weakref__", "__dict__")

    # Attributes most tensors never set: defaults on the class, so that making a
    # tensor writes six slots (creating tensors is the hot path of every op).
    _base = None  # the tensor whose memory a view shares
    _view_base_fn = None  # the base's grad_fn when this view was taken (see gradient_edge)
    _accumulator = None  # weak reference to a leaf's AccumulateGrad node
    _hooks = None
    _post_accumulate_hooks = None
    _retains_grad = False
    _fw_grad = None  # forward-mode tangent

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
        # The constructor used by every operation: no argument parsing, every slot set
        # directly (about 0.3 µs instead of several for a general __init__).
        t = object.__new__(cls)
        t._data = data
        t._requires_grad = False
        t.grad_fn = None
        t._output_nr = 0
        t._grad = None
        t._version_counter = None
        return t

    # --- attributes --------------------------------------------------------------
    @property
    def shape(self) -> Size:
        """The size of each dimension, as a ``torch.Size`` (a tuple).

        >>> import chainrule as torch
        >>> torch.zeros(2, 3).shape
        torch.Size([2, 3])
        """
        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        """The shape, or the length of one dimension.

        >>> import chainrule as torch
        >>> torch.zeros(2, 3).size(-1)
        3
        """
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[S._wrap_dim(dim, self._data.ndim)] if self._data.ndim else 1

    @property
    def dtype(self) -> _dtype_class:
        """The element type.

        >>> import chainrule as torch
        >>> torch.tensor([1, 2]).dtype, torch.tensor([1., 2.]).dtype
        (torch.int64, torch.float32)
        """
        return _BY_NUMPY[self._data.dtype]

    @property
    def ndim(self) -> int:
        """The number of dimensions.

        >>> import chainrule as torch
        >>> torch.zeros(2, 3).ndim
        2
        """
        return self._data.ndim

    def dim(self) -> int:
        """The number of dimensions (``ndimension()`` is the same).

        >>> import chainrule as torch
        >>> torch.zeros(2, 3).dim()
        2
        """
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        """The number of elements (``nelement()`` is the same).

        >>> import chainrule as torch
        >>> torch.zeros(2, 3).numel()
        6
        """
        return self._data.size

    nelement = numel

    @property
    def device(self) -> device:
        """The device the data lives on: always the CPU.

        >>> import chainrule as torch
        >>> torch.zeros(1).device
        device(type='cpu')
        """
        return _CPU

    @property
    def is_cuda(self) -> bool:
        """Whether the data is on a CUDA GPU: never, in chainrule.

        >>> import chainrule as torch
        >>> torch.zeros(1).is_cuda
        False
        """
        return False

    def is_floating_point(self) -> bool:
        """True if the dtype is a floating-point type.

        >>> import chainrule as torch
        >>> torch.tensor([1.]).is_floating_point(), torch.tensor([1]).is_floating_point()
        (True, False)
        """
        return self.dtype.is_floating_point

    def is_complex(self) -> bool:
        """True if the dtype is complex (chainrule has no complex dtypes).

        >>> import chainrule as torch
        >>> torch.zeros(1).is_complex()
        False
        """
        return False

    def element_size(self) -> int:
        """The size of one element in bytes.

        >>> import chainrule as torch
        >>> torch.zeros(1).element_size(), torch.tensor([1]).element_size()
        (4, 8)
        """
        return self._data.itemsize

    @property
    def T(self) -> "Tensor":
        """All dimensions reversed (the transpose of a matrix).

        >>> import chainrule as torch
        >>> torch.tensor([[1, 2], [3, 4]]).T
        tensor([[1, 3],
                [2, 4]])
        """
        if self.ndim >= 2:  # PyTorch records .T as a permute, also for matrices
            return self.permute(tuple(range(self.ndim - 1, -1, -1)))
        return S.alias_op(self)

    @property
    def mT(self) -> "Tensor":
        """The last two dimensions swapped (a batch of transposed matrices).

        >>> import chainrule as torch
        >>> torch.zeros(5, 2, 3).mT.shape
        torch.Size([5, 3, 2])
        """
        if self.ndim < 2:
            raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                               f"Got {self.ndim}-D tensor.")
        return self.transpose(-2, -1)

    @property
    def H(self) -> "Tensor":
        """The conjugate transpose; for real tensors the same as ``T``.

        >>> import chainrule as torch
        >>> torch.tensor([[1, 2], [3, 4]]).H
        tensor([[1, 3],
                [2, 4]])
        """
        return self.T

    @property
    def mH(self) -> "Tensor":
        """The conjugate of ``mT``; for real tensors the same as ``mT``.

        >>> import chainrule as torch
        >>> torch.zeros(5, 2, 3).mH.shape
        torch.Size([5, 3, 2])
        """
        return self.mT

    @property
    def data(self) -> "Tensor":
        """The same data, out of the graph; assigning to it replaces the data without autograd
        noticing.

        >>> import chainrule as torch
        >>> x = torch.ones(2, requires_grad=True)
        >>> x.data
        tensor([1., 1.])
        """
        return self.detach()

    @data.setter
    def data(self, value: "Tensor") -> None:
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

        >>> import chainrule as torch
        >>> torch.ones(2, requires_grad=True).requires_grad, torch.ones(2).requires_grad
        (True, False)
        """
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self.grad_fn is not None:
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

        >>> import chainrule as torch
        >>> torch.arange(4.0).requires_grad_()
        tensor([0., 1., 2., 3.], requires_grad=True)
        """
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        """True for tensors not produced by a recorded operation (their ``.grad`` is filled).

        >>> import chainrule as torch
        >>> x = torch.ones(2, requires_grad=True)
        >>> x.is_leaf, (x * 2).is_leaf
        (True, False)
        """
        return self.grad_fn is None

    @property
    def grad(self):
        """The gradient accumulated here by ``backward()`` (None until then).

        >>> import chainrule as torch
        >>> x = torch.ones(2, requires_grad=True)
        >>> (3 * x).sum().backward()
        >>> x.grad
        tensor([3., 3.])
        """
        if self.grad_fn is not None and not self._retains_grad:
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

    @property
    def output_nr(self) -> int:
        """Which output of its ``grad_fn`` this tensor is.

        >>> import chainrule as torch
        >>> y = torch.ones(2, requires_grad=True) * 2
        >>> y.output_nr, y.unbind()[1].output_nr
        (0, 1)
        """
        return self._output_nr

    def retain_grad(self) -> None:
        """Keep the gradient of this non-leaf tensor in ``.grad`` during backward.

        >>> import chainrule as torch
        >>> x = torch.ones(2, requires_grad=True); y = x * 2; y.retain_grad()
        >>> y.sum().backward(); y.grad
        tensor([1., 1.])
        """
        if self.grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if self._retains_grad:
            return
        import weakref
        ref = weakref.ref(self)

        def store(grad):
            t = ref()
            if t is not None:
                if t._grad is None:
                    t._grad = grad.detach().clone()
                else:
                    t._grad = t._grad + grad.detach()
        self.grad_fn._add_tensor_pre_hook(self._output_nr, store)
        self._retains_grad = True

    @property
    def retains_grad(self) -> bool:
        """True if ``retain_grad()`` was called on this non-leaf tensor.

        >>> import chainrule as torch
        >>> y = torch.ones(2, requires_grad=True) * 2
        >>> y.retains_grad
        False
        >>> y.retain_grad(); y.retains_grad
        True
        """
        return self._retains_grad

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new one.

        >>> import chainrule as torch
        >>> x = torch.ones(2, requires_grad=True)
        >>> h = x.register_hook(lambda g: g * 10)
        >>> x.sum().backward(); x.grad
        tensor([10., 10.])
        """
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            return self.grad_fn._add_tensor_pre_hook(self._output_nr, hook)
        if self._hooks is None:
            self._hooks = []
        from .autograd.graph import _RemovableHandle
        self._hooks.append(hook)
        return _RemovableHandle(self._hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Call ``hook(tensor)`` on a leaf after its ``.grad`` has been updated.

        >>> import chainrule as torch
        >>> x = torch.ones(2, requires_grad=True); seen = []
        >>> h = x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
        >>> (2 * x).sum().backward(); seen
        [[2.0, 2.0]]
        """
        if self.grad_fn is not None:
            raise RuntimeError(
                "post accumulate grad hooks cannot be registered on non-leaf tensors")
        if self._post_accumulate_hooks is None:
            self._post_accumulate_hooks = []
        from .autograd.graph import _RemovableHandle
        self._post_accumulate_hooks.append(hook)
        return _RemovableHandle(self._post_accumulate_hooks, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph: bool = False,
                 inputs=None) -> None:
        """Compute the gradient of this tensor with respect to the leaves, into their ``.grad``.

        >>> import chainrule as torch
        >>> x = torch.arange(4.0, requires_grad=True)
        >>> (2 * torch.dot(x, x)).backward()
        >>> x.grad
        tensor([ 0.,  4.,  8., 12.])
        """
        _autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self) -> "Tensor":
        """A tensor with the same data (and version counter) that is out of the graph.

        >>> import chainrule as torch
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

        >>> import chainrule as torch
        >>> y = torch.ones(2, requires_grad=True) * 2
        >>> y.detach_().requires_grad, y.grad_fn
        (False, None)
        """
        self.grad_fn = None
        self._requires_grad = False
        return self

    # --- conversions --------------------------------------------------------------
    def item(self):
        """The value of a one-element tensor as a Python number.

        >>> import chainrule as torch
        >>> torch.tensor([2.5]).item()
        2.5
        """
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        """The data as (nested) Python lists of numbers.

        >>> import chainrule as torch
        >>> torch.tensor([[1, 2], [3, 4]]).tolist()
        [[1, 2], [3, 4]]
        >>> torch.tensor(1.5).tolist()
        1.5
        """
        return self._data.tolist()

    def numpy(self, force: bool = False) -> ndarray:
        """The data as a NumPy array, sharing memory.

        >>> import chainrule as torch
        >>> torch.ones(2).numpy()
        array([1., 1.], dtype=float32)
        """
        if self._requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        if self._requires_grad:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead.")
        data = self._data
        if type(data) is not ndarray:  # a 0-d tensor may hold a NumPy scalar: NumPy wants arrays
            data = xp.asarray(data)
        if dtype is not None and dtype != data.dtype:
            return data.astype(dtype)
        return data.copy() if copy else data

    def clone(self, memory_format=None) -> "Tensor":
        """A copy that stays in the graph (its gradient flows back to this tensor).

        >>> import chainrule as torch
        >>> torch.tensor([1., 2.], requires_grad=True).clone()
        tensor([1., 2.], grad_fn=<CloneBackward0>)
        """
        return S.clone_op(self)

    def contiguous(self, memory_format=None) -> "Tensor":
        """A tensor with the same values laid out contiguously (chainrule returns ``self``: NumPy
        handles any layout).

        >>> import chainrule as torch
        >>> torch.zeros(2, 3).t().contiguous().shape
        torch.Size([3, 2])
        """
        return self

    def is_contiguous(self, memory_format=None) -> bool:
        """True if the elements are laid out in row-major order without gaps.

        >>> import chainrule as torch
        >>> x = torch.zeros(2, 3)
        >>> x.is_contiguous(), x.t().is_contiguous()
        (True, False)
        """
        return builtins.bool(self._data.flags.c_contiguous)

    def to(self, *args, **kwargs) -> "Tensor":
        """Convert the dtype (the device is always the CPU).

        >>> import chainrule as torch
        >>> torch.tensor([1, 2]).to(torch.float32)
        tensor([1., 2.])
        """
        target = _to_arguments(args, kwargs)
        if target is None or target is self.dtype:
            return self.clone() if kwargs.get("copy") else self
        return S.to_copy(self, target.np)

    def type(self, dtype=None):
        """The legacy type name with no argument; otherwise a conversion to ``dtype``.

        >>> import chainrule as torch
        >>> torch.zeros(1).type()
        'torch.FloatTensor'
        >>> torch.tensor([1.5]).type(torch.int64)
        tensor([1])
        """
        if dtype is None:
            return "torch." + {"float32": "FloatTensor", "float64": "DoubleTensor",
                               "float16": "HalfTensor", "int64": "LongTensor",
                               "int32": "IntTensor", "int16": "ShortTensor",
                               "int8": "CharTensor", "uint8": "ByteTensor",
                               "bool": "BoolTensor"}[self.dtype.name]
        if isinstance(dtype, str):
            dtype = {"torch.FloatTensor": _dtypes.float32, "torch.DoubleTensor": _dtypes.float64,
                     "torch.LongTensor": _dtypes.int64, "torch.IntTensor": _dtypes.int32,
                     "torch.BoolTensor": _dtypes.bool}[dtype]
        return self.to(dtype)

    def type_as(self, other: "Tensor") -> "Tensor":
        """Convert to ``other``'s dtype.

        >>> import chainrule as torch
        >>> torch.tensor([1, 2]).type_as(torch.zeros(1))
        tensor([1., 2.])
        """
        return self.to(other.dtype)

    def float(self) -> "Tensor":
        """Convert to ``torch.float32`` (``self.to(torch.float32)``).

        >>> import chainrule as torch
        >>> torch.tensor([1, 2]).float()
        tensor([1., 2.])
        """
        return self.to(_dtypes.float32)

    def double(self) -> "Tensor":
        """Convert to ``torch.float64`` (``self.to(torch.float64)``).

        >>> import chainrule as torch
        >>> torch.tensor([1, 2]).double()
        tensor([1., 2.], dtype=torch.float64)
        """
        return self.to(_dtypes.float64)

    def half(self) -> "Tensor":
        """Convert to ``torch.float16`` (``self.to(torch.float16)``).

        >>> import chainrule as torch
        >>> torch.tensor([1, 2]).half()
        tensor([1., 2.], dtype=torch.float16)
        """
        return self.to(_dtypes.float16)

    def long(self) -> "Tensor":
        """Convert to ``torch.int64`` (``self.to(torch.int64)``).

        >>> import chainrule as torch
        >>> torch.tensor([1.7, -2.5]).long()
        tensor([ 1, -2])
        """
        return self.to(_dtypes.int64)

    def int(self) -> "Tensor":
        """Convert to ``torch.int32`` (``self.to(torch.int32)``).

        >>> import chainrule as torch
        >>> torch.tensor([1.7, -2.5]).int()
        tensor([ 1, -2], dtype=torch.int32)
        """
        return self.to(_dtypes.int32)

    def short(self) -> "Tensor":
        """Convert to ``torch.int16`` (``self.to(torch.int16)``).

        >>> import chainrule as torch
        >>> torch.tensor([1.7, -2.5]).short()
        tensor([ 1, -2], dtype=torch.int16)
        """
        return self.to(_dtypes.int16)

    def char(self) -> "Tensor":
        """Convert to ``torch.int8`` (``self.to(torch.int8)``).

        >>> import chainrule as torch
        >>> torch.tensor([1.7, -2.5]).char()
        tensor([ 1, -2], dtype=torch.int8)
        """
        return self.to(_dtypes.int8)

    def byte(self) -> "Tensor":
        """Convert to ``torch.uint8`` (``self.to(torch.uint8)``).

        >>> import chainrule as torch
        >>> torch.tensor([1.7, 255.]).byte()
        tensor([  1, 255], dtype=torch.uint8)
        """
        return self.to(_dtypes.uint8)

    def bool(self) -> "Tensor":
        """Convert to ``torch.bool`` (``self.to(torch.bool)``).

        >>> import chainrule as torch
        >>> torch.tensor([0., 2.]).bool()
        tensor([False,  True])
        """
        return self.to(_dtypes.bool)

    def cpu(self) -> "Tensor":
        """The tensor on the CPU: ``self``, since chainrule computes there.

        >>> import chainrule as torch
        >>> torch.ones(1).cpu()
        tensor([1.])
        """
        return self

    def cuda(self, *args, **kwargs):
        """Move to a CUDA GPU: chainrule has none, so this raises as PyTorch without CUDA does.

        >>> import chainrule as torch
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
        return builtins.float(self.item())

    def __int__(self) -> int:
        return builtins.int(self.item())

    def __bool__(self) -> bool:
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

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec) if spec else repr(self)

    def __repr__(self) -> str:
        # The node's class name, as PyTorch prints it (name() may carry a C++ namespace).
        grad_fn = type(self.grad_fn).__name__ if self.grad_fn is not None else None
        return _printing.tensor_repr(
            self._data, self.dtype.name, requires_grad=self._requires_grad and grad_fn is None,
            grad_fn=grad_fn, default_dtype=_dtypes.get_default_dtype().name)

    __str__ = __repr__

    def __hash__(self) -> int:
        return id(self)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self._data, self._requires_grad))

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                               "support the deepcopy protocol at the moment.")
        t = type(self).__new__(type(self))
        _init(t, self._data.copy())
        t._requires_grad = self._requires_grad
        if self._grad is not None:
            t._grad = self._grad.clone()
        if getattr(self, "__dict__", None):
            import copy
            t.__dict__.update(copy.deepcopy(self.__dict__, memo))
        memo[id(self)] = t
        return t

    # --- new tensors like this one -------------------------------------------------
    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False) -> "Tensor":
        """Zeros of the given size with this tensor's dtype.

        >>> import chainrule as torch
        >>> torch.tensor([1, 2]).new_zeros(3)
        tensor([0, 0, 0])
        """
        _on_cpu(device)
        return _new(xp.zeros, size, dtype or self.dtype, requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False) -> "Tensor":
        """Ones of the given size with this tensor's dtype.

        >>> import chainrule as torch
        >>> torch.tensor([1, 2]).new_ones(2, 2)
        tensor([[1, 1],
                [1, 1]])
        """
        _on_cpu(device)
        return _new(xp.ones, size, dtype or self.dtype, requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False) -> "Tensor":
        """An uninitialised (zero) tensor of the given size with this tensor's dtype.

        >>> import chainrule as torch
        >>> torch.zeros(1).new_empty(3).shape
        torch.Size([3])
        """
        _on_cpu(device)
        return _new(xp.zeros, size, dtype or self.dtype, requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        """``fill_value`` everywhere, of the given size with this tensor's dtype.

        >>> import chainrule as torch
        >>> torch.zeros(1).new_full((2,), 7.)
        tensor([7., 7.])
        """
        _on_cpu(device)
        t = Tensor._make(xp.full(_size(size), fill_value, dtype=(dtype or self.dtype).np))
        return t.requires_grad_(requires_grad)

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False) -> "Tensor":
        """A new tensor from ``data`` with this tensor's dtype.

        >>> import chainrule as torch
        >>> torch.tensor([1]).new_tensor([2.5, 3.])
        tensor([2, 3])
        """
        _on_cpu(device)
        from ._creation import tensor
        return tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)

    # --- arithmetic operators -------------------------------------------------------
    def __add__(self, other):
        return P.add(self, other)

    def __radd__(self, other):
        return P.add(self, other)

    def __sub__(self, other):
        return P.sub(self, other)

    def __rsub__(self, other):
        if isinstance(other, Tensor):
            return sub(other, self)
        return P.rsub(self, _check_operand(other))

    def __mul__(self, other):
        return P.mul(self, other)

    def __rmul__(self, other):
        return P.mul(self, other)

    def __truediv__(self, other):
        return P.div(self, other)

    def __rtruediv__(self, other):
        if isinstance(other, Tensor):
            return div(other, self)
        return mul(P.reciprocal(self), _check_operand(other))

    def __floordiv__(self, other):
        return floor_divide(self, other)

    def __rfloordiv__(self, other):
        return floor_divide(as_tensor_like(other, self), self)

    def __mod__(self, other):
        return remainder(self, other)

    def __rmod__(self, other):
        return remainder(as_tensor_like(other, self), self)

    def __pow__(self, exponent):
        return pow(self, exponent)

    def __rpow__(self, base):
        if isinstance(base, Tensor):
            return pow(base, self)
        return P.pow_base(self, _check_operand(base))

    def __matmul__(self, other):
        return L.matmul(self, _expect_tensor(other, "matmul"))

    def __rmatmul__(self, other):
        return L.matmul(as_tensor_like(other, self), self)

    def __neg__(self):
        if self.dtype is _dtypes.bool:
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. "
                               "If you are trying to invert a mask, use the `~` or "
                               "`logical_not()` operator instead.")
        return P.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return P.abs(self)

    # --- comparisons and logic (no gradient) ------------------------------------------
    def __eq__(self, other):
        return _compare(xp.equal, self, other)

    def __ne__(self, other):
        return _compare(xp.not_equal, self, other)

    def __lt__(self, other):
        return _compare(xp.less, self, other)

    def __le__(self, other):
        return _compare(xp.less_equal, self, other)

    def __gt__(self, other):
        return _compare(xp.greater, self, other)

    def __ge__(self, other):
        return _compare(xp.greater_equal, self, other)

    def __and__(self, other):
        return _bitwise(xp.bitwise_and, self, other)

    __rand__ = __and__

    def __or__(self, other):
        return _bitwise(xp.bitwise_or, self, other)

    __ror__ = __or__

    def __xor__(self, other):
        return _bitwise(xp.bitwise_xor, self, other)

    __rxor__ = __xor__

    def __invert__(self):
        if self.dtype.is_floating_point:
            raise TypeError("~ (bitwise_not) is only supported for integer and bool tensors")
        return Tensor._make(xp.invert(self._data))

    # --- in-place arithmetic --------------------------------------------------------
    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)

    def __ipow__(self, other):
        return self.pow_(other)

    def __ifloordiv__(self, other):
        return _inplace(self, floor_divide, other)

    def __imod__(self, other):
        return _inplace(self, remainder, other)

    def add_(self, other, alpha=1):
        """``self += alpha * other``, in place.

        >>> import chainrule as torch
        >>> torch.tensor([1., 2.]).add_(torch.tensor([1., 1.]), alpha=10)
        tensor([11., 12.])
        """
        return _inplace(self, add, other, alpha=alpha)

    def sub_(self, other, alpha=1):
        """``self -= alpha * other``, in place.

        >>> import chainrule as torch
        >>> torch.tensor([1., 2.]).sub_(1)
        tensor([0., 1.])
        """
        return _inplace(self, sub, other, alpha=alpha)

    def mul_(self, other):
        """``self *= other``, in place.

        >>> import chainrule as torch
        >>> torch.tensor([1., 2.]).mul_(3)
        tensor([3., 6.])
        """
        return _inplace(self, mul, other)

    def div_(self, other, rounding_mode=None):
        """``self /= other``, in place.

        >>> import chainrule as torch
        >>> torch.tensor([1., 2.]).div_(2)
        tensor([0.5000, 1.0000])
        """
        return _inplace(self, div, other, rounding_mode=rounding_mode)

    def pow_(self, exponent):
        """``self **= exponent``, in place.

        >>> import chainrule as torch
        >>> torch.tensor([1., 2.]).pow_(2)
        tensor([1., 4.])
        """
        return _inplace(self, pow, exponent)

    def clamp_(self, min=None, max=None):
        """Limit values to ``[min, max]``, in place (``clip_`` is the same).

        >>> import chainrule as torch
        >>> torch.tensor([-1., 0.5, 2.]).clamp_(0, 1)
        tensor([0.0000, 0.5000, 1.0000])
        """
        return _inplace(self, clamp, min, max)

    clip_ = clamp_

    def zero_(self):
        """Set every element to zero, in place (``x.grad.zero_()`` resets a gradient).

        >>> import chainrule as torch
        >>> torch.ones(3).zero_()
        tensor([0., 0., 0.])
        """
        if grad_mode.state.enabled and self.grad_fn is not None:
            from .ops.indexing import zero_op
            return _inplace(self, zero_op)
        return self.fill_(0)

    def fill_(self, value):
        """Set every element to ``value``, in place.

        >>> import chainrule as torch
        >>> torch.zeros(3).fill_(2.5)
        tensor([2.5000, 2.5000, 2.5000])
        """
        _check_inplace_leaf(self)
        if isinstance(value, Tensor):
            if (grad_mode.state.enabled and value._requires_grad) or value._fw_grad is not None:
                from .ops.indexing import fill_tensor_op
                return _inplace(self, fill_tensor_op, value)
            value = value.item()
        # Nothing to record (x.grad.zero_() in every training loop): fill the array directly.
        if (not grad_mode.state.enabled or self.grad_fn is None) and self._fw_grad is None \
                and self._data.flags.writeable:
            self._data.fill(value)
            self._bump_version()
            return self
        from .ops.indexing import fill_op  # records, or raises the read-only error
        return _inplace(self, fill_op, value)

    def copy_(self, src, non_blocking: bool = False):
        """Copy ``src`` (broadcast) into this tensor, in place.

        >>> import chainrule as torch
        >>> x = torch.zeros(2, 2)
        >>> x.copy_(torch.tensor([1., 2.]))
        tensor([[1., 2.],
                [1., 2.]])
        """
        src = as_tensor_like(src, self)
        _check_inplace_leaf(self)
        if (grad_mode.state.enabled and (self._requires_grad or src._requires_grad)) \
                or self._fw_grad is not None or src._fw_grad is not None:
            from .ops.indexing import copy_op
            return _inplace(self, copy_op, src)
        xp.copyto(self._data, xp.broadcast_to(src._data, self._data.shape), casting="unsafe")
        self._bump_version()
        return self

    def __setitem__(self, key, value) -> None:
        from .ops.indexing import setitem
        setitem(self, key, value)

    def __getitem__(self, key):
        from .ops.indexing import getitem
        return getitem(self, key)


def _init(t: Tensor, data: ndarray) -> None:
    t._data = data
    t._requires_grad = False
    t.grad_fn = None
    t._output_nr = 0
    t._grad = None
    t._version_counter = None


def _rebuild(data, requires_grad):
    t = Tensor._make(data)
    t._requires_grad = requires_grad
    return t


_function.Tensor = Tensor  # the op layer wraps its results in this class


def _size(size) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    return tuple(builtins.int(s) for s in size)


def _new(fill, size, dtype, requires_grad) -> Tensor:
    return Tensor._make(fill(_size(size), dtype=dtype.np)).requires_grad_(requires_grad)


def _to_array(data, dtype) -> ndarray:
    if isinstance(data, Tensor):
        return data._data.astype(dtype.np)
    return xp.array(data, dtype=dtype.np)


def _check_operand(other):
    if isinstance(other, Tensor):
        return other
    if _is_number(other):
        return _scalar(other)
    if isinstance(other, ndarray):
        from ._creation import as_tensor
        return as_tensor(other)
    raise TypeError(f"unsupported operand type for a tensor operation: '{type(other).__name__}'")


def _expect_tensor(other, name):
    if isinstance(other, Tensor):
        return other
    if isinstance(other, ndarray):
        from ._creation import as_tensor
        return as_tensor(other)
    raise TypeError(f"{name}(): argument 'other' must be Tensor, not {type(other).__name__}")


def as_tensor_like(value, like) -> Tensor:
    """``value`` as a tensor; a Python number becomes a 0-d tensor that promotes like a number."""
    if isinstance(value, Tensor):
        return value
    if _is_number(value):
        value = _scalar(value)
        if like is not None:
            d = _dtypes.result_type([like], [value])
        else:
            d = (_dtypes.bool, _dtypes.int64, _dtypes.get_default_dtype())[
                _dtypes.scalar_category(value)]
        return Tensor._make(xp.asarray(value, dtype=d.np))
    from ._creation import as_tensor
    return as_tensor(value)


def _broadcast_check(a: Tensor, b) -> None:
    if isinstance(b, Tensor) and a._data.shape != b._data.shape:
        sa, sb = a._data.shape, b._data.shape
        for i in range(1, min(len(sa), len(sb)) + 1):
            x, y = sa[-i], sb[-i]
            if x != y and x != 1 and y != 1:
                nd = max(len(sa), len(sb))
                raise RuntimeError(
                    f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                    f"non-singleton dimension {nd - i}. (Shapes {list(sa)} and {list(sb)} do not "
                    "broadcast: each dimension, compared from the right, must be equal or 1.)")


# --- the functional forms, shared by operators, methods and chainrule.* -------------

def add(input, other, *, alpha=1):
    """``input + alpha * other``, broadcasting.

    >>> import chainrule as torch
    >>> torch.add(torch.tensor([1, 2]), 1.5)
    tensor([2.5000, 3.5000])
    """
    other = _check_operand(other)
    if alpha != 1:
        other = other * alpha
    if not isinstance(input, Tensor):
        input, other = other, _check_operand(input)
    _broadcast_check(input, other)
    return P.add(input, other)


def sub(input, other, *, alpha=1):
    """``input - alpha * other``, broadcasting.

    >>> import chainrule as torch
    >>> torch.sub(torch.tensor([1., 2.]), 1)
    tensor([0., 1.])
    """
    other = _check_operand(other)
    if alpha != 1:
        other = other * alpha
    if not isinstance(input, Tensor):
        return P.rsub(other, _check_operand(input))
    _broadcast_check(input, other)
    if input.dtype is _dtypes.bool and (not isinstance(other, Tensor)
                                        or other.dtype is _dtypes.bool):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    return P.sub(input, other)


def mul(input, other):
    """Elementwise product, broadcasting.

    >>> import chainrule as torch
    >>> torch.mul(torch.tensor([1, 2]), 2.5)
    tensor([2.5000, 5.0000])
    """
    other = _check_operand(other)
    if not isinstance(input, Tensor):
        input, other = other, _check_operand(input)
    _broadcast_check(input, other)
    return P.mul(input, other)


def div(input, other, *, rounding_mode=None):
    """True division (integers give the default float dtype), or rounded with ``rounding_mode``.

    >>> import chainrule as torch
    >>> torch.tensor([1, 2]) / 2
    tensor([0.5000, 1.0000])
    """
    other = _check_operand(other)
    if not isinstance(input, Tensor):
        input = as_tensor_like(input, other)
    _broadcast_check(input, other)
    if rounding_mode == "floor":
        return floor_divide(input, other)
    if rounding_mode == "trunc":
        out = P.div(input, other)
        dt = _dtypes.result_type([t for t in (input, other) if isinstance(t, Tensor)],
                                 [o for o in (other,) if not isinstance(o, Tensor)])
        return P.trunc(out).to(dt)
    return P.div(input, other)


def floor_divide(input, other):
    """``input // other``: division rounded towards minus infinity.

    >>> import chainrule as torch
    >>> torch.floor_divide(torch.tensor([7, -7]), 2)
    tensor([ 3, -4])
    """
    other = _check_operand(other)
    _broadcast_check(input, other)
    if not input.dtype.is_floating_point and isinstance(other, Tensor) \
            and not other.dtype.is_floating_point and builtins.bool((other._data == 0).any()):
        raise RuntimeError("ZeroDivisionError")
    if not input.dtype.is_floating_point and not isinstance(other, Tensor) and other == 0 \
            and not isinstance(other, float):
        raise RuntimeError("ZeroDivisionError")
    return P.floor_divide(input, other)


def remainder(input, other):
    """``input % other``: the remainder with the sign of the divisor, as Python's ``%``.

    >>> import chainrule as torch
    >>> torch.remainder(torch.tensor([7., -7.]), 3)
    tensor([1., 2.])
    """
    other = _check_operand(other)
    _broadcast_check(input, other)
    return P.remainder(input, other)


def fmod(input, other):
    """The remainder with the sign of the dividend, as C's ``fmod``.

    >>> import chainrule as torch
    >>> torch.fmod(torch.tensor([7., -7.]), 3)
    tensor([ 1., -1.])
    """
    other = _check_operand(other)
    return P.fmod(input, other)


def pow(input, exponent):
    """``input ** exponent``: tensor to a number, tensor to tensor, or number to tensor.

    >>> import chainrule as torch
    >>> torch.pow(torch.tensor([1., 2.]), 2)
    tensor([1., 4.])
    """
    if not isinstance(input, Tensor):
        return P.pow_base(_expect_tensor(exponent, "pow"), _check_operand(input))
    if (type(exponent) is builtins.float or type(exponent) is builtins.int) \
            and input._data.dtype.kind == "f":
        return P.pow_scalar(input, exponent)  # the common x ** 2, without the checks below
    exponent = _check_operand(exponent)
    if isinstance(exponent, Tensor):
        _broadcast_check(input, exponent)
        return P.pow_tensor(input, exponent)
    if not input.dtype.is_floating_point and isinstance(exponent, builtins.int) and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return P.pow_scalar(input, exponent)


def clamp(input, min=None, max=None):
    """Limit values to ``[min, max]``; the gradient passes where the input lies inside.

    >>> import chainrule as torch
    >>> torch.clamp(torch.tensor([-1., 0.5, 2.]), 0, 1)
    tensor([0.0000, 0.5000, 1.0000])
    """
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        _broadcast_check(input, min)
        _broadcast_check(input, max)
        return P.clamp_tensor_bounds(input, min, max)
    lo = _scalar(min)
    hi = _scalar(max)
    if (isinstance(lo, float) or isinstance(hi, float)) and not input.dtype.is_floating_point:
        input = input.to(_dtypes.get_default_dtype())
    return P.clamp_op(input, lo, hi)


def maximum(input, other):
    """The elementwise maximum of two tensors.

    >>> import chainrule as torch
    >>> torch.maximum(torch.tensor([1., 5.]), torch.tensor([3., 2.]))
    tensor([3., 5.])
    """
    _broadcast_check(input, other)
    return P.maximum(input, other)


def minimum(input, other):
    """The elementwise minimum of two tensors.

    >>> import chainrule as torch
    >>> torch.minimum(torch.tensor([1., 5.]), torch.tensor([3., 2.]))
    tensor([1., 2.])
    """
    _broadcast_check(input, other)
    return P.minimum(input, other)


def _compare(fn, a: Tensor, b):
    if not isinstance(b, Tensor):
        if isinstance(b, (list, tuple, ndarray)) or _is_number(b):
            b = as_tensor_like(b, a) if not _is_number(b) else _scalar(b)
        else:
            return NotImplemented if fn in (xp.equal, xp.not_equal) else _type_error(fn, b)
    else:
        _broadcast_check(a, b)
    return Tensor._make(xp.asarray(fn(a._data, b._data if isinstance(b, Tensor) else b)))


def _type_error(fn, b):
    raise TypeError(f"'{fn.__name__}' not supported between a Tensor and "
                    f"'{type(b).__name__}'")


def _bitwise(fn, a: Tensor, b):
    b = as_tensor_like(b, a)
    if a.dtype.is_floating_point or b.dtype.is_floating_point:
        raise NotImplementedError(
            f"\"{fn.__name__}_cpu\" not implemented for floating tensors ({a.dtype}, {b.dtype}). "
            "Fix: use logical_and/logical_or/logical_xor, or convert with .bool() or .long().")
    dt = _dtypes.result_type([a, b])
    return Tensor._make(xp.asarray(fn(a._data.astype(dt.np, copy=False),
                                      b._data.astype(dt.np, copy=False))))


def _check_inplace_leaf(t: Tensor) -> None:
    if grad_mode.state.enabled and t._requires_grad and t.grad_fn is None:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation. Fix: "
            "wrap the update in chainrule.no_grad() (e.g. `with torch.no_grad(): w -= lr * "
            "w.grad`), or operate on w.detach().")


def _stand_in(t: Tensor, data: ndarray) -> Tensor:
    """A tensor over ``data`` that stands where ``t`` stands in the graph (same history and
    tangent): an in-place op records against it before ``t`` takes on the result's history."""
    s = Tensor._make(data)
    s.grad_fn, s._output_nr, s._requires_grad = t.grad_fn, t._output_nr, t._requires_grad
    s._fw_grad = t._fw_grad
    return s


def _inplace(self: Tensor, fn, *args, **kwargs) -> Tensor:
    """Run ``fn(self, *args)`` and make ``self`` hold the result, as PyTorch's ``op_`` methods.

    The data is written into ``self``'s own array (views and ``from_numpy``
    arrays see the change) and the version counter moves on, so a node that
    saved the old values will refuse to use them.  If the result was
    recorded, ``self`` takes over its place in the graph.
    """
    _check_inplace_leaf(self)
    record = grad_mode.state.enabled and (
        self._requires_grad or any(isinstance(a, Tensor) and a._requires_grad for a in args))
    if not self._data.flags.writeable:
        from .ops.indexing import check_writable
        check_writable(self)
    if record and self._base is not None:
        from .ops.indexing import inplace_on_view
        return inplace_on_view(self, fn, args, kwargs)
    source = self
    if record:
        # The op may save its input for backward; give it a copy so writing into
        # self's array below cannot change what backward will read.
        source = _stand_in(self, self._data.copy())
    if record or not grad_mode.state.enabled:  # the mode is already what it must be
        result = fn(source, *args, **kwargs)
    else:
        with grad_mode.set_grad_enabled(False):
            result = fn(source, *args, **kwargs)
    _check_result_fits(self, result)
    xp.copyto(self._data, result._data, casting="unsafe")
    self._bump_version()
    if record and result.grad_fn is not None:
        self.grad_fn = result.grad_fn
        self._output_nr = result._output_nr
        self._requires_grad = True
    if result._fw_grad is not None:  # forward mode: the tangent changes in place too
        from .ops.indexing import set_tangent_inplace
        set_tangent_inplace(self, result._fw_grad)
    return self


def _check_result_fits(self: Tensor, result: Tensor) -> None:
    """An in-place op's result must have ``self``'s shape and a dtype castable to ``self``'s."""
    if result._data.shape != self._data.shape:
        raise RuntimeError(
            f"output with shape {list(self.shape)} doesn't match the broadcast shape "
            f"{list(result.shape)}")
    if result._data.dtype != self._data.dtype \
            and not xp.can_cast(result._data.dtype, self._data.dtype, casting="same_kind"):
        names = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
                 "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                 "bool": "Bool"}
        raise RuntimeError(f"result type {names[result.dtype.name]} can't be cast to the desired "
                           f"output type {names[self.dtype.name]}")
