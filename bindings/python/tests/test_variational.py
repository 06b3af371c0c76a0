"""The qiboaccel package's variational features (C API 1.1) against independent references: a numpy state-vector and
density-matrix simulator written here from the gate matrices of abi/include/qibo/backend.h, central finite differences
of it, dense Pauli matrices, numpy's eigvalsh, and the header itself (struct layouts compiled with gcc). Run by
tests/QiboAccel.Tests/Bindings/PythonPackageTests.cs (each test is one xunit case) with PYTHONPATH=build/python."""

import ctypes
import importlib.util
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np

import qiboaccel
from qiboaccel import _native as N

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
VQE = os.path.join(REPO, "examples", "vqe", "vqe.py")

# ---------------------------------------------------------------------------------------------- numpy reference

I2 = np.eye(2, dtype=complex)
PAULI = {"X": np.array([[0, 1], [1, 0]], dtype=complex), "Y": np.array([[0, -1j], [1j, 0]], dtype=complex),
         "Z": np.array([[1, 0], [0, -1]], dtype=complex)}
H = np.array([[1, 1], [1, -1]], dtype=complex) / math.sqrt(2)


def e(x):
    return complex(math.cos(x), math.sin(x))


def rx(t):
    c, s = math.cos(t / 2), math.sin(t / 2)
    return np.array([[c, -1j * s], [-1j * s, c]])


def ry(t):
    c, s = math.cos(t / 2), math.sin(t / 2)
    return np.array([[c, -s], [s, c]], dtype=complex)


def rz(t):
    return np.diag([e(-t / 2), e(t / 2)])


def u1(t):
    return np.diag([1, e(t)])


def u3(t, p, lam):
    c, s = math.cos(t / 2), math.sin(t / 2)
    return np.array([[e(-(p + lam) / 2) * c, -e(-(p - lam) / 2) * s], [e((p - lam) / 2) * s, e((p + lam) / 2) * c]])


def u2(p, lam):
    return u3(math.pi / 2, p, lam)


def fsim(t, p):
    c, s = math.cos(t), math.sin(t)
    return np.array([[1, 0, 0, 0], [0, c, -1j * s, 0], [0, -1j * s, c, 0], [0, 0, 0, e(-p)]])


def gfsim(u, p):
    m = np.eye(4, dtype=complex)
    m[1:3, 1:3] = u
    m[3, 3] = e(-p)
    return m


def rxx(t):
    c, s = math.cos(t / 2), math.sin(t / 2)
    return np.array([[c, 0, 0, -1j * s], [0, c, -1j * s, 0], [0, -1j * s, c, 0], [-1j * s, 0, 0, c]])


def ryy(t):
    c, s = math.cos(t / 2), math.sin(t / 2)
    return np.array([[c, 0, 0, 1j * s], [0, c, -1j * s, 0], [0, -1j * s, c, 0], [1j * s, 0, 0, c]])


def rzz(t):
    return np.diag([e(-t / 2), e(t / 2), e(t / 2), e(-t / 2)])


# Every parametrised gate kind: name -> (built-in controls, targets, number of angles, matrix of the angles).
PARAMETRISED = {
    "RX": (0, 1, 1, rx), "RY": (0, 1, 1, ry), "RZ": (0, 1, 1, rz), "U1": (0, 1, 1, u1), "U2": (0, 1, 2, u2),
    "U3": (0, 1, 3, u3), "CRX": (1, 1, 1, rx), "CRY": (1, 1, 1, ry), "CRZ": (1, 1, 1, rz), "CU1": (1, 1, 1, u1),
    "CU2": (1, 1, 2, u2), "CU3": (1, 1, 3, u3), "fSim": (0, 2, 2, fsim), "GeneralizedfSim": (0, 2, 1, None),
    "RXX": (0, 2, 1, rxx), "RYY": (0, 2, 1, ryy), "RZZ": (0, 2, 1, rzz),
}


def apply(psi, n, m, targets, controls=()):
    """m on `targets` (the first listed the most significant bit of m's index) where every control is 1."""
    t = np.array(psi, dtype=complex).reshape((2,) * n)
    idx = [slice(None)] * n
    for c in controls:
        idx[c] = 1
    idx = tuple(idx)
    rest = [q for q in range(n) if q not in controls]
    axes = [rest.index(q) for q in targets]
    k = len(targets)
    new = np.tensordot(np.asarray(m).reshape((2,) * (2 * k)), t[idx], axes=(list(range(k, 2 * k)), axes))
    t[idx] = np.moveaxis(new, list(range(k)), axes)
    return t.reshape(-1)


def observable_matrix(terms, n):
    """Σ c·P of (coefficient, {qubit: letter}) terms as a dense matrix (qubit 0 most significant)."""
    out = np.zeros((2**n, 2**n), dtype=complex)
    for c, paulis in terms:
        m = np.eye(1, dtype=complex)
        for q in range(n):
            m = np.kron(m, PAULI[paulis[q]] if q in paulis else I2)
        out += c * m
    return out


def observable_text(terms):
    parts = []
    for c, paulis in terms:
        body = repr(abs(c)) + "".join(f"*{p}{q}" for q, p in sorted(paulis.items()))
        parts.append(("-" if c < 0 else "") + body if not parts else (" - " if c < 0 else " + ") + body)
    return "".join(parts)


def random_observable(n, rng, count=5):
    terms = []
    for _ in range(count):
        k = int(rng.integers(1, n + 1))
        qs = rng.choice(n, size=k, replace=False)
        terms.append((float(np.round(rng.uniform(-2, 2), 6)), {int(q): "XYZ"[int(rng.integers(3))] for q in qs}))
    terms.append((0.375, {}))
    return terms


class RandomCircuit:
    """A random parametrised circuit over every parametrised gate kind (extra controls on some), built in qiboaccel
    (gate by gate or in one batch) and recorded for the numpy reference. Angles are constant, θ_k, or a·θ_k + b."""

    def __init__(self, n, nparams, rng, batch=False, extra=8, measure=False):
        self.n = n
        self.circuit = qiboaccel.Circuit(n)
        self.params = [self.circuit.add_parameter(f"t{k}") for k in range(nparams)]
        self.ops = []  # (kind, angle specs [(constant, index or -1, coefficient)], targets, controls, matrix)
        kinds = list(PARAMETRISED) + [str(x) for x in rng.choice(list(PARAMETRISED), size=extra)]
        rng.shuffle(kinds)
        items = []
        for q in range(n):
            self._add("H", [q], [], [], None, items, batch)
        for kind in kinds:
            builtin, width, nangles, _ = PARAMETRISED[kind]
            qs = [int(q) for q in rng.permutation(n)]
            used = builtin + width
            controls = qs[used:used + int(rng.integers(0, 2))] if n - used > 0 and rng.random() < 0.4 else []
            specs = []
            for _ in range(nangles):
                r = rng.random()
                if r < 0.2:
                    specs.append((float(rng.uniform(-3, 3)), -1, 1.0))
                elif r < 0.5:
                    specs.append((0.0, int(rng.integers(nparams)), 1.0))
                else:
                    specs.append((float(rng.uniform(-1, 1)), int(rng.integers(nparams)), float(rng.choice([-2.0, -0.5, 1.5, 3.0]))))
            matrix = None
            if kind == "GeneralizedfSim":
                a = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
                matrix, r_ = np.linalg.qr(a)
                matrix = matrix * (np.diag(r_) / np.abs(np.diag(r_)))
            self._add(kind, qs[:used], controls, specs, matrix, items, batch)
            if rng.random() < 0.3:
                self._add("CNOT", [qs[0], qs[1]], [], [], None, items, batch)
        if batch:
            self.circuit.extend(items)
        if measure:
            self.circuit.measure(*range(n))

    def _add(self, kind, qubits, controls, specs, matrix, items, batch):
        angles = [b if k < 0 else b + a * self.params[k] if a != 1.0 or b != 0.0 else self.params[k] for b, k, a in specs]
        if batch:
            items.append((kind, qubits, angles, controls, matrix))
        else:
            self.circuit.add(kind, *qubits, params=angles, controls=controls, matrix=matrix)
        self.ops.append((kind, specs, qubits, controls, matrix))

    def matrices(self, values):
        """(matrix, targets, controls) per gate at parameter values `values`."""
        out = []
        for kind, specs, qubits, controls, matrix in self.ops:
            angles = [b + (a * values[k] if k >= 0 else 0.0) for b, k, a in specs]
            if kind == "H":
                out.append((H, qubits, list(controls)))
            elif kind == "CNOT":
                out.append((PAULI["X"], qubits[1:], [qubits[0]] + list(controls)))
            elif kind == "GeneralizedfSim":
                out.append((gfsim(matrix, angles[0]), qubits, list(controls)))
            else:
                builtin, _, _, fn = PARAMETRISED[kind]
                out.append((fn(*angles), qubits[builtin:], qubits[:builtin] + list(controls)))
        return out

    def state(self, values):
        psi = np.zeros(2**self.n, dtype=complex)
        psi[0] = 1
        for m, targets, controls in self.matrices(values):
            psi = apply(psi, self.n, m, targets, controls)
        return psi

    def expectation(self, values, o):
        psi = self.state(values)
        return float(np.real(np.vdot(psi, o @ psi)))


def finite_differences(f, x, h=1e-5):
    g = np.zeros(len(x))
    for k in range(len(x)):
        up, down = np.array(x, dtype=float), np.array(x, dtype=float)
        up[k] += h
        down[k] -= h
        g[k] = (f(up) - f(down)) / (2 * h)
    return g


def assert_one_line(test, error):
    message = str(error)
    test.assertTrue(message and "\n" not in message and "Traceback" not in message, repr(message))


# ---------------------------------------------------------------------------------------------- tests


class Parameters(unittest.TestCase):
    def test_affine_arithmetic_of_parameters(self):
        c = qiboaccel.Circuit(1)
        t, p = c.add_parameter("theta"), c.add_parameter("phi")
        self.assertIsInstance(t, qiboaccel.Parameter)
        self.assertEqual((t.name, t.index, p.index), ("theta", 0, 1))
        a = 2 * t + 0.5 - t / 4
        self.assertIsInstance(a, qiboaccel.Angle)
        self.assertAlmostEqual(a.constant, 0.5)
        self.assertEqual([(q.name, k) for q, k in a.terms], [("theta", 1.75)])
        self.assertEqual(str(0.5 - t), "-theta + 0.5")
        self.assertEqual(str(np.float64(3.0) * t), "3.0*theta")
        self.assertEqual([(q.name, k) for q, k in (t - p).terms], [("theta", 1.0), ("phi", -1.0)])
        self.assertTrue((t - t).is_constant)
        self.assertEqual(float(t - t + 1.25), 1.25)
        self.assertEqual(c.parameter("phi"), p)
        self.assertEqual(c.parameter(0), t)
        self.assertEqual(c.parameters, ("theta", "phi"))
        self.assertEqual(c.nparameters, 2)

    def test_symbolic_circuits_bound_through_execute_equal_numpy(self):
        for seed, batch in ((1, False), (2, True), (3, False)):
            rng = np.random.default_rng(seed)
            rc = RandomCircuit(4, 3, rng, batch=batch)
            for _ in range(2):
                values = rng.uniform(-math.pi, math.pi, size=3)
                got = qiboaccel.execute(rc.circuit, parameters=values).state
                np.testing.assert_allclose(got, rc.state(values), atol=1e-12, err_msg=f"seed {seed}")
                by_name = qiboaccel.execute(rc.circuit, parameters={f"t{k}": v for k, v in enumerate(values)}).state
                np.testing.assert_array_equal(got, by_name)
                by_object = qiboaccel.execute(rc.circuit, parameters={p: v for p, v in zip(rc.params, values)}).state
                np.testing.assert_array_equal(got, by_object)

    def test_symbolic_circuits_on_every_backend(self):
        rng = np.random.default_rng(7)
        rc = RandomCircuit(3, 2, rng, batch=True)
        values = [0.4, -1.3]
        expected = rc.state(values)
        for backend in ("cpu", "gpu", "python@numpy"):
            got = qiboaccel.execute(rc.circuit, backend=backend, parameters=values).state
            np.testing.assert_allclose(got, expected, atol=1e-12, err_msg=backend)

    def test_qasm_input_angle_declares_parameters(self):
        text = """OPENQASM 2.0;
include "qelib1.inc";
input angle a;
input float[64] b;
gate g(x) p { rz(x/2) p; ry(-x) p; }
qreg q[3];
creg c[3];
h q[0];
rx(2*a + b) q[0];
cry(a - pi/4) q[0], q[1];
g(b) q[2];
cx q[1], q[2];
rzz(0.5*b) q[0], q[2];
"""
        c = qiboaccel.Circuit.from_qasm(text, "inputs.qasm")
        self.assertEqual(c.parameters, ("a", "b"))
        self.assertEqual(c.nparameters, 2)

        def reference(x):
            a, b = x
            psi = np.zeros(8, dtype=complex)
            psi[0] = 1
            for m, targets, controls in [(H, [0], []), (rx(2 * a + b), [0], []), (ry(a - math.pi / 4), [1], [0]),
                                         (rz(b / 2), [2], []), (ry(-b), [2], []), (PAULI["X"], [2], [1]),
                                         (rzz(0.5 * b), [0, 2], [])]:
                psi = apply(psi, 3, m, targets, controls)
            return psi

        x = [0.7, -0.4]
        got = qiboaccel.execute(c, parameters=x).state
        want = reference(x)
        overlap = np.vdot(want, got)
        self.assertAlmostEqual(abs(overlap), 1.0, places=12)  # qelib1's gates may differ from qibo's by a global phase
        np.testing.assert_allclose(got * (abs(overlap) / overlap), want, atol=1e-12)
        # 2*a + b: one angle over two parameters, which the core differentiates by the chain rule.
        terms = [(1.0, {0: "Z", 2: "X"}), (-0.5, {1: "Y"}), (0.25, {0: "X", 1: "X", 2: "Z"})]
        o = observable_matrix(terms, 3)
        g = qiboaccel.gradient(c, observable_text(terms), x, method="adjoint")
        fd = finite_differences(lambda v: float(np.real(np.vdot(reference(v), o @ reference(v)))), x)
        np.testing.assert_allclose(g.gradient, fd, atol=1e-7)
        # An input is a Parameter of the parsed circuit, usable in more gates.
        c.add("ry", 1, params=c.parameter("b") * 2)
        self.assertEqual(c.parameters, ("a", "b"))
        got = qiboaccel.execute(c, parameters=x).state
        want = apply(reference(x), 3, ry(2 * x[1]), [1])
        overlap = np.vdot(want, got)
        np.testing.assert_allclose(got * (abs(overlap) / overlap), want, atol=1e-12)

    def test_qasm_input_errors_are_one_line(self):
        head = 'OPENQASM 2.0;\ninclude "qelib1.inc";\ninput angle a;\nqreg q[1];\n'
        for body, expected in [("rx(sin(a)) q[0];\n", "inputs.qasm:5:"), ("rx(a*a) q[0];\n", "inputs.qasm:5:"),
                               ("rx(zeta) q[0];\n", "undeclared identifier 'zeta'")]:
            with self.assertRaises(qiboaccel.ParseError) as err:
                qiboaccel.Circuit.from_qasm(head + body, "inputs.qasm")
            self.assertIn(expected, str(err.exception))
            assert_one_line(self, err.exception)


class Gradients(unittest.TestCase):
    def check(self, rc, backend, methods, seed, tolerance=1e-7):
        rng = np.random.default_rng(1000 + seed)
        terms = random_observable(rc.n, rng)
        o = observable_matrix(terms, rc.n)
        values = rng.uniform(-math.pi, math.pi, size=len(rc.params))
        fd = finite_differences(lambda v: rc.expectation(v, o), values)
        exact = rc.expectation(values, o)
        for method in methods:
            g = qiboaccel.gradient(rc.circuit, observable_text(terms), values, backend=backend, method=method)
            msg = f"{backend}, {method}, seed {seed}"
            self.assertAlmostEqual(g.value, exact, places=10, msg=msg)
            self.assertEqual(g.gradient.shape, (len(rc.params),))
            np.testing.assert_allclose(g.gradient, fd, atol=tolerance, err_msg=msg)
            self.assertEqual(g.method, "parameter_shift" if method == "parameter_shift" else "adjoint", msg)
            if method == "adjoint":
                self.assertEqual(g.circuit_passes, 2, msg)
            value, gradient = g
            self.assertEqual(value, g.value)
            self.assertEqual(list(g.as_dict()), list(rc.circuit.parameters))

    def test_adjoint_and_parameter_shift_equal_finite_differences(self):
        for seed in range(4):
            rng = np.random.default_rng(seed)
            rc = RandomCircuit(3 + seed % 2, 2 + seed, rng, batch=seed % 2 == 1)
            self.check(rc, "cpu", ("adjoint", "parameter_shift", "auto"), seed)

    def test_gradients_on_gpu_and_python_backends(self):
        for seed, backend in ((11, "gpu"), (12, "python@numpy")):
            rc = RandomCircuit(3, 3, np.random.default_rng(seed), extra=2)
            self.check(rc, backend, ("adjoint", "parameter_shift"), seed)

    def test_measurements_at_the_end_are_ignored(self):
        rng = np.random.default_rng(21)
        rc = RandomCircuit(3, 2, rng, measure=True)
        self.check(rc, "cpu", ("adjoint",), 21)

    def test_density_matrix_with_noise_uses_parameter_shift(self):
        # A Pauli channel after every RY, simulated here on a density matrix; its gradient by finite differences.
        px, py, pz = 0.05, 0.02, 0.08
        noise = {"noise": [{"after": ["ry"], "channel": {"type": "pauli", "px": px, "py": py, "pz": pz}}]}
        n = 3
        c = qiboaccel.Circuit(n)
        t = [c.add_parameter(f"t{k}") for k in range(3)]
        layout = [("ry", [0], [], t[0]), ("ry", [1], [], 2 * t[1] - 0.3), ("cx", [0, 1], [], None),
                  ("ry", [2], [], t[2]), ("rz", [0], [], t[1]), ("ry", [1], [], -t[0])]
        for name, qs, controls, angle in layout:
            c.add(name, *qs, params=[] if angle is None else [angle], controls=controls)

        def rho(x):
            r = np.zeros((2**n, 2**n), dtype=complex)
            r[0, 0] = 1
            angles = [x[0], 2 * x[1] - 0.3, None, x[2], x[1], -x[0]]
            for (name, qs, controls, _), a in zip(layout, angles):
                m, targets, ctl = {"ry": lambda: (ry(a), qs, controls), "rz": lambda: (rz(a), qs, controls),
                                   "cx": lambda: (PAULI["X"], qs[1:], qs[:1])}[name]()
                v = apply(r.reshape(-1), 2 * n, m, targets, ctl)
                v = apply(v, 2 * n, m.conj(), [q + n for q in targets], [q + n for q in ctl])
                r = v.reshape(2**n, 2**n)
                if name == "ry":  # the channel on the gate's qubit
                    for q in targets:
                        mixed = (1 - px - py - pz) * r
                        for p, s in ((px, "X"), (py, "Y"), (pz, "Z")):
                            full = np.eye(1, dtype=complex)
                            for k in range(n):
                                full = np.kron(full, PAULI[s] if k == q else I2)
                            mixed = mixed + p * full @ r @ full.conj().T
                        r = mixed
            return r

        terms = [(1.0, {0: "Z", 1: "Z"}), (-0.7, {2: "X"}), (0.4, {1: "Y", 2: "Z"})]
        o = observable_matrix(terms, n)
        x = np.array([0.6, -0.9, 1.3])
        f = lambda v: float(np.real(np.trace(o @ rho(v))))  # noqa: E731
        g = qiboaccel.gradient(c, observable_text(terms), x, density_matrix=True, noise=noise)
        self.assertEqual(g.method, "parameter_shift")
        self.assertAlmostEqual(g.value, f(x), places=10)
        np.testing.assert_allclose(g.gradient, finite_differences(f, x), atol=1e-7)
        # Without noise, the density matrix gives the state vector's gradient.
        plain = qiboaccel.gradient(c, observable_text(terms), x, method="adjoint")
        dm = qiboaccel.gradient(c, observable_text(terms), x, density_matrix=True)
        np.testing.assert_allclose(dm.gradient, plain.gradient, atol=1e-10)


class Sweeps(unittest.TestCase):
    def test_sweep_points_equal_separate_executes_and_numpy(self):
        rng = np.random.default_rng(31)
        rc = RandomCircuit(4, 3, rng, measure=True)
        terms = random_observable(4, rng)
        o = observable_matrix(terms, 4)
        sets = rng.uniform(-math.pi, math.pi, size=(5, 3))
        s = qiboaccel.sweep(rc.circuit, sets, observable=observable_text(terms), shots=400, seed=17)
        self.assertIsInstance(s, qiboaccel.SweepResult)
        self.assertEqual(len(s), 5)
        self.assertIsInstance(s.expectations, np.ndarray)
        self.assertEqual(s.seed, 17)
        freqs = s.frequencies()
        for k, values in enumerate(sets):
            self.assertAlmostEqual(s.expectations[k], rc.expectation(values, o), places=10)
            alone = qiboaccel.execute(rc.circuit, parameters=values, shots=400, seed=17)
            self.assertEqual(freqs[k], alone.frequencies(), f"set {k}")
            self.assertEqual(s.registers[k], alone.registers)
            self.assertEqual(sum(freqs[k].values()), 400)
        # The same sets as dicts by name give the same; without an observable there are no expectations.
        again = qiboaccel.sweep(rc.circuit, [dict(zip(rc.circuit.parameters, v)) for v in sets], shots=400, seed=17)
        self.assertIsNone(again.expectations)
        self.assertEqual(again.frequencies(), freqs)

    def test_sweep_without_seed_reports_the_seed_it_used(self):
        rc = RandomCircuit(3, 2, np.random.default_rng(32), measure=True)
        sets = [[0.1, 0.2], [1.0, -2.0]]
        s = qiboaccel.sweep(rc.circuit, sets, shots=300)
        self.assertIsNotNone(s.seed)
        for k, values in enumerate(sets):
            self.assertEqual(s.frequencies()[k], qiboaccel.execute(rc.circuit, parameters=values, shots=300, seed=s.seed).frequencies())

    def test_sweep_expectations_on_every_backend(self):
        rng = np.random.default_rng(33)
        rc = RandomCircuit(3, 2, rng)
        terms = random_observable(3, rng)
        o = observable_matrix(terms, 3)
        sets = rng.uniform(-2, 2, size=(3, 2))
        for backend in ("cpu", "gpu", "python@numpy"):
            s = qiboaccel.sweep(rc.circuit, sets, observable=observable_text(terms), backend=backend)
            np.testing.assert_allclose(s.expectations, [rc.expectation(v, o) for v in sets], atol=1e-10, err_msg=backend)
            self.assertEqual(s.results, [])

    def test_empty_sweep(self):
        rc = RandomCircuit(2, 1, np.random.default_rng(34), extra=0)
        s = qiboaccel.sweep(rc.circuit, np.zeros((0, 1)), observable="Z0")
        self.assertEqual(len(s), 0)
        self.assertEqual(s.expectations.shape, (0,))


class StateExpectation(unittest.TestCase):
    def test_state_expectation_equals_numpy(self):
        for seed, backend in ((41, "cpu"), (42, "gpu"), (43, "python@numpy"), (44, "cpu")):
            rng = np.random.default_rng(seed)
            n = 2 + seed % 4
            psi = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)  # not normalised: <psi|O|psi> as given
            terms = random_observable(n, rng, count=6)
            want = float(np.real(np.vdot(psi, observable_matrix(terms, n) @ psi)))
            got = qiboaccel.expectation(psi, observable_text(terms), backend=backend)
            self.assertAlmostEqual(got, want, delta=1e-11 * max(1.0, abs(want)), msg=backend)
        psi = np.full(8, 1 / math.sqrt(8))
        self.assertAlmostEqual(qiboaccel.expectation(psi, "X0*X1*X2 + 2", precision="single"), 3.0, places=6)
        self.assertAlmostEqual(qiboaccel.Backend("cpu").expectation(list(psi), "Z1"), 0.0, places=14)


class Errors(unittest.TestCase):
    def setUp(self):
        self.c = qiboaccel.Circuit(2)
        self.t, self.p = self.c.add_parameter("theta"), self.c.add_parameter("phi")
        self.c.add("rx", 0, params=self.t).add("cry", 0, 1, params=2 * self.p - 1)

    def raises(self, kind, fn, *fragments):
        with self.assertRaises(kind) as err:
            fn()
        assert_one_line(self, err.exception)
        for fragment in fragments:
            self.assertIn(fragment, str(err.exception))
        return err.exception

    def test_wrong_number_of_values(self):
        c = self.c
        self.raises(qiboaccel.InvalidArgumentError, lambda: qiboaccel.execute(c), "2 parameter(s) (theta, phi); 0 value")
        self.raises(qiboaccel.InvalidArgumentError, lambda: qiboaccel.execute(c, parameters=[1.0]), "1 value(s) given")
        self.raises(qiboaccel.InvalidArgumentError, lambda: qiboaccel.execute(c, parameters=[1, 2, 3]), "3 value(s)")
        self.raises(qiboaccel.InvalidArgumentError, lambda: qiboaccel.gradient(c, "Z0", [1.0]), "gradient:")
        self.raises(qiboaccel.InvalidArgumentError, lambda: qiboaccel.sweep(c, [[1, 2], [3]]), "sweep: set 1")
        self.raises(qiboaccel.InvalidArgumentError, lambda: qiboaccel.execute(qiboaccel.Circuit(1), parameters=[1.0]),
                    "0 parameter(s)")
        self.raises(qiboaccel.InvalidArgumentError, lambda: qiboaccel.execute(c, parameters=[1.0, float("nan")]),
                    "'phi'", "not a finite number")
        self.raises(qiboaccel.InvalidArgumentError, lambda: qiboaccel.execute(c, parameters=["x", 1]), "real numbers")

    def test_unknown_parameters(self):
        c = self.c
        self.raises(qiboaccel.InvalidArgumentError, lambda: qiboaccel.execute(c, parameters={"theta": 1, "psi": 2}),
                    "unknown parameter 'psi'", "theta, phi")
        self.raises(qiboaccel.InvalidArgumentError, lambda: qiboaccel.execute(c, parameters={"theta": 1}),
                    "no value for parameter(s) phi")
        self.raises(qiboaccel.InvalidArgumentError, lambda: c.parameter("psi"), "unknown parameter 'psi'")
        other = qiboaccel.Circuit(2)
        stranger = other.add_parameter("theta")
        self.raises(qiboaccel.InvalidArgumentError, lambda: c.add("rz", 1, params=stranger), "belongs to another circuit")
        self.raises(qiboaccel.InvalidArgumentError, lambda: qiboaccel.execute(c, parameters={stranger: 1, "phi": 2}),
                    "belongs to another circuit")
        self.raises(qiboaccel.InvalidArgumentError, lambda: c.add_parameter("theta"), "theta")
        self.raises(qiboaccel.InvalidArgumentError, lambda: c.add_parameter("2pi"), "not an identifier")

    def test_non_affine_angles(self):
        t, p, c = self.t, self.p, self.c
        for fn in (lambda: t * p, lambda: t ** 2, lambda: 1 / t, lambda: math.sin(t), lambda: np.cos(t),
                   lambda: abs(t), lambda: (t + 1) * (p - 1), lambda: t / p):
            self.raises(qiboaccel.InvalidArgumentError, fn)
        self.raises(qiboaccel.InvalidArgumentError, lambda: t * p, "not affine")
        n_ops = c.noperations
        self.raises(qiboaccel.InvalidArgumentError, lambda: c.add("rx", 1, params=t - p),
                    "depends on 2 parameters (theta, phi)")
        self.raises(qiboaccel.InvalidArgumentError, lambda: c.extend([("h", [0]), ("u3", [1], [0.1, t + p, 0])]),
                    "u3: parameter 2")
        self.assertEqual(c.noperations, n_ops)  # nothing added
        self.raises(qiboaccel.InvalidArgumentError, lambda: c.add("rx", 1, params="theta"), "real numbers or circuit parameters")
        self.raises(qiboaccel.InvalidArgumentError, lambda: c.add("rx", 1, params=t + float("inf")), "not a finite number")

    def test_observable_syntax(self):
        c = self.c
        for observable in ("Z0*", "Q0", "Z0 Z1", "X0*X0", ""):
            self.raises(qiboaccel.ParseError, lambda: qiboaccel.gradient(c, observable, [0.1, 0.2]), "observable")
            self.raises(qiboaccel.ParseError, lambda: qiboaccel.sweep(c, [[0.1, 0.2]], observable=observable), "observable")
            self.raises(qiboaccel.ParseError, lambda: qiboaccel.expectation([1, 0, 0, 0], observable), "observable")
        self.raises(qiboaccel.InvalidArgumentError, lambda: qiboaccel.sweep(c, [[0.1, 0.2]], observable="Z5"), "qubit 5")

    def test_bad_arguments(self):
        c = self.c
        self.raises(qiboaccel.InvalidArgumentError, lambda: qiboaccel.gradient(c, "Z0", [0, 0], method="backprop"),
                    "unknown method 'backprop'")
        self.raises(qiboaccel.InvalidArgumentError, lambda: qiboaccel.expectation([1, 0, 0], "Z0"), "3 amplitude(s)")
        self.raises(qiboaccel.InvalidArgumentError, lambda: qiboaccel.expectation(np.eye(2), "Z0"), "shape (2, 2)")
        self.raises(qiboaccel.InvalidArgumentError, lambda: qiboaccel.sweep(c, "0.1 0.2"), "sequence of parameter sets")
        self.raises(qiboaccel.InvalidArgumentError, lambda: qiboaccel.sweep(c, [[0, 0]], shots=-1), "shots")
        self.raises(qiboaccel.InvalidArgumentError, lambda: qiboaccel.gradient(c, "Z0", [0, 0], precision="half"), "precision")


class Layout(unittest.TestCase):
    def test_ctypes_structs_match_the_header(self):
        """Every struct the package declares has the header's size and field offsets (compiled with gcc)."""
        gcc = shutil.which("gcc") or shutil.which("cc")
        if gcc is None:
            self.skipTest("no C compiler (gcc) to compile abi/include/qibo/qiboaccel.h with")
        lines = ['#include <stdio.h>', '#include <stddef.h>', '#include "qibo/qiboaccel.h"', "int main(void) {"]
        expected = []
        for cname, cls in N.STRUCTS.items():
            lines.append(f'printf("%zu\\n", sizeof({cname}));')
            expected.append((f"sizeof({cname})", ctypes.sizeof(cls)))
            for field, _ in cls._fields_:
                lines.append(f'printf("%zu\\n", offsetof({cname}, {field}));')
                expected.append((f"{cname}.{field}", getattr(cls, field).offset))
        lines.append("return 0; }")
        with tempfile.TemporaryDirectory() as tmp:
            src, exe = os.path.join(tmp, "layout.c"), os.path.join(tmp, "layout")
            with open(src, "w") as f:
                f.write("\n".join(lines))
            subprocess.run([gcc, "-std=c99", "-I", os.path.join(REPO, "abi", "include"), src, "-o", exe], check=True,
                           capture_output=True)
            out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout.split()
        self.assertEqual(len(out), len(expected))
        for (what, mine), theirs in zip(expected, out):
            self.assertEqual(mine, int(theirs), what)
        # The record dtype of qiboaccel_gate_record.
        self.assertEqual(np.dtype(N.GATE_RECORD_FIELDS).itemsize, 48)

    def test_library_speaks_api_1_1(self):
        self.assertEqual(N.api_version()[0], N.API_MAJOR)
        self.assertGreaterEqual(N.api_version()[1], N.API_MINOR)


def load_vqe():
    spec = importlib.util.spec_from_file_location("vqe_example", VQE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class VqeExample(unittest.TestCase):
    @staticmethod
    def ising(n):
        """The Ising chain written out here, -Σ ZZ - Σ X, and its ground energy from numpy."""
        h = np.zeros((2**n, 2**n), dtype=complex)
        for q in range(n - 1):
            h -= observable_matrix([(1.0, {q: "Z", q + 1: "Z"})], n)
        for q in range(n):
            h -= observable_matrix([(1.0, {q: "X"})], n)
        return h, float(np.linalg.eigvalsh(h)[0])

    def test_vqe_gets_close_to_the_exact_ground_energy(self):
        vqe = load_vqe()
        n = 4
        terms = vqe.ising_chain(n, 1.0)
        h, exact = self.ising(n)
        np.testing.assert_allclose(vqe.dense(terms, n), h, atol=0)
        self.assertAlmostEqual(vqe.exact_ground_energy(terms, n), exact, places=12)
        trace, energy, theta = vqe.minimise("cpu", terms, n, layers=4, iterations=120, rate=0.1, seed=1)
        self.assertEqual(len(trace), 120)
        self.assertGreater(trace[0][1], energy + 0.5)  # it descended
        self.assertGreaterEqual(energy, exact - 1e-9)  # the variational bound
        self.assertLess(energy - exact, 0.02)
        # The energy it reports is that of the ansatz at its angles, by the numpy simulator.
        psi = np.zeros(16, dtype=complex)
        psi[0] = 1
        k = 0
        for layer in range(5):
            if layer:
                for q in range(n - 1):
                    psi = apply(psi, n, PAULI["X"], [q + 1], [q])
            for q in range(n):
                psi = apply(psi, n, ry(theta[k]), [q])
                k += 1
        self.assertAlmostEqual(float(np.real(np.vdot(psi, h @ psi))), energy, places=10)

    def test_vqe_script_runs(self):
        env = dict(os.environ)
        r = subprocess.run([sys.executable, VQE, "--iterations", "30", "--backend", "python@numpy"], capture_output=True,
                           text=True, env=env, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        last = r.stdout.strip().splitlines()[-1]
        self.assertTrue(last.startswith("VQE energy "), last)
        self.assertIn(f"exact ground energy {self.ising(4)[1]:.8f}", last)
        bad = subprocess.run([sys.executable, VQE, "--backend", "no-such-backend"], capture_output=True, text=True,
                             env=env, timeout=120)
        self.assertEqual(bad.returncode, 1)
        self.assertTrue(bad.stderr.startswith("vqe: error: unknown backend 'no-such-backend'"), bad.stderr)
        self.assertEqual(len(bad.stderr.strip().splitlines()), 1)


if __name__ == "__main__":
    unittest.main()
