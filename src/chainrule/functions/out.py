"""``out=``: a function's result written into a tensor the caller gives, with PyTorch's rules.

``torch.mul(a, b, out=c)`` computes ``a * b`` and writes it into ``c``'s memory
(views of ``c`` see it, its version counter moves on) and returns ``c``.  One
decorator, ``out_variant``, gives every function that PyTorch gives ``out=``
the same behaviour:

- autograd does not go through ``out=``: if grad mode is on and an input or
  ``out`` requires grad, it raises PyTorch's error (under ``no_grad`` it is
  allowed); forward AD refuses it too;
- an ``out`` of another shape is resized, with PyTorch's deprecation warning
  when it had elements (factory functions resize silently);
- the result's dtype must fit ``out``'s by the function's rule (the constants below).

The methods (``x.mul(y)``) take no ``out=``, as in PyTorch: ``tensor_methods``
binds the undecorated function, ``without_out``.
"""
from __future__ import annotations

import functools
import math
import warnings
from typing import NamedTuple

from .._backend import xp
from ..engine import grad_mode
from ..engine.inplace import check_writable
from ..ops.shape import storage_root, strided_view
from ..tensor import Tensor
from .return_types import Frexp, MinMax, ValuesIndices
from .storage import contiguous_strides, storage_offset

__all__: list = []

# The element types as PyTorch's C++ spells them in messages ("expected ... long int").
CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half",
             "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
             "uint8": "unsigned char", "bool": "bool"}

# How the dtype of a result must relate to the dtype of ``out``:
CAST = "cast"            # PyTorch's canCast: no float into an integer, nothing but bool into bool
SAME = "same"            # exactly the result's dtype
FLOATING = "floating"    # any floating dtype (the result is cast into it)
DTYPE = "dtype"          # out's dtype is the dtype to compute in (``dtype=``), as sum's
FLOAT_DTYPE = "float_dtype"  # the same for a floating out; another breaks the cast rule
CAT = "cat"              # canCast, refused with cat's TypeError
FACTORY = "factory"      # a new tensor (zeros, arange): out's dtype unless dtype= differs

_CANNOT_CAST = "result type {result} can't be cast to the desired output type {out}"
_MESSAGES = {
    CAST: _CANNOT_CAST,
    SAME: "Expected out tensor to have dtype {result_cpp}, but got {out_cpp} instead",
    FLOATING: "{fn}(): Expected floating point type for result tensor, but got: {out}",
    DTYPE: _CANNOT_CAST,
    FLOAT_DTYPE: _CANNOT_CAST,
    CAT: "torch.cat(): input types can't be cast to the desired output type {out}",
    FACTORY: "dtype {result} does not match dtype of out parameter ({out})",
}

NUMEL_WARNING = (
    "The number of elements in the out tensor of shape {old} is {old_numel} which does not match "
    "the computed number of elements {new_numel}. Note that this may occur as a result of "
    "rounding error. The out tensor will be resized to a tensor of shape {new_tuple}.")
RESIZE_WARNING = (
    "An output with one or more elements was resized since it had shape {old}, which does not "
    "match the required output shape {new}. This behavior is deprecated, and in a future "
    "PyTorch release outputs will not be resized unless they have zero elements. You can "
    "explicitly reuse an out tensor t by resizing it, inplace, to zero elements with "
    "t.resize_(0).")


def out_variant(rule: str = CAST, *, message: str | None = None, error=RuntimeError,
                name: str | None = None, tuple_message: str | None = None,
                count_warning: bool = False, accept: tuple = ()):
    """Give a ``torch.*`` function PyTorch's ``out=`` keyword.

    ``rule`` says which dtypes of ``out`` take the result (the constants
    above; ``accept`` names more, as ``"uint8"``); ``message`` and ``error``
    replace the rule's exception where PyTorch words it otherwise for this
    function; ``tuple_message`` does the same for the values of a
    ``(values, indices)`` result.  ``{result}`` and ``{out}`` in a message are
    dtypes as PyTorch's errors name them (``Float``), ``{result_cpp}`` and
    ``{out_cpp}`` as its C++ does (``float``), ``{fn}`` the function.  A
    factory resizes ``out`` silently, or with ``count_warning`` warns when the
    number of elements changes (``arange``, whose count depends on rounding).

    >>> c = torch.zeros(2)
    >>> torch.mul(torch.tensor([1., 2.]), 3, out=c) is c, c
    (True, tensor([3., 6.]))
    """
    def decorate(fn):
        spec = _Spec(name or fn.__name__, rule, message, error, tuple_message, count_warning,
                     accept)
        if "out" in fn.__code__.co_varnames[:fn.__code__.co_argcount
                                             + fn.__code__.co_kwonlyargcount]:
            # fn takes ``out=None`` itself and begins with ``if out is not None: return
            # write_out(...)``: its common call (no out=) then runs no wrapper frame.
            fn.out_spec = spec
            fn.without_out = _refusing_out(fn)
            return fn

        @functools.wraps(fn)
        def with_out(*args, out=None, **kwargs):
            if out is None:
                return fn(*args, **kwargs)
            return _into(out, fn, spec, args, kwargs)
        with_out.without_out = fn
        return with_out
    return decorate


def write_out(out, fn, args: tuple, kwargs: dict | None = None):
    """``fn(*args, **kwargs)`` written into ``out``, for a function that takes ``out=`` itself
    (see ``out_variant``).

    >>> torch.dot(torch.tensor([1., 2.]), torch.tensor([3., 4.]), out=torch.zeros(()))
    tensor(11.)
    """
    # (the warnings point at the caller of fn: one frame further out than with_out's)
    return _into(out, fn, fn.out_spec, args, dict(kwargs) if kwargs else {}, stacklevel=5)


def _refusing_out(fn):
    """``fn`` as a method binds it: PyTorch's methods take no ``out=``, and say so as Python
    does for a keyword a function lacks."""
    @functools.wraps(fn)
    def without_out(*args, **kwargs):
        if "out" in kwargs:
            raise TypeError(f"{fn.__name__}() got an unexpected keyword argument 'out'")
        return fn(*args, **kwargs)
    return without_out


class _Spec(NamedTuple):
    """What ``out_variant`` was told about one function."""

    name: str
    rule: str
    message: str | None
    error: type
    tuple_message: str | None
    count_warning: bool
    accept: tuple


def _into(out, fn, spec: _Spec, args, kwargs, stacklevel: int = 4):
    """Compute ``fn(*args, **kwargs)`` and write it into ``out`` (a tensor, or a tuple of them
    for a function with several results)."""
    name, rule = spec.name, spec.rule
    outs = _as_tensors(out, name)
    _check_autograd(outs, name, rule, args, kwargs)
    requires_grad = False
    if rule == FACTORY:
        requires_grad = kwargs.pop("requires_grad", False)
        dtype = kwargs.get("dtype")
        if dtype is not None and dtype is not outs[0].dtype:
            _refuse(spec, FACTORY, spec.message, dtype, outs[0].dtype)
        kwargs["dtype"] = outs[0].dtype
    elif rule == DTYPE or (rule == FLOAT_DTYPE and outs[0].dtype.is_floating_point):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = outs[0].dtype
    result = fn(*args, **kwargs)
    results = tuple(result) if isinstance(result, tuple) else (result,)
    if len(results) != len(outs):
        raise TypeError(f"{name}(): argument 'out' must be a tuple of {len(results)} Tensors, "
                        f"not {len(outs)}")
    if len(results) == 1:
        _check_dtype(spec, rule, spec.message, results[0].dtype, outs[0].dtype)
    else:  # (values, indices): the values must match exactly, the indices be int64
        for k, (r, o) in enumerate(zip(results, outs)):
            _check_dtype(spec, SAME, spec.tuple_message if k == 0 else None, r.dtype, o.dtype)
    warning = NUMEL_WARNING if spec.count_warning else None if rule == FACTORY \
        else RESIZE_WARNING
    for r, o in zip(results, outs):
        _write(o, r, warning, stacklevel)
    if rule == FACTORY and (requires_grad or outs[0].grad_fn is None):
        outs[0].requires_grad = requires_grad  # as PyTorch's factories set it, also to False
    if not isinstance(result, tuple):
        return outs[0]
    if isinstance(result, (ValuesIndices, Frexp)):
        return type(result)(outs[0], outs[1], f"{result._name}_out")
    if isinstance(result, MinMax):
        return MinMax(outs[0], outs[1], name="aminmax_out")
    return tuple(outs)


def _as_tensors(out, name) -> tuple:
    if isinstance(out, Tensor):
        return (out,)
    if isinstance(out, (tuple, list)) and all(isinstance(o, Tensor) for o in out):
        return tuple(out)
    raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")


def _check_autograd(outs, name, rule, args, kwargs) -> None:
    """PyTorch records no graph through ``out=``: refuse it where one would be needed."""
    tensors = list(outs) + _tensors_in(args) + _tensors_in(kwargs.values())
    if grad_mode.state.enabled and any(t._requires_grad for t in tensors):
        prefix = "aten::" if rule == FACTORY else ""
        raise RuntimeError(
            f"{prefix}{name}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad. Fix: call it without "
            "out= (and assign the result), or inside torch.no_grad() if no gradient is needed.")
    if grad_mode.flags.forward_ad and any(t._fw_grad is not None for t in tensors):
        raise NotImplementedError(
            f"Trying to use forward AD with {name}_out that does not support it because it is "
            "an out= function. Fix: call it without out=.")


def _tensors_in(values) -> list:
    found = []
    for v in values:
        if isinstance(v, Tensor):
            found.append(v)
        elif isinstance(v, (list, tuple)):
            found.extend(t for t in v if isinstance(t, Tensor))
    return found


def _check_dtype(spec: _Spec, rule, message, result, out) -> None:
    if result is out or out.name in spec.accept:
        return
    if rule in (SAME, FACTORY):
        fits = False
    elif rule in (FLOATING, FLOAT_DTYPE):
        fits = out.is_floating_point
    else:  # PyTorch's canCast: never a float into an integer, nor a number into a bool
        fits = result._category <= out._category
    if not fits:
        _refuse(spec, rule, message, result, out)


def _refuse(spec: _Spec, rule, message, result, out):
    error = TypeError if rule == CAT and message is None else spec.error
    raise error((message or _MESSAGES[rule]).format(
        fn=spec.name, result=result.scalar_name, out=out.scalar_name,
        result_cpp=CPP_NAMES[result.name], out_cpp=CPP_NAMES[out.name]))


def _write(out: Tensor, result: Tensor, warning: str | None, stacklevel: int) -> None:
    """Write ``result`` into ``out``'s memory, resizing ``out`` first if its shape differs (with
    ``warning`` if it had elements)."""
    shape = result._data.shape
    if out._data.shape != shape:
        old, new = out._data.size, result._data.size
        if warning is not None and old and (warning is RESIZE_WARNING or old != new):
            warnings.warn(warning.format(old=list(out.shape), new=list(shape), old_numel=old,
                                         new_numel=new, new_tuple=tuple(shape)),
                          UserWarning, stacklevel=stacklevel)
        out._data = _resized(out, shape)
    elif not out._data.flags.writeable:
        check_writable(out)
    xp.copyto(out._data, result._data, casting="unsafe")
    out._bump_version()


def _resized(out: Tensor, shape):
    """Row-major memory for ``shape``: in ``out``'s own storage where it fits from ``out``'s
    first element (as PyTorch's resize_ keeps the storage), else new memory."""
    data = out._data
    offset = storage_offset(out)
    if storage_root(data).flags.writeable \
            and (offset + math.prod(shape)) * data.itemsize <= storage_root(data).nbytes:
        return strided_view(data, shape, contiguous_strides(shape), offset)
    return xp.zeros(shape, dtype=data.dtype)
