/* The compiled core: NodeBase, the C base of engine.graph.Node (a node's three fields).
 *
 * Part of chainrule.engine._core, compiled as one translation unit: _core.c includes this
 * file (so everything stays static).  The pure core keeps the same three fields as
 * __slots__ of engine/graph.py Node; this type adds nothing a Python reader sees,
 * only how the cyclic garbage collector walks a node.
 *
 * Why: a long graph is long-lived, and CPython's collector scans every tracked object again
 * at each collection of its generation; a full collection, due each time the objects that
 * survived younger collections grow by a quarter of all tracked objects, also scans
 * everything else the process holds (NumPy's and PyTorch's objects).  Recording an op used
 * to leave three tracked objects behind: the node, its next_functions tuple and one
 * (node, output_nr) pair per input, plus the tuple of saved values until the collector
 * untracks it.  Here the tuples record() makes are untracked at birth and the node's
 * traversal visits what they hold; and a node that only its consumer's pair still holds (a
 * chain's node, once its output tensor is gone) is walked by that consumer in the same way
 * ("Owned nodes" below), so a chain leaves about one tracked node in 17.
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
 * same.  So no reference of a node may be left out of the collector's view (a node simply
 * untracked, even with __dict__ checks, would leak such cycles for good, as PyTorch's
 * create_graph cycle leaks), and nothing here does that: an untracked tuple or node is
 * always walked by the tracked node that alone holds it, its tp_traverse reporting every
 * reference the tuple or node holds as if they were its own.
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
    /* An owned node (untracked, walked by its owner: see "Owned nodes" below): the most
     * owned nodes a walk from it passes through, itself included; 0 for a tracked node. */
    int owned_depth;
    char adoption_refused;     /* left tracked for good by adopt_below (too deep) */
} NodeBase;

static PyTypeObject NodeBase_Type;

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

/* An owned node: untracked, and held by one pair alone (see "Owned nodes"). */
static inline int
owned_node(PyObject *obj)
{
    return PyObject_TypeCheck(obj, &NodeBase_Type) && Py_REFCNT(obj) == 1
        && !PyObject_GC_IsTracked(obj);
}

static int
node_traverse(NodeBase *self, visitproc visit, void *arg)
{
    PyObject *edges = self->next_functions;
    if (edges != NULL && owned_untracked(edges)) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(edges); i++) {
            PyObject *edge = PyTuple_GET_ITEM(edges, i);
            if (owned_untracked(edge)) {
                for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(edge); j++) {
                    PyObject *item = PyTuple_GET_ITEM(edge, j);
                    if (owned_node(item)) {
                        /* walk the owned node: its references are this node's own */
                        int failed = Py_TYPE(item)->tp_traverse(item, visit, arg);
                        if (failed)
                            return failed;
                    }
                    else
                        Py_VISIT(item);
                }
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

/* A node tracked again (an owned node about to be shared); any other object: nothing. */
static void
track_node(PyObject *obj)
{
    if (PyObject_TypeCheck(obj, &NodeBase_Type) && !PyObject_GC_IsTracked(obj)
        && Py_REFCNT(obj) > 0) {
        ((NodeBase *)obj)->owned_depth = 0;
        PyObject_GC_Track(obj);
    }
}

/* The tuple (and, for edges, each pair in it and the node in the pair) tracked again: it
 * is about to be shared. */
static void
track_again(PyObject *tuple, int pairs)
{
    if (!PyTuple_CheckExact(tuple) || PyObject_GC_IsTracked(tuple))
        return;
    if (pairs)
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(tuple); i++) {
            PyObject *edge = PyTuple_GET_ITEM(tuple, i);
            if (PyTuple_CheckExact(edge) && !PyObject_GC_IsTracked(edge)) {
                if (PyTuple_GET_SIZE(edge) > 0)
                    track_node(PyTuple_GET_ITEM(edge, 0));
                PyObject_GC_Track(edge);
            }
        }
    PyObject_GC_Track(tuple);
}

/* --- Owned nodes ----------------------------------------------------------------------
 *
 * In a chain, a node soon has one reference left: the pair of the node recorded after it
 * (its output tensor is gone).  Such a node is as much its consumer's own as that
 * consumer's tuples are, and the same reasoning applies: adopt_below() untracks it, and the
 * consumer's traversal walks it (calls its tp_traverse, which reports its __dict__, its
 * slots, its own tuples and owned nodes) while it keeps reference count 1.  Nothing but the
 * pair refers to it, so nothing can reach it without going through the pair: Python code
 * through next_functions (whose getter tracks the node again first: track_again), the
 * backward pass in C through the edges (count_consumers and the loop track each node they
 * meet: the pass hands nodes to Python code, which may keep them).  Weak references would
 * be another way in: a node with any is never adopted, and none can be made later without
 * a strong reference first.  Only ordinary op nodes are adopted (not AccumulateGrad, which
 * its leaf refers to weakly, nor custom Functions' or in-place nodes).  A walk is bounded:
 * a node is adopted only while at most OWNED_DEPTH owned nodes lie on any path of owned
 * nodes from it, so a tracked node walks at most that many levels, and the collector still
 * sees one node in OWNED_DEPTH + 1 of a long chain instead of all of them. */

#define OWNED_DEPTH 16

/* May `obj`, held by an owned pair alone, be adopted?  (Its depth is checked after.) */
static int
adoptable(PyObject *obj)
{
    return PyObject_TypeCheck(obj, &NodeBase_Type) && Py_TYPE(obj)->tp_base == op_node_type
        && Py_REFCNT(obj) == 1 && PyObject_GC_IsTracked(obj)
        && !((NodeBase *)obj)->adoption_refused
        && (Py_TYPE(obj)->tp_weaklistoffset <= 0
            || *PyObject_GET_WEAKREFS_LISTPTR(obj) == NULL);
}

/* Adopt the nodes below `owner` (a tracked node, or one adopted by this call) that its
 * owned pairs alone hold, deepest first, at most `levels` levels down.  Returns the most
 * owned nodes on a path below `owner` (0: none). */
static int
adopt_below(PyObject *owner, int levels)
{
    PyObject *edges = ((NodeBase *)owner)->next_functions;
    int deepest = 0;
    if (edges == NULL || !owned_untracked(edges))
        return 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(edges); i++) {
        PyObject *edge = PyTuple_GET_ITEM(edges, i);
        if (!owned_untracked(edge) || PyTuple_GET_SIZE(edge) == 0)
            continue;
        PyObject *child = PyTuple_GET_ITEM(edge, 0);
        int depth = 0;
        if (PyObject_TypeCheck(child, &NodeBase_Type) && !PyObject_GC_IsTracked(child))
            depth = ((NodeBase *)child)->owned_depth;  /* owned already */
        else if (levels > 0 && adoptable(child)) {
            depth = adopt_below(child, levels - 1) + 1;
            if (depth <= OWNED_DEPTH)
                PyObject_GC_UnTrack(child);
            else {
                ((NodeBase *)child)->adoption_refused = 1;
                depth = 0;
            }
            ((NodeBase *)child)->owned_depth = depth;
        }
        if (depth > deepest)
            deepest = depth;
    }
    return deepest;
}

/* After recording a node whose input has `grad_fn` (record(), _core_op.c): adopt the nodes
 * below grad_fn that its pairs alone hold. */
static void
adopt_below_input(PyObject *grad_fn)
{
    if (PyObject_TypeCheck(grad_fn, &NodeBase_Type) && PyObject_GC_IsTracked(grad_fn))
        adopt_below(grad_fn, OWNED_DEPTH);
}

/* The fields Python reads and writes through NodeBase's getset: where each is, its name, and
 * whether it holds (node, output_nr) pairs (see track_again). */
typedef struct {
    Py_ssize_t offset;
    const char *name;
    int pairs;
} NodeField;

static NodeField next_functions_field = {offsetof(NodeBase, next_functions), "next_functions", 1};
static NodeField saved_field = {offsetof(NodeBase, saved), "_saved", 0};

static PyObject **
field_slot(PyObject *self, NodeField *field)
{
    return (PyObject **)((char *)self + field->offset);
}

/* A field read from Python: tracked again first (see above); unset raises as a slot does. */
static PyObject *
get_field(PyObject *self, void *closure)
{
    NodeField *field = (NodeField *)closure;
    PyObject *value = *field_slot(self, field);
    if (value == NULL) {
        PyErr_Format(PyExc_AttributeError, "'%.100s' object has no attribute '%s'",
                     Py_TYPE(self)->tp_name, field->name);
        return NULL;
    }
    track_again(value, field->pairs);
    Py_INCREF(value);
    return value;
}

static int
set_field(PyObject *self, PyObject *value, void *closure)
{
    NodeField *field = (NodeField *)closure;
    PyObject **slot = field_slot(self, field);
    if (value == NULL && *slot == NULL) {
        PyErr_SetString(PyExc_AttributeError, field->name);
        return -1;
    }
    Py_XINCREF(value);
    Py_XSETREF(*slot, value);
    return 0;
}

static PyGetSetDef node_getset[] = {
    {"next_functions", get_field, set_field,
     PyDoc_STR("The edges (node, output_nr) to the nodes that made this node's inputs."),
     &next_functions_field},
    {"_saved", get_field, set_field, PyDoc_STR("None, RELEASED, or the values saved for backward."),
     &saved_field},
    {NULL},
};

static PyMemberDef node_members[] = {
    {"input_meta", T_OBJECT_EX, offsetof(NodeBase, input_meta), 0, NULL},
    {NULL},
};

static PyTypeObject NodeBase_Type = {
    BASE_TYPE_HEAD("NodeBase",
                   "The C base of engine.graph.Node: its fields, walked by the garbage "
                   "collector through the tuples the compiled core leaves untracked.",
                   NodeBase),
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
