"""The two cores (engine/core.py): which one runs, and that they give bit-identical results.

The compiled core (the C extension chainrule.engine._core) handles the common case of
recording an op and hands every other case to the pure-Python core's functions, so the two
must agree on everything observable: values, dtypes, grad_fn names, gradients, errors.
The differential test runs the same programs (tests/core_programs.py) here and in a
process that runs the other core.
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chainrule as cr
from chainrule.engine import core, core_name
from core_programs import BINARY, OPERATOR, REDUCE, SCALAR, UNARY, VIEW, run


def _run_core(pure: bool, code: str) -> str:
    env = dict(os.environ, CHAINRULE_PURE="1" if pure else "0")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, check=True).stdout.strip()


def test_core_name_follows_chainrule_pure():
    assert core_name() == ("python" if core.compiled is None else "compiled")
    assert _run_core(True, "import chainrule; print(chainrule.engine.core_name())") == "python"


def test_compiled_core_is_built_where_required():
    # CI (.ci/run) sets CHAINRULE_REQUIRE_COMPILED=1: there the build must have worked.
    if os.environ.get("CHAINRULE_REQUIRE_COMPILED") != "1":
        pytest.skip("CHAINRULE_REQUIRE_COMPILED is not set")
    assert _run_core(False, "import chainrule; print(chainrule.engine.core_name())") == \
        "compiled"
    # with its formula twins (_core_formulas.c: NumPy's headers are a build requirement)
    assert _run_core(False, "from chainrule.engine import core; "
                            "print(hasattr(core.compiled, 'compiled_form'))") == "True"


# --- the differential test: the other core in a server process ----------------------------

@pytest.fixture(scope="module")
def other_core():
    """A process running the core this one does not, answering programs (core_programs)."""
    env = dict(os.environ, CHAINRULE_PURE="0" if core.compiled is None else "1")
    server = subprocess.Popen([sys.executable, str(Path(__file__).with_name("core_programs.py"))],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    name = pickle.load(server.stdout)
    if name == core_name():
        server.stdin.close()
        server.wait()
        pytest.skip("only one core is available (the extension is not built)")

    def ask(program):
        pickle.dump(program, server.stdin)
        server.stdin.flush()
        return pickle.load(server.stdout)
    yield ask
    server.stdin.close()
    server.wait()


_shapes = st.sampled_from([(), (3,), (2, 3), (3, 3)])
_leaf = st.tuples(_shapes, st.sampled_from(["float64", "float64", "float32", "int64", "bool"]),
                  st.booleans(),
                  st.integers(0, 1000))
_index = st.integers(0, 20)
_number = st.sampled_from([2, -1, 0.5, 3.0, 0])
_steps = st.one_of(
    st.tuples(st.just("unary"), st.sampled_from(UNARY), _index),
    st.tuples(st.just("binary"), st.sampled_from(BINARY), _index, _index),
    st.tuples(st.just("operator"), st.sampled_from(OPERATOR), _index, _index, st.booleans()),
    st.tuples(st.just("scalar"), st.sampled_from(SCALAR), _index, _number, st.booleans()),
    st.tuples(st.just("reduce"), st.sampled_from(REDUCE), _index),
    st.tuples(st.just("view"), st.sampled_from(VIEW), _index),
    st.tuples(st.just("inplace"), st.just(""), _index, _number),
    st.tuples(st.just("hook"), st.just(""), _index, _number),
    st.tuples(st.just("update"), st.just(""), _index, _index),
    st.tuples(st.just("zero"), st.just(""), _index),
    st.tuples(st.just("retain"), st.just(""), _index),
    st.tuples(st.just("chain"), st.just(""), _index, st.integers(1, 40)),
)
_programs = st.tuples(st.lists(_leaf, min_size=1, max_size=3), st.lists(_steps, max_size=8),
                      st.sampled_from(["backward", "backward", "create_graph", "twice"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program=_programs)
def test_both_cores_give_identical_results(other_core, program):
    assert run(cr, program) == other_core(program)


@pytest.mark.parametrize("program", [
    # mixed float32/float64 and an int64 tensor: promotion, the Python path of both cores
    ([((3,), "float32", True, 1), ((3,), "float64", True, 2)],
     [("binary", "mul", 0, 1), ("scalar", "add", 2, 2, True)], "backward"),
    # a broadcasting error: the forward's ValueError becomes PyTorch's RuntimeError
    ([((2, 3), "float64", True, 1), ((3, 3), "float64", True, 2)],
     [("binary", "add", 0, 1)], "backward"),
    # views taken, changed in place, then used: the view is re-derived from its base
    ([((2, 3), "float64", True, 3)],
     [("view", "first", 0), ("inplace", "", 1, 2.0), ("binary", "mul", 2, 1)], "create_graph"),
    # the operators' checks (_core_front.c FastMethod): bool operands of -, int and bool ** n,
    # an int tensor minus a float one, a float tensor to a tensor power
    ([((3,), "bool", False, 4)], [("operator", "-", 0, 0, False)], "backward"),
    ([((3,), "float64", True, 5), ((3,), "bool", False, 4)], [("operator", "-", 0, 1, True)],
     "backward"),
    ([((3,), "float64", True, 5), ((3,), "int64", False, 6), ((3,), "bool", False, 4)],
     [("operator", "-", 1, 0, False), ("scalar", "pow", 1, 2, False),
      ("scalar", "pow", 2, 2, False), ("operator", "**", 0, 0, False)], "twice"),
    # the hand-written GD loop: a float32 result minus int64 targets, the update under
    # no_grad (engine/inplace.py's fast path), zero_ of a plain tensor and of a leaf
    ([((3,), "float32", True, 1), ((3,), "int64", False, 2), ((3,), "float32", False, 3)],
     [("operator", "-", 0, 1, False), ("operator", "-", 1, 0, True), ("update", "", 2, 1),
      ("zero", "", 2), ("update", "", 0, 2), ("zero", "", 3), ("update", "", 1, 0)],
     "backward"),
    ([((3,), "float64", True, 1)], [("zero", "", 0)], "backward"),
    # gradients summed back over broadcast dimensions (prepended ones, a 0-d operand) and cast
    # back to the input's dtype (_core_backward.c sum_to_array)
    ([((3,), "float32", True, 1), ((2, 3), "float64", True, 2), ((), "float32", True, 3)],
     [("binary", "mul", 0, 1), ("binary", "add", 3, 2), ("binary", "div", 4, 0)], "backward"),
    # a float tensor with an integer or bool one (_core_promote.c, once the combination is
    # cached): both orders, 0-d operands on either side, each op twice, a broadcasting error
    ([((2, 3), "float32", True, 1), ((3,), "int64", False, 2), ((), "int64", False, 3),
      ((3,), "bool", False, 4), ((), "float64", True, 5), ((2,), "int64", False, 6)],
     [("operator", "-", 0, 1, False), ("operator", "-", 0, 1, True), ("binary", "add", 1, 0),
      ("binary", "mul", 0, 2), ("binary", "mul", 2, 0), ("operator", "/", 1, 0, False),
      ("binary", "div", 0, 3), ("binary", "mul", 3, 0), ("binary", "sub", 4, 1),
      ("binary", "add", 1, 4), ("binary", "maximum", 4, 2), ("binary", "maximum", 0, 1),
      ("binary", "add", 0, 5), ("binary", "add", 0, 5)], "create_graph"),
    # updates under no_grad and zero_ (_core_front.c no_grad_sub, zero_fill): through a view
    # (the Python path), of 0-d tensors, of a view's base, a tensor minus itself
    ([((2, 3), "float64", True, 1), ((), "float64", True, 2), ((), "float64", False, 3)],
     [("view", "first", 0), ("update", "", 3, 3), ("update", "", 1, 2), ("zero", "", 2),
      ("update", "", 0, 0), ("zero", "", 3)], "backward"),
])
def test_rare_paths_agree(other_core, program):
    assert run(cr, program) == other_core(program)


def test_int_tensors_and_numbers_agree(other_core):
    x = cr.tensor([1, 2, 3])
    assert (x * 2).dtype == cr.int64 and (x / 2).dtype == cr.float32
    program = ([((3,), "int64", False, 4), ((3,), "float64", True, 5)],
               [("scalar", "div", 0, 2, False), ("binary", "mul", 0, 1)], "backward")
    assert run(cr, program) == other_core(program)


def test_recording_keeps_no_memory():
    # Reference leaks in the C paths would grow memory with every op recorded.
    x = cr.tensor(np.ones(3), requires_grad=True)

    def work():
        for _ in range(200):
            y = (x * 2.0 + 1.0).tanh().sum()
            y.backward()
        x.grad = None
    work()
    tracemalloc.start()
    try:
        work()
        first, _ = tracemalloc.get_traced_memory()
        for _ in range(5):
            work()
        last, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert last - first < 20_000, (first, last)


def test_a_callback_raising_after_a_failed_pass_chains_the_errors():
    # loss.backward()'s pass in C (_core_front.c run_callbacks) ends as run_backward's finally
    # does: the callback's error is raised, with the pass's own as its __context__.
    x = cr.ones(2, requires_grad=True)

    def hook(grad):
        cr.autograd.graph.queue_callback(lambda: 1 / 0)
        raise ValueError("from the hook")
    y = x * 2
    y.register_hook(hook)
    with pytest.raises(ZeroDivisionError) as caught:
        y.sum().backward()
    assert isinstance(caught.value.__context__, ValueError)
    assert cr.is_grad_enabled()  # grad mode restored


def test_operators_stay_methods():
    # The compiled core binds C twins in place of some operators (_core_front.c FastMethod):
    # they are still methods, bound and unbound, with the Python method's name and doc.
    x, y = cr.tensor([1.0, 2.0]), cr.tensor([3.0, 4.0])
    assert cr.Tensor.__mul__(x, y).tolist() == x.__mul__(y).tolist() == [3.0, 8.0]
    assert x.__rsub__(y).tolist() == (y - x).tolist() == [2.0, 2.0]
    assert cr.Tensor.__sub__.__name__ == "__sub__"
    assert cr.Tensor.backward.__doc__.startswith("Compute the gradient")


# --- the compiled twins of the array forms (_core_formulas.c) -----------------------------

def _twins():
    """(name, twin, its Python form, how many arguments) for each twin this core has."""
    import operator

    from chainrule.engine import array_rules
    from chainrule.ops import pointwise, reduction
    found = [(name, array_rules.operator_form(fn), fn, arity) for name, fn, arity in (
        ("add", operator.add, 2), ("mul", operator.mul, 2), ("truediv", operator.truediv, 2),
        ("neg", operator.neg, 1))]
    for name, op, form, arity in (
            ("tanh_backward", pointwise.tanh_backward, pointwise.tanh_backward.forward, 2),
            ("sigmoid_backward", pointwise.sigmoid_backward, pointwise.sigmoid_backward.forward,
             2),
            ("sqrt_backward", pointwise.sqrt_backward, pointwise._sqrt_backward, 2),
            ("div_other_backward", pointwise.div_other_backward, pointwise._div_other_backward,
             3),
            ("pow_backward", pointwise.pow_backward, pointwise._pow_backward, 3),
            ("spread", reduction.spread, reduction._spread, 2),
            ("threshold_backward", pointwise.threshold_backward,
             pointwise.threshold_backward.forward, 3)):
        found.append((name, array_rules.ARRAY_FORMS[op], form, arity))
    return [t for t in found if t[1] is not t[2]]


def _operands(dtype):
    """Arrays (special values included, one not contiguous), NumPy scalars and Python numbers."""
    rng = np.random.default_rng(7)
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, 3e38, -2.5, 1.0])
    arrays = []
    for shape in [(), (4,), (3, 3), (3, 1), (1, 3), (2, 1, 3)]:
        a = rng.standard_normal(shape).astype(dtype)
        a.reshape(-1)[:a.size] = special[:a.size] if a.size > 1 else a.reshape(-1)
        arrays.append(a)
    arrays.append(rng.standard_normal((3, 3)).astype(dtype).T)
    scalars = [dtype(0.75), dtype(-0.0), dtype(np.nan), np.float64(2.0) if dtype is np.float32
               else np.float32(2.0)]
    return arrays + scalars, [2, -7, 2.0, 0.5, 0.1, 2 ** 30, True, 1e300]


def _bits(x):
    if isinstance(x, (np.ndarray, np.generic)):
        return type(x), x.dtype, np.shape(x), np.asarray(x).tobytes()
    return type(x), x


@pytest.mark.skipif(core.compiled is None or not hasattr(core.compiled, "compiled_form"),
                    reason="the compiled core's formula twins are not built")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_formula_twins_give_their_python_forms_bits(dtype):
    import itertools
    values, numbers = _operands(dtype)
    token = cr._backend.silence_fp_errors()  # (as in a backward pass)
    try:
        for name, twin, form, arity in _twins():
            rest = [values + numbers] * (arity - 1)
            if name == "pow_backward":
                rest = [values, [2, 2.0, 3, 0, 0.5]]
            if name == "threshold_backward":
                rest = [values, [0, 0.5, -1, 0.1, np.float32(0.0)]]
            if name == "spread":  # the shape to spread over
                rest = [[(3, 3), (2, 3, 3), (), (4,), (1, 3), (0, 3), [3, 3]]]
            for args in itertools.product(values, *rest):
                results = []
                for fn in (twin, form):
                    try:
                        results.append(_bits(fn(*args)))
                    except Exception as error:  # the same error from both
                        results.append((type(error), str(error)))
                assert results[0] == results[1], (name, args)
    finally:
        cr._backend.restore_fp_errors(token)
