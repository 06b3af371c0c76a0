// A small VQE: the 4-qubit transverse-field Ising chain, a real-amplitude hardware-efficient ansatz (RY layers between CNOT ladders), plain
// gradient descent with adjoint gradients.
//   dotnet run --project examples/vqe -- [--backend SPEC] [--qubits N] [--layers L] [--iterations K] [--rate R]
using System.Globalization;
using QiboAccel;
using QiboAccel.Examples.Vqe;

string spec = "cpu";
int n = 4, layers = 4, iterations = 300;
double rate = 0.1, field = 1.0;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    string value = args[i + 1];
    switch (args[i])
    {
        case "--backend": spec = value; break;
        case "--qubits": n = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--layers": layers = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--iterations": iterations = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--rate": rate = double.Parse(value, CultureInfo.InvariantCulture); break;
        case "--field": field = double.Parse(value, CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"vqe: unknown option {args[i]}"); return 2;
    }
}
try
{
    using IBackend backend = Backends.Load(spec);
    var hamiltonian = VqeSolver.IsingChain(n, field);
    Console.WriteLine($"H = {hamiltonian.Text}");
    Console.WriteLine($"backend {backend.Info.Name}; ansatz: RY on every qubit, then {layers} x (CNOT ladder, RY) on {n} qubits ({n * (layers + 1)} parameters)");
    var (_, energy, _) = VqeSolver.Minimise(backend, hamiltonian, n, layers, iterations, rate, seed: 1, step =>
    {
        if (step.Iteration % 10 == 0) Console.WriteLine($"  iteration {step.Iteration,4}: <H> = {step.Energy,12:F8}   |grad| = {step.GradientNorm:E2}");
    });
    double exact = VqeSolver.ExactGroundEnergy(hamiltonian, n);
    Console.WriteLine($"VQE energy {energy:F8}; exact ground energy {exact:F8}; error {energy - exact:E2}");
    return 0;
}
catch (Exception e) when (e is BackendException or ArgumentException or FormatException)
{
    Console.Error.WriteLine($"vqe: error: {e.Message}");
    return 1;
}
