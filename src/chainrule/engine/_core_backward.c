/* The compiled core: the backward pass (its start, its loop, a node's step).
 *
 * Part of chainrule.engine._core, compiled as one translation unit: _core.c includes this
 * file (so everything stays static).  C twins of engine/backward.py's count_consumers,
 * _Pass.__init__ and _run_nodes, and of engine/op.py's OpNode.apply_arrays and release. */

/* Push `node` on count_consumers' stack (its room doubled when full): 0, or -1 with an error. */
static int
push_node(PyObject ***stack, Py_ssize_t *depth, Py_ssize_t *room, PyObject *node)
{
    if (*depth == *room) {
        PyObject **more = PyMem_Realloc(*stack, 2 * *room * sizeof(PyObject *));
        if (more == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        *stack = more;
        *room *= 2;
    }
    (*stack)[(*depth)++] = node;
    return 0;
}

/* backward.count_consumers (engine/backward.py): for every node reachable from roots, how
 * many edges lead into it from other nodes; without recursion. */
static PyObject *
count_consumers(PyObject *module, PyObject *roots)
{
    /* The nodes still to visit, borrowed (the dict holds each as a key): a C array, where
     * taking a Python list's last item costs a slice assignment. */
    Py_ssize_t depth = 0, room = 64;
    PyObject **stack = PyMem_Malloc(room * sizeof(PyObject *));
    PyObject *consumers = PyDict_New(), *iter = NULL, *root;
    if (stack == NULL)
        PyErr_NoMemory();
    if (stack == NULL || consumers == NULL || (iter = PyObject_GetIter(roots)) == NULL)
        goto error;
    while ((root = PyIter_Next(iter)) != NULL) {
        int known = root == Py_None ? 1 : PyDict_Contains(consumers, root);
        if (known == 0 && (PyDict_SetItem(consumers, root, zero) < 0
                           || push_node(&stack, &depth, &room, root) < 0))
            known = -1;
        Py_DECREF(root);
        if (known < 0)
            goto error;
    }
    if (PyErr_Occurred())
        goto error;
    while (depth) {
        PyObject *edges = node_slot(stack[--depth], off_next_functions, str_next_functions);
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
            track_node(child);  /* the pass shares it (_core_node.c: owned nodes) */
            PyObject *count = PyDict_GetItemWithError(consumers, child);  /* borrowed */
            int failed;
            if (count != NULL) {
                PyObject *more = PyNumber_Add(count, one);
                failed = more == NULL || PyDict_SetItem(consumers, child, more) < 0;
                Py_XDECREF(more);
            }
            else
                failed = PyErr_Occurred() || PyDict_SetItem(consumers, child, one) < 0
                    || push_node(&stack, &depth, &room, child) < 0;
            if (failed) {
                Py_DECREF(items);
                goto error;
            }
        }
        Py_DECREF(items);
    }
    PyMem_Free(stack);
    Py_DECREF(iter);
    return consumers;
error:
    PyMem_Free(stack);
    Py_XDECREF(consumers);
    Py_XDECREF(iter);
    return NULL;
}

/* --- the backward pass: the loop over ready nodes (engine/backward.py) -------------------- */

/* Handed over by setup_backward (engine/backward.py, at import). */
static PyTypeObject *accumulate_grad_type;  /* engine.graph.AccumulateGrad */
static PyObject *accumulate;                /* backward._accumulate */
static PyObject *passes_on_undefined;       /* backward._passes_on_undefined */
static PyObject *sum_to;                    /* backward._sum_to */
static PyObject *add_reduce;                /* numpy.add.reduce */
static PyObject *axis_keepdims;             /* ("axis", "keepdims"): add_reduce's keywords */
static PyObject *str_reshape;               /* "reshape" */
static PyObject *str_type;                  /* "type" */
static PyObject *scalar_ones;               /* float dtype -> dtype.type(1) (new_pass) */
static PyObject *same;                      /* array_rules.same: lambda grad: grad's form */
static PyObject *fanout_add;                /* operator_form(operator.add): a fan-out's sum */
static PyObject *released;                  /* engine.graph.RELEASED */
static PyObject *freed_message;             /* engine.saved.FREED_MESSAGE */
static PyObject *saved_kinds;               /* engine.saved.SAVED_KINDS */
static PyObject *float_scalars;             /* the NumPy scalar types of float_dtypes */
static Py_ssize_t off_leaf_variable;        /* AccumulateGrad.variable's slot */


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

/* Whether `result` is a NumPy float scalar of grad's type, and so of its dtype: no dtype to
 * read (a scalar's dtype attribute goes through a generic getter: the dearest step of a node
 * whose formulas run on NumPy scalars). */
static int
same_scalar_type(PyObject *result, PyObject *grad)
{
    return Py_TYPE(result) == Py_TYPE(grad) && is_one_of((PyObject *)Py_TYPE(grad), float_scalars);
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
    PyObject *dtype = NULL;  /* grad's, read where a result's dtype must be compared with it */
    PyObject *results = PyList_New(count);
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
        if (form == same && n == 0) {  /* the gradient passes on (its dtype too): no call */
            Py_INCREF(grad);
            PyList_SET_ITEM(results, k, grad);
            continue;
        }
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
        if (PyTuple_GET_ITEM(metas, k) == Py_None && !same_scalar_type(result, grad)) {
            if (dtype == NULL && (dtype = PyObject_GetAttr(grad, str_dtype)) == NULL) {
                Py_DECREF(result);
                goto error;
            }
            if ((result = conform(result, str_dtype, dtype, str_astype)) == NULL)
                goto error;
        }
        PyList_SET_ITEM(results, k, result);
    }
    Py_DECREF(grad);
    Py_XDECREF(dtype);
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
    /* An op's node (an OpNode: ops with several outputs make GeneralOpNodes) and a leaf's
     * AccumulateGrad have one output: no attribute lookup for the commonest nodes. */
    PyObject *count = Py_TYPE(child)->tp_base == op_node_type
        || Py_TYPE(child) == accumulate_grad_type ? (Py_INCREF(one), one)
        : PyObject_GetAttr(child, str_num_outputs);
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

/* previous + g: for arrays by the add operator's array form (its compiled twin, which hands
 * the rarer arrays to the + operator); NumPy scalars (their own arithmetic costs less than a
 * twin's call) and tensors by the + operator.  A new reference, or NULL with an error set. */
static PyObject *
sum_of(PyObject *previous, PyObject *g)
{
    if (Py_TYPE(previous) != ndarray_type && Py_TYPE(g) != ndarray_type)
        return PyNumber_Add(previous, g);
    PyObject *args[] = {previous, g};
    return PyObject_Vectorcall(fanout_add, args, 2, NULL);
}

/* backward._add_to: gradients[node][nr] = g, or the sum with what is there already (fan-out:
 * a value used in several places receives the sum).  Returns 0, or -1 with an error set. */
static int
add_to(PyObject *gradients, PyObject *node, PyObject *nr, PyObject *g)
{
    PyObject *slots = PyDict_GetItemWithError(gradients, node);  /* borrowed */
    if (slots == NULL) {
        if (PyErr_Occurred() || (slots = empty_slots(node)) == NULL)
            return -1;
        int stored = PyDict_SetItem(gradients, node, slots);
        Py_DECREF(slots);  /* (the dict holds it) */
        if (stored < 0)
            return -1;
    }
    Py_INCREF(g);
    Py_ssize_t at = PyList_CheckExact(slots) && PyLong_CheckExact(nr) ? PyLong_AsSsize_t(nr) : -1;
    if (at >= 0 && at < PyList_GET_SIZE(slots)) {
        /* (a list of slots and an int: indexed in place, the usual case) */
        PyObject *previous = PyList_GET_ITEM(slots, at);  /* borrowed */
        if (previous != Py_None)
            Py_SETREF(g, sum_of(previous, g));
        if (g == NULL)
            return -1;
        PyList_SetItem(slots, at, g);  /* (takes g's reference) */
        return 0;
    }
    if (at == -1 && PyErr_Occurred())
        PyErr_Clear();  /* (an index out of range: the general path raises the IndexError) */
    Py_INCREF(slots);
    PyObject *previous = PyObject_GetItem(slots, nr);
    if (previous != NULL && previous != Py_None)
        Py_SETREF(g, sum_of(previous, g));
    int stored = previous == NULL || g == NULL ? -1 : PyObject_SetItem(slots, nr, g);
    Py_XDECREF(previous);
    Py_DECREF(slots);
    Py_XDECREF(g);
    return stored;
}

/* backward._sum_to (engine/backward.py) for an ndarray gradient: sum `g` (its `shape`) down
 * to `want_shape` over the dimensions broadcasting stretched, then cast it to `want_dtype`.
 * Any other gradient (a NumPy scalar, shapes that are not tuples of ints) goes to _sum_to. */
static PyObject *
sum_to_array(PyObject *g, PyObject *shape, PyObject *want_shape, PyObject *want_dtype)
{
    if (Py_TYPE(g) != ndarray_type || !PyTuple_CheckExact(shape)
        || !PyTuple_CheckExact(want_shape))
        return PyObject_CallFunctionObjArgs(sum_to, g, want_shape, want_dtype, NULL);
    Py_ssize_t want = PyTuple_GET_SIZE(want_shape), lead = PyTuple_GET_SIZE(shape) - want;
    if (lead < 0 || lead + want > 32)
        return PyObject_CallFunctionObjArgs(sum_to, g, want_shape, want_dtype, NULL);
    Py_ssize_t dims[32], count = 0;
    for (Py_ssize_t i = 0; i < lead; i++)
        dims[count++] = i;
    for (Py_ssize_t i = 0; i < want; i++) {
        PyObject *n = PyTuple_GET_ITEM(want_shape, i), *m = PyTuple_GET_ITEM(shape, lead + i);
        if (!PyLong_CheckExact(n) || !PyLong_CheckExact(m))
            return PyObject_CallFunctionObjArgs(sum_to, g, want_shape, want_dtype, NULL);
        Py_ssize_t nv = PyLong_AsSsize_t(n), mv = PyLong_AsSsize_t(m);
        if ((nv == -1 || mv == -1) && PyErr_Occurred())
            return NULL;
        if (nv == 1 && mv != 1)
            dims[count++] = lead + i;
    }
    Py_INCREF(g);
    int differs = PyObject_RichCompareBool(shape, want_shape, Py_NE);
    if (differs < 0)
        Py_CLEAR(g);
    if (differs > 0) {
        if (count) {
            /* (add.reduce is ndarray.sum without its Python layer: the same sum) */
            PyObject *axis = PyTuple_New(count);
            for (Py_ssize_t i = 0; axis != NULL && i < count; i++) {
                PyObject *d = PyLong_FromSsize_t(dims[i]);
                if (d == NULL)
                    Py_CLEAR(axis);
                else
                    PyTuple_SET_ITEM(axis, i, d);
            }
            PyObject *call[] = {g, axis, Py_True};
            Py_SETREF(g, axis == NULL ? NULL
                         : PyObject_Vectorcall(add_reduce, call, 1, axis_keepdims));
            Py_XDECREF(axis);
            if (g == NULL)
                return NULL;
        }
        /* (keepdims leaves it right unless dims were prepended) */
        g = conform(g, str_shape, want_shape, str_reshape);
    }
    return conform(g, str_dtype, want_dtype, str_astype);
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
                Py_SETREF(g, arrays ? sum_to_array(g, shape, want_shape, want_dtype)
                          : PyObject_CallFunctionObjArgs(sum_to, g, want_shape, want_dtype,
                                                         NULL));
            Py_XDECREF(shape);
            Py_XDECREF(dtype);
            Py_XDECREF(want_shape);
            Py_XDECREF(want_dtype);
            if (differs < 0 || g == NULL) { Py_XDECREF(g); return -1; }
        }
        int stored = add_to(gradients, child, nr, g);
        Py_DECREF(g);
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
        track_node(node);  /* Python code may see it below (_core_node.c: owned nodes) */
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
            PyObject *variable = node_slot(node, off_leaf_variable, str_variable);
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
static Py_ssize_t pass_offsets[PASS_FIELDS];  /* their __slots__ offsets (setup_backward) */

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
    int no_observer = anomaly == NULL ? -1 : attr_is_none(backward_module, str_observer);
    if (no_observer < 0) {
        Py_XDECREF(anomaly);
        return NULL;
    }
    int common = inputs == Py_None && !create_graph && anomaly == Py_False
        && no_observer && PyTuple_CheckExact(roots) && PyTuple_CheckExact(root_grads)
        && PyTuple_GET_SIZE(roots) == PyTuple_GET_SIZE(root_grads);
    for (Py_ssize_t i = 0; common && i < PyTuple_GET_SIZE(roots); i++) {
        PyObject *root = PyTuple_GET_ITEM(roots, i);
        if (PyTuple_GET_ITEM(root_grads, i) != Py_None || !is_tensor(root)
            || SLOT(root, off_grad_fn) == NULL || SLOT(root, off_grad_fn) == Py_None
            || SLOT(root, off_output_nr) == NULL || SLOT(root, off_data) == NULL) {
            common = 0;
            break;
        }
        common = attr_is_none(root, str_base);
        if (common < 0) {
            Py_DECREF(anomaly);
            return NULL;
        }
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
        PyObject *g = NULL;
        int scalar = is_zero_d(data);
        if (scalar < 0) goto done;
        if (scalar) {
            /* dtype.type(1), made once per float dtype (NumPy's own dtype objects, compared by
             * identity): a NumPy scalar is immutable, so every pass may hand on the same one. */
            PyObject *dtype = borrowed_dtype(data);
            int cached = dtype == NULL ? -1 : is_one_of(dtype, float_dtypes);
            g = cached > 0 ? PyDict_GetItemWithError(scalar_ones, dtype) : NULL;
            if (g != NULL)
                Py_INCREF(g);
            else if (dtype != NULL && !PyErr_Occurred()) {
                PyObject *kind = PyObject_GetAttr(dtype, str_type);
                g = kind == NULL ? NULL : PyObject_CallOneArg(kind, one);
                Py_XDECREF(kind);
                if (g != NULL && cached > 0 && PyDict_SetItem(scalar_ones, dtype, g) < 0)
                    Py_CLEAR(g);
            }
        }
        else
            g = PyObject_CallOneArg(ones, data);
        if (g == NULL) goto done;
        int stored = add_to(gradients, node, nr, g);
        Py_DECREF(g);
        if (stored < 0) goto done;
    }
    /* object.__new__(_Pass), its slots set as __init__ sets them (stored at their offsets,
     * empty in a new object: each takes its value's reference) */
    run = ((PyTypeObject *)pass_type)->tp_alloc((PyTypeObject *)pass_type, 0);
    if (run == NULL) goto done;
    for (int f = 0; f < PASS_FIELDS; f++) {
        SLOT(run, pass_offsets[f]) = values[f];
        values[f] = NULL;
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
                            "module", "add_reduce", "same", "add", NULL};
    PyObject *accumulate_grad;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!OOOOOO!O!OOOOO:setup_backward", names,
                                     &PyType_Type, &accumulate_grad, &accumulate,
                                     &passes_on_undefined, &sum_to, &released, &freed_message,
                                     &PyTuple_Type, &saved_kinds, &PyType_Type, &pass_type,
                                     &ones, &backward_module, &add_reduce, &same, &fanout_add))
        return NULL;
    if ((axis_keepdims = Py_BuildValue("(ss)", "axis", "keepdims")) == NULL
        || (str_reshape = PyUnicode_InternFromString("reshape")) == NULL
        || (str_type = PyUnicode_InternFromString("type")) == NULL
        || (scalar_ones = PyDict_New()) == NULL)
        return NULL;
    if (not_set_up(node_type == NULL, "_core.setup must run before setup_backward"))
        return NULL;
    accumulate_grad_type = (PyTypeObject *)accumulate_grad;
    if ((off_leaf_variable = slot_offset(accumulate_grad_type, "variable")) < 0
        || (float_scalars = PyTuple_New(PyTuple_GET_SIZE(float_dtypes))) == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(float_dtypes); i++) {
        PyObject *kind = PyObject_GetAttr(PyTuple_GET_ITEM(float_dtypes, i), str_type);
        if (kind == NULL)
            return NULL;
        PyTuple_SET_ITEM(float_scalars, i, kind);
    }
    for (int f = 0; f < PASS_FIELDS; f++)
        if ((pass_offsets[f] = slot_offset((PyTypeObject *)pass_type, pass_fields[f])) < 0)
            return NULL;
    PyObject *kept[] = {accumulate_grad, accumulate, passes_on_undefined, sum_to, released,
                        freed_message, saved_kinds, pass_type, ones, backward_module,
                        add_reduce, same, fanout_add};
    for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
        Py_INCREF(kept[i]);  /* held for the life of the process */
    Py_RETURN_NONE;
}
