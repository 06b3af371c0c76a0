/*
 * python_host.c: a minimal C host for the python bridge, used by PythonBridgeFailureTests to run the bridge in a
 * fresh process (the embedded interpreter is started once per process, so "which Python" cases need their own).
 *
 *   python_host LIBRARY OPTIONS
 *
 * Loads LIBRARY, creates a backend with OPTIONS, prints "info: NAME DEVICE", then applies H(0), CNOT(0,1) as
 * MATRIX records to a 2-qubit state and prints "amplitudes: a0 a1 a2 a3" (real parts). On any error prints
 * "error CODE: MESSAGE" and exits with 1.
 */
#include <qibo/backend.h>

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const qibo_backend_api* api;

static int fail(qibo_error* e)
{
    printf("error %u: %s\n", api->error_code(e), api->error_message(e));
    api->error_destroy(e);
    return 1;
}

int main(int argc, char** argv)
{
    void* lib;
    qibo_backend_get_api_fn get_api;
    qibo_api_request request;
    qibo_backend_create_args create;
    qibo_backend_info info;
    qibo_backend_get_info_args get_info;
    qibo_state_create_args state_args;
    qibo_error* e;
    double r = 1 / sqrt(2.0), amps[8];
    double matrices[2 * (4 + 16)] = { 0 };
    uint32_t qubits[3] = { 0, 1, 0 };
    qibo_op ops[2];
    qibo_circuit circuit;
    qibo_state_apply_args apply;
    qibo_state_amplitudes_args get;

    if (argc != 3) { fprintf(stderr, "usage: python_host LIBRARY OPTIONS\n"); return 2; }
    lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) { printf("dlopen: %s\n", dlerror()); return 2; }
    get_api = (qibo_backend_get_api_fn)dlsym(lib, "qibo_backend_get_api");
    memset(&request, 0, sizeof request);
    request.struct_size = sizeof request;
    request.host_major = QIBO_ABI_VERSION_MAJOR;
    request.host_minor = QIBO_ABI_VERSION_MINOR;
    if (get_api == NULL || get_api(&request) != QIBO_OK) { printf("handshake failed\n"); return 2; }
    api = request.api;

    memset(&create, 0, sizeof create);
    create.struct_size = sizeof create;
    create.options = argv[2];
    if ((e = api->backend_create(&create)) != NULL) return fail(e);

    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    memset(&get_info, 0, sizeof get_info);
    get_info.struct_size = sizeof get_info;
    get_info.backend = create.backend;
    get_info.info = &info;
    if ((e = api->backend_get_info(&get_info)) != NULL) return fail(e);
    printf("info: %s %s\n", info.name, info.device);

    memset(&state_args, 0, sizeof state_args);
    state_args.struct_size = sizeof state_args;
    state_args.backend = create.backend;
    state_args.n_qubits = 2;
    state_args.precision = QIBO_PRECISION_COMPLEX128;
    if ((e = api->state_create(&state_args)) != NULL) return fail(e);

    /* H on qubit 0 (4 values), then X on qubit 1 controlled by qubit 0 (a 1-target MATRIX with one control). */
    matrices[0] = r; matrices[2] = r; matrices[4] = r; matrices[6] = -r;
    matrices[8 + 2] = 1; matrices[8 + 4] = 1;
    memset(ops, 0, sizeof ops);
    ops[0].kind = QIBO_OP_MATRIX; ops[0].n_targets = 1; ops[0].qubits_offset = 0; ops[0].matrix_offset = 0; ops[0].cbit = -1;
    ops[1].kind = QIBO_OP_MATRIX; ops[1].n_targets = 1; ops[1].n_controls = 1; ops[1].qubits_offset = 1; ops[1].matrix_offset = 4; ops[1].cbit = -1;
    memset(&circuit, 0, sizeof circuit);
    circuit.struct_size = sizeof circuit;
    circuit.n_qubits = 2;
    circuit.op_size = sizeof(qibo_op);
    circuit.n_ops = 2;
    circuit.ops = ops;
    circuit.qubits = qubits;
    circuit.n_qubit_refs = 3;
    circuit.matrices = matrices;
    circuit.n_matrix_values = 8;
    memset(&apply, 0, sizeof apply);
    apply.struct_size = sizeof apply;
    apply.state = state_args.state;
    apply.circuit = &circuit;
    if ((e = api->state_apply(&apply)) != NULL) return fail(e);

    memset(&get, 0, sizeof get);
    get.struct_size = sizeof get;
    get.state = state_args.state;
    get.count = 4;
    get.data = amps;
    if ((e = api->state_get_amplitudes(&get)) != NULL) return fail(e);
    printf("amplitudes: %.6f %.6f %.6f %.6f\n", amps[0], amps[2], amps[4], amps[6]);
    api->state_destroy(state_args.state);
    api->backend_destroy(create.backend);
    return 0;
}
