namespace QiboAccel.Safety;

/// <summary>
/// The caps on input sizes, each checked before the allocation or expansion it guards, each raised through an
/// environment variable. The defaults are far above what real circuits need (the largest QASMBench circuit has
/// about 10^5 operations, 22 qubits and 22 classical bits) and low enough that a hostile or mistaken input fails
/// in about a second instead of filling memory.
/// </summary>
public static class InputLimits
{
    /// <summary>Qubits in one circuit (<c>QIBOACCEL_MAX_QUBITS</c>, default 1024; no state vector goes past 63 anyway).</summary>
    public static InputLimit Qubits { get; } = new("qubits in a circuit", "QIBOACCEL_MAX_QUBITS", 1024);

    /// <summary>Classical bits in one circuit (<c>QIBOACCEL_MAX_CLBITS</c>, default 4096): each shot reads every bit.</summary>
    public static InputLimit ClassicalBits { get; } = new("classical bits in a circuit", "QIBOACCEL_MAX_CLBITS", 4096);

    /// <summary>
    /// Operations in one circuit after gate definitions are expanded and noise channels inserted
    /// (<c>QIBOACCEL_MAX_OPERATIONS</c>, default 4,000,000 — about 1 KiB of host memory each once planned).
    /// </summary>
    public static InputLimit Operations { get; } = new("operations in a circuit (after expanding gate definitions and inserting noise)",
        "QIBOACCEL_MAX_OPERATIONS", 4_000_000);

    /// <summary>Shots of one run (<c>QIBOACCEL_MAX_SHOTS</c>, default 100,000,000).</summary>
    public static InputLimit Shots { get; } = new("shots", "QIBOACCEL_MAX_SHOTS", 100_000_000);

    /// <summary>Rules in one noise model (<c>QIBOACCEL_MAX_NOISE_RULES</c>, default 10,000).</summary>
    public static InputLimit NoiseRules { get; } = new("noise rules", "QIBOACCEL_MAX_NOISE_RULES", 10_000);

    /// <summary>Size of a circuit file (<c>QIBOACCEL_MAX_CIRCUIT_BYTES</c>, default 64 MiB).</summary>
    public static InputLimit CircuitFileBytes { get; } = new("bytes in a circuit file", "QIBOACCEL_MAX_CIRCUIT_BYTES", 64L << 20);

    /// <summary>Size of a JSON file: noise model or backend manifest (<c>QIBOACCEL_MAX_JSON_BYTES</c>, default 16 MiB).</summary>
    public static InputLimit JsonFileBytes { get; } = new("bytes in a JSON file", "QIBOACCEL_MAX_JSON_BYTES", 16L << 20);

    /// <summary>Nesting depth of JSON documents (<c>QIBOACCEL_MAX_JSON_DEPTH</c>, default 64).</summary>
    public static InputLimit JsonDepth { get; } = new("levels of JSON nesting", "QIBOACCEL_MAX_JSON_DEPTH", 64);

    /// <summary>Every limit, for documentation and <c>qiboaccel help</c>.</summary>
    public static IReadOnlyList<InputLimit> All { get; } =
        [Qubits, ClassicalBits, Operations, Shots, NoiseRules, CircuitFileBytes, JsonFileBytes, JsonDepth];
}
