using QiboAccel.Abi;
using QiboAccel.Python.Embedding;

namespace QiboAccel.Python.Bridge;

/// <summary>
/// A state: the Python object returned by the backend's create_state(). Every method takes the GIL, wraps the host's
/// buffers in memoryviews (no copies, no per-gate marshalling) and calls the qiboaccel_bridge helper that views them
/// as numpy arrays and calls the state's method.
/// </summary>
internal sealed unsafe class PythonState : BackendState
{
    private nint _object;

    private PythonState(PythonBackend backend, nint obj, int nQubits, QiboPrecision precision) : base(nQubits, precision)
    {
        Backend = backend;
        _object = obj;
    }

    /// <summary>The backend that created the state.</summary>
    public PythonBackend Backend { get; }

    /// <summary>Bytes of one amplitude in the host's buffers.</summary>
    public ulong AmplitudeBytes => Precision == QiboPrecision.Complex128 ? 16UL : 8UL;

    private nint Object => _object != 0 ? _object : throw BridgeException.Invalid("the state was destroyed");

    private string Context(string function) => $"{function} ({Backend.Module})";

    /// <summary>create_state(n_qubits, precision) on the backend object.</summary>
    public static PythonState Create(PythonBackend backend, int nQubits, QiboPrecision precision)
    {
        using Gil gil = Gil.Acquire();
        nint obj = Py.CallBridge("_host_create_state", $"state_create ({backend.Module})",
            Own(backend.Object), Py.Int(nQubits), Py.UInt((uint)precision));
        return new PythonState(backend, obj, nQubits, precision);
    }

    /// <summary>reset().</summary>
    public override void Reset()
    {
        using Gil gil = Gil.Acquire();
        Py.CallBridgeVoid("_host_reset", Context("state_reset"), Own(Object));
    }

    /// <summary>get_amplitudes(offset, out) with out viewing the caller's buffer.</summary>
    public override void GetAmplitudes(ulong offset, ulong count, void* data)
    {
        using Gil gil = Gil.Acquire();
        Py.CallBridgeVoid("_host_get_amplitudes", Context("state_get_amplitudes"),
            Own(Object), Py.UInt(offset), Py.View(data, count * AmplitudeBytes, writable: true), Py.UInt((uint)Precision));
    }

    /// <summary>set_amplitudes(offset, data) with data viewing the caller's buffer (read-only).</summary>
    public override void SetAmplitudes(ulong offset, ulong count, void* data)
    {
        using Gil gil = Gil.Acquire();
        Py.CallBridgeVoid("_host_set_amplitudes", Context("state_set_amplitudes"),
            Own(Object), Py.UInt(offset), Py.View(data, count * AmplitudeBytes, writable: false), Py.UInt((uint)Precision));
    }

    /// <summary>apply(ops, qubits, matrices, randoms, cbits) on the batch's records (validated by the kit).</summary>
    public override void Apply(in CircuitBatch batch)
    {
        QiboStateApplyArgs* args = batch.Args;
        QiboCircuit* c = batch.Circuit;
        ulong nOps = (ulong)batch.Ops.Count;
        using Gil gil = Gil.Acquire();
        Py.CallBridgeVoid("_host_apply", Context("state_apply"),
            Own(Object),
            Py.View(c->Ops, nOps * c->OpSize, writable: false),
            Py.UInt(c->OpSize),
            Py.View(c->Qubits, c->NQubitRefs * sizeof(uint), writable: false),
            Py.View(c->Matrices, c->NMatrixValues * 16, writable: false),
            Py.View(args->Randoms, args->NRandoms * sizeof(double), writable: false),
            Py.View(args->Cbits, args->Cbits == null ? 0 : args->NCbits, writable: true));
    }

    /// <summary>probabilities(qubits) copied into <paramref name="output"/> (2^count doubles).</summary>
    public override void Probabilities(in QubitSelection qubits, double* output)
    {
        using Gil gil = Gil.Acquire();
        Py.CallBridgeVoid("_host_probabilities", Context("state_probabilities"),
            Own(Object), Py.View(qubits.Qubits, (ulong)qubits.Count * sizeof(uint), writable: false),
            Py.View(output, (1UL << qubits.Count) * sizeof(double), writable: true));
    }

    /// <summary>sample(qubits, randoms) copied into <paramref name="outcomes"/>.</summary>
    public override void Sample(in QubitSelection qubits, ulong shots, double* randoms, ulong* outcomes)
    {
        using Gil gil = Gil.Acquire();
        Py.CallBridgeVoid("_host_sample", Context("state_sample"),
            Own(Object), Py.View(qubits.Qubits, (ulong)qubits.Count * sizeof(uint), writable: false), Py.View(randoms, shots * sizeof(double), writable: false),
            Py.View(outcomes, shots * sizeof(ulong), writable: true), Py.UInt(1UL << qubits.Count));
    }

    /// <summary>copy_to(destination) when the state offers it, else get/set_amplitudes (in the bridge helper).</summary>
    public override void CopyTo(BackendState destination)
    {
        using Gil gil = Gil.Acquire();
        Py.CallBridgeVoid("_host_copy", Context("state_copy"), Own(Object), Own(((PythonState)destination).Object),
            Py.Int(NQubits), Py.UInt((uint)Precision));
    }

    /// <summary>inner_product(ket) when the state offers it, else numpy.vdot of the amplitudes (in the bridge helper).</summary>
    public override (double Re, double Im) InnerProduct(BackendState ket)
    {
        double* result = stackalloc double[2];
        using Gil gil = Gil.Acquire();
        Py.CallBridgeVoid("_host_inner_product", Context("state_inner_product"), Own(Object), Own(((PythonState)ket).Object),
            Py.Int(NQubits), Py.UInt((uint)Precision), Py.View(result, 2 * sizeof(double), writable: true));
        return (result[0], result[1]);
    }

    /// <summary>expectation(terms) when the state offers it, else from the amplitudes (in the bridge helper).</summary>
    public override double Expectation(ReadOnlySpan<PauliString> terms)
    {
        // The Python side reads the caller's qibo_pauli_term records (qubit masks), rebuilt here from the validated terms.
        var records = new QiboPauliTerm[terms.Length];
        for (int t = 0; t < terms.Length; t++) records[t] = ToRecord(terms[t]);
        double result = 0;
        using Gil gil = Gil.Acquire();
        fixed (QiboPauliTerm* p = records)
        {
            Py.CallBridgeVoid("_host_expectation", Context("state_expectation"), Own(Object),
                Py.View(p, (ulong)(records.Length * sizeof(QiboPauliTerm)), writable: false), Py.UInt((uint)sizeof(QiboPauliTerm)),
                Py.Int(NQubits), Py.UInt((uint)Precision), Py.View(&result, sizeof(double), writable: true));
        }
        return result;
    }

    private QiboPauliTerm ToRecord(PauliString term)
    {
        ulong x = 0, y = 0, z = 0;
        for (int q = 0; q < NQubits; q++)
        {
            ulong bit = 1UL << (NQubits - 1 - q);
            bool flip = (term.Flip & bit) != 0, sign = (term.Sign & bit) != 0;
            if (flip && sign) y |= 1UL << q;
            else if (flip) x |= 1UL << q;
            else if (sign) z |= 1UL << q;
        }
        return new QiboPauliTerm { Coefficient = term.Coefficient, XMask = x, YMask = y, ZMask = z };
    }

    /// <summary>Calls the state's close() if it has one and drops the Python object.</summary>
    public override void Dispose()
    {
        nint obj = _object;
        if (obj == 0) return;
        _object = 0;
        using Gil gil = Gil.Acquire();
        try
        {
            Py.CallBridgeVoid("_host_close", Context("state_destroy"), obj); // consumes our reference
        }
        catch (BridgeException)
        {
            // state_destroy cannot report anything: a failing close() is ignored.
        }
    }

    // A new reference to an object we keep (Py.Call consumes its arguments).
    private static nint Own(nint obj)
    {
        LibPython.Py_IncRef(obj);
        return obj;
    }
}
