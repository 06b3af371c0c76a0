using QiboAccel.Conformance;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Loader;

/// <summary>Builds faulty_backend.c (the C template with one deliberate fault) once per fault into a temporary folder.</summary>
public sealed class FaultyBackends : IDisposable
{
    public static readonly string[] Faults =
    [
        "FAULT_DECLARES_H", "FAULT_MEASURE_GT", "FAULT_SAMPLE_LE", "FAULT_IGNORE_FLAGS", "FAULT_ERROR_CODES",
        "FAULT_NULL_MESSAGE", "FAULT_NORMALISED", "FAULT_QASM_U3",
    ];

    public FaultyBackends()
    {
        Folder = Directory.CreateTempSubdirectory("qiboaccel-faulty-").FullName;
        string source = RepoPaths.Combine("tests", "QiboAccel.Tests", "Loader", "faulty_backend.c");
        Parallel.ForEach(Faults, new ParallelOptions { MaxDegreeOfParallelism = 2 }, fault => Gcc.Run($"faulty_backend.c -D{fault}",
            "-std=c99", "-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-Wno-unused-function", $"-D{fault}",
            "-I", RepoPaths.Combine("abi", "include"), "-I", RepoPaths.Combine("examples", "backends", "c"), "-o", PathOf(fault), source, "-lm"));
    }

    public string Folder { get; }

    public string PathOf(string fault) => Path.Combine(Folder, $"lib{fault.ToLowerInvariant()}.so");

    // The libraries stay loaded for the life of the process (backends are never unloaded), so only the folder goes.
    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

/// <summary>
/// Each fault a backend author could make that the conformance kit once missed is a backend here (faulty_backend.c: the
/// C template, which passes every case, with one fault): the case that covers it must fail, and its message must name
/// the fault, so that the author knows what to fix. The same backend passes a case that does not involve the fault.
/// </summary>
public class FaultyBackendTests(FaultyBackends faulty) : IClassFixture<FaultyBackends>
{
    [Theory]
    [InlineData("FAULT_DECLARES_H", "capabilities-honest", "H (kind 9) on targets [3], controls [] is declared native but applying it failed")]
    [InlineData("FAULT_MEASURE_GT", "measure-rule", "a backend testing r > p0 reads 0 here")]
    [InlineData("FAULT_SAMPLE_LE", "sampling-rule", "strictly less (a backend comparing with <= picks the outcome before)")]
    [InlineData("FAULT_IGNORE_FLAGS", "invalid-records", "a MATRIX record with flags = 0x1 (ABI 1.0 defines no flag bits; ignoring them is not allowed): expected a backend error, but the call succeeded")]
    [InlineData("FAULT_ERROR_CODES", "invalid-records", "a zeroed record (kind 0, QIBO_OP_INVALID): refused with QIBO_ERROR_UNSUPPORTED, not QIBO_ERROR_INVALID_ARGUMENT")]
    [InlineData("FAULT_ERROR_CODES", "invalid-records", "MEASURE without a random number left (too few randoms): refused with QIBO_ERROR_UNSUPPORTED")]
    [InlineData("FAULT_ERROR_CODES", "invalid-records", "(a missing classical bit): refused with QIBO_ERROR_UNSUPPORTED")]
    [InlineData("FAULT_ERROR_CODES", "invalid-records", "a MATRIX record with flags = 0x1 (ABI 1.0 defines no flag bits; ignoring them is not allowed): refused with QIBO_ERROR_UNSUPPORTED")]
    [InlineData("FAULT_NULL_MESSAGE", "abi-error-objects", "error_message(NULL) returned NULL")]
    [InlineData("FAULT_NORMALISED", "non-unitary-matrix", "the backend normalised it; the header says probabilities are the raw sums")]
    [InlineData("FAULT_QASM_U3", "capabilities-honest", "U3 (kind 24) on targets [3], controls [] is declared native but differs from the header's matrix")]
    [InlineData("FAULT_QASM_U3", "every-gate-double/U3", "U3(")]
    [InlineData("FAULT_QASM_U3", "random-circuits-double", "run alone from a random state, ")]
    public void TheKitFailsTheFaultAndNamesIt(string fault, string conformanceCase, string named)
    {
        using IBackend backend = Backends.Load(faulty.PathOf(fault));
        var context = new ConformanceContext(backend, _ => Backends.Load(faulty.PathOf(fault)));
        var e = Assert.Throws<ConformanceFailure>(() => ConformanceSuite.Get(conformanceCase).Run(context));
        Assert.Contains(named, e.Message);
    }

    /// <summary>A wrong U3 fails many cases; each points at U3, and none at a gate that is right.</summary>
    [Theory]
    [InlineData("random-circuits-double")]
    [InlineData("edge-qubits-double")]
    [InlineData("threads")]
    public void AWrongU3IsNamedWhereverItFails(string conformanceCase)
    {
        using IBackend backend = Backends.Load(faulty.PathOf("FAULT_QASM_U3"));
        var e = Assert.Throws<ConformanceFailure>(() => ConformanceSuite.Get(conformanceCase).Run(new ConformanceContext(backend, _ => throw new NotSupportedException())));
        const string marker = "differ from the reference: ";
        int start = e.Message.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, e.Message);
        // "… differ from the reference: U3(…) on targets … | CU3(…) … (the whole circuit: amplitude …)"
        string[] named = e.Message[(start + marker.Length)..e.Message.LastIndexOf(" (", StringComparison.Ordinal)].Split(" | ");
        Assert.Contains(named, part => part.StartsWith("U3(", StringComparison.Ordinal));
        Assert.All(named, part => Assert.Matches(@"^C?U3\(", part)); // U3, or CU3 (U3 with a control): no gate that is right
    }

    /// <summary>Away from its fault each backend is the template, which conforms: the failures above are the faults'.</summary>
    [Theory]
    [InlineData("FAULT_MEASURE_GT", "sampling-rule")]
    [InlineData("FAULT_SAMPLE_LE", "measure-rule")]
    [InlineData("FAULT_IGNORE_FLAGS", "every-gate-double/CRY")]
    [InlineData("FAULT_ERROR_CODES", "measure-collapse")]
    [InlineData("FAULT_NULL_MESSAGE", "invalid-records")]
    [InlineData("FAULT_NORMALISED", "sampling-rule")]
    [InlineData("FAULT_QASM_U3", "every-gate-double/U2")]
    [InlineData("FAULT_DECLARES_H", "every-gate-double/X")]
    public void ElsewhereTheFaultyBackendConforms(string fault, string conformanceCase)
    {
        using IBackend backend = Backends.Load(faulty.PathOf(fault));
        ConformanceSuite.Get(conformanceCase).Run(new ConformanceContext(backend, _ => Backends.Load(faulty.PathOf(fault))));
    }
}
