/*
 * qibo/qiboaccel.h — the QiboAccel C API, version 1.1: the core of the suite (circuits, OpenQASM 2.0,
 * execution with shots, noise and density matrices, expectation values, backend discovery and loading)
 * as the shared library libqiboaccel.so. C99, no dependencies beyond <stddef.h>/<stdint.h>.
 *
 * This is the other side of backend.h: backend.h is what a simulator implements, this header is what a
 * program in C, Python (ctypes), Julia or Rust calls to run circuits on any of them.
 *
 *   qiboaccel_backend* backend;  qiboaccel_circuit* circuit;  qiboaccel_error* err;
 *   err = qiboaccel_backend_load("cpu", &backend);
 *   err = qiboaccel_circuit_from_qasm_file("bell.qasm", &circuit);
 *   qiboaccel_execute_args args = { .struct_size = sizeof args };  args.shots = 1000;  args.seed = 7;
 *   args.flags = QIBOACCEL_EXECUTE_SEED;
 *   err = qiboaccel_execute(backend, circuit, &args);          // args.result: amplitudes, frequencies, ...
 *   if (err) { puts(qiboaccel_error_get_message(err)); qiboaccel_error_destroy(err); }
 *
 * Why a set of prefixed functions and not one exported entry point (backend.h exports one symbol that
 * returns a function table): backend.h has many implementations, loaded at run time side by side, so
 * each is reached through a table it hands out after a version handshake. This API has exactly one
 * implementation, which programs link against (-lqiboaccel) or open once by name (ctypes, Julia's
 * ccall): named functions are what those tools call, and what a reader of a stack trace sees. The
 * stability rules are the same:
 *  - Major versions break, minor versions only append: new functions, new fields at the end of
 *    argument structs, new flag bits, new enum values. Nothing is removed, renamed or re-typed within a
 *    major version; abi/qiboaccel-manifest.txt lists every item and the version that added it.
 *    qiboaccel_api_version() tells a program which minor version the library it runs against has, before
 *    it calls a function marked "since 1.x" below.
 *  - Every argument and info struct begins with `struct_size`, set by the caller to sizeof(the struct it
 *    was compiled with). The library reads and writes only the bytes that size covers, and fills a
 *    field it cannot (a struct from an older header lacks it) with nothing at all; a size smaller than
 *    the 1.0 struct is QIBOACCEL_ERROR_INVALID_ARGUMENT. Arrays of records (qiboaccel_gate_record)
 *    travel with their record size, so records can grow too.
 *  - Errors are objects. Every fallible call returns qiboaccel_error* (NULL = success) with a code and
 *    a one-line message — the same line the qiboaccel command prints, e.g.
 *    "bell.qasm:7:3: unknown gate 'hx'" — that lives until qiboaccel_error_destroy. No exception,
 *    longjmp or crash crosses the boundary: every function catches everything. [out] parameters are
 *    written only on success (handles: set to NULL on failure).
 *  - Handles are checked: NULL, a handle of the wrong type and a destroyed handle are errors
 *    (INVALID_ARGUMENT), never a crash. Handle values are never reused within a process.
 *  - Strings are UTF-8 and NUL-terminated. Strings and arrays handed out by the library (in *_info
 *    structs) live as long as the object they describe.
 *
 * Conventions (qibo's, as in backend.h):
 *  - Qubit 0 is the MOST significant bit of a basis-state index.
 *  - Gate matrices are qibo's; multi-qubit matrices index their first listed target as the most
 *    significant bit. Complex numbers are interleaved (re, im) doubles, always double precision here.
 *  - An outcome (a shot) is an integer whose binary digits, written with n_bits digits, are the
 *    bitstring keys of the C# API and of `qiboaccel run --json`: the first sampled qubit (or bit 0 of a
 *    classical register) is the most significant digit.
 *  - The same seed gives the same shots on every backend and through every binding (C#, C, Python).
 *
 * Threading, written on every function:
 *  [thread-safe]            may be called from any thread at any time, also on the same object.
 *  [externally synchronized: X]
 *                           no two calls using the same object X may run at once; calls on
 *                           different objects may run concurrently, from any thread.
 *  Backends and results are immutable after creation: every call on them is [thread-safe], and several
 *  threads may execute circuits on one backend at once. Circuits are built by one thread at a time;
 *  executing a circuit only reads it, so several threads may execute one circuit as long as none adds
 *  to it meanwhile. Python's ctypes releases the GIL during every call.
 *
 * Lifetime: libqiboaccel.so and the backend libraries it loads are never unloaded (NativeAOT runtimes
 * cannot survive dlclose; the library is linked with -z nodelete). Destroying objects frees their memory.
 *
 * Backends are found as `qiboaccel backends` finds them: $QIBOACCEL_BACKEND_PATH, then backends/ beside
 * libqiboaccel.so and beside its parent folder (build/lib -> build/backends), then
 * ~/.local/share/qiboaccel/backends, /usr/local/share/qiboaccel/backends, /usr/share/qiboaccel/backends.
 *
 * Version 1.1 (variational work) appended, without changing anything of 1.0: symbolic circuit parameters
 * (qiboaccel_circuit_add_parameter; gate parameters affine in them through param_symbols and
 * param_coefficients at the end of qiboaccel_gate_args and qiboaccel_gate_batch; OpenQASM's
 * `input angle NAME;` declares them too), their values at the end of qiboaccel_execute_args, parameter
 * sweeps (qiboaccel_sweep: one circuit lowered once, many parameter sets), gradients of an expectation
 * value (qiboaccel_gradient: adjoint differentiation, or parameter shift) and expectation values evaluated
 * on a backend's own memory (qiboaccel_state_expectation). A 1.0 caller's smaller structs still work: the
 * fields it lacks read as zero. QIBOACCEL_GATE_RECORD_FLAGS_V1_0 is the set of record flag bits accepted
 * (none).
 */
#ifndef QIBOACCEL_H
#define QIBOACCEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QIBOACCEL_API_VERSION_MAJOR 1
#define QIBOACCEL_API_VERSION_MINOR 1

#if defined(_WIN32)
#define QIBOACCEL_API __declspec(dllimport)
#else
#define QIBOACCEL_API __attribute__((visibility("default")))
#endif

/* ------------------------------------------------------------------------ */
/* Opaque handles                                                           */
/* ------------------------------------------------------------------------ */

/** An error: a code and a one-line message. Owned by the caller; release with qiboaccel_error_destroy. */
typedef struct qiboaccel_error qiboaccel_error;
/** A loaded backend (one device, one configuration). */
typedef struct qiboaccel_backend qiboaccel_backend;
/** A circuit: qubits, classical registers and operations. */
typedef struct qiboaccel_circuit qiboaccel_circuit;
/** What one execution produced: final state, shots, timings. Immutable. */
typedef struct qiboaccel_result qiboaccel_result;
/** The installed backends, as found by discovery. Immutable. */
typedef struct qiboaccel_backend_list qiboaccel_backend_list;

/* ------------------------------------------------------------------------ */
/* Enumerations and flags (all cross as uint32_t)                            */
/* ------------------------------------------------------------------------ */

typedef enum qiboaccel_error_code {
    QIBOACCEL_OK = 0,
    QIBOACCEL_ERROR_INVALID_ARGUMENT = 1, /* bad handle, pointer, size, qubit, gate, parameter ... */
    QIBOACCEL_ERROR_UNSUPPORTED = 2,      /* valid request the backend cannot do (precision, qubits) */
    QIBOACCEL_ERROR_OUT_OF_MEMORY = 3,    /* the state does not fit (the message gives the sizes) */
    QIBOACCEL_ERROR_VERSION_MISMATCH = 4, /* a backend speaks another ABI major version */
    QIBOACCEL_ERROR_DEVICE = 5,           /* driver or device failure reported by a backend */
    QIBOACCEL_ERROR_INTERNAL = 6,         /* a bug in the library or a backend */
    QIBOACCEL_ERROR_PARSE = 7,            /* OpenQASM, observable or noise-model syntax: file:line:column */
    QIBOACCEL_ERROR_IO = 8,               /* a file could not be found or read */
    QIBOACCEL_ERROR_BACKEND_NOT_FOUND = 9 /* no installed backend of that name (message lists them) */
} qiboaccel_error_code;

/** Precisions; values are bits (and equal backend.h's qibo_precision), so masks can OR them. */
typedef enum qiboaccel_precision {
    QIBOACCEL_PRECISION_DOUBLE = 1, /* complex128 (the default) */
    QIBOACCEL_PRECISION_SINGLE = 2  /* complex64: half the memory; results still cross as double */
} qiboaccel_precision;

/**
 * qibo's gates. Values are frozen. Qubits are given in qibo's constructor order: built-in controls
 * first, then targets (CNOT(control, target), TOFFOLI(c1, c2, target), CU3(control, target)). Any gate
 * may carry extra controls (qibo's controlled_by). Parameters in qibo's order (U3: theta, phi, lambda).
 *
 *  gate                                   qubits  params
 *  H X Y Z S SDG T TDG SX SXDG I          1       -
 *  RX RY RZ U1                            1       theta
 *  U2                                     1       phi, lambda
 *  U3                                     1       theta, phi, lambda
 *  CNOT CY CZ CH CSX                      2       -
 *  CRX CRY CRZ CU1                        2       theta
 *  CU2                                    2       phi, lambda
 *  CU3                                    2       theta, phi, lambda
 *  SWAP ISWAP FSWAP                       2       -
 *  FSIM                                   2       theta, phi
 *  GENERALIZED_FSIM                       2       phi; matrix: the 2x2 unitary block
 *  RXX RYY RZZ                            2       theta
 *  TOFFOLI CCZ                            3       -
 *  UNITARY                                k >= 1  matrix: 2^k x 2^k, row-major (checked for size only)
 */
typedef enum qiboaccel_gate {
    QIBOACCEL_GATE_H = 0, QIBOACCEL_GATE_X = 1, QIBOACCEL_GATE_Y = 2, QIBOACCEL_GATE_Z = 3,
    QIBOACCEL_GATE_S = 4, QIBOACCEL_GATE_SDG = 5, QIBOACCEL_GATE_T = 6, QIBOACCEL_GATE_TDG = 7,
    QIBOACCEL_GATE_SX = 8, QIBOACCEL_GATE_SXDG = 9, QIBOACCEL_GATE_I = 10,
    QIBOACCEL_GATE_RX = 11, QIBOACCEL_GATE_RY = 12, QIBOACCEL_GATE_RZ = 13,
    QIBOACCEL_GATE_U1 = 14, QIBOACCEL_GATE_U2 = 15, QIBOACCEL_GATE_U3 = 16,
    QIBOACCEL_GATE_CNOT = 17, QIBOACCEL_GATE_CY = 18, QIBOACCEL_GATE_CZ = 19, QIBOACCEL_GATE_CH = 20,
    QIBOACCEL_GATE_CSX = 21, QIBOACCEL_GATE_CRX = 22, QIBOACCEL_GATE_CRY = 23, QIBOACCEL_GATE_CRZ = 24,
    QIBOACCEL_GATE_CU1 = 25, QIBOACCEL_GATE_CU2 = 26, QIBOACCEL_GATE_CU3 = 27,
    QIBOACCEL_GATE_SWAP = 28, QIBOACCEL_GATE_ISWAP = 29, QIBOACCEL_GATE_FSWAP = 30,
    QIBOACCEL_GATE_FSIM = 31, QIBOACCEL_GATE_GENERALIZED_FSIM = 32,
    QIBOACCEL_GATE_RXX = 33, QIBOACCEL_GATE_RYY = 34, QIBOACCEL_GATE_RZZ = 35,
    QIBOACCEL_GATE_TOFFOLI = 36, QIBOACCEL_GATE_CCZ = 37,
    QIBOACCEL_GATE_UNITARY = 38,
    QIBOACCEL_GATE_COUNT = 39 /* one past the last gate of this version; grows in 1.x */
} qiboaccel_gate;

/** qiboaccel_execute_args.flags */
#define QIBOACCEL_EXECUTE_SEED           0x1u /* use args.seed; without it a seed is drawn and reported */
#define QIBOACCEL_EXECUTE_DENSITY_MATRIX 0x2u /* simulate rho (exact noise); see README "Noise ..." */
#define QIBOACCEL_EXECUTE_NO_STATE       0x4u /* do not keep the final state (saves 2^n x 16 bytes) */

/** qiboaccel_backends_list flags */
#define QIBOACCEL_LIST_PROBE 0x1u /* load each backend to report whether it works, and why not */

/** qiboaccel_gate_record.flags bits accepted by this version (others are INVALID_ARGUMENT). */
#define QIBOACCEL_GATE_RECORD_FLAGS_V1_0 0x0u

/* ------------------------------------------------------------------------ */
/* Versions and errors                                                       */
/* ------------------------------------------------------------------------ */

/** [thread-safe] The library's API version, (major << 16) | minor. */
QIBOACCEL_API uint32_t qiboaccel_api_version(void);

/** [thread-safe] The library's release, e.g. "0.1.0". Static storage. */
QIBOACCEL_API const char* qiboaccel_library_version(void);

/** [thread-safe] A qiboaccel_error_code; QIBOACCEL_OK for NULL. */
QIBOACCEL_API uint32_t qiboaccel_error_get_code(const qiboaccel_error* error);

/** [thread-safe] The one-line message, valid until error_destroy; "" for NULL. Never NULL. */
QIBOACCEL_API const char* qiboaccel_error_get_message(const qiboaccel_error* error);

/** [externally synchronized: error] Frees the error. NULL is ignored. */
QIBOACCEL_API void qiboaccel_error_destroy(qiboaccel_error* error);

/* ------------------------------------------------------------------------ */
/* Backends                                                                  */
/* ------------------------------------------------------------------------ */

/**
 * [thread-safe] Loads a backend by specifier, as `qiboaccel run --backend SPEC` does: "cpu" (NULL or ""
 * mean "cpu"), "cpu:threads=1", "gpu", "gpu:opencl:0", "gpu:cuda:0", "python@numpy", a path to a backend
 * library ("./libx.so") or to a manifest ("path/x.json"), options after '?'.
 */
QIBOACCEL_API qiboaccel_error* qiboaccel_backend_load(const char* specifier, qiboaccel_backend** backend);

/** [externally synchronized: backend] Releases the backend; results made with it stay valid. NULL is ignored. */
QIBOACCEL_API void qiboaccel_backend_destroy(qiboaccel_backend* backend);

/** What a loaded backend says about itself. Strings live as long as the backend. */
typedef struct qiboaccel_backend_info {
    size_t struct_size;
    const char* specifier;    /* as loaded */
    const char* name;         /* e.g. "cpu" */
    const char* version;
    const char* description;
    const char* device;       /* e.g. "2 threads, AVX2+FMA, x64" */
    const char* library_path;
    const char* abi_version;  /* "major.minor" of backend.h the backend speaks */
    uint32_t max_qubits;
    uint32_t precisions;      /* OR of qiboaccel_precision */
    uint32_t max_matrix_targets; /* 0: no limit */
    uint32_t reserved;
    double load_seconds;      /* wall time of qiboaccel_backend_load */
} qiboaccel_backend_info;

/** [thread-safe] */
QIBOACCEL_API qiboaccel_error* qiboaccel_backend_get_info(const qiboaccel_backend* backend, qiboaccel_backend_info* info);

/** [thread-safe] Lists the installed backends (manifests found by discovery). With QIBOACCEL_LIST_PROBE,
 *  each is loaded to see whether it works. */
QIBOACCEL_API qiboaccel_error* qiboaccel_backends_list(uint32_t flags, qiboaccel_backend_list** list);

/** [thread-safe] NULL is ignored. */
QIBOACCEL_API void qiboaccel_backend_list_destroy(qiboaccel_backend_list* list);

typedef struct qiboaccel_backend_list_info {
    size_t struct_size;
    uint64_t n_backends;
    uint64_t n_problems;      /* unreadable manifests (see qiboaccel_backend_list_get_problem) */
    const char* search_path;  /* the folders searched, ':'-separated */
} qiboaccel_backend_list_info;

/** One installed backend. A language bridge is listed as the backends it runs ("python@numpy"). */
typedef struct qiboaccel_backend_entry {
    size_t struct_size;
    const char* specifier;    /* what to pass to qiboaccel_backend_load */
    const char* description;
    const char* manifest_path;
    const char* library_path;
    const char* abi_version;
    uint32_t probed;          /* 1 when listed with QIBOACCEL_LIST_PROBE */
    uint32_t available;       /* probed and loaded fine */
    const char* error;        /* probed and not available: why (one line); else "" */
} qiboaccel_backend_entry;

/** [thread-safe] */
QIBOACCEL_API qiboaccel_error* qiboaccel_backend_list_get_info(const qiboaccel_backend_list* list, qiboaccel_backend_list_info* info);
/** [thread-safe] index < n_backends. */
QIBOACCEL_API qiboaccel_error* qiboaccel_backend_list_get(const qiboaccel_backend_list* list, uint64_t index, qiboaccel_backend_entry* entry);
/** [thread-safe] index < n_problems; *message lives as long as the list. */
QIBOACCEL_API qiboaccel_error* qiboaccel_backend_list_get_problem(const qiboaccel_backend_list* list, uint64_t index, const char** message);

/* ------------------------------------------------------------------------ */
/* Circuits                                                                  */
/* ------------------------------------------------------------------------ */

/** [thread-safe] An empty circuit on n_qubits qubits, no classical registers. */
QIBOACCEL_API qiboaccel_error* qiboaccel_circuit_create(uint32_t n_qubits, qiboaccel_circuit** circuit);

/**
 * [thread-safe] Parses OpenQASM 2.0 text (include "qelib1.inc" is built in). source_name names the text
 * in error messages and warnings ("<input>" when NULL): "source_name:line:column: reason".
 */
QIBOACCEL_API qiboaccel_error* qiboaccel_circuit_from_qasm(const char* text, const char* source_name, qiboaccel_circuit** circuit);

/** [thread-safe] Reads and parses an OpenQASM 2.0 file; messages name the path as given. */
QIBOACCEL_API qiboaccel_error* qiboaccel_circuit_from_qasm_file(const char* path, qiboaccel_circuit** circuit);

/** [externally synchronized: circuit] NULL is ignored. */
QIBOACCEL_API void qiboaccel_circuit_destroy(qiboaccel_circuit* circuit);

typedef struct qiboaccel_circuit_info {
    size_t struct_size;
    uint32_t n_qubits;
    uint32_t n_clbits;        /* over all classical registers */
    uint64_t n_operations;    /* gates, measurements, resets, conditionals */
    uint32_t n_registers;     /* classical registers */
    uint32_t n_warnings;      /* OpenQASM warnings (qiboaccel_circuit_get_warning) */
    double parse_seconds;     /* OpenQASM parsing time; 0 for circuits built by calls */
    uint32_t n_parameters;    /* since 1.1: symbolic parameters (qiboaccel_circuit_get_parameter) */
    uint32_t reserved2;       /* since 1.1: 0 */
} qiboaccel_circuit_info;

/** A classical register. bit 0 is the register's first bit (the most significant digit of an outcome). */
typedef struct qiboaccel_register_info {
    size_t struct_size;
    const char* name;         /* lives as long as the circuit or result */
    uint32_t offset;          /* index of its bit 0 among all classical bits */
    uint32_t size;
} qiboaccel_register_info;

/** [externally synchronized: circuit] */
QIBOACCEL_API qiboaccel_error* qiboaccel_circuit_get_info(const qiboaccel_circuit* circuit, qiboaccel_circuit_info* info);
/** [externally synchronized: circuit] index < n_registers. The name lives as long as the circuit. */
QIBOACCEL_API qiboaccel_error* qiboaccel_circuit_get_register(const qiboaccel_circuit* circuit, uint32_t index, qiboaccel_register_info* info);
/** [externally synchronized: circuit] index < n_warnings: "file:line:column: warning: ...". */
QIBOACCEL_API qiboaccel_error* qiboaccel_circuit_get_warning(const qiboaccel_circuit* circuit, uint32_t index, const char** message);

/** What a gate takes (qiboaccel_gate_lookup). */
typedef struct qiboaccel_gate_info {
    size_t struct_size;
    uint32_t gate;            /* qiboaccel_gate */
    uint32_t n_qubits;        /* built-in controls + targets; 0 for UNITARY (any) */
    uint32_t n_builtin_controls;
    uint32_t n_params;
    uint32_t takes_matrix;    /* 1 for UNITARY and GENERALIZED_FSIM */
    uint32_t reserved;
    const char* name;         /* qibo's name, e.g. "CNOT"; static storage */
} qiboaccel_gate_info;

/**
 * [thread-safe] Finds a gate by name, case-insensitively: qibo's names ("H", "CNOT", "TOFFOLI", "fSim",
 * "GeneralizedfSim", "Unitary", ...) and the OpenQASM qelib1 names that are one qibo gate ("cx", "ccx",
 * "id", "p", "cp", "u", "cu1", "rzz", ...).
 */
QIBOACCEL_API qiboaccel_error* qiboaccel_gate_lookup(const char* name, qiboaccel_gate_info* info);

/** One gate, by name (qiboaccel_gate_lookup's names). */
typedef struct qiboaccel_gate_args {
    size_t struct_size;
    const char* name;
    const uint32_t* qubits;   /* constructor order: built-in controls, then targets */
    uint32_t n_qubits;
    uint32_t n_controls;      /* extra controls (qibo's controlled_by), conditioned on |1> */
    const uint32_t* controls;
    const double* params;
    uint32_t n_params;
    uint32_t reserved;        /* 0 */
    const double* matrix;     /* UNITARY / GENERALIZED_FSIM: interleaved complex, row-major; else NULL */
    uint64_t n_matrix_values; /* complex values in matrix */
    /* since 1.1: symbolic parameters. NULL, or n_params entries: parameter i is
     * params[i] + param_coefficients[i] * theta[param_symbols[i]] when param_symbols[i] >= 0 (an index of
     * qiboaccel_circuit_add_parameter), params[i] when it is -1; param_coefficients NULL means 1. */
    const int32_t* param_symbols;
    const double* param_coefficients;
} qiboaccel_gate_args;

/** [externally synchronized: circuit] Appends one gate; qubits are checked against the circuit. */
QIBOACCEL_API qiboaccel_error* qiboaccel_circuit_add_gate(qiboaccel_circuit* circuit, const qiboaccel_gate_args* args);

/**
 * One gate of a batch: a flat record, read with the stride qiboaccel_gate_batch.record_size (>= 48 and a
 * multiple of 8), so later versions can append fields.
 */
typedef struct qiboaccel_gate_record {
    uint32_t gate;            /* qiboaccel_gate */
    uint32_t n_qubits;        /* constructor order: built-in controls, then targets */
    uint32_t n_controls;      /* extra controls, stored right after the qubits */
    uint32_t qubits_offset;   /* into batch.qubits */
    uint32_t n_params;
    uint32_t params_offset;   /* into batch.params */
    int64_t matrix_offset;    /* into batch.matrices, in complex values; -1: none */
    uint64_t n_matrix_values;
    uint32_t flags;           /* QIBOACCEL_GATE_RECORD_FLAGS_V1_0 (0) in 1.0 */
    uint32_t reserved;        /* 0 */
} qiboaccel_gate_record;

typedef struct qiboaccel_gate_batch {
    size_t struct_size;
    uint64_t n_gates;
    uint32_t record_size;     /* sizeof(qiboaccel_gate_record) of the caller's header */
    uint32_t reserved;        /* 0 */
    const void* records;
    const uint32_t* qubits;
    uint64_t n_qubit_refs;
    const double* params;
    uint64_t n_params;
    const double* matrices;   /* interleaved complex */
    uint64_t n_matrix_values;
    /* since 1.1: symbolic parameters, parallel to params (n_params entries each, or NULL), as in
     * qiboaccel_gate_args. */
    const int32_t* param_symbols;
    const double* param_coefficients;
} qiboaccel_gate_batch;

/**
 * [externally synchronized: circuit] Appends many gates in one call (what bindings use: no per-gate round
 * trip). All or nothing: on error nothing is appended and the message names the record ("gate #12 (CRX): ...").
 */
QIBOACCEL_API qiboaccel_error* qiboaccel_circuit_add_gates(qiboaccel_circuit* circuit, const qiboaccel_gate_batch* batch);

/**
 * [externally synchronized: circuit] Declares a classical register after the existing ones; *offset
 * (may be NULL) receives the index of its bit 0 among all classical bits.
 */
QIBOACCEL_API qiboaccel_error* qiboaccel_circuit_add_register(qiboaccel_circuit* circuit, const char* name, uint32_t size, uint32_t* offset);

/**
 * [externally synchronized: circuit] Measures `qubit` into classical bit `cbit` (an index over all
 * registers). cbit = -1 takes the next free bit of the implicit register "m" (created when the circuit
 * has no register, grown while "m" is the last one), as qibo's measurements do.
 */
QIBOACCEL_API qiboaccel_error* qiboaccel_circuit_add_measurement(qiboaccel_circuit* circuit, uint32_t qubit, int64_t cbit);

/** [externally synchronized: circuit] Resets `qubit` to |0> (a measurement, then X when it read 1). */
QIBOACCEL_API qiboaccel_error* qiboaccel_circuit_add_reset(qiboaccel_circuit* circuit, uint32_t qubit);

/**
 * [externally synchronized: circuit] Since 1.1. Declares a symbolic parameter called `name` (a letter or '_',
 * then letters, digits, '_'; not yet used in the circuit); *index (may be NULL) receives its index, which gate
 * parameters refer to (param_symbols) and under which values are given (parameter_values).
 */
QIBOACCEL_API qiboaccel_error* qiboaccel_circuit_add_parameter(qiboaccel_circuit* circuit, const char* name, uint32_t* index);

/** [thread-safe] Since 1.1. The name of parameter `index` (valid while the circuit lives). */
QIBOACCEL_API qiboaccel_error* qiboaccel_circuit_get_parameter(const qiboaccel_circuit* circuit, uint32_t index, const char** name);

/* ------------------------------------------------------------------------ */
/* Execution                                                                 */
/* ------------------------------------------------------------------------ */

typedef struct qiboaccel_execute_args {
    size_t struct_size;
    uint64_t shots;           /* 0: just the final state */
    uint64_t seed;            /* with QIBOACCEL_EXECUTE_SEED */
    uint32_t flags;           /* QIBOACCEL_EXECUTE_* */
    uint32_t precision;       /* qiboaccel_precision; 0 means DOUBLE */
    const char* noise_model;  /* JSON text of a noise model (README "Noise ..."), or NULL */
    const double* initial_state; /* interleaved complex: 2^n amplitudes (norm 1), or with a density
                                    matrix 2^n or 4^n (rho, row-major); NULL: |0...0> */
    uint64_t n_initial_state_values; /* complex values in initial_state */
    qiboaccel_result* result; /* [out] */
    /* since 1.1: one value per circuit parameter (in qiboaccel_circuit_get_parameter's order); required
     * when the circuit has parameters. */
    const double* parameter_values;
    uint64_t n_parameter_values;
} qiboaccel_execute_args;

/**
 * [thread-safe] Runs the circuit on the backend — the whole circuit in one call: lowering, batching, mid-
 * circuit measurement, reset, if, noise (trajectories on a state vector, exact on a density matrix) and
 * shots. Circuits whose measurements are all final run once and are sampled.
 */
QIBOACCEL_API qiboaccel_error* qiboaccel_execute(const qiboaccel_backend* backend, const qiboaccel_circuit* circuit, qiboaccel_execute_args* args);

/** [thread-safe] NULL is ignored. */
QIBOACCEL_API void qiboaccel_result_destroy(qiboaccel_result* result);

typedef struct qiboaccel_result_info {
    size_t struct_size;
    const char* backend;      /* name of the backend that ran it */
    uint32_t n_qubits;
    uint32_t n_clbits;
    uint64_t shots;
    uint64_t seed;            /* the seed used: pass it back with QIBOACCEL_EXECUTE_SEED to repeat the run */
    uint32_t precision;       /* qiboaccel_precision of the simulation */
    uint32_t density_matrix;  /* 1 when rho was simulated */
    uint64_t state_size;      /* complex values kept: 2^n (state), 4^n (rho, row-major), 0 (NO_STATE) */
    double purity;            /* Tr rho^2 with a density matrix, else NaN */
    double simulate_seconds;  /* applying operations on the backend */
    double sample_seconds;    /* sampling and counting shots */
    double total_seconds;     /* the whole qiboaccel_execute call */
    const uint32_t* sampled_qubits; /* the qubits of an outcome, most significant first: the measured
                                       qubits (all qubits when nothing is measured); lives as long as the result */
    uint32_t n_sampled_qubits;
    uint32_t n_registers;     /* classical registers (qiboaccel_result_get_register) */
} qiboaccel_result_info;

/** [thread-safe] */
QIBOACCEL_API qiboaccel_error* qiboaccel_result_get_info(const qiboaccel_result* result, qiboaccel_result_info* info);

/**
 * [thread-safe] Copies complex values [offset, offset + count) of the final state (or of rho, row-major:
 * rho[i][j] at i * 2^n + j) into out, 2 * count doubles. With mid-circuit measurement or trajectories
 * it is the last shot's.
 */
QIBOACCEL_API qiboaccel_error* qiboaccel_result_get_state(const qiboaccel_result* result, uint64_t offset, uint64_t count, double* out);

/**
 * [thread-safe] The final state (or rho) in place, without a copy: *data receives 2 * *count doubles,
 * interleaved (re, im), held by the result and valid until qiboaccel_result_destroy (bindings wrap it as
 * an array that keeps the result alive). The memory is the result's own: writing into it changes what
 * the result's other functions read. INVALID_ARGUMENT with QIBOACCEL_EXECUTE_NO_STATE.
 */
QIBOACCEL_API qiboaccel_error* qiboaccel_result_get_state_view(const qiboaccel_result* result, const double** data, uint64_t* count);

/**
 * [thread-safe] Marginal probabilities of the listed qubits (NULL and 0: all qubits): 2^n_qubits doubles,
 * the first listed qubit the most significant bit of the index. From |amplitude|^2 or rho's diagonal.
 */
QIBOACCEL_API qiboaccel_error* qiboaccel_result_get_probabilities(const qiboaccel_result* result, const uint32_t* qubits, uint32_t n_qubits, double* out);

typedef struct qiboaccel_frequencies_args {
    size_t struct_size;
    int32_t register_index;   /* -1: outcomes of the sampled qubits; else a classical register */
    uint32_t n_bits;          /* [out] digits of an outcome */
    uint64_t capacity;        /* entries outcomes/counts can hold (0: just count them) */
    uint64_t* outcomes;       /* [out] distinct outcomes, ascending */
    uint64_t* counts;         /* [out] how many shots gave each */
    uint64_t n_outcomes;      /* [out] distinct outcomes in all; entries written: min(capacity, n_outcomes) */
} qiboaccel_frequencies_args;

/** [thread-safe] Shot counts. Registers and sampled qubits up to 64 bits. */
QIBOACCEL_API qiboaccel_error* qiboaccel_result_get_frequencies(const qiboaccel_result* result, qiboaccel_frequencies_args* args);

/** [thread-safe] index < n_registers. */
QIBOACCEL_API qiboaccel_error* qiboaccel_result_get_register(const qiboaccel_result* result, uint32_t index, qiboaccel_register_info* info);

/**
 * [thread-safe] The exact expectation value of a real sum of Pauli strings in the final state (Tr(O rho)
 * for a density matrix): "0.5*Z0*Z1 - 1.2*X2 + 3". Needs the state (not NO_STATE).
 */
QIBOACCEL_API qiboaccel_error* qiboaccel_result_expectation(const qiboaccel_result* result, const char* observable, double* value);

/* ------------------------------------------------------------------------ */
/* Sampling                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct qiboaccel_sample_args {
    size_t struct_size;
    const double* probabilities; /* need not be normalised; none negative, sum > 0 */
    uint64_t n_probabilities;
    uint64_t shots;
    uint64_t seed;
    uint64_t* outcomes;       /* [out] shots indices, or NULL */
    uint64_t* counts;         /* [out] n_probabilities counts, or NULL */
} qiboaccel_sample_args;

/**
 * [thread-safe] Draws shots from a distribution by the rule every backend follows (backend.h,
 * qibo_state_sample) with the host's random numbers for `seed`: the same seed gives the same shots.
 */
QIBOACCEL_API qiboaccel_error* qiboaccel_sample(const qiboaccel_sample_args* args);

/* ------------------------------------------------------------------------ */
/* Variational work (since 1.1)                                              */
/* ------------------------------------------------------------------------ */

/** qiboaccel_gradient_args.method */
#define QIBOACCEL_GRADIENT_AUTO            0u /* adjoint for circuits of gates; parameter shift otherwise */
#define QIBOACCEL_GRADIENT_ADJOINT         1u /* one forward and one backward pass, whatever the parameter count */
#define QIBOACCEL_GRADIENT_PARAMETER_SHIFT 2u /* exact shift rules: 2 (or 4) executions per parameter use */

typedef struct qiboaccel_sweep_args {
    size_t struct_size;
    uint64_t n_sets;
    const double* parameter_values; /* n_sets rows of the circuit's n_parameters values */
    uint64_t n_parameter_values;    /* n_sets * n_parameters */
    const char* observable;   /* a real sum of Pauli strings ("0.5*Z0*Z1 - X2"), or NULL */
    uint64_t shots;           /* per set; 0: none */
    uint64_t seed;            /* with QIBOACCEL_EXECUTE_SEED: every set uses it (set k's shots equal a run of the
                                 circuit bound to set k with this seed) */
    uint32_t flags;           /* QIBOACCEL_EXECUTE_SEED */
    uint32_t precision;       /* qiboaccel_precision; 0 means DOUBLE */
    double* expectations;     /* [out] n_sets exact expectation values (with an observable), or NULL */
    qiboaccel_result** results; /* [out] n_sets results holding each set's shots (frequencies, registers; no
                                   state), or NULL; destroy each with qiboaccel_result_destroy */
    double seconds;           /* [out] */
} qiboaccel_sweep_args;

/**
 * [thread-safe] Runs one parametrised circuit for many parameter sets: the circuit is lowered once and each set
 * only rewrites the records of the gates that use parameters; one state is reused. An observable needs
 * measurements only at the end (no reset, if or noise); shots work with any circuit.
 */
QIBOACCEL_API qiboaccel_error* qiboaccel_sweep(const qiboaccel_backend* backend, const qiboaccel_circuit* circuit, qiboaccel_sweep_args* args);

typedef struct qiboaccel_gradient_args {
    size_t struct_size;
    const char* observable;   /* a real sum of Pauli strings */
    const double* parameter_values; /* one per circuit parameter */
    uint64_t n_parameter_values;
    uint32_t method;          /* QIBOACCEL_GRADIENT_* */
    uint32_t precision;       /* qiboaccel_precision; 0 means DOUBLE */
    uint32_t flags;           /* QIBOACCEL_EXECUTE_DENSITY_MATRIX (parameter shift on Tr(O rho); with noise) */
    uint32_t reserved;        /* 0 */
    const char* noise_model;  /* JSON text, or NULL (needs QIBOACCEL_EXECUTE_DENSITY_MATRIX) */
    double* gradient;         /* [out] d<O>/d(theta_i), n_parameters values */
    uint64_t n_gradient;      /* room in gradient: at least n_parameters */
    double value;             /* [out] <O> at parameter_values */
    uint32_t method_used;     /* [out] QIBOACCEL_GRADIENT_ADJOINT or _PARAMETER_SHIFT */
    uint32_t circuit_passes;  /* [out] executions spent (adjoint: 2) */
    double seconds;           /* [out] */
} qiboaccel_gradient_args;

/**
 * [thread-safe] <psi(theta)|O|psi(theta)> and its gradient with respect to every circuit parameter. Adjoint
 * differentiation uses only backend calls (apply, copy, inner product, expectation: ABI 1.1's slots where the
 * backend has them, host amplitudes otherwise), so it works on every backend; circuits of gates (measurements
 * at the end are ignored). Parameter shift is the fallback (density matrices, noise) and the check.
 */
QIBOACCEL_API qiboaccel_error* qiboaccel_gradient(const qiboaccel_backend* backend, const qiboaccel_circuit* circuit, qiboaccel_gradient_args* args);

/**
 * [thread-safe] <psi|O|psi> of the state `amplitudes` (2^n_qubits interleaved complex values) evaluated on the
 * backend: the amplitudes are loaded into a state of the backend (in `precision`) and the observable is applied
 * there (ABI 1.1's state_expectation, or host amplitudes when the backend lacks it). Not normalised.
 */
QIBOACCEL_API qiboaccel_error* qiboaccel_state_expectation(const qiboaccel_backend* backend, const double* amplitudes, uint32_t n_qubits,
    const char* observable, uint32_t precision, double* value);

#ifdef __cplusplus
}
#endif

#endif /* QIBOACCEL_H */
