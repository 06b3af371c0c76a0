"""qiboaccel: run quantum circuits on QiboAccel's backends (cpu, gpu, python@numpy, any backend library) from Python.

    import qiboaccel
    c = qiboaccel.Circuit.from_qasm(open("examples/circuits/bell.qasm").read())
    r = qiboaccel.execute(c, backend="cpu", shots=1000, seed=7)     # r.state, r.frequencies(), r.registers, ...

Variational work: symbolic parameters (Circuit.add_parameter, OpenQASM `input angle theta;`), their values at
execution (execute(..., parameters=[...])), sweeps over many parameter sets (qiboaccel.sweep), gradients of an
expectation value by adjoint differentiation or parameter shift (qiboaccel.gradient) and expectation values of a
given state evaluated on a backend (qiboaccel.expectation):

    c = qiboaccel.Circuit(2); theta = c.add_parameter("theta")
    c.add("ry", 0, params=theta).add("cx", 0, 1).add("rz", 1, params=2 * theta + 0.5)
    value, grad = qiboaccel.gradient(c, "Z0*Z1 - X1", [0.3], method="adjoint")

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
from .backend import Backend, backends, execute, expectation, get_backend, gradient, sample, sweep
from .circuit import Circuit, gate_info
from .parameters import Angle, Parameter
from .result import Result
from .variational import GradientResult, SweepResult

__version__ = "0.1.0"

__all__ = [
    "Angle", "Backend", "BackendNotFoundError", "Circuit", "Error", "FileError", "GradientResult",
    "InvalidArgumentError", "MetaBackend", "OutOfMemoryError", "Parameter", "ParseError", "Result", "SweepResult",
    "UnsupportedError", "backends", "execute", "expectation", "gate_info", "get_backend", "gradient", "library_path",
    "sample", "sweep",
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
