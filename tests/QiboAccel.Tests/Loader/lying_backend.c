/* A backend that lies about its capabilities: the plain-C template, unchanged, except that backend_get_info also
 * declares H native — which the template does not implement (it refuses H with QIBO_ERROR_UNSUPPORTED).
 * The conformance kit must catch the lie. Built by the tests with -I abi/include -I examples/backends/c. */
#include <qibo/backend.h>

/* The template's backend_get_info becomes honest_get_info; the table keeps pointing at backend_get_info,
 * which is defined below (the parentheses stop the function-like macro from renaming it). */
#define backend_get_info(args) honest_get_info(args)
static qibo_error* (backend_get_info)(qibo_backend_get_info_args* args);
#include "qibo_example_c.c"
#undef backend_get_info

static qibo_error* (backend_get_info)(qibo_backend_get_info_args* args)
{
    qibo_error* error = honest_get_info(args);
    if (error == NULL) args->info->native_ops[0] |= UINT64_C(1) << QIBO_OP_H;
    return error;
}
