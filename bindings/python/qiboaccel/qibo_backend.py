"""A qibo backend that runs qibo circuits on QiboAccel: qibo.set_backend("qiboaccel", platform="cpu").

qibo finds it by importing the package named like the backend ("qiboaccel") and calling its MetaBackend.load(...)
(see qiboaccel.MetaBackend). The backend is qibo's NumpyBackend with circuit execution, seeding, threads, sampling
and frequencies done by libqiboaccel:

- execute_circuit turns the whole qibo circuit into one gate batch and runs it in one C call (no per-gate Python
  round trips); qibo then builds its usual results (CircuitResult / QuantumState) from the final state, so
  result.state(), probabilities(), frequencies(), samples() and Hamiltonian expectation values work as with numpy.
- Gates the core has natively (H ... U3, the controlled forms, SWAP, iSWAP, FSWAP, fSim, GeneralizedfSim, RXX, RYY,
  RZZ, TOFFOLI, CCZ, Unitary, with any controlled_by) go as themselves; any other qibo gate with a matrix (ECR,
  SiSWAP, RZX, GPI2, fused gates, ...) goes as a Unitary of qibo's own matrix, so it is exact.
- Circuits the core cannot run as qibo defines them — noise channels, collapsing (mid-circuit) measurements,
  callbacks, distributed circuits — run on NumpyBackend's code path instead, with a printed warning: slower,
  never silently different.
- Shots come from qiboaccel.sample (the rule every QiboAccel backend follows, the host's seeded random numbers), so
  set_seed makes them reproducible.
"""

import collections

import numpy as np
from qibo import gates
from qibo.backends.numpy import NumpyBackend
from qibo.config import log, raise_error
from qibo.result import CircuitResult, QuantumState

from . import _native as N
from . import __version__
from .backend import Backend, sample
from .circuit import Circuit, gate_info

# qibo gate class -> (QiboAccel gate applied to the gate's target qubits; the gate's control qubits, built-in ones
# included, become controls). qibo defines every controlled gate as its base gate controlled on |1>.
_NATIVE = {
    "H": "H", "X": "X", "Y": "Y", "Z": "Z", "S": "S", "SDG": "SDG", "T": "T", "TDG": "TDG", "SX": "SX",
    "SXDG": "SXDG", "RX": "RX", "RY": "RY", "RZ": "RZ", "U1": "U1", "U2": "U2", "U3": "U3",
    "CNOT": "X", "CY": "Y", "CZ": "Z", "CSX": "SX", "CSXDG": "SXDG", "CRX": "RX", "CRY": "RY", "CRZ": "RZ",
    "CU1": "U1", "CU2": "U2", "CU3": "U3", "TOFFOLI": "X", "CCZ": "Z",
    "SWAP": "SWAP", "iSWAP": "iSWAP", "FSWAP": "FSWAP", "fSim": "fSim", "RXX": "RXX", "RYY": "RYY", "RZZ": "RZZ",
}

# Gates that change nothing (qibo's I on any number of qubits, Align's idle time).
_IDENTITY = ("I", "Align")


class Unsupported(Exception):
    """Why a circuit takes NumpyBackend's path."""


def _translate(circuit, nqubits):
    """qibo circuit -> one qiboaccel.Circuit built with a single add_gates call. Raises Unsupported."""
    records, qubits, params, matrices = [], [], [], []
    n_matrix = 0

    def emit(name, targets, controls, parameters=(), matrix=None):
        nonlocal n_matrix
        moffset, mcount = -1, 0
        if matrix is not None:
            m = np.ascontiguousarray(np.asarray(matrix, dtype=np.complex128).ravel())
            moffset, mcount = n_matrix, m.size
            matrices.append(m)
            n_matrix += m.size
        records.append((gate_info(name)["gate"], len(targets), len(controls), len(qubits), len(parameters), len(params),
                        moffset, mcount, 0, 0))
        qubits.extend(targets)
        qubits.extend(controls)
        params.extend(float(p) for p in parameters)

    for gate in circuit.queue:
        kind = type(gate).__name__
        if isinstance(gate, gates.M):
            if gate.collapse:
                raise Unsupported("collapsing (mid-circuit) measurements")
            continue
        if isinstance(gate, gates.Channel):
            raise Unsupported(f"noise channel {kind}")
        if kind in _IDENTITY:
            continue
        if gate.symbolic_parameters:
            gate.substitute_symbols()
        targets = list(gate.target_qubits)
        controls = list(gate.control_qubits)
        if kind in _NATIVE:
            emit(_NATIVE[kind], targets, controls, gate.parameters)
        elif kind == "GeneralizedfSim":
            unitary, phi = gate.parameters
            emit("GeneralizedfSim", targets, controls, (phi,), unitary)
        elif kind == "Unitary":
            emit("Unitary", targets, controls, (), gate.parameters[0])
        else:
            # Any other gate with a matrix, as qibo defines it: on the targets when controls came from controlled_by,
            # else on all of the gate's qubits (built-in controls first, as qibo's matrix orders them).
            try:
                matrix = gate.matrix(_MATRIX_BACKEND)
            except (NotImplementedError, AttributeError, TypeError, ValueError) as e:
                raise Unsupported(f"gate {kind} ({e})") from None
            if gate.is_controlled_by:
                emit("Unitary", targets, controls, (), matrix)
            else:
                emit("Unitary", list(gate.qubits), [], (), matrix)

    accel = Circuit(nqubits)
    if records:
        accel._add_records(np.array(records, dtype=N.GATE_RECORD_FIELDS), np.array(qubits, dtype=np.uint32),
                           np.array(params, dtype=np.float64),
                           np.concatenate(matrices) if matrices else np.zeros(0, dtype=np.complex128))
    return accel


_MATRIX_BACKEND = NumpyBackend()


class QiboAccelBackend(NumpyBackend):
    """qibo's NumpyBackend, with execution, seeding, threads and sampling done by QiboAccel's backend `platform`."""

    def __init__(self, platform="cpu"):
        super().__init__()
        self.name = "qiboaccel"
        self._load(platform)
        self.versions["qiboaccel"] = __version__
        self._rng = np.random.default_rng()
        self.last_fallback = None  # why the last circuit took NumpyBackend's path, or None

    def _load(self, platform):
        self._backend = Backend(platform)
        self.platform = platform
        info = self._backend.info
        device = info["device"]
        # cpu reports "N threads, ..." first; other devices count as one thread here.
        head = device.split(" ", 1)[0]
        self.nthreads = int(head) if device.split(" ")[1:2] == ["threads,"] and head.isdigit() else 1
        self.device = "/GPU:0" if info["name"] == "gpu" else "/CPU:0"

    def __str__(self):
        return f"qiboaccel ({self.platform})"

    # ------------------------------------------------------------------ configuration

    def set_device(self, device):
        """qibo's device names do not choose QiboAccel devices (pass the device in the platform: "gpu:opencl:0")."""
        self.device = device

    def set_threads(self, nthreads):
        """On the cpu backend, reloads it with that many threads; other backends have no thread count to set."""
        if isinstance(nthreads, bool) or not isinstance(nthreads, int) or nthreads < 1:
            raise_error(ValueError, f"Number of threads must be a positive integer, got {nthreads!r}.")
        if self._backend.info["name"] == "cpu":
            base = self.platform.split(":", 1)
            options = [o for o in (base[1].split(",") if len(base) > 1 else []) if not o.startswith("threads=")]
            self._load(base[0] + ":" + ",".join(options + [f"threads={nthreads}"]))
        self.nthreads = nthreads

    def set_seed(self, seed):
        """Seeds QiboAccel's sampling (and numpy's global generator, which qibo uses elsewhere)."""
        np.random.seed(seed)
        self._rng = np.random.default_rng(seed)

    # ------------------------------------------------------------------ sampling

    def _next_seed(self):
        return int(self._rng.integers(0, 2**63))

    def sample_shots(self, probabilities, nshots):
        p = np.abs(self.to_numpy(probabilities)).astype(np.float64)
        return sample(p, int(nshots), self._next_seed())

    def sample_frequencies(self, probabilities, nshots):
        p = np.abs(self.to_numpy(probabilities)).astype(np.float64)
        counts = sample(p, int(nshots), self._next_seed(), counts=True)
        return collections.Counter({int(i): int(c) for i, c in enumerate(counts) if c > 0})

    def update_frequencies(self, frequencies, probabilities, nsamples):
        counts = sample(np.abs(self.to_numpy(probabilities)).astype(np.float64), int(nsamples), self._next_seed(),
                        counts=True)
        frequencies += counts.astype(frequencies.dtype)
        return frequencies

    # ------------------------------------------------------------------ execution

    def execute_circuit(self, circuit, initial_state=None, nshots=1000):
        if isinstance(initial_state, type(circuit)):
            return NumpyBackend.execute_circuit(self, circuit, initial_state, nshots)  # concatenates, then comes back
        reason = None
        if circuit.accelerators:
            reason = "distributed circuits (accelerators)"
        elif circuit.repeated_execution:
            reason = "repeated execution (noise channels sampled per shot, or collapsing measurements)"
        accel = None
        if reason is None:
            try:
                accel = _translate(circuit, circuit.nqubits)
            except Unsupported as e:
                reason = str(e)
        if reason is not None:
            self.last_fallback = reason
            log.warning(f"qiboaccel: running this circuit with qibo's numpy backend instead: {reason} "
                        "is not supported by QiboAccel's execution.")
            return NumpyBackend.execute_circuit(self, circuit, initial_state, nshots)
        self.last_fallback = None
        try:
            nqubits = circuit.nqubits
            state = None
            if initial_state is not None:
                state = np.asarray(self.to_numpy(initial_state), dtype=np.complex128)
                valid = (2**nqubits, 2**nqubits) if circuit.density_matrix else (2**nqubits,)
                if tuple(state.shape) != valid:
                    raise_error(ValueError, f"Given initial state has shape {state.shape} instead of the expected {valid}.")
            result = self._backend.execute(accel, precision=self.precision, density_matrix=circuit.density_matrix,
                                           initial_state=state)
            final = self.cast(result.state, dtype=self.dtype)
            result.close()
        except N.OutOfMemoryError as e:
            raise_error(RuntimeError, f"State does not fit in {self.device} memory: {e}")
        finally:
            accel.close()
        for m in circuit.measurements:
            m.result.backend = self
        if circuit.measurements:
            circuit._final_state = CircuitResult(final, circuit.measurements, backend=self, nshots=nshots)
        else:
            circuit._final_state = QuantumState(final, backend=self)
        return circuit._final_state
