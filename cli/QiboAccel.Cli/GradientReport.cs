using System.Globalization;
using System.Text.Json;
using QiboAccel.Circuits;
using QiboAccel.Gradients;

namespace QiboAccel.Cli;

/// <summary>
/// <c>run --expectation O --gradient</c>: ∂⟨O⟩/∂θ for a circuit's <c>input</c> parameters or, when it has none, for
/// every gate angle. Parsing of <c>--parameters</c>, the computation and both report forms live here.
/// </summary>
internal sealed class GradientReport
{
    private GradientReport(GradientResult result, IReadOnlyList<string> names, IReadOnlyList<double> values)
    {
        Result = result;
        Names = names;
        Values = values;
    }

    /// <summary>The gradient.</summary>
    public GradientResult Result { get; }

    /// <summary>What each entry differentiates by: an input's name, or "op 3 RX[0]".</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The parameter values it was taken at.</summary>
    public IReadOnlyList<double> Values { get; }

    /// <summary>
    /// The values of <paramref name="circuit"/>'s parameters from <c>--parameters</c>: <c>theta=0.3,phi=1</c> (by
    /// name) or <c>0.3,1</c> (in declaration order).
    /// </summary>
    public static double[] ParseValues(string? text, Circuit circuit)
    {
        var parameters = circuit.Parameters;
        string names = string.Join(", ", parameters.Select(p => p.Name));
        if (text is null)
        {
            if (parameters.Count == 0) return [];
            throw new UsageException($"the circuit has input parameter(s) {names}: give their values with --parameters {string.Join(",", parameters.Select(p => p.Name + "=VALUE"))}");
        }
        if (parameters.Count == 0) throw new UsageException("--parameters: the circuit declares no inputs (input angle NAME;)");
        string[] items = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double?[parameters.Count];
        for (int i = 0; i < items.Length; i++)
        {
            string item = items[i];
            int eq = item.IndexOf('=');
            string valueText = eq < 0 ? item : item[(eq + 1)..].Trim();
            int index = i;
            if (eq >= 0)
            {
                string name = item[..eq].Trim();
                index = parameters.Select(p => p.Name).ToList().IndexOf(name);
                if (index < 0) throw new UsageException($"--parameters: '{Safety.MessageText.Clip(name, 40)}' is not an input of the circuit (its inputs: {names})");
            }
            else if (i >= parameters.Count)
            {
                throw new UsageException($"--parameters: {items.Length} values for {parameters.Count} input(s) ({names})");
            }
            if (!double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            {
                throw new UsageException($"--parameters: '{Safety.MessageText.Clip(valueText, 40)}' is not a finite number");
            }
            if (values[index] is not null) throw new UsageException($"--parameters: {parameters[index].Name} is given twice");
            values[index] = v;
        }
        int missing = Array.FindIndex(values, v => v is null);
        if (missing >= 0) throw new UsageException($"--parameters: no value for {parameters[missing].Name} (the circuit's inputs: {names})");
        return [.. values.Select(v => v!.Value)];
    }

    /// <summary>Parses <c>--gradient-method</c>.</summary>
    public static GradientMethod ParseMethod(string? text) => text switch
    {
        null or "auto" => GradientMethod.Auto,
        "adjoint" => GradientMethod.Adjoint,
        "parameter-shift" or "shift" => GradientMethod.ParameterShift,
        _ => throw new UsageException($"--gradient-method must be auto, adjoint or parameter-shift, got '{Safety.MessageText.Clip(text, 40)}'"),
    };

    /// <summary>The gradient of <paramref name="observable"/> after <paramref name="circuit"/> at <paramref name="values"/>.</summary>
    public static GradientReport Compute(IBackend backend, Circuit circuit, double[] values, Observables.Observable observable, GradientMethod method,
        Precision precision, bool densityMatrix, Noise.NoiseModel? noise)
    {
        GradientReport report;
        if (circuit.IsParametrized || circuit.Parameters.Count > 0)
        {
            GradientResult g = backend.Gradient(circuit, observable, values, method, precision, densityMatrix, noise);
            report = new GradientReport(g, [.. circuit.Parameters.Select(p => p.Name)], values);
        }
        else
        {
            var (symbolic, angles, angleValues) = GateAngles.AsParameters(circuit);
            if (angles.Count == 0) throw new UsageException("--gradient: the circuit has no inputs (input angle NAME;) and no gate with a parameter to differentiate by");
            GradientResult all = backend.Gradient(symbolic, observable, angleValues, method, precision, densityMatrix, noise);
            report = new GradientReport(all, [.. angles.Select(a => $"op {a.Operation} {a.Gate}[{a.Index}]")], angleValues);
        }
        // Reports are written whole or not at all (JSON has no NaN): a non-finite derivative is an error here.
        int bad = Array.FindIndex(report.Result.Gradient, d => !double.IsFinite(d));
        if (bad >= 0) throw new InvalidOperationException($"d<O>/d({report.Names[bad]}) is {report.Result.Gradient[bad]}, not a finite number");
        return report;
    }

    /// <summary>The text form.</summary>
    public void WriteText(TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        string method = Result.Method == GradientMethod.Adjoint ? "adjoint" : "parameter shift";
        o.WriteLine(string.Create(inv, $"gradient   {method}, {Result.CircuitPasses} circuit passes, {Result.Seconds * 1000:0.0} ms; d<O>/d(parameter) at its value"));
        int width = Math.Max(8, Names.Max(n => n.Length));
        for (int i = 0; i < Names.Count; i++)
        {
            o.WriteLine(string.Create(inv, $"  {Names[i].PadRight(width)}  at {Values[i],12:0.#########}  {Result.Gradient[i],16:0.############}"));
        }
    }

    /// <summary>The JSON form: <c>"gradient": { "method", "circuit_passes", "seconds", "parameters": [{ "name", "value", "derivative" }] }</c>.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject("gradient");
        w.WriteString("method", Result.Method == GradientMethod.Adjoint ? "adjoint" : "parameter-shift");
        w.WriteNumber("circuit_passes", Result.CircuitPasses);
        w.WriteNumber("seconds", Result.Seconds);
        w.WriteStartArray("parameters");
        for (int i = 0; i < Names.Count; i++)
        {
            w.WriteStartObject();
            w.WriteString("name", Names[i]);
            w.WriteNumber("value", Values[i]);
            w.WriteNumber("derivative", Result.Gradient[i]);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
