using System.Globalization;
using System.Numerics;

namespace QiboAccel.Observables;

/// <summary>One Pauli factor of a term: <see cref="Pauli"/> ('X', 'Y' or 'Z') on <see cref="Qubit"/>.</summary>
/// <param name="Qubit">The qubit.</param>
/// <param name="Pauli">'X', 'Y' or 'Z'.</param>
public readonly record struct PauliFactor(int Qubit, char Pauli);

/// <summary>A real coefficient times a product of Pauli matrices on distinct qubits (no factors: a constant).</summary>
/// <param name="Coefficient">The real coefficient.</param>
/// <param name="Factors">The Pauli factors, in the order written.</param>
public sealed record PauliTerm(double Coefficient, IReadOnlyList<PauliFactor> Factors);

/// <summary>
/// A Hermitian observable written as a real sum of Pauli strings, e.g. <c>0.5*Z0*Z1 - 1.2*X2 + 3</c>
/// (qibo's SymbolicHamiltonian with X, Y, Z symbols). <see cref="Expectation"/> evaluates it exactly on a state
/// vector, <see cref="ExpectationFromDensityMatrix"/> on a density matrix.
/// </summary>
public sealed class Observable
{
    private Observable(IReadOnlyList<PauliTerm> terms, string text)
    {
        Terms = terms;
        Text = text;
    }

    /// <summary>The terms, in the order written.</summary>
    public IReadOnlyList<PauliTerm> Terms { get; }

    /// <summary>The text the observable was parsed from.</summary>
    public string Text { get; }

    /// <summary>The largest qubit index used, or -1 for a constant.</summary>
    public int MaxQubit => Terms.SelectMany(t => t.Factors).Select(f => f.Qubit).DefaultIfEmpty(-1).Max();

    /// <summary>
    /// Parses a sum of terms. A term is factors joined by <c>*</c>; a factor is a number (<c>0.5</c>, <c>1e-3</c>)
    /// or a Pauli letter X, Y, Z followed by a qubit index (<c>Z0</c>); terms are joined by <c>+</c> or <c>-</c>.
    /// A qubit may appear once per term. Errors throw <see cref="FormatException"/> naming the 1-based position.
    /// </summary>
    public static Observable Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text);
        return new Observable(parser.ParseSum(), text);
    }

    /// <summary>⟨ψ|O|ψ⟩ for a state vector of <paramref name="nQubits"/> qubits (qubit 0 most significant).</summary>
    public double Expectation(ReadOnlySpan<Complex> state, int nQubits)
    {
        CheckQubits(nQubits);
        if (state.Length != 1L << nQubits) throw new ArgumentException($"a state of {nQubits} qubits has {1L << nQubits} amplitudes, got {state.Length}");
        double total = 0;
        foreach (PauliTerm term in Terms)
        {
            var (flip, ys, zs) = Masks(term, nQubits);
            Complex sum = 0;
            for (long i = 0; i < state.Length; i++)
            {
                // P|i⟩ = phase(i)|i ^ flip⟩, so ⟨ψ|P|ψ⟩ = Σ conj(ψ[i ^ flip]) phase(i) ψ[i].
                sum += Complex.Conjugate(state[(int)(i ^ flip)]) * Phase(i, ys, zs) * state[(int)i];
            }
            total += term.Coefficient * sum.Real;
        }
        return CheckFinite(total);
    }

    /// <summary>
    /// Tr(Oρ) for a density matrix of <paramref name="nQubits"/> qubits given as 4^n entries, ρ[i, j] at index
    /// (i &lt;&lt; n) | j (the layout of <see cref="Execution.ExecutionResult.DensityMatrix"/>).
    /// </summary>
    public double ExpectationFromDensityMatrix(ReadOnlySpan<Complex> rho, int nQubits)
    {
        CheckQubits(nQubits);
        long dim = 1L << nQubits;
        if (rho.Length != dim * dim) throw new ArgumentException($"a density matrix of {nQubits} qubits has {dim * dim} entries, got {rho.Length}");
        double total = 0;
        foreach (PauliTerm term in Terms)
        {
            var (flip, ys, zs) = Masks(term, nQubits);
            Complex sum = 0;
            // Tr(Pρ) = Σ_k P[k ^ flip, k] ρ[k, k ^ flip] = Σ_k phase(k) ρ[k, k ^ flip].
            for (long k = 0; k < dim; k++) sum += Phase(k, ys, zs) * rho[(int)((k << nQubits) | (k ^ flip))];
            total += term.Coefficient * sum.Real;
        }
        return CheckFinite(total);
    }

    /// <summary>
    /// O|ψ⟩ into <paramref name="output"/> (same length as <paramref name="state"/>). Terms with the same X/Y pattern
    /// share one pass (their phases add up per index), so a sum of Z strings costs one pass over the state.
    /// </summary>
    public void Apply(ReadOnlySpan<Complex> state, int nQubits, Span<Complex> output)
    {
        CheckQubits(nQubits);
        if (state.Length != 1L << nQubits || output.Length != state.Length)
        {
            throw new ArgumentException($"a state of {nQubits} qubits has {1L << nQubits} amplitudes, got {state.Length} in and {output.Length} out");
        }
        output.Clear();
        foreach (var group in Terms.Select(t => (Term: t, Masks: Masks(t, nQubits))).GroupBy(x => x.Masks.Flip))
        {
            long flip = group.Key;
            var terms = group.ToArray();
            for (long i = 0; i < state.Length; i++)
            {
                Complex factor = 0;
                foreach (var (term, (_, ys, zs)) in terms) factor += term.Coefficient * Phase(i, ys, zs);
                // P|i⟩ = phase(i)|i ^ flip⟩.
                output[(int)(i ^ flip)] += factor * state[(int)i];
            }
        }
    }

    /// <summary>
    /// The term's Pauli factors as three disjoint masks over qubit indices (bit q set: that Pauli acts on qubit q), the
    /// form qibo_pauli_term records cross the ABI in. Qubits must be below 64.
    /// </summary>
    public static (ulong X, ulong Y, ulong Z) QubitMasks(PauliTerm term)
    {
        ArgumentNullException.ThrowIfNull(term);
        ulong x = 0, y = 0, z = 0;
        foreach (PauliFactor f in term.Factors)
        {
            ulong bit = 1UL << f.Qubit;
            switch (f.Pauli)
            {
                case 'X': x |= bit; break;
                case 'Y': y |= bit; break;
                default: z |= bit; break;
            }
        }
        return (x, y, z);
    }

    /// <summary>A sum of finite terms can still overflow (1e308*Z0 + 1e308*Z0): that is an error, not a result.</summary>
    private double CheckFinite(double value)
        => double.IsFinite(value) ? value
            : throw new ArgumentException($"observable '{Safety.MessageText.Clip(Text)}': the expectation value is not a finite number ({value.ToString(CultureInfo.InvariantCulture)}); the coefficients are too large or the state holds non-finite amplitudes");

    /// <inheritdoc />
    public override string ToString() => Text;

    private void CheckQubits(int nQubits)
    {
        if (MaxQubit >= nQubits)
        {
            throw new ArgumentException($"observable '{Safety.MessageText.Clip(Text)}' uses qubit {MaxQubit}, but the state has {nQubits} qubit(s) (valid: 0..{nQubits - 1})");
        }
    }

    private static (long Flip, long Ys, long Zs) Masks(PauliTerm term, int nQubits)
    {
        long flip = 0, ys = 0, zs = 0;
        foreach (PauliFactor f in term.Factors)
        {
            long bit = 1L << (nQubits - 1 - f.Qubit);
            if (f.Pauli is 'X' or 'Y') flip |= bit;
            if (f.Pauli == 'Y') ys |= bit;
            if (f.Pauli == 'Z') zs |= bit;
        }
        return (flip, ys, zs);
    }

    // X|b⟩ = |1−b⟩; Y|0⟩ = i|1⟩, Y|1⟩ = −i|0⟩; Z|b⟩ = (−1)^b |b⟩.
    private static Complex Phase(long index, long ys, long zs)
    {
        int minus = BitOperations.PopCount((ulong)(index & (ys | zs)));
        int yCount = BitOperations.PopCount((ulong)ys);
        // Each Y contributes i·(−1)^b.
        Complex phase = (yCount & 3) switch { 0 => 1, 1 => Complex.ImaginaryOne, 2 => -1, _ => -Complex.ImaginaryOne };
        return (minus & 1) == 0 ? phase : -phase;
    }

    private sealed class Parser(string text)
    {
        private int _pos;

        public List<PauliTerm> ParseSum()
        {
            var terms = new List<PauliTerm>();
            SkipSpace();
            if (_pos >= text.Length) throw Error(_pos, "the observable is empty");
            double sign = 1;
            if (Peek() is '+' or '-')
            {
                sign = Peek() == '-' ? -1 : 1;
                _pos++;
            }
            while (true)
            {
                terms.Add(ParseTerm(sign));
                SkipSpace();
                if (_pos >= text.Length) return terms;
                char c = text[_pos];
                if (c is not ('+' or '-')) throw Error(_pos, $"expected '+', '-' or '*', got '{Safety.MessageText.Clip(c.ToString())}'");
                sign = c == '-' ? -1 : 1;
                _pos++;
            }
        }

        private PauliTerm ParseTerm(double sign)
        {
            double coefficient = sign;
            var factors = new List<PauliFactor>();
            while (true)
            {
                SkipSpace();
                int start = _pos;
                if (_pos >= text.Length) throw Error(_pos, "expected a number or a Pauli factor such as Z0, got the end of the text");
                char c = text[_pos];
                if (char.IsAsciiDigit(c) || c == '.')
                {
                    double factor = ParseNumber();
                    coefficient *= factor;
                    if (!double.IsFinite(coefficient))
                    {
                        throw Error(start, "the coefficient of this term overflows (its numbers multiply to more than 1.8e308)");
                    }
                }
                else if (char.ToUpperInvariant(c) is 'X' or 'Y' or 'Z')
                {
                    char pauli = char.ToUpperInvariant(c);
                    _pos++;
                    int digits = _pos;
                    while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
                    if (_pos == digits) throw Error(digits, $"'{c}' needs a qubit index right after it (e.g. {pauli}0)");
                    if (!int.TryParse(text.AsSpan(digits, _pos - digits), NumberStyles.None, CultureInfo.InvariantCulture, out int qubit) || qubit > 62)
                    {
                        throw Error(digits, $"qubit index '{Safety.MessageText.Clip(text.AsSpan(digits, _pos - digits), 20)}' is too large (at most 62)");
                    }
                    if (factors.Any(f => f.Qubit == qubit)) throw Error(start, $"qubit {qubit} appears twice in one term");
                    factors.Add(new PauliFactor(qubit, pauli));
                }
                else
                {
                    throw Error(_pos, $"expected a number or a Pauli factor X, Y or Z with a qubit index, got '{Safety.MessageText.Clip(c.ToString())}'");
                }
                SkipSpace();
                if (_pos < text.Length && text[_pos] == '*')
                {
                    _pos++;
                    continue;
                }
                return new PauliTerm(coefficient, factors);
            }
        }

        private double ParseNumber()
        {
            int start = _pos;
            while (_pos < text.Length && (char.IsAsciiDigit(text[_pos]) || text[_pos] == '.')) _pos++;
            if (_pos < text.Length && text[_pos] is 'e' or 'E')
            {
                int save = _pos++;
                if (_pos < text.Length && text[_pos] is '+' or '-') _pos++;
                if (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
                {
                    while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
                }
                else
                {
                    _pos = save;
                }
            }
            string s = text[start.._pos];
            if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            {
                throw Error(start, $"'{Safety.MessageText.Clip(s, 40)}' is not a number");
            }
            return v;
        }

        private char Peek() => text[_pos];

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private FormatException Error(int position, string message)
            => new($"observable '{Safety.MessageText.Clip(text)}', position {position + 1}: {message}");
    }
}
