namespace QiboAccel.Conformance;

/// <summary>One conformance case: a name users can pass to <c>qiboaccel conformance --case</c>, and its check.</summary>
/// <param name="Name">Stable kebab-case name; a part of a group is named <c>GROUP/PART</c>.</param>
/// <param name="Description">What the case proves, one line.</param>
/// <param name="Run">Throws <see cref="ConformanceFailure"/> (or any exception) when the backend does not conform.</param>
public sealed record ConformanceCase(string Name, string Description, Action<ConformanceContext> Run)
{
    /// <summary>The parts of a group (one per gate kind in every-gate); empty for a plain case.</summary>
    public IReadOnlyList<ConformanceCase> Parts { get; private init; } = [];

    /// <summary>
    /// A case made of parts that also run alone (<c>--case GROUP/PART</c>, one test row each). Running the group
    /// runs every part and fails naming each part that failed; it is not applicable when no part is.
    /// </summary>
    public static ConformanceCase Group(string name, string description, IEnumerable<(string Part, Action<ConformanceContext> Run)> parts)
    {
        ConformanceCase[] list = [.. parts.Select(p => new ConformanceCase($"{name}/{p.Part}", $"{description}: {p.Part}", p.Run))];
        return new ConformanceCase(name, description, c => RunAll(list, c)) { Parts = list };
    }

    private static void RunAll(ConformanceCase[] parts, ConformanceContext context)
    {
        var failures = new List<string>();
        string? notApplicable = null;
        int applicable = 0;
        foreach (var part in parts)
        {
            try
            {
                part.Run(context);
                applicable++;
            }
            catch (ConformanceNotApplicable e)
            {
                notApplicable ??= e.Message;
            }
            catch (Exception e)
            {
                applicable++;
                failures.Add($"{part.Name[(part.Name.LastIndexOf('/') + 1)..]}: {e.Message}");
            }
        }
        if (failures.Count > 0) throw new ConformanceFailure($"{failures.Count} of {parts.Length} part(s) failed: {string.Join(" | ", failures)}");
        if (applicable == 0 && notApplicable is not null) throw new ConformanceNotApplicable(notApplicable);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>A conformance case found the backend at fault.</summary>
public sealed class ConformanceFailure(string message) : Exception(message);

/// <summary>The case does not apply to this backend (e.g. complex64 on a complex128-only backend); the message says why.</summary>
public sealed class ConformanceNotApplicable(string reason) : Exception(reason);
