using QiboAccel.Conformance.Cases;

namespace QiboAccel.Conformance;

/// <summary>Every conformance case, in the order the report lists them.</summary>
public static class ConformanceSuite
{
    private static readonly ConformanceCase[] Cases =
    [
        .. AbiCases.All(), .. CapabilityCases.All(), .. GateCases.All(), .. StateCases.All(),
        .. MeasurementCases.All(), .. ErrorCases.All(), .. DensityMatrixCases.All(), .. StateOverlapCases.All(),
    ];

    /// <summary>All cases (a group counts once).</summary>
    public static IReadOnlyList<ConformanceCase> All => Cases;

    /// <summary>What test suites list, one row each: every plain case and every part of every group.</summary>
    public static IEnumerable<ConformanceCase> Rows => Cases.SelectMany(c => c.Parts.Count > 0 ? c.Parts : [c]);

    /// <summary>The case (or group part) called <paramref name="name"/>.</summary>
    public static ConformanceCase Get(string name)
        => Cases.Concat(Cases.SelectMany(c => c.Parts)).FirstOrDefault(c => c.Name == name)
           ?? throw new ArgumentException($"unknown conformance case '{name}' (known: {string.Join(", ", Cases.Select(c => c.Name))}; a group's parts are GROUP/PART)");
}
