"""Every function of chainrule.numpy against NumPy: values, result dtype and shape.

Each differentiable function has a row in ``SPECS``: how to draw its arguments (shapes,
dtypes, broadcasting, negative axes, keyword options) with hypothesis.  The function
is called with its float arguments as tensors that require grad (the recording path)
and compared with NumPy on the same values; its gradient is checked against finite
differences (gradcheck and gradgradcheck, float64).  Functions whose results carry no
gradient are compared with NumPy on tensors' values.  A test checks that every name
of the namespace has a row here.
"""
import functools

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, mutually_broadcastable_shapes

import chainrule
import chainrule.numpy as cnp
from chainrule.autograd import gradcheck, gradgradcheck

FLOATS = [numpy.float64, numpy.float32]


# --- drawing arguments -------------------------------------------------------------------

class Draw:
    """Arguments for one call, drawn from hypothesis ``data``; records which are arrays that
    may become tensors (``float_args``) so the test can differentiate them."""

    def __init__(self, data, dtypes=FLOATS):
        self.data = data
        self.dtype = data.draw(st.sampled_from(dtypes), label="dtype")
        self.rng = numpy.random.default_rng(data.draw(st.integers(0, 2 ** 16), label="seed"))

    def shape(self, min_dims=0, max_dims=3, min_side=1, max_side=4):
        return self.data.draw(array_shapes(min_dims=min_dims, max_dims=max_dims,
                                           min_side=min_side, max_side=max_side), label="shape")

    def broadcast(self, n=2, min_dims=0, max_dims=3):
        shapes = self.data.draw(mutually_broadcastable_shapes(
            num_shapes=n, min_dims=min_dims, max_dims=max_dims, max_side=3), label="shapes")
        return shapes.input_shapes

    def array(self, shape, low=-2.0, high=2.0, away=0.0, dtype=None):
        """Uniform values in [low, high], at least ``away`` from zero."""
        values = self.rng.uniform(low, high, size=shape)
        if away:
            values = numpy.where(numpy.abs(values) < away, numpy.copysign(away, values), values)
        return numpy.asarray(values, dtype=dtype or self.dtype)

    def axis(self, ndim, none=True, tuples=True, keep_empty=False):
        """None, an int (negative too) or a tuple of distinct axes of an ``ndim`` array."""
        choices = []
        if none:
            choices.append(st.none())
        if ndim:
            choices.append(st.integers(-ndim, ndim - 1))
            if tuples:
                choices.append(st.lists(st.integers(0, ndim - 1), min_size=1 if not keep_empty
                                        else 0, max_size=ndim, unique=True).map(
                    lambda axes: tuple(a - ndim if i % 2 else a for i, a in enumerate(axes))))
        return self.data.draw(st.one_of(choices), label="axis") if choices else None

    def one_axis(self, ndim):
        return self.data.draw(st.integers(-ndim, ndim - 1), label="axis")

    def flag(self, label="flag"):
        return self.data.draw(st.booleans(), label=label)

    def choice(self, options, label="choice"):
        return self.data.draw(st.sampled_from(options), label=label)


# --- the rows: name -> draw(d) returning (function, args, kwargs) -------------------------
# ``args`` holds NumPy arrays, numbers and options; every floating NumPy array in it (at
# any depth of lists) becomes a tensor that requires grad, except where a row marks it
# ``Plain`` (data that is compared as given).

class Plain:
    """An argument passed as it is (not made a tensor): index arrays, masks, data."""

    def __init__(self, value):
        self.value = value


def _ufunc(name, low=-2.0, high=2.0, away=0.0):
    def draw(d):
        x = d.array(d.shape(), low, high, away)
        return getattr(cnp, name), (x,), {}
    return draw


def _binary(name, low=-2.0, high=2.0, away=0.0, low2=None, high2=None, away2=None,
            others=(numpy.float64, numpy.float32, numpy.int64, "number")):
    def draw(d):
        sa, sb = d.broadcast()
        a = d.array(sa, low, high, away)
        kind = d.choice(list(others), "other")
        lo2, hi2 = low if low2 is None else low2, high if high2 is None else high2
        aw2 = away if away2 is None else away2
        if kind == "number":
            b = float(d.array((), lo2, hi2, aw2, numpy.float64))
        elif kind is numpy.int64:
            b = Plain(numpy.rint(d.array(sb, max(lo2, 1.0) if aw2 else lo2, hi2, 0.0,
                                         numpy.float64)).astype(numpy.int64) + (1 if aw2 else 0))
        else:
            b = d.array(sb, lo2, hi2, aw2, kind)
        if d.flag("swap") and kind != "number" and name not in ("power", "float_power", "pow"):
            a, b = b, a
        return getattr(cnp, name), (a, b), {}
    return draw


def _reduction(name, keepdims=True, ddof=False, dtype_option=False, empty_axis=True):
    def draw(d):
        # std's derivative is infinite where it is 0 (one element): two or more.
        x = d.array(d.shape(min_dims=int(name == "std"), min_side=2 if name == "std" else 1))
        kwargs = {"axis": d.axis(x.ndim, keep_empty=empty_axis)}
        if keepdims:
            kwargs["keepdims"] = d.flag("keepdims")
        if ddof:
            kwargs["ddof"] = d.choice([0, 1], "ddof")
            sizes = numpy.prod([x.shape[a] for a in numpy.atleast_1d(
                range(x.ndim) if kwargs["axis"] is None else kwargs["axis"])])
            if sizes <= kwargs["ddof"]:
                kwargs["ddof"] = 0
        if dtype_option and x.dtype == numpy.float32 and d.flag("dtype"):
            kwargs["dtype"] = numpy.float64
        return getattr(cnp, name), (x,), kwargs
    return draw


def _scan(name):
    def draw(d):
        x = d.array(d.shape(), 0.5, 1.5)
        return getattr(cnp, name), (x,), {"axis": d.axis(x.ndim, tuples=False)}
    return draw


def _matrix(d, n=None, batch=True, symmetric=False, positive=False):
    n = n or d.choice([1, 2, 3], "n")
    shape = (d.choice([(), (2,)], "batch") if batch else ()) + (n, n)
    a = d.array(shape)
    if positive:
        a = a @ numpy.swapaxes(a, -1, -2) + n * numpy.eye(n, dtype=a.dtype)
    elif symmetric:
        a = a + numpy.swapaxes(a, -1, -2)
    else:
        a = a + 3 * numpy.eye(n, dtype=a.dtype)  # well conditioned
    return a


def _split_like(name, min_dims=1):
    def draw(d):
        x = d.array(d.shape(min_dims=min_dims, min_side=2))
        axis = {"split": 0, "array_split": d.one_axis(x.ndim), "hsplit": None,
                "vsplit": None}[name]
        size = x.shape[axis] if axis is not None else (x.shape[1] if name == "hsplit"
                                                       and x.ndim > 1 else x.shape[0])
        if d.flag("sections"):
            sections = d.choice([n for n in range(1, size + 1) if name == "array_split"
                                 or size % n == 0], "sections")
        else:
            sections = sorted(d.data.draw(st.lists(st.integers(0, size), max_size=3)))
        args = (x, sections) + ((axis,) if name == "array_split" else ())
        return getattr(cnp, name), args, {}
    return draw


def _joining(name, min_dims=1, same_ndim=True):
    def draw(d):
        shape = d.shape(min_dims=min_dims)
        axis = d.one_axis(len(shape)) if name == "concatenate" else 0
        arrays = []
        for _ in range(d.choice([1, 2, 3], "count")):
            s = list(shape)
            if name == "concatenate":
                s[axis] = d.choice([1, 2], "length")
            elif name in ("hstack", "column_stack") and len(s) > 1:
                s[1] = d.choice([1, 2], "length")
            elif name in ("vstack",) and len(s) > 1:
                s[0] = d.choice([1, 2], "length")
            arrays.append(d.array(tuple(s), dtype=d.choice(FLOATS, "each")))
        kwargs = {}
        if name in ("concatenate", "stack"):
            kwargs["axis"] = axis if name == "concatenate" else d.one_axis(len(shape) + 1)
        return getattr(cnp, name), (arrays,), kwargs
    return draw


def _spec_table():
    t = {}
    for name in ["negative", "positive", "absolute", "abs", "fabs", "exp", "exp2", "expm1",
                 "sin", "cos", "arctan", "atan", "sinh", "cosh", "tanh", "arcsinh", "asinh",
                 "deg2rad", "rad2deg", "radians", "degrees", "conjugate", "conj", "square"]:
        t[name] = _ufunc(name, away=0.1 if name in ("absolute", "abs", "fabs") else 0.0)
    for name in ["log", "log2", "log10", "sqrt"]:
        t[name] = _ufunc(name, 0.2, 3.0)
    t["log1p"] = _ufunc("log1p", -0.5, 2.0)
    t["cbrt"] = _ufunc("cbrt", away=0.3)
    t["reciprocal"] = _ufunc("reciprocal", away=0.3)
    t["tan"] = _ufunc("tan", -1.0, 1.0)
    for name in ["arcsin", "asin", "arccos", "acos", "arctanh", "atanh"]:
        t[name] = _ufunc(name, -0.8, 0.8)
    for name in ["arccosh", "acosh"]:
        t[name] = _ufunc(name, 1.2, 3.0)
    for name in ["add", "subtract", "multiply", "maximum", "minimum", "fmax", "fmin",
                 "logaddexp", "logaddexp2"]:
        t[name] = _binary(name)
    for name in ["divide", "true_divide"]:
        t[name] = _binary(name, away2=0.3, away=0.3)
    for name in ["power", "pow", "float_power"]:
        t[name] = _binary(name, 0.3, 2.0, low2=-2.0, high2=2.0,
                          others=(numpy.float64, numpy.float32, "number"))
    for name in ["remainder", "mod", "fmod"]:
        t[name] = _binary(name, 0.1, 0.9, low2=1.1, high2=2.0,
                          others=(numpy.float64, numpy.float32, "number"))
    for name in ["arctan2", "atan2", "hypot", "copysign"]:
        t[name] = _binary(name, away=0.3)

    def matmul(d):
        n, m, k = (d.choice([1, 2, 3], c) for c in "nmk")
        a_shape = d.choice([(m,), (n, m), (2, n, m)], "a")
        b_shape = d.choice([(m,), (m, k), (2, m, k)], "b")
        return cnp.matmul, (d.array(a_shape), d.array(b_shape)), {}
    t["matmul"] = matmul

    for name in ["sum", "prod"]:
        t[name] = _reduction(name, dtype_option=True)
    t["mean"] = _reduction("mean", dtype_option=True)
    for name in ["max", "min", "amax", "amin", "ptp"]:
        t[name] = _reduction(name)
    for name in ["std", "var"]:
        t[name] = _reduction(name, ddof=True, dtype_option=True)
    t["nansum"] = _reduction("nansum")
    t["nanmean"] = _reduction("nanmean")
    t["median"] = _reduction("median", empty_axis=False)
    for name in ["cumsum", "cumprod"]:
        t[name] = _scan(name)

    def sort(d):
        x = d.array(d.shape())
        axis = d.choice([None] + list(range(-x.ndim, x.ndim)), "axis")
        return cnp.sort, (x,), {"axis": axis}
    t["sort"] = sort

    def average(d):
        x = d.array(d.shape(min_dims=1))
        axis = d.one_axis(x.ndim) if d.flag("axis") else None
        weights = None
        if d.flag("weights"):
            shape = x.shape if axis is None or d.flag("full") else (x.shape[axis],)
            weights = d.array(shape, 0.5, 2.0)
        return cnp.average, (x,), {"axis": axis, "weights": weights,
                                   "returned": d.flag("returned")}
    t["average"] = average

    def quantile(d, name="quantile"):
        x = d.array(d.shape(min_dims=1))
        q = d.choice([0.5, [0.1, 0.9], 0.0, 1.0], "q")
        if name == "percentile":
            q = numpy.multiply(q, 100).tolist()
        return getattr(cnp, name), (x, Plain(q)), {
            "axis": d.choice([None] + list(range(-x.ndim, x.ndim)), "axis"),
            "keepdims": d.flag("keepdims")}
    t["quantile"] = quantile
    t["percentile"] = lambda d: quantile(d, "percentile")

    def diff(d):
        x = d.array(d.shape(min_dims=1, min_side=2))
        kwargs = {"n": d.choice([1, 2], "n") if min(x.shape) > 2 else 1,
                  "axis": d.one_axis(x.ndim)}
        if d.flag("prepend"):
            kwargs["prepend"] = 0.5
        return cnp.diff, (x,), kwargs
    t["diff"] = diff

    def reshape(d):
        x = d.array(d.shape())
        shape = d.choice([(x.size,), (-1,), (1, x.size), (x.size, 1, -1)], "target")
        return cnp.reshape, (x, shape), {"order": d.choice(["C", "F"], "order")}
    t["reshape"] = reshape
    t["ravel"] = lambda d: (cnp.ravel, (d.array(d.shape()),), {"order": d.choice(["C", "F"])})

    def transpose(d, name="transpose"):
        x = d.array(d.shape())
        axes = None if d.flag("default") else tuple(d.data.draw(st.permutations(
            list(range(x.ndim)))))
        if name == "permute_dims":
            axes = tuple(range(x.ndim))[::-1] if axes is None else axes
        return getattr(cnp, name), (x, axes), {}
    t["transpose"] = transpose
    t["permute_dims"] = lambda d: transpose(d, "permute_dims")

    def swapaxes(d):
        x = d.array(d.shape(min_dims=1))
        return cnp.swapaxes, (x, d.one_axis(x.ndim), d.one_axis(x.ndim)), {}
    t["swapaxes"] = swapaxes

    def moveaxis(d):
        x = d.array(d.shape(min_dims=1))
        perm = d.data.draw(st.permutations(list(range(x.ndim))))
        k = d.choice(list(range(1, x.ndim + 1)), "count")
        return cnp.moveaxis, (x, list(range(k)), [p - x.ndim for p in perm[:k]]), {}
    t["moveaxis"] = moveaxis

    def expand_dims(d):
        x = d.array(d.shape())
        return cnp.expand_dims, (x, d.choice([0, -1, (0, -1)], "axis")), {}
    t["expand_dims"] = expand_dims

    def squeeze(d):
        shape = list(d.shape())
        shape.insert(d.choice(list(range(len(shape) + 1)), "at"), 1)
        x = d.array(tuple(shape))
        ones = [i for i, n in enumerate(shape) if n == 1]
        axis = None if d.flag("all") else d.choice(ones, "axis") - len(shape)
        return cnp.squeeze, (x,), {"axis": axis}
    t["squeeze"] = squeeze

    def broadcast_to(d):
        sa, sb = d.broadcast()
        target = numpy.broadcast_shapes(sa, sb)
        return cnp.broadcast_to, (d.array(sa), target), {}
    t["broadcast_to"] = broadcast_to

    def broadcast_arrays(d):
        sa, sb = d.broadcast()
        return cnp.broadcast_arrays, (d.array(sa), d.array(sb, dtype=numpy.float64)), {}
    t["broadcast_arrays"] = broadcast_arrays
    for name in ["atleast_1d", "atleast_2d", "atleast_3d"]:
        t[name] = (lambda n: lambda d: (getattr(cnp, n), tuple(
            d.array(d.shape(max_dims=2)) for _ in range(d.choice([1, 2], "count"))), {}))(name)
    t["concatenate"] = _joining("concatenate")
    t["concat"] = lambda d: (cnp.concat,) + _joining("concatenate")(d)[1:]
    t["stack"] = _joining("stack", min_dims=0)
    t["hstack"] = _joining("hstack")
    t["vstack"] = _joining("vstack")
    t["dstack"] = _joining("dstack")
    t["column_stack"] = _joining("column_stack", min_dims=1)
    for name in ["split", "array_split", "hsplit"]:
        t[name] = _split_like(name)
    t["vsplit"] = _split_like("vsplit", min_dims=2)

    def tile(d):
        x = d.array(d.shape(max_dims=2))
        return cnp.tile, (x, d.choice([2, (2, 1), (1, 2, 2)], "reps")), {}
    t["tile"] = tile

    def repeat(d):
        x = d.array(d.shape(min_dims=1))
        axis = d.choice([None] + list(range(-x.ndim, x.ndim)), "axis")
        n = x.size if axis is None else x.shape[axis]
        repeats = d.choice([2, list(d.rng.integers(0, 3, n))], "repeats")
        return cnp.repeat, (x, Plain(repeats), axis), {}
    t["repeat"] = repeat
    t["flip"] = lambda d: (cnp.flip,) + (lambda x: ((x,), {"axis": d.axis(x.ndim)}))(
        d.array(d.shape()))
    t["fliplr"] = lambda d: (cnp.fliplr, (d.array(d.shape(min_dims=2)),), {})
    t["flipud"] = lambda d: (cnp.flipud, (d.array(d.shape(min_dims=1)),), {})

    def roll(d):
        x = d.array(d.shape(min_dims=1))
        axis = d.choice([None, d.one_axis(x.ndim), (0, -1)], "axis")
        shift = d.choice([1, -2, 5], "shift") if not isinstance(axis, tuple) else (1, -1)
        return cnp.roll, (x, shift), {"axis": axis}
    t["roll"] = roll

    def rot90(d):
        x = d.array(d.shape(min_dims=2))
        return cnp.rot90, (x, d.choice([0, 1, 2, 3, -1], "k")), {"axes": d.choice(
            [(0, 1), (1, 0), (-1, 0)], "axes")}
    t["rot90"] = rot90

    def pad(d):
        x = d.array(d.shape(min_dims=1, min_side=2))
        mode = d.choice(["constant", "edge", "reflect", "symmetric", "wrap"], "mode")
        width = d.choice([1, (1, 2), [(0, 1)] * x.ndim], "width")
        kwargs = {"constant_values": 0.5} if mode == "constant" and d.flag("value") else {}
        return cnp.pad, (x, width, mode), kwargs
    t["pad"] = pad
    for name in ["tril", "triu"]:
        t[name] = (lambda n: lambda d: (getattr(cnp, n), (d.array(d.shape(min_dims=1)),
                                                          d.choice([0, 1, -1], "k")), {}))(name)
    t["diag"] = lambda d: (cnp.diag, (d.array(d.choice([(3,), (2, 3), (3, 3)], "s")),
                                      d.choice([0, 1, -1], "k")), {})
    t["diagflat"] = lambda d: (cnp.diagflat, (d.array(d.shape(max_dims=2)),
                                              d.choice([0, 1], "k")), {})

    def diagonal(d, name="diagonal"):
        x = d.array(d.shape(min_dims=2))
        return getattr(cnp, name), (x, d.choice([0, 1, -1], "offset"), 0, -1), {}
    t["diagonal"] = diagonal
    t["trace"] = lambda d: diagonal(d, "trace")
    t["append"] = lambda d: (cnp.append, (d.array(d.shape()), d.array(d.shape())), {})

    def delete(d):
        x = d.array(d.shape(min_dims=1, min_side=2))
        return cnp.delete, (x, Plain(d.choice([0, [0, -1], slice(0, 1)], "obj")),
                            d.choice([None, -1], "axis")), {}
    t["delete"] = delete
    t["copy"] = lambda d: (cnp.copy, (d.array(d.shape()),), {})
    t["real"] = lambda d: (cnp.real, (d.array(d.shape()),), {})

    def where(d):
        sa, sb, sc = d.broadcast(3)
        return cnp.where, (Plain(d.rng.random(sa) > 0.5), d.array(sb),
                           d.array(sc, dtype=d.choice(FLOATS, "other"))), {}
    t["where"] = where

    def clip(d):
        x = d.array(d.shape())
        low = d.choice([None, -0.5, d.array(x.shape[-1:] if x.ndim else (), -1.0, 0.0)], "lo")
        high = 0.7 if low is None else d.choice([None, 0.7], "hi")
        return cnp.clip, (x, low, high), {}
    t["clip"] = clip

    def take(d):
        x = d.array(d.shape(min_dims=1))
        axis = d.choice([None] + list(range(-x.ndim, x.ndim)), "axis")
        n = x.size if axis is None else x.shape[axis]
        index = d.rng.integers(-n, n, d.choice([(), (2,), (2, 2)], "ishape"))
        return cnp.take, (x, Plain(index)), {"axis": axis}
    t["take"] = take

    def take_along_axis(d, put=False):
        x = d.array(d.shape(min_dims=1))
        axis = d.one_axis(x.ndim)
        shape = list(x.shape)
        shape[axis] = d.choice(sorted({1, min(2, x.shape[axis])}), "k")
        index = numpy.argsort(d.rng.random(x.shape), axis=axis).take(
            range(shape[axis]), axis=axis)
        if put:
            values = d.array(tuple(shape)) if d.flag("array") else 3.0
            return cnp.put_along_axis, (x, Plain(index), values, axis), {}
        return cnp.take_along_axis, (x, Plain(index), axis), {}
    t["take_along_axis"] = take_along_axis
    t["put_along_axis"] = lambda d: take_along_axis(d, put=True)

    def select(d):
        shape = d.shape()
        x, y = d.array(shape), d.array(shape)
        return cnp.select, (Plain([x > 0.5, x < -0.5]), [x, y]), {"default": 0.25}
    t["select"] = select

    def compress(d):
        x = d.array(d.shape(min_dims=1))
        axis = d.choice([None, 0, -1], "axis")
        n = x.size if axis is None else x.shape[axis]
        return cnp.compress, (Plain(d.rng.random(n) > 0.3), x), {"axis": axis}
    t["compress"] = compress

    def dot(d, name="dot"):
        n, m = d.choice([1, 2, 3], "n"), d.choice([1, 2, 3], "m")
        a_shape, b_shape = d.choice([((), (n,)), ((n,), (n,)), ((m, n), (n,)), ((n,), (n, m)),
                                     ((m, n), (n, 2)), ((2, m, n), (3, n, m)),
                                     ((2, m, n), (n,))], "shapes")
        if name == "inner" and len(b_shape) > 1:
            b_shape = b_shape[:-2] + b_shape[-1:] + b_shape[-2:-1]
        if name == "vdot":
            a_shape = b_shape = (n, m)
        return getattr(cnp, name), (d.array(a_shape), d.array(b_shape)), {}
    for name in ["dot", "inner", "vdot"]:
        t[name] = (lambda n: lambda d: dot(d, n))(name)
    t["outer"] = lambda d: (cnp.outer, (d.array(d.shape(max_dims=2)),
                                        d.array(d.shape(max_dims=2))), {})

    def tensordot(d):
        a = d.array((2, 3, 2))
        axes, b_shape = d.choice([(0, (2,)), (1, (2, 3)), (2, (3, 2)),
                                  (([1, 0], [0, 1]), (3, 2, 4)), ((-1, 0), (2, 2))], "axes")
        return cnp.tensordot, (a, d.array(b_shape)), {"axes": axes}
    t["tensordot"] = tensordot

    def einsum(d):
        spec, shapes = d.choice([("ij,jk->ik", [(2, 3), (3, 2)]), ("ii->", [(3, 3)]),
                                 ("ij->ji", [(2, 3)]), ("i,i", [(3,), (3,)]),
                                 ("...ij,...jk->...ik", [(2, 2, 3), (2, 3, 2)]),
                                 ("bi,bj->bij", [(2, 3), (2, 2)])], "spec")
        return cnp.einsum, (spec, *[d.array(s) for s in shapes]), {}
    t["einsum"] = einsum
    t["kron"] = lambda d: (cnp.kron, (d.array(d.shape(max_dims=2)),
                                      d.array(d.shape(max_dims=2))), {})

    def cross(d):
        sa, sb = d.broadcast(min_dims=0, max_dims=2)
        return cnp.cross, (d.array(sa + (3,)), d.array(sb + (3,))), {}
    t["cross"] = cross

    def array(d, name="array"):
        x = d.array(())
        y = d.array((2,))
        return getattr(cnp, name), ([[x, 1.0], [y[0], y[1]]],), {}
    t["array"] = array
    for name in ["asarray", "asanyarray", "ascontiguousarray"]:
        t[name] = (lambda n: lambda d: (getattr(cnp, n), (d.array(d.shape()),), {}))(name)

    def meshgrid(d):
        vectors = [d.array((d.choice([1, 2, 3], "n"),)) for _ in range(d.choice([1, 2, 3]))]
        return cnp.meshgrid, tuple(vectors), {"indexing": d.choice(["xy", "ij"], "indexing"),
                                              "sparse": d.flag("sparse")}
    t["meshgrid"] = meshgrid
    t["full"] = lambda d: (cnp.full, ((2, 3), d.array(())), {})
    t["full_like"] = lambda d: (cnp.full_like, (Plain(numpy.zeros((2, 2))), d.array(())), {})
    t["sinc"] = _ufunc("sinc", away=0.1)

    def nan_to_num(d):
        x = d.array(d.shape(min_dims=1))
        x.flat[0] = numpy.nan
        return cnp.nan_to_num, (x,), {}
    t["nan_to_num"] = nan_to_num

    # linalg
    L = cnp.linalg
    t["linalg.inv"] = lambda d: (L.inv, (_matrix(d),), {})
    t["linalg.det"] = lambda d: (L.det, (_matrix(d),), {})
    t["linalg.slogdet"] = lambda d: (L.slogdet, (_matrix(d),), {})

    def solve(d):
        a = _matrix(d)
        n = a.shape[-1]
        b = d.array(d.choice([(n,), (n, 2), a.shape[:-1] + (1,)], "b"))
        return L.solve, (a, b), {}
    t["linalg.solve"] = solve
    t["linalg.cholesky"] = lambda d: (L.cholesky, (_matrix(d, positive=True),),
                                      {"upper": d.flag("upper")})
    t["linalg.eigh"] = lambda d: (L.eigh, (_matrix(d, symmetric=True),), {})
    t["linalg.eigvalsh"] = lambda d: (L.eigvalsh, (_matrix(d, symmetric=True),), {})

    def svd(d):
        a = d.array(d.choice([(3, 2), (2, 2), (2, 3, 2)], "s"))
        return L.svd, (a,), {"full_matrices": False, "compute_uv": d.flag("uv")}
    t["linalg.svd"] = svd
    t["linalg.svdvals"] = lambda d: (L.svdvals, (d.array(d.choice([(3, 2), (2, 3)])),), {})
    t["linalg.qr"] = lambda d: (L.qr, (d.array(d.choice([(3, 2), (2, 2)], "s")),),
                                {"mode": d.choice(["reduced", "r"], "mode")})
    t["linalg.pinv"] = lambda d: (L.pinv, (d.array(d.choice([(3, 2), (2, 3)], "s")),), {})
    t["linalg.matrix_power"] = lambda d: (L.matrix_power, (_matrix(d), d.choice([0, 1, 3, -2])),
                                          {})
    t["linalg.multi_dot"] = lambda d: (L.multi_dot, ([d.array((3,)), d.array((3, 2)),
                                                      d.array((2, 2))],), {})

    def norm(d):
        x = d.array(d.shape(min_dims=1, max_dims=3), away=0.1)
        kind = d.choice(["default", "vector", "matrix"], "kind")
        if kind == "default" or (kind == "matrix" and x.ndim < 2):
            return L.norm, (x,), {"keepdims": d.flag("keepdims")}
        if kind == "vector":
            return L.norm, (x,), {"ord": d.choice([None, 1, 2, 3, numpy.inf, -numpy.inf]),
                                  "axis": d.one_axis(x.ndim), "keepdims": d.flag("keepdims")}
        return L.norm, (x,), {"ord": d.choice([None, "fro", 1, -1, numpy.inf, -numpy.inf]),
                              "axis": (0, -1), "keepdims": d.flag("keepdims")}
    t["linalg.norm"] = norm
    t["linalg.vector_norm"] = lambda d: (L.vector_norm, (d.array(d.shape(min_dims=1),
                                                                 away=0.1),),
                                         {"ord": d.choice([1, 2, numpy.inf])})
    t["linalg.matrix_norm"] = lambda d: (L.matrix_norm, (d.array((2, 3), away=0.1),),
                                         {"ord": d.choice(["fro", 1, numpy.inf])})
    t["linalg.matrix_transpose"] = lambda d: (L.matrix_transpose,
                                              (d.array(d.shape(min_dims=2)),), {})
    t["linalg.trace"] = lambda d: (L.trace, (d.array(d.shape(min_dims=2)),),
                                   {"offset": d.choice([0, 1])})
    t["linalg.diagonal"] = lambda d: (L.diagonal, (d.array(d.shape(min_dims=2)),), {})
    t["linalg.vecdot"] = lambda d: (L.vecdot, (d.array((2, 3)), d.array((3,))), {})
    t["linalg.outer"] = lambda d: (L.outer, (d.array((2,)), d.array((3,))), {})
    t["linalg.cross"] = lambda d: (L.cross, (d.array((2, 3)), d.array((3,))), {})
    t["linalg.tensordot"] = lambda d: (L.tensordot, (d.array((2, 3)), d.array((3, 2))),
                                       {"axes": 1})
    t["linalg.matmul"] = lambda d: (L.matmul, (d.array((2, 3)), d.array((3,))), {})
    return t


SPECS = _spec_table()
# Rows also drawn in float16: the ufuncs (elementwise, so NumPy and chainrule round alike).
HALF = {name for name in SPECS if isinstance(getattr(cnp, name, None), cnp.ufunc)}

# ufunc methods: name -> how to call them (every differentiable binary ufunc, three ways)
_BINARY = [name for name, uf in sorted(vars(cnp).items())
           if isinstance(uf, cnp.ufunc) and uf.differentiable and uf.nin == 2
           and name not in ("matmul",)]
_DOMAINS = {"divide": (0.5, 2.0), "true_divide": (0.5, 2.0), "power": (0.5, 1.5),
            "pow": (0.5, 1.5), "float_power": (0.5, 1.5), "remainder": (1.1, 1.9),
            "mod": (1.1, 1.9), "fmod": (1.1, 1.9), "arctan2": (0.5, 2.0), "atan2": (0.5, 2.0),
            "hypot": (0.5, 2.0), "copysign": (0.5, 2.0)}
for _name in _BINARY:
    def _reduce(d, name=_name):
        x = d.array(d.shape(min_dims=1), *_DOMAINS.get(name, (-2.0, 2.0)))
        uf = getattr(cnp, name)
        return uf.reduce, (x,), {"axis": d.choice([0, -1, None], "axis"),
                                 "keepdims": d.flag("keepdims")}

    def _accumulate(d, name=_name):
        x = d.array(d.shape(min_dims=1), *_DOMAINS.get(name, (-2.0, 2.0)))
        return getattr(cnp, name).accumulate, (x,), {"axis": d.one_axis(x.ndim)}

    def _outer(d, name=_name):
        low, high = _DOMAINS.get(name, (-2.0, 2.0))
        return getattr(cnp, name).outer, (d.array(d.shape(max_dims=2), low, high),
                                          d.array(d.shape(max_dims=2), low, high)), {}
    SPECS[f"{_name}.reduce"] = _reduce
    SPECS[f"{_name}.accumulate"] = _accumulate
    SPECS[f"{_name}.outer"] = _outer


def _numpy_twin(fn):
    """The NumPy function (or ufunc method) a chainrule.numpy function stands for."""
    owner = getattr(fn, "__self__", None)
    if isinstance(owner, cnp.ufunc):
        if fn.__name__ == "reduce":
            return functools.partial(_reduce_as_documented, owner._ufunc)
        return getattr(owner._ufunc, fn.__name__)
    if isinstance(fn, cnp.ufunc):
        return fn._ufunc
    return fn.numpy_function


def _reduce_as_documented(ufunc, x, axis=0, keepdims=False):
    """``ufunc.reduce`` along one axis as NumPy's documentation defines it: a left fold,
    ``ufunc(ufunc(x[0], x[1]), x[2])...``.  NumPy 2.4's own ``arctan2.reduce`` and
    ``power.reduce`` are not that fold on CPUs with AVX-512 (three or more elements give
    another number), so the fold is the oracle; NumPy's call still runs first, for its
    errors, dtype and the reductions over several axes that only reorderable ufuncs allow."""
    result = ufunc.reduce(x, axis=axis, keepdims=keepdims)
    if axis is None and x.ndim != 1:
        return result
    axis = 0 if axis is None else axis
    if x.shape[axis] == 0:
        return result
    fold = functools.reduce(ufunc, numpy.moveaxis(x, axis, 0))
    if keepdims:
        fold = numpy.expand_dims(fold, axis)
    return numpy.asarray(fold, dtype=result.dtype)


def _tensors(x):
    """Floating arrays (at any depth of lists) as tensors that require grad."""
    if isinstance(x, Plain):
        return x.value
    if isinstance(x, numpy.ndarray) and x.dtype.kind == "f":
        return chainrule.tensor(x, requires_grad=True)
    if isinstance(x, list):
        return [_tensors(v) for v in x]
    if isinstance(x, tuple):
        return tuple(_tensors(v) for v in x)
    return x


def _values(x):
    if isinstance(x, Plain):
        return x.value
    if isinstance(x, list):
        return [_values(v) for v in x]
    if isinstance(x, tuple):
        return tuple(_values(v) for v in x)
    return x


_RTOL = {numpy.float64: 1e-10, numpy.float32: 2e-5, numpy.float16: 2e-3}


def _compare(got, expected, dtype):
    if isinstance(expected, (tuple, list)):
        assert isinstance(got, (tuple, list)) and len(got) == len(expected)
        for g, e in zip(got, expected):
            _compare(g, e, dtype)
        return
    if isinstance(got, chainrule.Tensor):
        assert got.requires_grad, "a result that depends on a differentiated input"
        got = got.detach().numpy()
    got, expected = numpy.asarray(got), numpy.asarray(expected)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    # The looser of the result's and the inputs' precision (a float32 input rounds values
    # before a float64 result is made from them).
    rtol = max(_RTOL.get(expected.dtype.type, 1e-10), _RTOL.get(dtype, 1e-10))
    numpy.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol * 10, equal_nan=True)


@pytest.mark.parametrize("name", sorted(SPECS))
@settings(max_examples=6, deadline=None)
@given(data=st.data())
def test_matches_numpy(name, data):
    draw = Draw(data, FLOATS + [numpy.float16] if name in HALF else FLOATS)
    fn, args, kwargs = SPECS[name](draw)
    try:
        expected = _numpy_twin(fn)(*_values(args), **_values(kwargs))
    except (ValueError, TypeError, IndexError) as e:  # NumPy refuses: so must we, alike
        with pytest.raises(type(e)):
            fn(*_tensors(args), **_tensors(kwargs))
        return
    got = fn(*_tensors(args), **_tensors(kwargs))
    _compare(got, expected, draw.dtype)


def _float64(x):
    if isinstance(x, numpy.ndarray) and x.dtype.kind == "f":
        return x.astype(numpy.float64)
    if isinstance(x, list):
        return [_float64(v) for v in x]
    if isinstance(x, tuple):
        return tuple(_float64(v) for v in x)
    return x


def _differentiable_leaves(args):
    """The tensors in args that require grad, and a function rebuilding args from them."""
    leaves = []

    def collect(x):
        if isinstance(x, chainrule.Tensor) and x.requires_grad:
            leaves.append(x)
        elif isinstance(x, (list, tuple)):
            for v in x:
                collect(v)
    collect(args)

    def rebuild(x, new):
        if isinstance(x, chainrule.Tensor) and x.requires_grad:
            return new.pop(0)
        if isinstance(x, list):
            return [rebuild(v, new) for v in x]
        if isinstance(x, tuple):
            return tuple(rebuild(v, new) for v in x)
        return x
    return leaves, lambda new: rebuild(args, list(new))


def _outputs(result):
    if isinstance(result, (tuple, list)):
        return tuple(r for item in result for r in _outputs(item))
    return (result,) if isinstance(result, chainrule.Tensor) and result.requires_grad else ()


_SECOND_ORDER_SKIP = {"linalg.pinv"}  # rank changes under perturbation make it too noisy


@pytest.mark.parametrize("name", sorted(SPECS))
@settings(max_examples=1, deadline=None, derandomize=True)
@given(data=st.data())
def test_gradient_by_finite_differences(name, data):
    draw = Draw(data, dtypes=[numpy.float64])
    fn, args, kwargs = SPECS[name](draw)
    args, kwargs = _tensors(_float64(args)), _tensors(_float64(kwargs))
    leaves, rebuild = _differentiable_leaves(args)
    if not leaves:
        pytest.skip("no differentiable argument in this draw")

    def f(*xs):
        return _outputs(fn(*rebuild(xs), **kwargs))
    assert gradcheck(f, tuple(leaves), raise_exception=True)
    if name not in _SECOND_ORDER_SKIP:
        assert gradgradcheck(f, tuple(leaves), raise_exception=True)


# --- functions whose results carry no gradient -------------------------------------------

def _values_only_cases():
    x = numpy.array([[0.5, -1.0, 2.0], [0.0, 3.0, -2.5]])
    cases = {
        "argmax": ((x,), {"axis": -1}), "argmin": ((x,), {}), "argsort": ((x,), {"axis": 0}),
        "all": ((x,), {"axis": 1}), "any": ((x > 1,), {}),
        "count_nonzero": ((x,), {"axis": -1}), "nonzero": ((x,), {}),
        "flatnonzero": ((x,), {}), "argwhere": ((x,), {}),
        "searchsorted": ((numpy.sort(x[0]), x[1]), {}), "unique": ((x,), {}),
        "isclose": ((x, x + 1e-9), {}), "allclose": ((x, x), {}), "array_equal": ((x, x), {}),
        "round": ((x * 1.37,), {"decimals": 1}), "around": ((x * 1.37,), {}),
        "fix": ((x * 1.5,), {}), "imag": ((x,), {}), "shape": ((x,), {}), "ndim": ((x,), {}),
        "size": ((x,), {}), "result_type": ((x, 1.0), {}), "iscomplexobj": ((x,), {}),
        "isrealobj": ((x,), {}), "iscomplex": ((x,), {}), "isreal": ((x,), {}),
        "isscalar": ((x,), {}), "may_share_memory": ((x, x), {}),
        "shares_memory": ((x, x), {}), "array_equiv": ((x, x), {}),
        "histogram": ((x,), {"bins": 3}), "histogram_bin_edges": ((x,), {"bins": 3}),
        "digitize": ((x, [0.0, 1.0]), {}), "argpartition": ((x[0], 1), {}),
        "lexsort": ((x,), {}), "nanargmax": ((x,), {}), "nanargmin": ((x,), {}),
        "isin": ((x, [0.5, 3.0]), {}), "intersect1d": ((x[0], x[1]), {}),
        "union1d": ((x[0], x[1]), {}), "setdiff1d": ((x[0], x[1]), {}),
        "setxor1d": ((x[0], x[1]), {}), "zeros_like": ((x,), {}), "ones_like": ((x,), {}),
        "empty_like": ((x,), {}), "bincount": ((numpy.array([0, 2, 2]),), {}),
        "can_cast": ((x, numpy.float32), {}), "promote_types": ((numpy.float32, numpy.int64),
                                                                {}),
        "ravel_multi_index": (((numpy.array([0, 1]), numpy.array([1, 2])), (2, 3)), {}),
        "unravel_index": ((numpy.array([1, 4]), (2, 3)), {}), "einsum_path": (
            ("ij,jk", x, x.T), {}),
        "ix_": ((numpy.array([0, 1]), numpy.array([2])), {}),
        "mask_indices": ((3, numpy.triu), {}),
        "matrix_rank": ((x,), {}),
    }
    for name in ["zeros", "ones", "empty", "identity", "tri"]:
        cases[name] = ((3,), {})
    for name in ["arange", "linspace", "logspace", "geomspace"]:
        cases[name] = ((1, 3), {})
    cases["eye"] = ((2, 3), {"k": 1})
    for name in ["indices", "diag_indices", "tril_indices", "triu_indices"]:
        cases[name] = (((2, 3) if name == "indices" else 3,), {})
    for name, uf in vars(cnp).items():
        if isinstance(uf, cnp.ufunc) and not uf.differentiable:
            if uf.nin == 1:
                cases[name] = ((x,), {})
            else:
                cases[name] = ((x, x[:, ::-1]), {})
    for name in ["bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift",
                 "gcd", "lcm"]:
        cases[name] = ((numpy.array([1, 2, 3]), numpy.array([3, 1, 2])), {})
    cases["invert"] = cases["bitwise_not"] = ((numpy.array([True, False]),), {})
    return cases


VALUES_ONLY = _values_only_cases()


def _as_tensor(x):
    if isinstance(x, numpy.ndarray) and x.dtype.kind == "f":
        return chainrule.from_numpy(x).requires_grad_()  # the same memory
    return x


@pytest.mark.parametrize("name", sorted(VALUES_ONLY))
def test_values_only_functions_read_tensors_as_numpy_does(name):
    args, kwargs = VALUES_ONLY[name]
    fn = cnp.linalg.matrix_rank if name == "matrix_rank" else getattr(cnp, name)
    numpy_fn = numpy.linalg.matrix_rank if name == "matrix_rank" else getattr(numpy, name)
    expected = numpy_fn(*args, **kwargs)
    got = fn(*[_as_tensor(a) for a in args], **kwargs)
    assert not isinstance(got, chainrule.Tensor)
    if name.startswith("empty"):
        assert numpy.shape(got) == numpy.shape(expected)
        return
    if name == "einsum_path":  # a (path, description) pair of Python objects
        assert got == expected
        return
    for g, e in zip(got if isinstance(expected, tuple) else [got],
                    expected if isinstance(expected, tuple) else [expected]):
        numpy.testing.assert_array_equal(g, e)
        assert numpy.asarray(g).dtype == numpy.asarray(e).dtype


def test_every_name_of_the_namespace_is_tested():
    tested = set(SPECS) | set(VALUES_ONLY)
    names = set(cnp.FUNCTIONS) | {f"linalg.{n}" for n in cnp.linalg.__all__
                                  if n not in ("LinAlgError", "matrix_rank")}
    missing = sorted(names - tested)
    assert not missing, f"no row in test_numpy_namespace.py for: {missing}"
