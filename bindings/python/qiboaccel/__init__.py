"""qiboaccel: run quantum circuits on QiboAccel's backends (cpu, gpu, python@numpy, any backend library) from Python.

    import qiboaccel
    c = qiboaccel.Circuit.from_qasm(open("examples/circuits/bell.qasm").read())
    r = qiboaccel.execute(c, backend="cpu", shots=1000, seed=7)     # r.state, r.frequencies(), r.registers, ...

An interface over libqiboaccel.so (the C API of abi/include/qibo/qiboaccel.h) through ctypes: Debian's python3 and
numpy are all it needs, and a whole circuit runs in one call. Errors are exceptions (qiboaccel.Error and its
subclasses) carrying the library's one-line message.

qibo finds this package as a backend provider: qibo.set_backend("qiboaccel", platform="cpu") (or "gpu", or any
specifier) runs qibo circuits here; see qiboaccel.qibo_backend.
"""

from ._native import (
    BackendNotFoundError,
    Error,
    FileError,
    InvalidArgumentError,
    OutOfMemoryError,
    ParseError,
    UnsupportedError,
    library_path,
)
from .backend import Backend, backends, execute, get_backend, sample
from .circuit import Circuit, gate_info
from .result import Result

__version__ = "0.1.0"

__all__ = [
    "Backend", "BackendNotFoundError", "Circuit", "Error", "FileError", "InvalidArgumentError", "MetaBackend",
    "OutOfMemoryError", "ParseError", "Result", "UnsupportedError", "backends", "execute", "gate_info", "get_backend",
    "library_path", "sample",
]


class MetaBackend:
    """What qibo looks for in a backend provider package (qibo.set_backend("qiboaccel", platform=SPEC)).

    qibo itself is imported only here, so `import qiboaccel` works without qibo installed.
    """

    @staticmethod
    def load(platform=None, **kwargs):
        """A qibo backend running on the QiboAccel backend `platform` ("cpu" when omitted, "gpu", "cpu:threads=2",
        "python@numpy", a library or manifest path)."""
        from .qibo_backend import QiboAccelBackend

        return QiboAccelBackend(platform=platform or "cpu", **kwargs)

    def list_available(self):
        """{specifier: available} for every installed QiboAccel backend (each is loaded to find out)."""
        return {b["specifier"]: b["available"] for b in backends(details=True)}
