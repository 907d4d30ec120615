"""Tensor printing that reproduces ``repr(torch.Tensor)`` character for character.

The rules mirror ``torch/_tensor_str.py`` (PyTorch 2.13) for dense CPU tensors of real
dtypes:

* One formatter is built per tensor from the elements that will actually be shown (only the
  edge items when the tensor is summarised). For floats it picks, from the nonzero finite
  values, whether every value is integral ("int mode", printed as ``1.``) and whether
  scientific notation is needed; it also computes the column width used to right-align
  every element.
* Nested dimensions are printed recursively, each level indented one column further, with
  ``dim - 1`` blank lines between slices; 1-d rows wrap at ``linewidth``.
* Suffixes (``size=``, ``dtype=``, ``grad_fn=``/``requires_grad=``) follow the contents and
  move onto their own line when they would overflow ``linewidth``.

Options set with :func:`set_printoptions` are module-wide, like PyTorch's.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

__all__ = ["get_printoptions", "printoptions", "set_printoptions", "tensor_repr"]


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


_OPTS = _PrintOptions()

# Profiles set these four options; sci_mode is handled separately (see set_printoptions).
_PROFILES: dict[str, dict[str, Any]] = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}

# Width of "tensor(": continuation lines are indented by this much.
_PREFIX = "tensor("


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set the module-wide print options, with the same semantics as
    ``torch.set_printoptions``.

    A ``profile`` ("default", "short" or "full") is applied first and the explicit options
    override it. Like PyTorch, ``sci_mode`` is always assigned, so any call that omits it
    turns automatic scientific-notation selection back on.

    >>> torch.set_printoptions(precision=2)
    >>> torch.tensor([1.23456])
    tensor([1.23])
    >>> torch.set_printoptions(profile="default")
    >>> torch.tensor([1.23456])
    tensor([1.2346])
    """
    if profile in _PROFILES:
        for name, value in _PROFILES[profile].items():
            setattr(_OPTS, name, value)
    if precision is not None:
        _OPTS.precision = precision
    if threshold is not None:
        _OPTS.threshold = threshold
    if edgeitems is not None:
        _OPTS.edgeitems = edgeitems
    if linewidth is not None:
        _OPTS.linewidth = linewidth
    _OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """Return the current options as a dict that can be passed back to set_printoptions.

    PyTorch keeps this one in ``torch._tensor_str``; chainrule exports it at the top level.

    >>> torch.get_printoptions()["precision"]
    4
    """
    return dataclasses.asdict(_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Temporarily change the print options (PyTorch's ``torch._tensor_str.printoptions``).

    >>> with torch.printoptions(precision=2):
    ...     print(torch.tensor([1.23456]))
    tensor([1.23])
    """
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


def _is_floating(dtype: str) -> bool:
    return dtype.startswith(("float", "bfloat"))


class _Formatter:
    """Formats single elements so that all elements of one tensor share a column width."""

    def __init__(self, values: np.ndarray, floating: bool) -> None:
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        precision = _OPTS.precision

        if not floating:
            for value in values.ravel().tolist():
                self.width = max(self.width, len(str(value)))
            return

        flat = values.ravel()
        shown = flat[np.isfinite(flat) & (flat != 0)]
        if shown.size == 0:
            # Nothing to base a choice on: PyTorch keeps int mode even when sci_mode is forced.
            return

        # Decide on exact Python-float (double) copies, as PyTorch does; this matters for
        # e.g. float32 1e-4, which is slightly below 1e-4 and therefore triggers sci mode.
        magnitudes = np.abs(shown)
        smallest = float(magnitudes.min())
        largest = float(magnitudes.max())
        self.int_mode = bool(np.all(shown == np.ceil(shown)))
        if _OPTS.sci_mode is None:
            # Python float division gives inf instead of a numpy overflow warning.
            self.sci_mode = largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4
        else:
            self.sci_mode = bool(_OPTS.sci_mode)

        # tolist() yields Python floats holding the exact values, which is what PyTorch's
        # str.format calls receive via Tensor.item().
        for value in shown.tolist():
            if self.sci_mode:
                text = f"{value:.{precision}e}"
            elif self.int_mode:
                # Room for the trailing "." that marks an integral float.
                text = f"{value:.0f}."
            else:
                text = f"{value:.{precision}f}"
            self.width = max(self.width, len(text))

    def format(self, value: Any) -> str:
        """Format one Python scalar, right-aligned to the shared width."""
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.width}.{_OPTS.precision}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            if math.isfinite(value):
                text += "."
        else:
            text = f"{value:.{_OPTS.precision}f}"
        return text.rjust(self.width)


def _summarized_values(arr: np.ndarray) -> np.ndarray:
    """The elements that a summarised print shows (flattened; order is irrelevant)."""
    edge = _OPTS.edgeitems
    if arr.ndim == 0:
        return arr.ravel()
    if arr.ndim == 1:
        if arr.shape[0] > 2 * edge:
            # With edge == 0 PyTorch keeps arr[-0:], i.e. everything; nothing is shown then
            # anyway ("[...]"), so the formatter's width does not matter.
            return np.concatenate((arr[:edge], arr[-edge:]))
        return arr
    if edge == 0:
        return arr[:0].ravel()
    n = arr.shape[0]
    rows = [*range(edge), *range(n - edge, n)] if n > 2 * edge else range(n)
    return np.concatenate([_summarized_values(arr[i]) for i in rows])


def _vector_str(arr: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    edge = _OPTS.edgeitems
    # Each element takes its width plus ", ".
    per_line = max(1, math.floor((_OPTS.linewidth - indent) / (fmt.width + 2)))

    if summarize and not edge:
        items = ["..."]
    elif summarize and arr.shape[0] > 2 * edge:
        items = (
            [fmt.format(v) for v in arr[:edge].tolist()]
            + [" ..."]
            + [fmt.format(v) for v in arr[-edge:].tolist()]
        )
    else:
        items = [fmt.format(v) for v in arr.tolist()]

    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(arr: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if arr.ndim == 0:
        return fmt.format(arr.item())
    if arr.ndim == 1:
        return _vector_str(arr, indent, summarize, fmt)

    edge = _OPTS.edgeitems
    n = arr.shape[0]
    if summarize and n > 2 * edge:
        slices = (
            [_nested_str(arr[i], indent + 1, summarize, fmt) for i in range(edge)]
            + ["..."]
            + [_nested_str(arr[i], indent + 1, summarize, fmt) for i in range(n - edge, n)]
        )
    else:
        slices = [_nested_str(arr[i], indent + 1, summarize, fmt) for i in range(n)]
    # Higher dimensions are separated by more blank lines, as in PyTorch.
    separator = "," + "\n" * (arr.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(slices) + "]"


def _contents_str(arr: np.ndarray, floating: bool, indent: int) -> str:
    summarize = arr.size > _OPTS.threshold
    fmt = _Formatter(_summarized_values(arr) if summarize else arr, floating)
    return _nested_str(arr, indent, summarize, fmt)


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    # PyTorch's estimate of the current line length is two more than the real length
    # (``len - rfind("\n") + 1``); reproduce it since it decides where suffixes wrap.
    last_line_len = len(text) - text.rfind("\n") + 1
    parts = [text]
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > _OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(
    data: np.ndarray,
    dtype: str,
    *,
    requires_grad: bool = False,
    grad_fn: str | None = None,
    default_dtype: str = "float32",
    tangent: str | None = None,
) -> str:
    """Return what ``repr()`` of a PyTorch CPU tensor with these values would print.

    ``dtype`` and ``default_dtype`` are PyTorch dtype names without the ``torch.`` prefix
    (e.g. "float32", "int64", "bool"); ``grad_fn`` is the backward node's class name;
    ``tangent`` the forward-mode tangent as PyTorch formats it (``f"{tangent}"``).
    """
    arr = np.asarray(data)
    try:
        # Print the values as the tensor's dtype holds them, even if the caller's array
        # has a different (e.g. wider) dtype.
        np_dtype = np.dtype(dtype)
    except TypeError:
        np_dtype = arr.dtype  # a dtype numpy lacks (bfloat16): print the data as given
    if arr.dtype != np_dtype:
        with np.errstate(over="ignore"):  # out-of-range values become inf, as in a cast
            arr = arr.astype(np_dtype)

    indent = len(_PREFIX)
    suffixes: list[str] = []
    size_suffix = "size=" + str(tuple(arr.shape))
    dtype_suffix = "dtype=torch." + dtype

    if arr.size == 0:
        contents = "[]"
        # (0,) is implied by "[]"; other empty shapes are not.
        if arr.ndim != 1:
            suffixes.append(size_suffix)
        # An empty tensor gives no hint of its dtype, so only the default float is implied.
        if dtype != default_dtype:
            suffixes.append(dtype_suffix)
    else:
        contents = _contents_str(arr, _is_floating(dtype), indent)
        if not _OPTS.edgeitems:
            suffixes.append(size_suffix)
        if dtype not in (default_dtype, "int64", "bool"):
            suffixes.append(dtype_suffix)

    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{grad_fn}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    if tangent is not None:
        suffixes.append(f"tangent={tangent}")

    return _add_suffixes(_PREFIX + contents, suffixes, indent)
