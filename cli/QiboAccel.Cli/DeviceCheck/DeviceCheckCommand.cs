using QiboAccel.Conformance;

namespace QiboAccel.Cli.DeviceCheck;

/// <summary>
/// <c>qiboaccel device-check</c>: everything worth knowing the first time a GPU backend meets a device, in one run
/// (scripts/gpu-check drives it; backends/gpu/README.md describes the output): the device, the conformance kit,
/// every operation kind x placement x controls, the reductions and ABI 1.1's copies, inner products and expectation
/// values against a reference backend, mid-circuit MEASURE,
/// complex64 states of 31-32 qubits around amplitude 2^31, several host threads on one device, and GB/s per gate kind
/// against a device-to-device copy. Prints a line per check; --json writes the summary. Exit code 1 if any check fails.
/// </summary>
internal static class DeviceCheckCommand
{
    public static int Execute(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(DeviceCheckOptions.Usage);
            return 0;
        }
        DeviceCheckOptions options = DeviceCheckOptions.Parse(args);
        var report = new CheckReport(options);
        using IBackend backend = Backends.Load(options.Backend);
        using IBackend reference = Backends.Load(options.Reference);
        BackendInfo info = backend.Info;
        Console.WriteLine($"device-check: {info.Name} {info.Version} on {info.Device}");
        Console.WriteLine($"  library {info.LibraryPath}; max {info.MaxQubits} qubits; {string.Join(", ", info.Precisions)}; reference {reference.Info.Name} ({reference.Info.Device})");
        report.Device.Add(("name", info.Name));
        report.Device.Add(("version", info.Version));
        report.Device.Add(("device", info.Device));
        report.Device.Add(("library", info.LibraryPath));
        report.Device.Add(("max_qubits", info.MaxQubits.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        report.Device.Add(("reference", $"{reference.Info.Name} {reference.Info.Version} on {reference.Info.Device}"));

        if (options.Conformance)
        {
            foreach (ConformanceCase c in ConformanceSuite.All)
            {
                report.Run("conformance", c.Name, r =>
                {
                    try
                    {
                        c.Run(new ConformanceContext(backend, extra => Backends.Load(DeviceCheckOptions.WithSetting(options.Backend, extra))));
                    }
                    catch (ConformanceNotApplicable e)
                    {
                        r.Status = "skip";
                        r.Detail = e.Message;
                    }
                });
            }
        }
        Comparisons.Gates(report, backend, reference, options.Qubits, options.Seed);
        Comparisons.Reductions(report, backend, reference, options.Qubits, options.Seed);
        Overlaps.Run(report, backend, reference, options.Seed);
        Comparisons.Measurements(report, backend, reference, options.Seed);
        Comparisons.Threads(report, backend, reference, options.Qubits, options.Threads, options.Seed);
        foreach (int n in options.LargeQubits) LargeStates.Run(report, backend, n);
        if (options.BandwidthQubits.Length > 0)
        {
            string unfusedSpec = DeviceCheckOptions.WithSetting(options.Backend, "fusion=off");
            IBackend? unfused = null;
            try
            {
                unfused = Backends.Load(unfusedSpec);
            }
            catch (BackendException e)
            {
                report.Run("bandwidth", "gates one launch each", r =>
                {
                    r.Status = "skip";
                    r.Detail = $"'{unfusedSpec}' does not load ({e.Message}): the backend has no fusion=off setting";
                });
            }
            if (unfused != null)
            {
                using (unfused)
                {
                    foreach (int n in options.BandwidthQubits) Bandwidth.Run(report, unfused, options.Backend, n);
                }
            }
        }
        int passed = report.Results.Count(r => r.Status == "pass"), skipped = report.Results.Count(r => r.Status == "skip");
        Console.WriteLine($"device-check: {passed} passed, {report.Failed} failed, {skipped} skipped");
        if (options.JsonPath is { } path)
        {
            report.WriteJson(path);
            Console.WriteLine($"device-check: wrote {path}");
        }
        return report.Failed == 0 ? 0 : 1;
    }
}
