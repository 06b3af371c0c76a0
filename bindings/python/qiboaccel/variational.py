"""What qiboaccel.sweep and qiboaccel.gradient return."""


class SweepResult:
    """One parametrised circuit run over many parameter sets (qiboaccel.sweep).

    parameter_sets  the sets run, as a 2-D float array (one row per set, columns in the circuit's parameter order)
    expectations    one exact expectation value per set (a numpy array), or None when no observable was given
    results         one Result per set holding its shots (frequencies, registers; no state), or [] without shots
    seed            the seed every set's shots used (None without shots and without a given seed)
    seconds         wall time of the whole sweep in the library
    """

    def __init__(self, parameter_sets, expectations, results, seed, seconds):
        self.parameter_sets = parameter_sets
        self.expectations = expectations
        self.results = results
        self.seed = seed
        self.seconds = seconds

    def frequencies(self, binary=True):
        """Shot counts per set: a list of {bitstring: count} (see Result.frequencies); [] without shots."""
        return [r.frequencies(binary=binary) for r in self.results]

    @property
    def registers(self):
        """Shot counts per classical register, per set: a list of {name: {bitstring: count}}."""
        return [r.registers for r in self.results]

    def __len__(self):
        return len(self.parameter_sets)

    def __repr__(self):
        shots = f", {self.results[0].shots} shots each" if self.results else ""
        return f"<qiboaccel.SweepResult {len(self)} sets{shots}, {self.seconds:.3g} s>"


class GradientResult:
    """An expectation value and its gradient (qiboaccel.gradient).

    value           <psi(theta)|O|psi(theta)> (Tr(O rho) with a density matrix)
    gradient        d<O>/d(theta_i) as a numpy array, in `parameters` order
    parameters      the circuit's parameter names
    method          the method used: "adjoint" or "parameter_shift"
    circuit_passes  executions spent (adjoint: 2)
    seconds         wall time in the library

    `value, grad = qiboaccel.gradient(...)` unpacks value and gradient.
    """

    def __init__(self, value, gradient, parameters, method, circuit_passes, seconds):
        self.value = value
        self.gradient = gradient
        self.parameters = parameters
        self.method = method
        self.circuit_passes = circuit_passes
        self.seconds = seconds

    def __iter__(self):
        yield self.value
        yield self.gradient

    def as_dict(self):
        """{parameter name: derivative}."""
        return dict(zip(self.parameters, self.gradient.tolist()))

    def __repr__(self):
        return (f"<qiboaccel.GradientResult value {self.value!r}, {len(self.gradient)} derivatives by {self.method} "
                f"({self.circuit_passes} circuit passes)>")
