"""qiboaccel.Backend, qiboaccel.execute, qiboaccel.sweep, qiboaccel.gradient, qiboaccel.expectation, qiboaccel.backends
and qiboaccel.sample."""

import ctypes
import json
import numbers
import os
import threading

import numpy as np

from . import _native as N
from .circuit import Circuit
from .parameters import values_array
from .result import Result
from .variational import GradientResult, SweepResult

_GRADIENT_METHODS = {"auto": N.GRADIENT_AUTO, "adjoint": N.GRADIENT_ADJOINT, "parameter_shift": N.GRADIENT_PARAMETER_SHIFT}
_GRADIENT_NAMES = {N.GRADIENT_ADJOINT: "adjoint", N.GRADIENT_PARAMETER_SHIFT: "parameter_shift"}


def _precision(precision):
    if precision in ("double", "complex128"):
        return N.PRECISION_DOUBLE
    if precision in ("single", "complex64"):
        return N.PRECISION_SINGLE
    raise N.InvalidArgumentError(f"unknown precision {precision!r} (use 'double' or 'single')")


def _seed(seed):
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**64:
        raise N.InvalidArgumentError(f"seed must be a whole number from 0 to 2**64-1, got {seed!r}")
    return int(seed)


def _shots(shots):
    if isinstance(shots, bool) or not isinstance(shots, numbers.Integral) or shots < 0:
        raise N.InvalidArgumentError(f"shots must be a whole number >= 0, got {shots!r}")
    return int(shots)


def _noise(noise):
    return None if noise is None else N.text(noise if isinstance(noise, str) else json.dumps(noise), "noise model")


def _circuit(circuit, what):
    """(circuit, the circuit to close afterwards or None): OpenQASM text is parsed here."""
    if isinstance(circuit, str):
        own = Circuit.from_qasm(circuit)
        return own, own
    if not isinstance(circuit, Circuit):
        raise N.InvalidArgumentError(f"{what} needs a qiboaccel.Circuit or OpenQASM text, got {type(circuit).__name__}")
    return circuit, None


class Backend:
    """A loaded backend: "cpu", "cpu:threads=1", "gpu", "gpu:opencl:0", "python@numpy", a library or manifest path."""

    def __init__(self, specifier="cpu"):
        self._handle = None
        handle = ctypes.c_void_p()
        N.call("qiboaccel_backend_load", N.text(specifier or "cpu", "backend specifier"), ctypes.byref(handle))
        self._handle = handle
        info = N.BackendInfo()
        N.call("qiboaccel_backend_get_info", handle, ctypes.byref(info))
        precisions = []
        if info.precisions & N.PRECISION_DOUBLE:
            precisions.append("double")
        if info.precisions & N.PRECISION_SINGLE:
            precisions.append("single")
        self.info = {
            "specifier": N.decode(info.specifier), "name": N.decode(info.name), "version": N.decode(info.version),
            "description": N.decode(info.description), "device": N.decode(info.device),
            "library": N.decode(info.library_path), "abi_version": N.decode(info.abi_version),
            "max_qubits": info.max_qubits, "precisions": precisions, "max_matrix_targets": info.max_matrix_targets,
            "load_seconds": info.load_seconds,
        }
        self.name = self.info["name"]

    def execute(self, circuit, shots=0, seed=None, precision="double", density_matrix=False, noise=None,
                initial_state=None, keep_state=True, parameters=None):
        """Runs `circuit` (a Circuit, or OpenQASM 2.0 text) in one call; see qiboaccel.execute."""
        circuit, own = _circuit(circuit, "execute")
        try:
            args = N.ExecuteArgs()
            args.shots = _shots(shots)
            flags = 0
            if seed is not None:
                args.seed = _seed(seed)
                flags |= N.EXECUTE_SEED
            if density_matrix:
                flags |= N.EXECUTE_DENSITY_MATRIX
            if not keep_state:
                flags |= N.EXECUTE_NO_STATE
            args.flags = flags
            args.precision = _precision(precision)
            args.noise_model = _noise(noise)
            state = None
            if initial_state is not None:
                state = np.ascontiguousarray(np.asarray(initial_state, dtype=np.complex128).ravel())
                args.initial_state, args.n_initial_state_values = state.ctypes.data, state.size
            values = None
            if parameters is not None or circuit.nparameters:
                values = values_array(circuit.parameters, parameters, "execute", circuit._key())
                if values.size:
                    args.parameter_values, args.n_parameter_values = values.ctypes.data, values.size
            N.call("qiboaccel_execute", self._live(), circuit._live(), ctypes.byref(args))
            return Result(args.result)
        finally:
            if own is not None:
                own.close()

    def sweep(self, circuit, parameter_sets, observable=None, shots=0, seed=None, precision="double"):
        """Runs `circuit` once per parameter set, lowered once; see qiboaccel.sweep."""
        N.require(1, "sweep")
        circuit, own = _circuit(circuit, "sweep")
        try:
            names, key = circuit.parameters, circuit._key()
            sets = parameter_sets
            if isinstance(sets, (str, bytes, dict)) or not hasattr(sets, "__iter__") or \
                    (isinstance(sets, np.ndarray) and sets.ndim != 2):
                raise N.InvalidArgumentError("sweep: parameter_sets must be a 2-D array or a sequence of parameter sets, "
                                             f"got {type(sets).__name__}")
            rows = [values_array(names, row, f"sweep: set {k}", key) for k, row in enumerate(sets)]
            values = np.ascontiguousarray(np.array(rows, dtype=np.float64).reshape(len(rows), len(names)))
            n = len(rows)
            args = N.SweepArgs(n_sets=n, n_parameter_values=values.size)
            args.parameter_values = values.ctypes.data if values.size else None
            args.shots = _shots(shots)
            if seed is not None:
                args.seed = _seed(seed)
                args.flags = N.EXECUTE_SEED
            args.precision = _precision(precision)
            expectations = None
            if observable is not None:
                args.observable = N.text(observable, "observable")
                expectations = np.zeros(max(n, 1), dtype=np.float64)
                args.expectations = expectations.ctypes.data
            handles = None
            if args.shots and n:
                handles = (ctypes.c_void_p * n)()
                args.results = ctypes.addressof(handles)
            N.call("qiboaccel_sweep", self._live(), circuit._live(), ctypes.byref(args))
            results = [Result(handles[k]) for k in range(n)] if handles is not None else []
            return SweepResult(values, None if expectations is None else expectations[:n], results,
                               results[0].seed if results else (None if seed is None else int(seed)), args.seconds)
        finally:
            if own is not None:
                own.close()

    def gradient(self, circuit, observable, values, method="auto", precision="double", density_matrix=False, noise=None):
        """<O> and its gradient with respect to every circuit parameter; see qiboaccel.gradient."""
        N.require(1, "gradient")
        circuit, own = _circuit(circuit, "gradient")
        try:
            names = circuit.parameters
            x = values_array(names, values, "gradient", circuit._key())
            if method not in _GRADIENT_METHODS:
                raise N.InvalidArgumentError(f"gradient: unknown method {method!r} (use 'auto', 'adjoint' or 'parameter_shift')")
            out = np.zeros(max(len(names), 1), dtype=np.float64)
            args = N.GradientArgs(n_parameter_values=x.size, n_gradient=len(names))
            args.observable = N.text(observable, "observable")
            args.parameter_values = x.ctypes.data if x.size else None
            args.method = _GRADIENT_METHODS[method]
            args.precision = _precision(precision)
            args.flags = N.EXECUTE_DENSITY_MATRIX if density_matrix else 0
            args.noise_model = _noise(noise)
            args.gradient = out.ctypes.data
            N.call("qiboaccel_gradient", self._live(), circuit._live(), ctypes.byref(args))
            return GradientResult(args.value, out[:len(names)].copy(), names, _GRADIENT_NAMES.get(args.method_used, "unknown"),
                                  args.circuit_passes, args.seconds)
        finally:
            if own is not None:
                own.close()

    def expectation(self, amplitudes, observable, precision="double"):
        """<psi|O|psi> of the state `amplitudes` evaluated on this backend; see qiboaccel.expectation."""
        N.require(1, "expectation of a state on a backend")
        psi = np.asarray(amplitudes)
        if psi.ndim != 1:
            raise N.InvalidArgumentError(f"expectation: amplitudes must be a vector of 2**n values, got shape {psi.shape}")
        size = psi.size
        if size < 2 or size & (size - 1):
            raise N.InvalidArgumentError(f"expectation: {size} amplitude(s) is not 2**n for a number of qubits n >= 1")
        try:
            psi = np.ascontiguousarray(psi, dtype=np.complex128)
        except (TypeError, ValueError):
            raise N.InvalidArgumentError("expectation: amplitudes must be complex numbers") from None
        value = ctypes.c_double()
        N.call("qiboaccel_state_expectation", self._live(), psi.ctypes.data, size.bit_length() - 1,
               N.text(observable, "observable"), _precision(precision), ctypes.byref(value))
        return value.value

    def __repr__(self):
        return f"<qiboaccel.Backend {self.info['specifier']}: {self.name} {self.info['version']} ({self.info['device']})>"

    def _live(self):
        if self._handle is None:
            raise N.InvalidArgumentError("the backend is closed")
        return self._handle

    def close(self):
        handle, self._handle = getattr(self, "_handle", None), None
        if handle is not None and N._lib is not None:
            N._lib.qiboaccel_backend_destroy(handle)

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


_backends = {}
_backends_lock = threading.Lock()


def get_backend(specifier="cpu"):
    """The Backend for `specifier`, loaded once per process and shared (backends are thread-safe)."""
    key = specifier or "cpu"
    with _backends_lock:
        b = _backends.get(key)
        if b is None:
            b = _backends[key] = Backend(key)
        return b


def execute(circuit, backend="cpu", shots=0, seed=None, precision="double", density_matrix=False, noise=None,
            initial_state=None, keep_state=True, parameters=None):
    """Runs a circuit — the whole circuit in one call into libqiboaccel — and returns a Result.

    circuit         a qiboaccel.Circuit, or OpenQASM 2.0 text
    backend         a specifier ("cpu", "gpu", "python@numpy", ...) or a Backend
    shots, seed     shots to sample; the same seed gives the same shots on every backend and binding
    precision       "double" (complex128) or "single" (complex64)
    density_matrix  simulate rho (exact noise)
    noise           a noise model: a dict or JSON text (README, "Noise, density matrices, expectation values")
    initial_state   2**n amplitudes (or a 2**n x 2**n density matrix) instead of |0...0>
    keep_state      False: do not copy the final state back (large circuits, shots only)
    parameters      values of the circuit's symbolic parameters: a sequence in `circuit.parameters` order, or a dict
                    by name (or Parameter); required when the circuit has parameters
    """
    return _backend(backend).execute(circuit, shots=shots, seed=seed, precision=precision, density_matrix=density_matrix,
                                     noise=noise, initial_state=initial_state, keep_state=keep_state, parameters=parameters)


def _backend(backend):
    return backend if isinstance(backend, Backend) else get_backend(backend)


def sweep(circuit, parameter_sets, observable=None, backend="cpu", shots=0, seed=None, precision="double"):
    """Runs one parametrised circuit for many parameter sets — lowered once, each set only rewriting the gates that use
    parameters — and returns a SweepResult: `expectations` (a numpy array, one exact <observable> per set, with an
    observable), `frequencies()` (one dict per set, with shots), `results`, `seed`, `seconds`.

    circuit         a qiboaccel.Circuit (or OpenQASM text) with symbolic parameters
    parameter_sets  a 2-D array (one row per set, columns in `circuit.parameters` order), or a sequence of sets, each a
                    sequence or a dict by name
    observable      a real sum of Pauli strings ("0.5*Z0*Z1 - X2"), or None; needs measurements only at the end
    shots, seed     shots per set; with a seed every set uses it, so set k's shots equal
                    execute(circuit, parameters=set_k, shots=shots, seed=seed)'s
    """
    return _backend(backend).sweep(circuit, parameter_sets, observable=observable, shots=shots, seed=seed,
                                   precision=precision)


def gradient(circuit, observable, values, backend="cpu", method="auto", precision="double", density_matrix=False,
             noise=None):
    """<psi(theta)|O|psi(theta)> and its gradient with respect to every circuit parameter: a GradientResult with
    `value`, `gradient` (numpy, in `circuit.parameters` order), `method` ("adjoint" or "parameter_shift": the one used),
    `circuit_passes` and `seconds`; `value, grad = qiboaccel.gradient(...)` unpacks the first two.

    observable      a real sum of Pauli strings ("0.5*Z0*Z1 - X2")
    values          the parameters' values: a sequence in `circuit.parameters` order, or a dict by name
    method          "adjoint": one forward and one backward pass whatever the number of parameters; "parameter_shift":
                    exact shift rules, 2 (or 4) executions per parameter use; "auto": adjoint for circuits of gates,
                    parameter shift otherwise (density matrices, noise)
    density_matrix, noise
                    differentiate Tr(O rho) of the noisy circuit (parameter shift)
    """
    return _backend(backend).gradient(circuit, observable, values, method=method, precision=precision,
                                      density_matrix=density_matrix, noise=noise)


def expectation(amplitudes, observable, backend="cpu", precision="double"):
    """<psi|O|psi> of a state given as 2**n amplitudes (qubit 0 the most significant bit of an index), evaluated on
    the backend: the state is loaded into the backend's memory and the observable (a real sum of Pauli strings, "0.5*
    Z0*Z1 - X2") applied there, without building a matrix. Not normalised: <psi|O|psi> as given."""
    return _backend(backend).expectation(amplitudes, observable, precision=precision)


def backends(details=False):
    """The installed backends' specifiers (["cpu", "gpu", "python@numpy", ...]). With details=True, a dict per
    backend: specifier, description, manifest, library, abi_version, available and error (each one is loaded)."""
    handle = ctypes.c_void_p()
    N.call("qiboaccel_backends_list", N.LIST_PROBE if details else 0, ctypes.byref(handle))
    try:
        info = N.BackendListInfo()
        N.call("qiboaccel_backend_list_get_info", handle, ctypes.byref(info))
        out = []
        for i in range(info.n_backends):
            e = N.BackendEntry()
            N.call("qiboaccel_backend_list_get", handle, i, ctypes.byref(e))
            if not details:
                out.append(N.decode(e.specifier))
                continue
            out.append({
                "specifier": N.decode(e.specifier), "description": N.decode(e.description),
                "manifest": N.decode(e.manifest_path), "library": N.decode(e.library_path),
                "abi_version": N.decode(e.abi_version), "available": bool(e.available), "error": N.decode(e.error),
            })
        return out
    finally:
        N.lib().qiboaccel_backend_list_destroy(handle)


def sample(probabilities, shots, seed, counts=False):
    """Draws `shots` outcomes from a distribution by the rule every backend follows, with the host's random numbers
    for `seed`: an array of indices, or with counts=True an array of counts per index."""
    p = np.ascontiguousarray(np.asarray(probabilities, dtype=np.float64).ravel())
    if isinstance(shots, bool) or not isinstance(shots, numbers.Integral) or shots < 0:
        raise N.InvalidArgumentError(f"shots must be a whole number >= 0, got {shots!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**64:
        raise N.InvalidArgumentError(f"seed must be a whole number from 0 to 2**64-1, got {seed!r}")
    args = N.SampleArgs(n_probabilities=p.size, shots=int(shots), seed=int(seed))
    args.probabilities = p.ctypes.data
    if counts:
        out = np.zeros(p.size, dtype=np.uint64)
        args.counts = out.ctypes.data
    else:
        out = np.empty(int(shots), dtype=np.uint64)
        args.outcomes = out.ctypes.data if shots else None
        if not shots:
            return out
    N.call("qiboaccel_sample", ctypes.byref(args))
    return out.astype(np.int64)
