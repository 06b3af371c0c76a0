using System.Numerics;
using QiboAccel.Gates;

namespace QiboAccel.Gradients;

/// <summary>
/// Derivatives and inverses of gate matrices, for adjoint differentiation. The derivative uses a shift rule on the
/// matrix itself, exact (up to rounding) because every entry of every parametrised gate is a trigonometric polynomial
/// of its angle a with frequencies in {0, ±1/2, ±1}: with Δ(s) = M(a + s) − M(a − s),
/// D₁ = Δ(π)/2i collects the ±1/2 terms, D₂ = Δ(π/2)/2i − D₁/√2 the ±1 terms, and dM/da = (i/2)·D₁ + i·D₂.
/// </summary>
public static class GateCalculus
{
    /// <summary>
    /// d/da of the target matrix (2^k × 2^k, row-major, controls not included) of <paramref name="gate"/> (concrete)
    /// with respect to its parameter <paramref name="parameter"/>.
    /// </summary>
    public static Complex[] TargetDerivative(Gate gate, int parameter)
    {
        ArgumentNullException.ThrowIfNull(gate);
        if (gate.IsSymbolic) throw new ArgumentException($"{gate.Name}: bind the parameters first", nameof(gate));
        if (parameter < 0 || parameter >= gate.Parameters.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(parameter), parameter, $"{gate.Name} has {gate.Parameters.Count} parameter(s)");
        }
        Complex[] plusPi = Shifted(gate, parameter, Math.PI), minusPi = Shifted(gate, parameter, -Math.PI);
        Complex[] plusHalf = Shifted(gate, parameter, Math.PI / 2), minusHalf = Shifted(gate, parameter, -Math.PI / 2);
        var twoI = new Complex(0, 2);
        var result = new Complex[plusPi.Length];
        for (int e = 0; e < result.Length; e++)
        {
            Complex d1 = (plusPi[e] - minusPi[e]) / twoI;
            Complex d2 = (plusHalf[e] - minusHalf[e]) / twoI - d1 / Math.Sqrt(2);
            result[e] = Complex.ImaginaryOne * (d1 / 2 + d2);
        }
        return result;
    }

    /// <summary>The conjugate transpose of a <paramref name="dim"/> × <paramref name="dim"/> row-major matrix.</summary>
    public static Complex[] Adjoint(ReadOnlySpan<Complex> matrix, int dim)
    {
        if (matrix.Length != dim * dim) throw new ArgumentException($"a {dim}x{dim} matrix has {dim * dim} entries, got {matrix.Length}");
        var result = new Complex[matrix.Length];
        for (int r = 0; r < dim; r++)
        {
            for (int c = 0; c < dim; c++) result[c * dim + r] = Complex.Conjugate(matrix[r * dim + c]);
        }
        return result;
    }

    /// <summary>
    /// The matrix of <paramref name="block"/> (on <paramref name="targets"/> qubits) under <paramref name="controls"/>
    /// controls listed first, with ZERO where the controls are not all 1: the derivative of a controlled gate
    /// (the identity part of C-U does not depend on the angle).
    /// </summary>
    public static Complex[] ControlledBlockOnly(ReadOnlySpan<Complex> block, int targets, int controls)
    {
        int inner = 1 << targets, dim = inner << controls, offset = dim - inner;
        var result = new Complex[dim * dim];
        for (int r = 0; r < inner; r++)
        {
            for (int c = 0; c < inner; c++) result[(offset + r) * dim + offset + c] = block[r * inner + c];
        }
        return result;
    }

    private static Complex[] Shifted(Gate gate, int parameter, double shift)
    {
        double[] values = [.. gate.Parameters];
        values[parameter] += shift;
        return gate.WithParameters(values).TargetMatrix();
    }
}
