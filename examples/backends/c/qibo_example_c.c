/*
 * qibo_example_c.c: a complete QiboAccel backend in plain C99 (libc and libm only).
 *
 * A template for third-party backends: copy this folder, rename, and replace the
 * state-vector kernels with your own. It implements exactly what every backend
 * must (QIBO_OP_MATRIX and QIBO_OP_MEASURE on a dense complex128 state vector)
 * and declares nothing else native, so the host lowers every other kind to
 * MATRIX. See README.md; the contract is abi/include/qibo/backend.h.
 *
 * Conventions: qubit q of an n-qubit state is bit (n - 1 - q) of a basis index
 * (qubit 0 is the most significant); the first target of a matrix is the most
 * significant bit of its row/column index.
 */
#include <qibo/backend.h>

#include <complex.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_QUBITS 28u

/* Bytes a struct must have to hold `field` (ABI 1.0 sizes stay valid when this
 * file is rebuilt against a later 1.x header whose structs grew). */
#define SIZE_UP_TO(type, field) (offsetof(type, field) + sizeof(((type*)0)->field))

/* ---------------------------------------------------------------- errors */

struct qibo_error {
    qibo_error_code code;
    int64_t op_index;
    char* message;
};

/* Returned when even the error cannot be allocated; never freed. */
static char oom_message[] = "out of memory";
static qibo_error oom_error = { QIBO_ERROR_OUT_OF_MEMORY, -1, oom_message };

static qibo_error* make_error(qibo_error_code code, int64_t op_index, const char* fmt, ...)
{
    qibo_error* e = malloc(sizeof *e);
    va_list ap;
    int n;
    if (e == NULL) return &oom_error;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    e->message = malloc(n < 0 ? 1 : (size_t)n + 1);
    if (e->message == NULL) { free(e); return &oom_error; }
    va_start(ap, fmt);
    if (n < 0 || vsnprintf(e->message, (size_t)n + 1, fmt, ap) < 0) e->message[0] = '\0';
    va_end(ap);
    e->code = code;
    e->op_index = op_index;
    return e;
}

#define INVALID(...) make_error(QIBO_ERROR_INVALID_ARGUMENT, -1, __VA_ARGS__)

static uint32_t error_code(const qibo_error* e) { return e ? e->code : QIBO_OK; }
static const char* error_message(const qibo_error* e) { return e ? e->message : ""; }
static int64_t error_op_index(const qibo_error* e) { return e ? e->op_index : -1; }

static void error_destroy(qibo_error* e)
{
    if (e == NULL || e == &oom_error) return;
    free(e->message);
    free(e);
}

/* Checks a caller's argument struct: non-NULL and at least the ABI 1.0 size. */
#define CHECK_ARGS(args, type, last_field)                                        \
    do {                                                                          \
        if ((args) == NULL) return INVALID(#type ": args is NULL");               \
        if ((args)->struct_size < SIZE_UP_TO(type, last_field))                   \
            return INVALID(#type ": struct_size %lu is smaller than %lu (ABI 1.0)", \
                           (unsigned long)(args)->struct_size,                    \
                           (unsigned long)SIZE_UP_TO(type, last_field));          \
    } while (0)

/* ---------------------------------------------------------------- backend */

struct qibo_backend {
    int unused; /* this backend has no configuration; options are ignored */
};

static qibo_error* backend_create(qibo_backend_create_args* args)
{
    CHECK_ARGS(args, qibo_backend_create_args, backend);
    args->backend = calloc(1, sizeof(qibo_backend));
    return args->backend ? NULL : &oom_error;
}

static void backend_destroy(qibo_backend* backend) { free(backend); }

static qibo_error* backend_get_info(qibo_backend_get_info_args* args)
{
    qibo_backend_info* info;
    CHECK_ARGS(args, qibo_backend_get_info_args, info);
    if (args->backend == NULL) return INVALID("backend_get_info: backend is NULL");
    info = args->info;
    if (info == NULL) return INVALID("backend_get_info: info is NULL");
    if (info->struct_size < SIZE_UP_TO(qibo_backend_info, native_ops))
        return INVALID("backend_get_info: info->struct_size %lu is smaller than %lu (ABI 1.0)",
                       (unsigned long)info->struct_size,
                       (unsigned long)SIZE_UP_TO(qibo_backend_info, native_ops));
    info->name = "example-c";
    info->version = "0.1.0";
    info->description = "Dense state vector in plain C99 (template for third-party backends)";
    info->device = "1 thread, portable C";
    info->max_qubits = MAX_QUBITS;
    info->precisions = QIBO_PRECISION_COMPLEX128;
    info->state_kinds = 1u << QIBO_STATE_VECTOR;
    info->max_matrix_targets = 0; /* no limit */
    info->native_ops[0] = (UINT64_C(1) << QIBO_OP_MATRIX) | (UINT64_C(1) << QIBO_OP_MEASURE);
    info->native_ops[1] = 0;
    return NULL;
}

/* ---------------------------------------------------------------- states */

struct qibo_state {
    const qibo_backend* backend; /* the instance that created it (state_copy and state_inner_product pair states of one) */
    uint32_t n_qubits;
    uint64_t dim;        /* 2^n_qubits */
    double complex* amp; /* same layout as interleaved (re, im) doubles */
};

static void set_zero_state(qibo_state* s)
{
    memset(s->amp, 0, s->dim * sizeof *s->amp);
    s->amp[0] = 1.0;
}

static qibo_error* state_create(qibo_state_create_args* args)
{
    qibo_state* s;
    CHECK_ARGS(args, qibo_state_create_args, state);
    if (args->backend == NULL) return INVALID("state_create: backend is NULL");
    if (args->kind == QIBO_STATE_DENSITY_MATRIX)
        return make_error(QIBO_ERROR_UNSUPPORTED, -1, "state_create: density matrices are not supported");
    if (args->kind != QIBO_STATE_VECTOR) return INVALID("state_create: unknown state kind %u", args->kind);
    if (args->precision == QIBO_PRECISION_COMPLEX64)
        return make_error(QIBO_ERROR_UNSUPPORTED, -1, "state_create: complex64 is not supported");
    if (args->precision != QIBO_PRECISION_COMPLEX128)
        return INVALID("state_create: unknown precision %u", args->precision);
    if (args->reserved != 0) return INVALID("state_create: reserved must be 0");
    if (args->n_qubits < 1) return INVALID("state_create: n_qubits is 0; a state has at least 1 qubit");
    if (args->n_qubits > MAX_QUBITS)
        return make_error(QIBO_ERROR_UNSUPPORTED, -1, "state_create: %u qubits is too many (max_qubits is %u)", args->n_qubits, MAX_QUBITS);

    s = malloc(sizeof *s);
    if (s == NULL) return &oom_error;
    s->backend = args->backend;
    s->n_qubits = args->n_qubits;
    s->dim = UINT64_C(1) << args->n_qubits;
    s->amp = malloc(s->dim * sizeof *s->amp);
    if (s->amp == NULL) {
        free(s);
        return make_error(QIBO_ERROR_OUT_OF_MEMORY, -1, "state_create: cannot allocate %u qubits", args->n_qubits);
    }
    set_zero_state(s);
    args->state = s;
    return NULL;
}

static void state_destroy(qibo_state* s)
{
    if (s == NULL) return;
    free(s->amp);
    free(s);
}

static qibo_error* state_reset(qibo_state_reset_args* args)
{
    CHECK_ARGS(args, qibo_state_reset_args, state);
    if (args->state == NULL) return INVALID("state_reset: state is NULL");
    set_zero_state(args->state);
    return NULL;
}

/* Validates an amplitude range; returns NULL when [offset, offset + count) is fine. */
static qibo_error* check_amplitudes(const qibo_state_amplitudes_args* args, const char* fn)
{
    CHECK_ARGS(args, qibo_state_amplitudes_args, data);
    if (args->state == NULL) return INVALID("%s: state is NULL", fn);
    if (args->offset > args->state->dim || args->count > args->state->dim - args->offset)
        return INVALID("%s: range [%llu, %llu + %llu) exceeds the %llu amplitudes", fn,
                       (unsigned long long)args->offset, (unsigned long long)args->offset,
                       (unsigned long long)args->count, (unsigned long long)args->state->dim);
    if (args->count > 0 && args->data == NULL) return INVALID("%s: data is NULL", fn);
    return NULL;
}

static qibo_error* state_set_amplitudes(qibo_state_amplitudes_args* args)
{
    qibo_error* e = check_amplitudes(args, "state_set_amplitudes");
    if (e) return e;
    if (args->count > 0)
        memcpy(args->state->amp + args->offset, args->data, args->count * sizeof(double complex));
    return NULL;
}

static qibo_error* state_get_amplitudes(qibo_state_amplitudes_args* args)
{
    qibo_error* e = check_amplitudes(args, "state_get_amplitudes");
    if (e) return e;
    if (args->count > 0)
        memcpy(args->data, args->state->amp + args->offset, args->count * sizeof(double complex));
    return NULL;
}

/* ---------------------------------------------------------------- kernels */

static uint64_t bit_of(const qibo_state* s, uint32_t qubit) { return UINT64_C(1) << (s->n_qubits - 1 - qubit); }

/* Applies a 2^k x 2^k row-major matrix m (interleaved re, im) to targets t[0..k)
 * where all controls c[0..nc) are 1. Returns 0, or -1 when out of memory. */
static int apply_matrix(qibo_state* s, const uint32_t* t, uint32_t k, const uint32_t* c, uint32_t nc,
                        const double* m)
{
    uint64_t dim_k = UINT64_C(1) << k, target_mask = 0, control_mask = 0, i, r, col, j;
    uint64_t* offsets = malloc(dim_k * sizeof *offsets); /* index of each basis state of the targets */
    double complex* in = malloc(dim_k * sizeof *in);
    double complex* out = malloc(dim_k * sizeof *out);
    uint32_t q;
    if (offsets == NULL || in == NULL || out == NULL) {
        free(offsets); free(in); free(out);
        return -1;
    }
    for (q = 0; q < k; q++) target_mask |= bit_of(s, t[q]);
    for (q = 0; q < nc; q++) control_mask |= bit_of(s, c[q]);
    for (j = 0; j < dim_k; j++) { /* bit (k - 1 - q) of j selects target q */
        offsets[j] = 0;
        for (q = 0; q < k; q++)
            if (j & (UINT64_C(1) << (k - 1 - q))) offsets[j] |= bit_of(s, t[q]);
    }
    for (i = 0; i < s->dim; i++) {
        if ((i & target_mask) != 0 || (i & control_mask) != control_mask) continue;
        for (j = 0; j < dim_k; j++) in[j] = s->amp[i | offsets[j]];
        for (r = 0; r < dim_k; r++) {
            double complex acc = 0;
            for (col = 0; col < dim_k; col++) {
                const double* v = m + 2 * (r * dim_k + col);
                acc += (v[0] + v[1] * I) * in[col];
            }
            out[r] = acc;
        }
        for (j = 0; j < dim_k; j++) s->amp[i | offsets[j]] = out[j];
    }
    free(offsets); free(in); free(out);
    return 0;
}

/* MEASURE: outcome 1 iff r >= p0 (p0 of the normalised state); collapse and renormalise. */
static qibo_error* measure(qibo_state* s, uint32_t qubit, double r, int* outcome, int64_t op)
{
    uint64_t bit = bit_of(s, qubit), i;
    double p0 = 0, p1 = 0, kept, scale;
    for (i = 0; i < s->dim; i++) {
        double p = creal(s->amp[i]) * creal(s->amp[i]) + cimag(s->amp[i]) * cimag(s->amp[i]);
        if (i & bit) p1 += p; else p0 += p;
    }
    if (!(p0 + p1 > 0))
        return make_error(QIBO_ERROR_INVALID_ARGUMENT, op, "op %lld (MEASURE): the state has zero norm", (long long)op);
    *outcome = r >= p0 / (p0 + p1) ? 1 : 0;
    kept = *outcome ? p1 : p0;
    if (!(kept > 0))
        return make_error(QIBO_ERROR_INTERNAL, op, "op %lld (MEASURE): outcome %d has zero probability", (long long)op, *outcome);
    scale = 1.0 / sqrt(kept);
    for (i = 0; i < s->dim; i++)
        s->amp[i] = ((i & bit) != 0) == (*outcome != 0) ? s->amp[i] * scale : 0;
    return NULL;
}

/* ---------------------------------------------------------------- apply */

static const char* kind_name(uint32_t kind)
{
    static const char* const names[] = {
        "INVALID", "MATRIX", "DIAGONAL", "MEASURE", NULL, NULL, NULL, NULL, "I", "H", "X", "Y", "Z", "S",
        "SDG", "T", "TDG", "SX", "SXDG", "RX", "RY", "RZ", "U1", "U2", "U3", "SWAP", "ISWAP", "FSWAP",
        "FSIM", "GENERALIZED_FSIM", "RXX", "RYY", "RZZ" };
    if (kind < sizeof names / sizeof names[0] && names[kind] != NULL) return names[kind];
    return "unknown";
}

/* An error about op `at` of kind `name`: "op 3 (MATRIX): qubit 5 is out of range ..." */
#define OP_FAIL(code, fmt, ...) \
    make_error(code, (int64_t)at, "op %llu (%s): " fmt, (unsigned long long)at, name, __VA_ARGS__)
#define OP_INVALID(fmt, ...) OP_FAIL(QIBO_ERROR_INVALID_ARGUMENT, fmt, __VA_ARGS__)

/* Validates record `at` against the circuit, the state and the apply arguments. */
static qibo_error* check_op(const qibo_op* op, uint64_t at, const qibo_circuit* c, const qibo_state_apply_args* a,
                            uint64_t randoms_used)
{
    const char* name = kind_name(op->kind);
    uint64_t n_refs = (uint64_t)op->n_targets + op->n_controls, j, k;
    const uint32_t* q;

    if (op->kind == QIBO_OP_INVALID || op->kind >= QIBO_OP_KIND_COUNT)
        return OP_INVALID("invalid kind %u", op->kind);
    if (op->kind != QIBO_OP_MATRIX && op->kind != QIBO_OP_MEASURE) /* the host lowers these to MATRIX */
        return OP_FAIL(QIBO_ERROR_UNSUPPORTED, "kind %u is not native to example-c", op->kind);
    if (op->flags != 0) return OP_INVALID("unknown flags 0x%x", op->flags);
    if (op->n_targets < 1 || (op->kind == QIBO_OP_MEASURE && (op->n_targets != 1 || op->n_controls != 0)))
        return OP_INVALID("%u targets and %u controls are not allowed", op->n_targets, op->n_controls);
    if (n_refs > c->n_qubits || op->qubits_offset > c->n_qubit_refs || n_refs > c->n_qubit_refs - op->qubits_offset)
        return OP_INVALID("qubits [%u, %u + %llu) exceed the circuit's %llu qubit refs or %u qubits",
                          op->qubits_offset, op->qubits_offset, (unsigned long long)n_refs,
                          (unsigned long long)c->n_qubit_refs, c->n_qubits);
    q = c->qubits + op->qubits_offset;
    for (j = 0; j < n_refs; j++) {
        if (q[j] >= c->n_qubits) return OP_INVALID("qubit %u is out of range for %u qubits", q[j], c->n_qubits);
        for (k = 0; k < j; k++)
            if (q[k] == q[j]) return OP_INVALID("qubit %u is listed twice", q[j]);
    }
    if (op->kind == QIBO_OP_MATRIX) {
        uint64_t values = UINT64_C(1) << (2 * op->n_targets); /* n_targets <= n_qubits <= 28 */
        if (op->matrix_offset < 0 || (uint64_t)op->matrix_offset > c->n_matrix_values
            || values > c->n_matrix_values - (uint64_t)op->matrix_offset)
            return OP_INVALID("%llu matrix values at offset %lld exceed the circuit's %llu",
                              (unsigned long long)values, (long long)op->matrix_offset,
                              (unsigned long long)c->n_matrix_values);
    } else {
        if (randoms_used >= a->n_randoms)
            return OP_INVALID("no random number left (%llu given)", (unsigned long long)a->n_randoms);
        if (!(a->randoms[randoms_used] >= 0.0 && a->randoms[randoms_used] < 1.0))
            return OP_INVALID("random number %g is not in [0, 1)", a->randoms[randoms_used]);
        if (op->cbit < -1 || (op->cbit >= 0 && (a->cbits == NULL || (uint64_t)op->cbit >= a->n_cbits)))
            return OP_INVALID("cbit %d is out of range for %llu cbits", op->cbit,
                              (unsigned long long)(a->cbits ? a->n_cbits : 0));
    }
    return NULL;
}

static qibo_error* state_apply(qibo_state_apply_args* args)
{
    const qibo_circuit* c;
    qibo_state* s;
    uint64_t i, randoms_used = 0;
    qibo_error* e = NULL;

    CHECK_ARGS(args, qibo_state_apply_args, n_cbits);
    s = args->state;
    c = args->circuit;
    if (s == NULL) return INVALID("state_apply: state is NULL");
    if (c == NULL) return INVALID("state_apply: circuit is NULL");
    if (c->struct_size < SIZE_UP_TO(qibo_circuit, n_matrix_values))
        return INVALID("state_apply: circuit->struct_size %lu is smaller than %lu (ABI 1.0)",
                       (unsigned long)c->struct_size, (unsigned long)SIZE_UP_TO(qibo_circuit, n_matrix_values));
    if (c->n_qubits != s->n_qubits)
        return INVALID("state_apply: the circuit has %u qubits but the state has %u", c->n_qubits, s->n_qubits);
    if (c->op_size < 64 || c->op_size % 8 != 0) return INVALID("state_apply: op_size %u must be >= 64 and a multiple of 8", c->op_size);
    if ((c->n_ops > 0 && c->ops == NULL) || (c->n_qubit_refs > 0 && c->qubits == NULL)
        || (c->n_matrix_values > 0 && c->matrices == NULL) || (args->n_randoms > 0 && args->randoms == NULL))
        return INVALID("state_apply: a non-empty array (ops, qubits, matrices or randoms) is NULL");

    for (i = 0; i < c->n_ops && e == NULL; i++) {
        qibo_op op;
        const uint32_t* q;
        /* Read the fields we know, never more than op_size bytes (later versions may append fields). */
        memset(&op, 0, sizeof op);
        memcpy(&op, (const char*)c->ops + i * c->op_size, c->op_size < sizeof op ? c->op_size : sizeof op);
        if ((e = check_op(&op, i, c, args, randoms_used)) != NULL) break;
        q = c->qubits + op.qubits_offset;
        if (op.kind == QIBO_OP_MEASURE) {
            int outcome = 0;
            e = measure(s, q[0], args->randoms[randoms_used++], &outcome, (int64_t)i);
            if (e == NULL && op.cbit >= 0) args->cbits[op.cbit] = (uint8_t)outcome;
        } else if (apply_matrix(s, q, op.n_targets, q + op.n_targets, op.n_controls,
                                c->matrices + 2 * op.matrix_offset) != 0) {
            e = make_error(QIBO_ERROR_OUT_OF_MEMORY, (int64_t)i, "op %llu (MATRIX): out of memory", (unsigned long long)i);
        }
    }
    return e;
}

/* ---------------------------------------------------------------- probabilities, sampling */

/* Validates a qubit list for probabilities/sample. */
static qibo_error* check_qubit_list(const qibo_state* s, const uint32_t* qubits, uint32_t n, const char* fn)
{
    uint32_t j, k;
    if (s == NULL) return INVALID("%s: state is NULL", fn);
    if (n > s->n_qubits) return INVALID("%s: %u qubits listed but the state has %u", fn, n, s->n_qubits);
    if (n > 0 && qubits == NULL) return INVALID("%s: qubits is NULL", fn);
    for (j = 0; j < n; j++) {
        if (qubits[j] >= s->n_qubits) return INVALID("%s: qubit %u is out of range for %u qubits", fn, qubits[j], s->n_qubits);
        for (k = 0; k < j; k++)
            if (qubits[k] == qubits[j]) return INVALID("%s: qubit %u is listed twice", fn, qubits[j]);
    }
    return NULL;
}

/* out[m] = sum of |amp[i]|^2 over i whose listed qubits read m (first listed = most significant). */
static void marginal(const qibo_state* s, const uint32_t* qubits, uint32_t n, double* out)
{
    uint64_t i, m;
    uint32_t j;
    memset(out, 0, ((size_t)1 << n) * sizeof *out);
    for (i = 0; i < s->dim; i++) {
        for (m = 0, j = 0; j < n; j++) m = (m << 1) | ((i & bit_of(s, qubits[j])) != 0);
        out[m] += creal(s->amp[i]) * creal(s->amp[i]) + cimag(s->amp[i]) * cimag(s->amp[i]);
    }
}

static qibo_error* state_probabilities(qibo_state_probabilities_args* args)
{
    qibo_error* e;
    CHECK_ARGS(args, qibo_state_probabilities_args, out);
    if ((e = check_qubit_list(args->state, args->qubits, args->n_qubits, "state_probabilities")) != NULL) return e;
    if (args->reserved != 0) return INVALID("state_probabilities: reserved must be 0");
    if (args->out == NULL) return INVALID("state_probabilities: out is NULL");
    marginal(args->state, args->qubits, args->n_qubits, args->out);
    return NULL;
}

static qibo_error* state_sample(qibo_state_sample_args* args)
{
    qibo_error* e;
    double* cum;
    uint64_t size, i, shot;
    CHECK_ARGS(args, qibo_state_sample_args, outcomes);
    if ((e = check_qubit_list(args->state, args->qubits, args->n_qubits, "state_sample")) != NULL) return e;
    if (args->reserved != 0) return INVALID("state_sample: reserved must be 0");
    if (args->n_shots == 0) return NULL;
    if (args->randoms == NULL || args->outcomes == NULL) return INVALID("state_sample: randoms or outcomes is NULL");
    for (shot = 0; shot < args->n_shots; shot++)
        if (!(args->randoms[shot] >= 0.0 && args->randoms[shot] < 1.0))
            return INVALID("state_sample: randoms[%llu] = %g is not in [0, 1)", (unsigned long long)shot, args->randoms[shot]);

    size = UINT64_C(1) << args->n_qubits;
    cum = malloc(size * sizeof *cum);
    if (cum == NULL) return &oom_error;
    marginal(args->state, args->qubits, args->n_qubits, cum);
    for (i = 1; i < size; i++) cum[i] += cum[i - 1]; /* cumulative sum in increasing i, in double */
    if (!(cum[size - 1] > 0)) {
        free(cum);
        return INVALID("state_sample: the state has zero norm");
    }
    for (shot = 0; shot < args->n_shots; shot++) {
        /* smallest i with r * sum(p) < cum[i]: binary search over the non-decreasing cum */
        double x = args->randoms[shot] * cum[size - 1];
        uint64_t lo = 0, hi = size - 1;
        while (lo < hi) {
            uint64_t mid = lo + (hi - lo) / 2;
            if (x < cum[mid]) hi = mid; else lo = mid + 1;
        }
        /* rounding left no such i (r just below 1): the largest i with p[i] > 0 */
        if (!(x < cum[lo])) while (lo > 0 && cum[lo] == cum[lo - 1]) lo--;
        args->outcomes[shot] = lo;
    }
    free(cum);
    return NULL;
}

/* ---------------------------------------------------------------- ABI 1.1: copy, inner product, expectation */

static qibo_error* check_pair(const qibo_state* a, const qibo_state* b, const char* fn)
{
    if (a == NULL || b == NULL) return INVALID("%s: a state is NULL", fn);
    if (a->backend != b->backend) return INVALID("%s: the states belong to different backend instances", fn);
    if (a->n_qubits != b->n_qubits) return INVALID("%s: the states have %u and %u qubits", fn, a->n_qubits, b->n_qubits);
    return NULL;
}

static qibo_error* state_copy(qibo_state_copy_args* args)
{
    qibo_error* e;
    CHECK_ARGS(args, qibo_state_copy_args, destination);
    if ((e = check_pair(args->source, args->destination, "state_copy")) != NULL) return e;
    if (args->source != args->destination) memcpy(args->destination->amp, args->source->amp, args->source->dim * sizeof *args->source->amp);
    return NULL;
}

static qibo_error* state_inner_product(qibo_state_inner_product_args* args)
{
    qibo_error* e;
    double complex sum = 0;
    uint64_t i;
    CHECK_ARGS(args, qibo_state_inner_product_args, out);
    if ((e = check_pair(args->bra, args->ket, "state_inner_product")) != NULL) return e;
    for (i = 0; i < args->bra->dim; i++) sum += conj(args->bra->amp[i]) * args->ket->amp[i];
    args->out[0] = creal(sum);
    args->out[1] = cimag(sum);
    return NULL;
}

static qibo_error* state_expectation(qibo_state_expectation_args* args)
{
    const qibo_state* s;
    uint64_t t, b, valid;
    double total = 0;
    CHECK_ARGS(args, qibo_state_expectation_args, out);
    s = args->state;
    if (s == NULL) return INVALID("state_expectation: state is NULL");
    if (args->reserved != 0) return INVALID("state_expectation: reserved must be 0");
    if (args->term_size < sizeof(qibo_pauli_term) || args->term_size % 8 != 0)
        return INVALID("state_expectation: term_size %u must be at least %u and a multiple of 8", args->term_size, (unsigned)sizeof(qibo_pauli_term));
    if (args->n_terms > 0 && args->terms == NULL) return INVALID("state_expectation: terms is NULL");
    valid = s->n_qubits >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << s->n_qubits) - 1;
    for (t = 0; t < args->n_terms; t++) {
        const qibo_pauli_term* term = (const qibo_pauli_term*)((const char*)args->terms + t * args->term_size);
        uint64_t flip = 0, sign = 0, q;
        int ys = 0;
        double complex phase, sum = 0;
        if (!isfinite(term->coefficient)) return INVALID("state_expectation: term %llu: coefficient is not finite", (unsigned long long)t);
        if ((term->x_mask & term->y_mask) || (term->x_mask & term->z_mask) || (term->y_mask & term->z_mask))
            return INVALID("state_expectation: term %llu: the X, Y and Z masks overlap", (unsigned long long)t);
        if ((term->x_mask | term->y_mask | term->z_mask) & ~valid)
            return INVALID("state_expectation: term %llu: a qubit is out of range for a %u-qubit state", (unsigned long long)t, s->n_qubits);
        /* Bit q of a mask is qubit q, index bit n - 1 - q. */
        for (q = 0; q < s->n_qubits; q++) {
            uint64_t bit = UINT64_C(1) << (s->n_qubits - 1 - q);
            if ((term->x_mask | term->y_mask) >> q & 1) flip |= bit;
            if ((term->y_mask | term->z_mask) >> q & 1) sign |= bit;
            if (term->y_mask >> q & 1) ys++;
        }
        phase = ys % 4 == 0 ? 1 : ys % 4 == 1 ? I : ys % 4 == 2 ? -1 : -I;
        /* P|b> = i^ys (-1)^popcount(b & sign) |b ^ flip> */
        for (b = 0; b < s->dim; b++) {
            double complex z = conj(s->amp[b ^ flip]) * s->amp[b];
            sum += __builtin_parityll(b & sign) ? -z : z;
        }
        total += term->coefficient * creal(phase * sum);
    }
    args->out = total;
    return NULL;
}

/* ---------------------------------------------------------------- the table and the one export */

static const qibo_backend_api api_table = {
    .struct_size = sizeof(qibo_backend_api),
    .abi_major = QIBO_ABI_VERSION_MAJOR,
    .abi_minor = QIBO_ABI_VERSION_MINOR,
    .error_code = error_code,
    .error_message = error_message,
    .error_op_index = error_op_index,
    .error_destroy = error_destroy,
    .backend_create = backend_create,
    .backend_destroy = backend_destroy,
    .backend_get_info = backend_get_info,
    .state_create = state_create,
    .state_destroy = state_destroy,
    .state_reset = state_reset,
    .state_set_amplitudes = state_set_amplitudes,
    .state_get_amplitudes = state_get_amplitudes,
    .state_apply = state_apply,
    .state_probabilities = state_probabilities,
    .state_sample = state_sample,
    .state_copy = state_copy,
    .state_inner_product = state_inner_product,
    .state_expectation = state_expectation,
    /* slots a later minor version appends stay NULL: "not supported" */
};

QIBO_EXPORT uint32_t qibo_backend_get_api(qibo_api_request* request)
{
    if (request == NULL || request->struct_size < SIZE_UP_TO(qibo_api_request, host_minor))
        return QIBO_ERROR_INVALID_ARGUMENT;
    if (request->struct_size >= SIZE_UP_TO(qibo_api_request, backend_minor)) {
        request->backend_major = QIBO_ABI_VERSION_MAJOR;
        request->backend_minor = QIBO_ABI_VERSION_MINOR;
    }
    if (request->struct_size < SIZE_UP_TO(qibo_api_request, api)) return QIBO_ERROR_INVALID_ARGUMENT;
    if (request->host_major != QIBO_ABI_VERSION_MAJOR) {
        request->api = NULL;
        return QIBO_ERROR_VERSION_MISMATCH;
    }
    request->api = &api_table;
    return QIBO_OK;
}
