"""The qiboaccel Python package against independent references: analytic states, numpy linear algebra, known
distributions, and the one-line errors of the C API. Run by tests/QiboAccel.Tests/Bindings/PythonPackageTests.cs
(each test is one xunit case) with PYTHONPATH=build/python."""

import cmath
import json
import math
import os
import threading
import unittest

import numpy as np

import qiboaccel

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BELL = os.path.join(REPO, "examples", "circuits", "bell.qasm")

I2 = np.eye(2, dtype=complex)
X = np.array([[0, 1], [1, 0]], dtype=complex)
Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
Z = np.array([[1, 0], [0, -1]], dtype=complex)
H = np.array([[1, 1], [1, -1]], dtype=complex) / math.sqrt(2)


def kron(*ms):
    out = np.eye(1, dtype=complex)
    for m in ms:
        out = np.kron(out, m)
    return out


def on(n, q, m):
    """A one-qubit matrix on qubit q of n (qubit 0 most significant)."""
    return kron(*[m if i == q else I2 for i in range(n)])


def random_unitary(k, rng):
    a = rng.normal(size=(2**k, 2**k)) + 1j * rng.normal(size=(2**k, 2**k))
    q, r = np.linalg.qr(a)
    return q * (np.diag(r) / np.abs(np.diag(r)))


class Basics(unittest.TestCase):
    def test_import_and_version(self):
        self.assertEqual(qiboaccel.__version__, "0.1.0")
        self.assertTrue(qiboaccel.library_path().endswith("libqiboaccel.so"))

    def test_backends_lists_the_installed_ones(self):
        names = qiboaccel.backends()
        self.assertIn("cpu", names)
        details = {b["specifier"]: b for b in qiboaccel.backends(details=True)}
        self.assertTrue(details["cpu"]["available"])
        self.assertTrue(details["cpu"]["library"].endswith("libqibo_cpu.so"))

    def test_bell_from_qasm_text(self):
        with open(BELL) as f:
            c = qiboaccel.Circuit.from_qasm(f.read(), "bell.qasm")
        self.assertEqual((c.nqubits, c.nclbits), (2, 2))
        r = qiboaccel.execute(c, backend="cpu", shots=1000, seed=7)
        np.testing.assert_allclose(r.state, [1 / math.sqrt(2), 0, 0, 1 / math.sqrt(2)], atol=1e-15)
        self.assertIsInstance(r.state, np.ndarray)
        self.assertEqual(r.state.dtype, np.complex128)
        freq = r.frequencies()
        self.assertEqual(set(freq), {"00", "11"})
        self.assertEqual(sum(freq.values()), 1000)
        self.assertEqual(r.registers, {"c": freq})
        self.assertEqual(r.frequencies(binary=False), {0: freq["00"], 3: freq["11"]})
        np.testing.assert_allclose(r.probabilities(), [0.5, 0, 0, 0.5], atol=1e-15)
        self.assertEqual(r.seed, 7)
        self.assertGreater(r.timings["total_seconds"], 0)

    def test_qasm_file_and_warnings(self):
        c = qiboaccel.Circuit.from_qasm_file(BELL)
        self.assertEqual(c.registers, [("c", 0, 2)])
        self.assertEqual(c.warnings, [])
        self.assertGreaterEqual(c.parse_seconds, 0)

    def test_gates_from_python_match_numpy_matrices(self):
        rng = np.random.default_rng(3)
        u = random_unitary(2, rng)
        theta = 0.731
        c = qiboaccel.Circuit(3)
        c.add("h", 0).add("CNOT", 0, 1).add("rx", 2, params=theta).add("Unitary", 1, 2, matrix=u).add("x", 2, controls=[0, 1])
        got = qiboaccel.execute(c).state
        rx = np.array([[math.cos(theta / 2), -1j * math.sin(theta / 2)], [-1j * math.sin(theta / 2), math.cos(theta / 2)]])
        psi = np.zeros(8, dtype=complex)
        psi[0] = 1
        psi = on(3, 0, H) @ psi
        cnot = np.eye(8, dtype=complex)[[0, 1, 2, 3, 6, 7, 4, 5]]  # |1 b c> -> |1 (1-b) c>
        psi = cnot @ psi
        psi = on(3, 2, rx) @ psi
        psi = kron(I2, u) @ psi
        toffoli = np.eye(8, dtype=complex)[[0, 1, 2, 3, 4, 5, 7, 6]]
        psi = toffoli @ psi
        np.testing.assert_allclose(got, psi, atol=1e-12)

    def test_extend_adds_a_batch_in_one_call(self):
        rng = np.random.default_rng(5)
        u = random_unitary(1, rng)
        gates = [("h", [0]), ("cu3", [0, 1], [0.1, 0.2, 0.3]), {"gate": "GeneralizedfSim", "qubits": [1, 2], "params": [0.4], "matrix": u},
                 ("rzz", [0, 2], [1.1], [1])]
        a = qiboaccel.Circuit(3).extend(gates)
        b = qiboaccel.Circuit(3)
        b.add("h", 0).add("cu3", 0, 1, params=[0.1, 0.2, 0.3]).add("GeneralizedfSim", 1, 2, params=0.4, matrix=u)
        b.add("rzz", 0, 2, params=1.1, controls=1)
        self.assertEqual(a.noperations, 4)
        np.testing.assert_array_equal(qiboaccel.execute(a).state, qiboaccel.execute(b).state)

    def test_extend_is_all_or_nothing(self):
        c = qiboaccel.Circuit(2).add("h", 0)
        with self.assertRaises(qiboaccel.InvalidArgumentError) as e:
            c.extend([("x", [1]), ("cx", [0, 1]), ("rx", [5], [0.1])])
        self.assertIn("gate #2 (RX): RX: qubit 5 is out of range", str(e.exception))
        self.assertEqual(c.noperations, 1)

    def test_expectation_of_pauli_sums_matches_numpy(self):
        c = qiboaccel.Circuit(3).add("h", 0).add("cx", 0, 1).add("ry", 2, params=0.9).add("s", 1)
        r = qiboaccel.execute(c)
        psi = r.state
        op = 0.5 * kron(Z, Z, I2) - 1.25 * kron(X, I2, Y) + 0.75 * np.eye(8) + 2 * kron(I2, I2, X)
        expected = float(np.real(np.conj(psi) @ op @ psi))
        self.assertAlmostEqual(r.expectation("0.5*Z0*Z1 - 1.25*X0*Y2 + 0.75 + 2*X2"), expected, places=12)

    def test_same_seed_same_shots_on_every_backend(self):
        c = qiboaccel.Circuit(4)
        for q in range(4):
            c.add("ry", q, params=0.3 + q)
        c.add("cx", 0, 3).measure(0, 1, 2, 3)
        runs = [qiboaccel.execute(c, backend=b, shots=2000, seed=11).frequencies() for b in ("cpu", "gpu", "python@numpy")]
        self.assertEqual(runs[0], runs[1])
        self.assertEqual(runs[0], runs[2])
        self.assertNotEqual(runs[0], qiboaccel.execute(c, shots=2000, seed=12).frequencies())

    def test_shots_follow_the_sampling_rule(self):
        # The shots of a run equal qiboaccel.sample on the final state's probabilities with the same seed: two paths
        # through the library (the executor's sampling and the stand-alone rule) agree shot for shot.
        c = qiboaccel.Circuit(3).add("h", 0).add("ry", 1, params=1.2).add("cx", 1, 2).measure(0, 1, 2)
        r = qiboaccel.execute(c, shots=5000, seed=21)
        counts = qiboaccel.sample(r.probabilities(), 5000, 21, counts=True)
        self.assertEqual(r.frequencies(binary=False), {i: int(n) for i, n in enumerate(counts) if n})

    def test_sample_is_seeded_and_follows_the_distribution(self):
        p = np.array([0.1, 0.2, 0.3, 0.4])
        a = qiboaccel.sample(p, 20000, 5)
        np.testing.assert_array_equal(a, qiboaccel.sample(p, 20000, 5))
        counts = np.bincount(a, minlength=4)
        sigma = np.sqrt(20000 * p * (1 - p))
        self.assertTrue(np.all(np.abs(counts - 20000 * p) < 5 * sigma), counts)
        np.testing.assert_array_equal(qiboaccel.sample(p, 20000, 5, counts=True), counts)

    def test_density_matrix_with_depolarizing_noise(self):
        lam = 0.2
        noise = {"noise": [{"after": ["h"], "channel": {"type": "depolarizing", "lambda": lam}}]}
        c = qiboaccel.Circuit(1).add("h", 0)
        r = qiboaccel.execute(c, density_matrix=True, noise=noise)
        plus = np.full((2, 2), 0.5, dtype=complex)
        expected = (1 - lam) * plus + lam * np.eye(2) / 2
        self.assertEqual(r.state.shape, (2, 2))
        np.testing.assert_allclose(r.state, expected, atol=1e-12)
        self.assertAlmostEqual(r.purity, float(np.real(np.trace(expected @ expected))), places=12)
        self.assertAlmostEqual(r.expectation("X0"), 1 - lam, places=12)

    def test_initial_state_and_precision(self):
        c = qiboaccel.Circuit(2).add("x", 0).add("h", 1)
        start = np.array([0, 0, 1, 0], dtype=complex)  # |10>
        r = qiboaccel.execute(c, initial_state=start)
        np.testing.assert_allclose(r.state, [1 / math.sqrt(2), 1 / math.sqrt(2), 0, 0], atol=1e-15)  # X|1> = |0>, then H
        single = qiboaccel.execute(c, initial_state=start, precision="single")
        self.assertEqual(single.precision, "single")
        np.testing.assert_allclose(single.state, r.state, atol=1e-6)

    def test_the_state_outlives_its_result(self):
        r = qiboaccel.execute(qiboaccel.Circuit(3).add("h", 0).add("cx", 0, 2))
        state = r.state
        np.testing.assert_array_equal(state, r.state_copy())
        r.close()
        del r
        import gc
        gc.collect()
        expected = np.zeros(8, dtype=complex)
        expected[0] = expected[5] = 2**-0.5
        np.testing.assert_allclose(state, expected, atol=1e-15)

    def test_keep_state_false(self):
        r = qiboaccel.execute(qiboaccel.Circuit(2).add("h", 0).measure(0), shots=10, seed=1, keep_state=False)
        self.assertIsNone(r.state)
        self.assertEqual(sum(r.frequencies().values()), 10)
        with self.assertRaises(qiboaccel.InvalidArgumentError):
            r.expectation("Z0")

    def test_mid_circuit_measurement_reset_and_registers(self):
        c = qiboaccel.Circuit(2)
        c.add_register("a", 1)
        c.add_register("b", 1)
        c.add("x", 0).measure(0, cbits=[0]).reset(0).measure(0, cbits=[1])
        r = qiboaccel.execute(c, shots=50, seed=3)
        self.assertEqual(r.registers, {"a": {"1": 50}, "b": {"0": 50}})

    def test_execute_takes_qasm_text(self):
        with open(BELL) as f:
            r = qiboaccel.execute(f.read(), shots=100, seed=1)
        self.assertEqual(sum(r.frequencies().values()), 100)

    def test_backends_from_several_threads(self):
        c = qiboaccel.Circuit(6)
        for q in range(6):
            c.add("u3", q, params=[0.1 * q, 0.2, 0.3])
        c.add("cx", 0, 5).measure(*range(6))
        expected = qiboaccel.execute(c, shots=300, seed=9)
        results = []

        def work():
            for _ in range(5):
                r = qiboaccel.execute(c, shots=300, seed=9)
                results.append((r.frequencies(), r.state.copy()))

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(results), 20)
        for freq, state in results:
            self.assertEqual(freq, expected.frequencies())
            np.testing.assert_array_equal(state, expected.state)

    def test_backend_object(self):
        b = qiboaccel.Backend("cpu:threads=1")
        self.assertEqual(b.name, "cpu")
        self.assertIn("double", b.info["precisions"])
        r = b.execute(qiboaccel.Circuit(1).add("x", 0))
        np.testing.assert_array_equal(r.state, [0, 1])
        b.close()
        with self.assertRaises(qiboaccel.InvalidArgumentError):
            b.execute(qiboaccel.Circuit(1))


class Errors(unittest.TestCase):
    """Bad input is a Python exception with the library's one-line message, never a crash."""

    def one_line(self, exc):
        text = str(exc)
        self.assertNotIn("\n", text)
        self.assertNotIn("Traceback", text)
        return text

    def test_bad_qasm_names_file_line_and_column(self):
        with self.assertRaises(qiboaccel.ParseError) as e:
            qiboaccel.Circuit.from_qasm('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nhx q[0];\n', "bad.qasm")
        self.assertEqual(self.one_line(e.exception), "bad.qasm:4:1: unknown gate 'hx'")
        self.assertIsInstance(e.exception, ValueError)
        with self.assertRaises(qiboaccel.ParseError) as e:
            qiboaccel.Circuit.from_qasm("qreg q[2];\nU(0, 0, 0) q[0]\n")
        text = self.one_line(e.exception)
        self.assertTrue(text.startswith("<input>:3:") and "expected ';'" in text, text)

    def test_missing_file(self):
        with self.assertRaises(qiboaccel.FileError) as e:
            qiboaccel.Circuit.from_qasm_file("no/such/file.qasm")
        self.assertIn("no/such/file.qasm: file not found", self.one_line(e.exception))
        self.assertIsInstance(e.exception, OSError)

    def test_unknown_backend(self):
        with self.assertRaises(qiboaccel.BackendNotFoundError) as e:
            qiboaccel.execute(qiboaccel.Circuit(1), backend="nosuch")
        text = self.one_line(e.exception)
        self.assertIn("unknown backend 'nosuch'", text)
        self.assertIn("cpu", text)
        self.assertIsInstance(e.exception, LookupError)

    def test_bad_gates(self):
        c = qiboaccel.Circuit(2)
        cases = [
            (lambda: c.add("hx", 0), "unknown gate 'hx'"),
            (lambda: c.add("h", 5), "H: qubit 5 is out of range for a circuit of 2 qubit(s)"),
            (lambda: c.add("h", -1), "h: qubit -1 is negative"),
            (lambda: c.add("h", 0.5), "h: qubit 0.5 is not an integer"),
            (lambda: c.add("cx", 0), "CNOT acts on 2 qubit(s), got 1"),
            (lambda: c.add("cx", 0, 0), "CNOT: qubit 0 is used twice"),
            (lambda: c.add("rx", 0), "RX takes 1 parameter(s), got 0"),
            (lambda: c.add("rx", 0, params="abc"), "parameters must be real numbers"),
            (lambda: c.add("rx", 0, params=float("nan")), "RX: parameter NaN is not a finite number"),
            (lambda: c.add("Unitary", 0, matrix=np.eye(4)), "Unitary on 1 qubit(s) needs a 2x2 matrix"),
            (lambda: c.add(3, 0), "gate name must be a str"),
            (lambda: c.measure(7), "measure: qubit 7 is out of range"),
        ]
        for action, message in cases:
            with self.assertRaises(qiboaccel.Error) as e:
                action()
            self.assertIn(message, self.one_line(e.exception))
        self.assertEqual(c.noperations, 0)

    def test_bad_execution_arguments(self):
        c = qiboaccel.Circuit(2).add("h", 0)
        cases = [
            (lambda: qiboaccel.execute(c, shots=-1), "shots must be a whole number"),
            (lambda: qiboaccel.execute(c, shots="many"), "shots must be a whole number"),
            (lambda: qiboaccel.execute(c, seed=-3), "seed must be a whole number"),
            (lambda: qiboaccel.execute(c, precision="quad"), "unknown precision 'quad'"),
            (lambda: qiboaccel.execute(c, noise="{ not json"), "noise model: not valid JSON"),
            (lambda: qiboaccel.execute(c, noise={"noise": [{"channel": {"type": "depolarizing", "lambda": -1}}]}),
             "lambda = -1 is outside"),
            (lambda: qiboaccel.execute(c, initial_state=[1, 1, 0, 0]), "the squared norm is 2"),
            (lambda: qiboaccel.execute(c, initial_state=[1, 0]), "initial state: 2 amplitudes given"),
            (lambda: qiboaccel.execute(42), "execute needs a qiboaccel.Circuit or OpenQASM text"),
            (lambda: qiboaccel.execute(qiboaccel.Circuit(40).add("h", 0)), "40 qubits is too many for backend 'cpu'"),
            (lambda: qiboaccel.execute(c).expectation("0.5*Z0*"), "position 8"),
            (lambda: qiboaccel.execute(c).expectation("Z9"), "uses qubit 9"),
            (lambda: qiboaccel.execute(c).probabilities([5]), "qubit 5 is out of range"),
            (lambda: qiboaccel.sample([0.5, -0.5], 10, 1), "probabilities[1] = -0.5"),
            (lambda: qiboaccel.Circuit(0), "a circuit needs a positive whole number of qubits"),
        ]
        for action, message in cases:
            with self.assertRaises(qiboaccel.Error) as e:
                action()
            self.assertIn(message, self.one_line(e.exception))

    def test_closed_objects_are_errors(self):
        c = qiboaccel.Circuit(1)
        c.close()
        c.close()
        with self.assertRaises(qiboaccel.InvalidArgumentError) as e:
            c.add("h", 0)
        self.assertIn("the circuit is closed", str(e.exception))
        r = qiboaccel.execute(qiboaccel.Circuit(1))
        r.close()
        with self.assertRaises(qiboaccel.InvalidArgumentError):
            r.probabilities()

    def test_the_process_survives_many_errors(self):
        for _ in range(200):
            with self.assertRaises(qiboaccel.Error):
                qiboaccel.Circuit.from_qasm("qreg q[1];\nfoo q[0];\n")
        np.testing.assert_allclose(qiboaccel.execute(qiboaccel.Circuit(1).add("h", 0)).state, [2**-0.5, 2**-0.5])


if __name__ == "__main__":
    unittest.main()
