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
#include <stdarg.h>
#ifdef CHAINRULE_FORMULAS  /* (NumPy's C headers were found at build time: setup.py) */
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>
#include <numpy/arrayscalars.h>
#endif

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
static PyObject *str_observer;  /* "observer": backward's observer, for backward_fast and new_pass */
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

/* A new instance of `type` (object.__new__, no __init__) with `count` slots set: the
 * arguments after `count` are (Py_ssize_t offset, PyObject *value) pairs.  How the C twins
 * make the small objects whose __init__ only fills slots (SavedTensor, SavedResult,
 * AccumulateGrad, and Tensor._make below). */
static PyObject *
new_with_slots(PyTypeObject *type, int count, ...)
{
    PyObject *obj = type->tp_alloc(type, 0);
    if (obj == NULL)
        return NULL;
    va_list slots;
    va_start(slots, count);
    for (int i = 0; i < count; i++) {
        Py_ssize_t offset = va_arg(slots, Py_ssize_t);
        set_slot(obj, offset, va_arg(slots, PyObject *));
    }
    va_end(slots);
    return obj;
}

/* Tensor._make(array) (tensor.py): a tensor around `array` with its six slots set. */
static PyObject *
make_tensor(PyObject *array)
{
    return new_with_slots(tensor_type, 6, off_data, array, off_requires_grad, Py_False,
                          off_grad_fn, Py_None, off_output_nr, zero, off_grad, Py_None,
                          off_version_counter, Py_None);
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

/* --- types whose references are their object members -----------------------------------
 *
 * FastMethod and OpBase hold references only in the object fields (T_OBJECT, T_OBJECT_EX)
 * that their PyMemberDef table lists: MEMBERS_GC(prefix, members) defines their
 * tp_traverse, tp_clear and tp_dealloc from that table, so that each field is listed once. */

static int
visit_members(PyObject *self, PyMemberDef *members, visitproc visit, void *arg)
{
    for (PyMemberDef *m = members; m->name != NULL; m++) {
        if (m->type == T_OBJECT || m->type == T_OBJECT_EX) {
            PyObject *value = *(PyObject **)((char *)self + m->offset);
            Py_VISIT(value);
        }
    }
    return 0;
}

static int
clear_members(PyObject *self, PyMemberDef *members)
{
    for (PyMemberDef *m = members; m->name != NULL; m++) {
        if (m->type == T_OBJECT || m->type == T_OBJECT_EX) {
            PyObject **field = (PyObject **)((char *)self + m->offset);
            Py_CLEAR(*field);
        }
    }
    return 0;
}

static void
dealloc_members(PyObject *self, PyMemberDef *members)
{
    PyObject_GC_UnTrack(self);
    clear_members(self, members);
    Py_TYPE(self)->tp_free(self);
}

#define MEMBERS_GC(prefix, members)                                                        \
    static int prefix##_traverse(PyObject *self, visitproc visit, void *arg)               \
    {                                                                                      \
        return visit_members(self, members, visit, arg);                                   \
    }                                                                                      \
    static int prefix##_clear(PyObject *self)                                              \
    {                                                                                      \
        return clear_members(self, members);                                               \
    }                                                                                      \
    static void prefix##_dealloc(PyObject *self)                                           \
    {                                                                                      \
        dealloc_members(self, members);                                                    \
    }

/* The type slots of the three functions MEMBERS_GC(prefix, ...) defines. */
#define MEMBERS_GC_SLOTS(prefix)                                                           \
    .tp_dealloc = prefix##_dealloc, .tp_traverse = prefix##_traverse, .tp_clear = prefix##_clear

/* The first fields of the type object of a C base class (NodeBase, OpBase, GradSwitch):
 * class `name` of module _core, with its docstring and instance struct, that Python classes
 * derive from and whose instances the cyclic garbage collector tracks. */
#define BASE_TYPE_HEAD(name, doc, instance)                                                \
    PyVarObject_HEAD_INIT(NULL, 0)                                                         \
    .tp_name = "chainrule.engine._core." name,                                             \
    .tp_doc = PyDoc_STR(doc),                                                              \
    .tp_basicsize = sizeof(instance),                                                      \
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC

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

/* Whether attribute `name` of `obj` is None: 1, 0, or -1 with an error set.  (The switches
 * the fast paths read this way, such as chainrule.compile's tracer, are held by their module,
 * so only identity with None matters.) */
static int
attr_is_none(PyObject *obj, PyObject *name)
{
    PyObject *value = PyObject_GetAttr(obj, name);
    if (value == NULL)
        return -1;
    Py_DECREF(value);
    return value == Py_None;
}

/* Whether chainrule.compile's tracer is set or the switch `flag` of grad_flags (forward_ad,
 * anomaly) is on, the rare cases a fast path hands to its Python twin: 1, 0, or -1 with an
 * error set.  (static inline: the fast paths that ask pay no call for it) */
static inline int
tracing_or(PyObject *flag)
{
    int on = attr_true(grad_flags, flag);
    int no_tracer = on != 0 ? 0 : attr_is_none(tracing_module, str_tracer);  /* (read if off) */
    return on < 0 || no_tracer < 0 ? -1 : !no_tracer;
}

/* `obj` with its attribute `name` (its shape, its dtype) brought to `want` by the method
 * `convert` (reshape, astype) where the two differ: a new reference, or NULL with an error
 * set.  Takes over the caller's reference to `obj`, and passes a NULL `obj` (a failure
 * before it) through.  (static inline: the backward pass, which asks per formula, pays no
 * call for it) */
static inline PyObject *
conform(PyObject *obj, PyObject *name, PyObject *want, PyObject *convert)
{
    if (obj == NULL)
        return NULL;
    PyObject *have = PyObject_GetAttr(obj, name);
    /* (identity first: a dtype usually is the very object wanted, and costs no call then) */
    int differs = have == NULL ? -1 : have == want ? 0
        : PyObject_RichCompareBool(have, want, Py_NE);
    Py_XDECREF(have);
    if (differs > 0)
        Py_SETREF(obj, PyObject_CallMethodOneArg(obj, convert, want));
    else if (differs < 0)
        Py_CLEAR(obj);
    return obj;
}

/* Whether something a setup function hands over is still missing (`missing`, the caller's
 * test that it is NULL): 1 with a RuntimeError saying which setup must run first, or 0. */
static inline int
not_set_up(int missing, const char *message)
{
    if (missing)
        PyErr_SetString(PyExc_RuntimeError, message);
    return missing;
}

/* The dtype of ndarray `array`, borrowed: the array holds it, and the callers compare it by
 * identity only.  NULL with an error set where reading it failed. */
static PyObject *
borrowed_dtype(PyObject *array)
{
#ifdef CHAINRULE_FORMULAS
    /* An ndarray's dtype read from its struct (NumPy's C API): no attribute lookup. */
    if (PyArray_CheckExact(array))
        return (PyObject *)PyArray_DESCR((PyArrayObject *)array);
#endif
    PyObject *dtype = PyObject_GetAttr(array, str_dtype);
    Py_XDECREF(dtype);
    return dtype;
}

/* Whether the ndarray `array` is 0-d: 1, 0, or -1 with an error set. */
static int
is_zero_d(PyObject *array)
{
#ifdef CHAINRULE_FORMULAS
    if (PyArray_CheckExact(array))
        return PyArray_NDIM((PyArrayObject *)array) == 0;
#endif
    PyObject *ndim = PyObject_GetAttr(array, str_ndim);
    if (ndim == NULL)
        return -1;
    int zero = PyLong_CheckExact(ndim) && PyLong_AsLong(ndim) == 0;
    Py_DECREF(ndim);
    return zero;
}

/* data[()] of a 0-d ndarray: its value as a NumPy scalar (a new reference, or NULL with an
 * error set). */
static PyObject *
item_of_0d(PyObject *array)
{
#ifdef CHAINRULE_FORMULAS
    /* (NumPy's C API: the scalar made from the array's memory, without parsing an index) */
    if (PyArray_CheckExact(array))
        return PyArray_ToScalar(PyArray_DATA((PyArrayObject *)array), (PyArrayObject *)array);
#endif
    return PyObject_GetItem(array, empty_tuple);
}

/* data[()] for a 0-d array (a NumPy scalar: see SavedTensor.unpack_data, and the op call's
 * operators-only forwards), else data; a new reference. */
static PyObject *
scalar_if_0d(PyObject *data)
{
    int is_zero = is_zero_d(data);
    if (is_zero < 0)
        return NULL;
    if (is_zero)
        return item_of_0d(data);
    Py_INCREF(data);
    return data;
}

/* The dtype of tensor `t`'s array, borrowed as borrowed_dtype's: NULL without an error set
 * where `t` holds no ndarray (the callers' cue to hand the call to Python), NULL with one
 * where reading it failed. */
static PyObject *
tensor_dtype(PyObject *t)
{
    PyObject *data = SLOT(t, off_data);
    if (data == NULL || Py_TYPE(data) != ndarray_type)
        return NULL;
    return borrowed_dtype(data);
}

/* The topics, in the order engine/graph.py, op.py, saved.py and backward.py read them. */
#include "_core_node.c"
#include "_core_promote.c"
#include "_core_op.c"
#include "_core_saved.c"
#include "_core_backward.c"
#include "_core_grad_mode.c"
#include "_core_front.c"
#ifdef CHAINRULE_FORMULAS  /* (NumPy's C headers were found at build time: setup.py) */
#include "_core_formulas.c"
#endif

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
    saved_tensor_type = (PyTypeObject *)saved_tensor;
    saved_result_type = (PyTypeObject *)saved_result;
    /* the __slots__ the fast paths read and write: where each offset goes, class, name */
    struct { Py_ssize_t *offset; PyTypeObject *type; const char *name; } slots[] = {
        {&off_data, tensor_type, "_data"},
        {&off_requires_grad, tensor_type, "_requires_grad"},
        {&off_grad_fn, tensor_type, "_grad_fn"},
        {&off_output_nr, tensor_type, "_output_nr"},
        {&off_grad, tensor_type, "_grad"},
        {&off_version_counter, tensor_type, "_version_counter"},
        {&off_plan, op_node_t, "_plan"},
        {&off_st_tensor, saved_tensor_type, "tensor"},
        {&off_st_version, saved_tensor_type, "version"},
        {&off_st_node_name, saved_tensor_type, "node_name"},
        {&off_st_hooks_unpack, saved_tensor_type, "hooks_unpack"},
        {&off_sr_data, saved_result_type, "data"},
        {&off_sr_counter, saved_result_type, "counter"},
        {&off_sr_version, saved_result_type, "version"},
        {&off_sr_output_nr, saved_result_type, "output_nr"},
        {&off_counter_value, version_counter_type, "value"},
    };
    for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
        if ((*slots[i].offset = slot_offset(slots[i].type, slots[i].name)) < 0)
            return NULL;
    if (node_field_offsets(node_t) < 0)
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
    {"setup_front", (PyCFunction)(void (*)(void))setup_front, METH_VARARGS | METH_KEYWORDS,
     PyDoc_STR("setup_front(running=, callbacks=, accumulate=, plain_dtypes=): the front doors.")},
    {"setup_fp_errors", (PyCFunction)(void (*)(void))setup_fp_errors, METH_FASTCALL,
     PyDoc_STR("setup_fp_errors(var, ignored): NumPy's error state, and the silent one.")},
    {"setup_grad_mode", setup_grad_mode, METH_O,
     PyDoc_STR("setup_grad_mode(state): grad_mode.state, for the switches' C twins.")},
    {"setup_promotion", (PyCFunction)(void (*)(void))setup_promotion, METH_FASTCALL,
     PyDoc_STR("setup_promotion(cache, dtypes): Op._promoted_slow's cache, for its C twin.")},
    {"quiet", (PyCFunction)(void (*)(void))quiet, METH_FASTCALL,
     PyDoc_STR("quiet(fn, *arrays): _backend.quiet.")},
    {"grad_accumulator", c_grad_accumulator, METH_O,
     PyDoc_STR("grad_accumulator(tensor): graph.grad_accumulator.")},
    {"accumulate", (PyCFunction)(void (*)(void))c_accumulate, METH_FASTCALL,
     PyDoc_STR("accumulate(variable, grad, create_graph, arrays): backward._accumulate.")},
    {"fast_method", (PyCFunction)(void (*)(void))fast_method, METH_VARARGS | METH_KEYWORDS,
     PyDoc_STR("fast_method(kind, python, row=None): a Tensor method with a C common case.")},
#ifdef CHAINRULE_FORMULAS
    {"compiled_form", compiled_form, METH_VARARGS,
     PyDoc_STR("compiled_form(name, python_form): an array form's C twin, or None.")},
#endif
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
    if (PyType_Ready(&OpBase_Type) < 0 || PyType_Ready(&FastMethod_Type) < 0)
        return NULL;
    NodeBase_Type.tp_new = PyBaseObject_Type.tp_new;
    GradSwitch_Type.tp_new = PyBaseObject_Type.tp_new;
    if (PyType_Ready(&NodeBase_Type) < 0 || PyType_Ready(&GradSwitch_Type) < 0)
        return NULL;
#ifdef CHAINRULE_FORMULAS
    if (setup_formulas() < 0)
        return NULL;
#endif
#define INTERN(var, text) if ((var = PyUnicode_InternFromString(text)) == NULL) return NULL
    INTERN(str_enabled, "enabled");
    INTERN(str_anomaly, "anomaly");
    INTERN(str_forward_ad, "forward_ad");
    INTERN(str_tracer, "tracer");
    INTERN(str_observer, "observer");
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
    /* each under the last part of its tp_name */
    PyTypeObject *bases[] = {&OpBase_Type, &NodeBase_Type, &GradSwitch_Type};
    for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++)
        if (PyModule_AddType(module, bases[i]) < 0) {
            Py_DECREF(module);
            return NULL;
        }
    return module;
}
