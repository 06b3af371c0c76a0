/*
 * capi_probe.c: drives libqiboaccel.so through abi/include/qibo/qiboaccel.h for CApiTests.
 *
 *   capi_probe layout                              sizeof/offsetof of every struct, every enum and macro value
 *   capi_probe run GATES SPEC SHOTS SEED single|batch
 *                                                  builds the circuit of the gate list GATES gate by gate
 *                                                  (add_gate) or in one call (add_gates), measures every qubit,
 *                                                  executes, prints "amp I RE IM" and "freq BITS COUNT" lines
 *   capi_probe errors                              one line per bad-input case: "case<TAB>code<TAB>message"
 *
 * A gate list has one gate per line: NAME|qubits|controls|params|matrix, each field comma-separated numbers
 * (matrix: re,im pairs), e.g. "CU3|2,0|1|0.5,1.5,-2|".
 */
#include <qibo/qiboaccel.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAYOUT(T) printf("sizeof %s %zu\n", #T, sizeof(T))
#define FIELD(T, f) printf("offsetof %s.%s %zu\n", #T, #f, offsetof(T, f))
#define VALUE(x) printf("value %s %lld\n", #x, (long long)(x))

static void layout(void)
{
    LAYOUT(qiboaccel_backend_info);
    FIELD(qiboaccel_backend_info, specifier); FIELD(qiboaccel_backend_info, name); FIELD(qiboaccel_backend_info, version);
    FIELD(qiboaccel_backend_info, description); FIELD(qiboaccel_backend_info, device); FIELD(qiboaccel_backend_info, library_path);
    FIELD(qiboaccel_backend_info, abi_version); FIELD(qiboaccel_backend_info, max_qubits); FIELD(qiboaccel_backend_info, precisions);
    FIELD(qiboaccel_backend_info, max_matrix_targets); FIELD(qiboaccel_backend_info, reserved); FIELD(qiboaccel_backend_info, load_seconds);
    LAYOUT(qiboaccel_backend_list_info);
    FIELD(qiboaccel_backend_list_info, n_backends); FIELD(qiboaccel_backend_list_info, n_problems); FIELD(qiboaccel_backend_list_info, search_path);
    LAYOUT(qiboaccel_backend_entry);
    FIELD(qiboaccel_backend_entry, specifier); FIELD(qiboaccel_backend_entry, description); FIELD(qiboaccel_backend_entry, manifest_path);
    FIELD(qiboaccel_backend_entry, library_path); FIELD(qiboaccel_backend_entry, abi_version); FIELD(qiboaccel_backend_entry, probed);
    FIELD(qiboaccel_backend_entry, available); FIELD(qiboaccel_backend_entry, error);
    LAYOUT(qiboaccel_circuit_info);
    FIELD(qiboaccel_circuit_info, n_qubits); FIELD(qiboaccel_circuit_info, n_clbits); FIELD(qiboaccel_circuit_info, n_operations);
    FIELD(qiboaccel_circuit_info, n_registers); FIELD(qiboaccel_circuit_info, n_warnings); FIELD(qiboaccel_circuit_info, parse_seconds);
    FIELD(qiboaccel_circuit_info, n_parameters); FIELD(qiboaccel_circuit_info, reserved2);
    LAYOUT(qiboaccel_register_info);
    FIELD(qiboaccel_register_info, name); FIELD(qiboaccel_register_info, offset); FIELD(qiboaccel_register_info, size);
    LAYOUT(qiboaccel_gate_info);
    FIELD(qiboaccel_gate_info, gate); FIELD(qiboaccel_gate_info, n_qubits); FIELD(qiboaccel_gate_info, n_builtin_controls);
    FIELD(qiboaccel_gate_info, n_params); FIELD(qiboaccel_gate_info, takes_matrix); FIELD(qiboaccel_gate_info, reserved);
    FIELD(qiboaccel_gate_info, name);
    LAYOUT(qiboaccel_gate_args);
    FIELD(qiboaccel_gate_args, name); FIELD(qiboaccel_gate_args, qubits); FIELD(qiboaccel_gate_args, n_qubits);
    FIELD(qiboaccel_gate_args, n_controls); FIELD(qiboaccel_gate_args, controls); FIELD(qiboaccel_gate_args, params);
    FIELD(qiboaccel_gate_args, n_params); FIELD(qiboaccel_gate_args, reserved); FIELD(qiboaccel_gate_args, matrix);
    FIELD(qiboaccel_gate_args, n_matrix_values); FIELD(qiboaccel_gate_args, param_symbols); FIELD(qiboaccel_gate_args, param_coefficients);
    LAYOUT(qiboaccel_gate_record);
    FIELD(qiboaccel_gate_record, gate); FIELD(qiboaccel_gate_record, n_qubits); FIELD(qiboaccel_gate_record, n_controls);
    FIELD(qiboaccel_gate_record, qubits_offset); FIELD(qiboaccel_gate_record, n_params); FIELD(qiboaccel_gate_record, params_offset);
    FIELD(qiboaccel_gate_record, matrix_offset); FIELD(qiboaccel_gate_record, n_matrix_values); FIELD(qiboaccel_gate_record, flags);
    FIELD(qiboaccel_gate_record, reserved);
    LAYOUT(qiboaccel_gate_batch);
    FIELD(qiboaccel_gate_batch, n_gates); FIELD(qiboaccel_gate_batch, record_size); FIELD(qiboaccel_gate_batch, reserved);
    FIELD(qiboaccel_gate_batch, records); FIELD(qiboaccel_gate_batch, qubits); FIELD(qiboaccel_gate_batch, n_qubit_refs);
    FIELD(qiboaccel_gate_batch, params); FIELD(qiboaccel_gate_batch, n_params); FIELD(qiboaccel_gate_batch, matrices);
    FIELD(qiboaccel_gate_batch, n_matrix_values); FIELD(qiboaccel_gate_batch, param_symbols); FIELD(qiboaccel_gate_batch, param_coefficients);
    LAYOUT(qiboaccel_execute_args);
    FIELD(qiboaccel_execute_args, shots); FIELD(qiboaccel_execute_args, seed); FIELD(qiboaccel_execute_args, flags);
    FIELD(qiboaccel_execute_args, precision); FIELD(qiboaccel_execute_args, noise_model); FIELD(qiboaccel_execute_args, initial_state);
    FIELD(qiboaccel_execute_args, n_initial_state_values); FIELD(qiboaccel_execute_args, result);
    FIELD(qiboaccel_execute_args, parameter_values); FIELD(qiboaccel_execute_args, n_parameter_values);
    LAYOUT(qiboaccel_result_info);
    FIELD(qiboaccel_result_info, backend); FIELD(qiboaccel_result_info, n_qubits); FIELD(qiboaccel_result_info, n_clbits);
    FIELD(qiboaccel_result_info, shots); FIELD(qiboaccel_result_info, seed); FIELD(qiboaccel_result_info, precision);
    FIELD(qiboaccel_result_info, density_matrix); FIELD(qiboaccel_result_info, state_size); FIELD(qiboaccel_result_info, purity);
    FIELD(qiboaccel_result_info, simulate_seconds); FIELD(qiboaccel_result_info, sample_seconds); FIELD(qiboaccel_result_info, total_seconds);
    FIELD(qiboaccel_result_info, sampled_qubits); FIELD(qiboaccel_result_info, n_sampled_qubits); FIELD(qiboaccel_result_info, n_registers);
    LAYOUT(qiboaccel_frequencies_args);
    FIELD(qiboaccel_frequencies_args, register_index); FIELD(qiboaccel_frequencies_args, n_bits); FIELD(qiboaccel_frequencies_args, capacity);
    FIELD(qiboaccel_frequencies_args, outcomes); FIELD(qiboaccel_frequencies_args, counts); FIELD(qiboaccel_frequencies_args, n_outcomes);
    LAYOUT(qiboaccel_sample_args);
    FIELD(qiboaccel_sample_args, probabilities); FIELD(qiboaccel_sample_args, n_probabilities); FIELD(qiboaccel_sample_args, shots);
    FIELD(qiboaccel_sample_args, seed); FIELD(qiboaccel_sample_args, outcomes); FIELD(qiboaccel_sample_args, counts);
    LAYOUT(qiboaccel_sweep_args);
    FIELD(qiboaccel_sweep_args, n_sets); FIELD(qiboaccel_sweep_args, parameter_values); FIELD(qiboaccel_sweep_args, n_parameter_values);
    FIELD(qiboaccel_sweep_args, observable); FIELD(qiboaccel_sweep_args, shots); FIELD(qiboaccel_sweep_args, seed);
    FIELD(qiboaccel_sweep_args, flags); FIELD(qiboaccel_sweep_args, precision); FIELD(qiboaccel_sweep_args, expectations);
    FIELD(qiboaccel_sweep_args, results); FIELD(qiboaccel_sweep_args, seconds);
    LAYOUT(qiboaccel_gradient_args);
    FIELD(qiboaccel_gradient_args, observable); FIELD(qiboaccel_gradient_args, parameter_values); FIELD(qiboaccel_gradient_args, n_parameter_values);
    FIELD(qiboaccel_gradient_args, method); FIELD(qiboaccel_gradient_args, precision); FIELD(qiboaccel_gradient_args, flags);
    FIELD(qiboaccel_gradient_args, reserved); FIELD(qiboaccel_gradient_args, noise_model); FIELD(qiboaccel_gradient_args, gradient);
    FIELD(qiboaccel_gradient_args, n_gradient); FIELD(qiboaccel_gradient_args, value); FIELD(qiboaccel_gradient_args, method_used);
    FIELD(qiboaccel_gradient_args, circuit_passes); FIELD(qiboaccel_gradient_args, seconds);

    VALUE(QIBOACCEL_API_VERSION_MAJOR); VALUE(QIBOACCEL_API_VERSION_MINOR);
    VALUE(QIBOACCEL_OK); VALUE(QIBOACCEL_ERROR_INVALID_ARGUMENT); VALUE(QIBOACCEL_ERROR_UNSUPPORTED);
    VALUE(QIBOACCEL_ERROR_OUT_OF_MEMORY); VALUE(QIBOACCEL_ERROR_VERSION_MISMATCH); VALUE(QIBOACCEL_ERROR_DEVICE);
    VALUE(QIBOACCEL_ERROR_INTERNAL); VALUE(QIBOACCEL_ERROR_PARSE); VALUE(QIBOACCEL_ERROR_IO); VALUE(QIBOACCEL_ERROR_BACKEND_NOT_FOUND);
    VALUE(QIBOACCEL_PRECISION_DOUBLE); VALUE(QIBOACCEL_PRECISION_SINGLE);
    VALUE(QIBOACCEL_EXECUTE_SEED); VALUE(QIBOACCEL_EXECUTE_DENSITY_MATRIX); VALUE(QIBOACCEL_EXECUTE_NO_STATE);
    VALUE(QIBOACCEL_LIST_PROBE); VALUE(QIBOACCEL_GATE_RECORD_FLAGS_V1_0);
    VALUE(QIBOACCEL_GATE_H); VALUE(QIBOACCEL_GATE_X); VALUE(QIBOACCEL_GATE_Y); VALUE(QIBOACCEL_GATE_Z); VALUE(QIBOACCEL_GATE_S);
    VALUE(QIBOACCEL_GATE_SDG); VALUE(QIBOACCEL_GATE_T); VALUE(QIBOACCEL_GATE_TDG); VALUE(QIBOACCEL_GATE_SX); VALUE(QIBOACCEL_GATE_SXDG);
    VALUE(QIBOACCEL_GATE_I); VALUE(QIBOACCEL_GATE_RX); VALUE(QIBOACCEL_GATE_RY); VALUE(QIBOACCEL_GATE_RZ); VALUE(QIBOACCEL_GATE_U1);
    VALUE(QIBOACCEL_GATE_U2); VALUE(QIBOACCEL_GATE_U3); VALUE(QIBOACCEL_GATE_CNOT); VALUE(QIBOACCEL_GATE_CY); VALUE(QIBOACCEL_GATE_CZ);
    VALUE(QIBOACCEL_GATE_CH); VALUE(QIBOACCEL_GATE_CSX); VALUE(QIBOACCEL_GATE_CRX); VALUE(QIBOACCEL_GATE_CRY); VALUE(QIBOACCEL_GATE_CRZ);
    VALUE(QIBOACCEL_GATE_CU1); VALUE(QIBOACCEL_GATE_CU2); VALUE(QIBOACCEL_GATE_CU3); VALUE(QIBOACCEL_GATE_SWAP); VALUE(QIBOACCEL_GATE_ISWAP);
    VALUE(QIBOACCEL_GATE_FSWAP); VALUE(QIBOACCEL_GATE_FSIM); VALUE(QIBOACCEL_GATE_GENERALIZED_FSIM); VALUE(QIBOACCEL_GATE_RXX);
    VALUE(QIBOACCEL_GATE_RYY); VALUE(QIBOACCEL_GATE_RZZ); VALUE(QIBOACCEL_GATE_TOFFOLI); VALUE(QIBOACCEL_GATE_CCZ);
    VALUE(QIBOACCEL_GATE_UNITARY); VALUE(QIBOACCEL_GATE_COUNT);
    VALUE(QIBOACCEL_GRADIENT_AUTO); VALUE(QIBOACCEL_GRADIENT_ADJOINT); VALUE(QIBOACCEL_GRADIENT_PARAMETER_SHIFT);
}

/* ------------------------------------------------------------------ run */

typedef struct gate_line {
    char name[32];
    uint32_t qubits[16], controls[16];
    uint32_t n_qubits, n_controls, n_params;
    double params[8];
    double* matrix; /* re, im pairs */
    uint64_t n_matrix_doubles;
} gate_line;

/* Parses comma-separated numbers from text up to the next '|' or end; returns the count. */
static uint64_t numbers(char** cursor, double* out, uint64_t capacity)
{
    uint64_t n = 0;
    char* p = *cursor;
    while (*p && *p != '|' && *p != '\n') {
        char* end;
        double v = strtod(p, &end);
        if (end == p) break;
        if (out && n < capacity) out[n] = v;
        n++;
        p = end;
        if (*p == ',') p++;
    }
    if (*p == '|') p++;
    *cursor = p;
    return n;
}

static int parse_line(char* line, gate_line* g)
{
    memset(g, 0, sizeof *g);
    char* bar = strchr(line, '|');
    if (!bar || bar - line >= (long)sizeof g->name) return 0;
    memcpy(g->name, line, (size_t)(bar - line));
    char* p = bar + 1;
    double tmp[16];
    g->n_qubits = (uint32_t)numbers(&p, tmp, 16);
    for (uint32_t i = 0; i < g->n_qubits; i++) g->qubits[i] = (uint32_t)tmp[i];
    g->n_controls = (uint32_t)numbers(&p, tmp, 16);
    for (uint32_t i = 0; i < g->n_controls; i++) g->controls[i] = (uint32_t)tmp[i];
    g->n_params = (uint32_t)numbers(&p, g->params, 8);
    char* start = p;
    g->n_matrix_doubles = numbers(&p, NULL, 0);
    if (g->n_matrix_doubles) {
        g->matrix = malloc(g->n_matrix_doubles * sizeof(double));
        p = start;
        numbers(&p, g->matrix, g->n_matrix_doubles);
    }
    return 1;
}

static int check(qiboaccel_error* err, const char* what)
{
    if (!err) return 1;
    fprintf(stderr, "%s: %s\n", what, qiboaccel_error_get_message(err));
    qiboaccel_error_destroy(err);
    return 0;
}

static int run(const char* file, const char* spec, uint64_t shots, uint64_t seed, int batch)
{
    FILE* f = fopen(file, "r");
    if (!f) { fprintf(stderr, "cannot open %s\n", file); return 1; }
    char line[1 << 16];
    if (!fgets(line, sizeof line, f)) return 1;
    uint32_t n_qubits = (uint32_t)atoi(line);
    gate_line* gates = NULL;
    size_t n_gates = 0;
    while (fgets(line, sizeof line, f)) {
        gates = realloc(gates, (n_gates + 1) * sizeof *gates);
        if (parse_line(line, &gates[n_gates])) n_gates++;
    }
    fclose(f);

    qiboaccel_circuit* circuit;
    if (!check(qiboaccel_circuit_create(n_qubits, &circuit), "circuit_create")) return 1;
    if (!batch) {
        for (size_t i = 0; i < n_gates; i++) {
            gate_line* g = &gates[i];
            qiboaccel_gate_args a = { .struct_size = sizeof a };
            a.name = g->name;
            a.qubits = g->qubits; a.n_qubits = g->n_qubits;
            a.controls = g->controls; a.n_controls = g->n_controls;
            a.params = g->params; a.n_params = g->n_params;
            a.matrix = g->matrix; a.n_matrix_values = g->n_matrix_doubles / 2;
            if (!check(qiboaccel_circuit_add_gate(circuit, &a), "add_gate")) return 1;
        }
    } else {
        /* One call for the whole list, records with a stride larger than the struct (as a 1.x caller would send). */
        const size_t stride = sizeof(qiboaccel_gate_record) + 16;
        unsigned char* records = calloc(n_gates ? n_gates : 1, stride);
        uint32_t* qubits = malloc(32 * (n_gates + 1) * sizeof *qubits);
        double* params = malloc(8 * (n_gates + 1) * sizeof *params);
        uint64_t nq = 0, np = 0, nm = 0;
        for (size_t i = 0; i < n_gates; i++) nm += gates[i].n_matrix_doubles;
        double* matrices = malloc((nm + 2) * sizeof *matrices);
        nm = 0;
        for (size_t i = 0; i < n_gates; i++) {
            gate_line* g = &gates[i];
            qiboaccel_gate_info info = { .struct_size = sizeof info };
            if (!check(qiboaccel_gate_lookup(g->name, &info), "gate_lookup")) return 1;
            qiboaccel_gate_record* r = (qiboaccel_gate_record*)(records + i * stride);
            r->gate = info.gate;
            r->n_qubits = g->n_qubits;
            r->n_controls = g->n_controls;
            r->qubits_offset = (uint32_t)nq;
            memcpy(qubits + nq, g->qubits, g->n_qubits * sizeof(uint32_t));
            memcpy(qubits + nq + g->n_qubits, g->controls, g->n_controls * sizeof(uint32_t));
            nq += g->n_qubits + g->n_controls;
            r->n_params = g->n_params;
            r->params_offset = (uint32_t)np;
            memcpy(params + np, g->params, g->n_params * sizeof(double));
            np += g->n_params;
            r->matrix_offset = g->n_matrix_doubles ? (int64_t)(nm / 2) : -1;
            r->n_matrix_values = g->n_matrix_doubles / 2;
            memcpy(matrices + nm, g->matrix, g->n_matrix_doubles * sizeof(double));
            nm += g->n_matrix_doubles;
        }
        qiboaccel_gate_batch b = { .struct_size = sizeof b };
        b.n_gates = n_gates; b.record_size = (uint32_t)stride; b.records = records;
        b.qubits = qubits; b.n_qubit_refs = nq; b.params = params; b.n_params = np;
        b.matrices = matrices; b.n_matrix_values = nm / 2;
        if (!check(qiboaccel_circuit_add_gates(circuit, &b), "add_gates")) return 1;
    }
    for (uint32_t q = 0; q < n_qubits; q++) {
        if (!check(qiboaccel_circuit_add_measurement(circuit, q, -1), "measure")) return 1;
    }

    qiboaccel_backend* backend;
    if (!check(qiboaccel_backend_load(spec, &backend), "backend_load")) return 1;
    qiboaccel_execute_args args = { .struct_size = sizeof args };
    args.shots = shots;
    args.seed = seed;
    args.flags = QIBOACCEL_EXECUTE_SEED;
    if (!check(qiboaccel_execute(backend, circuit, &args), "execute")) return 1;
    qiboaccel_result_info ri = { .struct_size = sizeof ri };
    if (!check(qiboaccel_result_get_info(args.result, &ri), "result_get_info")) return 1;
    double* state = malloc(2 * ri.state_size * sizeof *state);
    if (!check(qiboaccel_result_get_state(args.result, 0, ri.state_size, state), "get_state")) return 1;
    for (uint64_t i = 0; i < ri.state_size; i++) printf("amp %llu %.17g %.17g\n", (unsigned long long)i, state[2 * i], state[2 * i + 1]);
    const double* view = NULL;
    uint64_t view_count = 0;
    if (!check(qiboaccel_result_get_state_view(args.result, &view, &view_count), "get_state_view")) return 1;
    printf("view-equal %d\n", view_count == ri.state_size && !memcmp(view, state, 2 * ri.state_size * sizeof(double)));
    qiboaccel_frequencies_args fa = { .struct_size = sizeof fa };
    fa.register_index = -1;
    if (!check(qiboaccel_result_get_frequencies(args.result, &fa), "frequencies")) return 1;
    uint64_t* outcomes = malloc((fa.n_outcomes + 1) * sizeof *outcomes);
    uint64_t* counts = malloc((fa.n_outcomes + 1) * sizeof *counts);
    fa.capacity = fa.n_outcomes; fa.outcomes = outcomes; fa.counts = counts;
    if (!check(qiboaccel_result_get_frequencies(args.result, &fa), "frequencies")) return 1;
    for (uint64_t i = 0; i < fa.n_outcomes; i++) {
        char key[65];
        for (uint32_t b = 0; b < fa.n_bits; b++) key[b] = (char)('0' + ((outcomes[i] >> (fa.n_bits - 1 - b)) & 1));
        key[fa.n_bits] = 0;
        printf("freq %s %llu\n", key, (unsigned long long)counts[i]);
    }
    qiboaccel_result_destroy(args.result);
    qiboaccel_backend_destroy(backend);
    qiboaccel_circuit_destroy(circuit);
    return 0;
}

/* ------------------------------------------------------------------ errors */

/* Prints "name<TAB>code<TAB>message" for an error (or "name<TAB>0<TAB>" for success) and frees it. */
static void report(const char* name, qiboaccel_error* err)
{
    const char* message = qiboaccel_error_get_message(err);
    if (strchr(message, '\n')) printf("%s\t%u\tMULTI-LINE MESSAGE\n", name, qiboaccel_error_get_code(err));
    else printf("%s\t%u\t%s\n", name, qiboaccel_error_get_code(err), message);
    qiboaccel_error_destroy(err);
}

static qiboaccel_error* add(qiboaccel_circuit* c, const char* name, const uint32_t* q, uint32_t nq, const double* p, uint32_t np)
{
    qiboaccel_gate_args a = { .struct_size = sizeof a };
    a.name = name; a.qubits = q; a.n_qubits = nq; a.params = p; a.n_params = np;
    return qiboaccel_circuit_add_gate(c, &a);
}

static int errors(void)
{
    qiboaccel_backend* backend = NULL;
    qiboaccel_circuit* c = NULL;
    qiboaccel_circuit* q = NULL;
    qiboaccel_result* result = NULL;
    uint32_t q0[] = { 0 }, q01[] = { 0, 1 }, q00[] = { 0, 0 }, q5[] = { 5 };
    double one[] = { 0.5 }, nan_param[] = { NAN };

    /* Nothing to report and NULL errors. */
    printf("null-error-message\t%u\t%s\n", qiboaccel_error_get_code(NULL), qiboaccel_error_get_message(NULL));
    qiboaccel_error_destroy(NULL);

    report("backend-unknown", qiboaccel_backend_load("nosuch", &backend));
    report("backend-null-out", qiboaccel_backend_load("cpu", NULL));
    report("backend-bad-option", qiboaccel_backend_load("cpu:threads=zero", &backend));
    report("backend-missing-library", qiboaccel_backend_load("./no/such/libx.so", &backend));
    report("backend-load", qiboaccel_backend_load(NULL, &backend));
    qiboaccel_backend_info bi = { .struct_size = 8 };
    report("struct-size-too-small", qiboaccel_backend_get_info(backend, &bi));
    report("info-null", qiboaccel_backend_get_info(backend, NULL));

    report("qasm-unknown-gate", qiboaccel_circuit_from_qasm("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\nhx q[0];\n", "bad.qasm", &q));
    report("qasm-out-of-range", qiboaccel_circuit_from_qasm("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\nh q[5];\n", "bad.qasm", &q));
    report("qasm-missing-file", qiboaccel_circuit_from_qasm_file("no/such/file.qasm", &q));
    report("qasm-null-text", qiboaccel_circuit_from_qasm(NULL, NULL, &q));
    report("circuit-zero-qubits", qiboaccel_circuit_create(0, &c));
    report("circuit-create", qiboaccel_circuit_create(2, &c));

    report("gate-unknown", add(c, "hx", q0, 1, NULL, 0));
    report("gate-qubit-out-of-range", add(c, "H", q5, 1, NULL, 0));
    report("gate-too-few-qubits", add(c, "CNOT", q0, 1, NULL, 0));
    report("gate-qubit-twice", add(c, "CNOT", q00, 2, NULL, 0));
    report("gate-missing-parameter", add(c, "RX", q0, 1, NULL, 0));
    report("gate-nan-parameter", add(c, "RX", q0, 1, nan_param, 1));
    report("gate-null-qubits", add(c, "H", NULL, 1, NULL, 0));
    report("gate-ok", add(c, "RX", q0, 1, one, 1));
    qiboaccel_gate_args ua = { .struct_size = sizeof ua };
    double bad_matrix[6] = { 1, 0, 0, 0, 0, 0 };
    ua.name = "Unitary"; ua.qubits = q0; ua.n_qubits = 1; ua.matrix = bad_matrix; ua.n_matrix_values = 3;
    report("unitary-wrong-size", qiboaccel_circuit_add_gate(c, &ua));
    ua.name = "H"; ua.n_matrix_values = 1;
    report("matrix-on-plain-gate", qiboaccel_circuit_add_gate(c, &ua));

    /* A batch whose third record is bad appends nothing. */
    qiboaccel_circuit_info before = { .struct_size = sizeof before }, after = { .struct_size = sizeof after };
    qiboaccel_circuit_get_info(c, &before);
    qiboaccel_gate_record recs[3];
    memset(recs, 0, sizeof recs);
    uint32_t bq[] = { 0, 1, 0, 1, 7 };
    recs[0].gate = QIBOACCEL_GATE_H; recs[0].n_qubits = 1; recs[0].qubits_offset = 0; recs[0].matrix_offset = -1;
    recs[1].gate = QIBOACCEL_GATE_CNOT; recs[1].n_qubits = 2; recs[1].qubits_offset = 2; recs[1].matrix_offset = -1;
    recs[2].gate = QIBOACCEL_GATE_X; recs[2].n_qubits = 1; recs[2].qubits_offset = 4; recs[2].matrix_offset = -1;
    qiboaccel_gate_batch b = { .struct_size = sizeof b };
    b.n_gates = 3; b.record_size = sizeof(qiboaccel_gate_record); b.records = recs; b.qubits = bq; b.n_qubit_refs = 5;
    report("batch-bad-record", qiboaccel_circuit_add_gates(c, &b));
    qiboaccel_circuit_get_info(c, &after);
    printf("batch-atomic\t%llu\t%llu\n", (unsigned long long)before.n_operations, (unsigned long long)after.n_operations);
    b.record_size = 20;
    report("batch-bad-stride", qiboaccel_circuit_add_gates(c, &b));
    b.record_size = sizeof(qiboaccel_gate_record);
    recs[2].qubits_offset = 0; recs[2].flags = 0x80;
    report("batch-unknown-flag", qiboaccel_circuit_add_gates(c, &b));
    recs[2].flags = 0; recs[2].gate = 999;
    report("batch-unknown-gate", qiboaccel_circuit_add_gates(c, &b));
    recs[2].gate = QIBOACCEL_GATE_X; recs[2].qubits_offset = 9;
    report("batch-qubits-past-end", qiboaccel_circuit_add_gates(c, &b));
    recs[2].qubits_offset = 0;
    report("batch-ok", qiboaccel_circuit_add_gates(c, &b));

    report("measure-out-of-range", qiboaccel_circuit_add_measurement(c, 9, -1));
    report("measure-ok", qiboaccel_circuit_add_measurement(c, 0, -1));
    report("register-twice", qiboaccel_circuit_add_register(c, "m", 2, NULL));

    report("execute-null-backend", qiboaccel_execute(NULL, c, NULL));
    qiboaccel_execute_args args = { .struct_size = sizeof args };
    report("execute-handle-kinds-swapped", qiboaccel_execute((qiboaccel_backend*)c, (qiboaccel_circuit*)backend, &args));
    args.precision = 3;
    report("execute-bad-precision", qiboaccel_execute(backend, c, &args));
    args.precision = 0; args.flags = 0x100;
    report("execute-bad-flags", qiboaccel_execute(backend, c, &args));
    args.flags = 0; args.noise_model = "{ \"noise\": [ { \"channel\": { \"type\": \"depolarizing\", \"lambda\": -1 } } ] }";
    report("execute-bad-noise", qiboaccel_execute(backend, c, &args));
    args.noise_model = "{ not json";
    report("execute-noise-not-json", qiboaccel_execute(backend, c, &args));
    args.noise_model = NULL;
    double not_normalised[8] = { 1, 0, 1, 0, 0, 0, 0, 0 };
    args.initial_state = not_normalised; args.n_initial_state_values = 4;
    report("execute-initial-not-normalised", qiboaccel_execute(backend, c, &args));
    args.n_initial_state_values = 3;
    report("execute-initial-wrong-size", qiboaccel_execute(backend, c, &args));
    args.initial_state = NULL; args.n_initial_state_values = 0;
    args.shots = 10; args.seed = 3; args.flags = QIBOACCEL_EXECUTE_SEED;
    report("execute-ok", qiboaccel_execute(backend, c, &args));
    result = args.result;

    double value, out[8];
    report("expectation-syntax", qiboaccel_result_expectation(result, "0.5*Z0*", &value));
    report("expectation-qubit-out-of-range", qiboaccel_result_expectation(result, "Z7", &value));
    report("state-out-of-range", qiboaccel_result_get_state(result, 2, 3, out));
    report("state-view-null", qiboaccel_result_get_state_view(result, NULL, NULL));
    qiboaccel_frequencies_args fa = { .struct_size = sizeof fa };
    fa.register_index = 5;
    report("frequencies-bad-register", qiboaccel_result_get_frequencies(result, &fa));
    report("probabilities-qubit-out-of-range", qiboaccel_result_get_probabilities(result, q5, 1, out));
    report("probabilities-qubit-twice", qiboaccel_result_get_probabilities(result, q00, 2, out));
    (void)q01;

    qiboaccel_sample_args sa = { .struct_size = sizeof sa };
    double negative[] = { 0.5, -0.5 };
    uint64_t outcomes[4];
    sa.probabilities = negative; sa.n_probabilities = 2; sa.shots = 4; sa.outcomes = outcomes;
    report("sample-negative", qiboaccel_sample(&sa));
    double zero[] = { 0, 0 };
    sa.probabilities = zero;
    report("sample-zero-sum", qiboaccel_sample(&sa));

    /* Destroyed handles are errors, and destroying twice does nothing. */
    qiboaccel_result_destroy(result);
    qiboaccel_result_destroy(result);
    report("result-destroyed", qiboaccel_result_get_state(result, 0, 1, out));
    qiboaccel_circuit_destroy(c);
    report("circuit-destroyed", add(c, "H", q0, 1, NULL, 0));
    report("foreign-pointer", add((qiboaccel_circuit*)out, "H", q0, 1, NULL, 0));
    qiboaccel_backend_destroy(backend);
    report("backend-destroyed", qiboaccel_backend_get_info(backend, &bi));
    printf("done\t0\t\n");
    return 0;
}

int main(int argc, char** argv)
{
    if (argc >= 2 && !strcmp(argv[1], "layout")) { layout(); return 0; }
    if (argc >= 2 && !strcmp(argv[1], "errors")) return errors();
    if (argc == 7 && !strcmp(argv[1], "run"))
        return run(argv[2], argv[3], strtoull(argv[4], NULL, 10), strtoull(argv[5], NULL, 10), !strcmp(argv[6], "batch"));
    fprintf(stderr, "usage: capi_probe layout | errors | run GATES SPEC SHOTS SEED single|batch\n");
    return 2;
}
