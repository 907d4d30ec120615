/* The compiled core: operands of mixed dtypes (float32 X times an int64 y), cast as PyTorch
 * promotes them.
 *
 * Part of chainrule.engine._core, compiled as one translation unit: _core.c includes this
 * file before _core_op.c, whose op_call uses it.  C twin of engine/op.py's
 * Op._promoted_slow for a combination of dtypes seen before: the result dtype and whether
 * NumPy's own promotion already lands on it are computed once per combination by the Python
 * method (Op._result_dtype, NumPy's result_type) and kept in op.py's _PROMOTED; here the key
 * is built as the Python method builds it and looked up in the same dict.  Anything else (a
 * combination not seen yet, arguments that are not tensors or Python numbers) goes to the
 * Python method, which fills the dict. */

static PyObject *promoted_cache;     /* engine.op._PROMOTED: key -> (target dtype, numpy agrees) */
static PyObject *dtypes_module;      /* chainrule._dtypes (its _default_float is in the key) */
static PyObject *str_default_float;

/* Op._promoted_slow(args) (engine/op.py) for the calls it covers: at least two tensors of
 * different dtypes, each holding an ndarray, beside Python floats, ints and bools only, in a
 * combination already in _PROMOTED.  Fills data[0..n) with new references (the arrays, cast
 * to the result dtype where NumPy would not land there itself, and the numbers) and returns
 * 1; returns 0 with nothing filled for a call it does not cover, -1 with an error set. */
static int
promoted_mixed(PyObject *promote, PyObject *args, PyObject **data)
{
    if (promoted_cache == NULL)
        return 0;
    Py_ssize_t n = PyTuple_GET_SIZE(args), size = 2;
    PyObject *first = NULL;  /* the first tensor's dtype (borrowed: its array holds it) */
    int mixed = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *a = PyTuple_GET_ITEM(args, i);
        if (PyFloat_CheckExact(a) || PyLong_CheckExact(a) || PyBool_Check(a)) {
            size += 1;
            continue;
        }
        if (!is_tensor(a))
            return 0;
        PyObject *dt = tensor_dtype(a);
        if (dt == NULL)
            return PyErr_Occurred() ? -1 : 0;
        if (first == NULL)
            first = dt;
        else if (dt != first)
            mixed = 1;
        size += 2;
    }
    if (!mixed)
        return 0;  /* one dtype: Op.__call__'s cases (the Python path) */

    /* key = (promote, default float, then per tensor its dtype and whether it is 0-d, per
     * number its type), as _promoted_slow builds it. */
    PyObject *key = PyTuple_New(size);
    if (key == NULL)
        return -1;
    PyObject *default_float = PyObject_GetAttr(dtypes_module, str_default_float);
    if (default_float == NULL) {
        Py_DECREF(key);
        return -1;
    }
    Py_INCREF(promote);
    PyTuple_SET_ITEM(key, 0, promote);
    PyTuple_SET_ITEM(key, 1, default_float);
    Py_ssize_t k = 2;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *a = PyTuple_GET_ITEM(args, i);
        if (!is_tensor(a)) {
            PyObject *kind = (PyObject *)Py_TYPE(a);
            Py_INCREF(kind);
            PyTuple_SET_ITEM(key, k++, kind);
            continue;
        }
        PyObject *d = SLOT(a, off_data);
        PyObject *dt = borrowed_dtype(d);
        int is_zero = dt == NULL ? -1 : is_zero_d(d);
        if (is_zero < 0) {
            Py_DECREF(key);
            return -1;
        }
        Py_INCREF(dt);
        PyTuple_SET_ITEM(key, k++, dt);
        PyObject *flag = is_zero ? Py_True : Py_False;
        Py_INCREF(flag);
        PyTuple_SET_ITEM(key, k++, flag);
    }
    PyObject *cached = PyDict_GetItemWithError(promoted_cache, key);  /* borrowed */
    if (cached == NULL || !PyTuple_CheckExact(cached) || PyTuple_GET_SIZE(cached) != 2) {
        Py_DECREF(key);
        return PyErr_Occurred() ? -1 : 0;  /* not seen yet: the Python method computes it */
    }
    Py_INCREF(cached);
    PyObject *target = PyTuple_GET_ITEM(cached, 0);
    int agrees = PyObject_IsTrue(PyTuple_GET_ITEM(cached, 1));
    Py_ssize_t filled = 0;
    int status = agrees < 0 ? -1 : 1;
    k = 2;
    for (; filled < n && status == 1; filled++) {
        PyObject *a = PyTuple_GET_ITEM(args, filled);
        if (!is_tensor(a)) {
            Py_INCREF(a);
            data[filled] = a;
            k++;
            continue;
        }
        PyObject *d = SLOT(a, off_data), *dt = PyTuple_GET_ITEM(key, k);
        k += 2;
        /* Where NumPy's own promotion lands on PyTorch's dtype, the ufunc converts as it
         * goes: no copies.  Otherwise arrays of another dtype are cast first. */
        int cast = 0;
        if (!agrees && dt != target) {
            cast = PyObject_RichCompareBool(dt, target, Py_NE);
            if (cast < 0) {
                status = -1;
                break;
            }
        }
        PyObject *value = cast ? PyObject_CallMethodOneArg(d, str_astype, target)
                               : (Py_INCREF(d), d);
        if (value == NULL) {
            status = -1;
            break;
        }
        data[filled] = value;
    }
    if (status < 0) {
        for (Py_ssize_t i = 0; i < filled; i++)
            Py_DECREF(data[i]);
    }
    Py_DECREF(cached);
    Py_DECREF(key);
    return status;
}

/* setup_promotion(cache, dtypes): engine/op.py's _PROMOTED and the chainrule._dtypes module
 * (engine/op.py, at import, after setup). */
static PyObject *
setup_promotion(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyDict_CheckExact(args[0]) || !PyModule_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "setup_promotion(cache dict, _dtypes module)");
        return NULL;
    }
    if (str_default_float == NULL
        && (str_default_float = PyUnicode_InternFromString("_default_float")) == NULL)
        return NULL;
    Py_XSETREF(promoted_cache, Py_NewRef(args[0]));
    Py_XSETREF(dtypes_module, Py_NewRef(args[1]));
    Py_RETURN_NONE;
}
