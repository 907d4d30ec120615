/* The compiled core: the front doors (a tensor's operators, Tensor.backward, a leaf's .grad).
 *
 * Part of chainrule.engine._core, compiled as one translation unit: _core.c includes this
 * file after the others (so everything stays static, and op_call, new_pass and run_nodes are
 * in scope).  C twins of:
 *   - tensor_methods.py's arithmetic operators (__add__, __mul__, __truediv__, __sub__,
 *     __pow__) and Tensor.backward: FastMethod, a method that runs its common case with no
 *     Python frame and hands every other call to the Python method it mirrors;
 *   - engine/backward.py's backward() and run_backward() for `loss.backward()` on a scalar;
 *   - engine/backward.py's _accumulate and engine/graph.py's grad_accumulator;
 *   - _backend.quiet. */

/* --- handed over by setup_front (engine/backward.py, at import) ---------------------------- */

static PyObject *running;            /* backward._RUNNING: the passes now running */
static PyObject *callbacks;          /* backward._CALLBACKS: queue_callback's queue */
static PyObject *python_accumulate;  /* backward._accumulate */
static PyObject *fp_errors_var;      /* NumPy's error-state context variable (or NULL) */
static PyObject *fp_errors_ignored;  /* the state that ignores every floating-point error */
static PyObject *implicit_grads;     /* (None,): one root whose gradient is implicit */
static Py_ssize_t off_variable;      /* AccumulateGrad.variable's slot */
static PyObject *str_size, *str_accumulator, *str_post_accumulate_hooks,
    *str_base_attr, *str_flags, *str_writeable, *str_fw_grad, *str_fill;

static int has_dtype(PyObject *t, PyObject *dtypes);

/* --- _backend.quiet -------------------------------------------------------------------- */

/* _backend.quiet(fn, *arrays): fn(*arrays) with NumPy's floating-point errors ignored. */
static PyObject *
quiet(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 1) {
        PyErr_SetString(PyExc_TypeError, "quiet() missing required argument 'fn'");
        return NULL;
    }
    if (not_set_up(fp_errors_var == NULL, "_core.setup_front must run before quiet"))
        return NULL;
    PyObject *token = PyContextVar_Set(fp_errors_var, fp_errors_ignored);
    if (token == NULL)
        return NULL;
    PyObject *result = PyObject_Vectorcall(args[0], args + 1, nargs - 1, NULL);
    /* (the finally of the Python version: reset even when fn raised) */
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    int reset = PyContextVar_Reset(fp_errors_var, token);
    Py_DECREF(token);
    if (reset < 0) {
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(traceback);
        Py_XDECREF(result);
        return NULL;
    }
    PyErr_Restore(type, value, traceback);
    return result;
}

/* --- a leaf's gradient: graph.grad_accumulator and backward._accumulate ------------------- */

/* graph.grad_accumulator(tensor) (engine/graph.py): the leaf's AccumulateGrad node, made on
 * first use and held by the leaf through a weak reference. */
static PyObject *
c_grad_accumulator(PyObject *module, PyObject *tensor)
{
    PyObject *ref = PyObject_GetAttr(tensor, str_accumulator), *node = NULL;
    if (ref == NULL)
        return NULL;
    if (ref != Py_None) {
        node = PyObject_CallNoArgs(ref);
        if (node == NULL) {
            Py_DECREF(ref);
            return NULL;
        }
        if (node == Py_None)
            Py_CLEAR(node);
    }
    Py_DECREF(ref);
    if (node != NULL)
        return node;
    /* AccumulateGrad(tensor), its __init__ and Node.__init__ inlined: its four slots. */
    node = new_with_slots(accumulate_grad_type, 4, off_saved, Py_None, off_next_functions,
                          empty_tuple, off_input_meta, empty_tuple, off_variable, tensor);
    if (node == NULL)
        return NULL;
    PyObject *weak = PyWeakref_NewRef(node, NULL);
    if (weak == NULL || PyObject_SetAttr(tensor, str_accumulator, weak) < 0)
        Py_CLEAR(node);
    Py_XDECREF(weak);
    return node;
}


/* Tensor._bump_version (tensor.py) for a tensor whose counter slot is None or a
 * VersionCounter (the callers check): its version moves on.  0, or -1 with an error set. */
static int
bump_version(PyObject *tensor)
{
    PyObject *counter = SLOT(tensor, off_version_counter);
    if (counter == Py_None) {
        counter = PyObject_CallNoArgs((PyObject *)version_counter_type);
        if (counter == NULL)
            return -1;
        set_slot(tensor, off_version_counter, counter);
        Py_DECREF(counter);
    }
    PyObject *value = SLOT(counter, off_counter_value);
    PyObject *next = value == NULL ? NULL : PyNumber_Add(value, one);
    if (next == NULL) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_AttributeError, "value");
        return -1;
    }
    set_slot(counter, off_counter_value, next);
    Py_DECREF(next);
    return 0;
}

/* Whether tensor `t`'s version counter is one bump_version handles: 1 or 0. */
static int
plain_counter(PyObject *t)
{
    PyObject *counter = SLOT(t, off_version_counter);
    return counter != NULL && (counter == Py_None
                               || (Py_TYPE(counter) == version_counter_type
                                   && SLOT(counter, off_counter_value) != NULL));
}

/* Whether attribute `base_name` of `obj` (an array's base, a tensor's _base) is None and
 * `array` is writeable: 1, 0, or -1 with an error set. */
static int
unshared_writeable(PyObject *obj, PyObject *base_name, PyObject *array)
{
    int no_base = attr_is_none(obj, base_name);
    if (no_base <= 0)
        return no_base;
    PyObject *flags = PyObject_GetAttr(array, str_flags);
    if (flags == NULL)
        return -1;
    int writeable = attr_true(flags, str_writeable);
    Py_DECREF(flags);
    return writeable;
}

/* backward._owned (engine/backward.py) for an array the caller holds borrowed: only the
 * engine's list of gradients holds it, it is no view and it is writeable.  1, 0 or -1. */
static int
owned(PyObject *array)
{
    if (Py_REFCNT(array) > 1)
        return 0;
    return unshared_writeable(array, str_base_attr, array);
}

/* backward._accumulate(variable, grad, create_graph, arrays) (engine/backward.py), as the
 * backward loop calls it (grad held borrowed by the caller's list), for the common leaf: a
 * plain Tensor without post-accumulate hooks, arrays mode, and a .grad that is None or a
 * plain tensor that records nothing (added in place).  Every other call goes to the Python
 * _accumulate before anything is done. */
static PyObject *
c_accumulate(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4 || args[1] == Py_None || args[2] != Py_False || args[3] != Py_True
        || Py_TYPE(args[0]) != tensor_type)
        goto python;
    PyObject *variable = args[0], *grad = args[1];
    int no_hooks = attr_is_none(variable, str_post_accumulate_hooks);
    if (no_hooks < 0)
        return NULL;
    PyObject *current = SLOT(variable, off_grad);
    if (!no_hooks || current == NULL)
        goto python;
    if (current == Py_None) {
        PyObject *array;
        if (Py_TYPE(grad) != ndarray_type)
            array = PyObject_CallOneArg(asarray, grad);  /* a NumPy scalar: a new array */
        else {
            int own = owned(grad);
            if (own < 0)
                return NULL;
            /* The same array may also be on its way to another leaf: a copy, unless the
             * rule made it for this leaf alone. */
            array = own ? (Py_INCREF(grad), grad) : PyObject_CallMethod(grad, "copy", NULL);
        }
        if (array == NULL)
            return NULL;
        PyObject *tensor = make_tensor(array);
        Py_DECREF(array);
        if (tensor == NULL)
            return NULL;
        set_slot(variable, off_grad, tensor);
        Py_DECREF(tensor);
        Py_RETURN_NONE;
    }
    /* .grad += grad, in place (a saved x.grad sees the update), then its version moves. */
    if (Py_TYPE(current) != tensor_type || SLOT(current, off_requires_grad) != Py_False
        || SLOT(current, off_data) == NULL)
        goto python;
    int no_base = attr_is_none(current, str_base);
    if (no_base < 0)
        return NULL;
    if (!no_base || !plain_counter(current))
        goto python;
    Py_INCREF(current);
    PyObject *sum = PyNumber_InPlaceAdd(SLOT(current, off_data), grad);
    if (sum == NULL) {
        Py_DECREF(current);
        return NULL;
    }
    set_slot(current, off_data, sum);
    Py_DECREF(sum);
    int bumped = bump_version(current);
    Py_DECREF(current);
    if (bumped < 0)
        return NULL;
    Py_RETURN_NONE;
python:
    return PyObject_Vectorcall(python_accumulate, args, nargs, NULL);
}

/* --- loss.backward(): backward.backward and run_backward, the common pass ------------------ */

/* The callbacks queued during a pass (backward.queue_callback), run once it has ended, as
 * run_backward's finally runs them: an exception a callback raises replaces the one the
 * pass raised (which becomes its __context__), and leaves no callback behind. */
static void
run_callbacks(void)
{
    while (PyList_GET_SIZE(callbacks)) {
        PyObject *type, *value, *traceback;
        PyErr_Fetch(&type, &value, &traceback);
        PyObject *callback = PyList_GET_ITEM(callbacks, 0);
        Py_INCREF(callback);
        PyObject *done = PyList_SetSlice(callbacks, 0, 1, NULL) < 0 ? NULL
            : PyObject_CallNoArgs(callback);
        Py_DECREF(callback);
        if (done == NULL) {
            if (type != NULL)
                _PyErr_ChainExceptions(type, value, traceback);
            PyObject *t2, *v2, *tb2;
            PyErr_Fetch(&t2, &v2, &tb2);
            PyList_SetSlice(callbacks, 0, PyList_GET_SIZE(callbacks), NULL);
            PyErr_Restore(t2, v2, tb2);
            return;
        }
        Py_DECREF(done);
        PyErr_Restore(type, value, traceback);
    }
}

/* backward.run_backward((root,), (None,), False, False) (engine/backward.py) once the caller
 * has checked the common case: no tracer, no pass running, no anomaly mode, no observer.
 * Returns None, or NULL with an error set. */
static PyObject *
run_common_pass(PyObject *root)
{
    PyObject *roots = PyTuple_Pack(1, root);
    if (roots == NULL)
        return NULL;
    PyObject *pass_args[] = {roots, implicit_grads, Py_False, Py_False, Py_None, Py_True,
                             Py_None};
    PyObject *run = new_pass(NULL, pass_args, 7);
    Py_DECREF(roots);
    if (run == NULL)
        return NULL;
    PyObject *previous_mode = PyObject_GetAttr(grad_state, str_enabled);
    if (previous_mode == NULL || PyObject_SetAttr(grad_state, str_enabled, Py_False) < 0) {
        Py_XDECREF(previous_mode);
        Py_DECREF(run);
        return NULL;
    }
    /* Array formulas call NumPy directly: its warnings are silenced once for the pass. */
    PyObject *token = PyContextVar_Set(fp_errors_var, fp_errors_ignored);
    Py_ssize_t hooks_depth = PyList_GET_SIZE(saved_tensors_hooks);
    PyObject *result = NULL;
    if (token != NULL && PyList_Append(running, run) == 0) {
        PyObject *loop_args[] = {run, Py_False};
        result = run_nodes(NULL, loop_args, 2);
        /* finally: */
        PyObject *type, *value, *traceback;
        PyErr_Fetch(&type, &value, &traceback);
        Py_ssize_t n = PyList_GET_SIZE(running);
        int failed = PyList_SetSlice(running, n - 1, n, NULL) < 0;
        if (PyList_GET_SIZE(saved_tensors_hooks) > hooks_depth)
            failed |= PyList_SetSlice(saved_tensors_hooks, hooks_depth,
                                      PyList_GET_SIZE(saved_tensors_hooks), NULL) < 0;
        failed |= PyContextVar_Reset(fp_errors_var, token) < 0;
        failed |= PyObject_SetAttr(grad_state, str_enabled, previous_mode) < 0;
        if (failed) {
            Py_XDECREF(type);
            Py_XDECREF(value);
            Py_XDECREF(traceback);
            Py_CLEAR(result);
        }
        else
            PyErr_Restore(type, value, traceback);
        run_callbacks();
        if (PyErr_Occurred())
            Py_CLEAR(result);
    }
    else if (token != NULL) {
        PyContextVar_Reset(fp_errors_var, token);
        PyObject_SetAttr(grad_state, str_enabled, previous_mode);
    }
    else
        PyObject_SetAttr(grad_state, str_enabled, previous_mode);
    Py_XDECREF(token);
    Py_DECREF(previous_mode);
    Py_DECREF(run);
    return result;
}

/* Tensor.backward() with no argument (tensor_methods.py backward, then backward.backward)
 * for its commonest use: a float tensor of one element, outside any other pass, with no
 * tracer, anomaly mode or observer.  1: done (or failed: NULL in *result), 0: not covered. */
static int
backward_fast(PyObject *self, PyObject **result)
{
    if (!is_tensor(self) || fp_errors_var == NULL || PyList_GET_SIZE(running) != 0)
        return 0;
    PyObject *data = SLOT(self, off_data);
    if (data == NULL || Py_TYPE(data) != ndarray_type)
        return 0;
    int rare = tracing_or(str_anomaly);
    if (rare < 0)
        goto error;
    int no_observer = attr_is_none(backward_module, str_observer);
    if (no_observer < 0)
        goto error;
    if (rare || !no_observer)
        return 0;
    int floating = has_dtype(self, float_dtypes);
    if (floating <= 0) {
        if (floating < 0)
            goto error;
        return 0;
    }
    PyObject *size = PyObject_GetAttr(data, str_size);
    if (size == NULL)
        goto error;
    int single = PyLong_CheckExact(size) && PyLong_AsLong(size) == 1;
    Py_DECREF(size);
    if (!single)
        return 0;
    *result = run_common_pass(self);
    return 1;
error:
    *result = NULL;
    return 1;
}

/* --- FastMethod: a Tensor method whose common case runs in C ------------------------------
 *
 * Bound to the Tensor class in place of a Python method (tensor_methods.py, compiled core
 * only).  It is a method descriptor (x.__mul__ is a bound method, Tensor.__mul__(x, y) a call)
 * with a vectorcall entry, so the interpreter calls it for `x * y` with no Python frame and no
 * bound-method object.  Each kind covers one common case and hands every other call, before
 * doing anything, to the Python method it mirrors (`python`). */

enum fast_kind {
    FAST_ROW,          /* __add__, __mul__, __truediv__, __neg__: always the row, as the
                        * Python one */
    FAST_NOT_BOOL,     /* __sub__: the row where no operand is bool (operator_sub's check) */
    FAST_FLOAT_POWER,  /* __pow__: a float tensor to a Python float or int (pointwise.pow) */
    FAST_BACKWARD,     /* backward(): backward_fast */
    FAST_REQUIRES_GRAD,  /* requires_grad_() or (True): a float leaf (Tensor.requires_grad_) */
    FAST_NO_GRAD_SUB,  /* x -= y under no_grad: no_grad_sub (tensor_methods.sub_, inplace) */
    FAST_ZERO,         /* x.zero_() of a tensor in no graph: zero_fill (tensor_methods.zero_) */
    FAST_SWITCH_NEW,   /* no_grad(): grad_switch_new (grad_mode._NoArgGradModeContext.__new__) */
    FAST_MAKE,         /* Tensor._make(array) (a classmethod): make_tensor, for the Tensor class
                        * itself (a subclass gets the Python one) */
};

typedef struct {
    PyObject_HEAD
    PyObject *python;   /* the Python method this mirrors */
    PyObject *row;      /* the rule-table row (an Op) of the common case, or None */
    int kind;
    vectorcallfunc vectorcall;
} FastMethod;

static PyObject *plain_dtypes;  /* the NumPy dtypes of kinds f, i, u and c (not bool) */

/* Whether the array of tensor `t` has one of `dtypes` (compared by identity, as NumPy's
 * builtin dtypes are singletons): 1, 0 (also for a tensor that holds no array), or -1 with an
 * error set. */
static int
has_dtype(PyObject *t, PyObject *dtypes)
{
    PyObject *dtype = tensor_dtype(t);
    if (dtype == NULL)
        return PyErr_Occurred() ? -1 : 0;
    return is_one_of(dtype, dtypes);
}

/* Whether `a` is certainly not bool for pointwise._is_bool: a Python int or float, or a
 * plain tensor whose array has one of plain_dtypes.  1, 0 (not known: the Python path
 * decides) or -1 with an error set. */
static int
not_bool(PyObject *a)
{
    if (PyFloat_CheckExact(a) || PyLong_CheckExact(a))
        return 1;
    return Py_TYPE(a) == tensor_type ? has_dtype(a, plain_dtypes) : 0;
}

/* Whether the call is the kind's common case: 1, 0, or -1 with an error set. */
static int
fast_case(FastMethod *method, PyObject *self, PyObject *other)
{
    switch (method->kind) {
    case FAST_ROW:
        return 1;
    case FAST_NOT_BOOL: {
        int known = not_bool(self);
        return known <= 0 ? known : not_bool(other);
    }
    case FAST_FLOAT_POWER:
        if (!is_tensor(self) || !(PyFloat_CheckExact(other) || PyLong_CheckExact(other)))
            return 0;
        return has_dtype(self, float_dtypes);
    }
    return 0;
}

/* Whether the array of plain tensor `t` may be written directly (engine/inplace.py writable's
 * first case, and no view: _base is None) and its version counter is a plain one: 1, 0, or
 * -1 with an error set. */
static int
writable_plain(PyObject *t)
{
    PyObject *data = SLOT(t, off_data);
    if (data == NULL || Py_TYPE(data) != ndarray_type || !plain_counter(t))
        return 0;
    return unshared_writeable(t, str_base, data);
}

/* `self -= other` (tensor_methods.sub_, then engine/inplace.py inplace) under no_grad, as in
 * `w -= lr * w.grad`: two plain tensors of one float dtype and one shape, self no view and
 * writable, no forward-mode AD and no tracer.  inplace computes self - other and copies it
 * into self's array; NumPy's in-place subtraction writes the same values (it buffers where
 * the operands overlap).  1: done (or failed: NULL in *result), 0: not covered. */
static int
no_grad_sub(PyObject *self, PyObject *other, PyObject **result)
{
    if (Py_TYPE(self) != tensor_type || Py_TYPE(other) != tensor_type)
        return 0;
    PyObject *data = SLOT(self, off_data), *other_data = SLOT(other, off_data);
    if (data == NULL || other_data == NULL || Py_TYPE(other_data) != ndarray_type)
        return 0;
    int enabled = attr_true(grad_state, str_enabled);
    int rare = enabled != 0 ? 0 : tracing_or(str_forward_ad);
    int plain = enabled == 0 && rare == 0;
    if (plain > 0)
        plain = writable_plain(self);
    if (plain > 0)
        plain = has_dtype(self, float_dtypes);
    if (plain > 0) {
        PyObject *dtype = borrowed_dtype(data);
        PyObject *other_dtype = dtype == NULL ? NULL : borrowed_dtype(other_data);
        PyObject *shape = other_dtype == NULL ? NULL : PyObject_GetAttr(data, str_shape);
        PyObject *other_shape = shape == NULL ? NULL : PyObject_GetAttr(other_data, str_shape);
        plain = other_shape == NULL ? -1 : dtype != other_dtype ? 0
            : PyObject_RichCompareBool(shape, other_shape, Py_EQ);
        Py_XDECREF(shape);
        Py_XDECREF(other_shape);
    }
    if (enabled < 0 || rare < 0 || plain < 0) {
        *result = NULL;
        return 1;
    }
    if (!plain)
        return 0;
    PyObject *difference = PyNumber_InPlaceSubtract(data, other_data);
    if (difference == NULL || bump_version(self) < 0) {
        Py_XDECREF(difference);
        *result = NULL;
        return 1;
    }
    Py_DECREF(difference);  /* (data itself) */
    Py_INCREF(self);
    *result = self;
    return 1;
}

/* x.zero_() (tensor_methods.zero_, then _fill_array) for a plain tensor in no graph and
 * with no tangent, as `w.grad.zero_()` in every training loop: its array filled with 0 in
 * place, its version moved on.  1: done (or failed: NULL in *result), 0: not covered. */
static int
zero_fill(PyObject *self, PyObject **result)
{
    if (Py_TYPE(self) != tensor_type || SLOT(self, off_grad_fn) != Py_None
        || SLOT(self, off_requires_grad) != Py_False)
        return 0;
    PyObject *tangent = PyObject_GetAttr(self, str_fw_grad);
    /* (and chainrule.compile's tracer off) */
    int plain = tangent == NULL ? -1 : tangent != Py_None ? 0
        : attr_is_none(tracing_module, str_tracer);
    Py_XDECREF(tangent);
    if (plain > 0)
        plain = writable_plain(self);
    if (plain < 0) {
        *result = NULL;
        return 1;
    }
    if (!plain)
        return 0;
    PyObject *done = PyObject_CallMethodOneArg(SLOT(self, off_data), str_fill, zero);
    if (done == NULL || bump_version(self) < 0) {
        Py_XDECREF(done);
        *result = NULL;
        return 1;
    }
    Py_DECREF(done);
    Py_INCREF(self);
    *result = self;
    return 1;
}

static PyObject *
fast_method_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf,
                       PyObject *kwnames)
{
    FastMethod *method = (FastMethod *)callable;
    Py_ssize_t n = PyVectorcall_NARGS(nargsf);
    if (kwnames == NULL && method->kind == FAST_BACKWARD && n == 1) {
        PyObject *result;
        if (backward_fast(args[0], &result))
            return result;
    }
    else if (kwnames == NULL && method->kind == FAST_REQUIRES_GRAD
             && (n == 1 || (n == 2 && args[1] == Py_True))) {
        /* The requires_grad setter's checks pass for a float leaf: nothing to refuse. */
        PyObject *self = args[0];
        if (Py_TYPE(self) == tensor_type && SLOT(self, off_grad_fn) == Py_None) {
            int floating = has_dtype(self, float_dtypes);
            if (floating < 0)
                return NULL;
            if (floating) {
                set_slot(self, off_requires_grad, Py_True);
                Py_INCREF(self);
                return self;
            }
        }
    }
    else if (kwnames == NULL && method->kind == FAST_NO_GRAD_SUB && n == 2) {
        PyObject *result;
        if (no_grad_sub(args[0], args[1], &result))
            return result;
    }
    else if (kwnames == NULL && method->kind == FAST_ZERO && n == 1) {
        PyObject *result;
        if (zero_fill(args[0], &result))
            return result;
    }
    else if (kwnames == NULL && method->kind == FAST_MAKE && n == 2
             && args[0] == (PyObject *)tensor_type)
        return make_tensor(args[1]);
    else if (kwnames == NULL && method->kind == FAST_SWITCH_NEW) {
        PyObject *result;
        if (grad_switch_new(args, n, &result))
            return result;
    }
    else if (kwnames == NULL && (n == 2 || (n == 1 && method->kind == FAST_ROW))
             && method->kind < FAST_BACKWARD) {
        /* (n == 1: a unary operator, __neg__, always its row, as the Python one) */
        int common = n == 1 ? 1 : fast_case(method, args[0], args[1]);
        if (common < 0)
            return NULL;
        if (common) {
            PyObject *pair = n == 1 ? PyTuple_Pack(1, args[0]) : PyTuple_Pack(2, args[0], args[1]);
            if (pair == NULL)
                return NULL;
            PyObject *result = PyObject_TypeCheck(method->row, &OpBase_Type)
                ? op_call(method->row, pair, NULL) : PyObject_Call(method->row, pair, NULL);
            Py_DECREF(pair);
            return result;
        }
    }
    return PyObject_Vectorcall(method->python, args, nargsf, kwnames);
}

/* x.__mul__ is a bound method, as a function's would be; Tensor.__mul__ the method itself. */
static PyObject *
fast_method_get(PyObject *self, PyObject *obj, PyObject *type)
{
    if (obj == NULL || obj == Py_None) {
        Py_INCREF(self);
        return self;
    }
    return PyMethod_New(self, obj);
}

/* __name__, __qualname__, __doc__, ...: those of the Python method it mirrors. */
static PyObject *
fast_method_getattro(PyObject *self, PyObject *name)
{
    PyObject *found = PyObject_GenericGetAttr(self, name);
    if (found != NULL || !PyErr_ExceptionMatches(PyExc_AttributeError))
        return found;
    PyErr_Clear();
    return PyObject_GetAttr(((FastMethod *)self)->python, name);
}

static PyObject *
fast_method_repr(FastMethod *self)
{
    return PyUnicode_FromFormat("<compiled %R>", self->python);
}

static PyObject *
fast_method_doc(FastMethod *self, void *closure)
{
    return PyObject_GetAttrString(self->python, "__doc__");
}

static PyGetSetDef fast_method_getset[] = {
    {"__doc__", (getter)fast_method_doc, NULL, NULL, NULL},
    {NULL},
};

static PyMemberDef fast_method_members[] = {
    {"__wrapped__", T_OBJECT, offsetof(FastMethod, python), READONLY,
     "the Python method this mirrors"},
    {"row", T_OBJECT, offsetof(FastMethod, row), READONLY, "the row of the common case"},
    {NULL},
};

MEMBERS_GC(fast_method, fast_method_members)

static PyTypeObject FastMethod_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "chainrule.engine._core.FastMethod",
    .tp_basicsize = sizeof(FastMethod),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_METHOD_DESCRIPTOR
        | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_vectorcall_offset = offsetof(FastMethod, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_descr_get = fast_method_get,
    .tp_getattro = fast_method_getattro,
    .tp_repr = (reprfunc)fast_method_repr,
    MEMBERS_GC_SLOTS(fast_method),
    .tp_members = fast_method_members,
    .tp_getset = fast_method_getset,
};

/* fast_method(kind, python, row=None): a FastMethod ("row", "not_bool", "float_power",
 * "backward", "requires_grad", "no_grad_sub", "zero", "grad_switch_new" or "make"). */
static PyObject *
fast_method(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"kind", "python", "row", NULL};
    static const char *kinds[] = {"row", "not_bool", "float_power", "backward",
                                  "requires_grad", "no_grad_sub", "zero", "grad_switch_new",
                                  "make"};
    const char *kind;
    PyObject *python, *row = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sO|O:fast_method", names, &kind, &python,
                                     &row))
        return NULL;
    int k = -1;
    for (int i = 0; i < (int)(sizeof(kinds) / sizeof(kinds[0])); i++)
        if (strcmp(kind, kinds[i]) == 0)
            k = i;
    if (k < 0 || (k < FAST_BACKWARD && row == Py_None)) {
        PyErr_Format(PyExc_ValueError, "fast_method: unknown kind %s, or no row", kind);
        return NULL;
    }
    if (not_set_up(k != FAST_SWITCH_NEW && (tensor_type == NULL || running == NULL),
                   "_core.setup and setup_front must run first"))
        return NULL;
    FastMethod *method = PyObject_GC_New(FastMethod, &FastMethod_Type);
    if (method == NULL)
        return NULL;
    Py_INCREF(python);
    Py_INCREF(row);
    method->python = python;
    method->row = row;
    method->kind = k;
    method->vectorcall = fast_method_vectorcall;
    PyObject_GC_Track(method);
    return (PyObject *)method;
}

/* setup_fp_errors(var, ignored): NumPy's error-state context variable and the state that
 * ignores every floating-point error (engine/core.py, at import). */
static PyObject *
setup_fp_errors(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyContextVar_CheckExact(args[0])) {
        PyErr_SetString(PyExc_TypeError, "setup_fp_errors(context var, state)");
        return NULL;
    }
    Py_XSETREF(fp_errors_var, Py_NewRef(args[0]));
    Py_XSETREF(fp_errors_ignored, Py_NewRef(args[1]));
    Py_RETURN_NONE;
}

/* setup_front(running=, callbacks=, accumulate=, plain_dtypes=): what the front doors use
 * (engine/backward.py, at import; after setup_backward).  From here on the recording core
 * (_core_op.c record) finds a leaf's AccumulateGrad with the C twin of grad_accumulator. */
static PyObject *
setup_front(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"running", "callbacks", "accumulate", "plain_dtypes", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!O!OO!:setup_front", names,
                                     &PyList_Type, &running, &PyList_Type, &callbacks,
                                     &python_accumulate, &PyTuple_Type, &plain_dtypes))
        return NULL;
    if (not_set_up(accumulate_grad_type == NULL || grad_accumulator == NULL,
                   "_core.setup_backward must run before setup_front"))
        return NULL;
    if ((off_variable = slot_offset(accumulate_grad_type, "variable")) < 0)
        return NULL;
    PyObject *twin = PyObject_GetAttrString(module, "grad_accumulator");
    if (twin == NULL)
        return NULL;
    Py_SETREF(grad_accumulator, twin);
    PyObject *kept[] = {running, callbacks, python_accumulate, plain_dtypes};
    for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
        Py_INCREF(kept[i]);  /* held for the life of the process */
    if ((implicit_grads = PyTuple_Pack(1, Py_None)) == NULL)
        return NULL;
#define INTERN(var, text) if ((var = PyUnicode_InternFromString(text)) == NULL) return NULL
    INTERN(str_size, "size");
    INTERN(str_accumulator, "_accumulator");
    INTERN(str_post_accumulate_hooks, "_post_accumulate_hooks");
    INTERN(str_base_attr, "base");
    INTERN(str_flags, "flags");
    INTERN(str_writeable, "writeable");
    INTERN(str_fw_grad, "_fw_grad");
    INTERN(str_fill, "fill");
#undef INTERN
    Py_RETURN_NONE;
}
