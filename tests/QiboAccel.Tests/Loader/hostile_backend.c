/* Backends that misbehave on purpose, for the tests of what the host trusts. One source, one behaviour per -D:
 *   (none)               a lazy backend: states of up to 40 qubits in both precisions that allocate nothing — every
 *                        state reads |0...0>, gates do nothing, measurements read 0. It lets the tests reach the
 *                        host's own allocations (copies of the state, shot buffers) for sizes no real state could have.
 *   HOSTILE_BAD_SAMPLE   state_sample returns outcome indices far outside 0..2^k-1
 *   HOSTILE_NAN_AMPS     state_get_amplitudes returns NaN everywhere
 *   HOSTILE_NEG_PROBS    state_probabilities returns -1 and 2 (not a distribution)
 *   HOSTILE_HUGE_INFO    backend_get_info claims 2^32-1 qubits and matrix targets
 *   HOSTILE_OK_ERROR     state_apply returns an error object whose code is QIBO_OK and whose message is NULL
 *   HOSTILE_CTOR         a constructor appends the library's tag to the file named by $QIBOACCEL_TEST_MARKER when the
 *                        library is loaded (to prove which libraries the host loaded)
 *   HOSTILE_CTOR_ONLY    the constructor, and no qibo_backend_get_api at all
 * HOSTILE_TAG names the library in the marker file.
 */
#include <qibo/backend.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef HOSTILE_TAG
#define HOSTILE_TAG "hostile"
#endif

#if defined(HOSTILE_CTOR) || defined(HOSTILE_CTOR_ONLY)
__attribute__((constructor)) static void mark_loaded(void)
{
    const char* path = getenv("QIBOACCEL_TEST_MARKER");
    if (path == NULL) return;
    FILE* f = fopen(path, "a");
    if (f == NULL) return;
    fputs(HOSTILE_TAG "\n", f);
    fclose(f);
}
#endif

#ifndef HOSTILE_CTOR_ONLY
struct qibo_error { uint32_t code; char* message; };
struct qibo_backend { int unused; };
struct qibo_state { uint32_t n; uint32_t precision; };
static struct qibo_backend the_backend;

static qibo_error* fail(uint32_t code, const char* message)
{
    qibo_error* e = calloc(1, sizeof *e);
    if (e == NULL) abort();
    e->code = code;
    if (message != NULL) {
        e->message = malloc(strlen(message) + 1);
        if (e->message == NULL) abort();
        strcpy(e->message, message);
    }
    return e;
}
static uint32_t err_code(const qibo_error* e) { return e->code; }
static const char* err_message(const qibo_error* e) { return e->message; }
static int64_t err_op(const qibo_error* e) { (void)e; return -1; }
static void err_destroy(qibo_error* e) { if (e != NULL) { free(e->message); free(e); } }

static qibo_error* backend_create(qibo_backend_create_args* a) { a->backend = &the_backend; return NULL; }
static void backend_destroy(qibo_backend* b) { (void)b; }
static qibo_error* get_info(qibo_backend_get_info_args* a)
{
    qibo_backend_info* i = a->info;
    i->name = HOSTILE_TAG; i->version = "0"; i->description = "misbehaves on purpose"; i->device = "none";
    i->max_qubits = 40; i->max_matrix_targets = 0;
#ifdef HOSTILE_HUGE_INFO
    i->max_qubits = 0xFFFFFFFFu; i->max_matrix_targets = 0xFFFFFFFFu;
#endif
    i->precisions = QIBO_PRECISION_COMPLEX128 | QIBO_PRECISION_COMPLEX64;
    i->state_kinds = 1;
    i->native_ops[0] = (1ull << QIBO_OP_MATRIX) | (1ull << QIBO_OP_MEASURE);
    i->native_ops[1] = 0;
    return NULL;
}
static qibo_error* state_create(qibo_state_create_args* a)
{
    qibo_state* s = calloc(1, sizeof *s);
    if (s == NULL) return fail(QIBO_ERROR_OUT_OF_MEMORY, "out of memory");
    s->n = a->n_qubits; s->precision = a->precision;
    a->state = s;
    return NULL;
}
static void state_destroy(qibo_state* s) { free(s); }
static qibo_error* state_reset(qibo_state_reset_args* a) { (void)a; return NULL; }
static qibo_error* set_amplitudes(qibo_state_amplitudes_args* a) { (void)a; return NULL; }
static qibo_error* get_amplitudes(qibo_state_amplitudes_args* a)
{
    int single = a->state->precision == QIBO_PRECISION_COMPLEX64;
    for (uint64_t k = 0; k < a->count; k++) {
        double re = (a->offset + k == 0) ? 1.0 : 0.0;
#ifdef HOSTILE_NAN_AMPS
        re = NAN;
#endif
        if (single) { ((float*)a->data)[2 * k] = (float)re; ((float*)a->data)[2 * k + 1] = 0.0f; }
        else { ((double*)a->data)[2 * k] = re; ((double*)a->data)[2 * k + 1] = 0.0; }
    }
    return NULL;
}
static qibo_error* apply(qibo_state_apply_args* a)
{
#ifdef HOSTILE_OK_ERROR
    (void)a;
    return fail(QIBO_OK, NULL);
#else
    const qibo_circuit* c = a->circuit;
    for (uint64_t k = 0; k < c->n_ops; k++) {
        const qibo_op* op = (const qibo_op*)((const char*)c->ops + k * c->op_size);
        if (op->kind == QIBO_OP_MEASURE && op->cbit >= 0 && a->cbits != NULL) a->cbits[op->cbit] = 0;
    }
    return NULL;
#endif
}
static qibo_error* probabilities(qibo_state_probabilities_args* a)
{
    uint64_t size = UINT64_C(1) << a->n_qubits;
    for (uint64_t i = 0; i < size; i++) a->out[i] = i == 0 ? 1.0 : 0.0;
#ifdef HOSTILE_NEG_PROBS
    for (uint64_t i = 0; i < size; i++) a->out[i] = (i & 1) ? 2.0 : -1.0;
#endif
    return NULL;
}
static qibo_error* sample(qibo_state_sample_args* a)
{
    for (uint64_t s = 0; s < a->n_shots; s++) a->outcomes[s] = 0;
#ifdef HOSTILE_BAD_SAMPLE
    for (uint64_t s = 0; s < a->n_shots; s++) a->outcomes[s] = UINT64_C(0xFFFFFFFFFFFF0000) + s;
#endif
    return NULL;
}

static const qibo_backend_api api = {
    .struct_size = sizeof(qibo_backend_api), .abi_major = QIBO_ABI_VERSION_MAJOR, .abi_minor = QIBO_ABI_VERSION_MINOR,
    .error_code = err_code, .error_message = err_message, .error_op_index = err_op, .error_destroy = err_destroy,
    .backend_create = backend_create, .backend_destroy = backend_destroy, .backend_get_info = get_info,
    .state_create = state_create, .state_destroy = state_destroy, .state_reset = state_reset,
    .state_set_amplitudes = set_amplitudes, .state_get_amplitudes = get_amplitudes, .state_apply = apply,
    .state_probabilities = probabilities, .state_sample = sample,
};

QIBO_EXPORT uint32_t qibo_backend_get_api(qibo_api_request* r)
{
    if (r == NULL || r->struct_size < sizeof *r) return QIBO_ERROR_INVALID_ARGUMENT;
    r->backend_major = QIBO_ABI_VERSION_MAJOR;
    r->backend_minor = QIBO_ABI_VERSION_MINOR;
    if (r->host_major != QIBO_ABI_VERSION_MAJOR) return QIBO_ERROR_VERSION_MISMATCH;
    r->api = &api;
    return QIBO_OK;
}
#endif
