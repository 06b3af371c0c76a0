using System.Text.RegularExpressions;
using QiboAccel.Gpu.Launch;

namespace QiboAccel.Gpu.Generator;

/// <summary>
/// Reads the entry point ILGPU emitted and compares its parameter list, slot by slot, with the layout the host
/// marshals (<see cref="KernelAbi"/>). ILGPU's argument layout is internal to it: if a future version changes it,
/// the build stops here instead of the kernels reading garbage on a device.
/// </summary>
internal static partial class LayoutCheck
{
    /// <summary>Checks a PTX module; returns the entry name.</summary>
    public static string Ptx(string kernel, string ptx, KernelSlot[] expected, int major, int minor)
    {
        string where = $"{kernel} (PTX sm_{major}{minor})";
        Match target = PtxTarget().Match(ptx);
        if (!target.Success || target.Groups[1].Value != $"{major}{minor}")
            throw new GeneratorException($"{where}: no '.target sm_{major}{minor}' line");
        if (!PtxAddressSize().IsMatch(ptx)) throw new GeneratorException($"{where}: not a 64-bit module (.address_size 64)");
        MatchCollection entries = PtxEntry().Matches(ptx);
        if (entries.Count != 1) throw new GeneratorException($"{where}: expected one .entry, found {entries.Count}");
        string name = entries[0].Groups[1].Value;
        string[] parameters = entries[0].Groups[2].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parameters.Length != expected.Length)
            throw new GeneratorException($"{where}: {parameters.Length} parameters, the host passes {expected.Length}: {string.Join(", ", parameters)}");
        for (int i = 0; i < expected.Length; i++)
        {
            Match p = PtxParam().Match(parameters[i]);
            if (!p.Success) throw new GeneratorException($"{where}: cannot read parameter {i}: '{parameters[i]}'");
            string declaration = p.Groups[1].Value + (p.Groups[3].Success ? " " + p.Groups[3].Value : "");
            string wanted = KernelAbi.PtxDeclaration(expected[i].Kind);
            if (declaration != wanted)
                throw new GeneratorException($"{where}: parameter {i} is '{declaration}', the host passes {expected[i].Kind} as '{wanted}'");
            string pname = Regex.Escape(p.Groups[2].Value);
            if (expected[i].Kind == SlotKind.ViewDescriptor && ptx.Contains($"[{p.Groups[2].Value}]"))
            {
                // The descriptor's first 8 bytes must be the pointer: loaded as b64 and converted to a global address.
                var pointer = new Regex($@"ld\.param\.b64\s+(%rd\d+), \[{pname}\];\s*cvta\.to\.global\.u64\s+%rd\d+, \1;");
                if (!pointer.IsMatch(ptx))
                    throw new GeneratorException($"{where}: view parameter {i} does not start with its global pointer");
            }
            if (expected[i].Kind == SlotKind.ThreadCount)
            {
                var bound = new Regex($@"ld\.param\.b32\s+(%r\d+), \[{pname}\];[\s\S]*?setp\.ge\.s32\s+%p\d+, %r\d+, \1;");
                if (!bound.IsMatch(ptx))
                    throw new GeneratorException($"{where}: parameter 0 is not compared with the thread index");
            }
        }
        return name;
    }

    /// <summary>Checks an OpenCL C program; returns the kernel's name.</summary>
    public static string OpenCl(string kernel, string source, KernelSlot[] expected, string[] elements)
    {
        string where = $"{kernel} (OpenCL C)";
        if (Regex.IsMatch(source, @"\bgeneric\b"))
            throw new GeneratorException($"{where}: uses the generic address space, which OpenCL 1.2 devices reject");
        MatchCollection entries = ClEntry().Matches(source);
        if (entries.Count != 1) throw new GeneratorException($"{where}: expected one kernel, found {entries.Count}");
        string name = entries[0].Groups[1].Value;
        string[] parameters = entries[0].Groups[2].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parameters.Length != expected.Length)
            throw new GeneratorException($"{where}: {parameters.Length} parameters, the host passes {expected.Length}: {string.Join(", ", parameters)}");
        var bufferNames = new List<string>();
        var descriptorNames = new List<string>();
        for (int i = 0; i < expected.Length; i++)
        {
            Match p = ClParam().Match(parameters[i]);
            if (!p.Success) throw new GeneratorException($"{where}: cannot read parameter {i}: '{parameters[i]}'");
            string type = Regex.Replace(p.Groups[1].Value, @"\s+", " ").Replace(" *", "*");
            string pname = p.Groups[2].Value;
            KernelSlot slot = expected[i];
            string wanted = KernelAbi.OpenClDeclaration(slot.Kind, slot.Param >= 0 ? elements[slot.Param] : "");
            if (slot.Kind == SlotKind.ViewDescriptor)
            {
                Match s = Regex.Match(type, @"^struct (\w+)$");
                if (!s.Success) throw new GeneratorException($"{where}: parameter {i} is '{type}', the host passes a view descriptor struct");
                var layout = new Regex($@"struct {s.Groups[1].Value}\s*\{{\s*int field_0;\s*long field_1;\s*\}};");
                if (!layout.IsMatch(source))
                    throw new GeneratorException($"{where}: struct {s.Groups[1].Value} (parameter {i}) is not {{ int index; long length; }}");
                descriptorNames.Add(pname);
            }
            else if (type != wanted)
            {
                throw new GeneratorException($"{where}: parameter {i} is '{type}', the host passes {slot.Kind} as '{wanted}'");
            }
            if (slot.Kind == SlotKind.Buffer) bufferNames.Add(pname);
        }
        if (bufferNames.Count != descriptorNames.Count)
            throw new GeneratorException($"{where}: {bufferNames.Count} buffers but {descriptorNames.Count} view descriptors");
        for (int v = 0; v < bufferNames.Count; v++)
        {
            // The k-th descriptor must offset the k-th buffer by its int index.
            var pairing = new Regex($@"=\s*\(\w+\){Regex.Escape(bufferNames[v])}\+{Regex.Escape(descriptorNames[v])}\.field_0;");
            if (!pairing.IsMatch(source))
                throw new GeneratorException($"{where}: view {v} ({bufferNames[v]}) is not indexed by descriptor {descriptorNames[v]}");
        }
        return name;
    }

    [GeneratedRegex(@"^\.target sm_(\d+)", RegexOptions.Multiline)]
    private static partial Regex PtxTarget();

    [GeneratedRegex(@"^\.address_size 64", RegexOptions.Multiline)]
    private static partial Regex PtxAddressSize();

    [GeneratedRegex(@"\.visible \.entry (\w+)\(([^)]*)\)")]
    private static partial Regex PtxEntry();

    [GeneratedRegex(@"^(\.param(?: \.align \d+)? \.\w+) (\w+)(\[\d+\])?$")]
    private static partial Regex PtxParam();

    [GeneratedRegex(@"kernel void (\w+)\(([^)]*)\)")]
    private static partial Regex ClEntry();

    [GeneratedRegex(@"^(.*?)\s*\b(\w+)$", RegexOptions.Singleline)]
    private static partial Regex ClParam();
}
