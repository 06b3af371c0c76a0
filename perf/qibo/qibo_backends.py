#!/usr/bin/env python3
"""qibo on QiboAccel against qibo on qibojit: the same qibo circuits, the same machine, one run.

    ./qiboaccel build
    scripts/apt-ensure python3-numpy python3-scipy python3-sympy python3-networkx python3-tabulate python3-joblib \
        python3-numba python3-psutil
    QIBOACCEL_QIBO_SRC=../shared/qibo-0.2.16 QIBOJIT_SRC=../shared/qibojit-0.1.8 \
        /usr/bin/python3 perf/qibo/qibo_backends.py --qubits 20,22,24 --repeat 3 [--markdown FILE]

For each circuit (qibo.models.QFT(n), with swaps; a variational circuit of 5 layers of RY on every qubit, CZ on even
pairs, CZ on odd pairs — the circuits of `./qiboaccel bench`) and size, every backend runs the same qibo Circuit
object: one warm-up execution each (numba's JIT compilation, library loading), then --repeat rounds in which every
backend runs `circuit()` once (interleaved, so a busy spell of a shared machine hits all alike), the median
reported. Timing covers what a qibo user waits for: the whole call, final state included.
The final states of the backends are compared (fidelity |<a|b>|^2 to the first backend's). qibo and qibojit are
imported from their source trees (bindings/python/tests/qibo_shim.py); nothing is installed with pip.
"""

import argparse
import math
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "bindings", "python", "tests"))
sys.path.insert(0, os.path.join(REPO, "build", "python"))

import numpy as np  # noqa: E402

import qibo_shim  # noqa: E402


def qft(n):
    from qibo.models import QFT

    return QFT(n)


def variational(n, layers=5, seed=7):
    from qibo import Circuit, gates

    rng = np.random.default_rng(seed)
    c = Circuit(n)
    for _ in range(layers):
        for q in range(n):
            c.add(gates.RY(q, float(rng.uniform(0, 2 * math.pi))))
        for q in range(0, n - 1, 2):
            c.add(gates.CZ(q, q + 1))
        for q in range(1, n - 1, 2):
            c.add(gates.CZ(q, q + 1))
    return c


CIRCUITS = {"qft": qft, "variational": variational}


def use(backend_object):
    """Makes an already constructed backend qibo's current one (what qibo.set_backend does, minus constructing a new
    backend object: a fresh qibojit backend pays set-up costs on its first circuit)."""
    from qibo.backends import _Global

    _Global._backend = backend_object
    _Global._transpiler = None


def parse_qubits(text):
    if ".." in text:
        lo, hi = text.split("..")
        return list(range(int(lo), int(hi) + 1))
    return [int(x) for x in text.split(",")]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--qubits", default="20,22,24", help="sizes: 20,22,24 or 20..24")
    ap.add_argument("--circuits", default="qft,variational")
    ap.add_argument("--backends", default="qibojit:numba,qiboaccel:cpu",
                    help="qibo backend:platform pairs; the first is the reference for ratios and fidelity")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--precision", default="double", choices=["double", "single"])
    ap.add_argument("--markdown", help="also write the table to this file")
    args = ap.parse_args()

    extra = []
    qibojit_src = os.environ.get("QIBOJIT_SRC") or os.path.join(REPO, "..", "shared", "qibojit-0.1.8")
    if any(b.startswith("qibojit") for b in args.backends.split(",")):
        if not os.path.isdir(os.path.join(qibojit_src, "src", "qibojit")):
            sys.exit(f"qibojit sources not found at {qibojit_src} (set QIBOJIT_SRC)")
        extra.append(("qibojit", os.path.abspath(qibojit_src)))
    try:
        qibo_shim.install(extra)
    except RuntimeError as e:
        sys.exit(str(e))
    import qibo

    from qibo.backends import construct_backend

    backends = [tuple(b.split(":", 1)) if ":" in b else (b, None) for b in args.backends.split(",")]
    objects = {}
    for name, platform in backends:
        objects[(name, platform)] = construct_backend(name, platform=platform) if platform else construct_backend(name)
        objects[(name, platform)].set_precision(args.precision)
    rows = []
    print(f"# qibo {qibo.__version__}, {args.precision} precision, median of {args.repeat} after one warm-up; "
          f"{os.cpu_count()} CPUs", flush=True)
    for name in args.circuits.split(","):
        for n in parse_qubits(args.qubits):
            circuit = CIRCUITS[name](n)
            # Warm up every backend (numba's JIT compilation, library loading), then interleave the timed runs, so
            # that a busy spell of the machine falls on every backend alike.
            elapsed = {b: [] for b in backends}
            states = {}
            for b in backends:
                use(objects[b])
                circuit._final_state = None
                circuit().state()
            for _ in range(args.repeat):
                for b in backends:
                    use(objects[b])
                    circuit._final_state = None
                    start = time.perf_counter()
                    state = circuit().state()
                    elapsed[b].append(time.perf_counter() - start)
                    states[b] = np.asarray(state)
            times = [statistics.median(elapsed[b]) for b in backends]
            for (backend, platform), t in zip(backends, times):
                print(f"  {name:12} {n:3} qubits  {backend}:{platform or '':10} {t:9.3f} s  (runs: "
                      + ", ".join(f"{x:.3f}" for x in elapsed[(backend, platform)]) + ")", flush=True)
            states = [states[b] for b in backends]
            ref = states[0]
            fid = [float(abs(np.vdot(ref, s)) ** 2) for s in states]
            rows.append((name, n, times, fid, len(circuit.queue)))
            del states

    labels = [f"{b}:{p}" if p else b for b, p in backends]
    header = "| circuit | qubits | gates | " + " | ".join(f"{l} (s)" for l in labels) + " | " + \
        " | ".join(f"{labels[0]} ÷ {l}" for l in labels[1:]) + " | fidelity |"
    lines = [header, "|" + "---|" * (3 + len(labels) + len(labels) - 1 + 1)]
    for name, n, times, fid, ngates in rows:
        ratios = " | ".join(f"**{times[0] / t:.1f}×**" for t in times[1:])
        lines.append(f"| {name} | {n} | {ngates} | " + " | ".join(f"{t:.3f}" for t in times) + f" | {ratios} | "
                     + f"{min(fid):.12f} |")
    table = "\n".join(lines)
    print()
    print(table)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(table + "\n")


if __name__ == "__main__":
    main()
