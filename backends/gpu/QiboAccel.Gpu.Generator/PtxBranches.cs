using System.Text;
using System.Text.RegularExpressions;

namespace QiboAccel.Gpu.Generator;

/// <summary>
/// Guards the PTX against ILGPU's <c>bra.uni</c>. The PTX ISA defines <c>bra.uni</c> as a branch that all active
/// threads of a warp take the same way; a divergent one is undefined behaviour. ILGPU 1.5.3 at O2 treats the kernel
/// index as uniform and emits every conditional branch as <c>@%p bra.uni</c>, including branches on values computed
/// from the thread index (ILGPU issue #846 is the same mechanism). Neither PoCL nor ILGPU's CPU accelerator can show
/// the fault; a GPU can give wrong results.
/// <para>
/// Every entry function is analysed: a forward data-flow over its basic blocks marks the registers whose value can
/// differ between the threads of a warp (anything computed from a special register such as %tid or %ctaid, from a
/// load of global/local/shared memory, or under a thread-dependent guard); kernel parameters, constants and what is
/// computed only from them are uniform. A predicated <c>.uni</c> instruction whose guard is thread-dependent is
/// refused: the build fails, naming the kernel and the line (make the kernel code branch-free there, e.g. a mask
/// instead of an <c>if</c>). Every other predicated <c>.uni</c> (loops over a parameter's bits, bounds from
/// parameters) is rewritten to the plain form, which is correct whether or not the branch diverges, so the emitted
/// PTX contains no predicated <c>.uni</c> at all.
/// </para>
/// <para>
/// The analysis is sound for the code it accepts: in a function without a divergent branch (the only thread-dependent
/// control flow left is the bounds check's <c>@%p ret</c>, after which the remaining threads run the same path), a
/// value can only differ between threads through its data dependences, which the data-flow follows.
/// </para>
/// </summary>
internal static partial class PtxBranches
{
    /// <summary>Special registers whose value is the same for every thread of a launch.</summary>
    private static readonly HashSet<string> UniformSpecials = new(StringComparer.Ordinal)
    {
        "%ntid", "%nctaid", "%nwarpid", "%nsmid", "%warpsize",
    };

    /// <summary>The outcome for one module: the rewritten text and how many branches were rewritten.</summary>
    public readonly record struct Result(string Ptx, int Rewritten);

    /// <summary>
    /// Checks and rewrites <paramref name="ptx"/>. Throws <see cref="GeneratorException"/> listing every predicated
    /// <c>.uni</c> instruction with a thread-dependent guard.
    /// </summary>
    public static Result Fix(string kernel, string ptx)
    {
        string[] lines = ptx.Replace("\r\n", "\n").Split('\n');
        var errors = new List<string>();
        var rewrite = new HashSet<int>();
        foreach ((int start, int end) in Functions(lines))
        {
            Analyse(kernel, lines, start, end, errors, rewrite);
        }
        if (errors.Count > 0) throw new GeneratorException(string.Join("; ", errors));
        var sb = new StringBuilder(ptx.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = rewrite.Contains(i) ? UniSuffix().Replace(lines[i], "$1", 1) : lines[i];
            sb.Append(line);
            if (i < lines.Length - 1) sb.Append('\n');
        }
        string result = sb.ToString();
        foreach (string line in result.Split('\n'))
        {
            Instruction? ins = Instruction.Parse(line);
            if (ins is { Guard: not null } && ins.Value.IsUni)
                throw new GeneratorException($"{kernel}: a predicated .uni instruction is left after rewriting: '{line.Trim()}'");
        }
        return new Result(result, rewrite.Count);
    }

    /// <summary>Line ranges (body between the braces) of every .entry and .func.</summary>
    private static IEnumerable<(int Start, int End)> Functions(string[] lines)
    {
        for (int i = 0; i < lines.Length; i++)
        {
            string t = lines[i].TrimStart();
            bool header = t.StartsWith(".visible .entry", StringComparison.Ordinal) || t.StartsWith(".entry", StringComparison.Ordinal)
                || t.StartsWith(".visible .func", StringComparison.Ordinal) || t.StartsWith(".func", StringComparison.Ordinal);
            if (!header || t.EndsWith(';')) continue;
            int open = i;
            while (open < lines.Length && lines[open].Trim() != "{" && !lines[open].TrimEnd().EndsWith(';')) open++;
            if (open >= lines.Length || lines[open].Trim() != "{") continue; // a prototype, no body
            int depth = 0, close = open;
            for (; close < lines.Length; close++)
            {
                string s = lines[close].Trim();
                if (s == "{") depth++;
                else if (s == "}" && --depth == 0) break;
            }
            if (open < lines.Length) yield return (open + 1, close);
            i = close;
        }
    }

    private sealed class Block
    {
        public int First;
        public int Last;
        public readonly List<int> Successors = [];
        public HashSet<string> In = new(StringComparer.Ordinal);
    }

    private static void Analyse(string kernel, string[] lines, int start, int end, List<string> errors, HashSet<int> rewrite)
    {
        var registers = new List<string>();
        var instructions = new Dictionary<int, Instruction>();
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = start; i < end; i++)
        {
            string t = lines[i].Trim();
            Match reg = RegDeclaration().Match(t);
            if (reg.Success)
            {
                registers.Add(reg.Groups[1].Value);
                continue;
            }
            Match label = Label().Match(t);
            if (label.Success)
            {
                labels[label.Groups[1].Value] = i;
                continue;
            }
            if (Instruction.Parse(lines[i]) is { } ins) instructions[i] = ins;
        }
        bool IsVirtual(string r) => registers.Any(p => r.Length > p.Length && r.StartsWith(p, StringComparison.Ordinal)
            && r[p.Length..].All(char.IsAsciiDigit));

        // Basic blocks: a new block starts at a label and after a branch or return.
        var blocks = new List<Block>();
        var blockOfLine = new Dictionary<int, int>();
        Block? current = null;
        for (int i = start; i < end; i++)
        {
            bool isLabel = labels.ContainsValue(i);
            if (isLabel || current == null)
            {
                current = new Block { First = i, Last = i };
                blocks.Add(current);
            }
            current.Last = i;
            blockOfLine[i] = blocks.Count - 1;
            if (instructions.TryGetValue(i, out Instruction ins) && ins.EndsBlock) current = null;
        }
        for (int b = 0; b < blocks.Count; b++)
        {
            Block block = blocks[b];
            Instruction? last = null;
            for (int i = block.Last; i >= block.First && last == null; i--)
            {
                if (instructions.TryGetValue(i, out Instruction ins)) last = ins;
            }
            bool fallsThrough = last is not { EndsBlock: true } || last.Value.Guard != null;
            if (last is { IsBranch: true } && last.Value.Target is { } target)
            {
                if (!labels.TryGetValue(target, out int line)) throw new GeneratorException($"{kernel}: branch to unknown label {target}");
                block.Successors.Add(blockOfLine[line]);
            }
            if (fallsThrough && b + 1 < blocks.Count) block.Successors.Add(b + 1);
        }

        // Forward data-flow to a fixed point: In[b] = union of the predecessors' Out.
        var outs = new HashSet<string>?[blocks.Count];
        var work = new Queue<int>();
        work.Enqueue(0);
        while (work.Count > 0)
        {
            int b = work.Dequeue();
            var state = new HashSet<string>(blocks[b].In, StringComparer.Ordinal);
            for (int i = blocks[b].First; i <= blocks[b].Last; i++)
            {
                if (instructions.TryGetValue(i, out Instruction ins)) Transfer(ins, state, IsVirtual);
            }
            if (outs[b] != null && outs[b]!.SetEquals(state)) continue;
            outs[b] = state;
            foreach (int s in blocks[b].Successors)
            {
                int before = blocks[s].In.Count;
                blocks[s].In.UnionWith(state);
                if (blocks[s].In.Count != before || outs[s] == null) work.Enqueue(s);
            }
        }

        // Judge every predicated .uni instruction with the state just before it.
        for (int b = 0; b < blocks.Count; b++)
        {
            if (outs[b] == null) continue; // unreachable
            var state = new HashSet<string>(blocks[b].In, StringComparer.Ordinal);
            for (int i = blocks[b].First; i <= blocks[b].Last; i++)
            {
                if (!instructions.TryGetValue(i, out Instruction ins)) continue;
                if (ins.Guard is { } guard && ins.IsUni)
                {
                    if (state.Contains(guard) || !IsVirtual(guard))
                    {
                        errors.Add($"{kernel}: line {i + 1}: '{lines[i].Trim()}' is a .uni branch on the thread-dependent predicate {guard} " +
                            "(PTX ISA: .uni requires every active thread of a warp to branch the same way; make the kernel code branch-free there)");
                    }
                    else
                    {
                        rewrite.Add(i);
                    }
                }
                Transfer(ins, state, IsVirtual);
            }
        }
    }

    /// <summary>Updates the set of thread-dependent registers after <paramref name="ins"/>.</summary>
    private static void Transfer(in Instruction ins, HashSet<string> divergent, Func<string, bool> isVirtual)
    {
        if (ins.Destinations.Length == 0) return;
        bool varies = ins.Guard is { } g && divergent.Contains(g);
        varies |= ins.ReadsMemory;
        foreach (string s in ins.Sources)
        {
            if (divergent.Contains(s)) varies = true;
            else if (!isVirtual(s) && !UniformSpecials.Contains(s.Split('.')[0])) varies = true;
        }
        foreach (string d in ins.Destinations)
        {
            // A guarded write keeps the old value in the threads whose guard is false: it can only add variation.
            if (varies) divergent.Add(d);
            else if (ins.Guard == null) divergent.Remove(d);
        }
    }

    /// <summary>One PTX instruction: guard, opcode, destination and source registers.</summary>
    internal readonly record struct Instruction(string? Guard, string Opcode, string[] Destinations, string[] Sources, string? Target)
    {
        public bool IsBranch => Opcode.StartsWith("bra", StringComparison.Ordinal) || Opcode.StartsWith("brx", StringComparison.Ordinal);

        public bool EndsBlock => IsBranch || Opcode.StartsWith("ret", StringComparison.Ordinal) || Opcode.StartsWith("exit", StringComparison.Ordinal);

        public bool IsUni => Opcode.Split('.').Contains("uni");

        /// <summary>Reads memory whose contents may differ per thread (everything but parameters and constants).</summary>
        public bool ReadsMemory =>
            (Opcode.StartsWith("ld.", StringComparison.Ordinal) && !Opcode.StartsWith("ld.param", StringComparison.Ordinal) && !Opcode.StartsWith("ld.const", StringComparison.Ordinal))
            || Opcode.StartsWith("atom", StringComparison.Ordinal) || Opcode.StartsWith("tex", StringComparison.Ordinal)
            || Opcode.StartsWith("tld", StringComparison.Ordinal) || Opcode.StartsWith("suld", StringComparison.Ordinal)
            || Opcode.StartsWith("shfl", StringComparison.Ordinal) || Opcode.StartsWith("vote", StringComparison.Ordinal)
            || Opcode.StartsWith("match", StringComparison.Ordinal) || Opcode.StartsWith("activemask", StringComparison.Ordinal)
            || Opcode.StartsWith("call", StringComparison.Ordinal);

        /// <summary>Parses one line; null for directives, labels, braces, comments and blank lines.</summary>
        public static Instruction? Parse(string line)
        {
            string t = line.Trim();
            int comment = t.IndexOf("//", StringComparison.Ordinal);
            if (comment >= 0) t = t[..comment].Trim();
            if (t.Length == 0 || t.StartsWith('.') || t.StartsWith('{') || t.StartsWith('}') || !t.EndsWith(';')) return null;
            t = t[..^1].Trim();
            string? guard = null;
            if (t.StartsWith('@'))
            {
                int space = t.IndexOfAny([' ', '\t']);
                guard = t[1..space].TrimStart('!');
                t = t[space..].Trim();
            }
            int split = t.IndexOfAny([' ', '\t']);
            string opcode = split < 0 ? t : t[..split];
            string operands = split < 0 ? "" : t[split..].Trim();
            string? target = null;
            bool noDestination = opcode.StartsWith("st.", StringComparison.Ordinal) || opcode.StartsWith("bra", StringComparison.Ordinal)
                || opcode.StartsWith("brx", StringComparison.Ordinal) || opcode.StartsWith("ret", StringComparison.Ordinal)
                || opcode.StartsWith("exit", StringComparison.Ordinal) || opcode.StartsWith("bar", StringComparison.Ordinal)
                || opcode.StartsWith("membar", StringComparison.Ordinal) || opcode.StartsWith("red.", StringComparison.Ordinal)
                || opcode.StartsWith("prefetch", StringComparison.Ordinal) || opcode.StartsWith("fence", StringComparison.Ordinal)
                || opcode.StartsWith("trap", StringComparison.Ordinal);
            if (opcode.StartsWith("bra", StringComparison.Ordinal)) target = operands.Trim();
            var destinations = new List<string>();
            var sources = new List<string>();
            string[] parts = SplitOperands(operands);
            for (int p = 0; p < parts.Length; p++)
            {
                var registers = Register().Matches(parts[p]).Select(m => m.Value);
                if (p == 0 && !noDestination && !parts[p].Contains('[')) destinations.AddRange(registers);
                else sources.AddRange(registers);
            }
            if (guard != null) sources.Add(guard);
            return new Instruction(guard, opcode, [.. destinations], [.. sources], target);
        }

        private static string[] SplitOperands(string operands)
        {
            var parts = new List<string>();
            int depth = 0, begin = 0;
            for (int i = 0; i < operands.Length; i++)
            {
                char c = operands[i];
                if (c is '{' or '[' or '(') depth++;
                else if (c is '}' or ']' or ')') depth--;
                else if (c == ',' && depth == 0)
                {
                    parts.Add(operands[begin..i]);
                    begin = i + 1;
                }
            }
            if (begin < operands.Length) parts.Add(operands[begin..]);
            return [.. parts];
        }
    }

    [GeneratedRegex(@"^\.reg\s+\.\w+\s+(%\w+?)<\d+>;")]
    private static partial Regex RegDeclaration();

    [GeneratedRegex(@"^(\w+):$")]
    private static partial Regex Label();

    [GeneratedRegex(@"%[A-Za-z_][\w]*(?:\.[xyz])?")]
    private static partial Regex Register();

    [GeneratedRegex(@"^(\s*@!?%\w+\s+[\w.]*?)\.uni\b")]
    private static partial Regex UniSuffix();
}
