using System.Diagnostics;
using System.Numerics;
using QiboAccel.Circuits;
using QiboAccel.Execution;
using QiboAccel.Gates;
using QiboAccel.Noise;
using QiboAccel.Observables;
using QiboAccel.Parameters;

namespace QiboAccel.Gradients;

/// <summary>
/// Gradients of expectation values ⟨ψ(θ)|O|ψ(θ)⟩ with respect to a circuit's symbolic parameters, computed through the
/// backend ABI alone (apply, copy, inner product, expectation), so every conforming backend can run them.
/// </summary>
public static class Gradients
{
    /// <summary>
    /// The value and gradient of <paramref name="observable"/> after <paramref name="circuit"/> with its parameters at
    /// <paramref name="values"/> (in <see cref="Circuit.Parameters"/> order).
    /// </summary>
    /// <param name="backend">The backend.</param>
    /// <param name="circuit">A parametrised circuit: gates, and measurements only at the end (they are ignored, the
    /// expectation is exact); noise channels need <paramref name="densityMatrix"/> and the parameter-shift method.</param>
    /// <param name="observable">A real sum of Pauli strings.</param>
    /// <param name="values">One value per parameter.</param>
    /// <param name="method">Adjoint (one forward, one backward pass), parameter shift, or the best that applies.</param>
    /// <param name="precision">Amplitude precision.</param>
    /// <param name="densityMatrix">Evaluate Tr(Oρ) on a density matrix (parameter shift only).</param>
    /// <param name="noise">A noise model (with <paramref name="densityMatrix"/>; parameter shift only).</param>
    public static GradientResult Gradient(this IBackend backend, Circuit circuit, Observable observable, IReadOnlyList<double> values,
        GradientMethod method = GradientMethod.Auto, Precision precision = Precision.Double, bool densityMatrix = false, NoiseModel? noise = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(observable);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != circuit.Parameters.Count)
        {
            throw new ArgumentException($"the circuit has {circuit.Parameters.Count} parameter(s) ({string.Join(", ", circuit.Parameters.Select(p => p.Name))}), got {values.Count} value(s)");
        }
        if (observable.MaxQubit >= circuit.NQubits)
        {
            throw new ArgumentException($"observable '{observable.Text}' uses qubit {observable.MaxQubit}, but the circuit has {circuit.NQubits} qubit(s)");
        }
        if (noise is not null && !densityMatrix)
        {
            throw new ArgumentException("gradients under noise need densityMatrix: true (trajectories would make the expectation value random)");
        }
        string? notUnitary = densityMatrix || noise is not null ? "density matrices and noise are not unitary" : null;
        Gate[]? gates = notUnitary is null ? UnitaryGates(circuit, out notUnitary) : null;
        if (gates is null && method == GradientMethod.Adjoint)
        {
            throw new ArgumentException($"adjoint differentiation needs a circuit of gates ({notUnitary}); use the parameter-shift method");
        }
        var clock = Stopwatch.StartNew();
        var index = new Dictionary<Parameter, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < circuit.Parameters.Count; i++) index[circuit.Parameters[i]] = i;
        GradientResult result;
        if (gates is not null && method != GradientMethod.ParameterShift)
        {
            result = Adjoint(backend, circuit, gates, observable, values, index, precision);
        }
        else if (gates is not null)
        {
            result = ShiftUnitary(backend, circuit, gates, observable, values, index, precision);
        }
        else
        {
            result = ShiftGeneral(backend, circuit, observable, values, index, precision, densityMatrix, noise);
        }
        return new GradientResult
        {
            Value = result.Value,
            Gradient = result.Gradient,
            Parameters = result.Parameters,
            Method = result.Method,
            CircuitPasses = result.CircuitPasses,
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    /// <summary>The circuit's gates when every other operation is a final measurement; otherwise null, and <paramref name="why"/> says which operation.</summary>
    private static Gate[]? UnitaryGates(Circuit circuit, out string? why)
    {
        why = null;
        var gates = new List<Gate>();
        var measured = new HashSet<int>();
        foreach (Operation op in circuit.Operations)
        {
            switch (op)
            {
                case Gate g when !g.Qubits.Any(measured.Contains):
                    gates.Add(g);
                    break;
                case Measurement m:
                    measured.Add(m.Qubit);
                    break;
                default:
                    why = op is Gate ? $"'{op}' acts on a qubit after it was measured" : $"'{op}' is not a gate";
                    return null;
            }
        }
        return [.. gates];
    }

    private static Gate Bind(Gate gate, IReadOnlyList<double> values, Dictionary<Parameter, int> index) => gate.Bind(p => values[index[p]]);

    /// <summary>
    /// φ = U_N…U_1|0⟩, λ = Oφ; then for k = N…1: φ ← U_k†φ, ∂_k = 2 Re⟨λ|∂U_k φ⟩, λ ← U_k†λ. Inverses of gates without
    /// parameters are queued and applied in batches, so the backend fuses them as it does a forward circuit.
    /// </summary>
    private static GradientResult Adjoint(IBackend backend, Circuit circuit, Gate[] gates, Observable observable, IReadOnlyList<double> values,
        Dictionary<Parameter, int> index, Precision precision)
    {
        int n = circuit.NQubits;
        BackendInfo info = backend.Info;
        Executor.CheckFits(info, n, precision);
        Gate[] bound = Array.ConvertAll(gates, g => Bind(g, values, index));
        var gradient = new double[values.Count];

        using IQuantumState phi = backend.CreateState(n, precision);
        var forward = new OpBatch(n);
        for (int k = 0; k < bound.Length; k++) Lowering.AddGate(forward, bound[k], info, k);
        phi.Apply(forward);
        double value = phi.Expectation(observable);

        using IQuantumState lambda = backend.CreateState(n, precision);
        {
            // λ = Oφ needs a sum of Pauli strings applied to φ, which no ABI call offers: it is formed once on the host.
            var amplitudes = new Complex[1L << n];
            phi.GetAmplitudes(0, amplitudes);
            var applied = new Complex[amplitudes.Length];
            observable.Apply(amplitudes, n, applied);
            lambda.SetAmplitudes(0, applied);
        }
        using IQuantumState mu = backend.CreateState(n, precision);

        var pendingPhi = new OpBatch(n);
        var pendingLambda = new OpBatch(n);
        for (int k = bound.Length - 1; k >= 0; k--)
        {
            AddInverse(pendingPhi, bound[k], info, k);
            if (!gates[k].IsSymbolic)
            {
                AddInverse(pendingLambda, bound[k], info, k);
                continue;
            }
            Flush(phi, pendingPhi);
            Flush(lambda, pendingLambda);
            IReadOnlyList<Angle> angles = gates[k].Angles;
            for (int j = 0; j < angles.Count; j++)
            {
                if (angles[j].IsConstant) continue;
                double overlap = DerivativeOverlap(phi, lambda, mu, bound[k], j, info);
                foreach (var (p, c) in angles[j].Terms) gradient[index[p]] += c * overlap;
            }
            AddInverse(pendingLambda, bound[k], info, k);
        }
        return new GradientResult
        {
            Value = value, Gradient = gradient, Parameters = circuit.Parameters, Method = GradientMethod.Adjoint, CircuitPasses = 2,
        };
    }

    /// <summary>2 Re⟨λ|∂U/∂a_j φ⟩, with ∂U applied to a copy of φ as a (non-unitary) MATRIX record.</summary>
    private static double DerivativeOverlap(IQuantumState phi, IQuantumState lambda, IQuantumState mu, Gate gate, int parameter, BackendInfo info)
    {
        Complex[] d = GateCalculus.TargetDerivative(gate, parameter);
        int[] targets = [.. gate.Targets], controls = [.. gate.Controls];
        int n = phi.NQubits;
        var batch = new OpBatch(n);
        if (controls.Length == 0)
        {
            batch.Add(Abi.QiboOpKind.Matrix, targets, [], matrix: d);
            return Overlap(phi, lambda, mu, batch);
        }
        int all = targets.Length + controls.Length;
        if (all <= 10 && (info.MaxMatrixTargets == 0 || all <= info.MaxMatrixTargets))
        {
            // C-U = P0⊗I + P1⊗U, so ∂(C-U) = P1⊗∂U: one matrix on controls and targets, zero outside the controlled block.
            batch.Add(Abi.QiboOpKind.Matrix, [.. controls, .. targets], [], matrix: GateCalculus.ControlledBlockOnly(d, targets.Length, controls.Length));
            return Overlap(phi, lambda, mu, batch);
        }
        // Too many qubits for one matrix: controlled-∂U gives P0φ + P1∂Uφ, controlled-0 gives P0φ; subtract.
        batch.Add(Abi.QiboOpKind.Matrix, targets, controls, matrix: d);
        double with = Overlap(phi, lambda, mu, batch);
        batch.Clear();
        batch.Add(Abi.QiboOpKind.Matrix, targets, controls, matrix: new Complex[d.Length]);
        return with - Overlap(phi, lambda, mu, batch);
    }

    private static double Overlap(IQuantumState phi, IQuantumState lambda, IQuantumState mu, OpBatch batch)
    {
        phi.CopyTo(mu);
        mu.Apply(batch);
        return 2 * lambda.InnerProduct(mu).Real;
    }

    private static void AddInverse(OpBatch batch, Gate gate, BackendInfo info, int source)
    {
        Complex[] m = gate.TargetMatrix();
        int dim = 1 << gate.Targets.Count;
        Complex[] inverse = GateCalculus.Adjoint(m, dim);
        if (info.MaxMatrixTargets > 0 && gate.Targets.Count > info.MaxMatrixTargets)
        {
            throw new BackendException(Abi.QiboErrorCode.Unsupported,
                $"{gate.Name} on {gate.Targets.Count} qubits: backend '{info.Name}' applies matrices on at most {info.MaxMatrixTargets} qubits");
        }
        batch.Add(Abi.QiboOpKind.Matrix, [.. gate.Targets], [.. gate.Controls], matrix: inverse, source: source);
    }

    private static void Flush(IQuantumState state, OpBatch pending)
    {
        if (pending.Count == 0) return;
        // Inverses were queued last gate first, which is the order they apply in.
        state.Apply(pending);
        pending.Clear();
    }

    /// <summary>Parameter shift on a circuit of gates: lowered once; each shift rewrites one record.</summary>
    private static GradientResult ShiftUnitary(IBackend backend, Circuit circuit, Gate[] gates, Observable observable, IReadOnlyList<double> values,
        Dictionary<Parameter, int> index, Precision precision)
    {
        int n = circuit.NQubits;
        BackendInfo info = backend.Info;
        Executor.CheckFits(info, n, precision);
        var lowered = new LoweredGates(Array.ConvertAll(gates, g => Bind(g, values, index)), n, info);
        using IQuantumState state = backend.CreateState(n, precision);
        int passes = 0;
        double Evaluate()
        {
            passes++;
            state.Reset();
            state.Apply(lowered.Batch);
            return state.Expectation(observable);
        }
        double value = Evaluate();
        var gradient = new double[values.Count];
        for (int k = 0; k < gates.Length; k++)
        {
            if (!gates[k].IsSymbolic) continue;
            Gate at = lowered.Gates[k];
            IReadOnlyList<Angle> angles = gates[k].Angles;
            for (int j = 0; j < angles.Count; j++)
            {
                if (angles[j].IsConstant) continue;
                double derivative = 0;
                ShiftRule rule = ShiftRule.For(at, j);
                for (int s = 0; s < rule.Shifts.Length; s++)
                {
                    lowered.Replace(k, Shift(at, j, rule.Shifts[s]));
                    derivative += rule.Coefficients[s] * Evaluate();
                }
                lowered.Replace(k, at);
                foreach (var (p, c) in angles[j].Terms) gradient[index[p]] += c * derivative;
            }
        }
        return new GradientResult
        {
            Value = value, Gradient = gradient, Parameters = circuit.Parameters, Method = GradientMethod.ParameterShift, CircuitPasses = passes,
        };
    }

    /// <summary>Parameter shift through the executor (density matrices, noise): each shifted circuit is run whole.</summary>
    private static GradientResult ShiftGeneral(IBackend backend, Circuit circuit, Observable observable, IReadOnlyList<double> values,
        Dictionary<Parameter, int> index, Precision precision, bool densityMatrix, NoiseModel? noise)
    {
        Circuit bound = circuit.Bind(values);
        int passes = 0;
        double Evaluate(Circuit c)
        {
            passes++;
            ExecutionResult r = backend.Execute(c, precision: precision, densityMatrix: densityMatrix, noise: noise, seed: 0);
            return r.Expectation(observable);
        }
        double value = Evaluate(bound);
        var gradient = new double[values.Count];
        for (int k = 0; k < circuit.Operations.Count; k++)
        {
            Operation op = circuit.Operations[k] is Conditional cond ? cond.Body : circuit.Operations[k];
            if (op is not Gate { IsSymbolic: true } symbolic) continue;
            Gate at = Bind(symbolic, values, index);
            for (int j = 0; j < symbolic.Angles.Count; j++)
            {
                if (symbolic.Angles[j].IsConstant) continue;
                double derivative = 0;
                ShiftRule rule = ShiftRule.For(at, j);
                for (int s = 0; s < rule.Shifts.Length; s++)
                {
                    Gate shifted = Shift(at, j, rule.Shifts[s]);
                    int target = k;
                    derivative += rule.Coefficients[s] * Evaluate(bound.Map((i, o) => i == target ? shifted : o));
                }
                foreach (var (p, c) in symbolic.Angles[j].Terms) gradient[index[p]] += c * derivative;
            }
        }
        return new GradientResult
        {
            Value = value, Gradient = gradient, Parameters = circuit.Parameters, Method = GradientMethod.ParameterShift, CircuitPasses = passes,
        };
    }

    private static Gate Shift(Gate gate, int parameter, double shift)
    {
        double[] p = [.. gate.Parameters];
        p[parameter] += shift;
        return gate.WithParameters(p);
    }
}
