"""qiboaccel_bridge: the protocol between QiboAccel's Python bridge and backends written in Python.

QiboAccel loads every backend as a shared library behind one C ABI (abi/include/qibo/backend.h). The
bridge library ``libqibo_python.so`` implements that ABI by embedding CPython: ``python@NAME`` imports the
module ``qibo_backend_NAME`` and calls its ``create_backend()``. The bridge checks every argument the host
passes (struct sizes, handles, qubit lists, amplitude ranges, operation records, random numbers, classical
bits) before Python sees it, so a backend only implements the physics.

What a backend module provides::

    def create_backend(options=None) -> Backend
        # called as create_backend() for "python@NAME", create_backend("TEXT") for "python@NAME:TEXT"

    class Backend:
        def info(self) -> dict:
            # "name" (str, required), "version" (str), "description" (str), "device" (str),
            # "max_qubits" (int, required), "precisions" (list of "complex128"/"complex64"),
            # "native_ops" (list of kinds, numbers or names; MATRIX and MEASURE are required),
            # "max_matrix_targets" (int, 0 = no limit). Read once, when the backend is created.
        def create_state(self, n_qubits: int, precision: str) -> State
            # precision is "complex128" or "complex64"; the state starts in |0...0>
        def close(self)                       # optional, called when the host destroys the backend

    class State:
        def reset(self)                       # back to |0...0>
        def get_amplitudes(self, offset, out) # out: writable complex array (the state's dtype) over the
                                              # host's buffer; fill out[:] with amplitudes offset...
        def set_amplitudes(self, offset, data)  # data: read-only complex array over the host's buffer
        def apply(self, ops, qubits, matrices, randoms, cbits)
        def probabilities(self, qubits) -> numpy.ndarray   # 2**len(qubits) float64 values
        def sample(self, qubits, randoms) -> numpy.ndarray # len(randoms) uint64 outcomes
        def close(self)                       # optional, called when the host destroys the state

``apply`` receives the host's circuit without per-gate marshalling:

- ``ops``: ONE numpy structured array viewed over the host's record buffer, dtype ``op_dtype(op_size)``
  (fields kind, n_targets, n_controls, qubits_offset, matrix_offset, cbit, flags, params[4], exactly the
  C struct ``qibo_op``; itemsize is the host's record stride, so later ABI versions can append fields).
  Only kinds the backend declared native arrive; the host lowers every other kind to MATRIX.
- ``qubits``: uint32 array; op i acts on targets ``qubits[o:o+nt]`` then controls ``qubits[o+nt:o+nt+nc]``
  with ``o = ops["qubits_offset"][i]``.
- ``matrices``: complex128 array; MATRIX uses ``4**nt`` values (row-major) from ``matrix_offset``,
  DIAGONAL ``2**nt`` values.
- ``randoms``: float64 array, consumed in order by MEASURE ops.
- ``cbits``: writable uint8 array over the host's classical bits; MEASURE writes ``cbits[cbit]`` when
  ``cbit >= 0``.

Conventions (the header's): qubit 0 is the most significant bit of a basis index; the first target is
the most significant bit of a matrix index. MEASURE: with ``r`` the next random number and ``p0`` the
probability of reading 0 in the normalised state, the outcome is 1 if ``r >= p0`` else 0; the state
collapses and is renormalised. Sampling: outcome ``s`` is the smallest ``i`` with
``randoms[s] * sum(p) < p[0] + ... + p[i]`` (cumulative sum in increasing ``i``, in float64).

Every array handed to the backend is a view of host memory valid only during the call: copy what you
want to keep.

Errors: any exception becomes an ABI error whose message holds the exception type, its text and the
last lines of the traceback. The error code comes from an integer attribute ``code`` if present
(see ``ERROR_*``), else from the type: ValueError/IndexError → INVALID_ARGUMENT, NotImplementedError →
UNSUPPORTED, MemoryError → OUT_OF_MEMORY, anything else → INTERNAL. An integer attribute ``op_index``
(set by ``BackendError(..., op_index=i)``) names the failing operation of ``apply``: the host then knows
that ops ``0..i-1`` were applied.

Functions starting with ``_host_`` are called by the bridge library, not by backends.
"""

import importlib
import os
import sys
import traceback

# qibo_op_kind (abi/include/qibo/backend.h)
OP_INVALID = 0
OP_MATRIX = 1
OP_DIAGONAL = 2
OP_MEASURE = 3
OP_KINDS = {
    "MATRIX": 1, "DIAGONAL": 2, "MEASURE": 3,
    "I": 8, "H": 9, "X": 10, "Y": 11, "Z": 12, "S": 13, "SDG": 14, "T": 15, "TDG": 16, "SX": 17, "SXDG": 18,
    "RX": 19, "RY": 20, "RZ": 21, "U1": 22, "U2": 23, "U3": 24, "SWAP": 25, "ISWAP": 26, "FSWAP": 27,
    "FSIM": 28, "GENERALIZED_FSIM": 29, "RXX": 30, "RYY": 31, "RZZ": 32,
}
OP_NAMES = {v: k for k, v in OP_KINDS.items()}

# qibo_precision
PRECISION_COMPLEX128 = 1
PRECISION_COMPLEX64 = 2
PRECISIONS = {"complex128": PRECISION_COMPLEX128, "complex64": PRECISION_COMPLEX64}

# qibo_error_code
ERROR_INVALID_ARGUMENT = 1
ERROR_UNSUPPORTED = 2
ERROR_OUT_OF_MEMORY = 3
ERROR_VERSION_MISMATCH = 4
ERROR_DEVICE = 5
ERROR_INTERNAL = 6

OP_SIZE_1_0 = 64

INSTALL_HINT = (
    "install Debian's numpy with 'apt-get install python3-numpy libpython3-dev' (or 'pip install numpy' "
    "into that Python), or set QIBOACCEL_PYTHON to a python executable that has numpy"
)


class BackendError(Exception):
    """An error with an ABI error code and, inside ``apply``, the index of the failing operation."""

    def __init__(self, message, code=ERROR_INVALID_ARGUMENT, op_index=-1):
        super().__init__(message)
        self.code = code
        self.op_index = op_index


def _numpy():
    try:
        import numpy
    except ImportError as e:
        raise BackendError(
            f"numpy is missing from the Python at {sys.executable} (version {sys.version.split()[0]}): {e}; "
            + INSTALL_HINT, ERROR_DEVICE) from e
    return numpy


def op_dtype(op_size=OP_SIZE_1_0):
    """The numpy dtype of one ``qibo_op`` record read with a stride of ``op_size`` bytes."""
    numpy = _numpy()
    return numpy.dtype({
        "names": ["kind", "n_targets", "n_controls", "qubits_offset", "matrix_offset", "cbit", "flags", "params"],
        "formats": ["<u4", "<u4", "<u4", "<u4", "<i8", "<i4", "<u4", ("<f8", (4,))],
        "offsets": [0, 4, 8, 12, 16, 24, 28, 32],
        "itemsize": int(op_size),
    })


def kind_number(kind):
    """An operation kind given as a number or a name ("MATRIX", "h", ...) → its number."""
    if isinstance(kind, str):
        try:
            return OP_KINDS[kind.upper()]
        except KeyError:
            raise ValueError(f"unknown operation kind name {kind!r} (known: {', '.join(OP_KINDS)})") from None
    if isinstance(kind, bool) or not isinstance(kind, int):
        raise TypeError(f"an operation kind must be an int or a name, got {type(kind).__name__}")
    return kind


# ---------------------------------------------------------------------------------------------- host side

_DTYPES = {PRECISION_COMPLEX128: "complex128", PRECISION_COMPLEX64: "complex64"}


def _host_init(executable):
    """Called once after the bridge initialised the interpreter itself."""
    if executable and os.path.exists(executable):
        sys.executable = executable
    sys.dont_write_bytecode = True  # never litter __pycache__ folders into backend source trees


def _host_add_paths(paths):
    """Puts ``paths`` (os.pathsep-separated, in priority order) at the front of sys.path."""
    added = False
    for path in reversed([p for p in paths.split(os.pathsep) if p]):
        path = os.path.abspath(path)
        if path in sys.path:
            continue
        sys.path.insert(0, path)
        added = True
    if added:
        importlib.invalidate_caches()


def _import_backend_module(name):
    module_name = f"qibo_backend_{name}"
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name == module_name:
            raise BackendError(
                f"no Python backend '{name}': module '{module_name}' is not on sys.path of {sys.executable} "
                f"(searched: {os.pathsep.join(p for p in sys.path if p)}); install the package, or put its "
                f"folder on QIBOACCEL_PYTHONPATH or in the options ('{name};pythonpath=DIR')",
                ERROR_INVALID_ARGUMENT) from e
        if e.name == "numpy" or (e.name or "").startswith("numpy."):
            raise BackendError(
                f"Python backend '{name}' ({module_name}) needs numpy, which is missing from {sys.executable}: "
                + INSTALL_HINT, ERROR_DEVICE) from e
        raise BackendError(
            f"Python backend '{name}' ({module_name}) cannot be imported: it needs the module '{e.name}', "
            f"which is missing from {sys.executable}; install it (pip install {e.name}, or the distribution's "
            f"python3-{e.name} package)", ERROR_DEVICE) from e


def _text(info, key, default, required=False):
    value = info.get(key, default)
    if value is None and required:
        raise TypeError(f"info() must contain '{key}'")
    if not isinstance(value, str):
        raise TypeError(f"info()['{key}'] must be a str, got {type(value).__name__}")
    if required and not value:
        raise TypeError(f"info()['{key}'] must not be empty")
    return value


def _int(value, what, low=0, high=(1 << 32) - 1):
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError(f"{what} must be an int, got {type(value).__name__}")
    value = int(value)
    if not low <= value <= high:
        raise ValueError(f"{what} = {value} is not in [{low}, {high}]")
    return value


def _normalise_info(info):
    if not isinstance(info, dict):
        raise TypeError(f"info() must return a dict, got {type(info).__name__}")
    name = _text(info, "name", None, required=True)
    version = _text(info, "version", "0.0.0", required=True)
    description = _text(info, "description", "a backend written in Python")
    device = _text(info, "device", f"CPython {sys.version.split()[0]}")
    if "max_qubits" not in info:
        raise TypeError("info() must contain 'max_qubits'")
    max_qubits = _int(info["max_qubits"], "info()['max_qubits']", 1, 62)
    precisions = 0
    for p in info.get("precisions", ["complex128"]):
        if isinstance(p, str) and p in PRECISIONS:
            precisions |= PRECISIONS[p]
        elif not isinstance(p, bool) and isinstance(p, int) and p in _DTYPES:
            precisions |= p
        else:
            raise ValueError(f"info()['precisions'] has {p!r}; use 'complex128' and/or 'complex64'")
    if not precisions & PRECISION_COMPLEX128:
        raise ValueError("info()['precisions'] must include 'complex128' (the ABI's default precision)")
    native = [0, 0]
    ops = info.get("native_ops", None)
    if ops is None or isinstance(ops, (str, bytes)):
        raise TypeError("info()['native_ops'] must be a list of kinds (numbers or names such as 'MATRIX')")
    for kind in ops:
        k = kind_number(kind)
        if not 0 < k < 128:
            raise ValueError(f"info()['native_ops'] has kind {k}, outside 1..127")
        native[k // 64] |= 1 << (k % 64)
    if not (native[0] >> OP_MATRIX) & 1 or not (native[0] >> OP_MEASURE) & 1:
        raise ValueError("info()['native_ops'] must include MATRIX and MEASURE, which every backend implements")
    max_matrix_targets = _int(info.get("max_matrix_targets", 0), "info()['max_matrix_targets']", 0, 62)
    if max_matrix_targets == 1:
        raise ValueError("info()['max_matrix_targets'] must be 0 (no limit) or at least 2")
    return (name, version, description, device, max_qubits, precisions, 1, max_matrix_targets, native[0], native[1])


def _host_create_backend(name, options):
    """→ (backend object, normalised info tuple)."""
    _numpy()
    module = _import_backend_module(name)
    factory = getattr(module, "create_backend", None)
    if not callable(factory):
        raise BackendError(f"Python backend '{name}': module {module.__name__} ({getattr(module, '__file__', '?')}) "
                           f"has no create_backend() function", ERROR_INTERNAL)
    backend = factory(options) if options else factory()
    if backend is None:
        raise TypeError(f"{module.__name__}.create_backend() returned None; it must return the backend object")
    for method in ("info", "create_state"):
        if not callable(getattr(backend, method, None)):
            raise TypeError(f"{module.__name__}.create_backend() returned a {type(backend).__name__} without a "
                            f"{method}() method")
    return backend, _normalise_info(backend.info())


def _host_create_state(backend, n_qubits, precision):
    state = backend.create_state(n_qubits, _DTYPES[precision])
    if state is None:
        raise TypeError("create_state() returned None; it must return the state object")
    return state


def _host_reset(state):
    state.reset()


def _release(*views):
    for view in views:
        try:
            view.release()
        except (BufferError, AttributeError):
            pass  # still exported by an array the backend kept: documented as undefined behaviour


def _host_get_amplitudes(state, offset, view, precision):
    numpy = _numpy()
    out = numpy.frombuffer(view, dtype=_DTYPES[precision])
    try:
        state.get_amplitudes(offset, out)
    finally:
        del out
        _release(view)


def _host_set_amplitudes(state, offset, view, precision):
    numpy = _numpy()
    data = numpy.frombuffer(view, dtype=_DTYPES[precision])
    try:
        state.set_amplitudes(offset, data)
    finally:
        del data
        _release(view)


def _host_apply(state, ops_view, op_size, qubits_view, matrices_view, randoms_view, cbits_view):
    numpy = _numpy()
    ops = numpy.frombuffer(ops_view, dtype=op_dtype(op_size))
    qubits = numpy.frombuffer(qubits_view, dtype=numpy.uint32)
    matrices = numpy.frombuffer(matrices_view, dtype=numpy.complex128)
    randoms = numpy.frombuffer(randoms_view, dtype=numpy.float64)
    cbits = numpy.frombuffer(cbits_view, dtype=numpy.uint8)
    try:
        state.apply(ops, qubits, matrices, randoms, cbits)
    finally:
        del ops, qubits, matrices, randoms, cbits
        _release(ops_view, qubits_view, matrices_view, randoms_view, cbits_view)


def _checked_result(result, what, dtype, count):
    numpy = _numpy()
    if not isinstance(result, numpy.ndarray):
        raise TypeError(f"{what} must return a numpy.ndarray of {count} {dtype} values, got {type(result).__name__}")
    if result.shape != (count,):
        raise TypeError(f"{what} returned an array of shape {result.shape}; expected ({count},)")
    if not numpy.can_cast(result.dtype, dtype, casting="same_kind"):
        raise TypeError(f"{what} returned {result.dtype} values; expected {dtype}")
    return result


def _host_probabilities(state, qubits_view, out_view):
    numpy = _numpy()
    qubits = numpy.frombuffer(qubits_view, dtype=numpy.uint32)
    out = numpy.frombuffer(out_view, dtype=numpy.float64)
    try:
        out[:] = _checked_result(state.probabilities(qubits), "probabilities()", numpy.float64, len(out))
    finally:
        del qubits, out
        _release(qubits_view, out_view)


def _host_sample(state, qubits_view, randoms_view, out_view, n_outcomes):
    numpy = _numpy()
    qubits = numpy.frombuffer(qubits_view, dtype=numpy.uint32)
    randoms = numpy.frombuffer(randoms_view, dtype=numpy.float64)
    out = numpy.frombuffer(out_view, dtype=numpy.uint64)
    try:
        result = _checked_result(state.sample(qubits, randoms), "sample()", numpy.uint64, len(out))
        if result.dtype.kind not in "ui":
            raise TypeError(f"sample() returned {result.dtype} values; expected uint64")
        if len(result) and (result.min() < 0 or result.max() >= n_outcomes):
            raise ValueError(f"sample() returned outcome {int(result.max())} outside [0, {n_outcomes})")
        out[:] = result
    finally:
        del qubits, randoms, out
        _release(qubits_view, randoms_view, out_view)


def pauli_dtype(term_size=32):
    """The numpy structured dtype of the host's qibo_pauli_term records (ABI 1.1), read with stride term_size."""
    numpy = _numpy()
    return numpy.dtype({"names": ["coefficient", "x_mask", "y_mask", "z_mask"],
                        "formats": [numpy.float64, numpy.uint64, numpy.uint64, numpy.uint64],
                        "offsets": [0, 8, 16, 24], "itemsize": term_size})


def _all_amplitudes(state, n_qubits, precision):
    numpy = _numpy()
    out = numpy.empty(1 << n_qubits, dtype=_DTYPES[precision])
    state.get_amplitudes(0, out)
    return out


def _host_copy(source, destination, n_qubits, precision):
    # A backend may offer copy_to(destination); without it the copy goes through get/set_amplitudes.
    if hasattr(source, "copy_to"):
        source.copy_to(destination)
    else:
        destination.set_amplitudes(0, _all_amplitudes(source, n_qubits, precision))


def _host_inner_product(bra, ket, n_qubits, precision, out_view):
    numpy = _numpy()
    out = numpy.frombuffer(out_view, dtype=numpy.float64)
    try:
        if hasattr(bra, "inner_product"):
            value = complex(bra.inner_product(ket))
        else:
            a = _all_amplitudes(bra, n_qubits, precision).astype(numpy.complex128)
            b = _all_amplitudes(ket, n_qubits, precision).astype(numpy.complex128)
            value = complex(numpy.vdot(a, b))
        out[0], out[1] = value.real, value.imag
    finally:
        del out
        _release(out_view)


def expectation_of(amplitudes, n_qubits, terms):
    """sum_t c_t <psi|P_t|psi> for qibo_pauli_term records (qubit masks, qubit 0 = most significant index bit), in float64."""
    numpy = _numpy()
    psi = amplitudes.astype(numpy.complex128)
    index = numpy.arange(len(psi), dtype=numpy.uint64)
    total = 0.0
    for coefficient, x, y, z in zip(terms["coefficient"].tolist(), terms["x_mask"].tolist(),
                                    terms["y_mask"].tolist(), terms["z_mask"].tolist()):
        flip = sign = 0
        for q in range(n_qubits):
            bit = 1 << (n_qubits - 1 - q)
            if (x | y) >> q & 1:
                flip |= bit
            if (y | z) >> q & 1:
                sign |= bit
        parity = numpy.zeros(len(psi), dtype=numpy.uint64)
        masked = index & numpy.uint64(sign)
        while masked.any():
            parity ^= masked & numpy.uint64(1)
            masked >>= numpy.uint64(1)
        phase = (1j) ** bin(y).count("1") * (1 - 2 * parity.astype(numpy.float64))
        total += coefficient * float(numpy.real(numpy.vdot(psi[index ^ numpy.uint64(flip)], phase * psi)))
    return total


def _host_expectation(state, terms_view, term_size, n_qubits, precision, out_view):
    numpy = _numpy()
    terms = numpy.frombuffer(terms_view, dtype=pauli_dtype(term_size))
    out = numpy.frombuffer(out_view, dtype=numpy.float64)
    try:
        if hasattr(state, "expectation"):
            out[0] = float(state.expectation(terms))
        else:
            out[0] = expectation_of(_all_amplitudes(state, n_qubits, precision), n_qubits, terms)
    finally:
        del terms, out
        _release(terms_view, out_view)


def _host_close(obj):
    close = getattr(obj, "close", None)
    if callable(close):
        close()


_CODES = [
    (MemoryError, ERROR_OUT_OF_MEMORY),
    (NotImplementedError, ERROR_UNSUPPORTED),
    (ValueError, ERROR_INVALID_ARGUMENT),
    (IndexError, ERROR_INVALID_ARGUMENT),
]


def _host_format_error(kind, value, tb, context, traceback_lines=8):
    """→ (code, op_index, message) for an exception raised by a backend; context names the call."""
    if value is None:
        value = kind()
    code = getattr(value, "code", None)
    if isinstance(code, bool) or not isinstance(code, int) or not 1 <= code <= 6:
        code = next((c for t, c in _CODES if isinstance(value, t)), ERROR_INTERNAL)
    op_index = getattr(value, "op_index", -1)
    if isinstance(op_index, bool) or not isinstance(op_index, int):
        op_index = -1
    head = f"{type(value).__module__}.{type(value).__qualname__}"
    if head.startswith("builtins."):
        head = head[len("builtins."):]
    text = str(value)
    message = f"{context}: {head}: {text}" if text else f"{context}: {head}"
    # The backend's frames (not the bridge's, not importlib's), then where a SyntaxError points; the final line of
    # format_exception_only repeats "Type: text", already in the head.
    frames = [f for f in traceback.extract_tb(tb)
              if f.filename != __file__ and not f.filename.startswith("<frozen ") and "/importlib/" not in f.filename]
    lines = [line for chunk in traceback.format_list(frames) for line in chunk.rstrip("\n").split("\n")]
    lines += [line for chunk in traceback.format_exception_only(kind, value)[:-1] for line in chunk.rstrip("\n").split("\n")]
    lines = [line for line in lines if line.strip()]
    if lines:
        message += "\n  traceback (most recent call last, last lines):\n" + "\n".join(lines[-traceback_lines:])
    return code, op_index, message
