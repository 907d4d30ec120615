/* The compiled core: recording an operation (Op's call, its view branch and _record).
 *
 * Part of chainrule.engine._core, compiled as one translation unit: _core.c includes this
 * file (so everything stays static).  C twins of engine/op.py's Op.__call__ (_call_python) and Op._record. */

/* --- OpBase: the C base class of engine.op.Op ---------------------------------------------
 *
 * Op's __init__ (Python) fills these fields through their member descriptors; the call
 * (op_call) reads them as struct fields.  Op's Python subclass adds its __dict__ for the
 * attributes only the Python paths read. */

typedef struct {
    PyObject_HEAD
    PyObject *name;            /* PyTorch's node name, "MulBackward0" */
    PyObject *forward;         /* the forward on arrays */
    PyObject *arg_names;       /* tuple of the forward's parameter names */
    PyObject *diff_positions;  /* tuple of ints: the inputs that have a rule */
    PyObject *promote;         /* None, "binary" or "float" */
    PyObject *takes_scalars;   /* bool: the forward runs on NumPy scalars too */
    PyObject *view;            /* bool: the output shares the first input's memory */
    PyObject *general;         /* bool: a list argument or several outputs */
    PyObject *node_class;      /* the OpNode subclass of this op */
    PyObject *plans;           /* dict: needs bits -> (reads, plan), Op._plan_for's cache */
    PyObject *same_meta;       /* (None,) * len(diff_positions) */
} OpBase;

static PyMemberDef op_members[] = {
    {"name", T_OBJECT_EX, offsetof(OpBase, name), 0, NULL},
    {"forward", T_OBJECT_EX, offsetof(OpBase, forward), 0, NULL},
    {"arg_names", T_OBJECT_EX, offsetof(OpBase, arg_names), 0, NULL},
    {"diff_positions", T_OBJECT_EX, offsetof(OpBase, diff_positions), 0, NULL},
    {"promote", T_OBJECT_EX, offsetof(OpBase, promote), 0, NULL},
    {"takes_scalars", T_OBJECT_EX, offsetof(OpBase, takes_scalars), 0, NULL},
    {"view", T_OBJECT_EX, offsetof(OpBase, view), 0, NULL},
    {"general", T_OBJECT_EX, offsetof(OpBase, general), 0, NULL},
    {"node_class", T_OBJECT_EX, offsetof(OpBase, node_class), 0, NULL},
    {"_plans", T_OBJECT_EX, offsetof(OpBase, plans), 0, NULL},
    {"_same_meta", T_OBJECT_EX, offsetof(OpBase, same_meta), 0, NULL},
    {NULL},
};

MEMBERS_GC(op, op_members)

/* Hand the call to the Python reference, Op._call_python(*args, **kwargs). */
static PyObject *
call_python(PyObject *self, PyObject *args, PyObject *kwargs)
{
    PyObject *method = PyObject_GetAttr(self, str_call_python);
    if (method == NULL)
        return NULL;
    PyObject *result = PyObject_Call(method, args, kwargs);
    Py_DECREF(method);
    return result;
}

static int record(OpBase *op, PyObject *result, PyObject *args);
static PyObject *new_saved_tensor(PyObject *tensor, PyObject *node_name);
static PyObject *new_saved_result(PyObject *result);

/* The view branch of Op._call_python (engine/op.py): `result` shares the memory of
 * `source`, so it shares its version counter and base, and remembers why an in-place change
 * through it may be refused (engine.views.creation_meta, inlined there for one output).
 * Returns 0, or -1 with an error set. */
static int
make_view(PyObject *result, PyObject *source, int enabled)
{
    PyObject *counter = SLOT(source, off_version_counter);
    if (counter == NULL) {
        PyErr_SetString(PyExc_AttributeError, "'Tensor' object has no attribute "
                        "'_version_counter'");
        return -1;
    }
    Py_INCREF(counter);
    if (counter == Py_None) {
        Py_SETREF(counter, PyObject_CallNoArgs((PyObject *)version_counter_type));
        if (counter == NULL)
            return -1;
        set_slot(source, off_version_counter, counter);
    }
    set_slot(result, off_version_counter, counter);
    PyObject *base = PyObject_GetAttr(source, str_base);
    int status = base == NULL ? -1
        : PyObject_SetAttr(result, str_base, base == Py_None ? source : base);
    Py_XDECREF(base);
    if (status == 0) {
        PyObject *value = PyObject_GetAttr(counter, str_value);
        int nonzero = value == NULL ? -1 : PyObject_IsTrue(value);
        if (nonzero > 0)  /* (0, the class default, needs no write) */
            status = PyObject_SetAttr(result, str_attr_version, value);
        else if (nonzero < 0)
            status = -1;
        Py_XDECREF(value);
    }
    Py_DECREF(counter);
    if (status < 0)
        return -1;
    /* May it be changed in place later? */
    PyObject *meta = PyObject_GetAttr(source, str_creation_meta);
    if (meta == NULL)
        return -1;
    if (!enabled) {
        int inference = meta == inference_mode ? 1 : attr_true(grad_state, str_inference);
        status = inference < 0 ? -1 : PyObject_SetAttr(
            result, str_creation_meta, inference ? inference_mode : no_grad_mode);
    }
    else if (meta != Py_None)
        status = PyObject_SetAttr(result, str_creation_meta, meta);
    Py_DECREF(meta);
    return status;
}

/* Op.__call__ (engine/op.py, Op._call_python) for the common case: an op with one output
 * and no list argument (a view of its first argument, a tensor, or not a view), its tensors of one floating dtype with Python floats
 * and ints beside them (or, for an op that does not promote, anything but a tensor-like
 * stranger), no forward-mode AD and no tracer.  Anything else goes to Op._call_python
 * before anything is done.  A ValueError from the forward (broadcasting) goes there too:
 * the Python path runs the forward again and turns the error into PyTorch's. */
static PyObject *
op_call(PyObject *self_obj, PyObject *args, PyObject *kwargs)
{
    OpBase *self = (OpBase *)self_obj;
    if (self->general == NULL || self->forward == NULL || self->plans == NULL
        || self->promote == NULL || self->takes_scalars == NULL || self->view == NULL
        || self->diff_positions == NULL || (kwargs != NULL && PyDict_GET_SIZE(kwargs) != 0)
        || self->general != Py_False
        || (self->view != Py_False && (self->view != Py_True || PyTuple_GET_SIZE(args) == 0
                                       || !is_tensor(PyTuple_GET_ITEM(args, 0)))))
        return call_python(self_obj, args, kwargs);
    int rare = tracing_or(str_forward_ad);
    if (rare < 0)
        return NULL;
    if (rare)
        return call_python(self_obj, args, kwargs);

    Py_ssize_t n = PyTuple_GET_SIZE(args);
    PyObject *small[8];
    PyObject **data = n <= 8 ? small : PyMem_Malloc(n * sizeof(PyObject *));
    if (data == NULL)
        return PyErr_NoMemory();
    Py_ssize_t filled = 0;
    PyObject *result = NULL, *out = NULL;
    int fallback = 0;

    if (self->promote == Py_None) {
        for (; filled < n; filled++) {
            PyObject *a = PyTuple_GET_ITEM(args, filled);
            if (is_tensor(a)) {
                PyObject *d = SLOT(a, off_data);
                if (d == NULL) { fallback = 1; break; }
                Py_INCREF(d);
                data[filled] = d;
            }
            else {
                /* isinstance(a, Tensor) may also hold for an object whose __class__ says
                 * Tensor: leave such strangers to the Python path. */
                PyTypeObject *t = Py_TYPE(a);
                if (t != &PyLong_Type && t != &PyFloat_Type && t != &PyBool_Type
                    && a != Py_None && t != &PyTuple_Type && t != ndarray_type
                    && t != &PySlice_Type && t != &PyUnicode_Type) {
                    int check = PyObject_IsInstance(a, (PyObject *)tensor_type);
                    if (check < 0) goto done;
                    if (check) { fallback = 1; break; }
                }
                Py_INCREF(a);
                data[filled] = a;
            }
        }
    }
    else {
        /* The inline fast path of _call_python: floating tensors of one dtype, with Python
         * floats or ints, need no cast. */
        PyObject *dtype = NULL;
        int scalars = PyObject_IsTrue(self->takes_scalars);
        if (scalars < 0) goto done;
        for (; filled < n; filled++) {
            PyObject *a = PyTuple_GET_ITEM(args, filled);
            if (is_tensor(a)) {
                PyObject *d = SLOT(a, off_data);
                if (d == NULL || Py_TYPE(d) != ndarray_type) { fallback = 1; break; }
                PyObject *dt = borrowed_dtype(d);  /* (compared by identity only) */
                if (dt == NULL) goto done;
                if (dtype == NULL) {
                    /* Only the builtin float dtypes (found by identity) take this path. */
                    if (!is_one_of(dt, float_dtypes)) { fallback = 1; break; }
                    dtype = dt;
                }
                else if (dt != dtype) { fallback = 1; break; }
                /* A 0-d array goes in as a NumPy scalar where the forward is operators only. */
                d = scalars ? scalar_if_0d(d) : (Py_INCREF(d), d);
                if (d == NULL) goto done;
                data[filled] = d;
            }
            else if (PyFloat_CheckExact(a) || PyLong_CheckExact(a)) {
                Py_INCREF(a);
                data[filled] = a;
            }
            else { fallback = 1; break; }
        }
        if (!fallback && dtype == NULL)
            fallback = 1;  /* no tensor at all: _promoted_slow decides */
        if (fallback) {
            /* Tensors of different dtypes: _promoted_slow's cast, in C where that
             * combination was seen before (_core_promote.c). */
            for (Py_ssize_t i = 0; i < filled; i++)
                Py_DECREF(data[i]);
            filled = 0;
            int covered = promoted_mixed(self->promote, args, data);
            if (covered < 0) goto done;
            if (covered) {
                filled = n;
                fallback = 0;
            }
        }
    }
    if (fallback)
        goto done;

    out = PyObject_Vectorcall(self->forward, data, n, NULL);
    if (out == NULL) {
        if (PyErr_ExceptionMatches(PyExc_ValueError)
                || PyErr_ExceptionMatches(PyExc_OverflowError)) {
            PyErr_Clear();
            /* the Python path raises PyTorch's broadcasting error, or wraps a Python int
             * that an integer dtype cannot hold (Op.__call__, _wrapped_integers) */
            fallback = 1;
        }
        goto done;
    }
    if (Py_TYPE(out) != ndarray_type) {
        /* NumPy returns scalars for 0-d results; tensors hold arrays. */
#ifdef CHAINRULE_FORMULAS
        /* NumPy's C API copies a NumPy scalar into a 0-d array of its dtype directly, where
         * asarray would first find out what kind of object it was given. */
        PyObject *array = PyArray_IsScalar(out, Generic)
            ? PyArray_FromScalar(out, NULL) : PyObject_CallOneArg(asarray, out);
#else
        PyObject *array = PyObject_CallOneArg(asarray, out);
#endif
        Py_SETREF(out, array);
        if (out == NULL) goto done;
    }
    result = make_tensor(out);
    if (result == NULL) goto done;

    int enabled = attr_true(grad_state, str_enabled);
    if (enabled < 0) goto error;
    if (self->view == Py_True && make_view(result, PyTuple_GET_ITEM(args, 0), enabled) < 0)
        goto error;
    if (enabled) {
        /* An integer or bool result has no gradient: only float and complex ones record. */
        PyObject *dt = borrowed_dtype(out);  /* (out holds it until done) */
        if (dt == NULL) goto error;
        int differentiable = is_one_of(dt, float_dtypes) || is_one_of(dt, complex_dtypes);
        if (!differentiable) {
            PyObject *kind = PyObject_GetAttrString(dt, "kind");
            if (kind == NULL) goto error;
            differentiable = PyUnicode_CompareWithASCIIString(kind, "f") == 0
                || PyUnicode_CompareWithASCIIString(kind, "c") == 0;
            Py_DECREF(kind);
        }
        if (differentiable) {
            PyObject *positions = self->diff_positions;
            for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(positions); k++) {
                Py_ssize_t i = PyLong_AsSsize_t(PyTuple_GET_ITEM(positions, k));
                if (i < 0 || i >= n) continue;
                PyObject *a = PyTuple_GET_ITEM(args, i);
                if (!is_tensor(a)) continue;
                PyObject *rg = SLOT(a, off_requires_grad);
                int truth = rg == NULL ? 0 : PyObject_IsTrue(rg);
                if (truth < 0) goto error;
                if (truth) {
                    if (record(self, result, args) < 0) goto error;
                    break;
                }
            }
        }
    }
    goto done;

error:
    Py_CLEAR(result);
done:
    for (Py_ssize_t i = 0; i < filled; i++)
        Py_DECREF(data[i]);
    if (data != small)
        PyMem_Free(data);
    Py_XDECREF(out);
    if (fallback && result == NULL && !PyErr_Occurred())
        return call_python(self_obj, args, kwargs);
    return result;
}

/* Op._record (engine/op.py) for the common case: no input is a view that must be
 * re-derived first (refresh_view: it or its base was changed in place since it was taken)
 * and anomaly mode is off.  Otherwise the Python Op._record runs.  Returns 0, or -1 with an
 * error set. */
static int
record(OpBase *self, PyObject *result, PyObject *args)
{
    PyObject *positions = self->diff_positions;
    Py_ssize_t count = PyTuple_GET_SIZE(positions), n = PyTuple_GET_SIZE(args);
    int anomaly = attr_true(grad_flags, str_anomaly);
    if (anomaly < 0)
        return -1;
    int python = anomaly || self->node_class == NULL || self->same_meta == NULL
        || self->arg_names == NULL || self->name == NULL
        || !PyType_Check(self->node_class);
    for (Py_ssize_t k = 0; k < count && !python; k++) {
        Py_ssize_t i = PyLong_AsSsize_t(PyTuple_GET_ITEM(positions, k));
        if (i < 0 || i >= n) { python = 1; break; }
        PyObject *a = PyTuple_GET_ITEM(args, i);
        if (!is_tensor(a)) continue;
        if (SLOT(a, off_grad_fn) == NULL || SLOT(a, off_data) == NULL
            || SLOT(a, off_requires_grad) == NULL || SLOT(a, off_output_nr) == NULL) {
            python = 1;
            break;
        }
        if (SLOT(a, off_grad_fn) == Py_None)
            continue;  /* (a leaf: no history to re-derive, its _base is not read) */
        PyObject *base = PyObject_GetAttr(a, str_base);
        if (base == NULL)
            return -1;
        Py_DECREF(base);
        if (base != Py_None) {
            /* A view with a history: current unless it or its base was changed in place
             * since (then refresh_view re-derives it first: the Python path). */
            PyObject *counter = SLOT(a, off_version_counter);
            if (counter == NULL || Py_TYPE(counter) != version_counter_type
                || SLOT(counter, off_counter_value) == NULL) {
                python = 1;
                break;
            }
            PyObject *seen = PyObject_GetAttr(a, str_attr_version);
            int current = seen == NULL ? -1
                : PyObject_RichCompareBool(seen, SLOT(counter, off_counter_value), Py_EQ);
            Py_XDECREF(seen);
            if (current < 0)
                return -1;
            python = !current;
        }
    }
    if (python) {
        PyObject *done = PyObject_CallMethodObjArgs((PyObject *)self, str_record, result, args,
                                                    NULL);
        if (done == NULL)
            return -1;
        Py_DECREF(done);
        return 0;
    }

    PyTypeObject *node_class = (PyTypeObject *)self->node_class;
    PyObject *node = NULL, *edges = NULL, *meta = NULL, *out_shape = NULL, *saved = NULL,
             *key = NULL;
    int status = -1;
    PyObject *out = SLOT(result, off_data);
    out_shape = PyObject_GetAttr(out, str_shape);
    if (out_shape == NULL) goto done;
    PyObject *out_dtype = borrowed_dtype(out);
    if (out_dtype == NULL) goto done;
    /* Nodes are made without __init__ (its defaults live on the class). */
    node = node_class->tp_alloc(node_class, 0);
    if (node == NULL) goto done;
    edges = PyTuple_New(count);
    if (edges == NULL) goto done;
    untrack_owned(edges);  /* the node walks it (_core_node.c) */
    long needs = 0;  /* bit k set: the k-th differentiable input needs a gradient */
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *a = PyTuple_GET_ITEM(args, PyLong_AsSsize_t(PyTuple_GET_ITEM(positions, k)));
        PyObject *edge;
        if (!is_tensor(a)) {
            Py_INCREF(no_edge);
            PyTuple_SET_ITEM(edges, k, no_edge);
            continue;
        }
        PyObject *fn = SLOT(a, off_grad_fn);
        if (fn != Py_None) {
            edge = PyTuple_Pack(2, fn, SLOT(a, off_output_nr));
            needs |= 1L << k;
        }
        else {
            int truth = PyObject_IsTrue(SLOT(a, off_requires_grad));
            if (truth < 0) goto done;
            if (truth) {
                PyObject *acc = PyObject_CallOneArg(grad_accumulator, a);
                if (acc == NULL) goto done;
                edge = PyTuple_Pack(2, acc, zero);
                Py_DECREF(acc);
                needs |= 1L << k;
            }
            else {
                Py_INCREF(no_edge);
                edge = no_edge;
            }
        }
        if (edge == NULL) goto done;
        if (edge != no_edge)
            untrack_owned(edge);  /* held by edges alone: the node walks it */
        PyTuple_SET_ITEM(edges, k, edge);
        /* The engine reduces a gradient to its input's shape and dtype only where they
         * differ from the output's; None (the usual case) skips the check. */
        PyObject *d = SLOT(a, off_data);
        PyObject *shape = PyObject_GetAttr(d, str_shape);
        if (shape == NULL) goto done;
        PyObject *dtype = borrowed_dtype(d);
        if (dtype == NULL) { Py_DECREF(shape); goto done; }
        int differs = PyObject_RichCompareBool(shape, out_shape, Py_NE);
        if (differs == 0 && dtype != out_dtype)
            differs = PyObject_RichCompareBool(dtype, out_dtype, Py_NE);
        if (differs > 0) {
            if (meta == NULL)
                meta = PySequence_List(self->same_meta);
            PyObject *pair = meta == NULL ? NULL : PyTuple_Pack(2, shape, dtype);
            if (pair == NULL || PyList_SetItem(meta, k, pair) < 0)
                differs = -1;
        }
        Py_DECREF(shape);
        if (differs < 0) goto done;
    }
    set_slot(node, off_next_functions, edges);
    if (meta == NULL) {
        set_slot(node, off_input_meta, self->same_meta);
    }
    else {
        PyObject *meta_tuple = PyList_AsTuple(meta);
        if (meta_tuple == NULL) goto done;
        set_slot(node, off_input_meta, meta_tuple);
        Py_DECREF(meta_tuple);
    }
    key = PyLong_FromLong(needs);
    if (key == NULL) goto done;
    PyObject *plan = PyDict_GetItemWithError(self->plans, key);  /* borrowed */
    if (plan == NULL) {
        if (PyErr_Occurred()) goto done;
        plan = PyObject_CallMethodOneArg((PyObject *)self, str_plan_for, key);
        if (plan == NULL) goto done;
        int stored = PyDict_SetItem(self->plans, key, plan);
        Py_DECREF(plan);  /* (the dict holds it now) */
        if (stored < 0) goto done;
    }
    if (!PyTuple_Check(plan) || PyTuple_GET_SIZE(plan) != 2) {
        PyErr_SetString(PyExc_TypeError, "Op._plan_for must return (reads, plan)");
        goto done;
    }
    Py_INCREF(plan);  /* (held while saving: a saved-tensor hook could change the dict) */
    PyObject *reads = PyTuple_GET_ITEM(plan, 0);
    set_slot(node, off_plan, PyTuple_GET_ITEM(plan, 1));
    /* Keep only what the formulas of the inputs that need a gradient will read. */
    Py_ssize_t n_reads = PyTuple_GET_SIZE(reads), n_args = PyTuple_GET_SIZE(self->arg_names);
    if (n_reads) {
        saved = PyTuple_New(n_reads);
        if (saved == NULL) { Py_DECREF(plan); goto done; }
        untrack_owned(saved);  /* the node walks it (_core_node.c) */
        for (Py_ssize_t r = 0; r < n_reads; r++) {
            Py_ssize_t j = PyLong_AsSsize_t(PyTuple_GET_ITEM(reads, r));
            PyObject *value;
            if (j < n_args) {
                PyObject *a = PyTuple_GET_ITEM(args, j);
                if (is_tensor(a))
                    value = new_saved_tensor(a, self->name);
                else {
                    Py_INCREF(a);
                    value = a;
                }
            }
            else if (j == n_args)
                value = new_saved_result(result);
            else {
                /* an input's shape (a formula reading ``self_shape``) */
                PyObject *a = PyTuple_GET_ITEM(args, j - n_args - 1);
                PyObject *d = is_tensor(a) ? (Py_INCREF(SLOT(a, off_data)), SLOT(a, off_data))
                                           : PyObject_GetAttrString(a, "_data");
                value = d == NULL ? NULL : PyObject_GetAttr(d, str_shape);
                Py_XDECREF(d);
            }
            if (value == NULL) { Py_DECREF(plan); goto done; }
            PyTuple_SET_ITEM(saved, r, value);
        }
        set_slot(node, off_saved, saved);
    }
    else {
        set_slot(node, off_saved, Py_None);
    }
    Py_DECREF(plan);
    set_slot(result, off_requires_grad, Py_True);
    set_slot(result, off_grad_fn, node);
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *a = PyTuple_GET_ITEM(args, PyLong_AsSsize_t(PyTuple_GET_ITEM(positions, k)));
        if (is_tensor(a) && SLOT(a, off_grad_fn) != Py_None)
            adopt_below_input(SLOT(a, off_grad_fn));  /* (_core_node.c: owned nodes) */
    }
    status = 0;
done:
    Py_XDECREF(node);
    Py_XDECREF(edges);
    Py_XDECREF(meta);
    Py_XDECREF(out_shape);
    Py_XDECREF(saved);
    Py_XDECREF(key);
    return status;
}

static PyTypeObject OpBase_Type = {
    BASE_TYPE_HEAD("OpBase", "The C base of engine.op.Op: its fields and its fast call.", OpBase),
    .tp_new = PyType_GenericNew,
    MEMBERS_GC_SLOTS(op),
    .tp_members = op_members,
    .tp_call = op_call,
};
