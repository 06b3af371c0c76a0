#!/usr/bin/env python3
"""A small VQE in Python: what examples/vqe (C#) does, through the qiboaccel package.

The 4-qubit transverse-field Ising chain H = -Σ Z_i Z_{i+1} - h Σ X_i (open ends), a real-amplitude hardware-efficient
ansatz (RY on every qubit, then `layers` times a CNOT ladder and another RY layer), and plain gradient descent
θ ← θ - rate·∇<H>, each gradient from one adjoint pass (qiboaccel.gradient, method="adjoint"). It prints the energy
beside the exact ground energy (numpy's eigvalsh of the dense Hamiltonian).

    PYTHONPATH=build/python python3 examples/vqe/vqe.py [--backend SPEC] [--qubits N] [--layers L] [--iterations K]
                                                        [--rate R] [--field H] [--seed S]
"""

import argparse
import os
import sys

import numpy as np

try:
    import qiboaccel
except ImportError:  # run from a checkout after ./qiboaccel build, without PYTHONPATH
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "python"))
    import qiboaccel

PAULI = {
    "X": np.array([[0, 1], [1, 0]], dtype=complex),
    "Y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "Z": np.array([[1, 0], [0, -1]], dtype=complex),
}


def ising_chain(n, field):
    """-Σ Z_i Z_{i+1} - field·Σ X_i as (coefficient, {qubit: Pauli letter}) terms."""
    return [(-1.0, {q: "Z", q + 1: "Z"}) for q in range(n - 1)] + [(-float(field), {q: "X"}) for q in range(n)]


def observable_text(terms):
    """The terms as the observable text qiboaccel takes: "-1.0*Z0*Z1 - 1.0*Z1*Z2 ..."."""
    out = []
    for c, paulis in terms:
        body = repr(abs(c)) + "".join(f"*{p}{q}" for q, p in sorted(paulis.items()))
        out.append(("-" if c < 0 else "") + body if not out else (" - " if c < 0 else " + ") + body)
    return "".join(out) or "0"


def dense(terms, n):
    """The 2^n x 2^n matrix of the terms (qubit 0 the most significant bit of an index, qibo's convention)."""
    h = np.zeros((2**n, 2**n), dtype=complex)
    for c, paulis in terms:
        m = np.eye(1, dtype=complex)
        for q in range(n):
            m = np.kron(m, PAULI[paulis[q]] if q in paulis else np.eye(2))
        h += c * m
    return h


def exact_ground_energy(terms, n):
    """The lowest eigenvalue of the dense Hamiltonian: the check printed beside the VQE's answer."""
    return float(np.linalg.eigvalsh(dense(terms, n))[0])


def real_amplitudes(n, layers):
    """RY(θ) on every qubit, then `layers` times a CNOT ladder and another RY layer: n·(layers + 1) parameters named
    l{layer}_{qubit}. Real amplitudes suffice for a real Hamiltonian."""
    c = qiboaccel.Circuit(n)
    for layer in range(layers + 1):
        if layer:
            for q in range(n - 1):
                c.add("CNOT", q, q + 1)
        for q in range(n):
            c.add("RY", q, params=c.add_parameter(f"l{layer}_{q}"))
    return c


def minimise(backend, terms, n, layers, iterations, rate, seed=1, progress=None):
    """`iterations` steps of θ ← θ - rate·∇<H> from small random angles (seeded). Returns (trace of (iteration,
    energy, |gradient|), final energy, final θ)."""
    ansatz = real_amplitudes(n, layers)
    observable = observable_text(terms)
    theta = np.random.default_rng(seed).uniform(-0.5, 0.5, size=ansatz.nparameters)
    trace = []
    for it in range(iterations):
        g = qiboaccel.gradient(ansatz, observable, theta, backend=backend, method="adjoint")
        step = (it, g.value, float(np.linalg.norm(g.gradient)))
        trace.append(step)
        if progress:
            progress(*step)
        theta = theta - rate * g.gradient
    energy = qiboaccel.gradient(ansatz, observable, theta, backend=backend, method="adjoint").value
    return trace, energy, theta


def main(argv=None):
    parser = argparse.ArgumentParser(description="A small VQE: the transverse-field Ising chain, a real-amplitude "
                                                 "ansatz, gradient descent with adjoint gradients.")
    parser.add_argument("--backend", default="cpu", help="a QiboAccel backend: cpu, gpu, python@numpy, ... (cpu)")
    parser.add_argument("--qubits", type=int, default=4)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--rate", type=float, default=0.1)
    parser.add_argument("--field", type=float, default=1.0, help="the transverse field h (1.0)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the starting angles (1)")
    args = parser.parse_args(argv)
    if args.qubits < 2 or args.layers < 0 or args.iterations < 0:
        parser.error("--qubits must be at least 2, --layers and --iterations at least 0")
    try:
        backend = qiboaccel.Backend(args.backend)
        terms = ising_chain(args.qubits, args.field)
        print(f"H = {observable_text(terms)}")
        print(f"backend {backend.name}; ansatz: RY on every qubit, then {args.layers} x (CNOT ladder, RY) on "
              f"{args.qubits} qubits ({args.qubits * (args.layers + 1)} parameters)")

        def progress(it, energy, norm):
            if it % 10 == 0:
                print(f"  iteration {it:4d}: <H> = {energy:12.8f}   |grad| = {norm:.2e}")

        _, energy, _ = minimise(backend, terms, args.qubits, args.layers, args.iterations, args.rate, args.seed, progress)
        exact = exact_ground_energy(terms, args.qubits)
        print(f"VQE energy {energy:.8f}; exact ground energy {exact:.8f}; error {energy - exact:.2e}")
        return 0
    except qiboaccel.Error as e:
        print(f"vqe: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
