using System.Numerics;
using QiboAccel.Circuits;

namespace QiboAccel.Conformance;

/// <summary>Assertions for conformance cases (no test framework: the kit also runs from the CLI).</summary>
public static class Check
{
    public static void True(bool condition, string message)
    {
        if (!condition) throw new ConformanceFailure(message);
    }

    public static void Close(double expected, double actual, double tolerance, string what)
        => True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected}, got {actual} (tolerance {tolerance})");

    public static void StatesClose(ReadOnlySpan<Complex> expected, ReadOnlySpan<Complex> actual, double tolerance, Circuit? circuit = null)
    {
        True(expected.Length == actual.Length, $"state has {actual.Length} amplitudes, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            if ((expected[i] - actual[i]).Magnitude > tolerance)
            {
                string ops = circuit is null ? "" : " — circuit: " + string.Join("; ", circuit.Operations);
                throw new ConformanceFailure($"amplitude {i}: expected {expected[i]}, got {actual[i]}{ops}");
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> and returns the <see cref="BackendException"/> it must throw.</summary>
    public static BackendException Fails(Action action, string what)
    {
        try
        {
            action();
        }
        catch (BackendException e)
        {
            return e;
        }
        catch (Exception e)
        {
            throw new ConformanceFailure($"{what}: expected a backend error, got {e.GetType().Name}: {e.Message}");
        }
        throw new ConformanceFailure($"{what}: expected a backend error, but the call succeeded");
    }
}
