"""The in-place matrix products (``x.addmm_(a, b)``, ``addmv_``, ``addr_``, ``addbmm_``,
``baddbmm_``) and the legacy matrix functions PyTorch keeps for old code:
``chain_matmul``, ``frobenius_norm`` and ``norm_except_dim`` (weight normalisation's norm).

The in-place products are the out-of-place ones written into ``self``
(``engine.inplace``): the node is the product's (``AddmmBackward0``), the
version counter moves on.  ``self`` must already have the product's shape:
PyTorch refuses to broadcast it.
"""
from __future__ import annotations

from .._shapes import normalize_dims, wrap_dim
from ..engine.inplace import inplace
from ..ops import reduction as reduction_ops
from ..tensor import Tensor
from .arguments import element_error, warn_once
from .matrix import addbmm, addmm, addmv, addr, baddbmm, multi_dot
from .out import SAME, out_variant
from .shape import transpose

__all__ = ["chain_matmul", "frobenius_norm", "norm_except_dim"]


# --- the in-place products -----------------------------------------------------------------

def _bad_inplace_call(self, result) -> RuntimeError:
    return RuntimeError(f"Bad in-place call: input tensor size {list(self.shape)} and output "
                        f"tensor size {list(result.shape)} should match. Fix: give the tensor "
                        "changed in place the product's shape, or use the out-of-place form.")


def _into_self(product, self, args, kwargs, mismatch=_bad_inplace_call):
    """``product(self, *args, **kwargs)`` written into ``self``, which must have its shape."""
    def computed(source, *args, **kwargs):
        result = product(source, *args, **kwargs)
        if result.shape != source.shape:
            raise mismatch(source, result)
        return result
    return inplace(self, computed, *args, **kwargs)


def addmm_(self, mat1, mat2, *, beta=1, alpha=1) -> Tensor:
    """``self = beta * self + alpha * (mat1 @ mat2)``, in place.

    >>> torch.ones(2, 2).addmm_(torch.eye(2), torch.full((2, 2), 3.), alpha=2)
    tensor([[7., 7.],
            [7., 7.]])
    """
    return _into_self(addmm.without_out, self, (mat1, mat2), {"beta": beta, "alpha": alpha})


def addmv_(self, mat, vec, *, beta=1, alpha=1) -> Tensor:
    """``self = beta * self + alpha * (mat @ vec)``, in place.

    >>> torch.zeros(2).addmv_(torch.ones(2, 3), torch.arange(3.))
    tensor([3., 3.])
    """
    return _into_self(addmv.without_out, self, (mat, vec), {"beta": beta, "alpha": alpha})


def _addr_mismatch(vec1, vec2):
    def mismatch(self, result):
        return RuntimeError(f"size mismatch, input: {list(self.shape)}, v1: {list(vec1.shape)}, "
                            f"v2: {list(vec2.shape)}")
    return mismatch


def addr_(self, vec1, vec2, *, beta=1, alpha=1) -> Tensor:
    """``self = beta * self + alpha * outer(vec1, vec2)``, in place.

    >>> torch.zeros(2, 2).addr_(torch.tensor([1., 2.]), torch.tensor([1., -1.]))
    tensor([[ 1., -1.],
            [ 2., -2.]])
    """
    return _into_self(addr.without_out, self, (vec1, vec2), {"beta": beta, "alpha": alpha},
                      _addr_mismatch(vec1, vec2))


def addbmm_(self, batch1, batch2, *, beta=1, alpha=1) -> Tensor:
    """``self = beta * self + alpha * (sum of batch1[i] @ batch2[i])``, in place.

    PyTorch resizes a ``self`` that only broadcasts to the product's shape;
    chainrule refuses it, as the other in-place products do (a tensor's size
    never changes in place here).

    >>> torch.zeros(1, 1).addbmm_(torch.ones(3, 1, 2), torch.ones(3, 2, 1))
    tensor([[6.]])
    """
    return _into_self(addbmm.without_out, self, (batch1, batch2), {"beta": beta, "alpha": alpha})


def baddbmm_(self, batch1, batch2, *, beta=1, alpha=1) -> Tensor:
    """``self = beta * self + alpha * (batch1 @ batch2)`` per batch entry, in place.

    >>> torch.ones(2, 1, 1).baddbmm_(torch.ones(2, 1, 3), torch.ones(2, 3, 1), beta=0)
    tensor([[[3.]],
    <BLANKLINE>
            [[3.]]])
    """
    return _into_self(baddbmm.without_out, self, (batch1, batch2),
                      {"beta": beta, "alpha": alpha})


# --- legacy functions ----------------------------------------------------------------------

@out_variant(SAME, name="mm", message="multi_dot(): expected out tensor to have dtype "
                                      "{result_cpp} but got {out_cpp}")
def chain_matmul(*matrices: Tensor) -> Tensor:
    """The product of the 2-D ``matrices`` (deprecated in PyTorch: ``torch.linalg.multi_dot``).

    >>> torch.chain_matmul(torch.ones(2, 3), torch.ones(3, 4), torch.ones(4, 1))
    tensor([[12.],
            [12.]])
    """
    # stacklevel 4: the caller of the out= wrapper
    warn_once("torch.chain_matmul is deprecated and will be removed in a future PyTorch "
              "release. Use torch.linalg.multi_dot instead, which accepts a list of two or more "
              "tensors rather than multiple parameters.", stacklevel=4)
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for i, m in enumerate(matrices):
        if not isinstance(m, Tensor):
            raise element_error(i, m)
        if m.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m.ndim}, expected 2 instead.")
    if len(matrices) == 1:
        return matrices[0].clone()
    return multi_dot(matrices)


def _check_floating(input: Tensor) -> None:
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. "
                           f"Got {input.dtype.scalar_name} instead. Fix: call .float() first.")


@out_variant(SAME, name="norm")
def frobenius_norm(input: Tensor, dim, keepdim: bool = False) -> Tensor:
    """The 2-norm over ``dim`` (at most two dimensions; ``()`` for all); deprecated in PyTorch
    for ``torch.linalg.vector_norm(input, 2, dim, keepdim)``.

    >>> torch.frobenius_norm(torch.tensor([[3., 0.], [0., 4.]]), (0, 1))
    tensor(5.)
    """
    warn_once("at::frobenius_norm is deprecated and it is just left for JIT compatibility. It "
              "will be removed in a future PyTorch release. Please use "
              "`linalg.vector_norm(A, 2., dim, keepdim)` instead", stacklevel=4)
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if len(dims) > 2:
        raise RuntimeError(f"Expected at most 2 dimensions, but got {len(dims)} dimensions "
                           "instead.")
    wrapped = [wrap_dim(d, input.ndim) for d in dims]
    for d in wrapped:
        if wrapped.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    _check_floating(input)
    return reduction_ops.norm_dims(input, 2.0, normalize_dims(dims, input.ndim), keepdim)


def norm_except_dim(v: Tensor, pow: int = 2, dim: int = 0) -> Tensor:  # noqa: A002
    """The ``pow``-norm of each slice of ``v`` along ``dim`` (over all the other dimensions),
    shaped to broadcast against ``v``; ``dim=-1`` gives the norm of all of ``v``.
    ``nn.utils.weight_norm``'s norm.

    >>> torch.norm_except_dim(torch.tensor([[3., 4.], [0., 1.]]))
    tensor([[5.],
            [1.]])
    """
    if not isinstance(pow, int) or isinstance(pow, bool):
        raise TypeError(f"norm_except_dim(): argument 'pow' (position 2) must be int, not "
                        f"{type(pow).__name__}")
    _check_floating(v)
    if dim == -1:
        return reduction_ops.norm_all(v, float(pow))
    if dim == 0:
        if not v.ndim:
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        rows = v.shape[0]
        flat = v.contiguous().view(rows, -1)
        return reduction_ops.norm_dims(flat, float(pow), (1,), False).view(
            (rows,) + (1,) * (v.ndim - 1))
    if dim == v.ndim - 1:
        flat = v.contiguous().view(-1, v.shape[-1])
        return reduction_ops.norm_dims(flat, float(pow), (0,), False).view(
            (1,) * (v.ndim - 1) + (v.shape[-1],))
    # Another dimension: moved to the front and back, as PyTorch does (TransposeBackward0).
    return transpose(norm_except_dim(transpose(v, 0, dim), pow, 0), 0, dim)
