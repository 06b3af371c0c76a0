/* faulty_backend.c: the plain-C template backend (examples/backends/c), unchanged, plus ONE deliberate fault chosen
 * by a -D switch: each a mistake a backend author could make, which the conformance kit must catch and name.
 *   FAULT_DECLARES_H    declares H native but refuses it (capabilities that lie)
 *   FAULT_MEASURE_GT    MEASURE reads 1 only when r > p0 (the header: r >= p0)
 *   FAULT_SAMPLE_LE     sampling picks the smallest i with r * sum(p) <= p[0] + ... + p[i] (the header: <)
 *   FAULT_IGNORE_FLAGS  applies records with unknown flag bits instead of refusing them
 *   FAULT_ERROR_CODES   refuses every bad record with QIBO_ERROR_UNSUPPORTED (the header: INVALID_ARGUMENT)
 *   FAULT_NULL_MESSAGE  error_message(NULL) returns NULL (the header: "", never NULL)
 *   FAULT_NORMALISED    state_probabilities normalises the marginal (the header: raw sums of |amplitude|^2)
 *   FAULT_QASM_U3       declares U3 native and applies OpenQASM's u3, which is qibo's U3 times e^{i(phi+lambda)/2}
 * The faults wrap the template's table slots; the template itself is compiled as it is.
 * Built by the tests with -I abi/include -I examples/backends/c. */
#include <qibo/backend.h>

/* The template's one export becomes template_get_api; the one below hands out a patched copy of its table. */
#define qibo_backend_get_api template_get_api
#include "qibo_example_c.c"
#undef qibo_backend_get_api

static qibo_backend_api faulty_table;

#if defined(FAULT_DECLARES_H) || defined(FAULT_QASM_U3)
#ifdef FAULT_DECLARES_H
#define DECLARED_KIND QIBO_OP_H
#else
#define DECLARED_KIND QIBO_OP_U3
#endif
static qibo_error* faulty_get_info(qibo_backend_get_info_args* args)
{
    qibo_error* e = backend_get_info(args);
    if (e == NULL) args->info->native_ops[0] |= UINT64_C(1) << DECLARED_KIND;
    return e;
}
#endif

#ifdef FAULT_MEASURE_GT
/* Applies the records one at a time; a MEASURE whose random number equals p0 exactly gets one just below it, so it
 * reads 0 as the rule r > p0 would. */
static qibo_error* faulty_apply(qibo_state_apply_args* args)
{
    const qibo_circuit* c;
    uint64_t i, used = 0;
    qibo_error* e = NULL;
    if (args == NULL || args->state == NULL || args->circuit == NULL || args->circuit->op_size < 64) return state_apply(args);
    c = args->circuit;
    for (i = 0; i < c->n_ops && e == NULL; i++) {
        const qibo_op* op = (const qibo_op*)((const char*)c->ops + i * c->op_size);
        qibo_circuit one_circuit = *c;
        qibo_state_apply_args one = *args;
        double r = 0;
        one_circuit.n_ops = 1;
        one_circuit.ops = op;
        one.circuit = &one_circuit;
        one.randoms = NULL;
        one.n_randoms = 0;
        if (op->kind == QIBO_OP_MEASURE && used < args->n_randoms) {
            r = args->randoms[used++];
            if (op->qubits_offset < c->n_qubit_refs && c->qubits[op->qubits_offset] < args->state->n_qubits) {
                double p[2];
                marginal(args->state, c->qubits + op->qubits_offset, 1, p);
                if (r > 0 && r == p[0] / (p[0] + p[1])) r = nextafter(r, 0.0);
            }
            one.randoms = &r;
            one.n_randoms = 1;
        }
        e = state_apply(&one);
        if (e != NULL && e != &oom_error && e->op_index >= 0) e->op_index = (int64_t)i;
    }
    return e;
}
#endif

#ifdef FAULT_SAMPLE_LE
static qibo_error* faulty_sample(qibo_state_sample_args* args)
{
    qibo_error* e = state_sample(args); /* the template's checks */
    uint64_t size, i, shot;
    double* cum;
    if (e != NULL || args->n_shots == 0) return e;
    size = UINT64_C(1) << args->n_qubits;
    cum = malloc(size * sizeof *cum);
    if (cum == NULL) return &oom_error;
    marginal(args->state, args->qubits, args->n_qubits, cum);
    for (i = 1; i < size; i++) cum[i] += cum[i - 1];
    for (shot = 0; shot < args->n_shots; shot++) {
        double x = args->randoms[shot] * cum[size - 1];
        for (i = 0; i + 1 < size && !(x <= cum[i]); i++) continue;
        args->outcomes[shot] = i;
    }
    free(cum);
    return NULL;
}
#endif

#if defined(FAULT_IGNORE_FLAGS) || defined(FAULT_QASM_U3)
/* The caller's records copied into a buffer of the template's stride; NULL (use the caller's) if they cannot be. */
static char* copy_records(const qibo_state_apply_args* args)
{
    char* copy;
    if (args == NULL || args->circuit == NULL || args->circuit->ops == NULL || args->circuit->op_size < 64) return NULL;
    copy = malloc(args->circuit->n_ops * args->circuit->op_size + 1);
    if (copy != NULL) memcpy(copy, args->circuit->ops, args->circuit->n_ops * args->circuit->op_size);
    return copy;
}
#endif

#ifdef FAULT_IGNORE_FLAGS
static qibo_error* faulty_apply(qibo_state_apply_args* args)
{
    char* copy = copy_records(args);
    qibo_circuit circuit;
    qibo_state_apply_args patched;
    qibo_error* e;
    uint64_t i;
    if (copy == NULL) return state_apply(args);
    for (i = 0; i < args->circuit->n_ops; i++) ((qibo_op*)(copy + i * args->circuit->op_size))->flags = 0;
    circuit = *args->circuit;
    circuit.ops = copy;
    patched = *args;
    patched.circuit = &circuit;
    e = state_apply(&patched);
    free(copy);
    return e;
}
#endif

#ifdef FAULT_ERROR_CODES
static qibo_error* faulty_apply(qibo_state_apply_args* args)
{
    qibo_error* e = state_apply(args);
    if (e != NULL && e != &oom_error && e->op_index >= 0) e->code = QIBO_ERROR_UNSUPPORTED;
    return e;
}
#endif

#ifdef FAULT_NULL_MESSAGE
static const char* faulty_message(const qibo_error* e) { return e == NULL ? NULL : error_message(e); }
#endif

#ifdef FAULT_NORMALISED
static qibo_error* faulty_probabilities(qibo_state_probabilities_args* args)
{
    qibo_error* e = state_probabilities(args);
    uint64_t size, i;
    double total = 0;
    if (e != NULL) return e;
    size = UINT64_C(1) << args->n_qubits;
    for (i = 0; i < size; i++) total += args->out[i];
    for (i = 0; i < size; i++) args->out[i] /= total;
    return NULL;
}
#endif

#ifdef FAULT_QASM_U3
/* U3 records become MATRIX records of OpenQASM's u3(theta, phi, lambda) =
 * [[cos, -e^{i lambda} sin], [e^{i phi} sin, e^{i (phi + lambda)} cos]] with cos, sin of theta / 2. */
static qibo_error* faulty_apply(qibo_state_apply_args* args)
{
    char* copy = copy_records(args);
    const qibo_circuit* c;
    double* matrices;
    uint64_t i, extra = 0;
    qibo_circuit circuit;
    qibo_state_apply_args patched;
    qibo_error* e;
    if (copy == NULL) return state_apply(args);
    c = args->circuit;
    matrices = malloc((c->n_matrix_values + 4 * c->n_ops) * 2 * sizeof(double) + 1);
    if (matrices == NULL) { free(copy); return &oom_error; }
    if (c->n_matrix_values > 0) memcpy(matrices, c->matrices, c->n_matrix_values * 2 * sizeof(double));
    for (i = 0; i < c->n_ops; i++) {
        qibo_op* op = (qibo_op*)(copy + i * c->op_size);
        double* m;
        double ct, st, phi, lam;
        if (op->kind != QIBO_OP_U3) continue;
        ct = cos(op->params[0] / 2);
        st = sin(op->params[0] / 2);
        phi = op->params[1];
        lam = op->params[2];
        m = matrices + 2 * (c->n_matrix_values + extra);
        m[0] = ct; m[1] = 0;
        m[2] = -cos(lam) * st; m[3] = -sin(lam) * st;
        m[4] = cos(phi) * st; m[5] = sin(phi) * st;
        m[6] = cos(phi + lam) * ct; m[7] = sin(phi + lam) * ct;
        op->kind = QIBO_OP_MATRIX;
        op->matrix_offset = (int64_t)(c->n_matrix_values + extra);
        extra += 4;
    }
    circuit = *c;
    circuit.ops = copy;
    circuit.matrices = matrices;
    circuit.n_matrix_values = c->n_matrix_values + extra;
    patched = *args;
    patched.circuit = &circuit;
    e = state_apply(&patched);
    free(copy);
    free(matrices);
    return e;
}
#endif

QIBO_EXPORT uint32_t qibo_backend_get_api(qibo_api_request* request)
{
    uint32_t code = template_get_api(request);
    if (code != QIBO_OK) return code;
    faulty_table = *request->api;
#if defined(FAULT_DECLARES_H) || defined(FAULT_QASM_U3)
    faulty_table.backend_get_info = faulty_get_info;
#endif
#if defined(FAULT_MEASURE_GT) || defined(FAULT_IGNORE_FLAGS) || defined(FAULT_ERROR_CODES) || defined(FAULT_QASM_U3)
    faulty_table.state_apply = faulty_apply;
#endif
#ifdef FAULT_SAMPLE_LE
    faulty_table.state_sample = faulty_sample;
#endif
#ifdef FAULT_NULL_MESSAGE
    faulty_table.error_message = faulty_message;
#endif
#ifdef FAULT_NORMALISED
    faulty_table.state_probabilities = faulty_probabilities;
#endif
    request->api = &faulty_table;
    return QIBO_OK;
}
