"""qiboaccel.Result: what one execution produced, read from libqiboaccel into numpy arrays and dicts."""

import ctypes

import numpy as np

from . import _native as N


def _bits(value, n):
    return format(value, f"0{n}b") if n else ""


class _Owner:
    """Owns a native result: it is destroyed when the Result and every array over its state are gone."""

    def __init__(self, handle):
        self.handle = handle

    def __del__(self):
        try:
            if self.handle is not None and N._lib is not None:
                N._lib.qiboaccel_result_destroy(self.handle)
        except Exception:  # interpreter shutdown
            pass


class Result:
    """The result of `qiboaccel.execute`: final state, probabilities, shot counts, expectation values, timings.

    Bitstrings read qubit 0 (or a register's bit 0) first, as the CLI's JSON does; in `state` qubit 0 is the most
    significant bit of the index (qibo's convention).
    """

    def __init__(self, handle):
        self._owner = _Owner(handle)
        info = N.ResultInfo()
        N.call("qiboaccel_result_get_info", handle, ctypes.byref(info))
        self.backend = N.decode(info.backend)
        self.nqubits = info.n_qubits
        self.nclbits = info.n_clbits
        self.shots = info.shots
        self.seed = info.seed
        self.precision = "double" if info.precision == N.PRECISION_DOUBLE else "single"
        self.density_matrix = bool(info.density_matrix)
        self.purity = info.purity if self.density_matrix else None
        self.sampled_qubits = tuple(info.sampled_qubits[i] for i in range(info.n_sampled_qubits))
        self.timings = {
            "simulate_seconds": info.simulate_seconds,
            "sample_seconds": info.sample_seconds,
            "total_seconds": info.total_seconds,
        }
        self._state_size = info.state_size
        self._registers = []
        for i in range(info.n_registers):
            r = N.RegisterInfo()
            N.call("qiboaccel_result_get_register", handle, i, ctypes.byref(r))
            self._registers.append((N.decode(r.name), r.offset, r.size))
        self._state = None

    @property
    def state(self):
        """The final state as a complex128 array of 2**n amplitudes, or the density matrix as a 2**n x 2**n array;
        None when executed with keep_state=False. With mid-circuit measurement, the last shot's. The array is the
        result's own memory (no copy); it stays valid as long as the array lives, even after close()."""
        if self._state is None and self._state_size:
            data, count = ctypes.c_void_p(), ctypes.c_uint64()
            N.call("qiboaccel_result_get_state_view", self._live(), ctypes.byref(data), ctypes.byref(count))
            buffer = (ctypes.c_double * (2 * count.value)).from_address(data.value)
            buffer._owner = self._owner  # the native memory lives while any array over it does
            out = np.ctypeslib.as_array(buffer).view(np.complex128)
            if self.density_matrix:
                dim = 1 << self.nqubits
                out = out.reshape(dim, dim)
            self._state = out
        return self._state

    def state_copy(self, offset=0, count=None):
        """A copy of complex values [offset, offset + count) of the state (or of rho, row-major)."""
        count = self._state_size - offset if count is None else count
        out = np.empty(max(count, 0), dtype=np.complex128)
        N.call("qiboaccel_result_get_state", self._live(), offset, count, out.ctypes.data)
        return out

    def probabilities(self, qubits=None):
        """Marginal probabilities of `qubits` (default: all), the first listed the most significant bit."""
        listed = list(range(self.nqubits)) if qubits is None else [int(q) for q in qubits]
        if any(q < 0 for q in listed):
            raise N.InvalidArgumentError(f"probabilities: qubits must be >= 0, got {listed}")
        out = np.empty(1 << len(listed), dtype=np.float64)
        arr = np.array(listed, dtype=np.uint32)
        N.call("qiboaccel_result_get_probabilities", self._live(), arr.ctypes.data if listed else None, len(listed),
               out.ctypes.data)
        return out

    def _counts(self, register_index):
        args = N.FrequenciesArgs(register_index=register_index)
        N.call("qiboaccel_result_get_frequencies", self._live(), ctypes.byref(args))
        n = args.n_outcomes
        outcomes = np.empty(max(n, 1), dtype=np.uint64)
        counts = np.empty(max(n, 1), dtype=np.uint64)
        args.capacity, args.outcomes, args.counts = n, outcomes.ctypes.data, counts.ctypes.data
        N.call("qiboaccel_result_get_frequencies", self._live(), ctypes.byref(args))
        return outcomes[:n], counts[:n], args.n_bits

    def frequencies(self, binary=True):
        """Shot counts of the sampled qubits (`sampled_qubits`): {bitstring: count}, or {int: count} with
        binary=False (the first sampled qubit the most significant bit)."""
        outcomes, counts, bits = self._counts(-1)
        if binary:
            return {_bits(int(o), bits): int(c) for o, c in zip(outcomes, counts)}
        return {int(o): int(c) for o, c in zip(outcomes, counts)}

    @property
    def registers(self):
        """Shot counts per classical register: {name: {bitstring (bit 0 first): count}}."""
        out = {}
        for i, (name, _, _) in enumerate(self._registers):
            outcomes, counts, bits = self._counts(i)
            out[name] = {_bits(int(o), bits): int(c) for o, c in zip(outcomes, counts)}
        return out

    @property
    def register_layout(self):
        """The classical registers: list of (name, offset, size)."""
        return list(self._registers)

    def expectation(self, observable):
        """The exact expectation value of a real sum of Pauli strings, e.g. "0.5*Z0*Z1 - 1.2*X2 + 3"."""
        value = ctypes.c_double()
        N.call("qiboaccel_result_expectation", self._live(), N.text(observable, "observable"), ctypes.byref(value))
        return value.value

    def __repr__(self):
        kind = "density matrix" if self.density_matrix else "state vector"
        return f"<qiboaccel.Result {self.backend}: {self.nqubits} qubits ({kind}), {self.shots} shots, seed {self.seed}>"

    def _live(self):
        if self._owner is None:
            raise N.InvalidArgumentError("the result is closed")
        return self._owner.handle

    def close(self):
        """Lets go of the native result (it is freed once no array returned by `state` still uses its memory)."""
        self._owner = None
