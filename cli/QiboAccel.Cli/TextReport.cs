using System.Globalization;
using QiboAccel.Circuits;
using QiboAccel.Execution;

namespace QiboAccel.Cli;

/// <summary>The human-readable output of <c>run</c>.</summary>
internal static class TextReport
{
    private const int MaxRows = 64;

    public static void Write(TextWriter o, string file, Circuit circuit, BackendInfo info, ExecutionResult result, Timings t,
        bool wantState, Observables.Observable? observable, double? expectation)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine($"circuit    {file}: {circuit.NQubits} qubits, {circuit.NClbits} classical bits, {circuit.Operations.Count} operations");
        o.WriteLine($"backend    {info.Name} {info.Version} ({info.Device}), {result.Precision.Name()} precision");
        o.WriteLine(string.Create(inv, $"time       parse {Ms(t.Parse)}, load {Ms(t.Load)}, simulate {Ms(t.Simulate)}, sample {Ms(t.Sample)}, total {Ms(t.Total)}"));
        if (result.Shots > 0)
        {
            o.WriteLine($"shots      {result.Shots} (seed {result.Seed}); outcomes of qubits {string.Join(",", result.SampledQubits)}, qubit {result.SampledQubits[0]} first");
            var rows = result.Frequencies.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
            int width = 40;
            foreach (var (key, count) in rows.Take(MaxRows))
            {
                int bar = (int)Math.Round(width * (double)count / result.Shots);
                o.WriteLine(string.Create(inv, $"  {key}  {count,8}  {count * 100.0 / result.Shots,6:0.00}%  {new string('#', bar)}"));
            }
            if (rows.Count > MaxRows) o.WriteLine($"  ... {rows.Count - MaxRows} more outcomes (use --json for all)");
        }
        if (result.IsDensityMatrix)
        {
            o.WriteLine(string.Create(inv, $"density   matrix of {result.NQubits} qubits (simulated as {2 * result.NQubits}); purity Tr(rho^2) = {result.Purity:0.000000}"));
            if (wantState)
            {
                o.WriteLine("probabilities (diagonal of rho, nonzero, qubit 0 first)");
                var probabilities = result.DiagonalProbabilities!;
                int shown = 0;
                for (int i = 0; i < probabilities.Length && shown < MaxRows; i++)
                {
                    if (Math.Abs(probabilities[i]) < 1e-12) continue;
                    shown++;
                    o.WriteLine(string.Create(inv, $"  |{Convert.ToString(i, 2).PadLeft(result.NQubits, '0')}>  p = {probabilities[i]:0.000000}"));
                }
            }
        }
        if (observable is not null && expectation is { } e)
        {
            o.WriteLine(string.Create(inv, $"expectation <{observable.Text}> = {e:0.############}"));
        }
        if (wantState && result.State is { } state)
        {
            o.WriteLine("state      (nonzero amplitudes, basis states qubit 0 first)");
            int shown = 0, nonzero = 0;
            for (int i = 0; i < state.Length; i++)
            {
                var a = state[i];
                if (a.Magnitude < 1e-12) continue;
                nonzero++;
                if (shown++ >= MaxRows) continue;
                string label = Convert.ToString(i, 2).PadLeft(result.NQubits, '0');
                o.WriteLine(string.Create(inv, $"  |{label}>  {a.Real,12:0.000000} {(a.Imaginary < 0 ? '-' : '+')} {Math.Abs(a.Imaginary):0.000000}i   p = {a.Magnitude * a.Magnitude:0.000000}"));
            }
            if (nonzero > MaxRows) o.WriteLine($"  ... {nonzero - MaxRows} more nonzero amplitudes (use --json for all)");
        }
        if (result.Shots == 0 && !wantState && observable is null && !result.IsDensityMatrix)
        {
            o.WriteLine("           (no --shots and no --state: nothing to show but timings)");
        }
    }

    private static string Ms(double seconds) => seconds < 1 ? $"{seconds * 1000:0.0} ms" : $"{seconds:0.00} s";
}
