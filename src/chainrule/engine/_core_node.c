/* The compiled core: NodeBase, the C base of engine.graph.Node (a node's three fields).
 *
 * Part of chainrule.engine._core, compiled as one translation unit: _core.c includes this
 * file (so everything stays static).  The pure core keeps the same three fields as
 * __slots__ (engine/graph.py _NodeFields); this type adds nothing a Python reader sees,
 * only how the cyclic garbage collector walks a node.
 *
 * Why: a long graph is long-lived, and CPython's collector scans every tracked object again
 * at each collection of its generation (a full collection also scans everything else the
 * process holds: NumPy's and PyTorch's objects).  Recording an op used to leave three
 * tracked objects behind: the node, its next_functions tuple and one (node, output_nr) pair
 * per input, plus the tuple of saved values until the collector untracks it.  Here only the
 * node stays tracked; the tuples record() makes are untracked at birth, and the node's
 * traversal visits what they hold.
 *
 * Which references can make a cycle through a node?  A node points down the graph
 * (next_functions: earlier nodes, and AccumulateGrad nodes, which hold their leaf tensors),
 * to its saved values (SavedTensor holds an input tensor, SavedResult the output's array and
 * version counter; saved_tensors_hooks' packed objects can be anything), to its __dict__
 * (hooks, anomaly traces, metadata, custom attributes: anything, the tensor whose grad_fn is
 * this node included), and to its op's plan (module-level, never garbage).  Every one of
 * these can close a cycle, also the plain edges: a leaf tensor reached through
 * AccumulateGrad can hold, through .grad (backward with create_graph), a hook closure or an
 * attribute, a tensor whose history leads back to this node; a saved input tensor can do the
 * same.  So neither the node nor its edges may be left out of the collector's view (leaving
 * the node untracked, even with __dict__ checks, would leak such cycles for good, as
 * PyTorch's create_graph cycle leaks), and nothing here does that: the node stays tracked,
 * and its tp_traverse reports every reference the tuples hold, as if they were its own.
 *
 * Why that is exact: the collector computes, for each tracked object, its references from
 * outside the set being collected (reference count minus the references the traversals of
 * the set report).  An untracked tuple is never traversed, so the references it holds would
 * all look external (a cycle through it would never be found).  The node reports them in
 * its place, but only while the tuple is the node's alone: reference count 1, held by this
 * node's field, and (for a pair) by that tuple alone.  Then every reference into the tuple's
 * items that the node reports is really one held inside the node, and the node reaching an
 * item is the same as the tuple reaching it.  While anything else holds the tuple (a C
 * temporary of the backward pass), the node reports the tuple itself, which the collector
 * ignores for an untracked object: its items then count as referenced from outside, kept
 * alive for that collection, never freed wrongly.  Python code can only obtain the tuples
 * through the getters below, which track them (and the pairs in them) again before handing
 * them out: from then on they are ordinary tracked tuples and the node visits them as such.
 * (A tuple whose items are all untracked is also what CPython itself untracks: the saved
 * tuple of a scalar op holds a Python float.)
 */

typedef struct {
    PyObject_HEAD
    PyObject *next_functions;  /* tuple of (node, output_nr) edges */
    PyObject *input_meta;      /* tuple of None or (shape, dtype), one per edge */
    PyObject *saved;           /* None, RELEASED, or the tuple of saved values (_saved) */
} NodeBase;

/* The tuple is held by one owner alone and no collector walks it: its owner reports what it
 * holds (see above). */
static inline int
owned_untracked(PyObject *tuple)
{
    return PyTuple_CheckExact(tuple) && Py_REFCNT(tuple) == 1
        && !PyObject_GC_IsTracked(tuple);
}

/* Leave a new tuple, held by one owner only, to be walked by that owner (record(): a node's
 * next_functions and its pairs, its saved values). */
static inline void
untrack_owned(PyObject *tuple)
{
    if (PyObject_GC_IsTracked(tuple))
        PyObject_GC_UnTrack(tuple);
}

static int
node_traverse(NodeBase *self, visitproc visit, void *arg)
{
    PyObject *edges = self->next_functions;
    if (edges != NULL && owned_untracked(edges)) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(edges); i++) {
            PyObject *edge = PyTuple_GET_ITEM(edges, i);
            if (owned_untracked(edge)) {
                for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(edge); j++)
                    Py_VISIT(PyTuple_GET_ITEM(edge, j));
            }
            else
                Py_VISIT(edge);
        }
    }
    else
        Py_VISIT(edges);
    Py_VISIT(self->input_meta);
    PyObject *saved = self->saved;
    if (saved != NULL && owned_untracked(saved)) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(saved); i++)
            Py_VISIT(PyTuple_GET_ITEM(saved, i));
    }
    else
        Py_VISIT(saved);
    return 0;
}

static int
node_clear(NodeBase *self)
{
    Py_CLEAR(self->next_functions);
    Py_CLEAR(self->input_meta);
    Py_CLEAR(self->saved);
    return 0;
}

static void
node_dealloc(NodeBase *self)
{
    PyObject_GC_UnTrack(self);
    node_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* The tuple (and, for edges, each pair in it) tracked again: it is about to be shared. */
static void
track_again(PyObject *tuple, int pairs)
{
    if (!PyTuple_CheckExact(tuple) || PyObject_GC_IsTracked(tuple))
        return;
    if (pairs)
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(tuple); i++) {
            PyObject *edge = PyTuple_GET_ITEM(tuple, i);
            if (PyTuple_CheckExact(edge) && !PyObject_GC_IsTracked(edge))
                PyObject_GC_Track(edge);
        }
    PyObject_GC_Track(tuple);
}

/* A field read from Python: tracked again first (see above); unset raises as a slot does. */
static PyObject *
read_field(PyObject *self, PyObject *value, const char *name, int pairs)
{
    if (value == NULL) {
        PyErr_Format(PyExc_AttributeError, "'%.100s' object has no attribute '%s'",
                     Py_TYPE(self)->tp_name, name);
        return NULL;
    }
    track_again(value, pairs);
    Py_INCREF(value);
    return value;
}

static int
write_field(PyObject **field, PyObject *value, const char *name)
{
    if (value == NULL && *field == NULL) {
        PyErr_SetString(PyExc_AttributeError, name);
        return -1;
    }
    Py_XINCREF(value);
    Py_XSETREF(*field, value);
    return 0;
}

static PyObject *
get_next_functions(NodeBase *self, void *closure)
{
    return read_field((PyObject *)self, self->next_functions, "next_functions", 1);
}

static int
set_next_functions(NodeBase *self, PyObject *value, void *closure)
{
    return write_field(&self->next_functions, value, "next_functions");
}

static PyObject *
get_saved(NodeBase *self, void *closure)
{
    return read_field((PyObject *)self, self->saved, "_saved", 0);
}

static int
set_saved(NodeBase *self, PyObject *value, void *closure)
{
    return write_field(&self->saved, value, "_saved");
}

static PyGetSetDef node_getset[] = {
    {"next_functions", (getter)get_next_functions, (setter)set_next_functions,
     PyDoc_STR("The edges (node, output_nr) to the nodes that made this node's inputs."), NULL},
    {"_saved", (getter)get_saved, (setter)set_saved,
     PyDoc_STR("None, RELEASED, or the values saved for backward."), NULL},
    {NULL},
};

static PyMemberDef node_members[] = {
    {"input_meta", T_OBJECT_EX, offsetof(NodeBase, input_meta), 0, NULL},
    {NULL},
};

static PyTypeObject NodeBase_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "chainrule.engine._core.NodeBase",
    .tp_doc = PyDoc_STR("The C base of engine.graph.Node: its fields, walked by the garbage "
                        "collector through the tuples the compiled core leaves untracked."),
    .tp_basicsize = sizeof(NodeBase),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_dealloc = (destructor)node_dealloc,
    .tp_traverse = (traverseproc)node_traverse,
    .tp_clear = (inquiry)node_clear,
    .tp_getset = node_getset,
    .tp_members = node_members,
    /* tp_new: object's (set before PyType_Ready), so object.__new__(node_class) works */
};

/* Where setup() finds a node's fields: in NodeBase for engine.graph.Node with the compiled
 * core.  Returns 0, or -1 with an error set. */
static int
node_field_offsets(PyTypeObject *node)
{
    if (!PyType_IsSubtype(node, &NodeBase_Type)) {
        PyErr_Format(PyExc_TypeError, "_core.setup: %s does not derive from NodeBase",
                     node->tp_name);
        return -1;
    }
    off_next_functions = offsetof(NodeBase, next_functions);
    off_input_meta = offsetof(NodeBase, input_meta);
    off_saved = offsetof(NodeBase, saved);
    return 0;
}
