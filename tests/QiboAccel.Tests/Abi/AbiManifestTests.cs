using System.Globalization;
using System.Reflection;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Abi;

/// <summary>
/// abi/abi-manifest.txt lists every public item of backend.h with the version that added it (the idea of
/// CPython's stable_abi.toml). These tests check it against what the C compiler sees in the header
/// (layout_probe.c): nothing added without an entry, nothing removed, structs only ever appended to,
/// and nothing frozen (offsets, types, enum values) changed.
/// </summary>
public sealed class AbiManifestTests
{
    private static string ManifestPath => RepoPaths.Combine("abi", "abi-manifest.txt");

    /// <summary>One manifest line.</summary>
    private sealed record Entry(int Line, AbiItemKind Kind, string Name, int Major, int Minor, string[] Frozen)
    {
        public string Since => $"{Major}.{Minor}";

        public int CompareVersion(Entry other) => (Major, Minor).CompareTo((other.Major, other.Minor));
    }

    private static readonly Lazy<IReadOnlyList<Entry>> LazyManifest = new(() => Parse(File.ReadAllLines(ManifestPath)));

    private static IReadOnlyList<Entry> Manifest => LazyManifest.Value;

    private static (int Major, int Minor) HeaderVersion
    {
        get
        {
            long Macro(string name) => AbiProbe.Items.Single(i => i.Kind == AbiItemKind.Macro && i.Name == name).Value;
            return ((int)Macro("QIBO_ABI_VERSION_MAJOR"), (int)Macro("QIBO_ABI_VERSION_MINOR"));
        }
    }

    private static string Key(AbiItemKind kind, string name) => $"{kind.ToString().ToLowerInvariant()} {name}";

    /// <summary>The manifest line an item would have if added today.</summary>
    private static string SuggestedLine(AbiItem item)
    {
        var (major, minor) = HeaderVersion;
        string frozen = item.Kind switch
        {
            AbiItemKind.Enum => item.Value.ToString(CultureInfo.InvariantCulture),
            AbiItemKind.Field or AbiItemKind.Slot => $"{item.Offset} {item.Type}",
            _ => "",
        };
        return $"{item.Kind.ToString().ToLowerInvariant(),-9}{item.Name,-46}{major}.{minor,-4}{frozen}".TrimEnd();
    }

    [Fact]
    public void Manifest_is_well_formed()
    {
        // Parse throws with the line number on malformed lines; here the cross-line rules.
        var failures = new List<string>();
        var seen = new HashSet<string>();
        var structs = new Dictionary<string, Entry>();
        foreach (var e in Manifest)
        {
            if (!seen.Add(Key(e.Kind, e.Name)))
                failures.Add($"line {e.Line}: {Key(e.Kind, e.Name)} is listed twice");
            if (e.Kind == AbiItemKind.Struct)
                structs[e.Name] = e;
            if (e.Kind is AbiItemKind.Field or AbiItemKind.Slot)
            {
                string owner = e.Name.Split('.')[0];
                if (!structs.TryGetValue(owner, out var s))
                    failures.Add($"line {e.Line}: {e.Name} comes before (or without) 'struct {owner}'");
                else if (e.CompareVersion(s) < 0)
                    failures.Add($"line {e.Line}: {e.Name} (since {e.Since}) is older than its struct (since {s.Since})");
            }
        }
        AssertNone(failures);
    }

    [Fact]
    public void Every_header_item_is_in_the_manifest()
    {
        var listed = Manifest.Select(e => Key(e.Kind, e.Name)).ToHashSet();
        var (major, minor) = HeaderVersion;
        var missing = AbiProbe.Items.Where(i => !listed.Contains(Key(i.Kind, i.Name))).ToList();
        if (missing.Count > 0)
        {
            Assert.Fail(
                $"{missing.Count} item(s) of backend.h are not in abi/abi-manifest.txt. Add each with the current "
                + $"minor version ({major}.{minor}; bump QIBO_ABI_VERSION_MINOR first if this is the first addition "
                + "since the last release), at the end of its struct:\n  "
                + string.Join("\n  ", missing.Select(SuggestedLine)));
        }
    }

    [Fact]
    public void Every_manifest_item_is_still_in_the_header()
    {
        var present = AbiProbe.Items.Select(i => Key(i.Kind, i.Name)).ToHashSet();
        var gone = Manifest.Where(e => !present.Contains(Key(e.Kind, e.Name))).ToList();
        if (gone.Count > 0)
        {
            Assert.Fail(
                $"{gone.Count} item(s) of abi/abi-manifest.txt are gone from backend.h. Removals (and renames, and a "
                + "field turning into a slot or back) break the ABI for every compiled backend and host; restore them, "
                + "or start a new major version:\n  "
                + string.Join("\n  ", gone.Select(e => $"line {e.Line}: {Key(e.Kind, e.Name)} (since {e.Since})")));
        }
    }

    [Fact]
    public void No_item_is_newer_than_the_header()
    {
        var (major, minor) = HeaderVersion;
        var failures = Manifest
            .Where(e => e.Major != major || e.Minor > minor)
            .Select(e => $"line {e.Line}: {Key(e.Kind, e.Name)} claims version {e.Since} but the header is {major}.{minor}")
            .ToList();
        AssertNone(failures);
    }

    /// <summary>
    /// Within each struct, the manifest lists members in offset order and versions never decrease, so
    /// everything a later minor version added lies after everything an earlier one had: an old reader that
    /// stops at its struct_size never meets a new field, and a new reader can tell from struct_size what
    /// an old writer filled in.
    /// </summary>
    [Fact]
    public void Structs_are_append_only()
    {
        var offsets = AbiProbe.Items.Where(i => i.IsMember).ToDictionary(i => i.Name, i => i.Offset);
        var failures = new List<string>();
        foreach (var group in Manifest.Where(e => e.Kind is AbiItemKind.Field or AbiItemKind.Slot)
                     .GroupBy(e => e.Name.Split('.')[0]))
        {
            Entry? previous = null;
            foreach (var e in group.Where(e => offsets.ContainsKey(e.Name))) // missing ones fail elsewhere
            {
                if (previous is not null)
                {
                    if (offsets[e.Name] <= offsets[previous.Name])
                        failures.Add($"line {e.Line}: {e.Name} (offset {offsets[e.Name]}) is listed after {previous.Name} "
                            + $"(offset {offsets[previous.Name]}) but lies before it in the header: members are only ever "
                            + "appended, and the manifest lists them in header order");
                    if (e.CompareVersion(previous) < 0)
                        failures.Add($"line {e.Line}: {e.Name} (since {e.Since}) comes after {previous.Name} (since "
                            + $"{previous.Since}): a member added in an earlier version cannot follow one added later");
                }
                previous = e;
            }
        }

        // Members the header has but the manifest lacks must not sit between listed ones either.
        foreach (var group in AbiProbe.Items.Where(i => i.IsMember).GroupBy(i => i.StructName))
        {
            var listed = Manifest.Where(e => e.Name.StartsWith(group.Key + ".", StringComparison.Ordinal))
                .Select(e => e.Name).ToHashSet();
            long lastListed = group.Where(i => listed.Contains(i.Name)).Select(i => i.Offset).DefaultIfEmpty(-1).Max();
            failures.AddRange(group.Where(i => !listed.Contains(i.Name) && i.Offset < lastListed)
                .Select(i => $"{i.Name} is new but was inserted at offset {i.Offset}, before existing members: append it at the end of {group.Key}"));
        }
        AssertNone(failures);
    }

    /// <summary>Offsets, types and enum values promised by the manifest are what the header has.</summary>
    [Fact]
    public void Frozen_layout_and_values_are_unchanged()
    {
        Assert.True(Environment.Is64BitProcess, "the manifest's offsets are for 64-bit targets");
        var items = AbiProbe.Items.ToDictionary(i => Key(i.Kind, i.Name));
        var failures = new List<string>();
        foreach (var e in Manifest)
        {
            if (!items.TryGetValue(Key(e.Kind, e.Name), out var item)) continue; // reported as a removal
            string expected = string.Join(' ', e.Frozen);
            string actual = e.Kind switch
            {
                AbiItemKind.Enum => item.Value.ToString(CultureInfo.InvariantCulture),
                AbiItemKind.Field or AbiItemKind.Slot => $"{item.Offset} {item.Type}",
                _ => "",
            };
            if (expected != actual)
            {
                failures.Add($"line {e.Line}: {Key(e.Kind, e.Name)} is '{actual}' in the header but the manifest froze "
                    + $"'{expected}' in {e.Since}: changing an offset, type or value breaks every compiled backend");
            }
        }
        AssertNone(failures);
    }

    /// <summary>
    /// Each mirror struct has a <c>V1_m</c> constant (the least struct_size a reader accepts) for the minor version m
    /// that added it, and may have one for each later minor version that appended members: each equals the size the
    /// struct had in that version — the end of its last member listed since then, rounded up to the struct's
    /// alignment. sizeof grows when a later minor version appends a member; the constants never change.
    /// </summary>
    [Fact]
    public void Mirror_version_sizes_are_the_sizes_of_each_ABI_version()
    {
        var members = AbiProbe.Items.Where(i => i.IsMember).ToDictionary(i => i.Name);
        var failures = new List<string>();
        foreach (var map in AbiLayoutTests.Structs)
        {
            var structEntry = Manifest.SingleOrDefault(e => e.Kind == AbiItemKind.Struct && e.Name == map.CName);
            if (structEntry is null)
            {
                failures.Add($"{map.CName}: not listed in abi/abi-manifest.txt");
                continue;
            }
            long alignment = members.Values.Where(m => m.StructName == map.CName).Max(m => ScalarBytes(m.Type));
            for (int minor = structEntry.Minor; minor <= HeaderVersion.Minor; minor++)
            {
                var constant = map.Type.GetField($"V1_{minor}", BindingFlags.Public | BindingFlags.Static);
                var upTo = Manifest.Where(e => e.Kind is AbiItemKind.Field or AbiItemKind.Slot && e.Major == 1 && e.Minor <= minor
                        && e.Name.StartsWith(map.CName + ".", StringComparison.Ordinal) && members.ContainsKey(e.Name))
                    .Select(e => members[e.Name]).ToList();
                long end = upTo.Max(m => m.Offset + MemberBytes(m.Type));
                long expected = (end + alignment - 1) / alignment * alignment;
                bool grew = minor == structEntry.Minor || Manifest.Any(e => e.Minor == minor && e.Name.StartsWith(map.CName + ".", StringComparison.Ordinal));
                if (constant is null || !constant.IsLiteral || constant.FieldType != typeof(int))
                {
                    if (grew) failures.Add($"{map.Type.Name} has no 'public const int V1_{minor}' (its size in ABI 1.{minor})");
                    continue;
                }
                int declared = (int)constant.GetRawConstantValue()!;
                if (declared != expected)
                    failures.Add($"{map.Type.Name}.V1_{minor} is {declared} but {map.CName} was {expected} bytes in ABI 1.{minor} (its members end at {end})");
                long sizeNow = AbiProbe.Items.Single(i => i.Kind == AbiItemKind.Struct && i.Name == map.CName).Size;
                if (minor == HeaderVersion.Minor && sizeNow != expected)
                    failures.Add($"{map.CName}: the header is 1.{minor} and sizeof is {sizeNow}, but its members up to 1.{minor} give {expected}");
            }
        }
        AssertNone(failures);
    }

    /// <summary>Bytes of a probe type: u32 → 4, ptr → 8, f64[4] → 32.</summary>
    private static long MemberBytes(string type)
    {
        int bracket = type.IndexOf('[');
        return bracket < 0 ? ScalarBytes(type) : ScalarBytes(type) * long.Parse(type[(bracket + 1)..^1], CultureInfo.InvariantCulture);
    }

    /// <summary>Bytes of one element of a probe type (its alignment on the 64-bit targets QiboAccel supports).</summary>
    private static long ScalarBytes(string type)
    {
        string scalar = type.Split('[')[0];
        return scalar is "ptr" or "fnptr" ? IntPtr.Size : long.Parse(scalar[1..], CultureInfo.InvariantCulture) / 8;
    }

    // ---------------------------------------------------------------- parsing

    private static IReadOnlyList<Entry> Parse(string[] lines)
    {
        var entries = new List<Entry>();
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n];
            int hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            string[] w = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (w.Length == 0) continue;
            string where = $"abi/abi-manifest.txt line {n + 1}";
            if (w.Length < 3)
                throw new FormatException($"{where}: expected '<kind> <name> <since> [<frozen>]', got '{lines[n]}'");
            if (!Enum.TryParse<AbiItemKind>(w[0], ignoreCase: true, out var kind) || w[0] != w[0].ToLowerInvariant()
                || int.TryParse(w[0], out _))
                throw new FormatException($"{where}: unknown kind '{w[0]}' (function, macro, opaque, enum, struct, field, slot)");
            var version = w[2].Split('.');
            if (version.Length != 2 || !int.TryParse(version[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major)
                || !int.TryParse(version[1], NumberStyles.None, CultureInfo.InvariantCulture, out int minor))
                throw new FormatException($"{where}: version '{w[2]}' is not MAJOR.MINOR");
            string[] frozen = w[3..];
            int expectedFrozen = kind switch
            {
                AbiItemKind.Enum => 1,
                AbiItemKind.Field or AbiItemKind.Slot => 2,
                _ => 0,
            };
            if (frozen.Length != expectedFrozen)
                throw new FormatException($"{where}: a {w[0]} line has {expectedFrozen} frozen column(s) after the version, not {frozen.Length}");
            if (kind is AbiItemKind.Field or AbiItemKind.Slot && w[1].Split('.').Length != 2)
                throw new FormatException($"{where}: a {w[0]} is named struct.member, not '{w[1]}'");
            entries.Add(new Entry(n + 1, kind, w[1], major, minor, frozen));
        }
        return entries;
    }

    private static void AssertNone(IReadOnlyCollection<string> failures)
    {
        if (failures.Count > 0)
            Assert.Fail($"{failures.Count} problem(s) with abi/abi-manifest.txt:\n  " + string.Join("\n  ", failures));
    }
}
