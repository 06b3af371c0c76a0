using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QiboAccel.CApi.Interop;
using QiboAccel.CApi.Model;
using QiboAccel.Execution;
using QiboAccel.Gradients;
using QiboAccel.Noise;
using QiboAccel.Observables;

namespace QiboAccel.CApi.Exports;

/// <summary>API 1.1: parameter sweeps, gradients, and expectation values evaluated on a backend's own memory.</summary>
internal static unsafe class VariationalExports
{
    private const uint KnownSweepFlags = Flags.ExecuteSeed;

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_sweep", CallConvs = [typeof(CallConvCdecl)])]
    public static nint Sweep(nint backend, nint circuit, SweepArgs* args)
    {
        try
        {
            var b = HandleTable.Get<BackendObject>(backend, "backend");
            var c = HandleTable.Get<CircuitObject>(circuit, "circuit");
            SweepArgs a = Marshalling.Read(args, "args");
            if ((a.Flags & ~KnownSweepFlags) != 0) throw CApiException.Invalid($"args->flags 0x{a.Flags:x} has bits this version does not know");
            if (a.Shots > int.MaxValue) throw CApiException.Invalid($"args->shots is {a.Shots}; at most {int.MaxValue} per call");
            int nParams = c.Circuit.Parameters.Count;
            if (a.NParameterValues != a.NSets * (ulong)nParams)
            {
                throw CApiException.Invalid($"args->n_parameter_values is {a.NParameterValues}; {a.NSets} set(s) of the circuit's {nParams} parameter(s) need {a.NSets * (ulong)nParams}");
            }
            if (a.NSets > int.MaxValue) throw CApiException.Invalid($"args->n_sets {a.NSets} is too many for one call");
            ReadOnlySpan<double> values = Marshalling.Span(a.ParameterValues, a.NParameterValues, "args->parameter_values");
            var sets = new List<IReadOnlyList<double>>((int)a.NSets);
            for (int k = 0; k < (int)a.NSets; k++) sets.Add(values.Slice(k * nParams, nParams).ToArray());
            string? text = Marshalling.String(a.Observable, "args->observable", allowNull: true);
            Observable? observable = text is null ? null : Observable.Parse(text);
            if (observable is not null && a.Expectations == null) throw CApiException.Invalid("args->observable is set but args->expectations is NULL");
            ulong? seed = (a.Flags & Flags.ExecuteSeed) != 0 ? a.Seed : null;

            SweepResult sweep = b.Backend.Sweep(c.Circuit, sets, observable, (int)a.Shots, seed,
                ExecuteExports.PrecisionOf(a.Precision, "args->precision"));
            var registers = c.Circuit.ClassicalRegisters.ToArray();
            for (int k = 0; k < sweep.Points.Count; k++)
            {
                SweepPoint point = sweep.Points[k];
                if (a.Expectations != null && point.Expectation is double e) a.Expectations[k] = e;
                if (a.Results == null) continue;
                var result = new ExecutionResult
                {
                    Backend = b.Backend.Info.Name,
                    NQubits = c.Circuit.NQubits,
                    Precision = ExecuteExports.PrecisionOf(a.Precision, "args->precision"),
                    Shots = (int)a.Shots,
                    Seed = sweep.Seed,
                    SampledQubits = sweep.SampledQubits,
                    Frequencies = point.Frequencies,
                    RegisterFrequencies = point.RegisterFrequencies,
                };
                a.Results[k] = HandleTable.Add(new ResultObject(result, registers, sweep.Seconds / sweep.Points.Count));
            }
            args->Seconds = sweep.Seconds;
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_gradient", CallConvs = [typeof(CallConvCdecl)])]
    public static nint Gradient(nint backend, nint circuit, GradientArgs* args)
    {
        try
        {
            var b = HandleTable.Get<BackendObject>(backend, "backend");
            var c = HandleTable.Get<CircuitObject>(circuit, "circuit");
            GradientArgs a = Marshalling.Read(args, "args");
            if (a.Reserved != 0) throw CApiException.Invalid("args->reserved must be 0");
            if ((a.Flags & ~Flags.ExecuteDensityMatrix) != 0) throw CApiException.Invalid($"args->flags 0x{a.Flags:x} has bits this version does not know (only QIBOACCEL_EXECUTE_DENSITY_MATRIX)");
            Observable observable = Observable.Parse(Marshalling.String(a.Observable, "args->observable")!);
            int nParams = c.Circuit.Parameters.Count;
            if (a.NParameterValues != (ulong)nParams)
            {
                throw CApiException.Invalid($"args->n_parameter_values is {a.NParameterValues}; the circuit has {nParams} parameter(s)");
            }
            if (a.NGradient < (ulong)nParams || (nParams > 0 && a.Gradient == null))
            {
                throw CApiException.Invalid($"args->gradient has room for {a.NGradient} value(s); the circuit has {nParams} parameter(s)");
            }
            GradientMethod method = a.Method switch
            {
                Flags.GradientAuto => GradientMethod.Auto,
                Flags.GradientAdjoint => GradientMethod.Adjoint,
                Flags.GradientParameterShift => GradientMethod.ParameterShift,
                _ => throw CApiException.Invalid($"args->method {a.Method} is not QIBOACCEL_GRADIENT_AUTO (0), _ADJOINT (1) or _PARAMETER_SHIFT (2)"),
            };
            string? noiseJson = Marshalling.String(a.NoiseModel, "args->noise_model", allowNull: true);
            NoiseModel? noise = noiseJson is null ? null : NoiseModel.Parse(noiseJson, "noise model");
            double[] values = Marshalling.Span(a.ParameterValues, a.NParameterValues, "args->parameter_values").ToArray();

            GradientResult g = b.Backend.Gradient(c.Circuit, observable, values, method, ExecuteExports.PrecisionOf(a.Precision, "args->precision"),
                densityMatrix: (a.Flags & Flags.ExecuteDensityMatrix) != 0, noise: noise);
            for (int i = 0; i < nParams; i++) a.Gradient[i] = g.Gradient[i];
            args->Value = g.Value;
            args->MethodUsed = g.Method == GradientMethod.Adjoint ? Flags.GradientAdjoint : Flags.GradientParameterShift;
            args->CircuitPasses = (uint)Math.Min(g.CircuitPasses, uint.MaxValue);
            args->Seconds = g.Seconds;
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qiboaccel_state_expectation", CallConvs = [typeof(CallConvCdecl)])]
    public static nint StateExpectation(nint backend, double* amplitudes, uint nQubits, byte* observable, uint precision, double* value)
    {
        try
        {
            var b = HandleTable.Get<BackendObject>(backend, "backend");
            if (value == null) throw CApiException.Invalid("value is NULL");
            Observable o = Observable.Parse(Marshalling.String(observable, "observable")!);
            if (nQubits < 1 || nQubits > 62) throw CApiException.Invalid($"n_qubits is {nQubits}; a state has 1 to 62 qubits here");
            Precision p = ExecuteExports.PrecisionOf(precision, "precision");
            ReadOnlySpan<Complex> psi = MemoryMarshal.Cast<double, Complex>(Marshalling.Span(amplitudes, checked(2UL << (int)nQubits), "amplitudes"));
            Executor.CheckFits(b.Backend.Info, (int)nQubits, p);
            using IQuantumState state = b.Backend.CreateState((int)nQubits, p);
            state.SetAmplitudes(0, psi);
            *value = state.Expectation(o);
            return 0;
        }
        catch (Exception e)
        {
            return NativeError.From(e);
        }
    }
}
