namespace QiboAccel.Conformance;

/// <summary>What a case runs against: the backend under test and a way to load more instances of it.</summary>
public sealed class ConformanceContext(IBackend backend, Func<string, IBackend> load)
{
    /// <summary>The backend under test.</summary>
    public IBackend Backend { get; } = backend;

    /// <summary>Loads the same library again with other options (e.g. to compare thread counts).</summary>
    public Func<string, IBackend> Load { get; } = load;

    /// <summary>Ends the case as not applicable when the backend does not offer <paramref name="precision"/>.</summary>
    public void Require(Precision precision)
    {
        if (!Backend.Info.Precisions.Contains(precision))
        {
            throw new ConformanceNotApplicable($"the backend does not offer {precision.Name()} precision");
        }
    }

    /// <summary>True when the backend offers <paramref name="precision"/>.</summary>
    public bool Supports(Precision precision) => Backend.Info.Precisions.Contains(precision);

    /// <summary>Amplitude tolerance against the reference for a precision.</summary>
    public static double Tolerance(Precision precision) => precision == Precision.Double ? 1e-10 : 2e-4;
}
