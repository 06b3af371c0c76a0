using System.Globalization;
using System.Numerics;
using System.Text.Json;
using QiboAccel.Circuits;
using QiboAccel.Gates;
using QiboAccel.Safety;

namespace QiboAccel.Noise;

/// <summary>
/// Where noise goes in a circuit, after qibo's NoiseModel: channels attached after chosen gates (by qibo gate
/// name), after every gate touching chosen qubits, or before measurements (readout errors).
/// <see cref="Apply"/> returns the noisy circuit. Load one from JSON with <see cref="Load"/>/<see cref="Parse"/>.
/// </summary>
/// <remarks>
/// The JSON format: <c>{ "noise": [ RULE, … ] }</c> where a RULE is
/// <c>{ "after": ["cx", "h"], "qubits": [0, 1], "channel": CHANNEL }</c>. "after" (gate names, case-insensitive,
/// qibo or OpenQASM spelling; omitted: every gate) and "qubits" (alias "on_qubits"; omitted: every qubit) are
/// optional. The channel acts on the gate's qubits that are selected — single-qubit channels on each of them in
/// turn, depolarizing and multi-qubit Kraus/unitary channels on all of them at once. CHANNEL is one of
/// <c>{"type": "depolarizing", "lambda": λ}</c>, <c>{"type": "pauli", "px": …, "py": …, "pz": …}</c>,
/// <c>{"type": "amplitude_damping", "gamma": γ}</c>, <c>{"type": "phase_damping", "gamma": γ}</c>,
/// <c>{"type": "thermal_relaxation", "t1": …, "t2": …, "time": …, "excited_population": …}</c>,
/// <c>{"type": "reset", "p0": …, "p1": …}</c>, <c>{"type": "kraus", "operators": [M, …]}</c>,
/// <c>{"type": "unitary", "probabilities": [p, …], "unitaries": [M, …]}</c> and
/// <c>{"type": "readout", "probabilities": [[P00, P01], [P10, P11]]}</c> (applied before each measurement of the
/// selected qubits; "after" is not allowed). A matrix M is a list of rows; an entry is a number or [re, im].
/// Gates under <c>if</c>, resets and measurements get no gate noise.
/// </remarks>
public sealed class NoiseModel
{
    private readonly List<Rule> _rules = [];

    private static readonly Dictionary<string, GateKind> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["cx"] = GateKind.CNOT,
        ["ccx"] = GateKind.TOFFOLI,
        ["id"] = GateKind.I,
        ["p"] = GateKind.U1,
        ["cp"] = GateKind.CU1,
        ["u"] = GateKind.U3,
        ["cu"] = GateKind.CU3,
        ["fswap"] = GateKind.FSWAP,
    };

    /// <summary>Number of rules.</summary>
    public int Count => _rules.Count;

    /// <summary>
    /// Adds a rule: after each gate whose name is in <paramref name="after"/> (null: every gate) and that touches
    /// <paramref name="qubits"/> (null: any), apply <paramref name="channel"/> to the touched selected qubits —
    /// to each of them separately when <paramref name="perQubit"/> is true, else to all of them at once.
    /// </summary>
    /// <param name="channel">Makes the channel for the given qubits.</param>
    /// <param name="after">qibo gate names (case-insensitive; OpenQASM names such as cx also work), or null.</param>
    /// <param name="qubits">The qubits the rule applies to, or null for all.</param>
    /// <param name="perQubit">Apply the channel on each selected qubit separately.</param>
    public NoiseModel Add(Func<IReadOnlyList<int>, Channel> channel, IEnumerable<string>? after = null, IEnumerable<int>? qubits = null,
        bool perQubit = false)
    {
        ArgumentNullException.ThrowIfNull(channel);
        HashSet<GateKind>? kinds = after is null ? null : [.. after.Select(GateKindOf)];
        AddRule(new Rule(kinds, qubits is null ? null : [.. qubits], perQubit, false, channel, _pendingWhere ?? $"noise rule #{_rules.Count}"));
        return this;
    }

    /// <summary>Adds a readout error: <paramref name="channel"/> on the measured qubit before each measurement of <paramref name="qubits"/> (null: all).</summary>
    public NoiseModel AddReadout(Func<IReadOnlyList<int>, Channel> channel, IEnumerable<int>? qubits = null)
    {
        ArgumentNullException.ThrowIfNull(channel);
        AddRule(new Rule(null, qubits is null ? null : [.. qubits], true, true, channel, _pendingWhere ?? $"noise rule #{_rules.Count}"));
        return this;
    }

    private void AddRule(Rule rule)
    {
        InputLimits.NoiseRules.Check(_rules.Count + 1L, $"{rule.Where}: the noise model has more than {_rules.Count} rules");
        foreach (int q in rule.Qubits ?? [])
        {
            if (q < 0) throw new ArgumentException($"{rule.Where}: qubit {q} is negative");
        }
        _rules.Add(rule);
    }

    // Where the rule being added comes from ("model.json: $.noise[3]"), set while parsing JSON.
    private string? _pendingWhere;

    /// <summary>
    /// A copy of <paramref name="circuit"/> with the model's channels inserted. Every rule's qubits must exist in the
    /// circuit, and the channels inserted count towards <see cref="InputLimits.Operations"/> (checked as they are added,
    /// so many rules on a long circuit fail early instead of filling memory).
    /// </summary>
    public Circuit Apply(Circuit circuit)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        foreach (Rule rule in _rules)
        {
            int missing = rule.Qubits?.FirstOrDefault(q => q >= circuit.NQubits, -1) ?? -1;
            if (missing >= 0)
            {
                throw new ArgumentException($"{rule.Where}: qubit {missing} does not exist in a circuit of {circuit.NQubits} qubit(s) (valid: 0..{circuit.NQubits - 1})");
            }
        }
        long limit = InputLimits.Operations.Value;
        var noisy = new Circuit(circuit.NQubits);
        foreach (ClassicalRegister r in circuit.ClassicalRegisters) noisy.AddClassicalRegister(r.Name, r.Size);
        // Rules by the qubit they select (rules without "qubits" under -1), so each operation only meets the rules
        // that can apply to it; the same rule on the same qubits gives the same channel object.
        var byQubit = new Dictionary<int, List<int>>();
        for (int i = 0; i < _rules.Count; i++)
        {
            foreach (int q in _rules[i].Qubits?.Distinct() ?? [-1])
            {
                if (!byQubit.TryGetValue(q, out var list)) byQubit[q] = list = [];
                list.Add(i);
            }
        }
        var made = new Dictionary<(int Rule, string Qubits), Channel>();
        var candidates = new List<int>();
        Channel Make(int index, int[] qubits)
        {
            if (noisy.Operations.Count >= limit)
            {
                throw InputLimits.Operations.Exceeded(
                    $"{_rules[index].Where}: inserting noise brings the circuit past {limit} operations ({circuit.Operations.Count} before noise, {_rules.Count} rules)");
            }
            var key = (index, string.Join(",", qubits));
            if (!made.TryGetValue(key, out Channel? channel)) made[key] = channel = _rules[index].Make(qubits);
            return channel;
        }
        foreach (Operation op in circuit.Operations)
        {
            IReadOnlyList<int> touched = op is Measurement or Gate ? op.Qubits : [];
            candidates.Clear();
            foreach (int q in touched.Append(-1))
            {
                if (byQubit.TryGetValue(q, out var list)) candidates.AddRange(list);
            }
            candidates.Sort();
            if (op is Measurement m)
            {
                int previous = -1;
                foreach (int i in candidates)
                {
                    if (i == previous || !_rules[i].Readout) continue;
                    previous = i;
                    noisy.Add(Make(i, [m.Qubit]));
                }
                noisy.Add(op);
                continue;
            }
            noisy.Add(op);
            if (op is not Gate gate) continue;
            int last = -1;
            foreach (int i in candidates)
            {
                if (i == last) continue;
                last = i;
                Rule rule = _rules[i];
                if (rule.Readout || (rule.After is not null && !rule.After.Contains(gate.Kind))) continue;
                int[] selected = [.. gate.Qubits.Where(q => rule.Qubits is null || rule.Qubits.Contains(q))];
                if (selected.Length == 0) continue;
                if (rule.PerQubit)
                {
                    foreach (int q in selected) noisy.Add(Make(i, [q]));
                }
                else
                {
                    noisy.Add(Make(i, selected));
                }
            }
        }
        return noisy;
    }

    /// <summary>Reads a noise model from a JSON file (format in the class remarks). Errors name the file and the JSON path.</summary>
    public static NoiseModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = InputFile.ReadText(path, InputLimits.JsonFileBytes, "noise model");
        }
        catch (FileNotFoundException e)
        {
            throw new FileNotFoundException($"{MessageText.Clip(path)}: noise model file not found", path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{MessageText.Clip(path)}: cannot read the noise model: {e.Message}", e);
        }
        return Parse(text, path);
    }

    /// <summary>Parses a noise model from JSON text; <paramref name="source"/> names it in errors.</summary>
    public static NoiseModel Parse(string json, string source = "noise model")
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonInput.Parse(json, MessageText.Clip(source), lenient: true);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{MessageText.Clip(source)}: not valid JSON: {MessageText.Clip(e.Message, 200)}");
        }
        using (doc)
        {
            var model = new NoiseModel();
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Error(source, "$", "expected an object { \"noise\": [ ... ] }");
            foreach (JsonProperty p in root.EnumerateObject())
            {
                if (p.Name != "noise") throw Error(source, "$." + p.Name, "unknown key (expected \"noise\")");
            }
            if (!root.TryGetProperty("noise", out JsonElement rules) || rules.ValueKind != JsonValueKind.Array)
            {
                throw Error(source, "$.noise", "missing or not a list of rules");
            }
            int count = rules.GetArrayLength();
            InputLimits.NoiseRules.Check(count, $"{MessageText.Clip(source)}: $.noise has {count} rules");
            int index = 0;
            foreach (JsonElement rule in rules.EnumerateArray())
            {
                string path = $"$.noise[{index++}]";
                model._pendingWhere = $"{MessageText.Clip(source)}: {path}";
                try
                {
                    model.ParseRule(rule, source, path);
                }
                finally
                {
                    model._pendingWhere = null;
                }
            }
            return model;
        }
    }

    private void ParseRule(JsonElement rule, string source, string path)
    {
        if (rule.ValueKind != JsonValueKind.Object) throw Error(source, path, "a rule must be an object with \"channel\"");
        List<string>? after = null;
        List<int>? qubits = null;
        JsonElement? channel = null;
        foreach (JsonProperty p in rule.EnumerateObject())
        {
            string at = $"{path}.{p.Name}";
            switch (p.Name)
            {
                case "after":
                    if (p.Value.ValueKind != JsonValueKind.Array) throw Error(source, at, "expected a list of gate names");
                    after = [];
                    int i = 0;
                    foreach (JsonElement name in p.Value.EnumerateArray())
                    {
                        if (name.ValueKind != JsonValueKind.String) throw Error(source, $"{at}[{i}]", "expected a gate name");
                        try
                        {
                            GateKindOf(name.GetString()!);
                        }
                        catch (ArgumentException e)
                        {
                            throw Error(source, $"{at}[{i}]", e.Message);
                        }
                        after.Add(name.GetString()!);
                        i++;
                    }
                    break;
                case "qubits" or "on_qubits":
                    if (qubits is not null) throw Error(source, at, "give \"qubits\" or \"on_qubits\", not both");
                    if (p.Value.ValueKind != JsonValueKind.Array) throw Error(source, at, "expected a list of qubit indices");
                    qubits = [];
                    int j = 0;
                    foreach (JsonElement q in p.Value.EnumerateArray())
                    {
                        if (q.ValueKind != JsonValueKind.Number || !q.TryGetInt32(out int v) || v < 0) throw Error(source, $"{at}[{j}]", "expected a qubit index (0 or more)");
                        qubits.Add(v);
                        j++;
                    }
                    break;
                case "channel":
                    channel = p.Value;
                    break;
                default:
                    throw Error(source, at, "unknown key (expected \"after\", \"qubits\", \"on_qubits\" or \"channel\")");
            }
        }
        if (channel is not { } spec) throw Error(source, path, "missing \"channel\"");
        var (make, perQubit, readout) = ParseChannel(spec, source, path + ".channel");
        Func<IReadOnlyList<int>, Channel> wrapped = qs =>
        {
            try
            {
                return make(qs);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"{source}: {path}: on qubit(s) {string.Join(",", qs)}: {e.Message}", e);
            }
        };
        if (readout)
        {
            if (after is not null) throw Error(source, path + ".after", "a readout channel applies before measurements; remove \"after\"");
            AddReadout(wrapped, qubits);
        }
        else
        {
            Add(wrapped, after, qubits, perQubit);
        }
    }

    private static (Func<IReadOnlyList<int>, Channel> Make, bool PerQubit, bool Readout) ParseChannel(JsonElement spec, string source, string path)
    {
        if (spec.ValueKind != JsonValueKind.Object) throw Error(source, path, "expected an object with \"type\"");
        if (!spec.TryGetProperty("type", out JsonElement typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            throw Error(source, path + ".type", "missing channel type (depolarizing, pauli, amplitude_damping, phase_damping, thermal_relaxation, reset, kraus, unitary, readout)");
        }
        string type = typeElement.GetString()!.ToLowerInvariant();
        var used = new HashSet<string> { "type" };
        double Number(string key, double? fallback = null)
        {
            used.Add(key);
            if (!spec.TryGetProperty(key, out JsonElement v))
            {
                return fallback ?? throw Error(source, path, $"channel '{type}' needs \"{key}\"");
            }
            if (v.ValueKind != JsonValueKind.Number) throw Error(source, $"{path}.{key}", "expected a number");
            return v.GetDouble();
        }
        JsonElement Required(string key)
        {
            used.Add(key);
            return spec.TryGetProperty(key, out JsonElement v) ? v : throw Error(source, path, $"channel '{type}' needs \"{key}\"");
        }

        Func<IReadOnlyList<int>, Channel> make;
        bool perQubit = true, readout = false;
        int arity = 1;
        switch (type)
        {
            case "depolarizing":
            {
                double lambda = Number("lambda");
                make = qs => Channel.Depolarizing(qs, lambda);
                perQubit = false;
                break;
            }
            case "pauli":
            {
                double px = Number("px", 0), py = Number("py", 0), pz = Number("pz", 0);
                make = qs => Channel.PauliNoise(qs[0], px, py, pz);
                break;
            }
            case "amplitude_damping":
            {
                double gamma = Number("gamma");
                make = qs => Channel.AmplitudeDamping(qs[0], gamma);
                break;
            }
            case "phase_damping":
            {
                double gamma = Number("gamma");
                make = qs => Channel.PhaseDamping(qs[0], gamma);
                break;
            }
            case "thermal_relaxation":
            {
                double t1 = Number("t1"), t2 = Number("t2"), time = Number("time"), excited = Number("excited_population", 0);
                make = qs => Channel.ThermalRelaxation(qs[0], t1, t2, time, excited);
                break;
            }
            case "reset":
            {
                double p0 = Number("p0", 0), p1 = Number("p1", 0);
                make = qs => Channel.ResetNoise(qs[0], p0, p1);
                break;
            }
            case "kraus":
            {
                JsonElement list = Required("operators");
                if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0) throw Error(source, path + ".operators", "expected a non-empty list of matrices");
                var ops = new List<Complex[]>();
                int i = 0;
                foreach (JsonElement m in list.EnumerateArray()) ops.Add(ParseMatrix(m, source, $"{path}.operators[{i++}]", out arity));
                make = qs => Channel.Kraus(qs, ops);
                perQubit = arity == 1;
                break;
            }
            case "unitary":
            {
                JsonElement ps = Required("probabilities"), us = Required("unitaries");
                if (ps.ValueKind != JsonValueKind.Array) throw Error(source, path + ".probabilities", "expected a list of numbers");
                if (us.ValueKind != JsonValueKind.Array || us.GetArrayLength() == 0) throw Error(source, path + ".unitaries", "expected a non-empty list of matrices");
                var probabilities = new List<double>();
                int i = 0;
                foreach (JsonElement p in ps.EnumerateArray())
                {
                    if (p.ValueKind != JsonValueKind.Number) throw Error(source, $"{path}.probabilities[{i}]", "expected a number");
                    probabilities.Add(p.GetDouble());
                    i++;
                }
                var unitaries = new List<Complex[]>();
                i = 0;
                foreach (JsonElement m in us.EnumerateArray()) unitaries.Add(ParseMatrix(m, source, $"{path}.unitaries[{i++}]", out arity));
                make = qs => Channel.Unitary(qs, probabilities, unitaries);
                perQubit = arity == 1;
                break;
            }
            case "readout":
            {
                JsonElement m = Required("probabilities");
                double[][] p = ParseRealMatrix(m, source, path + ".probabilities");
                make = qs => Channel.ReadoutError(qs, p);
                readout = true;
                break;
            }
            default:
                throw Error(source, path + ".type",
                    $"unknown channel type '{typeElement.GetString()}' (known: depolarizing, pauli, amplitude_damping, phase_damping, thermal_relaxation, reset, kraus, unitary, readout)");
        }
        foreach (JsonProperty p in spec.EnumerateObject())
        {
            if (!used.Contains(p.Name)) throw Error(source, $"{path}.{p.Name}", $"unknown key for channel '{type}'");
        }
        // Build it once on qubits 0..k-1 so bad parameters are reported now, with their JSON path.
        try
        {
            make([.. Enumerable.Range(0, arity)]);
        }
        catch (ArgumentException e)
        {
            throw Error(source, path, e.Message);
        }
        return (make, perQubit, readout);
    }

    private static Complex[] ParseMatrix(JsonElement m, string source, string path, out int qubits)
    {
        if (m.ValueKind != JsonValueKind.Array || m.GetArrayLength() == 0) throw Error(source, path, "expected a matrix (a list of rows)");
        int d = m.GetArrayLength();
        if ((d & (d - 1)) != 0 || d < 2) throw Error(source, path, $"a {d}-row matrix is not 2^k x 2^k");
        qubits = System.Numerics.BitOperations.Log2((uint)d);
        var result = new Complex[d * d];
        int r = 0;
        foreach (JsonElement row in m.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != d) throw Error(source, $"{path}[{r}]", $"expected a row of {d} entries");
            int c = 0;
            foreach (JsonElement e in row.EnumerateArray())
            {
                result[r * d + c] = e.ValueKind switch
                {
                    JsonValueKind.Number => e.GetDouble(),
                    JsonValueKind.Array when e.GetArrayLength() == 2 && e[0].ValueKind == JsonValueKind.Number && e[1].ValueKind == JsonValueKind.Number
                        => new Complex(e[0].GetDouble(), e[1].GetDouble()),
                    _ => throw Error(source, $"{path}[{r}][{c}]", "expected a number or [re, im]"),
                };
                c++;
            }
            r++;
        }
        return result;
    }

    private static double[][] ParseRealMatrix(JsonElement m, string source, string path)
    {
        if (m.ValueKind != JsonValueKind.Array) throw Error(source, path, "expected a matrix (a list of rows)");
        var rows = new List<double[]>();
        int r = 0;
        foreach (JsonElement row in m.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array) throw Error(source, $"{path}[{r}]", "expected a row of numbers");
            var values = new List<double>();
            int c = 0;
            foreach (JsonElement e in row.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Number) throw Error(source, $"{path}[{r}][{c}]", "expected a number");
                values.Add(e.GetDouble());
                c++;
            }
            rows.Add([.. values]);
            r++;
        }
        return [.. rows];
    }

    private static GateKind GateKindOf(string name)
    {
        if (Aliases.TryGetValue(name, out GateKind kind)) return kind;
        foreach (GateDefinition def in GateDefinition.All)
        {
            if (string.Equals(def.Name, name, StringComparison.OrdinalIgnoreCase)) return def.Kind;
        }
        throw new ArgumentException($"unknown gate '{name}' (known: {string.Join(", ", GateDefinition.All.Select(d => d.Name.ToLowerInvariant()))}, cx, ccx, id, p, cp, u, cu)");
    }

    private static FormatException Error(string source, string path, string message)
        => new($"{MessageText.Clip(source)}: {MessageText.Clip(path, 80)}: {message}");

    private sealed record Rule(HashSet<GateKind>? After, List<int>? Qubits, bool PerQubit, bool Readout, Func<IReadOnlyList<int>, Channel> Make, string Where);
}
