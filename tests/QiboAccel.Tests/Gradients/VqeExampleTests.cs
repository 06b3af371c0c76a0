using QiboAccel.Examples.Vqe;
using QiboAccel.Tests.Support;

namespace QiboAccel.Tests.Gradients;

/// <summary>The VQE example (examples/vqe) reaches the ground energy of the 4-qubit Ising chain.</summary>
public sealed class VqeExampleTests
{
    // numpy.linalg.eigvalsh of the dense 16x16 matrix of −Σ ZᵢZᵢ₊₁ − Σ Xᵢ (4 sites, open ends): an independent value.
    private const double GroundEnergy = -4.75877048314363;

    [Fact]
    public void ExactGroundEnergyIsTheSmallestEigenvalue() =>
        Assert.Equal(GroundEnergy, VqeSolver.ExactGroundEnergy(VqeSolver.IsingChain(4, 1.0), 4), 1e-9);

    [Fact]
    public void GradientDescentWithAdjointGradientsReachesTheGroundEnergy()
    {
        using IBackend cpu = TestBackends.Load("backends", "cpu.json");
        var (trace, energy, _) = VqeSolver.Minimise(cpu, VqeSolver.IsingChain(4, 1.0), 4, layers: 4, iterations: 300, rate: 0.1, seed: 1);
        // Variational principle: never below the ground energy; descent: never up by more than rounding.
        Assert.True(energy >= GroundEnergy - 1e-9, $"{energy} is below the ground energy");
        Assert.True(energy - GroundEnergy < 1e-3, $"VQE stopped at {energy}, {energy - GroundEnergy} above the ground energy");
        for (int i = 1; i < trace.Count; i++) Assert.True(trace[i].Energy <= trace[i - 1].Energy + 1e-12, $"energy rose at iteration {i}");
    }
}
