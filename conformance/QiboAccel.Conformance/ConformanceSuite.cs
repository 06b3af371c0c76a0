using QiboAccel.Conformance.Cases;

namespace QiboAccel.Conformance;

/// <summary>Every conformance case, in the order the report lists them.</summary>
public static class ConformanceSuite
{
    private static readonly ConformanceCase[] Cases =
    [
        .. AbiCases.All(), .. CapabilityCases.All(), .. GateCases.All(), .. StateCases.All(),
        .. MeasurementCases.All(), .. ErrorCases.All(), .. DensityMatrixCases.All(),
    ];

    /// <summary>All cases.</summary>
    public static IReadOnlyList<ConformanceCase> All => Cases;

    /// <summary>The case called <paramref name="name"/>.</summary>
    public static ConformanceCase Get(string name)
        => Cases.FirstOrDefault(c => c.Name == name)
           ?? throw new ArgumentException($"unknown conformance case '{name}' (known: {string.Join(", ", Cases.Select(c => c.Name))})");
}
