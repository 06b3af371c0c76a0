"""qibo_backend_numpy: the reference QiboAccel backend written in Python, a dense state vector in numpy.

Run it with ``python@numpy`` (the bridge library libqibo_python.so imports this package and calls
``create_backend()``). It implements MATRIX, DIAGONAL and MEASURE natively; the host lowers every other
operation kind to MATRIX. The protocol it follows is described in ``qiboaccel_bridge`` and python/README.md.

The state of n qubits is a numpy vector of 2**n amplitudes. Viewed as a tensor of shape (2,) * n, axis q
is qubit q, which makes qubit 0 the most significant bit of a basis index (qibo's convention). A gate on
k targets is a tensor contraction of its (2,) * 2k matrix with the target axes of the sub-tensor where all
control qubits are 1.
"""

import sys

import numpy as np

from qiboaccel_bridge import OP_DIAGONAL, OP_MATRIX, OP_MEASURE, OP_NAMES, BackendError, ERROR_UNSUPPORTED

__version__ = "0.1.0"

MAX_QUBITS = 28


def create_backend(options=None):
    """The bridge's entry point: ``python@numpy`` → ``create_backend()``."""
    if options:
        raise BackendError(f"the numpy backend takes no options, got {options!r}")
    return NumpyBackend()


class NumpyBackend:
    """Capabilities and a factory of states."""

    def info(self):
        return {
            "name": "numpy",
            "version": __version__,
            "description": "Reference state vector in pure numpy (a Python backend through the python bridge)",
            "device": f"numpy {np.__version__}, CPython {sys.version.split()[0]}",
            "max_qubits": MAX_QUBITS,
            "precisions": ["complex128", "complex64"],
            "native_ops": ["MATRIX", "DIAGONAL", "MEASURE"],
            "max_matrix_targets": 0,
        }

    def create_state(self, n_qubits, precision):
        return NumpyState(n_qubits, np.dtype(precision))


class NumpyState:
    """A state vector of ``n_qubits`` qubits with amplitudes of ``dtype`` (complex128 or complex64)."""

    def __init__(self, n_qubits, dtype):
        self.n = n_qubits
        self.vector = np.zeros(2 ** n_qubits, dtype=dtype)
        self.vector[0] = 1

    # ----------------------------------------------------------------------------- amplitudes

    def reset(self):
        self.vector[:] = 0
        self.vector[0] = 1

    def get_amplitudes(self, offset, out):
        out[:] = self.vector[offset:offset + len(out)]

    def set_amplitudes(self, offset, data):
        self.vector[offset:offset + len(data)] = data

    # ----------------------------------------------------------------------------- circuits

    def apply(self, ops, qubits, matrices, randoms, cbits):
        # Read each field of all records at once: plain Python ints, no per-record numpy scalars.
        kinds = ops["kind"].tolist()
        n_targets = ops["n_targets"].tolist()
        n_controls = ops["n_controls"].tolist()
        offsets = ops["qubits_offset"].tolist()
        matrix_offsets = ops["matrix_offset"].tolist()
        cbit_of = ops["cbit"].tolist()
        next_random = 0
        for i, kind in enumerate(kinds):
            o, nt, nc = offsets[i], n_targets[i], n_controls[i]
            targets = qubits[o:o + nt].tolist()
            controls = qubits[o + nt:o + nt + nc].tolist()
            try:
                if kind == OP_MATRIX:
                    size = 2 ** nt
                    m = matrices[matrix_offsets[i]:matrix_offsets[i] + size * size]
                    self._matrix(m.reshape(size, size), targets, controls)
                elif kind == OP_DIAGONAL:
                    self._diagonal(matrices[matrix_offsets[i]:matrix_offsets[i] + 2 ** nt], targets, controls)
                elif kind == OP_MEASURE:
                    outcome = self._measure(targets[0], float(randoms[next_random]))
                    next_random += 1
                    if cbit_of[i] >= 0:
                        cbits[cbit_of[i]] = outcome
                else:
                    raise BackendError(f"kind {kind} ({OP_NAMES.get(kind, 'unknown')}) is not native to numpy",
                                       ERROR_UNSUPPORTED, op_index=i)
            except Exception as e:
                # Name the failing record so the host knows ops 0..i-1 were applied.
                if not isinstance(getattr(e, "op_index", None), int) or e.op_index < 0:
                    e.op_index = i
                raise

    def _tensor(self):
        return self.vector.reshape((2,) * self.n)

    def _controlled(self, targets, controls):
        """The sub-tensor (a view) where every control is 1, and the target axes' positions in it."""
        index = [slice(None)] * self.n
        for c in controls:
            index[c] = 1
        free = [q for q in range(self.n) if q not in controls]  # the axes left in the view, in order
        return self._tensor()[tuple(index)], [free.index(t) for t in targets]

    def _matrix(self, matrix, targets, controls):
        k = len(targets)
        sub, axes = self._controlled(targets, controls)
        m = matrix.astype(self.vector.dtype, copy=False).reshape((2,) * (2 * k))
        # Contract the matrix's column axes with the target axes: the result has the k row axes first,
        # then sub's remaining axes in order; move the row axes back to where the targets were.
        result = np.tensordot(m, sub, axes=(list(range(k, 2 * k)), axes))
        sub[...] = np.moveaxis(result, list(range(k)), axes)

    def _diagonal(self, diagonal, targets, controls):
        sub, axes = self._controlled(targets, controls)
        d = diagonal.astype(self.vector.dtype, copy=False).reshape((2,) * len(targets))
        # d's axes follow the target order; reorder them by position in sub and broadcast over the rest.
        order = sorted(range(len(axes)), key=lambda j: axes[j])
        shape = [1] * sub.ndim
        for a in axes:
            shape[a] = 2
        sub *= d.transpose(order).reshape(shape)

    def _measure(self, qubit, r):
        """The header's rule: outcome 1 iff r >= p0 (in the normalised state); collapse and renormalise."""
        halves = self._tensor().swapaxes(0, qubit)  # halves[0]: qubit reads 0, halves[1]: reads 1
        s0 = float(np.sum(_squares(halves[0])))
        s1 = float(np.sum(_squares(halves[1])))
        if not s0 + s1 > 0:
            raise BackendError("MEASURE on a state of zero norm")
        outcome = 1 if r >= s0 / (s0 + s1) else 0
        kept = s1 if outcome else s0
        halves[1 - outcome] = 0
        halves[outcome] *= 1 / np.sqrt(kept)
        return outcome

    # ----------------------------------------------------------------------------- readout

    # ----------------------------------------------------------------------------- ABI 1.1

    def copy_to(self, other):
        other.vector[:] = self.vector

    def inner_product(self, other):
        return np.vdot(self.vector.astype(np.complex128), other.vector.astype(np.complex128))

    def expectation(self, terms):
        # Each Pauli string applied to the state tensor axis by axis (qubit q is axis q), then <psi|P psi>.
        psi = self.vector.astype(np.complex128).reshape((2,) * self.n)
        total = 0.0
        for coefficient, x, y, z in zip(terms["coefficient"].tolist(), terms["x_mask"].tolist(),
                                        terms["y_mask"].tolist(), terms["z_mask"].tolist()):
            phi = psi
            for q in range(self.n):
                shape = [2 if a == q else 1 for a in range(self.n)]
                if x >> q & 1:    # (X psi)[b] = psi[1 - b]
                    phi = np.flip(phi, axis=q)
                elif y >> q & 1:  # (Y psi)[b] = i (-1)^(1 - b) psi[1 - b]
                    phi = np.flip(phi, axis=q) * np.array([-1j, 1j]).reshape(shape)
                elif z >> q & 1:  # (Z psi)[b] = (-1)^b psi[b]
                    phi = phi * np.array([1, -1]).reshape(shape)
            total += coefficient * np.real(np.vdot(psi, phi))
        return total

    def probabilities(self, qubits):
        qubits = [int(q) for q in qubits]
        p = _squares(self.vector).reshape((2,) * self.n)
        others = tuple(q for q in range(self.n) if q not in qubits)
        marginal = np.sum(p, axis=others) if others else p  # axes of the kept qubits, ascending
        kept = sorted(qubits)
        return np.ascontiguousarray(marginal.transpose([kept.index(q) for q in qubits])).reshape(-1)

    def sample(self, qubits, randoms):
        p = self.probabilities(qubits)
        cumulative = np.cumsum(p)  # sequential sum in increasing index, in float64 (the header's rule)
        total = cumulative[-1]
        if not total > 0:
            raise BackendError("sampling a state of zero norm")
        # smallest i with r * total < cumulative[i], the randoms taken in increasing order (searchsorted walks
        # sorted needles without a cache miss per step; r -> r * total keeps the order)
        randoms = np.asarray(randoms, dtype=np.float64)
        order = np.argsort(randoms, kind="stable")
        found = np.searchsorted(cumulative, randoms[order] * total, side="right")
        # rounding can leave r * total equal to the total: the first outcome whose sum reaches it (the last with p > 0)
        found[found == len(p)] = np.searchsorted(cumulative, total, side="left")
        outcomes = np.empty(len(randoms), dtype=np.uint64)
        outcomes[order] = found
        return outcomes


def _squares(amplitudes):
    """|a|² = re² + im² of the stored amplitudes, formed in float64 (the header's rule, complex64 included)."""
    return amplitudes.real.astype(np.float64) ** 2 + amplitudes.imag.astype(np.float64) ** 2
