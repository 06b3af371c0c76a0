"""qiboaccel.Backend, qiboaccel.execute, qiboaccel.backends and qiboaccel.sample."""

import ctypes
import json
import numbers
import os
import threading

import numpy as np

from . import _native as N
from .circuit import Circuit
from .result import Result


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
                initial_state=None, keep_state=True):
        """Runs `circuit` (a Circuit, or OpenQASM 2.0 text) in one call; see qiboaccel.execute."""
        own = None
        if isinstance(circuit, str):
            circuit = own = Circuit.from_qasm(circuit)
        if not isinstance(circuit, Circuit):
            raise N.InvalidArgumentError(f"execute needs a qiboaccel.Circuit or OpenQASM text, got {type(circuit).__name__}")
        try:
            args = N.ExecuteArgs()
            if isinstance(shots, bool) or not isinstance(shots, numbers.Integral) or shots < 0:
                raise N.InvalidArgumentError(f"shots must be a whole number >= 0, got {shots!r}")
            args.shots = int(shots)
            flags = 0
            if seed is not None:
                if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**64:
                    raise N.InvalidArgumentError(f"seed must be a whole number from 0 to 2**64-1, got {seed!r}")
                args.seed = int(seed)
                flags |= N.EXECUTE_SEED
            if density_matrix:
                flags |= N.EXECUTE_DENSITY_MATRIX
            if not keep_state:
                flags |= N.EXECUTE_NO_STATE
            args.flags = flags
            if precision in ("double", "complex128"):
                args.precision = N.PRECISION_DOUBLE
            elif precision in ("single", "complex64"):
                args.precision = N.PRECISION_SINGLE
            else:
                raise N.InvalidArgumentError(f"unknown precision {precision!r} (use 'double' or 'single')")
            if noise is not None:
                args.noise_model = N.text(noise if isinstance(noise, str) else json.dumps(noise), "noise model")
            state = None
            if initial_state is not None:
                state = np.ascontiguousarray(np.asarray(initial_state, dtype=np.complex128).ravel())
                args.initial_state, args.n_initial_state_values = state.ctypes.data, state.size
            N.call("qiboaccel_execute", self._live(), circuit._live(), ctypes.byref(args))
            return Result(args.result)
        finally:
            if own is not None:
                own.close()

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
            initial_state=None, keep_state=True):
    """Runs a circuit — the whole circuit in one call into libqiboaccel — and returns a Result.

    circuit         a qiboaccel.Circuit, or OpenQASM 2.0 text
    backend         a specifier ("cpu", "gpu", "python@numpy", ...) or a Backend
    shots, seed     shots to sample; the same seed gives the same shots on every backend and binding
    precision       "double" (complex128) or "single" (complex64)
    density_matrix  simulate rho (exact noise)
    noise           a noise model: a dict or JSON text (README, "Noise, density matrices, expectation values")
    initial_state   2**n amplitudes (or a 2**n x 2**n density matrix) instead of |0...0>
    keep_state      False: do not copy the final state back (large circuits, shots only)
    """
    b = backend if isinstance(backend, Backend) else get_backend(backend)
    return b.execute(circuit, shots=shots, seed=seed, precision=precision, density_matrix=density_matrix, noise=noise,
                     initial_state=initial_state, keep_state=keep_state)


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
