"""``torch.return_types``: the named tuples some functions return (``values``, ``indices``)."""
from __future__ import annotations

__all__ = [

]


class _NamedPair(tuple):
    """A pair with field names, printed as PyTorch prints ``torch.return_types.<name>``."""

    _fields: tuple

    def __new__(cls, first, second, name):
        self = super().__new__(cls, (first, second))
        self._name = name
        return self

    def __repr__(self) -> str:
        first, second = self._fields
        return (f"torch.return_types.{self._name}(\n{first}={self[0]!r},\n"
                f"{second}={self[1]!r})")


class ValuesIndices(_NamedPair):
    """``(values, indices)`` with names, as PyTorch's ``torch.return_types.max``."""

    _fields = ("values", "indices")
    values = property(lambda self: self[0])
    indices = property(lambda self: self[1])


class Histogram(_NamedPair):
    """``(hist, bin_edges)`` with names, as PyTorch's ``torch.return_types.histogram`` (and
    ``histogramdd``, whose ``bin_edges`` is a tuple of tensors)."""

    _fields = ("hist", "bin_edges")
    hist = property(lambda self: self[0])
    bin_edges = property(lambda self: self[1])


class Frexp(_NamedPair):
    """``(mantissa, exponent)`` with names, as PyTorch's ``torch.return_types.frexp``."""

    _fields = ("mantissa", "exponent")
    mantissa = property(lambda self: self[0])
    exponent = property(lambda self: self[1])


class MinMax(tuple):
    """``(min, max)`` with names, as PyTorch's ``torch.return_types.aminmax``."""

    def __new__(cls, min, max, name: str = "aminmax"):  # noqa: A002 - PyTorch's field names
        self = super().__new__(cls, (min, max))
        self._name = name  # "aminmax_out" when written into out=
        return self

    @property
    def min(self):
        return self[0]

    @property
    def max(self):
        return self[1]

    def __repr__(self) -> str:
        return f"torch.return_types.{self._name}(\nmin={self[0]!r},\nmax={self[1]!r})"


def named_result(name: str, fields: tuple) -> type:
    """A tuple subclass with named fields that prints as ``torch.return_types.<name>``.

    >>> pair = named_result("geqrf", ("a", "tau"))(1, 2)
    >>> pair.tau, tuple(pair)
    (2, (1, 2))
    """

    def __new__(cls, *values):
        return tuple.__new__(cls, values)

    def __repr__(self) -> str:
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"

    namespace = {"__new__": __new__, "__repr__": __repr__, "__slots__": (),
                 "_fields": fields, "n_fields": len(fields), "__module__": "torch.return_types"}
    for i, field in enumerate(fields):
        namespace[field] = property(lambda self, i=i: self[i])
    return type(name, (tuple,), namespace)


# The linear-algebra results, torch.* and torch.linalg's.
slogdet = named_result("slogdet", ("sign", "logabsdet"))
qr = named_result("qr", ("Q", "R"))
svd = named_result("svd", ("U", "S", "V"))
geqrf = named_result("geqrf", ("a", "tau"))
triangular_solve = named_result("triangular_solve", ("solution", "cloned_coefficient"))
lu_unpack = named_result("lu_unpack", ("P", "L", "U"))
_lu_with_info = named_result("_lu_with_info", ("LU", "pivots", "info"))
linalg_slogdet = named_result("linalg_slogdet", ("sign", "logabsdet"))
linalg_qr = named_result("linalg_qr", ("Q", "R"))
linalg_svd = named_result("linalg_svd", ("U", "S", "Vh"))
linalg_eigh = named_result("linalg_eigh", ("eigenvalues", "eigenvectors"))
linalg_lstsq = named_result("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))
linalg_inv_ex = named_result("linalg_inv_ex", ("inverse", "info"))
linalg_cholesky_ex = named_result("linalg_cholesky_ex", ("L", "info"))
linalg_solve_ex = named_result("linalg_solve_ex", ("result", "info"))
linalg_lu = named_result("linalg_lu", ("P", "L", "U"))
linalg_lu_factor = named_result("linalg_lu_factor", ("LU", "pivots"))
linalg_lu_factor_ex = named_result("linalg_lu_factor_ex", ("LU", "pivots", "info"))
linalg_ldl_factor = named_result("linalg_ldl_factor", ("LD", "pivots"))
linalg_ldl_factor_ex = named_result("linalg_ldl_factor_ex", ("LD", "pivots", "info"))
