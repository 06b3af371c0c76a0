using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.CApi.Interop;
using QiboAccel.CApi.Model;
using QiboAccel.Discovery;

namespace QiboAccel.CApi.Exports;

/// <summary>qiboaccel_backend_* and qiboaccel_backends_list: loading and listing backends.</summary>
internal static unsafe class BackendExports
{
    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_backend_load", CallConvs = [typeof(CallConvCdecl)])]
    public static nint Load(byte* specifier, nint* backend)
    {
        string? spec = null;
        try
        {
            if (backend == null) throw CApiException.Invalid("backend (the [out] handle) is NULL");
            *backend = 0;
            spec = Marshalling.String(specifier, "specifier", allowNull: true);
            if (string.IsNullOrWhiteSpace(spec)) spec = "cpu";
            LibraryLocation.EnsureDiscoveryBase();
            var clock = Stopwatch.StartNew();
            IBackend loaded = Backends.Load(spec);
            var obj = new BackendObject(loaded, spec, clock.Elapsed.TotalSeconds);
            *backend = HandleTable.Add(obj);
            return 0;
        }
        catch (BackendException e) when (spec is not null && IsUnknownName(spec))
        {
            return NativeError.Create(ErrorCode.BackendNotFound, e.Message);
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_backend_destroy", CallConvs = [typeof(CallConvCdecl)])]
    public static void Destroy(nint backend) => HandleTable.Destroy<BackendObject>(backend);

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_backend_get_info", CallConvs = [typeof(CallConvCdecl)])]
    public static nint GetInfo(nint backend, Interop.BackendInfo* info)
    {
        try
        {
            var obj = HandleTable.Get<BackendObject>(backend, "backend");
            QiboAccel.BackendInfo b = obj.Backend.Info;
            var s = obj.Strings;
            uint precisions = 0;
            foreach (Precision p in b.Precisions) precisions |= p == Precision.Double ? Flags.PrecisionDouble : Flags.PrecisionSingle;
            Marshalling.Write(info, new Interop.BackendInfo
            {
                Specifier = s.Get(obj.Specifier),
                Name = s.Get(b.Name),
                Version = s.Get(b.Version),
                Description = s.Get(b.Description),
                Device = s.Get(b.Device),
                LibraryPath = s.Get(b.LibraryPath),
                AbiVersion = s.Get(b.AbiVersion),
                MaxQubits = (uint)b.MaxQubits,
                Precisions = precisions,
                MaxMatrixTargets = (uint)b.MaxMatrixTargets,
                LoadSeconds = obj.LoadSeconds,
            }, "info");
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_backends_list", CallConvs = [typeof(CallConvCdecl)])]
    public static nint List(uint flags, nint* list)
    {
        try
        {
            if (list == null) throw CApiException.Invalid("list (the [out] handle) is NULL");
            *list = 0;
            if ((flags & ~Flags.ListProbe) != 0) throw CApiException.Invalid($"flags 0x{flags:x} has bits this version does not know");
            LibraryLocation.EnsureDiscoveryBase();
            bool probe = (flags & Flags.ListProbe) != 0;
            var problems = new List<string>();
            var entries = new List<BackendListEntry>();
            foreach (BackendManifest m in Backends.List(problems))
            {
                // A language bridge is listed as the backends it runs (python@numpy), as `qiboaccel backends` does.
                foreach (string spec in m.ListAs.Count > 0 ? m.ListAs : [m.Name])
                {
                    bool available = false;
                    string error = "";
                    if (probe)
                    {
                        try
                        {
                            using var backend = Backends.Load(m.ListAs.Count > 0 ? spec : m.ManifestPath);
                            available = true;
                        }
                        catch (Exception e)
                        {
                            error = NativeError.Classify(e).Message.ReplaceLineEndings(" ");
                        }
                    }
                    entries.Add(new BackendListEntry(spec, m.Description, m.ManifestPath, m.LibraryPath, m.AbiVersion, probe, available, error));
                }
            }
            string searchPath = string.Join(":", BackendDiscovery.SearchPaths());
            *list = HandleTable.Add(new BackendListObject(entries, problems, searchPath));
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_backend_list_destroy", CallConvs = [typeof(CallConvCdecl)])]
    public static void ListDestroy(nint list) => HandleTable.Destroy<BackendListObject>(list);

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_backend_list_get_info", CallConvs = [typeof(CallConvCdecl)])]
    public static nint ListGetInfo(nint list, BackendListInfo* info)
    {
        try
        {
            var obj = HandleTable.Get<BackendListObject>(list, "list");
            Marshalling.Write(info, new BackendListInfo
            {
                NBackends = (ulong)obj.Entries.Count,
                NProblems = (ulong)obj.Problems.Count,
                SearchPath = obj.Strings.Get(obj.SearchPath),
            }, "info");
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_backend_list_get", CallConvs = [typeof(CallConvCdecl)])]
    public static nint ListGet(nint list, ulong index, BackendEntry* entry)
    {
        try
        {
            var obj = HandleTable.Get<BackendListObject>(list, "list");
            if (index >= (ulong)obj.Entries.Count) throw CApiException.Invalid($"index {index} is out of range ({obj.Entries.Count} backend(s))");
            BackendListEntry e = obj.Entries[(int)index];
            var s = obj.Strings;
            Marshalling.Write(entry, new BackendEntry
            {
                Specifier = s.Get(e.Specifier),
                Description = s.Get(e.Description),
                ManifestPath = s.Get(e.ManifestPath),
                LibraryPath = s.Get(e.LibraryPath),
                AbiVersion = s.Get(e.AbiVersion),
                Probed = e.Probed ? 1u : 0u,
                Available = e.Available ? 1u : 0u,
                Error = s.Get(e.Error),
            }, "entry");
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_backend_list_get_problem", CallConvs = [typeof(CallConvCdecl)])]
    public static nint ListGetProblem(nint list, ulong index, byte** message)
    {
        try
        {
            var obj = HandleTable.Get<BackendListObject>(list, "list");
            if (message == null) throw CApiException.Invalid("message is NULL");
            if (index >= (ulong)obj.Problems.Count) throw CApiException.Invalid($"index {index} is out of range ({obj.Problems.Count} problem(s))");
            *message = obj.Strings.Get(obj.Problems[(int)index].ReplaceLineEndings(" "));
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    /// <summary>True when <paramref name="specifier"/> names a backend (not a path) that no manifest provides.</summary>
    private static bool IsUnknownName(string specifier)
    {
        try
        {
            var spec = BackendSpecifier.Parse(specifier);
            return spec.Name is not null && BackendDiscovery.Find(spec.Name) is null;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
