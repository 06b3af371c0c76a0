"""qiboaccel.Circuit: a circuit held by libqiboaccel, built from OpenQASM 2.0 or gate by gate, with symbolic
parameters (add_parameter, OpenQASM's `input angle`) whose values are given when it runs."""

import ctypes
import numbers
import threading

import numpy as np

from . import _native as N
from .parameters import Parameter, gate_angles

_gate_cache = {}
_gate_lock = threading.Lock()


def gate_info(name):
    """What a gate takes, by qibo or OpenQASM name: dict(gate, name, nqubits, builtin_controls, nparams, matrix)."""
    key = name.lower() if isinstance(name, str) else name
    info = _gate_cache.get(key)
    if info is None:
        g = N.GateInfo()
        N.call("qiboaccel_gate_lookup", N.text(name, "gate name"), ctypes.byref(g))
        info = {
            "gate": g.gate, "name": N.decode(g.name), "nqubits": g.n_qubits,
            "builtin_controls": g.n_builtin_controls, "nparams": g.n_params, "matrix": bool(g.takes_matrix),
        }
        with _gate_lock:
            _gate_cache[key] = info
    return info


def _qubit_list(values, what, gate):
    """Validates qubit indices here: ctypes would silently wrap a negative index into a huge unsigned one."""
    out = []
    for q in values:
        if isinstance(q, (bool, np.bool_)) or not isinstance(q, numbers.Integral):
            raise N.InvalidArgumentError(f"{gate}: {what} {q!r} is not an integer")
        q = int(q)
        if q < 0:
            raise N.InvalidArgumentError(f"{gate}: {what} {q} is negative")
        if q >= 2**32:
            raise N.InvalidArgumentError(f"{gate}: {what} {q} is out of range")
        out.append(q)
    return out


def _as_tuple(value):
    if value is None:
        return ()
    if isinstance(value, (list, tuple, np.ndarray)):
        return tuple(np.asarray(value).ravel().tolist()) if isinstance(value, np.ndarray) else tuple(value)
    return (value,)


def _matrix_array(matrix, gate):
    try:
        m = np.ascontiguousarray(np.asarray(matrix, dtype=np.complex128))
    except (TypeError, ValueError):
        raise N.InvalidArgumentError(f"{gate}: the matrix must hold complex numbers") from None
    return m.ravel()


class Circuit:
    """A quantum circuit in libqiboaccel. Qubit 0 is the most significant bit of a state index (qibo's convention).

    >>> c = Circuit(2); c.add("h", 0).add("cx", 0, 1).measure(0, 1)
    >>> c = Circuit.from_qasm(open("bell.qasm").read())
    >>> theta = c.add_parameter("theta"); c.add("rx", 0, params=2 * theta + 0.5)   # values come at execution
    """

    def __init__(self, nqubits):
        if isinstance(nqubits, bool) or not isinstance(nqubits, numbers.Integral) or not 0 < int(nqubits) < 2**32:
            raise N.InvalidArgumentError(f"a circuit needs a positive whole number of qubits, got {nqubits!r}")
        self._handle = None
        handle = ctypes.c_void_p()
        N.call("qiboaccel_circuit_create", int(nqubits), ctypes.byref(handle))
        self._handle = handle

    @classmethod
    def _adopt(cls, handle):
        c = cls.__new__(cls)
        c._handle = handle
        return c

    @classmethod
    def from_qasm(cls, text, name="<input>"):
        """Parses OpenQASM 2.0 text; errors name `name`:line:column."""
        handle = ctypes.c_void_p()
        N.call("qiboaccel_circuit_from_qasm", N.text(text, "QASM text"), N.text(name, "name"), ctypes.byref(handle))
        return cls._adopt(handle)

    @classmethod
    def from_qasm_file(cls, path):
        """Reads and parses an OpenQASM 2.0 file; errors name the path:line:column."""
        import os
        handle = ctypes.c_void_p()
        N.call("qiboaccel_circuit_from_qasm_file", N.text(os.fspath(path), "path"), ctypes.byref(handle))
        return cls._adopt(handle)

    # ------------------------------------------------------------------ building

    def add(self, gate, *qubits, params=(), controls=(), matrix=None):
        """Appends a gate by name (qibo's or OpenQASM's): qubits in qibo's order (built-in controls first), parameters
        in qibo's order, extra `controls`, and for Unitary / GeneralizedfSim a `matrix`. Returns self.

        A parameter is a real number, or a Parameter of this circuit in an affine expression with at most one
        parameter (`theta`, `2*theta + 0.5`, `pi/2 - theta`): its value is given when the circuit runs."""
        name = N.text(gate, "gate name")
        label = gate if isinstance(gate, str) else repr(gate)
        if len(qubits) == 1 and isinstance(qubits[0], (list, tuple, np.ndarray)):
            qubits = tuple(np.asarray(qubits[0]).ravel().tolist())
        q = _qubit_list(qubits, "qubit", label)
        c = _qubit_list(_as_tuple(controls), "control qubit", label)
        p, symbols, coefficients = gate_angles(_as_tuple(params), self._key(), label)
        args = N.GateArgs()
        args.name = name
        q_arr = (ctypes.c_uint32 * max(1, len(q)))(*q)
        c_arr = (ctypes.c_uint32 * max(1, len(c)))(*c)
        p_arr = (ctypes.c_double * max(1, len(p)))(*p)
        args.qubits, args.n_qubits = q_arr, len(q)
        args.controls, args.n_controls = c_arr, len(c)
        args.params, args.n_params = p_arr, len(p)
        if symbols is not None:
            N.require(1, "a gate with symbolic parameters")
            s_arr = (ctypes.c_int32 * len(symbols))(*symbols)
            k_arr = (ctypes.c_double * len(coefficients))(*coefficients)
            args.param_symbols, args.param_coefficients = s_arr, k_arr
        m = None
        if matrix is not None:
            m = _matrix_array(matrix, label)
            args.matrix = m.ctypes.data_as(ctypes.POINTER(ctypes.c_double))
            args.n_matrix_values = m.size
        N.call("qiboaccel_circuit_add_gate", self._live(), ctypes.byref(args))
        return self

    def extend(self, gates):
        """Appends many gates in one call: each item is (name, qubits[, params[, controls[, matrix]]]) or a dict
        with those keys; parameters as in `add` (numbers, or this circuit's Parameters in affine expressions). All or
        nothing: on error no gate is added, and the message names the failing one."""
        records, qubits, params, symbols, coefficients, matrices = [], [], [], [], [], []
        symbolic = False
        key = self._key()
        n_matrix = 0
        for item in gates:
            if isinstance(item, dict):
                name, qs = item["gate"], item.get("qubits", ())
                ps, cs, mat = item.get("params", ()), item.get("controls", ()), item.get("matrix")
            else:
                item = tuple(item) + (None,) * (5 - len(item))
                name, qs, ps, cs, mat = item[:5]
            info = gate_info(name)
            qs = _qubit_list(_as_tuple(qs), "qubit", name)
            cs = _qubit_list(_as_tuple(cs), "control qubit", name)
            ps, ss, ks = gate_angles(_as_tuple(ps), key, name)
            if ss is not None:
                symbolic = True
            symbols.extend(ss if ss is not None else [-1] * len(ps))
            coefficients.extend(ks if ks is not None else [1.0] * len(ps))
            offset, moffset, mcount = len(qubits), -1, 0
            qubits.extend(qs)
            qubits.extend(cs)
            if mat is not None:
                m = _matrix_array(mat, name)
                moffset, mcount = n_matrix, m.size
                matrices.append(m)
                n_matrix += m.size
            records.append((info["gate"], len(qs), len(cs), offset, len(ps), len(params), moffset, mcount, 0, 0))
            params.extend(ps)
        if not records:
            return self
        self._add_records(np.array(records, dtype=N.GATE_RECORD_FIELDS), np.array(qubits, dtype=np.uint32),
                          np.array(params, dtype=np.float64),
                          np.concatenate(matrices) if matrices else np.zeros(0, dtype=np.complex128),
                          (np.array(symbols, dtype=np.int32), np.array(coefficients, dtype=np.float64)) if symbolic else None)
        return self

    def _add_records(self, records, qubits, params, matrices, symbolic=None):
        """One qiboaccel_circuit_add_gates call over prepared numpy arrays (records of GATE_RECORD_FIELDS); `symbolic`:
        None, or (param_symbols int32, param_coefficients float64) parallel to params."""
        records = np.ascontiguousarray(records)
        qubits = np.ascontiguousarray(qubits, dtype=np.uint32)
        params = np.ascontiguousarray(params, dtype=np.float64)
        matrices = np.ascontiguousarray(matrices, dtype=np.complex128)
        batch = N.GateBatch()
        batch.n_gates = len(records)
        batch.record_size = records.dtype.itemsize
        batch.records = records.ctypes.data
        batch.qubits, batch.n_qubit_refs = qubits.ctypes.data, qubits.size
        batch.params, batch.n_params = params.ctypes.data, params.size
        batch.matrices, batch.n_matrix_values = matrices.ctypes.data, matrices.size
        if symbolic is not None:
            N.require(1, "gates with symbolic parameters")
            symbols = np.ascontiguousarray(symbolic[0], dtype=np.int32)
            coefficients = np.ascontiguousarray(symbolic[1], dtype=np.float64)
            batch.param_symbols, batch.param_coefficients = symbols.ctypes.data, coefficients.ctypes.data
        N.call("qiboaccel_circuit_add_gates", self._live(), ctypes.byref(batch))

    def add_parameter(self, name):
        """Declares a symbolic parameter called `name` (a letter or '_', then letters, digits, '_') and returns it as a
        Parameter for gate parameters. Values are given in declaration order (see `parameters`)."""
        N.require(1, "Circuit.add_parameter")
        index = ctypes.c_uint32()
        encoded = N.text(name, "parameter name")
        N.call("qiboaccel_circuit_add_parameter", self._live(), encoded, ctypes.byref(index))
        return Parameter(self._key(), index.value, N.decode(encoded))

    def parameter(self, name):
        """The Parameter called `name` (or at index `name` when an int): e.g. an OpenQASM `input angle`, to use in more
        gates. InvalidArgumentError when the circuit has none of that name."""
        names = self.parameters
        if isinstance(name, numbers.Integral) and not isinstance(name, bool):
            if not 0 <= name < len(names):
                raise N.InvalidArgumentError(f"parameter index {name} is out of range ({len(names)} parameter(s))")
            return Parameter(self._key(), int(name), names[name])
        if name not in names:
            raise N.InvalidArgumentError(f"unknown parameter {name!r} (the circuit has: {', '.join(names) or 'none'})")
        return Parameter(self._key(), names.index(name), name)

    @property
    def parameters(self):
        """The names of the symbolic parameters (add_parameter, OpenQASM `input angle NAME;`), in the order execute,
        sweep and gradient take their values."""
        n = self._info().n_parameters
        out = []
        for i in range(n):
            name = ctypes.c_char_p()
            N.call("qiboaccel_circuit_get_parameter", self._live(), i, ctypes.byref(name))
            out.append(N.decode(name.value))
        return tuple(out)

    @property
    def nparameters(self):
        """How many symbolic parameters the circuit has."""
        return self._info().n_parameters

    def add_register(self, name, size):
        """Declares a classical register after the existing ones; returns the index of its bit 0 among all bits."""
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 0 or size >= 2**32:
            raise N.InvalidArgumentError(f"register {name!r}: size must be a whole number, got {size!r}")
        offset = ctypes.c_uint32()
        N.call("qiboaccel_circuit_add_register", self._live(), N.text(name, "register name"), int(size), ctypes.byref(offset))
        return offset.value

    def measure(self, *qubits, cbits=None):
        """Measures qubits, into the next free bits of the implicit register "m" or into `cbits` (bit indices over
        all registers). Returns self."""
        q = _qubit_list(qubits[0] if len(qubits) == 1 and isinstance(qubits[0], (list, tuple)) else qubits, "qubit", "measure")
        if cbits is None:
            targets = [-1] * len(q)
        else:
            targets = _qubit_list(_as_tuple(cbits), "classical bit", "measure")
            if len(targets) != len(q):
                raise N.InvalidArgumentError(f"measure: {len(q)} qubit(s) but {len(targets)} classical bit(s)")
        for qubit, cbit in zip(q, targets):
            N.call("qiboaccel_circuit_add_measurement", self._live(), qubit, cbit)
        return self

    def reset(self, *qubits):
        """Resets qubits to |0>. Returns self."""
        for q in _qubit_list(qubits, "qubit", "reset"):
            N.call("qiboaccel_circuit_add_reset", self._live(), q)
        return self

    # ------------------------------------------------------------------ reading

    def _info(self):
        info = N.CircuitInfo()
        N.call("qiboaccel_circuit_get_info", self._live(), ctypes.byref(info))
        return info

    @property
    def nqubits(self):
        return self._info().n_qubits

    @property
    def nclbits(self):
        return self._info().n_clbits

    @property
    def noperations(self):
        return self._info().n_operations

    @property
    def parse_seconds(self):
        return self._info().parse_seconds

    @property
    def registers(self):
        """Classical registers: list of (name, offset, size)."""
        out = []
        for i in range(self._info().n_registers):
            r = N.RegisterInfo()
            N.call("qiboaccel_circuit_get_register", self._live(), i, ctypes.byref(r))
            out.append((N.decode(r.name), r.offset, r.size))
        return out

    @property
    def warnings(self):
        """OpenQASM warnings ("file:line:column: warning: ...")."""
        out = []
        for i in range(self._info().n_warnings):
            message = ctypes.c_char_p()
            N.call("qiboaccel_circuit_get_warning", self._live(), i, ctypes.byref(message))
            out.append(N.decode(message.value))
        return out

    def __repr__(self):
        if self._handle is None:
            return "<qiboaccel.Circuit (closed)>"
        info = self._info()
        params = f", {info.n_parameters} parameters" if info.n_parameters else ""
        return f"<qiboaccel.Circuit {info.n_qubits} qubits, {info.n_clbits} classical bits, {info.n_operations} operations{params}>"

    # ------------------------------------------------------------------ lifetime

    def _live(self):
        if self._handle is None:
            raise N.InvalidArgumentError("the circuit is closed")
        return self._handle

    def _key(self):
        """What ties a Parameter to this circuit: the handle's value (the C API never reuses handle values)."""
        return self._live().value

    def close(self):
        """Frees the circuit now (otherwise when it is garbage-collected)."""
        handle, self._handle = getattr(self, "_handle", None), None
        if handle is not None and N._lib is not None:
            N._lib.qiboaccel_circuit_destroy(handle)

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: nothing left to free into
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
