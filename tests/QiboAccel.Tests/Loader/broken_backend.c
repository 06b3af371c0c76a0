/* Deliberately broken backends for the loader tests. One source, one fault per -D macro:
 *   BROKEN_NO_SYMBOL   exports no qibo_backend_get_api
 *   BROKEN_MAJOR       speaks ABI 2.0
 *   BROKEN_SMALL_TABLE hands back a table shorter than ABI 1.0's
 *   BROKEN_NULL_SLOT   leaves the required state_apply slot NULL
 *   BROKEN_NO_MATRIX   claims not to implement MATRIX (which every backend must)
 *   BROKEN_CREATE      fails backend_create with an error object
 *   BROKEN_CRASH       creates states, then dereferences NULL in state_apply (a crashing backend)
 */
#include <qibo/backend.h>
#include <stdlib.h>
#include <string.h>

struct qibo_error { qibo_error_code code; char message[128]; };
static int dummy_backend;

static uint32_t err_code(const qibo_error* e) { return e->code; }
static const char* err_message(const qibo_error* e) { return e->message; }
static int64_t err_op(const qibo_error* e) { (void)e; return -1; }
static void err_destroy(qibo_error* e) { free(e); }

static qibo_error* fail(const char* message) {
    qibo_error* e = calloc(1, sizeof *e);
    e->code = QIBO_ERROR_DEVICE;
    strncpy(e->message, message, sizeof e->message - 1);
    return e;
}

static qibo_error* backend_create(qibo_backend_create_args* a) {
#ifdef BROKEN_CREATE
    (void)a;
    return fail("no device: the broken backend always fails here");
#else
    a->backend = (qibo_backend*)&dummy_backend;
    return NULL;
#endif
}
static void backend_destroy(qibo_backend* b) { (void)b; }
static qibo_error* get_info(qibo_backend_get_info_args* a) {
    qibo_backend_info* i = a->info;
    i->name = "broken"; i->version = "0"; i->description = "broken on purpose"; i->device = "none";
    i->max_qubits = 4; i->precisions = QIBO_PRECISION_COMPLEX128; i->state_kinds = 1; i->max_matrix_targets = 0;
    i->native_ops[0] = (1ull << QIBO_OP_MEASURE);
#ifndef BROKEN_NO_MATRIX
    i->native_ops[0] |= (1ull << QIBO_OP_MATRIX);
#endif
    i->native_ops[1] = 0;
    return NULL;
}
static qibo_error* unsupported(void* a) { (void)a; return fail("not implemented"); }
#ifdef BROKEN_CRASH
static int dummy_state;
static qibo_error* create_state(qibo_state_create_args* a) { a->state = (qibo_state*)&dummy_state; return NULL; }
static qibo_error* crash(qibo_state_apply_args* a) { (void)a; return *(qibo_error* volatile*)(uintptr_t)0; }
#endif
static void destroy_nothing(qibo_state* s) { (void)s; }

static qibo_backend_api table;

#ifndef BROKEN_NO_SYMBOL
QIBO_EXPORT uint32_t qibo_backend_get_api(qibo_api_request* r) {
    if (r == NULL || r->struct_size < sizeof *r) return QIBO_ERROR_INVALID_ARGUMENT;
#ifndef BROKEN_MAJOR
    if (r->host_major != QIBO_ABI_VERSION_MAJOR) {
        r->backend_major = QIBO_ABI_VERSION_MAJOR;
        r->backend_minor = QIBO_ABI_VERSION_MINOR;
        r->api = NULL;
        return QIBO_ERROR_VERSION_MISMATCH;
    }
#endif
    table.struct_size = sizeof table;
#ifdef BROKEN_SMALL_TABLE
    table.struct_size = offsetof(qibo_backend_api, state_create);
#endif
    table.abi_major = QIBO_ABI_VERSION_MAJOR;
    table.abi_minor = QIBO_ABI_VERSION_MINOR;
    table.error_code = err_code;
    table.error_message = err_message;
    table.error_op_index = err_op;
    table.error_destroy = err_destroy;
    table.backend_create = backend_create;
    table.backend_destroy = backend_destroy;
    table.backend_get_info = get_info;
    table.state_create = (qibo_error* (*)(qibo_state_create_args*))unsupported;
    table.state_destroy = destroy_nothing;
    table.state_set_amplitudes = (qibo_error* (*)(qibo_state_amplitudes_args*))unsupported;
    table.state_get_amplitudes = (qibo_error* (*)(qibo_state_amplitudes_args*))unsupported;
#ifndef BROKEN_NULL_SLOT
    table.state_apply = (qibo_error* (*)(qibo_state_apply_args*))unsupported;
#endif
#ifdef BROKEN_CRASH
    table.state_create = create_state;
    table.state_apply = crash;
#endif
#ifdef BROKEN_MAJOR
    r->backend_major = 2;
    r->backend_minor = 0;
    r->api = NULL;
    return QIBO_ERROR_VERSION_MISMATCH;
#else
    r->backend_major = QIBO_ABI_VERSION_MAJOR;
    r->backend_minor = QIBO_ABI_VERSION_MINOR;
    r->api = &table;
    return QIBO_OK;
#endif
}
#else
QIBO_EXPORT int not_a_backend(void) { return 0; }
#endif
