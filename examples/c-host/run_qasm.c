/*
 * run_qasm.c — runs an OpenQASM 2.0 file through libqiboaccel.so, the QiboAccel C API
 * (abi/include/qibo/qiboaccel.h), and prints what the C# API and `qiboaccel run` report.
 *
 *   run_qasm FILE.qasm [--backend SPEC] [--shots N] [--seed S] [--precision double|single]
 *                      [--density-matrix] [--noise MODEL.json] [--state] [--expectation "Z0*Z1"]
 *
 * Output, one fact per line (easy to read and to parse):
 *   circuit FILE: N qubits, C classical bits, K operations
 *   backend NAME VERSION (DEVICE)
 *   amp INDEX RE IM            with --state: every amplitude (every entry of rho, row-major)
 *   freq BITSTRING COUNT       per outcome of the sampled qubits (qubit order in "sampled")
 *   reg NAME BITSTRING COUNT   per outcome of each classical register (bit 0 first)
 *   expectation VALUE
 *   seed S  /  time simulate ... sample ... total ... (seconds)
 * Errors: the library's one-line message on stderr, exit status 1 (2 for a bad command line).
 */
#include <qibo/qiboaccel.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prints the error's message, frees it, and says whether there was one. */
static int failed(qiboaccel_error* err)
{
    if (err == NULL) return 0;
    fprintf(stderr, "run_qasm: error: %s\n", qiboaccel_error_get_message(err));
    qiboaccel_error_destroy(err);
    return 1;
}

static void bits(uint64_t value, uint32_t n, char* out)
{
    for (uint32_t i = 0; i < n; i++) out[i] = (char)('0' + ((value >> (n - 1 - i)) & 1));
    out[n] = '\0';
}

/* Prints "PREFIX bitstring count" for every outcome of the sampled qubits (reg = -1) or of a register. */
static int print_frequencies(const qiboaccel_result* result, int32_t reg, const char* prefix)
{
    qiboaccel_frequencies_args f = { .struct_size = sizeof f };
    f.register_index = reg;
    if (failed(qiboaccel_result_get_frequencies(result, &f))) return 1; /* capacity 0: just count */
    uint64_t n = f.n_outcomes;
    uint64_t* outcomes = malloc((n ? n : 1) * sizeof *outcomes);
    uint64_t* counts = malloc((n ? n : 1) * sizeof *counts);
    char key[65];
    f.capacity = n;
    f.outcomes = outcomes;
    f.counts = counts;
    int status = failed(qiboaccel_result_get_frequencies(result, &f));
    for (uint64_t i = 0; !status && i < n; i++) {
        bits(outcomes[i], f.n_bits, key);
        printf("%s %s %llu\n", prefix, key, (unsigned long long)counts[i]);
    }
    free(outcomes);
    free(counts);
    return status;
}

static int usage(void)
{
    fprintf(stderr, "usage: run_qasm FILE.qasm [--backend SPEC] [--shots N] [--seed S] [--precision double|single]\n"
                    "                [--density-matrix] [--noise MODEL.json] [--state] [--expectation OBSERVABLE]\n");
    return 2;
}

static int parse_u64(const char* text, uint64_t* value)
{
    char* end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-') return 0;
    *value = v;
    return 1;
}

static char* read_file(const char* path)
{
    FILE* f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char* text = malloc((size_t)size + 1);
    size_t got = text ? fread(text, 1, (size_t)size, f) : 0;
    fclose(f);
    if (text) text[got] = '\0';
    return text;
}

int main(int argc, char** argv)
{
    const char *file = NULL, *spec = "cpu", *observable = NULL, *noise_file = NULL;
    uint64_t shots = 0, seed = 0;
    int have_seed = 0, want_state = 0, density = 0;
    uint32_t precision = QIBOACCEL_PRECISION_DOUBLE;
    for (int i = 1; i < argc; i++) {
        const char* a = argv[i];
        int has_value = i + 1 < argc;
        if (!strcmp(a, "--backend") && has_value) spec = argv[++i];
        else if (!strcmp(a, "--shots") && has_value) { if (!parse_u64(argv[++i], &shots)) return usage(); }
        else if (!strcmp(a, "--seed") && has_value) { if (!parse_u64(argv[++i], &seed)) return usage(); have_seed = 1; }
        else if (!strcmp(a, "--precision") && has_value) {
            const char* p = argv[++i];
            if (!strcmp(p, "double")) precision = QIBOACCEL_PRECISION_DOUBLE;
            else if (!strcmp(p, "single")) precision = QIBOACCEL_PRECISION_SINGLE;
            else return usage();
        }
        else if (!strcmp(a, "--noise") && has_value) noise_file = argv[++i];
        else if (!strcmp(a, "--expectation") && has_value) observable = argv[++i];
        else if (!strcmp(a, "--density-matrix")) density = 1;
        else if (!strcmp(a, "--state")) want_state = 1;
        else if (a[0] != '-' && !file) file = a;
        else return usage();
    }
    if (!file) return usage();

    uint32_t version = qiboaccel_api_version();
    if ((version >> 16) != QIBOACCEL_API_VERSION_MAJOR) {
        fprintf(stderr, "run_qasm: libqiboaccel speaks API %u.%u, this program %d.%d\n", version >> 16, version & 0xffff,
                QIBOACCEL_API_VERSION_MAJOR, QIBOACCEL_API_VERSION_MINOR);
        return 1;
    }

    qiboaccel_circuit* circuit = NULL;
    qiboaccel_backend* backend = NULL;
    qiboaccel_result* result = NULL;
    char* noise = NULL;
    int status = 1;
    if (noise_file && !(noise = read_file(noise_file))) {
        fprintf(stderr, "run_qasm: error: %s: cannot read the noise model\n", noise_file);
        return 1;
    }
    if (failed(qiboaccel_circuit_from_qasm_file(file, &circuit))) goto done;
    qiboaccel_circuit_info ci = { .struct_size = sizeof ci };
    if (failed(qiboaccel_circuit_get_info(circuit, &ci))) goto done;
    for (uint32_t w = 0; w < ci.n_warnings; w++) {
        const char* message;
        if (!qiboaccel_circuit_get_warning(circuit, w, &message)) fprintf(stderr, "run_qasm: %s\n", message);
    }
    printf("circuit %s: %u qubits, %u classical bits, %llu operations\n", file, ci.n_qubits, ci.n_clbits,
           (unsigned long long)ci.n_operations);

    if (failed(qiboaccel_backend_load(spec, &backend))) goto done;
    qiboaccel_backend_info bi = { .struct_size = sizeof bi };
    if (failed(qiboaccel_backend_get_info(backend, &bi))) goto done;
    printf("backend %s %s (%s)\n", bi.name, bi.version, bi.device);

    qiboaccel_execute_args args = { .struct_size = sizeof args };
    args.shots = shots;
    args.seed = seed;
    args.flags = (have_seed ? QIBOACCEL_EXECUTE_SEED : 0) | (density ? QIBOACCEL_EXECUTE_DENSITY_MATRIX : 0);
    args.precision = precision;
    args.noise_model = noise;
    if (failed(qiboaccel_execute(backend, circuit, &args))) goto done;
    result = args.result;

    qiboaccel_result_info ri = { .struct_size = sizeof ri };
    if (failed(qiboaccel_result_get_info(result, &ri))) goto done;
    if (want_state) {
        double* amplitudes = malloc(2 * ri.state_size * sizeof *amplitudes);
        if (!amplitudes || failed(qiboaccel_result_get_state(result, 0, ri.state_size, amplitudes))) { free(amplitudes); goto done; }
        for (uint64_t i = 0; i < ri.state_size; i++) printf("amp %llu %.17g %.17g\n", (unsigned long long)i, amplitudes[2 * i], amplitudes[2 * i + 1]);
        free(amplitudes);
    }
    if (ri.density_matrix) printf("purity %.17g\n", ri.purity);
    if (shots > 0) {
        printf("sampled");
        for (uint32_t i = 0; i < ri.n_sampled_qubits; i++) printf(" %u", ri.sampled_qubits[i]);
        printf("\n");
        if (print_frequencies(result, -1, "freq")) goto done;
        for (uint32_t r = 0; r < ri.n_registers; r++) {
            qiboaccel_register_info reg = { .struct_size = sizeof reg };
            char prefix[300];
            if (failed(qiboaccel_result_get_register(result, r, &reg))) goto done;
            snprintf(prefix, sizeof prefix, "reg %s", reg.name);
            if (print_frequencies(result, (int32_t)r, prefix)) goto done;
        }
    }
    if (observable) {
        double value;
        if (failed(qiboaccel_result_expectation(result, observable, &value))) goto done;
        printf("expectation %.17g\n", value);
    }
    printf("seed %llu\n", (unsigned long long)ri.seed);
    printf("time simulate %.6f sample %.6f total %.6f load %.6f parse %.6f\n", ri.simulate_seconds, ri.sample_seconds,
           ri.total_seconds, bi.load_seconds, ci.parse_seconds);
    status = 0;

done:
    qiboaccel_result_destroy(result);
    qiboaccel_backend_destroy(backend);
    qiboaccel_circuit_destroy(circuit);
    free(noise);
    return status;
}
