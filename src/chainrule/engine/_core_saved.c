/* The compiled core: values saved for backward (SavedTensor, SavedResult).
 *
 * Part of chainrule.engine._core, compiled as one translation unit: _core.c includes this
 * file (so everything stays static).  C twins of engine/saved.py's constructors and unpack_data. */

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
    return new_with_slots(saved_tensor_type, 4, off_st_version, version, off_st_node_name,
                          node_name, off_st_tensor, tensor, off_st_hooks_unpack, Py_None);
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
    return new_with_slots(saved_result_type, 4, off_sr_output_nr, zero, off_sr_counter,
                          counter, off_sr_version, version, off_sr_data, SLOT(result, off_data));
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
