"""PyTorch's dtypes and its type-promotion rules, on top of NumPy's dtypes.

PyTorch and NumPy promote differently: in PyTorch a Python float times an
integer tensor is a *float32* tensor (the default dtype), a 0-d tensor does not
widen an n-d tensor of the same category, and ``int / int`` is float32.  So the
result dtype of every operation is decided here, and NumPy is then handed
operands that already have it.
"""
from __future__ import annotations

import builtins

from ._backend import xp


class dtype:
    """A tensor element type; prints as PyTorch prints it (``torch.float32``).

    >>> torch.tensor([1.0]).dtype
    torch.float32
    """

    __slots__ = ("name", "np", "itemsize", "is_floating_point", "is_complex", "is_signed",
                 "_category", "scalar_name")

    def __init__(self, name: str, np_dtype, category: int, scalar_name: str):
        self.name = name
        # PyTorch's C++ name of the element type, as its error messages spell it ("Float"),
        # and inside the legacy type names ("torch.FloatTensor").
        self.scalar_name = scalar_name
        self.np = xp.dtype(np_dtype)
        self.itemsize = self.np.itemsize
        self._category = category  # 0 bool, 1 integer, 2 floating
        self.is_floating_point = category == 2
        self.is_complex = False
        self.is_signed = name not in ("bool", "uint8")

    def __repr__(self) -> str:
        return "torch." + self.name

    def __reduce__(self):
        return (from_name, (self.name,))

    def to_real(self) -> "dtype":
        return self


bool = dtype("bool", xp.bool_, 0, "Bool")  # noqa: A001 - PyTorch's name
uint8 = dtype("uint8", xp.uint8, 1, "Byte")
int8 = dtype("int8", xp.int8, 1, "Char")
int16 = dtype("int16", xp.int16, 1, "Short")
int32 = dtype("int32", xp.int32, 1, "Int")
int64 = dtype("int64", xp.int64, 1, "Long")
float16 = dtype("float16", xp.float16, 2, "Half")
float32 = dtype("float32", xp.float32, 2, "Float")
float64 = dtype("float64", xp.float64, 2, "Double")

# PyTorch's aliases.
half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001

ALL = (bool, uint8, int8, int16, int32, int64, float16, float32, float64)
_BY_NAME = {d.name: d for d in ALL}
_BY_NUMPY = {d.np: d for d in ALL}


def from_name(name: str) -> dtype:
    return _BY_NAME[name]


def from_numpy(np_dtype) -> dtype:
    """The chainrule dtype of a NumPy dtype; TypeError for ones PyTorch lacks."""
    try:
        return _BY_NUMPY[np_dtype]
    except KeyError:
        pass
    try:
        return _BY_NUMPY[xp.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(
            f"can't convert np.ndarray of type {xp.dtype(np_dtype)}. The only supported types "
            "are: float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
        ) from None


_default_float = float32


def get_default_dtype() -> dtype:
    """The dtype of floating tensors made from Python floats (float32 unless changed).

    >>> torch.get_default_dtype()
    torch.float32
    """
    return _default_float


def set_default_dtype(d: dtype) -> None:
    """Set the default floating dtype (float32 or float64), as ``torch.set_default_dtype``.

    >>> torch.set_default_dtype(torch.float64); torch.tensor(1.0).dtype
    torch.float64
    >>> torch.set_default_dtype(torch.float32)
    """
    global _default_float
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default_float = d


def promote_types(a: dtype, b: dtype) -> dtype:
    """The smallest dtype both ``a`` and ``b`` convert to, as ``torch.promote_types``.

    >>> torch.promote_types(torch.int64, torch.float16)
    torch.float16
    """
    if a is b:
        return a
    return _PROMOTE[a, b]


def _build_promotion_table() -> dict:
    table = {}
    for a in ALL:
        for b in ALL:
            if a._category != b._category:
                # Crossing a category, the higher category's dtype wins whatever its size:
                # int64 + float16 is float16 in PyTorch (NumPy would say float64).
                table[a, b] = a if a._category > b._category else b
            else:
                table[a, b] = _BY_NUMPY[xp.promote_types(a.np, b.np)]
    # uint8 with a signed integer: NumPy agrees with PyTorch (int16 for int8), kept as is.
    return table


_PROMOTE = _build_promotion_table()


def scalar_category(value) -> int:
    """Category of a Python (or NumPy) scalar: 0 bool, 1 integer, 2 floating."""
    if isinstance(value, (builtins.bool, xp.bool_)):
        return 0
    if isinstance(value, (builtins.int, xp.integer)):
        return 1
    return 2


def result_type(tensors, scalars=()) -> dtype:
    """PyTorch's result dtype for an operation on ``tensors`` and Python ``scalars``.

    Three priority tiers: tensors with dimensions, then 0-d tensors, then Python
    scalars.  The highest category present decides; the highest tier holding an
    operand of that category promotes among its own operands of that category.
    A Python float meeting only integer tensors gives the default dtype.
    """
    dimensioned = [t.dtype for t in tensors if t._data.ndim]
    zero_dim = [t.dtype for t in tensors if not t._data.ndim]
    top = max([d._category for d in dimensioned + zero_dim]
              + [scalar_category(s) for s in scalars], default=0)
    for tier in (dimensioned, zero_dim):
        same = [d for d in tier if d._category == top]
        if same:
            out = same[0]
            for d in same[1:]:
                out = promote_types(out, d)
            return out
    return (bool, int64, _default_float)[top]
