"""The memory under a tensor: its storage, strides, storage offset and data pointer.

A tensor's values live in a storage, a flat block of memory that views share;
``stride()`` says how many elements to step in it per index of each dimension
and ``storage_offset()`` where the first element is.  In chainrule the storage
is the NumPy array that owns the memory (a view's ``base``), so these read
PyTorch's numbers off the arrays: ``x[1:].storage_offset()`` is 1, and
``x.t().stride()`` is ``x.stride()`` reversed.  ``torch.as_strided`` builds a
view from such numbers (``chainrule.functions.shape``).
"""
from __future__ import annotations

import warnings
import weakref

from .. import _dtypes
from .._backend import ndarray, xp
from .._shapes import wrap_dim
from ..ops import shape as shape_ops
from ..ops.shape import address
from ..tensor import Tensor, _on_cpu, device

__all__ = ["UntypedStorage", "TypedStorage", "empty_strided", "get_device"]


def stride(self, dim: int | None = None):
    """How many elements of the storage one step along each dimension moves.

    >>> x = torch.zeros(2, 3)
    >>> x.stride(), x.t().stride(), x.stride(-1)
    ((3, 1), (1, 3), 1)
    """
    strides = strides_of(self._data)
    if dim is None:
        return strides
    if not strides:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return strides[wrap_dim(dim, len(strides))]


def strides_of(a: ndarray) -> tuple:
    """``a``'s strides in elements, as PyTorch reports them.

    NumPy gives a dimension of size 1 added by indexing (``x[None]``) the
    stride 0, and an array without elements strides of 0; PyTorch gives both
    the strides of a contiguous layout, since no element is ever read through them.
    """
    itemsize = a.itemsize
    strides = [s // itemsize for s in a.strides]
    if a.size == 0 and not any(strides):
        return contiguous_strides(a.shape)
    following = 1  # what the stride of a dimension of size 1 would be in unsqueeze's layout
    for d in range(a.ndim - 1, -1, -1):
        if a.shape[d] == 1 and strides[d] == 0:
            strides[d] = following
        following = strides[d] * max(a.shape[d], 1)
    return tuple(strides)


def contiguous_strides(shape) -> tuple:
    """The strides of a row-major layout of ``shape``, as PyTorch computes them."""
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def storage_offset(self) -> int:
    """Where the first element is, counted in elements from the start of the storage.

    >>> x = torch.arange(6.).view(2, 3)
    >>> x.storage_offset(), x[1].storage_offset(), x[1, 2:].storage_offset()
    (0, 3, 5)
    """
    a = self._data
    return (address(a) - address(shape_ops.storage_root(a))) // a.itemsize


def data_ptr(self) -> int:
    """The memory address of the first element (0 for a tensor without elements).

    >>> x = torch.zeros(4)
    >>> x[1:].data_ptr() - x.data_ptr()
    4
    """
    return address(self._data) if self._data.size else 0


def contiguous(self, memory_format=None) -> Tensor:
    """``self`` if its elements are laid out in row-major order without gaps, else such a copy.

    >>> x = torch.zeros(2, 3)
    >>> x.contiguous() is x, x.t().contiguous().is_contiguous()
    (True, True)
    """
    if self._data.flags.c_contiguous:
        return self
    return shape_ops.clone(self)  # NumPy's copy is row-major


class UntypedStorage:
    """The bytes under a tensor, as ``x.untyped_storage()`` returns them; views of one tensor
    share the same storage object.

    >>> x = torch.zeros(5)
    >>> s = x.untyped_storage()
    >>> s.nbytes(), s is x[1:].untyped_storage(), s.data_ptr() == x.data_ptr()
    (20, True, True)
    """

    def __init__(self, array: ndarray) -> None:
        self._array = array  # the array that owns the memory

    def data_ptr(self) -> int:
        return address(self._array) if self._array.nbytes else 0

    def nbytes(self) -> int:
        return self._array.nbytes

    def size(self) -> int:
        return self._array.nbytes

    def __len__(self) -> int:
        return self._array.nbytes

    def element_size(self) -> int:
        return 1

    @property
    def device(self) -> device:
        return device("cpu")

    def _bytes(self) -> ndarray:
        return memory_bytes(self._array)

    def __getitem__(self, i):
        return self._bytes()[i].tolist()

    def tolist(self) -> list:
        return self._bytes().tolist()

    def __repr__(self) -> str:
        return _storage_repr([f" {b}" for b in self.tolist()],
                             f"torch.storage.UntypedStorage(device=cpu) of size {self.nbytes()}")


class TypedStorage:
    """The storage read as elements of a tensor's dtype, as the deprecated ``x.storage()``.

    >>> import warnings, chainrule as torch
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     s = torch.arange(5.)[:4].storage()
    >>> len(s), s.tolist()
    (5, [0.0, 1.0, 2.0, 3.0, 4.0])
    """

    def __init__(self, untyped: UntypedStorage, dtype) -> None:
        self._untyped = untyped
        self.dtype = dtype

    def untyped(self) -> UntypedStorage:
        return self._untyped

    def data_ptr(self) -> int:
        return self._untyped.data_ptr()

    def nbytes(self) -> int:
        return self._untyped.nbytes()

    def size(self) -> int:
        return self.nbytes() // self.dtype.itemsize

    def __len__(self) -> int:
        return self.size()

    def element_size(self) -> int:
        return self.dtype.itemsize

    @property
    def device(self) -> device:
        return device("cpu")

    def _values(self) -> ndarray:
        raw = memory_bytes(self._untyped._array)
        return raw[:self.size() * self.dtype.itemsize].view(self.dtype.np)

    def __getitem__(self, i):
        return self._values()[i].tolist()

    def tolist(self) -> list:
        return self._values().tolist()

    def __repr__(self) -> str:
        values = [f" {v}" for v in self.tolist()]
        return _storage_repr(values, f"torch.storage.TypedStorage(dtype=torch.{self.dtype.name}, "
                                     f"device=cpu) of size {self.size()}")


def memory_bytes(array: ndarray) -> ndarray:
    """The bytes of an array that owns its memory, in memory order."""
    return array.ravel(order="K").view(xp.uint8)


def _storage_repr(lines: list, title: str) -> str:
    return "\n".join(lines + [f"[{title}]"])


# One storage object per block of memory while anyone holds it, so that a tensor and its
# views answer ``is`` alike (PyTorch keeps one Python object per storage, too).  The storage
# holds its array, so an id here cannot be reused while its entry lives.
_STORAGES: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def untyped_storage(self) -> UntypedStorage:
    """The storage under this tensor, shared by its views.

    >>> x = torch.zeros(2, 3)
    >>> x.untyped_storage().nbytes(), x.t().untyped_storage() is x.untyped_storage()
    (24, True)
    """
    root = shape_ops.storage_root(self._data)
    storage = _STORAGES.get(id(root))
    if storage is None:
        storage = _STORAGES[id(root)] = UntypedStorage(root)
    return storage


_typed_storage_warned = False


def storage(self) -> TypedStorage:
    """The storage read as elements of this tensor's dtype; deprecated in PyTorch, which warns
    once.

    >>> import warnings, chainrule as torch
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     len(torch.zeros(5)[:4].storage())
    5
    """
    global _typed_storage_warned
    if not _typed_storage_warned:
        _typed_storage_warned = True
        warnings.warn(
            "TypedStorage is deprecated. It will be removed in the future and UntypedStorage "
            "will be the only storage class. This should only matter to you if you are using "
            "storages directly.  To access UntypedStorage directly, use tensor.untyped_storage() "
            "instead of tensor.storage()", UserWarning, stacklevel=2)
    return TypedStorage(untyped_storage(self), self.dtype)


def element_positions(a: ndarray, shape=None, strides=None, offset=None) -> ndarray:
    """The position in the storage (in elements) of every element of ``a``, or of the view of
    ``a``'s storage with the given shape, element strides and offset."""
    if shape is None:
        itemsize = a.itemsize
        shape = a.shape
        strides = [s // itemsize for s in a.strides]
        offset = (address(a) - address(shape_ops.storage_root(a))) // itemsize
    positions = offset
    for d, (n, s) in enumerate(zip(shape, strides)):
        along = [1] * len(shape)
        along[d] = n
        positions = positions + (xp.arange(n, dtype=xp.int64) * s).reshape(along)
    return positions + xp.zeros(shape, dtype=xp.int64)


def same_layout(a: Tensor, b: Tensor) -> bool:
    """Whether ``b`` lies in memory as ``a`` does: the same sizes and strides, a storage of the
    same size, and the same offset in it (which does not matter without elements)."""
    x, y = a._data, b._data
    return (x.shape == y.shape and strides_of(x) == strides_of(y)
            and shape_ops.storage_root(x).nbytes // x.itemsize
            == shape_ops.storage_root(y).nbytes // y.itemsize
            and (x.size == 0 or storage_offset(a) == storage_offset(b)))


def laid_out_like(values: Tensor, like: Tensor) -> Tensor:
    """A copy of ``values`` laid out in memory as ``like`` is (its own storage of the same size,
    the same strides and offset), as forward AD keeps a tangent beside its primal.

    >>> primal = torch.zeros(5)[1:3]
    >>> t = laid_out_like(torch.ones(2), primal)
    >>> t, t.storage_offset(), len(t.untyped_storage()) // 4
    (tensor([1., 1.]), 1, 5)
    """
    root = shape_ops.storage_root(like._data)
    memory = xp.zeros(root.nbytes // like._data.itemsize, dtype=values._data.dtype)
    laid = Tensor._make(shape_ops.strided_view(memory, like._data.shape, strides_of(like._data),
                                               storage_offset(like)))
    return laid.copy_(values)  # recorded if values is in a graph


def empty_strided(size, stride, *, dtype=None, layout=None, device=None,
                  requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """An uninitialised (zero) tensor laid out with the given strides, in a storage just large
    enough for them.

    >>> x = torch.empty_strided((2, 3), (1, 2))
    >>> x.stride(), x.is_contiguous(), x.untyped_storage().nbytes()
    ((1, 2), False, 24)
    """
    _on_cpu(device)
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError(f"dimensionality of sizes ({len(size)}) must match dimensionality of "
                           f"strides ({len(stride)})")
    if any(n < 0 for n in size) or any(s_ < 0 for s_ in stride):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and "
                           f"strides={list(stride)}")
    dtype = dtype or _dtypes.get_default_dtype()
    count = 0 if 0 in size else 1 + sum((n - 1) * s_ for n, s_ in zip(size, stride))
    t = Tensor._make(shape_ops.strided_view(xp.zeros(count, dtype=dtype.np), size, stride, 0))
    return t.requires_grad_(True) if requires_grad else t


def new_empty_strided(self, size, stride, dtype=None, layout=None, device=None,
                      requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """``empty_strided`` with this tensor's dtype unless ``dtype`` is given.

    >>> torch.zeros(1, dtype=torch.float64).new_empty_strided((2, 2), (1, 2)).dtype
    torch.float64
    """
    return empty_strided(size, stride, dtype=dtype or self.dtype, device=device,
                         requires_grad=requires_grad)


def is_set_to(self, tensor: Tensor) -> bool:
    """True if both tensors are the same view of the same storage (offset, sizes and strides).

    >>> x = torch.zeros(4)
    >>> x.is_set_to(x[:]), x.is_set_to(x.view(2, 2)), x.is_set_to(torch.zeros(4))
    (True, False, False)
    """
    a, b = self._data, tensor._data
    return (shape_ops.storage_root(a) is shape_ops.storage_root(b) and a.shape == b.shape
            and strides_of(a) == strides_of(b) and storage_offset(self) == storage_offset(tensor))


def get_device(self) -> int:
    """The index of the tensor's device: -1, the CPU's, for every chainrule tensor.

    >>> torch.zeros(1).get_device()
    -1
    """
    return -1
