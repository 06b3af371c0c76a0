/*
 * qibo/backend.h — the QiboAccel backend ABI, version 1.
 *
 * This header is the contract between a host (the QiboAccel core, or any other
 * program) and a simulator backend shared library. It is the only file a
 * third-party backend needs. C99, no dependencies beyond <stddef.h>/<stdint.h>.
 *
 * Rules that keep the contract stable for years:
 *  - A backend exports exactly one symbol, qibo_backend_get_api(). Every other
 *    function is reached through the table it returns.
 *  - Major versions must match. Minor versions only ever append: new table
 *    slots at the end, new fields at the end of argument structs, new
 *    operation kinds, new flag bits. Nothing is removed or reordered within a
 *    major version. abi/abi-manifest.txt lists every item and the version that added it.
 *  - The table and every argument struct begin with `struct_size`, set by
 *    whoever allocates the struct. A reader never touches bytes beyond the
 *    struct_size it was handed; a writer never writes beyond it. A NULL table
 *    slot means "not supported". A struct's ABI 1.0 size, the least struct_size
 *    a reader accepts, is the end of its last member marked 1.0 in
 *    abi/abi-manifest.txt (its sizeof in this 1.0 header).
 *  - No exception, longjmp or crash crosses the boundary. Every fallible call
 *    returns a qibo_error* (NULL means success). The error object owns its
 *    message, which lives until qibo_error_destroy.
 *  - Backends are never unloaded: hosts do not dlclose them (runtimes such as
 *    NativeAOT cannot survive it), so a backend may keep process-wide state.
 *
 * Conventions (qibo's):
 *  - Qubit 0 is the MOST significant bit of a basis-state index: in a state of
 *    n qubits, X on qubit 0 maps |0...0> to index 2^(n-1).
 *  - Multi-qubit matrices index their first listed target as the most
 *    significant bit of the row/column index.
 *  - Amplitudes are interleaved (re, im) pairs of the state's precision.
 *  - Matrices and parameters always cross in double precision.
 *
 * Threading contract, written on every function below:
 *  [thread-safe]            may be called from any thread at any time.
 *  [externally synchronized: X]
 *                           the caller guarantees that no two calls using the
 *                           same object X run at once. Calls on different
 *                           objects may run concurrently on different threads,
 *                           and any thread may make the call.
 */
#ifndef QIBO_BACKEND_H
#define QIBO_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QIBO_ABI_VERSION_MAJOR 1
#define QIBO_ABI_VERSION_MINOR 1

#if defined(_WIN32)
#define QIBO_EXPORT __declspec(dllexport)
#else
#define QIBO_EXPORT __attribute__((visibility("default")))
#endif

/* ------------------------------------------------------------------------ */
/* Opaque handles                                                           */
/* ------------------------------------------------------------------------ */

/** An error: code, message and failing operation index. Owned by the caller
 *  once returned; release with qibo_backend_api.error_destroy. */
typedef struct qibo_error qibo_error;

/** A backend instance: one device, one configuration (see backend_create). */
typedef struct qibo_backend qibo_backend;

/** A quantum state living in backend-owned memory (host or device). */
typedef struct qibo_state qibo_state;

/* ------------------------------------------------------------------------ */
/* Enumerations (all cross as uint32_t)                                      */
/* ------------------------------------------------------------------------ */

/**
 * Errors: which code for which fault. Every conforming backend answers alike, and
 * the conformance kit checks each of these:
 *
 * QIBO_ERROR_INVALID_ARGUMENT, a malformed request:
 *  - any call: a NULL args struct, a struct_size below the struct's ABI 1.0 size
 *    (an info struct too; it is then left untouched, never partly filled), a
 *    NULL handle or one that is not a live object of this backend;
 *  - state_create: n_qubits = 0, an unknown precision or state kind, reserved != 0;
 *  - amplitudes: a range outside the state, data NULL with count > 0;
 *  - state_apply, the circuit (op index -1, nothing applied): NULL, a struct_size
 *    below 1.0's, n_qubits different from the state's, op_size below 64 or not a
 *    multiple of 8, a NULL array with a non-zero count;
 *  - state_apply, one record (op index = the record's; the records before it stay
 *    applied): kind 0 (QIBO_OP_INVALID: a zeroed record), a kind of 128 or more,
 *    any flag bit (ABI 1.0 defines none: never ignore them), a wrong number of
 *    targets (MEASURE: exactly 1 and no controls), a qubit out of range or listed
 *    twice, qubits or matrix values beyond the circuit's arrays, a MEASURE with no
 *    random number left (too few randoms), a random number outside [0, 1) or NaN,
 *    cbit < -1, cbit >= 0 with cbits NULL or cbit >= n_cbits (a missing
 *    classical bit), a MEASURE on a state of norm 0;
 *  - state_probabilities, state_sample: a qubit out of range or listed twice,
 *    reserved != 0, out/randoms/outcomes NULL, a random number outside [0, 1),
 *    sampling a state of norm 0.
 * QIBO_ERROR_UNSUPPORTED, a valid request this backend cannot do: a record kind in
 *    1..127 not declared in native_ops (the message names it), a MATRIX above
 *    max_matrix_targets, state_create above max_qubits, with a precision not in
 *    precisions, or of a density matrix.
 * QIBO_ERROR_OUT_OF_MEMORY, QIBO_ERROR_DEVICE, QIBO_ERROR_INTERNAL: as below.
 * Messages name what failed: the function, the record (index, kind, targets and
 * controls) and the offending value.
 */
typedef enum qibo_error_code {
    QIBO_OK = 0,
    QIBO_ERROR_INVALID_ARGUMENT = 1, /* bad pointer, size, qubit, kind, ... */
    QIBO_ERROR_UNSUPPORTED = 2,      /* valid request this backend cannot do */
    QIBO_ERROR_OUT_OF_MEMORY = 3,    /* host or device allocation failed */
    QIBO_ERROR_VERSION_MISMATCH = 4, /* ABI major versions differ */
    QIBO_ERROR_DEVICE = 5,           /* driver or device failure */
    QIBO_ERROR_INTERNAL = 6          /* a bug in the backend */
} qibo_error_code;

/** Precisions; values are bits so capability masks can OR them. */
typedef enum qibo_precision {
    QIBO_PRECISION_COMPLEX128 = 1, /* interleaved double pairs (default) */
    QIBO_PRECISION_COMPLEX64 = 2   /* interleaved float pairs */
} qibo_precision;

/** State kinds; capability masks use bit (1u << kind). */
typedef enum qibo_state_kind {
    QIBO_STATE_VECTOR = 0,
    /* Reserved for ABI 1.x: a 2^n x 2^n density matrix, row qubits first.
     * A v1.0 backend refuses it with QIBO_ERROR_UNSUPPORTED. Until backends
     * declare it, hosts simulate rho on n qubits as a QIBO_STATE_VECTOR of 2n
     * qubits (index (row << n) | column): a gate U becomes U on the row qubits
     * and conj(U) on the column qubits, a channel {K_i} one MATRIX record of
     * sum_i K_i (x) conj(K_i) on both copies. */
    QIBO_STATE_DENSITY_MATRIX = 1
} qibo_state_kind;

/**
 * Operation kinds. Capability masks (qibo_backend_info.native_ops) use bit
 * (kind % 64) of word (kind / 64).
 *
 * Every backend must implement QIBO_OP_MATRIX and QIBO_OP_MEASURE; the host
 * lowers every other kind to QIBO_OP_MATRIX when the backend does not declare
 * it native. Targets and parameters (params[]):
 *
 *  kind               targets  params / matrix
 *  MATRIX             k >= 1   matrix: 2^k x 2^k, row-major, complex128; NOT
 *                              necessarily unitary (hosts send projectors and
 *                              channel superoperators): apply it as given
 *  DIAGONAL           k >= 1   matrix: the 2^k diagonal entries, complex128
 *  MEASURE            1        cbit; consumes one host random number
 *  I H X Y Z S SDG T TDG SX SXDG
 *                     1        -
 *  RX RY RZ U1        1        params[0] = theta
 *  U2                 1        params[0] = phi, params[1] = lambda
 *  U3                 1        params[0] = theta, params[1] = phi, params[2] = lambda
 *  SWAP ISWAP FSWAP   2        -
 *  FSIM               2        params[0] = theta, params[1] = phi
 *  GENERALIZED_FSIM   2        matrix: the 2x2 block u (row-major); params[0] = phi
 *  RXX RYY RZZ        2        params[0] = theta
 *
 * The matrices, exactly (qibo 0.2.16's; rows top to bottom; c = cos(theta/2),
 * s = sin(theta/2), e(x) = exp(i x); a 2-qubit matrix indexes its first target
 * as the most significant bit):
 *  I      [[1, 0], [0, 1]]
 *  H      [[1, 1], [1, -1]] / sqrt(2)
 *  X      [[0, 1], [1, 0]]
 *  Y      [[0, -i], [i, 0]]
 *  Z      [[1, 0], [0, -1]]
 *  S      [[1, 0], [0, i]]              SDG  [[1, 0], [0, -i]]
 *  T      [[1, 0], [0, e(pi/4)]]        TDG  [[1, 0], [0, e(-pi/4)]]
 *  SX     [[1+i, 1-i], [1-i, 1+i]] / 2  (a square root of X)
 *  SXDG   [[1-i, 1+i], [1+i, 1-i]] / 2  (the inverse of SX)
 *  RX     [[c, -i s], [-i s, c]]                  = exp(-i theta X / 2)
 *  RY     [[c, -s], [s, c]]                       = exp(-i theta Y / 2)
 *  RZ     [[e(-theta/2), 0], [0, e(theta/2)]]     = exp(-i theta Z / 2)
 *  U1     [[1, 0], [0, e(theta)]]
 *  U2     [[e(-(phi+lambda)/2), -e(-(phi-lambda)/2)],
 *          [e((phi-lambda)/2),   e((phi+lambda)/2)]] / sqrt(2)   = U3(pi/2, phi, lambda)
 *  U3     [[e(-(phi+lambda)/2) c, -e(-(phi-lambda)/2) s],
 *          [e((phi-lambda)/2) s,   e((phi+lambda)/2) c]]         = RZ(phi) RY(theta) RZ(lambda)
 *         NOTE: OpenQASM's u3(theta, phi, lambda) = [[c, -e(lambda) s], [e(phi) s,
 *         e(phi+lambda) c]] is e((phi+lambda)/2) times this U3: a different phase,
 *         which becomes a relative phase under controls; likewise U2 (OpenQASM's u1
 *         equals U1).
 *  SWAP   [[1,0,0,0], [0,0,1,0], [0,1,0,0], [0,0,0,1]]
 *  ISWAP  [[1,0,0,0], [0,0,i,0], [0,i,0,0], [0,0,0,1]]
 *  FSWAP  [[1,0,0,0], [0,0,1,0], [0,1,0,0], [0,0,0,-1]]
 *  FSIM   [[1,0,0,0], [0,cos(theta),-i sin(theta),0], [0,-i sin(theta),cos(theta),0],
 *          [0,0,0,e(-phi)]]                       (theta, not theta/2)
 *  GENERALIZED_FSIM
 *         [[1,0,0,0], [0,u[0],u[1],0], [0,u[2],u[3],0], [0,0,0,e(-phi)]]
 *  RXX    [[c,0,0,-i s], [0,c,-i s,0], [0,-i s,c,0], [-i s,0,0,c]]  = exp(-i theta X(x)X / 2)
 *  RYY    [[c,0,0, i s], [0,c,-i s,0], [0,-i s,c,0], [ i s,0,0,c]]  = exp(-i theta Y(x)Y / 2)
 *  RZZ    diag(e(-theta/2), e(theta/2), e(theta/2), e(-theta/2))   = exp(-i theta Z(x)Z / 2)
 *
 * Any kind except MEASURE may carry controls (n_controls >= 0); the operation
 * then acts only on basis states whose control qubits are all 1 (qibo's CNOT is
 * X with one control, TOFFOLI X with two, CCZ Z with two, CU3 U3 with one, ...).
 *
 * MEASURE semantics (identical on every conforming backend, so that the same
 * random numbers give the same outcomes): with r the next unused entry of
 * qibo_state_apply_args.randoms and p0 = P0 / (P0 + P1), where P0 and P1 are the
 * sums of |amplitude|^2 over the amplitudes whose target qubit reads 0 and 1
 * (formed in double, as state_probabilities does, also for complex64), the
 * outcome is 1 if r >= p0, else 0 (r equal to p0 reads 1). The state collapses
 * onto the outcome and is renormalised to norm 1; if cbit >= 0, cbits[cbit]
 * receives the outcome.
 *
 * A kind in 1..127 the backend does not implement (not in its native_ops, or one
 * from a later minor version) is refused with QIBO_ERROR_UNSUPPORTED naming it;
 * kind 0 and kinds of 128 or more are QIBO_ERROR_INVALID_ARGUMENT (see "Errors").
 */
typedef enum qibo_op_kind {
    QIBO_OP_INVALID = 0, /* a zeroed record is always an error */
    QIBO_OP_MATRIX = 1,
    QIBO_OP_DIAGONAL = 2,
    QIBO_OP_MEASURE = 3,

    QIBO_OP_I = 8,
    QIBO_OP_H = 9,
    QIBO_OP_X = 10,
    QIBO_OP_Y = 11,
    QIBO_OP_Z = 12,
    QIBO_OP_S = 13,
    QIBO_OP_SDG = 14,
    QIBO_OP_T = 15,
    QIBO_OP_TDG = 16,
    QIBO_OP_SX = 17,
    QIBO_OP_SXDG = 18,
    QIBO_OP_RX = 19,
    QIBO_OP_RY = 20,
    QIBO_OP_RZ = 21,
    QIBO_OP_U1 = 22,
    QIBO_OP_U2 = 23,
    QIBO_OP_U3 = 24,
    QIBO_OP_SWAP = 25,
    QIBO_OP_ISWAP = 26,
    QIBO_OP_FSWAP = 27,
    QIBO_OP_FSIM = 28,
    QIBO_OP_GENERALIZED_FSIM = 29,
    QIBO_OP_RXX = 30,
    QIBO_OP_RYY = 31,
    QIBO_OP_RZZ = 32,

    /* 64..127 are reserved for noise channels and density-matrix operations
     * (Kraus, unitary, Pauli, depolarizing, amplitude/phase damping, thermal
     * relaxation, reset, readout error) in ABI 1.x. */
    QIBO_OP_KIND_COUNT = 128 /* capability masks cover kinds 0..127 */
} qibo_op_kind;

/* ------------------------------------------------------------------------ */
/* Circuits: a flat array of fixed-size records                              */
/* ------------------------------------------------------------------------ */

/**
 * One operation. Records are read with the stride qibo_circuit.op_size, so a
 * later minor version may append fields; a backend reads only the fields it
 * knows. 64 bytes in ABI 1.0.
 */
typedef struct qibo_op {
    uint32_t kind;          /* qibo_op_kind */
    uint32_t n_targets;
    uint32_t n_controls;
    uint32_t qubits_offset; /* into qibo_circuit.qubits: n_targets targets,
                               then n_controls controls */
    int64_t matrix_offset;  /* into qibo_circuit.matrices, in complex values;
                               -1 when the kind takes no matrix */
    int32_t cbit;           /* classical bit written by MEASURE; -1 for none */
    uint32_t flags;         /* must be 0 in ABI 1.0; backends refuse unknown bits */
    double params[4];       /* see qibo_op_kind */
} qibo_op;

/** A batch of operations, applied in order by state_apply. */
typedef struct qibo_circuit {
    size_t struct_size;
    uint32_t n_qubits;      /* must equal the state's qubit count */
    uint32_t op_size;       /* stride of ops in bytes: >= 64 and a multiple of 8 */
    uint64_t n_ops;
    const void* ops;        /* n_ops records of op_size bytes */
    const uint32_t* qubits; /* qubit indices referenced by the records */
    uint64_t n_qubit_refs;
    const double* matrices; /* interleaved (re, im) complex128 values */
    uint64_t n_matrix_values; /* number of complex values in matrices */
} qibo_circuit;

/* ------------------------------------------------------------------------ */
/* Capabilities                                                              */
/* ------------------------------------------------------------------------ */

/** Filled by backend_get_info. Strings are UTF-8 and live as long as the
 *  backend instance. */
typedef struct qibo_backend_info {
    size_t struct_size;
    const char* name;        /* short name, e.g. "cpu" */
    const char* version;     /* backend version, e.g. "0.1.0" */
    const char* description; /* one line for humans */
    const char* device;      /* what this instance runs on, e.g. "2 threads, AVX2" */
    uint32_t max_qubits;     /* largest state vector the backend accepts */
    uint32_t precisions;     /* OR of qibo_precision */
    uint32_t state_kinds;    /* OR of (1u << qibo_state_kind) */
    uint32_t max_matrix_targets; /* largest MATRIX op; 0 = no limit */
    uint64_t native_ops[2];  /* bit k set: kind k implemented natively */
} qibo_backend_info;

/* ------------------------------------------------------------------------ */
/* Argument structs (each begins with struct_size; outputs marked [out])     */
/* ------------------------------------------------------------------------ */

typedef struct qibo_backend_create_args {
    size_t struct_size;
    const char* options;   /* UTF-8, backend-defined, may be NULL or "" (defaults).
                              e.g. "threads=2" for cpu, "opencl:0" for gpu */
    qibo_backend* backend; /* [out] */
} qibo_backend_create_args;

typedef struct qibo_backend_get_info_args {
    size_t struct_size;
    qibo_backend* backend;
    qibo_backend_info* info; /* [out] caller allocates and sets info->struct_size;
                                below ABI 1.0's size: QIBO_ERROR_INVALID_ARGUMENT,
                                and the struct is left untouched */
} qibo_backend_get_info_args;

typedef struct qibo_state_create_args {
    size_t struct_size;
    qibo_backend* backend;
    uint32_t n_qubits;     /* 1..max_qubits */
    uint32_t precision;    /* qibo_precision */
    uint32_t kind;         /* qibo_state_kind */
    uint32_t reserved;     /* 0 */
    qibo_state* state;     /* [out] initialised to |0...0> */
} qibo_state_create_args;

typedef struct qibo_state_reset_args {
    size_t struct_size;
    qibo_state* state;
} qibo_state_reset_args;

/** Amplitudes [offset, offset + count) copied between the state and a caller
 *  buffer of count interleaved (re, im) pairs in the state's precision. */
typedef struct qibo_state_amplitudes_args {
    size_t struct_size;
    qibo_state* state;
    uint64_t offset;
    uint64_t count;
    void* data;            /* read by set_amplitudes, written by get_amplitudes */
} qibo_state_amplitudes_args;

typedef struct qibo_state_apply_args {
    size_t struct_size;
    qibo_state* state;
    const qibo_circuit* circuit;
    const double* randoms; /* uniform [0, 1) numbers consumed by MEASURE, in order */
    uint64_t n_randoms;
    uint8_t* cbits;        /* [out] classical bits written by MEASURE; may be NULL
                              when no op has cbit >= 0 */
    uint64_t n_cbits;
} qibo_state_apply_args;

/** Marginal probabilities of the listed qubits: out[i] for i in [0, 2^n),
 *  the first listed qubit being the most significant bit of i, is the sum of
 *  |amplitude|^2 = re^2 + im^2 over the amplitudes whose listed qubits read i,
 *  AS STORED: not normalised (after non-unitary MATRIX records the norm is not 1,
 *  and hosts read it from these sums). Always double: for complex64 states too,
 *  each stored float is widened to double and the squares are summed in double,
 *  so no term is lost to float rounding. */
typedef struct qibo_state_probabilities_args {
    size_t struct_size;
    qibo_state* state;
    const uint32_t* qubits;
    uint32_t n_qubits;
    uint32_t reserved;     /* 0 */
    double* out;           /* [out] 2^n_qubits values */
} qibo_state_probabilities_args;

/**
 * Samples the listed qubits without changing the state. For shot s, with
 * r = randoms[s] and p the marginal distribution (indexed, formed and summed as in
 * state_probabilities: raw sums in double, complex64 included), outcomes[s] is the
 * smallest i with r * sum(p) < p[0] + ... + p[i] -- strictly less: when r * sum(p)
 * equals p[0] + ... + p[k], the outcome is after k -- summed in increasing i in
 * double precision; when rounding leaves no such i (r just below 1), the largest i
 * with p[i] > 0. Same numbers, same shots. Random numbers outside [0, 1) and a
 * state of norm 0 are QIBO_ERROR_INVALID_ARGUMENT.
 *
 * What "same numbers, same shots" promises: the outcomes are a function of the
 * random numbers and of the STORED amplitudes only. In complex128, conforming
 * backends hold the same state up to double rounding, so their shots agree. In
 * complex64, backends hold states that differ by float rounding (their gate
 * kernels round differently: fused gates, FMA), and a shot whose r * sum(p) lies
 * within that rounding of a cumulative sum can differ between backends: on a
 * distribution spread over many outcomes (a QFT of 18 qubits: 2^18 equal
 * probabilities) a few percent of the shots. The same backend with the same seed
 * always gives the same complex64 shots; compare backends shot by shot in
 * complex128.
 */
typedef struct qibo_state_sample_args {
    size_t struct_size;
    qibo_state* state;
    const uint32_t* qubits;
    uint32_t n_qubits;
    uint32_t reserved;     /* 0 */
    uint64_t n_shots;
    const double* randoms; /* n_shots uniform [0, 1) numbers */
    uint64_t* outcomes;    /* [out] n_shots indices into the marginal */
} qibo_state_sample_args;

/* ------------------------------------------------------------------------ */
/* ABI 1.1: state copies, inner products and expectation values              */
/* ------------------------------------------------------------------------ */

/** [ABI 1.1] Copies every amplitude of source into destination. Both states
 *  come from the same backend instance and have the same n_qubits and
 *  precision (QIBO_ERROR_INVALID_ARGUMENT otherwise); source == destination is
 *  allowed and does nothing. */
typedef struct qibo_state_copy_args {
    size_t struct_size;
    qibo_state* source;
    qibo_state* destination;
} qibo_state_copy_args;

/** [ABI 1.1] <bra|ket> = sum_i conj(bra[i]) * ket[i], accumulated in double
 *  precision (complex64 amplitudes are widened first). Both states come from the
 *  same backend instance and have the same n_qubits and precision
 *  (QIBO_ERROR_INVALID_ARGUMENT otherwise); bra == ket is allowed (the squared
 *  norm). Neither state changes. */
typedef struct qibo_state_inner_product_args {
    size_t struct_size;
    qibo_state* bra;
    qibo_state* ket;
    double out[2];          /* [out] real and imaginary part */
} qibo_state_inner_product_args;

/**
 * [ABI 1.1] One term of a real sum of Pauli strings: coefficient * P, where P
 * is X on the qubits of x_mask, Y on those of y_mask and Z on those of z_mask
 * (bit q of a mask is qubit q, qubit 0 being the most significant bit of a
 * state index, as everywhere). The masks are disjoint and name qubits below the
 * state's n_qubits; all three 0 is the identity (a constant term). With
 * Y|0> = i|1>, Y|1> = -i|0>: P|b> = i^popcount(y_mask) * (-1)^popcount(b & (y_mask | z_mask))
 * |b XOR (x_mask | y_mask)>, in index bits. 32 bytes in ABI 1.1; read with the
 * stride qibo_state_expectation_args.term_size, so terms can grow.
 */
typedef struct qibo_pauli_term {
    double coefficient;
    uint64_t x_mask;
    uint64_t y_mask;
    uint64_t z_mask;
} qibo_pauli_term;

/** [ABI 1.1] sum_t coefficient_t * <psi|P_t|psi> on the backend's own memory
 *  (nothing is copied out): a real number (each <psi|P|psi> of a Hermitian P is
 *  real; the imaginary rounding is dropped), accumulated in double, NOT divided
 *  by <psi|psi> (like state_probabilities). Overlapping masks, a qubit at or
 *  above n_qubits, a NULL terms pointer with n_terms > 0, a term_size below 32 or
 *  not a multiple of 8 and a non-finite coefficient are
 *  QIBO_ERROR_INVALID_ARGUMENT. n_terms = 0 gives 0. The state does not change. */
typedef struct qibo_state_expectation_args {
    size_t struct_size;
    qibo_state* state;
    const void* terms;      /* n_terms records of term_size bytes (qibo_pauli_term) */
    uint64_t n_terms;
    uint32_t term_size;     /* >= 32 and a multiple of 8 */
    uint32_t reserved;      /* 0 */
    double out;             /* [out] */
} qibo_state_expectation_args;

/* ------------------------------------------------------------------------ */
/* The function table                                                        */
/* ------------------------------------------------------------------------ */

typedef struct qibo_backend_api {
    size_t struct_size;
    uint32_t abi_major;    /* QIBO_ABI_VERSION_MAJOR the backend was built with */
    uint32_t abi_minor;    /* QIBO_ABI_VERSION_MINOR the backend was built with */

    /* Errors. [thread-safe]; one error object is not shared between threads.
     * On NULL (success): error_code gives QIBO_OK, error_message "", error_op_index -1,
     * and error_destroy does nothing. */
    /** A qibo_error_code (enums cross as uint32_t: C leaves enum sizes to the compiler). */
    uint32_t (*error_code)(const qibo_error* error);
    /** UTF-8, valid until error_destroy. Never NULL. */
    const char* (*error_message)(const qibo_error* error);
    /** Index of the failing operation in the circuit passed to state_apply,
     *  or -1 when the error is not about one operation. */
    int64_t (*error_op_index)(const qibo_error* error);
    void (*error_destroy)(qibo_error* error);

    /* Backend instances. */
    /** [thread-safe] */
    qibo_error* (*backend_create)(qibo_backend_create_args* args);
    /** [externally synchronized: backend] The caller destroys the backend's
     *  states first. NULL is ignored. */
    void (*backend_destroy)(qibo_backend* backend);
    /** [thread-safe] */
    qibo_error* (*backend_get_info)(qibo_backend_get_info_args* args);

    /* States. */
    /** [thread-safe] */
    qibo_error* (*state_create)(qibo_state_create_args* args);
    /** [externally synchronized: state] NULL is ignored. */
    void (*state_destroy)(qibo_state* state);
    /** [externally synchronized: state] */
    qibo_error* (*state_reset)(qibo_state_reset_args* args);
    /** [externally synchronized: state] */
    qibo_error* (*state_set_amplitudes)(qibo_state_amplitudes_args* args);
    /** [externally synchronized: state] */
    qibo_error* (*state_get_amplitudes)(qibo_state_amplitudes_args* args);
    /** [externally synchronized: state] Applies the circuit's operations in
     *  order. On error, the failing op's index is in the error and the state
     *  holds the result of the operations before it. */
    qibo_error* (*state_apply)(qibo_state_apply_args* args);
    /** [externally synchronized: state] */
    qibo_error* (*state_probabilities)(qibo_state_probabilities_args* args);
    /** [externally synchronized: state] */
    qibo_error* (*state_sample)(qibo_state_sample_args* args);

    /* ABI 1.1 (optional: a host checks QIBO_API_HAS and falls back to
     * amplitudes when the slot is missing or NULL). */
    /** [externally synchronized: source, destination] */
    qibo_error* (*state_copy)(qibo_state_copy_args* args);
    /** [externally synchronized: bra, ket] */
    qibo_error* (*state_inner_product)(qibo_state_inner_product_args* args);
    /** [externally synchronized: state] */
    qibo_error* (*state_expectation)(qibo_state_expectation_args* args);
} qibo_backend_api;

/* ------------------------------------------------------------------------ */
/* The one exported symbol                                                   */
/* ------------------------------------------------------------------------ */

/** Version handshake, Vulkan-style in/out. */
typedef struct qibo_api_request {
    size_t struct_size;
    uint32_t host_major;     /* in: QIBO_ABI_VERSION_MAJOR of the host */
    uint32_t host_minor;     /* in: QIBO_ABI_VERSION_MINOR of the host */
    uint32_t backend_major;  /* [out] always written when struct_size allows */
    uint32_t backend_minor;  /* [out] */
    const qibo_backend_api* api; /* [out] NULL unless the majors match */
} qibo_api_request;

/**
 * [thread-safe] The only symbol a backend exports (besides whatever its language
 * runtime must export, e.g. NativeAOT's DotNetRuntimeDebugHeader). Returns (as uint32_t) QIBO_OK and sets
 * request->api when request->host_major equals the backend's major version;
 * QIBO_ERROR_VERSION_MISMATCH (with backend_major/minor filled in) when it
 * does not; QIBO_ERROR_INVALID_ARGUMENT for a NULL or undersized request.
 * The table lives for the life of the process.
 */
typedef uint32_t (*qibo_backend_get_api_fn)(qibo_api_request* request);
QIBO_EXPORT uint32_t qibo_backend_get_api(qibo_api_request* request);

/** True when the table handed back is large enough to hold slot `field`
 *  (a slot appended by a later minor version may be missing). */
#define QIBO_API_HAS(api, field) \
    ((api)->struct_size >= offsetof(qibo_backend_api, field) + sizeof((api)->field) && (api)->field != NULL)

#ifdef __cplusplus
}
#endif

#endif /* QIBO_BACKEND_H */
