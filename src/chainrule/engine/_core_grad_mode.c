/* The compiled core: `with torch.no_grad():` entered and left with no Python frame.
 *
 * Part of chainrule.engine._core, compiled as one translation unit: _core.c includes this
 * file before _core_front.c (whose FastMethod kind "grad_switch_new" is the switch's __new__).  C twins of
 * engine/grad_mode.py's _GradModeContext.__enter__ and __exit__ (GradSwitch, the C base of
 * _GradModeContext where the compiled core runs) and of _NoArgGradModeContext.__new__ (the
 * FastMethod kind "grad_switch_new").  The switches that define their own __enter__ and
 * __exit__ (set_grad_enabled, inference_mode) keep them; every one keeps its Python
 * decorator, clone and __init__. */

static PyObject *switch_state;  /* engine.grad_mode.state (thread-local: .enabled) */
static PyObject *str_mode, *str_prev;

typedef struct {
    PyObject_HEAD
    PyObject *prev;  /* _prev: the mode __enter__ found, which __exit__ restores */
} GradSwitch;

static PyMemberDef grad_switch_members[] = {
    {"_prev", T_OBJECT_EX, offsetof(GradSwitch, prev), 0, NULL},
    {NULL},
};

MEMBERS_GC(grad_switch, grad_switch_members)

/* _GradModeContext.__enter__: self._prev = state.enabled; state.enabled = self.mode */
static PyObject *
grad_switch_enter(PyObject *self, PyObject *unused)
{
    if (not_set_up(switch_state == NULL, "_core.setup_grad_mode must run first"))
        return NULL;
    PyObject *prev = PyObject_GetAttr(switch_state, str_enabled);
    if (prev == NULL)
        return NULL;
    Py_XSETREF(((GradSwitch *)self)->prev, prev);
    PyObject *mode = PyObject_GetAttr(self, str_mode);
    if (mode == NULL)
        return NULL;
    int status = PyObject_SetAttr(switch_state, str_enabled, mode);
    Py_DECREF(mode);
    if (status < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* _GradModeContext.__exit__(*exc): state.enabled = self._prev; return False */
static PyObject *
grad_switch_exit(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *prev = ((GradSwitch *)self)->prev;
    if (prev == NULL)  /* (never entered: the member's own AttributeError) */
        return PyObject_GetAttr(self, str_prev);
    if (not_set_up(switch_state == NULL, "_core.setup_grad_mode must run first"))
        return NULL;
    Py_INCREF(prev);
    int status = PyObject_SetAttr(switch_state, str_enabled, prev);
    Py_DECREF(prev);
    if (status < 0)
        return NULL;
    Py_RETURN_FALSE;
}

static PyMethodDef grad_switch_methods[] = {
    {"__enter__", grad_switch_enter, METH_NOARGS, PyDoc_STR("Switch the mode.")},
    {"__exit__", (PyCFunction)(void (*)(void))grad_switch_exit, METH_FASTCALL,
     PyDoc_STR("Switch back to the mode found by __enter__.")},
    {NULL},
};

static PyTypeObject GradSwitch_Type = {
    BASE_TYPE_HEAD("GradSwitch",
                   "The C base of engine.grad_mode._GradModeContext: __enter__/__exit__.",
                   GradSwitch),
    MEMBERS_GC_SLOTS(grad_switch),
    .tp_members = grad_switch_members,
    .tp_methods = grad_switch_methods,
    /* tp_new is object's (set in PyInit__core), so object.__new__(cls) stays allowed. */
};

/* _NoArgGradModeContext.__new__(cls, fn=None) (engine/grad_mode.py) for its common call,
 * cls alone (`with no_grad():`): object.__new__(cls).  1: done (or failed: NULL in *result),
 * 0: not covered (`@no_grad` and every other call: the Python __new__, whose frame is the
 * one a class decorator's warning points at). */
static int
grad_switch_new(PyObject *const *args, Py_ssize_t n, PyObject **result)
{
    if (n < 1 || n > 2 || (n == 2 && args[1] != Py_None) || !PyType_Check(args[0])
        || !PyType_IsSubtype((PyTypeObject *)args[0], &GradSwitch_Type))
        return 0;
    PyTypeObject *cls = (PyTypeObject *)args[0];
    *result = cls->tp_alloc(cls, 0);
    return 1;
}

/* setup_grad_mode(state): engine.grad_mode.state, read and written by the switches
 * (engine/grad_mode.py, at import). */
static PyObject *
setup_grad_mode(PyObject *module, PyObject *state)
{
    if (str_mode == NULL && ((str_mode = PyUnicode_InternFromString("mode")) == NULL
                             || (str_prev = PyUnicode_InternFromString("_prev")) == NULL))
        return NULL;
    Py_XSETREF(switch_state, Py_NewRef(state));
    Py_RETURN_NONE;
}
