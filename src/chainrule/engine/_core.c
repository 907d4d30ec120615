/* chainrule.engine._core: the compiled core, the hot path of recording an operation in C.
 *
 * The pure-Python core (engine/op.py) is the reference: this file holds C twins of a few of
 * its functions, each written for the COMMON case only.  Every other case is handed, before
 * anything has been done, to the Python function it mirrors, unchanged, so the rare
 * semantics (views, mixed dtypes and promotion, forward-mode AD, chainrule.compile's tracer,
 * anomaly mode, ops on lists of tensors or with several outputs, keyword arguments) are
 * never re-implemented here.  engine/core.py decides which core runs (CHAINRULE_PURE=1, or a
 * failed build, gives the pure one).
 *
 * Tensors and nodes stay the Python classes of tensor.py and engine/graph.py.  Their hot
 * attributes are __slots__, and a slot is a pointer at a fixed offset in the object, so C
 * reads and writes them at the offsets their member descriptors give (setup() finds them
 * once): a struct field access, where attribute lookup by name would cost about what the
 * interpreter's specialised bytecode costs.  Python code reading t._data is unchanged.
 *
 * The GIL is held throughout; the only places another thread can run are the Python calls
 * made from here (forward, SavedTensor, grad_accumulator, ...), around which every object
 * used is held by a strong reference.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

/* --- what setup() hands over: the Python classes and helpers the fast paths use ---------- */

static PyTypeObject *tensor_type;   /* chainrule.tensor.Tensor */
static PyTypeObject *ndarray_type;  /* numpy.ndarray */
static PyTypeObject *version_counter_type;  /* tensor.VersionCounter */
static PyObject *asarray;           /* numpy.asarray */
static PyObject *grad_state;        /* engine.grad_mode.state (thread-local: .enabled) */
static PyObject *grad_flags;        /* engine.grad_mode.flags (.anomaly, .forward_ad) */
static PyObject *tracing_module;    /* chainrule._tracing (.tracer) */
static PyObject *float_dtypes;      /* tuple of the NumPy dtypes of kind "f" (identity test) */
static PyObject *complex_dtypes;    /* tuple of the NumPy dtypes of kind "c" */
static PyObject *grad_accumulator;  /* engine.graph.grad_accumulator */
static PyObject *saved_tensor;      /* engine.saved.SavedTensor (a class) */
static PyObject *saved_result;      /* engine.saved.SavedResult (a class) */
static PyObject *no_edge;           /* engine.op._NO_EDGE, (None, 0) */
static PyObject *zero, *one;        /* the ints 0 and 1 */
static PyObject *empty_tuple;

/* Offsets of the __slots__ the fast paths read and write. */
static Py_ssize_t off_data, off_requires_grad, off_grad_fn, off_output_nr, off_grad,
    off_version_counter;                                      /* Tensor */
static Py_ssize_t off_next_functions, off_input_meta, off_saved; /* Node */
static Py_ssize_t off_plan;                                   /* OpNode */
static Py_ssize_t off_counter_value;                          /* VersionCounter */

static PyTypeObject *node_type;     /* engine.graph.Node */
static PyTypeObject *op_node_type;  /* engine.op.OpNode */

static PyObject *str_enabled, *str_anomaly, *str_forward_ad, *str_tracer, *str_dtype,
    *str_ndim, *str_shape, *str_base, *str_call_python, *str_record, *str_plan_for,
    *str_next_functions, *str_input_meta, *str_saved;

static PyObject *str_hooked, *str_variable, *str_hooks, *str_step, *str_apply,
    *str_apply_arrays, *str_release, *str_unpack_data, *str_num_outputs, *str_astype,
    *str_gradients, *str_consumers, *str_receives, *str_arrays, *str_retain_graph,
    *str_create_graph, *str_starts, *str_data_attr;
static PyObject *str_detached, *str_value, *str_attr_version, *str_creation_meta, *str_inference;
static PyObject *inference_mode, *no_grad_mode;  /* engine.views.INFERENCE_MODE, NO_GRAD_MODE */

#define SLOT(obj, offset) (*(PyObject **)((char *)(obj) + (offset)))

/* Replace the value of a slot (the member descriptor's store, without the lookup). */
static inline void
set_slot(PyObject *obj, Py_ssize_t offset, PyObject *value)
{
    PyObject *old = SLOT(obj, offset);
    Py_INCREF(value);
    SLOT(obj, offset) = value;
    Py_XDECREF(old);
}

static inline int
is_tensor(PyObject *obj)
{
    return Py_TYPE(obj) == tensor_type || PyType_IsSubtype(Py_TYPE(obj), tensor_type);
}

/* The offset of slot `name` of `type`, from its member descriptor; -1 with an error set. */
static Py_ssize_t
slot_offset(PyTypeObject *type, const char *name)
{
    PyObject *descr = PyDict_GetItemString(type->tp_dict, name);  /* borrowed */
    if (descr == NULL || !Py_IS_TYPE(descr, &PyMemberDescr_Type)) {
        PyErr_Format(PyExc_TypeError, "_core.setup: %s.%s is not a __slots__ slot",
                     type->tp_name, name);
        return -1;
    }
    PyMemberDef *member = ((PyMemberDescrObject *)descr)->d_member;
    if (member->type != T_OBJECT_EX) {
        PyErr_Format(PyExc_TypeError, "_core.setup: %s.%s is not an object slot",
                     type->tp_name, name);
        return -1;
    }
    return member->offset;
}

static int
is_one_of(PyObject *obj, PyObject *tuple)
{
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(tuple); i++)
        if (PyTuple_GET_ITEM(tuple, i) == obj)
            return 1;
    return 0;
}

/* The truth of attribute `name` of `obj`: 1, 0, or -1 with an error set. */
static int
attr_true(PyObject *obj, PyObject *name)
{
    PyObject *value = PyObject_GetAttr(obj, name);
    if (value == NULL)
        return -1;
    int truth = PyObject_IsTrue(value);
    Py_DECREF(value);
    return truth;
}

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

static int
op_traverse(OpBase *self, visitproc visit, void *arg)
{
    Py_VISIT(self->name);
    Py_VISIT(self->forward);
    Py_VISIT(self->arg_names);
    Py_VISIT(self->diff_positions);
    Py_VISIT(self->promote);
    Py_VISIT(self->takes_scalars);
    Py_VISIT(self->view);
    Py_VISIT(self->general);
    Py_VISIT(self->node_class);
    Py_VISIT(self->plans);
    Py_VISIT(self->same_meta);
    return 0;
}

static int
op_clear(OpBase *self)
{
    Py_CLEAR(self->name);
    Py_CLEAR(self->forward);
    Py_CLEAR(self->arg_names);
    Py_CLEAR(self->diff_positions);
    Py_CLEAR(self->promote);
    Py_CLEAR(self->takes_scalars);
    Py_CLEAR(self->view);
    Py_CLEAR(self->general);
    Py_CLEAR(self->node_class);
    Py_CLEAR(self->plans);
    Py_CLEAR(self->same_meta);
    return 0;
}

static void
op_dealloc(OpBase *self)
{
    PyTypeObject *type = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    op_clear(self);
    type->tp_free((PyObject *)self);
}

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
    int rare = attr_true(grad_flags, str_forward_ad);
    if (rare < 0)
        return NULL;
    PyObject *tracer = PyObject_GetAttr(tracing_module, str_tracer);
    if (tracer == NULL)
        return NULL;
    Py_DECREF(tracer);  /* (only compared with None; the module keeps it alive) */
    if (rare || tracer != Py_None)
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
                PyObject *dt = PyObject_GetAttr(d, str_dtype);
                if (dt == NULL) goto done;
                Py_DECREF(dt);  /* (compared by identity only; the array keeps it alive) */
                if (dtype == NULL) {
                    /* Only the builtin float dtypes (found by identity) take this path. */
                    if (!is_one_of(dt, float_dtypes)) { fallback = 1; break; }
                    dtype = dt;
                }
                else if (dt != dtype) { fallback = 1; break; }
                if (scalars) {
                    /* A 0-d array goes in as a NumPy scalar (the forward is operators only). */
                    PyObject *ndim = PyObject_GetAttr(d, str_ndim);
                    if (ndim == NULL) goto done;
                    int is_zero = PyLong_CheckExact(ndim) && PyLong_AsLong(ndim) == 0;
                    Py_DECREF(ndim);
                    if (is_zero) {
                        d = PyObject_GetItem(d, empty_tuple);
                        if (d == NULL) goto done;
                        data[filled] = d;
                        continue;
                    }
                }
                Py_INCREF(d);
                data[filled] = d;
            }
            else if (PyFloat_CheckExact(a) || PyLong_CheckExact(a)) {
                Py_INCREF(a);
                data[filled] = a;
            }
            else { fallback = 1; break; }
        }
        if (!fallback && dtype == NULL)
            fallback = 1;  /* no tensor at all: _promoted decides */
    }
    if (fallback)
        goto done;

    out = PyObject_Vectorcall(self->forward, data, n, NULL);
    if (out == NULL) {
        if (PyErr_ExceptionMatches(PyExc_ValueError)) {
            PyErr_Clear();
            fallback = 1;  /* the Python path raises PyTorch's broadcasting error */
        }
        goto done;
    }
    if (Py_TYPE(out) != ndarray_type) {
        /* NumPy returns scalars for 0-d results; tensors hold arrays. */
        PyObject *array = PyObject_CallOneArg(asarray, out);
        Py_SETREF(out, array);
        if (out == NULL) goto done;
    }
    /* Tensor._make: object.__new__(Tensor) and its six slots. */
    result = tensor_type->tp_alloc(tensor_type, 0);
    if (result == NULL) goto done;
    set_slot(result, off_data, out);
    set_slot(result, off_requires_grad, Py_False);
    set_slot(result, off_grad_fn, Py_None);
    set_slot(result, off_output_nr, zero);
    set_slot(result, off_grad, Py_None);
    set_slot(result, off_version_counter, Py_None);

    int enabled = attr_true(grad_state, str_enabled);
    if (enabled < 0) goto error;
    if (self->view == Py_True && make_view(result, PyTuple_GET_ITEM(args, 0), enabled) < 0)
        goto error;
    if (enabled) {
        /* An integer or bool result has no gradient: only float and complex ones record. */
        PyObject *dt = PyObject_GetAttr(out, str_dtype);
        if (dt == NULL) goto error;
        int differentiable = is_one_of(dt, float_dtypes) || is_one_of(dt, complex_dtypes);
        if (!differentiable) {
            PyObject *kind = PyObject_GetAttrString(dt, "kind");
            if (kind == NULL) { Py_DECREF(dt); goto error; }
            differentiable = PyUnicode_CompareWithASCIIString(kind, "f") == 0
                || PyUnicode_CompareWithASCIIString(kind, "c") == 0;
            Py_DECREF(kind);
        }
        Py_DECREF(dt);
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
        PyObject *base = PyObject_GetAttr(a, str_base);
        if (base == NULL)
            return -1;
        Py_DECREF(base);
        if (base != Py_None && SLOT(a, off_grad_fn) != Py_None) {
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
    PyObject *node = NULL, *edges = NULL, *meta = NULL, *out_shape = NULL, *out_dtype = NULL,
             *saved = NULL, *key = NULL;
    int status = -1;
    PyObject *out = SLOT(result, off_data);
    out_shape = PyObject_GetAttr(out, str_shape);
    if (out_shape == NULL) goto done;
    out_dtype = PyObject_GetAttr(out, str_dtype);
    if (out_dtype == NULL) goto done;
    /* Nodes are made without __init__ (its defaults live on the class). */
    node = node_class->tp_alloc(node_class, 0);
    if (node == NULL) goto done;
    edges = PyTuple_New(count);
    if (edges == NULL) goto done;
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
        PyTuple_SET_ITEM(edges, k, edge);
        /* The engine reduces a gradient to its input's shape and dtype only where they
         * differ from the output's; None (the usual case) skips the check. */
        PyObject *d = SLOT(a, off_data);
        PyObject *shape = PyObject_GetAttr(d, str_shape);
        if (shape == NULL) goto done;
        PyObject *dtype = PyObject_GetAttr(d, str_dtype);
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
        Py_DECREF(dtype);
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
    status = 0;
done:
    Py_XDECREF(node);
    Py_XDECREF(edges);
    Py_XDECREF(meta);
    Py_XDECREF(out_shape);
    Py_XDECREF(out_dtype);
    Py_XDECREF(saved);
    Py_XDECREF(key);
    return status;
}

static PyTypeObject OpBase_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "chainrule.engine._core.OpBase",
    .tp_doc = PyDoc_STR("The C base of engine.op.Op: its fields and its fast call."),
    .tp_basicsize = sizeof(OpBase),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_new = PyType_GenericNew,
    .tp_dealloc = (destructor)op_dealloc,
    .tp_traverse = (traverseproc)op_traverse,
    .tp_clear = (inquiry)op_clear,
    .tp_members = op_members,
    .tp_call = op_call,
};

static PyObject *node_slot(PyObject *node, Py_ssize_t offset, PyObject *name);

/* --- saved values (engine/saved.py): made and read in the common case ---------------------
 *
 * SavedTensor and SavedResult stay the Python classes; C fills and reads their slots at
 * their offsets where no saved_tensors_hooks block is active and no version check fails,
 * and calls the Python methods otherwise (they raise PyTorch's errors). */

static PyTypeObject *saved_tensor_type, *saved_result_type;
static PyObject *saved_tensors_hooks;  /* engine.saved.SAVED_TENSORS_HOOKS (a list) */
static Py_ssize_t off_st_tensor, off_st_version, off_st_node_name, off_st_hooks_unpack;
static Py_ssize_t off_sr_data, off_sr_counter, off_sr_version, off_sr_output_nr;

/* SavedTensor(tensor, node_name) (engine/saved.py SavedTensor.__init__) where no
 * saved_tensors_hooks block is active; the Python class otherwise. */
static PyObject *
new_saved_tensor(PyObject *tensor, PyObject *node_name)
{
    if (PyList_GET_SIZE(saved_tensors_hooks) || !is_tensor(tensor))
        return PyObject_CallFunctionObjArgs((PyObject *)saved_tensor_type, tensor, node_name,
                                            NULL);
    PyObject *counter = SLOT(tensor, off_version_counter), *version = zero;
    if (counter == NULL)
        return PyObject_CallFunctionObjArgs((PyObject *)saved_tensor_type, tensor, node_name,
                                            NULL);
    if (counter != Py_None) {
        if (Py_TYPE(counter) != version_counter_type
            || (version = SLOT(counter, off_counter_value)) == NULL)
            return PyObject_CallFunctionObjArgs((PyObject *)saved_tensor_type, tensor,
                                                node_name, NULL);
    }
    PyObject *saved = saved_tensor_type->tp_alloc(saved_tensor_type, 0);
    if (saved == NULL)
        return NULL;
    set_slot(saved, off_st_version, version);
    set_slot(saved, off_st_node_name, node_name);
    set_slot(saved, off_st_tensor, tensor);
    set_slot(saved, off_st_hooks_unpack, Py_None);
    return saved;
}

/* SavedResult(result) (engine/saved.py SavedResult.__init__, output 0) where no
 * saved_tensors_hooks block is active; the Python class otherwise. */
static PyObject *
new_saved_result(PyObject *result)
{
    if (PyList_GET_SIZE(saved_tensors_hooks))
        return PyObject_CallOneArg((PyObject *)saved_result_type, result);
    PyObject *counter = SLOT(result, off_version_counter);
    if (counter == Py_None) {
        counter = PyObject_CallNoArgs((PyObject *)version_counter_type);
        if (counter == NULL)
            return NULL;
        set_slot(result, off_version_counter, counter);
        Py_DECREF(counter);  /* (the result holds it) */
    }
    PyObject *version = Py_TYPE(counter) == version_counter_type
        ? SLOT(counter, off_counter_value) : NULL;
    if (version == NULL)
        return PyObject_CallOneArg((PyObject *)saved_result_type, result);
    PyObject *saved = saved_result_type->tp_alloc(saved_result_type, 0);
    if (saved == NULL)
        return NULL;
    set_slot(saved, off_sr_output_nr, zero);
    set_slot(saved, off_sr_counter, counter);
    set_slot(saved, off_sr_version, version);
    set_slot(saved, off_sr_data, SLOT(result, off_data));
    return saved;
}

/* data[()] for a 0-d array (a NumPy scalar: see SavedTensor.unpack_data), else data; a new
 * reference. */
static PyObject *
scalar_if_0d(PyObject *data)
{
    PyObject *ndim = PyObject_GetAttr(data, str_ndim);
    if (ndim == NULL)
        return NULL;
    int is_zero = PyLong_CheckExact(ndim) && PyLong_AsLong(ndim) == 0;
    Py_DECREF(ndim);
    if (is_zero)
        return PyObject_GetItem(data, empty_tuple);
    Py_INCREF(data);
    return data;
}

/* value.unpack_data(node) for a SavedTensor or SavedResult (engine/saved.py): the array,
 * read directly where no hook is involved and the version matches; the Python method
 * otherwise (it unpacks through the hooks, or raises the version error). */
static PyObject *
unpack_data(PyObject *value, PyObject *node)
{
    if (Py_TYPE(value) == saved_tensor_type) {
        PyObject *tensor = SLOT(value, off_st_tensor), *version = SLOT(value, off_st_version);
        if (SLOT(value, off_st_hooks_unpack) == Py_None && tensor != NULL && version != NULL
            && is_tensor(tensor) && SLOT(tensor, off_data) != NULL) {
            PyObject *counter = SLOT(tensor, off_version_counter);
            int current = counter == Py_None;
            if (!current && counter != NULL && Py_TYPE(counter) == version_counter_type
                && SLOT(counter, off_counter_value) != NULL) {
                current = PyObject_RichCompareBool(SLOT(counter, off_counter_value), version,
                                                   Py_EQ);
                if (current < 0)
                    return NULL;
            }
            int detached = current ? attr_true(tensor, str_detached) : 0;
            if (detached < 0)
                return NULL;
            if (current && !detached)
                return scalar_if_0d(SLOT(tensor, off_data));
        }
    }
    else if (Py_TYPE(value) == saved_result_type) {
        PyObject *data = SLOT(value, off_sr_data), *counter = SLOT(value, off_sr_counter),
                 *version = SLOT(value, off_sr_version);
        if (data != NULL && data != Py_None && counter != NULL && version != NULL
            && Py_TYPE(counter) == version_counter_type
            && SLOT(counter, off_counter_value) != NULL) {
            int current = PyObject_RichCompareBool(SLOT(counter, off_counter_value), version,
                                                   Py_EQ);
            if (current < 0)
                return NULL;
            if (current)
                return scalar_if_0d(data);
        }
    }
    return PyObject_CallMethodOneArg(value, str_unpack_data, node);
}

/* backward.count_consumers (engine/backward.py): for every node reachable from roots, how
 * many edges lead into it from other nodes; without recursion. */
static PyObject *
count_consumers(PyObject *module, PyObject *roots)
{
    PyObject *consumers = PyDict_New(), *stack = PyList_New(0), *iter = NULL, *root;
    if (consumers == NULL || stack == NULL || (iter = PyObject_GetIter(roots)) == NULL)
        goto error;
    while ((root = PyIter_Next(iter)) != NULL) {
        int known = root == Py_None ? 1 : PyDict_Contains(consumers, root);
        if (known == 0 && (PyDict_SetItem(consumers, root, zero) < 0
                           || PyList_Append(stack, root) < 0))
            known = -1;
        Py_DECREF(root);
        if (known < 0)
            goto error;
    }
    if (PyErr_Occurred())
        goto error;
    while (PyList_GET_SIZE(stack)) {
        Py_ssize_t last = PyList_GET_SIZE(stack) - 1;
        PyObject *node = PyList_GET_ITEM(stack, last);
        Py_INCREF(node);
        PyObject *edges = PyList_SetSlice(stack, last, last + 1, NULL) < 0 ? NULL
            : node_slot(node, off_next_functions, str_next_functions);
        Py_DECREF(node);
        PyObject *items = edges == NULL ? NULL
            : PySequence_Fast(edges, "next_functions must be a sequence");
        Py_XDECREF(edges);
        if (items == NULL)
            goto error;
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(items); i++) {
            PyObject *edge = PySequence_Fast_GET_ITEM(items, i);
            if (!PyTuple_CheckExact(edge) || PyTuple_GET_SIZE(edge) != 2) {
                PyErr_SetString(PyExc_ValueError, "an edge must be a (node, output_nr) pair");
                Py_DECREF(items);
                goto error;
            }
            PyObject *child = PyTuple_GET_ITEM(edge, 0);
            if (child == Py_None)
                continue;
            PyObject *count = PyDict_GetItemWithError(consumers, child);  /* borrowed */
            int failed;
            if (count != NULL) {
                PyObject *more = PyNumber_Add(count, one);
                failed = more == NULL || PyDict_SetItem(consumers, child, more) < 0;
                Py_XDECREF(more);
            }
            else
                failed = PyErr_Occurred() || PyDict_SetItem(consumers, child, one) < 0
                    || PyList_Append(stack, child) < 0;
            if (failed) {
                Py_DECREF(items);
                goto error;
            }
        }
        Py_DECREF(items);
    }
    Py_DECREF(stack);
    Py_DECREF(iter);
    return consumers;
error:
    Py_XDECREF(consumers);
    Py_XDECREF(stack);
    Py_XDECREF(iter);
    return NULL;
}

/* --- the backward pass: the loop over ready nodes (engine/backward.py) -------------------- */

/* Handed over by setup_backward (engine/backward.py, at import). */
static PyTypeObject *accumulate_grad_type;  /* engine.graph.AccumulateGrad */
static PyObject *accumulate;                /* backward._accumulate */
static PyObject *passes_on_undefined;       /* backward._passes_on_undefined */
static PyObject *sum_to;                    /* backward._sum_to */
static PyObject *released;                  /* engine.graph.RELEASED */
static PyObject *freed_message;             /* engine.saved.FREED_MESSAGE */
static PyObject *saved_kinds;               /* engine.saved.SAVED_KINDS */


/* node.<slot> for a Node (at the slot's offset), else by name; a new reference. */
static PyObject *
node_slot(PyObject *node, Py_ssize_t offset, PyObject *name)
{
    if (PyType_IsSubtype(Py_TYPE(node), node_type)) {
        PyObject *value = SLOT(node, offset);
        if (value != NULL) {
            Py_INCREF(value);
            return value;
        }
    }
    return PyObject_GetAttr(node, name);
}

/* OpNode.apply_arrays (engine/op.py) for the common node: an OpNode (not a GeneralOpNode)
 * whose formulas all have array forms.  Any other node runs its own apply_arrays. */
static PyObject *
apply_arrays(PyObject *node, PyObject *grads)
{
    if (Py_TYPE(node)->tp_base != op_node_type || !PyList_CheckExact(grads)
        || PyList_GET_SIZE(grads) < 1)
        return PyObject_CallMethodOneArg(node, str_apply_arrays, grads);
    PyObject *plan = SLOT(node, off_plan), *saved = SLOT(node, off_saved),
             *metas = SLOT(node, off_input_meta);
    if (plan == NULL || saved == NULL || metas == NULL || !PyTuple_CheckExact(plan)
        || !PyTuple_CheckExact(metas))
        return PyObject_CallMethodOneArg(node, str_apply_arrays, grads);
    Py_ssize_t count = PyTuple_GET_SIZE(plan);
    if (PyTuple_GET_SIZE(metas) < count)
        count = PyTuple_GET_SIZE(metas);  /* (zip stops at the shorter) */
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *step = PyTuple_GET_ITEM(plan, k);
        if (step != Py_None && (!PyTuple_CheckExact(step) || PyTuple_GET_SIZE(step) != 3
                                || PyTuple_GET_ITEM(step, 2) == Py_None
                                || !PyTuple_CheckExact(PyTuple_GET_ITEM(step, 1))))
            return PyObject_CallMethodOneArg(node, str_apply_arrays, grads);
    }
    if (saved == released) {
        PyErr_SetObject(PyExc_RuntimeError, freed_message);
        return NULL;
    }
    PyObject *grad = PyList_GET_ITEM(grads, 0);
    Py_INCREF(grad);
    PyObject *dtype = PyObject_GetAttr(grad, str_dtype);
    PyObject *results = dtype == NULL ? NULL : PyList_New(count);
    if (results == NULL)
        goto error;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *step = PyTuple_GET_ITEM(plan, k), *result;
        if (step == Py_None) {
            Py_INCREF(Py_None);
            PyList_SET_ITEM(results, k, Py_None);
            continue;
        }
        PyObject *positions = PyTuple_GET_ITEM(step, 1), *form = PyTuple_GET_ITEM(step, 2);
        Py_ssize_t n = PyTuple_GET_SIZE(positions);
        PyObject *small[4], **call = n < 4 ? small : PyMem_Malloc((n + 1) * sizeof(PyObject *));
        if (call == NULL) { PyErr_NoMemory(); goto error; }
        call[0] = grad;
        Py_ssize_t filled = 0;
        for (; filled < n; filled++) {
            PyObject *value = PyObject_GetItem(saved, PyTuple_GET_ITEM(positions, filled));
            if (value != NULL && is_one_of((PyObject *)Py_TYPE(value), saved_kinds))
                Py_SETREF(value, unpack_data(value, node));
            if (value == NULL)
                break;
            call[filled + 1] = value;
        }
        result = filled < n ? NULL : PyObject_Vectorcall(form, call, n + 1, NULL);
        for (Py_ssize_t i = 0; i < filled; i++)
            Py_DECREF(call[i + 1]);
        if (call != small)
            PyMem_Free(call);
        if (result == NULL)
            goto error;
        /* NumPy promotes a few mixed dtypes further than PyTorch: the gradient takes its
         * input's dtype back (where meta is set, the engine's reduction casts it). */
        if (PyTuple_GET_ITEM(metas, k) == Py_None) {
            PyObject *result_dtype = PyObject_GetAttr(result, str_dtype);
            int differs = result_dtype == NULL ? -1 : result_dtype == dtype ? 0
                : PyObject_RichCompareBool(result_dtype, dtype, Py_NE);
            Py_XDECREF(result_dtype);
            if (differs > 0)
                Py_SETREF(result, PyObject_CallMethodOneArg(result, str_astype, dtype));
            if (differs < 0 || result == NULL) {
                Py_XDECREF(result);
                goto error;
            }
        }
        PyList_SET_ITEM(results, k, result);
    }
    Py_DECREF(grad);
    Py_DECREF(dtype);
    return results;
error:
    Py_DECREF(grad);
    Py_XDECREF(dtype);
    Py_XDECREF(results);
    return NULL;
}

/* OpNode.release (engine/op.py): free the saved values if any is a tensor (or an index key
 * holding arrays).  Other nodes run their own release.  Returns 0, or -1 with an error. */
static int
release(PyObject *node)
{
    if (Py_TYPE(node)->tp_base != op_node_type) {
        PyObject *done = PyObject_CallMethodNoArgs(node, str_release);
        Py_XDECREF(done);
        return done == NULL ? -1 : 0;
    }
    PyObject *saved = SLOT(node, off_saved);
    if (saved == NULL || saved == Py_None || saved == released)
        return 0;
    PyObject *items = PySequence_Fast(saved, "saved values must be a sequence");
    if (items == NULL)
        return -1;
    int found = 0;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(items) && !found; i++) {
        PyObject *v = PySequence_Fast_GET_ITEM(items, i);
        if (is_one_of((PyObject *)Py_TYPE(v), saved_kinds))
            found = 1;
        else if (PyTuple_CheckExact(v))
            for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(v) && !found; j++)
                found = Py_TYPE(PyTuple_GET_ITEM(v, j)) == ndarray_type;
    }
    Py_DECREF(items);
    if (found)
        set_slot(node, off_saved, released);
    return 0;
}

/* [None] * child.num_outputs: the gradient slots of a node that has received nothing yet. */
static PyObject *
empty_slots(PyObject *child)
{
    PyObject *count = PyObject_GetAttr(child, str_num_outputs);
    if (count == NULL)
        return NULL;
    PyObject *nones = PyList_New(1), *slots = NULL;
    if (count == one) {  /* (the usual node: a list of one None, without the repeat) */
        Py_DECREF(count);
        if (nones != NULL) {
            Py_INCREF(Py_None);
            PyList_SET_ITEM(nones, 0, Py_None);
        }
        return nones;
    }
    if (nones != NULL) {
        Py_INCREF(Py_None);
        PyList_SET_ITEM(nones, 0, Py_None);
        slots = PyNumber_Multiply(nones, count);
        Py_DECREF(nones);
    }
    Py_DECREF(count);
    return slots;
}

/* Send gradient g (or None, undefined) from the node that ran along edge (child, nr); with
 * `sent` 0 the node sent nothing at all (backward's _NOTHING_SENT).  The body of the inner
 * loop of backward._run_nodes.  Returns 0, or -1 with an error set. */
static int
send(PyObject *edge, PyObject *g, PyObject *meta, int sent, PyObject *gradients,
     PyObject *consumers, PyObject *receives, int arrays, PyObject *ready, PyObject *leaves)
{
    if (!PyTuple_CheckExact(edge) || PyTuple_GET_SIZE(edge) != 2) {
        PyErr_SetString(PyExc_ValueError, "an edge must be a (node, output_nr) pair");
        return -1;
    }
    PyObject *child = PyTuple_GET_ITEM(edge, 0), *nr = PyTuple_GET_ITEM(edge, 1);
    if (child == Py_None)
        return 0;
    int receiving = 1;
    if (receives != Py_None && (receiving = PySequence_Contains(receives, child)) < 0)
        return -1;
    if (g == Py_None) {
        /* An undefined gradient reaches the input's node too, as in PyTorch. */
        if (sent && receiving) {
            int there = PyDict_Contains(gradients, child);
            if (there < 0)
                return -1;
            if (!there) {
                PyObject *slots = empty_slots(child);
                int stored = slots == NULL ? -1 : PyDict_SetItem(gradients, child, slots);
                Py_XDECREF(slots);
                if (stored < 0)
                    return -1;
            }
        }
    }
    else if (receiving) {
        Py_INCREF(g);
        if (meta != Py_None) {
            /* Broadcasting or promotion in the forward: back to the input's shape and dtype. */
            PyObject *data = arrays ? (Py_INCREF(g), g) : PyObject_GetAttr(g, str_data_attr);
            if (data == NULL) { Py_DECREF(g); return -1; }
            PyObject *shape = PyObject_GetAttr(data, str_shape);
            PyObject *dtype = shape == NULL ? NULL : PyObject_GetAttr(data, str_dtype);
            Py_DECREF(data);
            PyObject *want_shape = PySequence_GetItem(meta, 0);
            PyObject *want_dtype = PySequence_GetItem(meta, 1);
            int differs = dtype == NULL || want_shape == NULL || want_dtype == NULL ? -1
                : PyObject_RichCompareBool(shape, want_shape, Py_NE);
            if (differs == 0)
                differs = PyObject_RichCompareBool(dtype, want_dtype, Py_NE);
            if (differs > 0)
                Py_SETREF(g, PyObject_CallFunctionObjArgs(sum_to, g, want_shape, want_dtype,
                                                          NULL));
            Py_XDECREF(shape);
            Py_XDECREF(dtype);
            Py_XDECREF(want_shape);
            Py_XDECREF(want_dtype);
            if (differs < 0 || g == NULL) { Py_XDECREF(g); return -1; }
        }
        PyObject *slots = PyDict_GetItemWithError(gradients, child);  /* borrowed */
        if (slots == NULL) {
            if (PyErr_Occurred() || (slots = empty_slots(child)) == NULL) {
                Py_DECREF(g);
                return -1;
            }
            int stored = PyDict_SetItem(gradients, child, slots);
            Py_DECREF(slots);  /* (the dict holds it) */
            if (stored < 0) { Py_DECREF(g); return -1; }
        }
        Py_INCREF(slots);
        PyObject *previous = PyObject_GetItem(slots, nr);
        /* Fan-out: a value used in several places receives the sum. */
        if (previous != NULL && previous != Py_None)
            Py_SETREF(g, PyNumber_Add(previous, g));
        int stored = previous == NULL || g == NULL ? -1 : PyObject_SetItem(slots, nr, g);
        Py_XDECREF(previous);
        Py_DECREF(slots);
        Py_XDECREF(g);
        if (stored < 0)
            return -1;
    }
    /* One consumer less to wait for; an input whose consumers have all run is ready. */
    PyObject *count = PyDict_GetItemWithError(consumers, child);  /* borrowed */
    if (count == NULL) {
        if (!PyErr_Occurred())
            PyErr_SetObject(PyExc_KeyError, child);
        return -1;
    }
    PyObject *left = PyNumber_Subtract(count, one);
    if (left == NULL || PyDict_SetItem(consumers, child, left) < 0) {
        Py_XDECREF(left);
        return -1;
    }
    int zero_left = PyLong_CheckExact(left) && PyLong_AsLong(left) == 0;
    Py_DECREF(left);
    if (zero_left)
        return PyList_Append(Py_TYPE(child) == accumulate_grad_type ? leaves : ready, child);
    return 0;
}

/* backward._run_nodes (engine/backward.py): Kahn's algorithm, run as it goes, for one pass.
 * The common node (an operation, nothing watching, arrays mode) runs here; hooks, inputs=,
 * anomaly mode and observers go through run.step, as in the Python loop. */
static PyObject *
run_nodes(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "run_nodes(run, general)");
        return NULL;
    }
    PyObject *run = args[0];
    int general = PyObject_IsTrue(args[1]);
    if (general < 0)
        return NULL;
    PyObject *gradients = PyObject_GetAttr(run, str_gradients);
    PyObject *consumers = PyObject_GetAttr(run, str_consumers);
    PyObject *receives = PyObject_GetAttr(run, str_receives);
    PyObject *ready = PyObject_GetAttr(run, str_starts);
    PyObject *leaves = PyList_New(0);
    PyObject *status = NULL;
    int arrays = -1, retain_graph = -1, create_graph = -1;
    if (gradients == NULL || consumers == NULL || receives == NULL || ready == NULL
        || leaves == NULL)
        goto done;
    if (!PyDict_CheckExact(gradients) || !PyDict_CheckExact(consumers)
        || !PyList_CheckExact(ready)) {
        PyErr_SetString(PyExc_TypeError, "run_nodes: unexpected pass state");
        goto done;
    }
    if ((arrays = attr_true(run, str_arrays)) < 0
        || (retain_graph = attr_true(run, str_retain_graph)) < 0
        || (create_graph = attr_true(run, str_create_graph)) < 0)
        goto done;

    while (PyList_GET_SIZE(ready)) {
        Py_ssize_t last = PyList_GET_SIZE(ready) - 1;
        PyObject *node = PyList_GET_ITEM(ready, last);
        Py_INCREF(node);
        if (PyList_SetSlice(ready, last, last + 1, NULL) < 0) { Py_DECREF(node); goto done; }
        PyObject *grads = NULL, *results = NULL, *edges = NULL, *metas = NULL, *items = NULL;
        int sent = 0, failed = 1;
        /* 1. The gradient of this node's output: the sum over every path that reached it. */
        grads = PyDict_GetItemWithError(gradients, node);
        if (grads == NULL) {
            if (PyErr_Occurred()) goto next;
        }
        else {
            Py_INCREF(grads);
            if (PyDict_DelItem(gradients, node) < 0) goto next;
        }
        /* 2. The chain rule at this node. */
        if (grads == NULL) {
            /* nothing reached it: it sends nothing */
        }
        else if (Py_TYPE(node) == accumulate_grad_type) {
            /* 3'. At a leaf: add the gradient into .grad. */
            int watched = general;
            if (!watched && (watched = attr_true(node, str_hooked)) < 0) goto next;
            PyObject *variable = PyObject_GetAttr(node, str_variable);
            if (variable == NULL) goto next;
            if (!watched && (watched = attr_true(variable, str_hooks)) < 0) {
                Py_DECREF(variable);
                goto next;
            }
            PyObject *done;
            if (watched)
                done = PyObject_CallMethodObjArgs(run, str_step, node, grads, NULL);
            else {
                /* (grads[0] is passed borrowed, as the Python loop's call passes it: the
                 * reference count _accumulate's _owned reads is the same.) */
                PyObject *call[] = {variable, PySequence_GetItem(grads, 0),
                                    create_graph ? Py_True : Py_False,
                                    arrays ? Py_True : Py_False};
                if (call[1] == NULL) { Py_DECREF(variable); goto next; }
                Py_DECREF(call[1]);  /* the list still holds it */
                done = PyObject_Vectorcall(accumulate, call, 4, NULL);
            }
            Py_DECREF(variable);
            if (done == NULL) goto next;
            Py_DECREF(done);
        }
        else {
            int hooked = general;
            if (!hooked && (hooked = attr_true(node, str_hooked)) < 0) goto next;
            if (hooked) {
                results = PyObject_CallMethodObjArgs(run, str_step, node, grads, NULL);
                if (results == NULL) goto next;
                sent = results != Py_None;
            }
            else {
                PyObject *first = PySequence_GetItem(grads, 0);
                if (first == NULL) goto next;
                Py_DECREF(first);  /* (compared with None only) */
                int undefined = 0;
                if (first == Py_None) {
                    PyObject *passes = PyObject_CallFunctionObjArgs(passes_on_undefined, node,
                                                                    grads, NULL);
                    if (passes == NULL) goto next;
                    undefined = PyObject_IsTrue(passes);
                    Py_DECREF(passes);
                    if (undefined < 0) goto next;
                }
                if (undefined) {
                    edges = node_slot(node, off_next_functions, str_next_functions);
                    Py_ssize_t n = edges == NULL ? -1 : PyObject_Length(edges);
                    if (n < 0) goto next;
                    results = PyList_New(n);
                    if (results == NULL) goto next;
                    for (Py_ssize_t i = 0; i < n; i++) {
                        Py_INCREF(Py_None);
                        PyList_SET_ITEM(results, i, Py_None);
                    }
                    Py_CLEAR(edges);
                }
                else {
                    results = arrays ? apply_arrays(node, grads)
                                     : PyObject_CallMethodOneArg(node, str_apply, grads);
                    if (results == NULL) goto next;
                    if (!retain_graph) {
                        /* its saved values are not needed again */
                        PyObject *saved = node_slot(node, off_saved, str_saved);
                        if (saved == NULL) goto next;
                        Py_DECREF(saved);  /* (compared with None only) */
                        if (saved != Py_None && release(node) < 0) goto next;
                    }
                }
                sent = 1;
            }
        }
        /* 3. Each input's gradient travels down its edge. */
        edges = node_slot(node, off_next_functions, str_next_functions);
        metas = edges == NULL ? NULL : node_slot(node, off_input_meta, str_input_meta);
        if (metas == NULL) goto next;
        PyObject *edge_items = PySequence_Fast(edges, "next_functions must be a sequence");
        Py_SETREF(edges, edge_items);
        PyObject *meta_items = edges == NULL ? NULL
            : PySequence_Fast(metas, "input_meta must be a sequence");
        Py_SETREF(metas, meta_items);
        if (sent && metas != NULL)
            items = PySequence_Fast(results, "a node's results must be a sequence");
        if (metas == NULL || (sent && items == NULL)) goto next;
        Py_ssize_t count = PySequence_Fast_GET_SIZE(edges);  /* (zip stops at the shortest) */
        if (PySequence_Fast_GET_SIZE(metas) < count)
            count = PySequence_Fast_GET_SIZE(metas);
        if (sent && PySequence_Fast_GET_SIZE(items) < count)
            count = PySequence_Fast_GET_SIZE(items);
        for (Py_ssize_t i = 0; i < count; i++)
            if (send(PySequence_Fast_GET_ITEM(edges, i),
                     sent ? PySequence_Fast_GET_ITEM(items, i) : Py_None,
                     PySequence_Fast_GET_ITEM(metas, i), sent, gradients, consumers, receives,
                     arrays, ready, leaves) < 0)
                goto next;
        /* A leaf that is ready accumulates next, as PyTorch's engine does. */
        if (PyList_GET_SIZE(leaves)) {
            Py_ssize_t end = PyList_GET_SIZE(ready);
            if (PyList_SetSlice(ready, end, end, leaves) < 0
                || PyList_SetSlice(leaves, 0, PyList_GET_SIZE(leaves), NULL) < 0)
                goto next;
        }
        failed = 0;
    next:
        /* Drop this node's gradients now: a leaf's AccumulateGrad counts the references to
         * the array it receives to decide whether it may keep it without a copy. */
        Py_XDECREF(items);
        Py_XDECREF(metas);
        Py_XDECREF(edges);
        Py_XDECREF(results);
        Py_XDECREF(grads);
        Py_DECREF(node);
        if (failed)
            goto done;
    }
    status = Py_None;
    Py_INCREF(status);
done:
    Py_XDECREF(gradients);
    Py_XDECREF(consumers);
    Py_XDECREF(receives);
    Py_XDECREF(ready);
    Py_XDECREF(leaves);
    return status;
}

static PyObject *pass_type;        /* backward._Pass */
static PyObject *ones;             /* backward._ones */
static PyObject *backward_module;  /* engine.backward (its .observer) */

/* The attributes of a _Pass that new_pass sets, in _Pass.__init__'s order. */
static const char *pass_fields[] = {"consumers", "starts", "retain_graph", "create_graph",
                                    "accumulate", "anomaly", "arrays", "watch", "inputs",
                                    "needed", "receives", "capture_at", "captured",
                                    "gradients"};
#define PASS_FIELDS 14
static PyObject *pass_names[PASS_FIELDS];  /* the same, interned (setup_backward) */

/* backward._Pass(roots, root_grads, retain_graph, create_graph, inputs, accumulate,
 * consumers) (engine/backward.py _Pass.__init__) for the common pass: tensors with a history
 * (no view among them) as roots, their gradients implicit (scalar outputs: 1), no inputs=,
 * no create_graph, no anomaly mode, no observer.  Other passes are made by the class. */
static PyObject *
new_pass(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 7)
        return PyObject_Vectorcall(pass_type, args, nargs, NULL);
    PyObject *roots = args[0], *root_grads = args[1], *inputs = args[4],
             *given_consumers = args[6];
    int create_graph = PyObject_IsTrue(args[3]);
    if (create_graph < 0)
        return NULL;
    PyObject *anomaly = PyObject_GetAttr(grad_flags, str_anomaly);
    PyObject *observer = anomaly == NULL ? NULL
        : PyObject_GetAttrString(backward_module, "observer");
    if (observer == NULL) {
        Py_XDECREF(anomaly);
        return NULL;
    }
    Py_DECREF(observer);  /* (compared with None only) */
    int common = inputs == Py_None && !create_graph && anomaly == Py_False
        && observer == Py_None && PyTuple_CheckExact(roots) && PyTuple_CheckExact(root_grads)
        && PyTuple_GET_SIZE(roots) == PyTuple_GET_SIZE(root_grads);
    for (Py_ssize_t i = 0; common && i < PyTuple_GET_SIZE(roots); i++) {
        PyObject *root = PyTuple_GET_ITEM(roots, i);
        if (PyTuple_GET_ITEM(root_grads, i) != Py_None || !is_tensor(root)
            || SLOT(root, off_grad_fn) == NULL || SLOT(root, off_grad_fn) == Py_None
            || SLOT(root, off_output_nr) == NULL || SLOT(root, off_data) == NULL) {
            common = 0;
            break;
        }
        PyObject *base = PyObject_GetAttr(root, str_base);
        if (base == NULL) {
            Py_DECREF(anomaly);
            return NULL;
        }
        Py_DECREF(base);
        common = base == Py_None;
    }
    if (!common) {
        Py_DECREF(anomaly);
        return PyObject_Vectorcall(pass_type, args, nargs, NULL);
    }
    Py_ssize_t n = PyTuple_GET_SIZE(roots);
    PyObject *values[PASS_FIELDS] = {NULL};
    PyObject *root_nodes = PyList_New(n), *run = NULL, *seen = NULL;
    if (root_nodes == NULL) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *node = SLOT(PyTuple_GET_ITEM(roots, i), off_grad_fn);
        Py_INCREF(node);
        PyList_SET_ITEM(root_nodes, i, node);
    }
    PyObject *consumers = given_consumers;
    if (consumers == Py_None)
        consumers = count_consumers(NULL, root_nodes);
    else
        Py_INCREF(consumers);
    values[0] = consumers;
    /* start_nodes: the roots (each once, in order) that no other node feeds. */
    PyObject *starts = values[1] = PyList_New(0);
    seen = PyDict_New();
    if (consumers == NULL || starts == NULL || seen == NULL) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *node = PyList_GET_ITEM(root_nodes, i);
        int known = PyDict_Contains(seen, node);
        if (known < 0 || (!known && PyDict_SetItem(seen, node, Py_None) < 0)) goto done;
        if (known)
            continue;
        PyObject *count = PyObject_GetItem(consumers, node);
        if (count == NULL) goto done;
        int none_left = PyObject_RichCompareBool(count, zero, Py_EQ);
        Py_DECREF(count);
        if (none_left < 0 || (none_left && PyList_Append(starts, node) < 0)) goto done;
    }
    PyObject *plain[] = {NULL, NULL, args[2], args[3], args[5], anomaly, Py_True, Py_None,
                         Py_None, Py_None, Py_None, Py_None, Py_None};
    for (int f = 2; f < PASS_FIELDS - 1; f++) {
        Py_INCREF(plain[f]);
        values[f] = plain[f];
    }
    /* The gradients: the implicit 1 of each scalar output (arrays mode: a NumPy scalar for
     * a 0-d output, see saved.SavedTensor.unpack_data), summed where a node repeats. */
    PyObject *gradients = values[PASS_FIELDS - 1] = PyDict_New();
    if (gradients == NULL) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *root = PyTuple_GET_ITEM(roots, i), *data = SLOT(root, off_data);
        PyObject *node = PyList_GET_ITEM(root_nodes, i), *nr = SLOT(root, off_output_nr);
        PyObject *ndim = PyObject_GetAttr(data, str_ndim), *g = NULL;
        if (ndim == NULL) goto done;
        int scalar = PyLong_CheckExact(ndim) && PyLong_AsLong(ndim) == 0;
        Py_DECREF(ndim);
        if (scalar) {
            PyObject *dtype = PyObject_GetAttr(data, str_dtype);
            PyObject *kind = dtype == NULL ? NULL : PyObject_GetAttrString(dtype, "type");
            Py_XDECREF(dtype);
            if (kind != NULL)
                g = PyObject_CallOneArg(kind, one);
            Py_XDECREF(kind);
        }
        else
            g = PyObject_CallOneArg(ones, data);
        if (g == NULL) goto done;
        /* _add_to(gradients, node, nr, g) */
        PyObject *slots = PyDict_GetItemWithError(gradients, node);  /* borrowed */
        if (slots == NULL) {
            if (PyErr_Occurred() || (slots = empty_slots(node)) == NULL) {
                Py_DECREF(g);
                goto done;
            }
            int stored = PyDict_SetItem(gradients, node, slots);
            Py_DECREF(slots);  /* (the dict holds it) */
            if (stored < 0) { Py_DECREF(g); goto done; }
        }
        PyObject *previous = PyObject_GetItem(slots, nr);
        if (previous != NULL && previous != Py_None)
            Py_SETREF(g, PyNumber_Add(previous, g));
        int stored = previous == NULL || g == NULL ? -1 : PyObject_SetItem(slots, nr, g);
        Py_XDECREF(previous);
        Py_XDECREF(g);
        if (stored < 0) goto done;
    }
    /* object.__new__(_Pass), its slots set as __init__ sets them */
    run = ((PyTypeObject *)pass_type)->tp_alloc((PyTypeObject *)pass_type, 0);
    if (run == NULL) goto done;
    for (int f = 0; f < PASS_FIELDS; f++)
        if (PyObject_SetAttr(run, pass_names[f], values[f]) < 0) {
            Py_CLEAR(run);
            goto done;
        }
done:
    for (int f = 0; f < PASS_FIELDS; f++)
        Py_XDECREF(values[f]);
    Py_XDECREF(root_nodes);
    Py_XDECREF(seen);
    Py_DECREF(anomaly);
    return run;
}

static PyObject *
setup_backward(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"accumulate_grad", "accumulate", "passes_on_undefined", "sum_to",
                            "released", "freed_message", "saved_kinds", "pass_type", "ones",
                            "module", NULL};
    PyObject *accumulate_grad;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!OOOOOO!O!OO:setup_backward", names,
                                     &PyType_Type, &accumulate_grad, &accumulate,
                                     &passes_on_undefined, &sum_to, &released, &freed_message,
                                     &PyTuple_Type, &saved_kinds, &PyType_Type, &pass_type,
                                     &ones, &backward_module))
        return NULL;
    if (node_type == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "_core.setup must run before setup_backward");
        return NULL;
    }
    accumulate_grad_type = (PyTypeObject *)accumulate_grad;
    for (int f = 0; f < PASS_FIELDS; f++)
        if ((pass_names[f] = PyUnicode_InternFromString(pass_fields[f])) == NULL)
            return NULL;
    PyObject *kept[] = {accumulate_grad, accumulate, passes_on_undefined, sum_to, released,
                        freed_message, saved_kinds, pass_type, ones, backward_module};
    for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
        Py_INCREF(kept[i]);  /* held for the life of the process */
    Py_RETURN_NONE;
}

/* --- setup: the Python side hands over its classes once (engine/op.py, at import) -------- */

static PyObject *
setup(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"tensor", "node", "op_node", "ndarray", "asarray", "grad_state",
                            "grad_flags", "tracing", "float_dtypes", "complex_dtypes",
                            "grad_accumulator", "saved_tensor", "saved_result", "no_edge",
                            "version_counter", "saved_tensors_hooks", "inference_mode",
                            "no_grad_mode", NULL};
    PyObject *tensor, *node, *op_node, *ndarray;
    if (!PyArg_ParseTupleAndKeywords(
            args, kwargs, "O!O!O!O!OOOOO!O!OO!O!O!O!O!OO:setup", names, &PyType_Type, &tensor,
            &PyType_Type, &node, &PyType_Type, &op_node, &PyType_Type, &ndarray, &asarray,
            &grad_state, &grad_flags, &tracing_module, &PyTuple_Type, &float_dtypes,
            &PyTuple_Type, &complex_dtypes, &grad_accumulator, &PyType_Type, &saved_tensor,
            &PyType_Type, &saved_result, &PyTuple_Type, &no_edge, &PyType_Type,
            &version_counter_type, &PyList_Type, &saved_tensors_hooks, &inference_mode,
            &no_grad_mode))
        return NULL;
    tensor_type = (PyTypeObject *)tensor;
    ndarray_type = (PyTypeObject *)ndarray;
    PyObject *kept[] = {tensor, ndarray, asarray, grad_state, grad_flags, tracing_module,
                        float_dtypes, complex_dtypes, grad_accumulator, saved_tensor,
                        saved_result, no_edge, (PyObject *)version_counter_type,
                        saved_tensors_hooks, inference_mode, no_grad_mode};
    for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
        Py_INCREF(kept[i]);  /* held for the life of the process */
    PyTypeObject *node_t = (PyTypeObject *)node, *op_node_t = (PyTypeObject *)op_node;
    Py_INCREF(node);
    Py_INCREF(op_node);
    node_type = node_t;
    op_node_type = op_node_t;
    if ((off_data = slot_offset(tensor_type, "_data")) < 0
        || (off_requires_grad = slot_offset(tensor_type, "_requires_grad")) < 0
        || (off_grad_fn = slot_offset(tensor_type, "_grad_fn")) < 0
        || (off_output_nr = slot_offset(tensor_type, "_output_nr")) < 0
        || (off_grad = slot_offset(tensor_type, "_grad")) < 0
        || (off_version_counter = slot_offset(tensor_type, "_version_counter")) < 0
        || (off_next_functions = slot_offset(node_t, "next_functions")) < 0
        || (off_input_meta = slot_offset(node_t, "input_meta")) < 0
        || (off_saved = slot_offset(node_t, "_saved")) < 0
        || (off_plan = slot_offset(op_node_t, "_plan")) < 0)
        return NULL;
    saved_tensor_type = (PyTypeObject *)saved_tensor;
    saved_result_type = (PyTypeObject *)saved_result;
    if ((off_st_tensor = slot_offset(saved_tensor_type, "tensor")) < 0
        || (off_st_version = slot_offset(saved_tensor_type, "version")) < 0
        || (off_st_node_name = slot_offset(saved_tensor_type, "node_name")) < 0
        || (off_st_hooks_unpack = slot_offset(saved_tensor_type, "hooks_unpack")) < 0
        || (off_sr_data = slot_offset(saved_result_type, "data")) < 0
        || (off_sr_counter = slot_offset(saved_result_type, "counter")) < 0
        || (off_sr_version = slot_offset(saved_result_type, "version")) < 0
        || (off_sr_output_nr = slot_offset(saved_result_type, "output_nr")) < 0
        || (off_counter_value = slot_offset(version_counter_type, "value")) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef core_methods[] = {
    {"setup", (PyCFunction)(void (*)(void))setup, METH_VARARGS | METH_KEYWORDS,
     PyDoc_STR("setup(tensor=, node=, op_node=, ...): the classes the fast paths use.")},
    {"setup_backward", (PyCFunction)(void (*)(void))setup_backward,
     METH_VARARGS | METH_KEYWORDS,
     PyDoc_STR("setup_backward(accumulate_grad=, ...): what run_nodes uses.")},
    {"count_consumers", count_consumers, METH_O,
     PyDoc_STR("count_consumers(roots): backward.count_consumers.")},
    {"new_pass", (PyCFunction)(void (*)(void))new_pass, METH_FASTCALL,
     PyDoc_STR("new_pass(roots, root_grads, ...): backward._Pass(...) for the common pass.")},
    {"run_nodes", (PyCFunction)(void (*)(void))run_nodes, METH_FASTCALL,
     PyDoc_STR("run_nodes(run, general): backward._run_nodes, the loop of a backward pass.")},
    {NULL},
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT, "chainrule.engine._core",
    PyDoc_STR("chainrule's compiled core: C twins of the hot paths of engine/op.py."), -1,
    core_methods,
};

PyMODINIT_FUNC
PyInit__core(void)
{
    if (PyType_Ready(&OpBase_Type) < 0)
        return NULL;
#define INTERN(var, text) if ((var = PyUnicode_InternFromString(text)) == NULL) return NULL
    INTERN(str_enabled, "enabled");
    INTERN(str_anomaly, "anomaly");
    INTERN(str_forward_ad, "forward_ad");
    INTERN(str_tracer, "tracer");
    INTERN(str_dtype, "dtype");
    INTERN(str_ndim, "ndim");
    INTERN(str_shape, "shape");
    INTERN(str_base, "_base");
    INTERN(str_call_python, "_call_python");
    INTERN(str_record, "_record");
    INTERN(str_plan_for, "_plan_for");
    INTERN(str_hooked, "_hooked");
    INTERN(str_variable, "variable");
    INTERN(str_hooks, "_hooks");
    INTERN(str_step, "step");
    INTERN(str_apply, "apply");
    INTERN(str_apply_arrays, "apply_arrays");
    INTERN(str_release, "release");
    INTERN(str_unpack_data, "unpack_data");
    INTERN(str_num_outputs, "num_outputs");
    INTERN(str_astype, "astype");
    INTERN(str_gradients, "gradients");
    INTERN(str_consumers, "consumers");
    INTERN(str_receives, "receives");
    INTERN(str_arrays, "arrays");
    INTERN(str_retain_graph, "retain_graph");
    INTERN(str_create_graph, "create_graph");
    INTERN(str_starts, "starts");
    INTERN(str_data_attr, "_data");
    INTERN(str_next_functions, "next_functions");
    INTERN(str_input_meta, "input_meta");
    INTERN(str_saved, "_saved");
    INTERN(str_detached, "_detached");
    INTERN(str_value, "value");
    INTERN(str_attr_version, "_attr_version");
    INTERN(str_creation_meta, "_creation_meta");
    INTERN(str_inference, "inference");
#undef INTERN
    if ((zero = PyLong_FromLong(0)) == NULL || (one = PyLong_FromLong(1)) == NULL || (empty_tuple = PyTuple_New(0)) == NULL)
        return NULL;
    PyObject *module = PyModule_Create(&core_module);
    if (module == NULL)
        return NULL;
    Py_INCREF(&OpBase_Type);
    if (PyModule_AddObject(module, "OpBase", (PyObject *)&OpBase_Type) < 0) {
        Py_DECREF(&OpBase_Type);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
