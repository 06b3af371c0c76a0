using System.Text.Json;
using QiboAccel.Circuits;
using QiboAccel.Execution;

namespace QiboAccel.Cli;

/// <summary>The <c>--json</c> output of <c>run</c>: one JSON object.</summary>
internal static class JsonReport
{
    public static void Write(Stream stream, string file, Circuit circuit, BackendInfo info, ExecutionResult result, Timings timings,
        bool wantState, Observables.Observable? observable, double? expectation, GradientReport? gradient = null)
    {
        // JSON has no NaN or infinity: refuse before writing anything rather than leave half an object on stdout.
        if (expectation is { } x && !double.IsFinite(x)) throw new InvalidOperationException($"the expectation value is {x}, not a finite number");
        if (result.Purity is { } purity && !double.IsFinite(purity)) throw new InvalidOperationException($"the purity is {purity}, not a finite number");
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("circuit", file);
        w.WriteString("backend", info.Name);
        w.WriteString("backend_version", info.Version);
        w.WriteString("device", info.Device);
        w.WriteNumber("nqubits", result.NQubits);
        w.WriteNumber("nclbits", circuit.NClbits);
        w.WriteNumber("noperations", circuit.Operations.Count);
        w.WriteString("precision", result.Precision.Name());
        w.WriteNumber("shots", result.Shots);
        w.WriteNumber("seed", result.Seed);
        w.WriteBoolean("density_matrix", result.IsDensityMatrix);
        if (observable is not null && expectation is { } e)
        {
            w.WriteString("observable", observable.Text);
            w.WriteNumber("expectation", e);
        }
        gradient?.WriteJson(w);
        if (result.IsDensityMatrix)
        {
            w.WriteNumber("purity", result.Purity!.Value);
            w.WriteStartArray("probabilities");
            foreach (double p in result.DiagonalProbabilities!) w.WriteNumberValue(p);
            w.WriteEndArray();
            if (wantState && result.DensityMatrix is { } rho)
            {
                // Rows of ρ, each a list of [re, im] pairs.
                int dim = 1 << result.NQubits;
                w.WriteStartArray("density_matrix_rows");
                for (int i = 0; i < dim; i++)
                {
                    w.WriteStartArray();
                    for (int j = 0; j < dim; j++)
                    {
                        w.WriteStartArray();
                        w.WriteNumberValue(rho[i * dim + j].Real);
                        w.WriteNumberValue(rho[i * dim + j].Imaginary);
                        w.WriteEndArray();
                    }
                    w.WriteEndArray();
                }
                w.WriteEndArray();
            }
        }
        if (wantState && result.State is { } state)
        {
            w.WriteStartArray("state");
            foreach (var a in state)
            {
                w.WriteStartArray();
                w.WriteNumberValue(a.Real);
                w.WriteNumberValue(a.Imaginary);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteStartArray("probabilities");
            foreach (double p in result.Probabilities()!) w.WriteNumberValue(p);
            w.WriteEndArray();
        }
        if (result.Shots > 0)
        {
            w.WriteStartArray("sampled_qubits");
            foreach (int q in result.SampledQubits) w.WriteNumberValue(q);
            w.WriteEndArray();
            w.WriteStartObject("frequencies");
            foreach (var (key, count) in result.Frequencies) w.WriteNumber(key, count);
            w.WriteEndObject();
            w.WriteStartObject("registers");
            foreach (var (name, counts) in result.RegisterFrequencies)
            {
                w.WriteStartObject(name);
                foreach (var (key, count) in counts) w.WriteNumber(key, count);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteStartObject("timings");
        w.WriteNumber("parse_seconds", timings.Parse);
        w.WriteNumber("load_seconds", timings.Load);
        w.WriteNumber("simulate_seconds", timings.Simulate);
        w.WriteNumber("sample_seconds", timings.Sample);
        w.WriteNumber("total_seconds", timings.Total);
        w.WriteEndObject();
        w.WriteEndObject();
        w.Flush();
        stream.WriteByte((byte)'\n');
    }
}
