"""The legacy typed tensor classes (torch.LongTensor, ...) and ``volatile``, against PyTorch's."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from both_libraries import same_verdict

NAMES = ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor",
         "CharTensor", "ByteTensor", "BoolTensor"]


def described(t):
    return type(t).__name__, str(t.dtype), tuple(t.shape), t.requires_grad


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("args", [(), ([0, 2],), ([[1.5, 2.7]],), (2, 3), (0,), ((2, 3),),
                                  (np.array([1.0, 0.0]),), (2, 3.0), (None,), (1.5,), ("a",),
                                  ([1], 2)])
def test_constructors(name, args):
    def scenario(lib):
        t = getattr(lib, name)(*args)
        sizes = args and isinstance(args[0], int)  # uninitialised memory: no values to compare
        return described(t) + (None if sizes else t.tolist(),)
    same_verdict(scenario)


def test_constructor_from_sizes_and_tensors():
    same_verdict(lambda lib: described(lib.LongTensor(lib.Size([2, 3]))))
    # A tensor of the class's dtype is aliased (same memory, recorded as AliasBackward0) ...
    same_verdict(lambda lib: (lambda x: (repr(lib.FloatTensor(x)),
                                         lib.FloatTensor(x) is x))(
        lib.ones(2, requires_grad=True)))
    # ... and one of another dtype is refused.
    same_verdict(lambda lib: lib.LongTensor(lib.tensor([1.5])))
    same_verdict(lambda lib: lib.FloatTensor([1], device="cpu").tolist())


@pytest.mark.parametrize("name", NAMES)
def test_isinstance_follows_the_dtype(name):
    def scenario(lib):
        cls = getattr(lib, name)
        tensors = [lib.zeros(2, dtype=d) for d in (lib.float32, lib.float64, lib.float16,
                                                   lib.int64, lib.int32, lib.int16, lib.int8,
                                                   lib.uint8, lib.bool)]
        return ([isinstance(t, cls) for t in tensors], isinstance(3, cls),
                isinstance(cls([1]), lib.Tensor), issubclass(cls, lib.Tensor),
                str(cls.dtype), cls().dtype == cls.dtype, cls.__name__, cls.is_sparse,
                isinstance(lib.zeros(2, requires_grad=True) * 2, lib.FloatTensor))
    same_verdict(scenario)


@pytest.mark.parametrize("target", ["LongTensor", "'torch.IntTensor'", "float64",
                                    "'torch.Foo'", "int", "FloatTensor"])
def test_type_conversion(target):
    def scenario(lib):
        x = lib.tensor([1.5, -2.0])
        to = eval(target, {"int": int}, {n: getattr(lib, n) for n in NAMES} | {
            "float64": lib.float64})
        y = x.type(to)
        return (str(y.dtype), y.tolist(), y is x, x.type(), y.type())
    same_verdict(scenario)


def test_volatile_warns_and_is_false():
    def scenario(lib):
        x = lib.zeros(2)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = x.volatile
            x.volatile = True
        return value, x.volatile if False else None, [str(w.message) for w in caught]
    same_verdict(scenario)
