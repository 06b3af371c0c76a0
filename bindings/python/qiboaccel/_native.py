"""ctypes declarations of abi/include/qibo/qiboaccel.h and the one place that loads libqiboaccel.so.

Every C call goes through `call`, which turns a returned qiboaccel_error* into a Python exception carrying the
library's one-line message (the same line `qiboaccel run` prints).
"""

import ctypes
import ctypes.util
import os
import threading

API_MAJOR = 1
API_MINOR = 1  # the header version these declarations follow (functions and fields "since 1.1" included)

# qiboaccel_error_code
OK = 0
INVALID_ARGUMENT = 1
UNSUPPORTED = 2
OUT_OF_MEMORY = 3
VERSION_MISMATCH = 4
DEVICE = 5
INTERNAL = 6
PARSE = 7
IO = 8
BACKEND_NOT_FOUND = 9

CODE_NAMES = {
    INVALID_ARGUMENT: "invalid argument",
    UNSUPPORTED: "unsupported",
    OUT_OF_MEMORY: "out of memory",
    VERSION_MISMATCH: "version mismatch",
    DEVICE: "device error",
    INTERNAL: "internal error",
    PARSE: "parse error",
    IO: "i/o error",
    BACKEND_NOT_FOUND: "backend not found",
}

PRECISION_DOUBLE = 1
PRECISION_SINGLE = 2

EXECUTE_SEED = 0x1
EXECUTE_DENSITY_MATRIX = 0x2
EXECUTE_NO_STATE = 0x4

LIST_PROBE = 0x1

# qiboaccel_gradient_args.method (since 1.1)
GRADIENT_AUTO = 0
GRADIENT_ADJOINT = 1
GRADIENT_PARAMETER_SHIFT = 2

_size_t = ctypes.c_size_t
_u32 = ctypes.c_uint32
_i32 = ctypes.c_int32
_u64 = ctypes.c_uint64
_i64 = ctypes.c_int64
_f64 = ctypes.c_double
_str = ctypes.c_char_p
_handle = ctypes.c_void_p


class _Sized(ctypes.Structure):
    """A struct whose first field is struct_size, set on creation as the header asks."""

    def __init__(self, **fields):
        super().__init__(**fields)
        self.struct_size = ctypes.sizeof(self)


class BackendInfo(_Sized):
    _fields_ = [
        ("struct_size", _size_t), ("specifier", _str), ("name", _str), ("version", _str), ("description", _str),
        ("device", _str), ("library_path", _str), ("abi_version", _str), ("max_qubits", _u32),
        ("precisions", _u32), ("max_matrix_targets", _u32), ("reserved", _u32), ("load_seconds", _f64),
    ]


class BackendListInfo(_Sized):
    _fields_ = [("struct_size", _size_t), ("n_backends", _u64), ("n_problems", _u64), ("search_path", _str)]


class BackendEntry(_Sized):
    _fields_ = [
        ("struct_size", _size_t), ("specifier", _str), ("description", _str), ("manifest_path", _str),
        ("library_path", _str), ("abi_version", _str), ("probed", _u32), ("available", _u32), ("error", _str),
    ]


class CircuitInfo(_Sized):
    _fields_ = [
        ("struct_size", _size_t), ("n_qubits", _u32), ("n_clbits", _u32), ("n_operations", _u64),
        ("n_registers", _u32), ("n_warnings", _u32), ("parse_seconds", _f64),
        ("n_parameters", _u32), ("reserved2", _u32),  # since 1.1
    ]


class RegisterInfo(_Sized):
    _fields_ = [("struct_size", _size_t), ("name", _str), ("offset", _u32), ("size", _u32)]


class GateInfo(_Sized):
    _fields_ = [
        ("struct_size", _size_t), ("gate", _u32), ("n_qubits", _u32), ("n_builtin_controls", _u32),
        ("n_params", _u32), ("takes_matrix", _u32), ("reserved", _u32), ("name", _str),
    ]


class GateArgs(_Sized):
    _fields_ = [
        ("struct_size", _size_t), ("name", _str), ("qubits", ctypes.POINTER(_u32)), ("n_qubits", _u32),
        ("n_controls", _u32), ("controls", ctypes.POINTER(_u32)), ("params", ctypes.POINTER(_f64)),
        ("n_params", _u32), ("reserved", _u32), ("matrix", ctypes.POINTER(_f64)), ("n_matrix_values", _u64),
        ("param_symbols", ctypes.POINTER(_i32)), ("param_coefficients", ctypes.POINTER(_f64)),  # since 1.1
    ]


class GateBatch(_Sized):
    _fields_ = [
        ("struct_size", _size_t), ("n_gates", _u64), ("record_size", _u32), ("reserved", _u32),
        ("records", ctypes.c_void_p), ("qubits", ctypes.c_void_p), ("n_qubit_refs", _u64),
        ("params", ctypes.c_void_p), ("n_params", _u64), ("matrices", ctypes.c_void_p), ("n_matrix_values", _u64),
        ("param_symbols", ctypes.c_void_p), ("param_coefficients", ctypes.c_void_p),  # since 1.1
    ]


class ExecuteArgs(_Sized):
    _fields_ = [
        ("struct_size", _size_t), ("shots", _u64), ("seed", _u64), ("flags", _u32), ("precision", _u32),
        ("noise_model", _str), ("initial_state", ctypes.c_void_p), ("n_initial_state_values", _u64),
        ("result", _handle),
        ("parameter_values", ctypes.c_void_p), ("n_parameter_values", _u64),  # since 1.1
    ]


class ResultInfo(_Sized):
    _fields_ = [
        ("struct_size", _size_t), ("backend", _str), ("n_qubits", _u32), ("n_clbits", _u32), ("shots", _u64),
        ("seed", _u64), ("precision", _u32), ("density_matrix", _u32), ("state_size", _u64), ("purity", _f64),
        ("simulate_seconds", _f64), ("sample_seconds", _f64), ("total_seconds", _f64),
        ("sampled_qubits", ctypes.POINTER(_u32)), ("n_sampled_qubits", _u32), ("n_registers", _u32),
    ]


class FrequenciesArgs(_Sized):
    _fields_ = [
        ("struct_size", _size_t), ("register_index", _i32), ("n_bits", _u32), ("capacity", _u64),
        ("outcomes", ctypes.c_void_p), ("counts", ctypes.c_void_p), ("n_outcomes", _u64),
    ]


class SampleArgs(_Sized):
    _fields_ = [
        ("struct_size", _size_t), ("probabilities", ctypes.c_void_p), ("n_probabilities", _u64), ("shots", _u64),
        ("seed", _u64), ("outcomes", ctypes.c_void_p), ("counts", ctypes.c_void_p),
    ]


class SweepArgs(_Sized):
    """qiboaccel_sweep_args (since 1.1)."""

    _fields_ = [
        ("struct_size", _size_t), ("n_sets", _u64), ("parameter_values", ctypes.c_void_p),
        ("n_parameter_values", _u64), ("observable", _str), ("shots", _u64), ("seed", _u64), ("flags", _u32),
        ("precision", _u32), ("expectations", ctypes.c_void_p), ("results", ctypes.c_void_p), ("seconds", _f64),
    ]


class GradientArgs(_Sized):
    """qiboaccel_gradient_args (since 1.1)."""

    _fields_ = [
        ("struct_size", _size_t), ("observable", _str), ("parameter_values", ctypes.c_void_p),
        ("n_parameter_values", _u64), ("method", _u32), ("precision", _u32), ("flags", _u32), ("reserved", _u32),
        ("noise_model", _str), ("gradient", ctypes.c_void_p), ("n_gradient", _u64), ("value", _f64),
        ("method_used", _u32), ("circuit_passes", _u32), ("seconds", _f64),
    ]


# The structs above with their C names, for the layout check against the header (tests compile it with gcc).
STRUCTS = {
    "qiboaccel_backend_info": BackendInfo, "qiboaccel_backend_list_info": BackendListInfo,
    "qiboaccel_backend_entry": BackendEntry, "qiboaccel_circuit_info": CircuitInfo,
    "qiboaccel_register_info": RegisterInfo, "qiboaccel_gate_info": GateInfo, "qiboaccel_gate_args": GateArgs,
    "qiboaccel_gate_batch": GateBatch, "qiboaccel_execute_args": ExecuteArgs, "qiboaccel_result_info": ResultInfo,
    "qiboaccel_frequencies_args": FrequenciesArgs, "qiboaccel_sample_args": SampleArgs,
    "qiboaccel_sweep_args": SweepArgs, "qiboaccel_gradient_args": GradientArgs,
}

# numpy dtype of qiboaccel_gate_record (48 bytes), so a whole circuit crosses in one call.
GATE_RECORD_FIELDS = [
    ("gate", "<u4"), ("n_qubits", "<u4"), ("n_controls", "<u4"), ("qubits_offset", "<u4"),
    ("n_params", "<u4"), ("params_offset", "<u4"), ("matrix_offset", "<i8"), ("n_matrix_values", "<u8"),
    ("flags", "<u4"), ("reserved", "<u4"),
]

_E = ctypes.c_void_p  # qiboaccel_error*
_P = ctypes.POINTER

_PROTOTYPES = {
    "qiboaccel_api_version": (_u32, []),
    "qiboaccel_library_version": (_str, []),
    "qiboaccel_error_get_code": (_u32, [_E]),
    "qiboaccel_error_get_message": (_str, [_E]),
    "qiboaccel_error_destroy": (None, [_E]),
    "qiboaccel_backend_load": (_E, [_str, _P(_handle)]),
    "qiboaccel_backend_destroy": (None, [_handle]),
    "qiboaccel_backend_get_info": (_E, [_handle, _P(BackendInfo)]),
    "qiboaccel_backends_list": (_E, [_u32, _P(_handle)]),
    "qiboaccel_backend_list_destroy": (None, [_handle]),
    "qiboaccel_backend_list_get_info": (_E, [_handle, _P(BackendListInfo)]),
    "qiboaccel_backend_list_get": (_E, [_handle, _u64, _P(BackendEntry)]),
    "qiboaccel_backend_list_get_problem": (_E, [_handle, _u64, _P(_str)]),
    "qiboaccel_circuit_create": (_E, [_u32, _P(_handle)]),
    "qiboaccel_circuit_from_qasm": (_E, [_str, _str, _P(_handle)]),
    "qiboaccel_circuit_from_qasm_file": (_E, [_str, _P(_handle)]),
    "qiboaccel_circuit_destroy": (None, [_handle]),
    "qiboaccel_circuit_get_info": (_E, [_handle, _P(CircuitInfo)]),
    "qiboaccel_circuit_get_register": (_E, [_handle, _u32, _P(RegisterInfo)]),
    "qiboaccel_circuit_get_warning": (_E, [_handle, _u32, _P(_str)]),
    "qiboaccel_gate_lookup": (_E, [_str, _P(GateInfo)]),
    "qiboaccel_circuit_add_gate": (_E, [_handle, _P(GateArgs)]),
    "qiboaccel_circuit_add_gates": (_E, [_handle, _P(GateBatch)]),
    "qiboaccel_circuit_add_register": (_E, [_handle, _str, _u32, _P(_u32)]),
    "qiboaccel_circuit_add_measurement": (_E, [_handle, _u32, _i64]),
    "qiboaccel_circuit_add_reset": (_E, [_handle, _u32]),
    "qiboaccel_execute": (_E, [_handle, _handle, _P(ExecuteArgs)]),
    "qiboaccel_result_destroy": (None, [_handle]),
    "qiboaccel_result_get_info": (_E, [_handle, _P(ResultInfo)]),
    "qiboaccel_result_get_state": (_E, [_handle, _u64, _u64, ctypes.c_void_p]),
    "qiboaccel_result_get_state_view": (_E, [_handle, _P(ctypes.c_void_p), _P(_u64)]),
    "qiboaccel_result_get_probabilities": (_E, [_handle, ctypes.c_void_p, _u32, ctypes.c_void_p]),
    "qiboaccel_result_get_frequencies": (_E, [_handle, _P(FrequenciesArgs)]),
    "qiboaccel_result_get_register": (_E, [_handle, _u32, _P(RegisterInfo)]),
    "qiboaccel_result_expectation": (_E, [_handle, _str, _P(_f64)]),
    "qiboaccel_sample": (_E, [_P(SampleArgs)]),
}

# Functions since 1.1: declared when the library has them; `require` says which version a feature needs.
_PROTOTYPES_1_1 = {
    "qiboaccel_circuit_add_parameter": (_E, [_handle, _str, _P(_u32)]),
    "qiboaccel_circuit_get_parameter": (_E, [_handle, _u32, _P(_str)]),
    "qiboaccel_sweep": (_E, [_handle, _handle, _P(SweepArgs)]),
    "qiboaccel_gradient": (_E, [_handle, _handle, _P(GradientArgs)]),
    "qiboaccel_state_expectation": (_E, [_handle, ctypes.c_void_p, _u32, _str, _u32, _P(_f64)]),
}


class Error(Exception):
    """An error reported by libqiboaccel: `str(e)` is its one-line message, `e.code` its qiboaccel_error_code."""

    def __init__(self, message, code=INVALID_ARGUMENT):
        super().__init__(message)
        self.message = message
        self.code = code

    @property
    def kind(self):
        """The code in words ("parse error", "backend not found", ...)."""
        return CODE_NAMES.get(self.code, f"error {self.code}")


class InvalidArgumentError(Error, ValueError):
    """A bad handle, qubit, gate, parameter, size, ...: also a ValueError."""


class ParseError(Error, ValueError):
    """OpenQASM, observable or noise-model syntax, with file:line:column in the message: also a ValueError."""


class FileError(Error, OSError):
    """A file that cannot be found or read: also an OSError."""

    def __str__(self):
        return self.message


class BackendNotFoundError(Error, LookupError):
    """No installed backend of that name (the message lists the installed ones): also a LookupError."""


class UnsupportedError(Error):
    """A valid request the backend cannot do (precision, qubit count)."""


class OutOfMemoryError(Error, MemoryError):
    """The state does not fit; the message gives the sizes."""


_ERROR_CLASSES = {
    INVALID_ARGUMENT: InvalidArgumentError,
    PARSE: ParseError,
    IO: FileError,
    BACKEND_NOT_FOUND: BackendNotFoundError,
    UNSUPPORTED: UnsupportedError,
    OUT_OF_MEMORY: OutOfMemoryError,
}


def error(code, message):
    """The exception for a code and message."""
    return _ERROR_CLASSES.get(code, Error)(message, code)


_lib = None
_lib_lock = threading.Lock()


def _candidates():
    here = os.path.dirname(os.path.abspath(__file__))
    env = os.environ.get("QIBOACCEL_LIBRARY")
    if env:
        yield env
    yield os.path.join(here, "libqiboaccel.so")  # an installed package that carries its library
    yield os.path.join(here, "..", "..", "lib", "libqiboaccel.so")  # build/python/qiboaccel -> build/lib
    found = ctypes.util.find_library("qiboaccel")
    if found:
        yield found


def library_path():
    """Where libqiboaccel.so is loaded from: $QIBOACCEL_LIBRARY, beside the package, build/lib, the system."""
    tried = []
    for path in _candidates():
        if os.path.sep not in path or os.path.exists(path):
            return os.path.abspath(path) if os.path.sep in path else path
        tried.append(os.path.abspath(path))
    raise FileError(
        "libqiboaccel.so not found (tried " + ", ".join(tried) + "); build it with ./qiboaccel build "
        "or set QIBOACCEL_LIBRARY", IO)


def lib():
    """The loaded library with every prototype declared (loaded once per process)."""
    global _lib
    if _lib is None:
        with _lib_lock:
            if _lib is None:
                path = library_path()
                try:
                    handle = ctypes.CDLL(path)
                except OSError as e:
                    raise FileError(f"{path}: cannot load libqiboaccel: {e}", IO) from None
                for name, (restype, argtypes) in _PROTOTYPES.items():
                    fn = getattr(handle, name)
                    fn.restype = restype
                    fn.argtypes = argtypes
                version = handle.qiboaccel_api_version()
                if version >> 16 != API_MAJOR:
                    raise Error(f"{path} speaks C API {version >> 16}.{version & 0xFFFF}; this package needs {API_MAJOR}.x",
                                VERSION_MISMATCH)
                for name, (restype, argtypes) in _PROTOTYPES_1_1.items():
                    fn = getattr(handle, name, None)  # absent from a 1.0 library: `require` explains
                    if fn is not None:
                        fn.restype = restype
                        fn.argtypes = argtypes
                _lib = handle
    return _lib


def api_version():
    """(major, minor) of the C API the loaded library speaks."""
    version = lib().qiboaccel_api_version()
    return version >> 16, version & 0xFFFF


def require(minor, feature):
    """Raises UnsupportedError when the loaded library is older than C API 1.`minor` (what `feature` needs)."""
    major, have = api_version()
    if have < minor:
        raise UnsupportedError(f"{feature} needs libqiboaccel with C API {API_MAJOR}.{minor}; {library_path()} speaks "
                               f"{major}.{have} (rebuild it with ./qiboaccel build)", UNSUPPORTED)


def call(name, *args):
    """Calls a function returning qiboaccel_error*; raises the matching Error when it returns one."""
    library = lib()
    err = getattr(library, name)(*args)
    if err:
        code = library.qiboaccel_error_get_code(err)
        message = library.qiboaccel_error_get_message(err).decode("utf-8", "replace")
        library.qiboaccel_error_destroy(err)
        raise error(code, message)


def text(value, what):
    """A str argument as UTF-8 bytes, with a clear error for anything else."""
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{what} must be a str, got {type(value).__name__}")
    if "\0" in value:
        raise InvalidArgumentError(f"{what} contains a NUL character")
    return value.encode("utf-8")


def decode(value):
    return value.decode("utf-8", "replace") if value is not None else ""
