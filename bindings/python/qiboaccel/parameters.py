"""qiboaccel.Parameter and qiboaccel.Angle: symbolic gate angles, affine in a circuit's parameters.

    c = qiboaccel.Circuit(2)
    theta, phi = c.add_parameter("theta"), c.add_parameter("phi")
    c.add("ry", 0, params=theta).add("crz", 0, 1, params=2 * theta + 0.5).add("u3", 1, params=[phi, 0, -phi])
    qiboaccel.execute(c, parameters=[0.3, 1.2])            # or parameters={"theta": 0.3, "phi": 1.2}

A gate parameter is what the C API can carry: constant + coefficient * parameter, ONE parameter per gate angle
(qiboaccel_gate_args.param_symbols / param_coefficients). Sums of two parameters (`theta - phi`) are fine as
Python expressions, but a gate refuses them with a one-line InvalidArgumentError (declare a parameter for the
combination instead). Anything not affine (`theta * phi`, `theta ** 2`, `math.sin(theta)`, `np.cos(theta)`) is an
InvalidArgumentError where it is written. OpenQASM's `input angle` has no such limit: the core lowers sums itself.
"""

import math
import numbers
import operator

import numpy as np

from . import _native as N


def _number(x):
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def _not_affine(text):
    return N.InvalidArgumentError(f"{text} is not affine in the circuit's parameters (a gate angle is constant + "
                                  "coefficient*parameter)")


def _format(constant, terms):
    parts = []
    for p, k in terms:
        magnitude = p.name if abs(k) == 1 else f"{abs(k)!r}*{p.name}"
        parts.append(("-" if k < 0 else "") + magnitude if not parts else ("- " if k < 0 else "+ ") + magnitude)
    if constant != 0 or not parts:
        parts.append(repr(float(constant)) if not parts else ("- " if constant < 0 else "+ ") + repr(abs(float(constant))))
    return " ".join(parts)


class _Affine:
    """Arithmetic shared by Parameter and Angle: + and - with numbers and angles, * and / by numbers."""

    __slots__ = ()

    # numpy scalars (np.float64(2) * theta) and ufuncs (np.cos(theta)) come through here.
    _UFUNCS = {np.add: operator.add, np.subtract: operator.sub, np.multiply: operator.mul,
               np.true_divide: operator.truediv, np.negative: operator.neg, np.positive: operator.pos}

    def _angle(self):
        raise NotImplementedError

    @staticmethod
    def _lift(x):
        if isinstance(x, _Affine):
            return x._angle()
        if _number(x):
            return Angle(float(x))
        return None

    def __add__(self, other):
        o = self._lift(other)
        return NotImplemented if o is None else Angle._combine(self._angle(), 1.0, o, 1.0)

    def __radd__(self, other):
        return self.__add__(other)

    def __sub__(self, other):
        o = self._lift(other)
        return NotImplemented if o is None else Angle._combine(self._angle(), 1.0, o, -1.0)

    def __rsub__(self, other):
        o = self._lift(other)
        return NotImplemented if o is None else Angle._combine(o, 1.0, self._angle(), -1.0)

    def __neg__(self):
        return self._angle()._scale(-1.0)

    def __pos__(self):
        return self._angle()

    def __mul__(self, other):
        if _number(other):
            return self._angle()._scale(float(other))
        if isinstance(other, _Affine):
            a, b = self._angle(), other._angle()
            if a.is_constant:
                return b._scale(a.constant)
            if b.is_constant:
                return a._scale(b.constant)
            raise _not_affine(f"({a}) * ({b})")
        return NotImplemented

    def __rmul__(self, other):
        return self.__mul__(other)

    def __truediv__(self, other):
        if isinstance(other, _Affine) and other._angle().is_constant:
            other = other._angle().constant
        if _number(other):
            if other == 0:
                raise N.InvalidArgumentError(f"({self}) / 0: division by zero")
            return self._angle()._scale(1.0 / float(other))
        if isinstance(other, _Affine):
            raise _not_affine(f"({self}) / ({other})")
        return NotImplemented

    def __rtruediv__(self, other):
        if self._angle().is_constant:
            return other / self._angle().constant
        raise _not_affine(f"{other!r} / ({self})")

    def __pow__(self, other):
        raise _not_affine(f"({self}) ** {other!r}")

    def __rpow__(self, other):
        raise _not_affine(f"{other!r} ** ({self})")

    def __abs__(self):
        raise _not_affine(f"abs({self})")

    def __float__(self):
        a = self._angle()
        if a.is_constant:
            return a.constant
        raise N.InvalidArgumentError(f"angle {a} has no value until the circuit runs (give values to execute, sweep or "
                                     "gradient); functions such as math.sin cannot take it")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        op = self._UFUNCS.get(ufunc)
        if op is not None and method == "__call__" and not kwargs and all(isinstance(x, _Affine) or _number(x) for x in inputs):
            return op(*[x if isinstance(x, _Affine) else float(x) for x in inputs])  # float: no recursion into numpy
        raise _not_affine(f"numpy.{ufunc.__name__}({self})")


class Parameter(_Affine):
    """A symbolic parameter of one circuit (Circuit.add_parameter, or Circuit.parameter for OpenQASM's `input angle`).

    `name` and `index` (its place in Circuit.parameters, the order values are given in). Usable as a gate parameter
    directly or in affine expressions (`2*theta + 0.5`, `pi/2 - theta`), which give an Angle. Two Parameter objects are
    equal when they name the same parameter of the same circuit.
    """

    __slots__ = ("name", "index", "_circuit")

    def __init__(self, circuit_key, index, name):
        self._circuit = circuit_key
        self.index = index
        self.name = name

    def _angle(self):
        return Angle(0.0, ((self, 1.0),))

    def __eq__(self, other):
        return isinstance(other, Parameter) and (self._circuit, self.index) == (other._circuit, other.index)

    def __hash__(self):
        return hash((self._circuit, self.index))

    def __repr__(self):
        return f"Parameter({self.name!r})"

    def __str__(self):
        return self.name


class Angle(_Affine):
    """constant + Σ coefficient·parameter: what arithmetic on Parameters gives. A gate accepts it when it uses at most
    one parameter. `constant`, `terms` ((Parameter, coefficient) pairs, no zero coefficient), `is_constant`."""

    __slots__ = ("constant", "terms")

    def __init__(self, constant=0.0, terms=()):
        constant = float(constant)
        if not math.isfinite(constant):
            raise N.InvalidArgumentError(f"angle {constant!r} is not a finite number")
        self.constant = constant
        self.terms = tuple(terms)

    @property
    def is_constant(self):
        return not self.terms

    def _angle(self):
        return self

    def _scale(self, k):
        if k == 0:
            return Angle(0.0)
        return Angle(self.constant * k, tuple((p, c * k) for p, c in self.terms))

    @staticmethod
    def _combine(a, ka, b, kb):
        merged = {}
        for angle, k in ((a, ka), (b, kb)):
            for p, c in angle.terms:
                merged[p] = merged.get(p, 0.0) + k * c
        return Angle(ka * a.constant + kb * b.constant, tuple((p, c) for p, c in merged.items() if c != 0))

    def __repr__(self):
        return f"Angle({_format(self.constant, self.terms)!r})"

    def __str__(self):
        return _format(self.constant, self.terms)


def is_symbolic(value):
    """True for a Parameter or an Angle that depends on one."""
    return isinstance(value, _Affine) and not value._angle().is_constant


def gate_angles(values, circuit_key, gate):
    """A gate's parameters -> (constants, symbols, coefficients): constants[i] + coefficients[i]·θ[symbols[i]], symbol
    -1 for a plain number (the C API's param_symbols / param_coefficients). symbols is None when none is symbolic."""
    constants, symbols, coefficients = [], [], []
    symbolic = False
    for i, v in enumerate(values):
        if isinstance(v, _Affine):
            a = v._angle()
            if len(a.terms) > 1:
                names = ", ".join(p.name for p, _ in a.terms)
                raise N.InvalidArgumentError(
                    f"{gate}: parameter {i + 1} ({a}) depends on {len(a.terms)} parameters ({names}); a gate angle may "
                    "use one (constant + coefficient*parameter): declare a parameter for the combination")
            if a.terms:
                p, k = a.terms[0]
                if p._circuit != circuit_key:
                    raise N.InvalidArgumentError(f"{gate}: parameter '{p.name}' belongs to another circuit")
                constants.append(a.constant)
                symbols.append(p.index)
                coefficients.append(k)
                symbolic = True
                continue
            constants.append(a.constant)
        else:
            try:
                constants.append(float(v))
            except (TypeError, ValueError):
                raise N.InvalidArgumentError(f"{gate}: parameters must be real numbers or circuit parameters, got {v!r}") from None
        symbols.append(-1)
        coefficients.append(1.0)
    return constants, (symbols if symbolic else None), (coefficients if symbolic else None)


def values_array(names, values, what, circuit_key=None):
    """Parameter values in the circuit's order as a float64 array: a sequence (one value per parameter, in `names`'
    order) or a mapping keyed by name or Parameter. One-line InvalidArgumentErrors for wrong counts, unknown names
    and values that are not finite real numbers."""
    listed = ", ".join(names) if names else "none"
    if values is None:
        values = ()
    if isinstance(values, dict):
        out = [None] * len(names)
        position = {n: i for i, n in enumerate(names)}
        for key, v in values.items():
            if isinstance(key, Parameter):
                if circuit_key is not None and key._circuit != circuit_key:
                    raise N.InvalidArgumentError(f"{what}: parameter '{key.name}' belongs to another circuit")
                key = key.name
            if key not in position:
                raise N.InvalidArgumentError(f"{what}: unknown parameter {key!r} (the circuit has: {listed})")
            out[position[key]] = v
        missing = [n for n, v in zip(names, out) if v is None]
        if missing:
            raise N.InvalidArgumentError(f"{what}: no value for parameter(s) {', '.join(missing)}")
        values = out
    elif isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        if _number(values) and len(names) == 1:
            values = [values]
        else:
            raise N.InvalidArgumentError(f"{what}: parameter values must be a sequence or a dict by name, got {values!r}")
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise N.InvalidArgumentError(f"{what}: parameter values must be real numbers, got {values!r}") from None
    if arr.ndim != 1 or arr.size != len(names):
        count = arr.size if arr.ndim == 1 else f"an array of shape {arr.shape} as"
        raise N.InvalidArgumentError(f"{what}: the circuit has {len(names)} parameter(s) ({listed}); {count} value(s) given")
    bad = [i for i in range(arr.size) if not math.isfinite(arr[i])]
    if bad:
        raise N.InvalidArgumentError(f"{what}: the value of parameter '{names[bad[0]]}' is {arr[bad[0]]!r}, not a finite number")
    return np.ascontiguousarray(arr)
