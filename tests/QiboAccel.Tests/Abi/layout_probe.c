/*
 * layout_probe.c: prints what the C compiler makes of abi/include/qibo/backend.h,
 * one fact per line, for AbiLayoutTests and AbiManifestTests to compare against
 * the C# mirror and abi/abi-manifest.txt.
 *
 *   gcc -std=c99 -Wall -Werror -I abi/include layout_probe.c -o layout_probe
 *
 * Output lines (LF-terminated, space-separated):
 *   sizeof   <struct> <bytes>
 *   offsetof <struct>.<field> <bytes>
 *   type     <struct>.<field> <type>   u8|u16|u32|u64|i32|i64|f32|f64, ptr, fnptr
 *                                      (a function-pointer slot), or <scalar>[<n>]
 *   enum     <CONSTANT> <value>
 *   macro    <NAME> <value>
 *   function <name>                    an exported function (declared with the
 *                                      signature of its *_fn typedef)
 *   opaque   <name>                    an opaque handle type
 *
 * Scalar types are measured, not written down here: the probe stores -1 and 0.5
 * into the field and looks at what comes back. SCALAR on a pointer field, PTR on
 * an integer field or ARRAY on a non-array are compile errors under -Werror, so
 * the macro chosen for each field is checked by the compiler too. Whether every
 * field of the header is listed here is checked by AbiLayoutTests, which also
 * reads the header's declarations.
 */
#include <qibo/backend.h>

#include <stdio.h>
#include <string.h>

static volatile int minus_one = -1;
static volatile double one_half = 0.5;

/* "u32", "i64", "f64", ... for the scalar lvalue x of the local s_. */
#define SCALAR_TYPE(x, buf)                                                        \
    do {                                                                           \
        int is_unsigned_, is_float_;                                               \
        memset(&s_, 0, sizeof s_);                                                 \
        x = minus_one;                                                             \
        is_unsigned_ = x > 0;                                                      \
        x = one_half;                                                              \
        is_float_ = x != 0;                                                        \
        sprintf(buf, "%c%lu", is_float_ ? 'f' : is_unsigned_ ? 'u' : 'i',          \
                (unsigned long)(8 * sizeof(x)));                                   \
    } while (0)

#define STRUCT(T) printf("sizeof %s %lu\n", #T, (unsigned long)sizeof(T))

#define OFFSET(T, f) printf("offsetof %s.%s %lu\n", #T, #f, (unsigned long)offsetof(T, f))

#define SCALAR(T, f)                                                               \
    do {                                                                           \
        T s_;                                                                      \
        char type_[16];                                                            \
        SCALAR_TYPE(s_.f, type_);                                                  \
        OFFSET(T, f);                                                              \
        printf("type %s.%s %s\n", #T, #f, type_);                                  \
    } while (0)

#define ARRAY(T, f)                                                                \
    do {                                                                           \
        T s_;                                                                      \
        char type_[16];                                                            \
        SCALAR_TYPE(s_.f[0], type_);                                               \
        OFFSET(T, f);                                                              \
        printf("type %s.%s %s[%lu]\n", #T, #f, type_,                              \
               (unsigned long)(sizeof s_.f / sizeof s_.f[0]));                     \
    } while (0)

/* NULL is ((void*)0) in C: assigning it to an integer field does not compile. */
#define PTR_OR_FN(T, f, what)                                                      \
    do {                                                                           \
        T s_;                                                                      \
        s_.f = NULL;                                                               \
        (void)s_;                                                                  \
        OFFSET(T, f);                                                              \
        printf("type %s.%s %s\n", #T, #f, what);                                   \
    } while (0)
#define PTR(T, f) PTR_OR_FN(T, f, "ptr")
#define SLOT(T, f) PTR_OR_FN(T, f, "fnptr")

#define ENUM(c) printf("enum %s %ld\n", #c, (long)(c))
#define MACRO(m) printf("macro %s %ld\n", #m, (long)(m))
#define OPAQUE(T)                                                                  \
    do {                                                                           \
        T* p_ = NULL;                                                              \
        (void)p_;                                                                  \
        printf("opaque %s\n", #T);                                                 \
    } while (0)

int main(void)
{
    /* The exported function must have the signature of its typedef (the
     * comparison is in sizeof, so nothing is evaluated or linked). */
    (void)sizeof((qibo_backend_get_api_fn)0 == &qibo_backend_get_api);
    printf("function qibo_backend_get_api\n");

    MACRO(QIBO_ABI_VERSION_MAJOR);
    MACRO(QIBO_ABI_VERSION_MINOR);

    OPAQUE(qibo_error);
    OPAQUE(qibo_backend);
    OPAQUE(qibo_state);

    ENUM(QIBO_OK);
    ENUM(QIBO_ERROR_INVALID_ARGUMENT);
    ENUM(QIBO_ERROR_UNSUPPORTED);
    ENUM(QIBO_ERROR_OUT_OF_MEMORY);
    ENUM(QIBO_ERROR_VERSION_MISMATCH);
    ENUM(QIBO_ERROR_DEVICE);
    ENUM(QIBO_ERROR_INTERNAL);

    ENUM(QIBO_PRECISION_COMPLEX128);
    ENUM(QIBO_PRECISION_COMPLEX64);

    ENUM(QIBO_STATE_VECTOR);
    ENUM(QIBO_STATE_DENSITY_MATRIX);

    ENUM(QIBO_OP_INVALID);
    ENUM(QIBO_OP_MATRIX);
    ENUM(QIBO_OP_DIAGONAL);
    ENUM(QIBO_OP_MEASURE);
    ENUM(QIBO_OP_I);
    ENUM(QIBO_OP_H);
    ENUM(QIBO_OP_X);
    ENUM(QIBO_OP_Y);
    ENUM(QIBO_OP_Z);
    ENUM(QIBO_OP_S);
    ENUM(QIBO_OP_SDG);
    ENUM(QIBO_OP_T);
    ENUM(QIBO_OP_TDG);
    ENUM(QIBO_OP_SX);
    ENUM(QIBO_OP_SXDG);
    ENUM(QIBO_OP_RX);
    ENUM(QIBO_OP_RY);
    ENUM(QIBO_OP_RZ);
    ENUM(QIBO_OP_U1);
    ENUM(QIBO_OP_U2);
    ENUM(QIBO_OP_U3);
    ENUM(QIBO_OP_SWAP);
    ENUM(QIBO_OP_ISWAP);
    ENUM(QIBO_OP_FSWAP);
    ENUM(QIBO_OP_FSIM);
    ENUM(QIBO_OP_GENERALIZED_FSIM);
    ENUM(QIBO_OP_RXX);
    ENUM(QIBO_OP_RYY);
    ENUM(QIBO_OP_RZZ);
    ENUM(QIBO_OP_KIND_COUNT);

    STRUCT(qibo_op);
    SCALAR(qibo_op, kind);
    SCALAR(qibo_op, n_targets);
    SCALAR(qibo_op, n_controls);
    SCALAR(qibo_op, qubits_offset);
    SCALAR(qibo_op, matrix_offset);
    SCALAR(qibo_op, cbit);
    SCALAR(qibo_op, flags);
    ARRAY(qibo_op, params);

    STRUCT(qibo_circuit);
    SCALAR(qibo_circuit, struct_size);
    SCALAR(qibo_circuit, n_qubits);
    SCALAR(qibo_circuit, op_size);
    SCALAR(qibo_circuit, n_ops);
    PTR(qibo_circuit, ops);
    PTR(qibo_circuit, qubits);
    SCALAR(qibo_circuit, n_qubit_refs);
    PTR(qibo_circuit, matrices);
    SCALAR(qibo_circuit, n_matrix_values);

    STRUCT(qibo_backend_info);
    SCALAR(qibo_backend_info, struct_size);
    PTR(qibo_backend_info, name);
    PTR(qibo_backend_info, version);
    PTR(qibo_backend_info, description);
    PTR(qibo_backend_info, device);
    SCALAR(qibo_backend_info, max_qubits);
    SCALAR(qibo_backend_info, precisions);
    SCALAR(qibo_backend_info, state_kinds);
    SCALAR(qibo_backend_info, max_matrix_targets);
    ARRAY(qibo_backend_info, native_ops);

    STRUCT(qibo_backend_create_args);
    SCALAR(qibo_backend_create_args, struct_size);
    PTR(qibo_backend_create_args, options);
    PTR(qibo_backend_create_args, backend);

    STRUCT(qibo_backend_get_info_args);
    SCALAR(qibo_backend_get_info_args, struct_size);
    PTR(qibo_backend_get_info_args, backend);
    PTR(qibo_backend_get_info_args, info);

    STRUCT(qibo_state_create_args);
    SCALAR(qibo_state_create_args, struct_size);
    PTR(qibo_state_create_args, backend);
    SCALAR(qibo_state_create_args, n_qubits);
    SCALAR(qibo_state_create_args, precision);
    SCALAR(qibo_state_create_args, kind);
    SCALAR(qibo_state_create_args, reserved);
    PTR(qibo_state_create_args, state);

    STRUCT(qibo_state_reset_args);
    SCALAR(qibo_state_reset_args, struct_size);
    PTR(qibo_state_reset_args, state);

    STRUCT(qibo_state_amplitudes_args);
    SCALAR(qibo_state_amplitudes_args, struct_size);
    PTR(qibo_state_amplitudes_args, state);
    SCALAR(qibo_state_amplitudes_args, offset);
    SCALAR(qibo_state_amplitudes_args, count);
    PTR(qibo_state_amplitudes_args, data);

    STRUCT(qibo_state_apply_args);
    SCALAR(qibo_state_apply_args, struct_size);
    PTR(qibo_state_apply_args, state);
    PTR(qibo_state_apply_args, circuit);
    PTR(qibo_state_apply_args, randoms);
    SCALAR(qibo_state_apply_args, n_randoms);
    PTR(qibo_state_apply_args, cbits);
    SCALAR(qibo_state_apply_args, n_cbits);

    STRUCT(qibo_state_probabilities_args);
    SCALAR(qibo_state_probabilities_args, struct_size);
    PTR(qibo_state_probabilities_args, state);
    PTR(qibo_state_probabilities_args, qubits);
    SCALAR(qibo_state_probabilities_args, n_qubits);
    SCALAR(qibo_state_probabilities_args, reserved);
    PTR(qibo_state_probabilities_args, out);

    STRUCT(qibo_state_sample_args);
    SCALAR(qibo_state_sample_args, struct_size);
    PTR(qibo_state_sample_args, state);
    PTR(qibo_state_sample_args, qubits);
    SCALAR(qibo_state_sample_args, n_qubits);
    SCALAR(qibo_state_sample_args, reserved);
    SCALAR(qibo_state_sample_args, n_shots);
    PTR(qibo_state_sample_args, randoms);
    PTR(qibo_state_sample_args, outcomes);

    STRUCT(qibo_state_copy_args);
    SCALAR(qibo_state_copy_args, struct_size);
    PTR(qibo_state_copy_args, source);
    PTR(qibo_state_copy_args, destination);

    STRUCT(qibo_state_inner_product_args);
    SCALAR(qibo_state_inner_product_args, struct_size);
    PTR(qibo_state_inner_product_args, bra);
    PTR(qibo_state_inner_product_args, ket);
    ARRAY(qibo_state_inner_product_args, out);

    STRUCT(qibo_pauli_term);
    SCALAR(qibo_pauli_term, coefficient);
    SCALAR(qibo_pauli_term, x_mask);
    SCALAR(qibo_pauli_term, y_mask);
    SCALAR(qibo_pauli_term, z_mask);

    STRUCT(qibo_state_expectation_args);
    SCALAR(qibo_state_expectation_args, struct_size);
    PTR(qibo_state_expectation_args, state);
    PTR(qibo_state_expectation_args, terms);
    SCALAR(qibo_state_expectation_args, n_terms);
    SCALAR(qibo_state_expectation_args, term_size);
    SCALAR(qibo_state_expectation_args, reserved);
    SCALAR(qibo_state_expectation_args, out);

    STRUCT(qibo_backend_api);
    SCALAR(qibo_backend_api, struct_size);
    SCALAR(qibo_backend_api, abi_major);
    SCALAR(qibo_backend_api, abi_minor);
    SLOT(qibo_backend_api, error_code);
    SLOT(qibo_backend_api, error_message);
    SLOT(qibo_backend_api, error_op_index);
    SLOT(qibo_backend_api, error_destroy);
    SLOT(qibo_backend_api, backend_create);
    SLOT(qibo_backend_api, backend_destroy);
    SLOT(qibo_backend_api, backend_get_info);
    SLOT(qibo_backend_api, state_create);
    SLOT(qibo_backend_api, state_destroy);
    SLOT(qibo_backend_api, state_reset);
    SLOT(qibo_backend_api, state_set_amplitudes);
    SLOT(qibo_backend_api, state_get_amplitudes);
    SLOT(qibo_backend_api, state_apply);
    SLOT(qibo_backend_api, state_probabilities);
    SLOT(qibo_backend_api, state_sample);
    SLOT(qibo_backend_api, state_copy);
    SLOT(qibo_backend_api, state_inner_product);
    SLOT(qibo_backend_api, state_expectation);

    STRUCT(qibo_api_request);
    SCALAR(qibo_api_request, struct_size);
    SCALAR(qibo_api_request, host_major);
    SCALAR(qibo_api_request, host_minor);
    SCALAR(qibo_api_request, backend_major);
    SCALAR(qibo_api_request, backend_minor);
    PTR(qibo_api_request, api);

    return 0;
}
