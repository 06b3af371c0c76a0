"""qibo with set_backend("qiboaccel") against qibo's own numpy backend and analytic references: random circuits over
every gate qibo and the core share (with controls), measurements with nshots, frequencies(), SymbolicHamiltonian
expectations (computed by the backend through qiboaccel_state_expectation, against qibo's numpy backend and dense
matrices), qibo's QFT model, density matrices, and the fallback for what the core does not run.

Needs qibo 0.2.16's source tree ($QIBOACCEL_QIBO_SRC, default ../shared/qibo-0.2.16) and Debian's python3-scipy,
-sympy, -networkx, -tabulate, -joblib; the xunit driver skips these tests with the reason when the source is absent.
"""

import logging
import math
import unittest
from unittest import mock

import numpy as np

import qibo_shim

qibo_shim.install()

import qibo  # noqa: E402
from qibo import Circuit, gates, hamiltonians  # noqa: E402
from qibo.backends import construct_backend  # noqa: E402
from qibo.models import QFT  # noqa: E402
from qibo.symbols import I, Symbol, X, Y, Z  # noqa: E402

import qiboaccel  # noqa: E402
from qiboaccel import _native  # noqa: E402

PLATFORMS = ("cpu", "gpu", "python@numpy")


def random_unitary(k, rng):
    a = rng.normal(size=(2**k, 2**k)) + 1j * rng.normal(size=(2**k, 2**k))
    q, r = np.linalg.qr(a)
    return q * (np.diag(r) / np.abs(np.diag(r)))


def angle(rng):
    return float(rng.uniform(-2 * math.pi, 2 * math.pi))


# Every gate qibo and the core share, by how it is built: (class, number of qubits, parameter maker).
SHARED = [
    (gates.H, 1, None), (gates.X, 1, None), (gates.Y, 1, None), (gates.Z, 1, None), (gates.S, 1, None),
    (gates.SDG, 1, None), (gates.T, 1, None), (gates.TDG, 1, None), (gates.SX, 1, None), (gates.SXDG, 1, None),
    (gates.I, 1, None), (gates.RX, 1, 1), (gates.RY, 1, 1), (gates.RZ, 1, 1), (gates.U1, 1, 1), (gates.U2, 1, 2),
    (gates.U3, 1, 3), (gates.CNOT, 2, None), (gates.CY, 2, None), (gates.CZ, 2, None), (gates.CSX, 2, None),
    (gates.CSXDG, 2, None), (gates.CRX, 2, 1), (gates.CRY, 2, 1), (gates.CRZ, 2, 1), (gates.CU1, 2, 1),
    (gates.CU2, 2, 2), (gates.CU3, 2, 3), (gates.SWAP, 2, None), (gates.iSWAP, 2, None), (gates.FSWAP, 2, None),
    (gates.fSim, 2, 2), (gates.RXX, 2, 1), (gates.RYY, 2, 1), (gates.RZZ, 2, 1), (gates.TOFFOLI, 3, None),
    (gates.CCZ, 3, None),
]
# qibo gates the core has no name for: they go as a Unitary of qibo's own matrix.
MATRIX_ONLY = [(gates.ECR, 2, None), (gates.SiSWAP, 2, None), (gates.RZX, 2, 1), (gates.GPI2, 1, 1),
               (gates.RXXYY, 2, 1), (gates.SYC, 2, None), (gates.U1q, 1, 2)]
# Single-target gates whose qibo class accepts controlled_by (X, Y, Z turn into CNOT/CY/CZ/TOFFOLI with few controls).
CONTROLLABLE = {gates.H, gates.X, gates.Y, gates.Z, gates.S, gates.T, gates.SX, gates.RX, gates.RY, gates.RZ,
                gates.U1, gates.U2, gates.U3, gates.SWAP, gates.fSim, gates.RXX, gates.RZZ}


def random_circuit(nqubits, depth, rng, measure=True, density_matrix=False):
    c = Circuit(nqubits, density_matrix=density_matrix)
    for q in range(nqubits):
        c.add(gates.U3(q, angle(rng), angle(rng), angle(rng)))
    pool = SHARED + MATRIX_ONLY + ["Unitary", "GeneralizedfSim"]
    order = list(range(len(pool))) + list(rng.integers(0, len(pool), size=max(0, depth - len(pool))))
    for i in order:
        entry = pool[i]
        qs = [int(q) for q in rng.permutation(nqubits)]
        if entry == "Unitary":
            k = int(rng.integers(1, 3))
            g = gates.Unitary(random_unitary(k, rng), *qs[:k])
            used = k
        elif entry == "GeneralizedfSim":
            g = gates.GeneralizedfSim(qs[0], qs[1], random_unitary(1, rng), angle(rng))
            used = 2
        else:
            cls, width, nparams = entry
            args = qs[:width] + ([angle(rng) for _ in range(nparams)] if nparams else [])
            g = cls(*args)
            used = width
            if cls in CONTROLLABLE and nqubits - used >= 1 and rng.random() < 0.5:
                extra = int(rng.integers(1, min(2, nqubits - used) + 1))
                g = g.controlled_by(*qs[used:used + extra])
        c.add(g)
    if measure:
        c.add(gates.M(*range(nqubits)))
    return c


def numpy_backend():
    return construct_backend("numpy")


def random_state(n, rng, normalised=True):
    psi = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    return psi / np.linalg.norm(psi) if normalised else psi


class CallSpy:
    """Records the C functions the package calls (qiboaccel._native.call) inside a with block."""

    def __enter__(self):
        self._patch = mock.patch.object(_native, "call", wraps=_native.call)
        self._spy = self._patch.start()
        return self

    def __exit__(self, *exc):
        self._patch.stop()

    @property
    def names(self):
        return [c.args[0] for c in self._spy.call_args_list]


class QiboBackend(unittest.TestCase):
    def setUp(self):
        qibo.set_backend("qiboaccel", platform="cpu")
        self.backend = qibo.get_backend()

    def tearDown(self):
        qibo.set_backend("numpy")

    def test_set_backend_finds_qiboaccel(self):
        self.assertEqual(self.backend.name, "qiboaccel")
        self.assertEqual(self.backend.platform, "cpu")
        self.assertIn("qiboaccel", self.backend.versions)
        available = qibo.list_available_backends("qiboaccel")["qiboaccel"]
        self.assertTrue(available["cpu"])

    def test_random_circuits_match_the_numpy_backend_on_every_platform(self):
        for platform in PLATFORMS:
            qibo.set_backend("qiboaccel", platform=platform)
            for seed in range(3 if platform == "cpu" else 1):
                rng = np.random.default_rng(100 + seed)
                n = 4 + seed
                c = random_circuit(n, 60, rng, measure=False)
                got = c().state()
                self.assertIsNone(qibo.get_backend().last_fallback)
                expected = numpy_backend().execute_circuit(c).state()
                self.assertLess(np.max(np.abs(got - expected)), 1e-12, f"{platform}, seed {seed}")

    def test_measurements_shots_and_frequencies(self):
        rng = np.random.default_rng(7)
        c = random_circuit(4, 45, rng)
        result = c(nshots=4000)
        expected = numpy_backend().execute_circuit(c, nshots=4000)
        np.testing.assert_allclose(result.state(), expected.state(), atol=1e-12)
        np.testing.assert_allclose(result.probabilities(), expected.probabilities(), atol=1e-12)
        freq = result.frequencies()
        self.assertEqual(sum(freq.values()), 4000)
        p = expected.probabilities()
        for i in range(16):
            count = freq.get(format(i, "04b"), 0)
            sigma = math.sqrt(4000 * p[i] * (1 - p[i])) + 1e-9
            self.assertLess(abs(count - 4000 * p[i]), 5 * sigma + 1, f"outcome {i}: {count} vs {4000 * p[i]:.1f}")
        self.assertEqual(result.samples().shape, (4000, 4))

    def test_deterministic_outcomes_registers_and_samples(self):
        c = Circuit(3)
        c.add(gates.X(0))
        c.add(gates.X(2))
        c.add(gates.M(0, 1, register_name="a"))
        c.add(gates.M(2, register_name="b"))
        r = c(nshots=100)
        self.assertEqual(r.frequencies(), {"101": 100})
        self.assertEqual(r.frequencies(registers=True), {"a": {"10": 100}, "b": {"1": 100}})
        np.testing.assert_array_equal(r.samples(), np.tile([1, 0, 1], (100, 1)))

    def test_set_seed_repeats_the_shots(self):
        c = Circuit(3)
        for q in range(3):
            c.add(gates.H(q))
        c.add(gates.M(0, 1, 2))
        self.backend.set_seed(1234)
        a = c(nshots=500).frequencies()
        self.backend.set_seed(1234)
        b = c(nshots=500).frequencies()
        self.backend.set_seed(4321)
        other = c(nshots=500).frequencies()
        self.assertEqual(a, b)
        self.assertNotEqual(a, other)

    def test_symbolic_hamiltonian_expectation(self):
        rng = np.random.default_rng(11)
        c = random_circuit(4, 30, rng, measure=False)
        h = hamiltonians.SymbolicHamiltonian(0.5 * Z(0) * Z(1) - 1.25 * X(2) * Y(3) + 0.3 * X(0) + 2)
        got = h.expectation(c().state())
        numpy_h = hamiltonians.SymbolicHamiltonian(0.5 * Z(0) * Z(1) - 1.25 * X(2) * Y(3) + 0.3 * X(0) + 2,
                                                   backend=numpy_backend())
        expected = numpy_h.expectation(numpy_backend().execute_circuit(c).state())
        self.assertAlmostEqual(float(got), float(expected), places=10)
        # The same value from the C API's Pauli-sum evaluation on the same state.
        accel = qiboaccel.Circuit(4)
        r = qiboaccel.execute(accel, initial_state=c().state())
        self.assertAlmostEqual(r.expectation("0.5*Z0*Z1 - 1.25*X2*Y3 + 0.3*X0 + 2"), float(expected), places=10)

    def test_hamiltonian_expectation_runs_on_the_backend(self):
        """Real Pauli sums go through qiboaccel_state_expectation on every platform and equal qibo's numpy backend; the
        same Hamiltonian's dense form takes NumpyBackend's computation on this backend and gives the same number."""
        form = lambda: 0.5 * Z(0) * Z(1) - 1.25 * X(2) * Y(3) + 0.3 * X(0) + 2 + I(1) * Z(3) - 0.75 * Y(1) * Y(0)  # noqa: E731
        for i, platform in enumerate(PLATFORMS):
            qibo.set_backend("qiboaccel", platform=platform)
            backend = qibo.get_backend()
            rng = np.random.default_rng(60 + i)
            psi = random_state(4, rng)
            h = hamiltonians.SymbolicHamiltonian(form())
            with CallSpy() as spy:
                got = h.expectation(psi)
            self.assertIn("qiboaccel_state_expectation", spy.names, platform)
            self.assertIsNone(backend.last_expectation_fallback)
            expected = hamiltonians.SymbolicHamiltonian(form(), backend=numpy_backend()).expectation(psi)
            self.assertAlmostEqual(float(got), float(expected), places=12, msg=platform)
            with CallSpy() as spy:
                dense = h.dense.expectation(psi)
            self.assertNotIn("qiboaccel_state_expectation", spy.names)
            self.assertIn("dense matrix", backend.last_expectation_fallback)
            self.assertAlmostEqual(float(dense), float(got), places=12, msg=platform)
            # normalize=True divides by <psi|psi>, as qibo does.
            raw = random_state(4, rng, normalised=False)
            self.assertAlmostEqual(float(h.expectation(raw, normalize=True)),
                                   float(hamiltonians.SymbolicHamiltonian(form(), backend=numpy_backend()).expectation(raw, normalize=True)),
                                   places=12)
            self.assertIsNone(backend.last_expectation_fallback)

    def test_model_hamiltonians_from_matrices_are_decomposed_into_pauli_strings(self):
        """qibo's models with dense=False hold their terms as matrices; each is decomposed into Pauli strings and the
        sum evaluated by the backend, equal to qibo's numpy backend."""
        models = [
            ("TFIM", lambda b: hamiltonians.TFIM(5, h=0.7, dense=False, backend=b)),
            ("XXZ", lambda b: hamiltonians.XXZ(5, delta=0.3, dense=False, backend=b)),
            ("MaxCut", lambda b: hamiltonians.MaxCut(5, dense=False, backend=b)),
            ("Y", lambda b: hamiltonians.Y(5, dense=False, backend=b)),
            ("custom symbol", lambda b: hamiltonians.SymbolicHamiltonian(
                Symbol(0, np.array([[1, 2 - 1j], [2 + 1j, -1]])) * Z(1) + 0.5 * X(4), backend=b)),
        ]
        rng = np.random.default_rng(70)
        psi = random_state(5, rng)
        for name, make in models:
            with CallSpy() as spy:
                got = make(self.backend).expectation(psi)
            self.assertIn("qiboaccel_state_expectation", spy.names, name)
            self.assertIsNone(self.backend.last_expectation_fallback, name)
            expected = make(numpy_backend()).expectation(psi)
            self.assertAlmostEqual(float(got), float(expected), places=11, msg=name)

    def test_other_hamiltonians_fall_back_to_numpy(self):
        """What is not a real sum of Pauli strings takes NumpyBackend's computation: the same numbers as qibo's numpy."""
        rng = np.random.default_rng(80)
        psi = random_state(3, rng)
        rho = np.outer(psi, psi.conj())
        cases = [
            ("non-commuting product", lambda b: hamiltonians.SymbolicHamiltonian(1j * X(0) * Y(0) + Z(2), backend=b), psi,
             "do not commute"),
            ("non-Hermitian term", lambda b: hamiltonians.SymbolicHamiltonian(
                Symbol(1, np.array([[0, 1], [0, 0]])) * X(0) + Z(2), backend=b), psi, "not Hermitian"),
            ("dense", lambda b: hamiltonians.TFIM(3, h=0.5, dense=True, backend=b), psi, "dense matrix"),
        ]
        for name, make, state, reason in cases:
            with CallSpy() as spy:
                got = make(self.backend).expectation(state)
            self.assertNotIn("qiboaccel_state_expectation", spy.names, name)
            self.assertIn(reason, self.backend.last_expectation_fallback, name)
            self.assertAlmostEqual(complex(got), complex(make(numpy_backend()).expectation(state)), places=12, msg=name)
        # Density matrices are qibo's calculate_expectation_density_matrix: NumpyBackend's, unchanged.
        h = hamiltonians.SymbolicHamiltonian(0.5 * Z(0) * X(1) - Y(2))
        with CallSpy() as spy:
            got = h.expectation(rho)
        self.assertNotIn("qiboaccel_state_expectation", spy.names)
        expected = hamiltonians.SymbolicHamiltonian(0.5 * Z(0) * X(1) - Y(2), backend=numpy_backend()).expectation(rho)
        self.assertAlmostEqual(float(got), float(expected), places=12)

    def test_qft_model(self):
        for platform in ("cpu", "gpu"):
            qibo.set_backend("qiboaccel", platform=platform)
            rng = np.random.default_rng(5)
            n = 8
            psi = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
            psi /= np.linalg.norm(psi)
            got = QFT(n)(psi.copy()).state()
            # QFT|x> = 2^(-n/2) sum_k e^(2 pi i x k / 2^n) |k>: sqrt(N) times numpy's inverse FFT.
            np.testing.assert_allclose(got, np.fft.ifft(psi) * math.sqrt(2**n), atol=1e-12)
            np.testing.assert_allclose(got, numpy_backend().execute_circuit(QFT(n), psi.copy()).state(), atol=1e-12)

    def test_density_matrix_circuits(self):
        rng = np.random.default_rng(17)
        c = random_circuit(3, 40, rng, measure=False, density_matrix=True)
        got = c().state()
        self.assertEqual(got.shape, (8, 8))
        self.assertIsNone(self.backend.last_fallback)
        np.testing.assert_allclose(got, numpy_backend().execute_circuit(c).state(), atol=1e-12)

    def test_initial_state_and_single_precision(self):
        rng = np.random.default_rng(3)
        c = random_circuit(3, 20, rng, measure=False)
        psi = rng.normal(size=8) + 1j * rng.normal(size=8)
        psi /= np.linalg.norm(psi)
        expected = numpy_backend().execute_circuit(c, psi.copy()).state()
        np.testing.assert_allclose(c(psi.copy()).state(), expected, atol=1e-12)
        qibo.set_precision("single")
        try:
            got = c(psi.copy()).state()
            self.assertEqual(got.dtype, np.complex64)
            np.testing.assert_allclose(got, expected, atol=2e-6)
        finally:
            qibo.set_precision("double")

    def test_set_threads(self):
        self.backend.set_threads(1)
        self.assertEqual(self.backend.nthreads, 1)
        self.assertIn("threads=1", self.backend.platform)
        c = Circuit(2)
        c.add(gates.H(0))
        c.add(gates.CNOT(0, 1))
        np.testing.assert_allclose(c().state(), [2**-0.5, 0, 0, 2**-0.5], atol=1e-15)
        with self.assertRaises(ValueError):
            self.backend.set_threads(0)

    def test_channels_fall_back_to_numpy_with_a_warning(self):
        c = Circuit(2, density_matrix=True)
        c.add(gates.H(0))
        c.add(gates.DepolarizingChannel((0,), 0.3))
        c.add(gates.CNOT(0, 1))
        with self.assertLogs("qibo.config", level=logging.WARNING) as logs:
            got = c().state()
        self.assertTrue(any("noise channel DepolarizingChannel" in line for line in logs.output), logs.output)
        self.assertIn("DepolarizingChannel", self.backend.last_fallback)
        np.testing.assert_allclose(got, numpy_backend().execute_circuit(c).state(), atol=1e-12)

    def test_collapsing_measurements_fall_back_with_a_warning(self):
        c = Circuit(2)
        c.add(gates.H(0))
        c.add(gates.M(0, collapse=True))
        c.add(gates.CNOT(0, 1))
        c.add(gates.M(0, 1))
        with self.assertLogs("qibo.config", level=logging.WARNING):
            freq = c(nshots=200).frequencies()
        self.assertIn("repeated execution", self.backend.last_fallback)
        self.assertEqual(sum(freq.values()), 200)
        self.assertTrue(set(freq) <= {"00", "11"}, freq)

    def test_bad_platform_is_a_clear_error(self):
        with self.assertRaises(qiboaccel.BackendNotFoundError) as e:
            qibo.set_backend("qiboaccel", platform="nosuch")
        self.assertIn("unknown backend 'nosuch'", str(e.exception))
        self.assertNotIn("\n", str(e.exception))


if __name__ == "__main__":
    unittest.main()
