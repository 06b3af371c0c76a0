namespace QiboAccel;

/// <summary>Numeric precision of a state's amplitudes.</summary>
public enum Precision
{
    /// <summary>complex128: two doubles per amplitude (the default).</summary>
    Double,
    /// <summary>complex64: two floats per amplitude; half the memory and traffic.</summary>
    Single,
}

/// <summary>Helpers for <see cref="Precision"/>.</summary>
public static class PrecisionExtensions
{
    /// <summary>Bytes per amplitude.</summary>
    public static int BytesPerAmplitude(this Precision p) => p == Precision.Double ? 16 : 8;

    /// <summary>The name used on the command line and in JSON ("double" or "single").</summary>
    public static string Name(this Precision p) => p == Precision.Double ? "double" : "single";

    /// <summary>Parses "double"/"complex128" or "single"/"complex64".</summary>
    public static Precision Parse(string text) => text.ToLowerInvariant() switch
    {
        "double" or "complex128" => Precision.Double,
        "single" or "complex64" => Precision.Single,
        _ => throw new ArgumentException($"unknown precision '{text}' (use double or single)"),
    };
}
