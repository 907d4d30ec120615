/* The compiled core: C twins of the commonest backward formulas on arrays.
 *
 * Part of chainrule.engine._core, compiled as one translation unit: _core.c includes this
 * file where NumPy's C headers were found at build time (setup.py defines
 * CHAINRULE_FORMULAS); without them the Python forms run, with the same results.
 *
 * On the small arrays of most backward passes, a formula such as ``grad * (1 - y * y)``
 * costs far more in NumPy's dispatch than in arithmetic: each operator converts its
 * arguments, resolves the dtypes, allocates the output and checks the floating-point error
 * state.  A twin computes the same IEEE operations in the same order, element by element,
 * into one new array, for the common case only: float32 or float64 operands of one dtype,
 * each an array (aligned, C-contiguous, native byte order; the arrays broadcast together,
 * by NumPy's rule, to at most MAX_ELEMENTS elements), a NumPy scalar of that dtype, or
 * (not the first) a Python number that the dtype holds exactly.  Every other case goes,
 * unchanged, to the Python form it mirrors (engine/array_rules.py compiled_form).  The
 * results are NumPy's: an array, or a NumPy scalar where NumPy gives one (no array operand,
 * or a 0-d one).  The twins run inside a backward pass (or chainrule.compile's replay of
 * one), where NumPy's floating-point warnings are off (backward.run_backward), so leaving
 * out NumPy's error check changes nothing.  setup.py compiles with floating-point
 * contraction off: a fused multiply-add would round differently from NumPy's two steps. */

/* (NumPy's headers are included at the top of _core.c: the op call uses them too.) */

#define MAX_OPERANDS 3
/* Above this many elements NumPy's dispatch is a small part of an operator's cost, and its
 * vectorised loops are faster than these plain ones: larger arrays go to the Python form. */
#define MAX_ELEMENTS 1024
#define MAX_DIMS 16

/* The operands of one twin's call, read for the loop. */
typedef struct {
    int type;                           /* NPY_FLOAT or NPY_DOUBLE */
    int arrays;                         /* whether any operand is an array */
    PyObject *target;                   /* the result's shape, where the call gives it */
    int array_result;                   /* an array even where NumPy's operators give a scalar */
    int ndim;                           /* the result's dimensions (broadcast) */
    npy_intp shape[MAX_DIMS];
    const char *data[MAX_OPERANDS];     /* each operand's first element */
    /* the step, in elements, of each operand along each dimension of the result: 0 along
     * the dimensions it is broadcast over (a number: 0 along all) */
    npy_intp step[MAX_OPERANDS][MAX_DIMS];
    double number[MAX_OPERANDS];        /* a scalar operand's value */
    float number32[MAX_OPERANDS];
} Operands;

/* The result's shape: ops->target, or else the operands' arrays broadcast together (NumPy's
 * rule); and each array's steps along it.  1, or 0 where they do not broadcast (to the
 * target) or the result is large (the Python form then raises NumPy's error, or computes it). */
static int
broadcast(PyObject *const *args, Py_ssize_t count, Operands *ops)
{
    ops->ndim = 0;
    for (Py_ssize_t k = 0; k < count; k++)
        if (PyArray_CheckExact(args[k]) && PyArray_NDIM((PyArrayObject *)args[k]) > ops->ndim)
            ops->ndim = PyArray_NDIM((PyArrayObject *)args[k]);
    if (ops->target != NULL) {
        if (!PyTuple_CheckExact(ops->target) || PyTuple_GET_SIZE(ops->target) < ops->ndim)
            return 0;
        ops->ndim = (int)PyTuple_GET_SIZE(ops->target);
    }
    if (ops->ndim > MAX_DIMS)
        return 0;
    npy_intp size = 1;
    for (int d = 0; d < ops->ndim; d++) {
        npy_intp n = 1;
        if (ops->target != NULL) {
            PyObject *given = PyTuple_GET_ITEM(ops->target, d);
            n = PyLong_CheckExact(given) ? PyLong_AsSsize_t(given) : -1;
            if (n < 0) {
                PyErr_Clear();  /* (not a size: the Python form says what is wrong) */
                return 0;
            }
        }
        for (Py_ssize_t k = 0; k < count; k++) {
            if (!PyArray_CheckExact(args[k]))
                continue;
            PyArrayObject *a = (PyArrayObject *)args[k];
            int j = d - (ops->ndim - PyArray_NDIM(a));
            npy_intp m = j < 0 ? 1 : PyArray_DIM(a, j);
            if (m != 1 && m != n && (n != 1 || ops->target != NULL))
                return 0;
            if (m != 1)
                n = m;
        }
        ops->shape[d] = n;
        size *= n;
        if (n > MAX_ELEMENTS || size > MAX_ELEMENTS)  /* (checked as it grows: no overflow) */
            return 0;
    }
    for (Py_ssize_t k = 0; k < MAX_OPERANDS; k++) {
        npy_intp step = 1;  /* (C-contiguous: the product of the later dimensions) */
        for (int d = ops->ndim - 1; d >= 0; d--) {
            PyArrayObject *a = k < count && PyArray_CheckExact(args[k])
                ? (PyArrayObject *)args[k] : NULL;
            int j = a == NULL ? -1 : d - (ops->ndim - PyArray_NDIM(a));
            npy_intp m = j < 0 ? 1 : PyArray_DIM(a, j);
            ops->step[k][d] = m == 1 ? 0 : step;
            step *= m;
        }
    }
    return 1;
}

/* Whether the Python number `v` is held exactly by the float type `type`: 1, 0 (or -1 with an
 * error set).  (NumPy converts such a number to the array's dtype before the operation.) */
static int
exact_number(PyObject *v, int type, double *value)
{
    if (PyFloat_CheckExact(v))
        *value = PyFloat_AS_DOUBLE(v);
    else if (PyLong_CheckExact(v)) {
        int overflow;
        long long n = PyLong_AsLongLongAndOverflow(v, &overflow);
        if (n == -1 && PyErr_Occurred())
            return -1;
        /* (integers up to 2**24 are exact in float32, and so in float64) */
        if (overflow || n > (1 << 24) || n < -(1 << 24))
            return 0;
        *value = (double)n;
    }
    else
        return 0;
    return type == NPY_DOUBLE || (double)(float)*value == *value
           || *value != *value;  /* (a NaN stays a NaN) */
}

/* Read `count` operands into `ops`: 1 where the twin can compute them, 0 where the Python
 * form must (-1 with an error set).  `numbers`: whether operands after the first may be
 * Python numbers (the operators' forms take them; the fused formulas read NumPy attributes). */
static int
read_operands(PyObject *const *args, Py_ssize_t count, int numbers, Operands *ops)
{
    ops->type = -1;
    for (Py_ssize_t i = 0; i < count; i++) {  /* the dtype: the first NumPy operand's */
        PyObject *v = args[i];
        int type = PyArray_CheckExact(v) ? PyArray_TYPE((PyArrayObject *)v)
            : Py_IS_TYPE(v, &PyFloatArrType_Type) ? NPY_FLOAT
            : Py_IS_TYPE(v, &PyDoubleArrType_Type) ? NPY_DOUBLE : -1;
        if (type == -1) {
            if (i == 0 || !numbers)
                return 0;
            continue;
        }
        if (type != NPY_FLOAT && type != NPY_DOUBLE)
            return 0;
        if (ops->type == -1)
            ops->type = type;
        else if (type != ops->type)
            return 0;
    }
    ops->arrays = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *v = args[i];
        if (PyArray_CheckExact(v)) {
            PyArrayObject *a = (PyArrayObject *)v;
            if (!PyArray_IS_C_CONTIGUOUS(a) || !PyArray_ISALIGNED(a) || !PyArray_ISNOTSWAPPED(a))
                return 0;
            ops->arrays = 1;
            ops->data[i] = PyArray_BYTES(a);
            continue;
        }
        if (Py_IS_TYPE(v, &PyFloatArrType_Type))
            ops->number[i] = PyArrayScalar_VAL(v, Float);
        else if (Py_IS_TYPE(v, &PyDoubleArrType_Type))
            ops->number[i] = PyArrayScalar_VAL(v, Double);
        else {
            int exact = exact_number(v, ops->type, &ops->number[i]);
            if (exact <= 0)
                return exact;
        }
        ops->number32[i] = (float)ops->number[i];
        ops->data[i] = ops->type == NPY_FLOAT ? (const char *)&ops->number32[i]
                                              : (const char *)&ops->number[i];
    }
    return broadcast(args, count, ops);
}

/* The result: a new array of the operands' shape, or a NumPy scalar where none is an array
 * (NULL with an error set).  `*out` is where its elements go, `*size` how many there are. */
static PyObject *
new_result(Operands *ops, char **out, npy_intp *size, double *scalar_out)
{
    if (!ops->arrays && !ops->array_result) {
        *out = (char *)scalar_out;
        *size = 1;
        return Py_None;  /* (made by finish_result, once the value is known) */
    }
    PyObject *result = PyArray_SimpleNew(ops->ndim, ops->shape, ops->type);
    if (result == NULL)
        return NULL;
    *out = PyArray_BYTES((PyArrayObject *)result);
    *size = PyArray_SIZE((PyArrayObject *)result);
    return result;
}

/* The value to return: NumPy's own choice of a scalar for a 0-d result. */
static PyObject *
finish_result(Operands *ops, PyObject *result, double *scalar_out)
{
    if (result == Py_None) {
        if (ops->type == NPY_FLOAT) {
            PyObject *scalar = PyArrayScalar_New(Float);
            if (scalar != NULL)
                PyArrayScalar_VAL(scalar, Float) = *(float *)scalar_out;
            return scalar;
        }
        PyObject *scalar = PyArrayScalar_New(Double);
        if (scalar != NULL)
            PyArrayScalar_VAL(scalar, Double) = *scalar_out;
        return scalar;
    }
    if (ops->array_result)
        return result;  /* (0-d too, as numpy.empty and numpy.where give it) */
    return PyArray_Return((PyArrayObject *)result);
}

/* The element loops.  EXPR reads A, B, C (the operands' elements at i) and is written, in
 * each twin's comment, as the Python form computes it; in C each operation rounds to the
 * element type, as NumPy's loops do (float32 arithmetic stays float32).  A loop that meets a
 * NaN hands the call to the Python form (NotImplemented): which of two NaN operands an
 * operation passes on (its sign and payload) depends on the order of the operands in the
 * machine instruction, which a C compiler may swap, and NumPy's loops fix.  In the
 * arithmetic formulas every operand reaches the result, so a NaN anywhere shows in it (the
 * copy and the selection do no arithmetic: a NaN they pass on is the Python form's too). */
#define A (((const T *)ops->data[0])[at[0]])
#define B (((const T *)ops->data[1])[at[1]])
#define C (((const T *)ops->data[2])[at[2]])
/* The result's elements in order; `at` is each operand's element for the result's element i,
 * `index` the result's index (stepped as an odometer: the last dimension fastest). */
#define ELEMENTS(type, EXPR)                                                                \
    do {                                                                                    \
        typedef type T;                                                                     \
        npy_intp at[MAX_OPERANDS] = {0}, index[MAX_DIMS] = {0};                             \
        for (npy_intp i = 0; i < size; i++) {                                               \
            T r = (EXPR);                                                                   \
            nan |= r != r;                                                                  \
            ((T *)out)[i] = r;                                                              \
            for (int d = ops->ndim - 1; d >= 0; d--) {                                      \
                for (int k = 0; k < MAX_OPERANDS; k++)                                      \
                    at[k] += ops->step[k][d];                                               \
                if (++index[d] < ops->shape[d])                                             \
                    break;                                                                  \
                for (int k = 0; k < MAX_OPERANDS; k++)                                      \
                    at[k] -= ops->step[k][d] * ops->shape[d];                               \
                index[d] = 0;                                                               \
            }                                                                               \
        }                                                                                   \
    } while (0)
#define DEFINE_TWIN(name, EXPR)                                                             \
    static PyObject *                                                                       \
    name##_loop(Operands *ops)                                                              \
    {                                                                                       \
        char *out;                                                                          \
        npy_intp size;                                                                      \
        double scalar_out = 0.0;                                                            \
        PyObject *result = new_result(ops, &out, &size, &scalar_out);                       \
        if (result == NULL)                                                                 \
            return NULL;                                                                    \
        int nan = 0;                                                                        \
        if (ops->type == NPY_FLOAT)                                                         \
            ELEMENTS(float, EXPR);                                                          \
        else                                                                                \
            ELEMENTS(double, EXPR);                                                         \
        if (nan) {                                                                          \
            if (result != Py_None)                                                          \
                Py_DECREF(result);                                                          \
            Py_RETURN_NOTIMPLEMENTED;                                                       \
        }                                                                                   \
        return finish_result(ops, result, &scalar_out);                                     \
    }

/* A twin as Python sees it: the C loop, its operand count and the Python form it mirrors. */
typedef struct {
    PyObject_HEAD
    PyObject *(*loop)(Operands *);
    Py_ssize_t nargs, count;
    int numbers, shaped, array_result;
    int (*accepts)(PyObject *const *args);
    const char *name;
    PyObject *python_form;
    vectorcallfunc vectorcall;
} Twin;

static PyObject *
twin_call(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Twin *twin = (Twin *)self;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs == twin->nargs && kwnames == NULL) {
        Operands ops;
        ops.target = twin->shaped ? args[nargs - 1] : NULL;
        ops.array_result = twin->array_result;
        int ours = twin->accepts == NULL || twin->accepts(args);
        if (ours)
            ours = read_operands(args, twin->count, twin->numbers, &ops);
        if (ours < 0)
            return NULL;
        if (ours) {
            PyObject *result = twin->loop(&ops);
            if (result != Py_NotImplemented)
                return result;  /* (or NULL, an error) */
            Py_DECREF(result);
        }
    }
    return PyObject_Vectorcall(twin->python_form, args, nargsf, kwnames);
}

static int
twin_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(((Twin *)self)->python_form);
    return 0;
}

static void
twin_dealloc(PyObject *self)
{
    PyObject_GC_UnTrack(self);
    Py_CLEAR(((Twin *)self)->python_form);
    PyObject_GC_Del(self);
}

static PyObject *
twin_repr(PyObject *self)
{
    return PyUnicode_FromFormat("<compiled form %s of %R>", ((Twin *)self)->name,
                                ((Twin *)self)->python_form);
}

static PyTypeObject Twin_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "chainrule.engine._core.CompiledForm",
    .tp_basicsize = sizeof(Twin),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_vectorcall_offset = offsetof(Twin, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_traverse = twin_traverse,
    .tp_dealloc = twin_dealloc,
    .tp_repr = twin_repr,
    .tp_doc = "A C twin of an array form (engine/_core_formulas.c): called like it.",
};

/* operator.mul, operator.truediv, operator.add, operator.neg */
DEFINE_TWIN(mul, A * B)
DEFINE_TWIN(truediv, A / B)
DEFINE_TWIN(add, A + B)
DEFINE_TWIN(neg, -A)
/* ops/pointwise.py: tanh_backward, grad * (1 - output * output) */
DEFINE_TWIN(tanh_backward, A * ((T)1 - B * B))
/* sigmoid_backward, grad * (1 - output) * output */
DEFINE_TWIN(sigmoid_backward, A * ((T)1 - B) * B)
/* _sqrt_backward, grad / (output + output) */
DEFINE_TWIN(sqrt_backward, A / (B + B))
/* _div_other_backward, -grad * ((self / other) / other) */
DEFINE_TWIN(div_other_backward, -A * ((B / C) / C))
/* _pow_backward for the exponent 2, (grad + grad) * self (other exponents: the Python form) */
DEFINE_TWIN(square_backward, (A + A) * B)
/* ops/reduction.py: _spread(grad, shape), grad copied into each element of a new array of
 * the shape (the gradient of a sum: grad.expand(shape)) */
DEFINE_TWIN(spread, A)
/* pointwise.py threshold_backward, zero_where(output <= threshold, grad): +0 where the
 * output is at most the threshold, else the gradient (numpy.where: an array, 0-d too) */
DEFINE_TWIN(threshold_backward, B <= C ? (T)0 : A)

#undef A
#undef B
#undef C
#undef DEFINE_TWIN
#undef ELEMENTS

/* Whether _pow_backward's exponent (args[2]) is 2, the case square_backward computes. */
static int
exponent_two(PyObject *const *args)
{
    PyObject *exponent = args[2];
    if (PyLong_CheckExact(exponent)) {
        int overflow;
        return PyLong_AsLongAndOverflow(exponent, &overflow) == 2;  /* (no error: no overflow) */
    }
    return PyFloat_CheckExact(exponent) && PyFloat_AS_DOUBLE(exponent) == 2.0;
}

static const struct {
    const char *name;
    PyObject *(*loop)(Operands *);
    Py_ssize_t nargs, count;          /* the call's arguments; the operands the loop reads */
    int numbers;                      /* read_operands' `numbers` */
    int shaped;                       /* whether the last argument is the result's shape */
    int array_result;                 /* Operands' array_result */
    int (*accepts)(PyObject *const *args);  /* NULL, or a further condition on the call */
} twins[] = {
    {.name = "mul", .loop = mul_loop, .nargs = 2, .count = 2, .numbers = 1},
    {.name = "truediv", .loop = truediv_loop, .nargs = 2, .count = 2, .numbers = 1},
    {.name = "add", .loop = add_loop, .nargs = 2, .count = 2, .numbers = 1},
    {.name = "neg", .loop = neg_loop, .nargs = 1, .count = 1},
    {.name = "tanh_backward", .loop = tanh_backward_loop, .nargs = 2, .count = 2},
    {.name = "sigmoid_backward", .loop = sigmoid_backward_loop, .nargs = 2, .count = 2},
    {.name = "sqrt_backward", .loop = sqrt_backward_loop, .nargs = 2, .count = 2},
    {.name = "div_other_backward", .loop = div_other_backward_loop, .nargs = 3, .count = 3},
    {.name = "pow_backward", .loop = square_backward_loop, .nargs = 3, .count = 2,
     .accepts = exponent_two},
    {.name = "spread", .loop = spread_loop, .nargs = 2, .count = 1, .shaped = 1,
     .array_result = 1},
    {.name = "threshold_backward", .loop = threshold_backward_loop, .nargs = 3, .count = 3,
     .numbers = 1, .array_result = 1},
};

/* _core.compiled_form(name, python_form): the C twin `name` of the array form `python_form`
 * (engine/array_rules.py compiled_form), which it calls for every case it does not compute
 * itself; None where this core has no such twin. */
static PyObject *
compiled_form(PyObject *module, PyObject *args)
{
    const char *name;
    PyObject *python_form;
    if (!PyArg_ParseTuple(args, "sO:compiled_form", &name, &python_form))
        return NULL;
    for (size_t i = 0; i < sizeof(twins) / sizeof(twins[0]); i++)
        if (strcmp(twins[i].name, name) == 0) {
            Twin *twin = PyObject_GC_New(Twin, &Twin_Type);
            if (twin == NULL)
                return NULL;
            twin->loop = twins[i].loop;
            twin->nargs = twins[i].nargs;
            twin->count = twins[i].count;
            twin->numbers = twins[i].numbers;
            twin->shaped = twins[i].shaped;
            twin->array_result = twins[i].array_result;
            twin->accepts = twins[i].accepts;
            twin->name = twins[i].name;
            Py_INCREF(python_form);
            twin->python_form = python_form;
            twin->vectorcall = twin_call;
            PyObject_GC_Track(twin);
            return (PyObject *)twin;
        }
    Py_RETURN_NONE;
}

/* Called from PyInit__core: NumPy's C API and the twins' type.  0, or -1 with an error. */
static int
setup_formulas(void)
{
    import_array1(-1);
    return PyType_Ready(&Twin_Type);
}
