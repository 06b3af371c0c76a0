"""Runs the circuits of a cases file through the qiboaccel package three ways and writes what came out, for
tests/QiboAccel.Tests/Bindings/PythonPackageTests.cs to compare with the C# API.

    python3 run_cases.py CASES.json OUT.json

A case: {"name", "nqubits", "gates": [[name, qubits, controls, params, matrix re/im pairs], ...] or null, "qasm":
text or null, "backend", "shots", "seed"}. Circuits from gates get every qubit measured at the end; QASM measures
itself. OUT.json: {name: {"add": RUN, "extend": RUN,
"qasm": RUN}} with RUN = {"state": [[re, im], ...], "frequencies": {bits: count}} or {"error": message}.
"""

import json
import sys

import numpy as np

import qiboaccel


def matrix_of(pairs):
    if not pairs:
        return None
    a = np.array(pairs, dtype=float)
    return a[0::2] + 1j * a[1::2]


def build(case, how):
    if how == "qasm":
        return qiboaccel.Circuit.from_qasm(case["qasm"], case["name"] + ".qasm")
    c = qiboaccel.Circuit(case["nqubits"])
    if how == "add":
        for name, qubits, controls, params, matrix in case["gates"]:
            c.add(name, *qubits, params=params, controls=controls, matrix=matrix_of(matrix))
    else:
        c.extend([(name, qubits, params, controls, matrix_of(matrix)) for name, qubits, controls, params, matrix in case["gates"]])
    c.measure(*range(case["nqubits"]))
    return c


def run(case, how):
    try:
        c = build(case, how)
        r = qiboaccel.execute(c, backend=case["backend"], shots=case["shots"], seed=case["seed"])
        return {"state": [[z.real, z.imag] for z in r.state.tolist()], "frequencies": r.frequencies()}
    except qiboaccel.Error as e:
        return {"error": f"{type(e).__name__}: {e}"}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    out = {}
    for case in cases:
        ways = (["add", "extend"] if case.get("gates") is not None else []) + (["qasm"] if case.get("qasm") else [])
        out[case["name"]] = {how: run(case, how) for how in ways}
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
