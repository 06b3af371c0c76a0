using System.Globalization;
using System.Text.RegularExpressions;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Bindings;

/// <summary>
/// abi/qiboaccel-manifest.txt lists every item of qiboaccel.h with the version that added it (as abi-manifest.txt
/// does for backend.h). Checked against the header itself, against what the C compiler makes of it (capi_probe.c)
/// and against the library's exports: nothing added without an entry, nothing removed, structs only appended to,
/// frozen offsets and values unchanged — so issue #15's additions can only be appended.
/// </summary>
public sealed partial class CApiManifestTests
{
    private sealed record Entry(int Line, string Kind, string Name, (int Major, int Minor) Since, long? Frozen);

    private static readonly Lazy<List<Entry>> Manifest = new(() =>
    {
        var entries = new List<Entry>();
        string[] lines = File.ReadAllLines(RepoPaths.Combine("abi", "qiboaccel-manifest.txt"));
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Split('#')[0].Trim();
            if (line.Length == 0) continue;
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(f.Length is 3 or 4 && f[0] is "function" or "struct" or "field" or "value", $"qiboaccel-manifest.txt:{i + 1}: malformed line '{line}'");
            string[] v = f[2].Split('.');
            entries.Add(new Entry(i + 1, f[0], f[1], (int.Parse(v[0], CultureInfo.InvariantCulture), int.Parse(v[1], CultureInfo.InvariantCulture)),
                f.Length == 4 ? long.Parse(f[3], CultureInfo.InvariantCulture) : null));
        }
        return entries;
    });

    private static string Header => File.ReadAllText(Path.Combine(BindingsHarness.Include, "qibo", "qiboaccel.h"));

    private static (int Major, int Minor) HeaderVersion
    {
        get
        {
            int Macro(string name) => int.Parse(Regex.Match(Header, $@"#define {name} (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
            return (Macro("QIBOACCEL_API_VERSION_MAJOR"), Macro("QIBOACCEL_API_VERSION_MINOR"));
        }
    }

    /// <summary>What the header declares, read from its text: functions, structs with their members, constants.</summary>
    private static Dictionary<string, string> HeaderItems()
    {
        string text = Header;
        var items = new Dictionary<string, string>();
        foreach (Match m in FunctionDeclaration().Matches(text)) items[m.Groups[1].Value] = "function";
        foreach (Match s in StructDefinition().Matches(text))
        {
            string name = s.Groups[1].Value;
            items[name] = "struct";
            string body = Regex.Replace(s.Groups[2].Value, @"/\*.*?\*/", "", RegexOptions.Singleline);
            foreach (string member in body.Split(';'))
            {
                string code = member.Trim();
                if (code.Length == 0) continue;
                string field = Regex.Match(code, @"(\w+)\s*(\[\d+\])?$").Groups[1].Value;
                if (field != "struct_size") items[$"{name}.{field}"] = "field";
            }
        }
        foreach (Match m in EnumConstant().Matches(text)) items[m.Groups[1].Value] = "value";
        foreach (Match m in NumericMacro().Matches(text))
        {
            if (!m.Groups[1].Value.StartsWith("QIBOACCEL_API_VERSION", StringComparison.Ordinal)) items[m.Groups[1].Value] = "value";
        }
        return items;
    }

    [Fact]
    public void EveryHeaderItemIsListedAndEveryListedItemIsInTheHeader()
    {
        var header = HeaderItems();
        var listed = Manifest.Value.ToDictionary(e => e.Name, e => e.Kind);
        var missing = header.Where(kv => !listed.ContainsKey(kv.Key)).Select(kv => $"{kv.Value,-9}{kv.Key,-48}{HeaderVersion.Major}.{HeaderVersion.Minor}").ToList();
        Assert.True(missing.Count == 0, "add these lines to abi/qiboaccel-manifest.txt:\n" + string.Join("\n", missing));
        var removed = listed.Where(kv => !header.ContainsKey(kv.Key)).Select(kv => kv.Key).ToList();
        Assert.True(removed.Count == 0, "removed from the header (an ABI break within major version 1): " + string.Join(", ", removed));
        foreach (var (name, kind) in header) Assert.Equal(kind, listed[name]);
        Assert.True(header.Count(kv => kv.Value == "function") >= 35);
    }

    [Fact]
    public void FrozenOffsetsAndValuesAreWhatTheCompilerSees()
    {
        var (exit, output, err) = BindingsHarness.Run(BindingsHarness.Probe, ["layout"]);
        Assert.True(exit == 0, err);
        var probe = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToList();
        var offsets = probe.Where(f => f[0] == "offsetof").ToDictionary(f => f[1], f => long.Parse(f[2], CultureInfo.InvariantCulture));
        var values = probe.Where(f => f[0] == "value").ToDictionary(f => f[1], f => long.Parse(f[2], CultureInfo.InvariantCulture));
        foreach (Entry e in Manifest.Value)
        {
            switch (e.Kind)
            {
                case "field":
                    Assert.True(offsets.TryGetValue(e.Name, out long offset), $"capi_probe.c does not print {e.Name}: add it to its layout()");
                    Assert.True(e.Frozen == offset, $"line {e.Line}: {e.Name} is at offset {offset}, frozen at {e.Frozen}");
                    break;
                case "value":
                    Assert.True(values.TryGetValue(e.Name, out long value), $"capi_probe.c does not print {e.Name}: add it to its layout()");
                    Assert.True(e.Frozen == value, $"line {e.Line}: {e.Name} is {value}, frozen at {e.Frozen}");
                    break;
            }
        }
    }

    [Fact]
    public void StructsOnlyGrowAtTheEndAndVersionsAreNotFromTheFuture()
    {
        var structs = new Dictionary<string, Entry>();
        var last = new Dictionary<string, Entry>();
        foreach (Entry e in Manifest.Value)
        {
            Assert.True(e.Since.CompareTo(HeaderVersion) <= 0, $"line {e.Line}: {e.Name} since {e.Since} is newer than the header ({HeaderVersion})");
            Assert.True(e.Kind != "field" || e.Frozen is not null, $"line {e.Line}: a field needs its offset");
            if (e.Kind == "struct") structs[e.Name] = e;
            if (e.Kind != "field") continue;
            string owner = e.Name.Split('.')[0];
            Assert.True(structs.ContainsKey(owner), $"line {e.Line}: {e.Name} comes before (or without) its struct");
            if (last.TryGetValue(owner, out Entry? previous))
            {
                Assert.True(e.Frozen > previous.Frozen, $"line {e.Line}: {e.Name} is not after {previous.Name}: fields are listed in offset order");
                Assert.True(e.Since.CompareTo(previous.Since) >= 0, $"line {e.Line}: {e.Name} (since {e.Since}) sits after a newer field: structs grow only at the end");
            }
            last[owner] = e;
        }
    }

    [GeneratedRegex(@"QIBOACCEL_API\s+[^;(]*?\b(qiboaccel_\w+)\s*\(")]
    private static partial Regex FunctionDeclaration();

    [GeneratedRegex(@"typedef struct (qiboaccel_\w+) \{(.*?)\} \1;", RegexOptions.Singleline)]
    private static partial Regex StructDefinition();

    [GeneratedRegex(@"\b(QIBOACCEL_[A-Z0-9_]+) = -?\d+")]
    private static partial Regex EnumConstant();

    [GeneratedRegex(@"#define (QIBOACCEL_[A-Z0-9_]+)\s+(0x[0-9a-fA-F]+u?|\d+u?)\b")]
    private static partial Regex NumericMacro();
}
