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
- Expectation values of state vectors (hamiltonian.expectation(state)) for SymbolicHamiltonians are computed by the
  QiboAccel backend on its own memory (qiboaccel.expectation, the C API's qiboaccel_state_expectation) when they are
  real sums of Pauli strings: terms of qibo.symbols X, Y, Z, I with real coefficients go as they are; terms given as
  Hermitian matrices on up to 4 qubits (qibo's TFIM, XXZ, MaxCut, X, Y, Z models with dense=False, custom symbols)
  are decomposed into Pauli strings first. Dense Hamiltonians (a 2^n x 2^n matrix; decomposing it would cost 4^n
  traces), non-Hermitian terms, products of two symbols on one qubit that do not commute and density matrices take NumpyBackend's
  computation, which gives the same number; `last_expectation_fallback` says why.
"""

import collections

import numpy as np
from qibo import gates, symbols
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

_PAULIS = {symbols.X: "X", symbols.Y: "Y", symbols.Z: "Z"}


def _real(value, what):
    """A real coefficient as a float; raises Unsupported for a complex or symbolic one."""
    try:
        c = complex(value)
    except (TypeError, ValueError):
        raise Unsupported(f"{what} {value} is not a number") from None
    if c.imag != 0:
        raise Unsupported(f"{what} {value} is complex")
    if not np.isfinite(c.real):
        raise Unsupported(f"{what} {value} is not finite")
    return c.real


_PAULI_MATRICES = (("", np.eye(2, dtype=complex)), ("X", np.array([[0, 1], [1, 0]], dtype=complex)),
                   ("Y", np.array([[0, -1j], [1j, 0]], dtype=complex)), ("Z", np.array([[1, 0], [0, -1]], dtype=complex)))

# Terms given as matrices (qibo's HamiltonianTerm: TFIM, XXZ, MaxCut... with dense=False) are decomposed into the
# 4^k Pauli strings of their k qubits up to this k: 256 strings of 16x16 matrices at most.
_MAX_DECOMPOSED_QUBITS = 4


def _symbolic_paulis(term):
    """[(coefficient, {qubit: letter})] for a SymbolicTerm of qibo's Pauli symbols; None for other terms (their
    matrices are decomposed). Raises Unsupported for two symbols on one qubit: qibo's numpy path applies such factors
    in the opposite order to its term matrix (X0*Y0 gives Y·X there, X·Y in `matrix`), and this backend must give
    the numbers NumpyBackend gives. Factors that commute (Z0*Z0 in qibo's MaxCut) are fine: their matrix is decomposed."""
    from qibo.hamiltonians.terms import SymbolicTerm

    if not isinstance(term, SymbolicTerm):
        return None
    on = collections.defaultdict(list)
    for f in term.factors:
        if type(f) is not symbols.I:
            on[f.target_qubit].append(f)
    single = True
    for q, fs in on.items():
        for i, a in enumerate(fs):
            for b in fs[i + 1:]:
                ma, mb = np.asarray(a.matrix), np.asarray(b.matrix)
                if not np.allclose(ma @ mb, mb @ ma, rtol=0, atol=1e-14):
                    raise Unsupported(f"a product of two symbols on qubit {q} that do not commute ({a}*{b})")
        single = single and len(fs) == 1 and type(fs[0]) in _PAULIS
    if not single:
        return None
    return [(_real(term.coefficient, "coefficient"), {q: _PAULIS[type(fs[0])] for q, fs in on.items()})]


def _decomposed_paulis(term):
    """[(coefficient, {qubit: letter})]: the term's matrix M on its k target qubits as Σ c_P·P with c_P = Tr(P·M)/2^k,
    real for a Hermitian M. Raises Unsupported for a matrix that is not Hermitian or too large."""
    qubits = [int(q) for q in term.target_qubits]
    k = len(qubits)
    if k > _MAX_DECOMPOSED_QUBITS:
        raise Unsupported(f"a term on {k} qubits given as a matrix (decomposed into Pauli strings up to "
                          f"{_MAX_DECOMPOSED_QUBITS})")
    m = np.asarray(_MATRIX_BACKEND.to_numpy(term.matrix), dtype=complex)
    if m.shape != (2**k, 2**k):
        raise Unsupported(f"a term matrix of shape {m.shape} on {k} qubits")
    scale = max(float(np.max(np.abs(m))), 1e-300) if m.size else 0.0
    if not np.allclose(m, m.conj().T, rtol=0, atol=1e-13 * scale):
        raise Unsupported(f"a term on qubits {qubits} whose matrix is not Hermitian")
    out = []
    for letters in np.ndindex(*(4,) * k):
        p = np.eye(1, dtype=complex)
        for i in letters:
            p = np.kron(p, _PAULI_MATRICES[i][1])
        c = np.trace(p @ m).real / 2**k
        if abs(c) > 1e-15 * scale:
            out.append((float(c), {q: _PAULI_MATRICES[i][0] for q, i in zip(qubits, letters) if i}))
    return out


def _pauli_text(hamiltonian, nqubits):
    """A SymbolicHamiltonian as the observable text of the C API ("0.5*Z0*Z1 - 1.25*X2 + 3"): terms of qibo's Pauli
    symbols as they are, terms given as (Hermitian) matrices decomposed into Pauli strings. Raises Unsupported for what
    is not a real sum of Pauli strings."""
    from qibo.hamiltonians import SymbolicHamiltonian

    if not isinstance(hamiltonian, SymbolicHamiltonian):
        raise Unsupported(f"a {type(hamiltonian).__name__} (a dense matrix, not Pauli strings)")
    if hamiltonian.nqubits != nqubits:
        raise Unsupported(f"a Hamiltonian on {hamiltonian.nqubits} qubits and a state of {nqubits}")  # qibo's error
    parts = []
    for term in hamiltonian.terms:
        paulis = _symbolic_paulis(term)
        parts.extend(paulis if paulis is not None else _decomposed_paulis(term))
    parts.append((_real(hamiltonian.constant, "constant"), {}))
    text = []
    for coefficient, factors in parts:
        if coefficient == 0 and text:
            continue
        body = repr(abs(coefficient)) + "".join(f"*{factors[q]}{q}" for q in sorted(factors))
        sign = "-" if coefficient < 0 else "+"
        text.append((f"-{body}" if sign == "-" else body) if not text else f" {sign} {body}")
    return "".join(text)


class QiboAccelBackend(NumpyBackend):
    """qibo's NumpyBackend, with execution, seeding, threads and sampling done by QiboAccel's backend `platform`."""

    def __init__(self, platform="cpu"):
        super().__init__()
        self.name = "qiboaccel"
        self._load(platform)
        self.versions["qiboaccel"] = __version__
        self._rng = np.random.default_rng()
        self.last_fallback = None  # why the last circuit took NumpyBackend's path, or None
        self.last_expectation_fallback = None  # why the last expectation value took NumpyBackend's path, or None

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

    # ------------------------------------------------------------------ expectation values

    def calculate_expectation_state(self, hamiltonian, state, normalize):
        """<state|H|state> on the QiboAccel backend for real sums of Pauli strings; NumpyBackend's otherwise."""
        psi = self.to_numpy(state)
        text = reason = None
        try:
            if psi.ndim != 1 or psi.size < 2 or psi.size & (psi.size - 1):
                raise Unsupported(f"a state of shape {psi.shape}")
            text = _pauli_text(hamiltonian, psi.size.bit_length() - 1)
        except Unsupported as e:
            reason = str(e)
        self.last_expectation_fallback = reason
        if reason is not None:  # outside the except block: qibo's own errors come without our exception chained
            return NumpyBackend.calculate_expectation_state(self, hamiltonian, state, normalize)
        value = self._backend.expectation(psi, text, precision=self.precision)
        if normalize:
            value /= float(np.sum(np.abs(psi) ** 2))
        return value

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
