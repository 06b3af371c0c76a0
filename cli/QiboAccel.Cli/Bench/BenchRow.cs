namespace QiboAccel.Cli.Bench;

/// <summary>One measurement of <c>qiboaccel bench</c>: a circuit on a backend at one size.</summary>
internal sealed record BenchRow(
    string Circuit,
    int Qubits,
    int Gates,
    string Backend,
    double MedianSeconds,
    double RatioToFirst,
    double GatesBytes,
    double BandwidthGBs,
    double FractionOfStream,
    double PassTimes,
    double? Fidelity,
    string? Error);
