using System.Numerics;

namespace QiboAccel.Abi;

/// <summary>
/// The matrices of the operation kinds, exactly as the header's table defines them (qibo's conventions).
/// Backends use it to build the matrix of a native kind; the host uses it to lower kinds a backend lacks.
/// Matrices are row-major, 2^k x 2^k, first target the most significant bit of the index.
/// </summary>
public static class OpMatrices
{
    /// <summary>Number of targets a fixed-arity kind acts on, or 0 for MATRIX/DIAGONAL (any).</summary>
    public static int TargetCount(QiboOpKind kind) => kind switch
    {
        QiboOpKind.Matrix or QiboOpKind.Diagonal => 0,
        QiboOpKind.Swap or QiboOpKind.ISwap or QiboOpKind.FSwap or QiboOpKind.FSim
            or QiboOpKind.GeneralizedFSim or QiboOpKind.RXX or QiboOpKind.RYY or QiboOpKind.RZZ => 2,
        _ => 1,
    };

    /// <summary>True for kinds whose matrix is diagonal whatever the parameters.</summary>
    public static bool IsDiagonal(QiboOpKind kind) => kind is QiboOpKind.Diagonal or QiboOpKind.I or QiboOpKind.Z
        or QiboOpKind.S or QiboOpKind.Sdg or QiboOpKind.T or QiboOpKind.Tdg or QiboOpKind.RZ or QiboOpKind.U1
        or QiboOpKind.RZZ;

    /// <summary>True for the kinds this table defines (every unitary kind of ABI 1.0 except MATRIX/DIAGONAL).</summary>
    public static bool IsFixed(QiboOpKind kind) => kind is >= QiboOpKind.I and <= QiboOpKind.RZZ;

    /// <summary>
    /// The matrix of a fixed kind. <paramref name="block"/> is the 2x2 block of GENERALIZED_FSIM
    /// (row-major) and is ignored by every other kind.
    /// </summary>
    public static Complex[] Of(QiboOpKind kind, ReadOnlySpan<double> p, ReadOnlySpan<Complex> block = default)
    {
        var m = new Complex[TargetCount(kind) == 2 ? 16 : 4];
        Write(kind, p, m, block);
        return m;
    }

    /// <summary>
    /// <see cref="Of"/> into <paramref name="m"/> (4 or 16 entries, as the kind has 1 or 2 targets), without allocating:
    /// backends build a record's matrix for every gate they apply.
    /// </summary>
    public static void Write(QiboOpKind kind, ReadOnlySpan<double> p, Span<Complex> m, ReadOnlySpan<Complex> block = default)
    {
        Complex i = Complex.ImaginaryOne;
        double r2 = 1 / Math.Sqrt(2);
        switch (kind)
        {
            case QiboOpKind.I:
                Set(m, [1, 0, 0, 1]);
                return;
            case QiboOpKind.H:
                Set(m, [r2, r2, r2, -r2]);
                return;
            case QiboOpKind.X:
                Set(m, [0, 1, 1, 0]);
                return;
            case QiboOpKind.Y:
                Set(m, [0, -i, i, 0]);
                return;
            case QiboOpKind.Z:
                Set(m, [1, 0, 0, -1]);
                return;
            case QiboOpKind.S:
                Set(m, [1, 0, 0, i]);
                return;
            case QiboOpKind.Sdg:
                Set(m, [1, 0, 0, -i]);
                return;
            case QiboOpKind.T:
                Set(m, [1, 0, 0, Complex.FromPolarCoordinates(1, Math.PI / 4)]);
                return;
            case QiboOpKind.Tdg:
                Set(m, [1, 0, 0, Complex.FromPolarCoordinates(1, -Math.PI / 4)]);
                return;
            case QiboOpKind.SX:
                Set(m, [(1 + i) / 2, (1 - i) / 2, (1 - i) / 2, (1 + i) / 2]);
                return;
            case QiboOpKind.SXdg:
                Set(m, [(1 - i) / 2, (1 + i) / 2, (1 + i) / 2, (1 - i) / 2]);
                return;
            case QiboOpKind.RX:
            {
                double c = Math.Cos(p[0] / 2), s = Math.Sin(p[0] / 2);
                Set(m, [c, -i * s, -i * s, c]);
                return;
            }
            case QiboOpKind.RY:
            {
                double c = Math.Cos(p[0] / 2), s = Math.Sin(p[0] / 2);
                Set(m, [c, -s, s, c]);
                return;
            }
            case QiboOpKind.RZ:
                Set(m, [Complex.FromPolarCoordinates(1, -p[0] / 2), 0, 0, Complex.FromPolarCoordinates(1, p[0] / 2)]);
                return;
            case QiboOpKind.U1:
                Set(m, [1, 0, 0, Complex.FromPolarCoordinates(1, p[0])]);
                return;
            case QiboOpKind.U2:
            {
                // qibo: U2(phi, lam) = 1/sqrt2 [[e^{-i(phi+lam)/2}, -e^{-i(phi-lam)/2}], [e^{i(phi-lam)/2}, e^{i(phi+lam)/2}]]
                double phi = p[0], lam = p[1];
                Set(m, [
                    r2 * Complex.FromPolarCoordinates(1, -(phi + lam) / 2), -r2 * Complex.FromPolarCoordinates(1, -(phi - lam) / 2),
                    r2 * Complex.FromPolarCoordinates(1, (phi - lam) / 2), r2 * Complex.FromPolarCoordinates(1, (phi + lam) / 2),
                ]);
                return;
            }
            case QiboOpKind.U3:
            {
                // qibo: U3(theta, phi, lam) = [[e^{-i(phi+lam)/2} cos, -e^{-i(phi-lam)/2} sin], [e^{i(phi-lam)/2} sin, e^{i(phi+lam)/2} cos]]
                double c = Math.Cos(p[0] / 2), s = Math.Sin(p[0] / 2), phi = p[1], lam = p[2];
                Set(m, [
                    c * Complex.FromPolarCoordinates(1, -(phi + lam) / 2), -s * Complex.FromPolarCoordinates(1, -(phi - lam) / 2),
                    s * Complex.FromPolarCoordinates(1, (phi - lam) / 2), c * Complex.FromPolarCoordinates(1, (phi + lam) / 2),
                ]);
                return;
            }
            case QiboOpKind.Swap:
                Set(m, [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
                return;
            case QiboOpKind.ISwap:
                Set(m, [1, 0, 0, 0, 0, 0, i, 0, 0, i, 0, 0, 0, 0, 0, 1]);
                return;
            case QiboOpKind.FSwap:
                Set(m, [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, -1]);
                return;
            case QiboOpKind.FSim:
            {
                double c = Math.Cos(p[0]), s = Math.Sin(p[0]);
                Set(m, [1, 0, 0, 0, 0, c, -i * s, 0, 0, -i * s, c, 0, 0, 0, 0, Complex.FromPolarCoordinates(1, -p[1])]);
                return;
            }
            case QiboOpKind.GeneralizedFSim:
            {
                if (block.Length != 4) throw new ArgumentException("GENERALIZED_FSIM needs a 2x2 block", nameof(block));
                Set(m, [1, 0, 0, 0, 0, block[0], block[1], 0, 0, block[2], block[3], 0, 0, 0, 0, Complex.FromPolarCoordinates(1, -p[0])]);
                return;
            }
            case QiboOpKind.RXX:
            {
                double c = Math.Cos(p[0] / 2), s = Math.Sin(p[0] / 2);
                Complex x = -i * s;
                Set(m, [c, 0, 0, x, 0, c, x, 0, 0, x, c, 0, x, 0, 0, c]);
                return;
            }
            case QiboOpKind.RYY:
            {
                double c = Math.Cos(p[0] / 2), s = Math.Sin(p[0] / 2);
                Complex x = i * s;
                Set(m, [c, 0, 0, x, 0, c, -x, 0, 0, -x, c, 0, x, 0, 0, c]);
                return;
            }
            case QiboOpKind.RZZ:
            {
                Complex a = Complex.FromPolarCoordinates(1, -p[0] / 2), b = Complex.FromPolarCoordinates(1, p[0] / 2);
                Set(m, [a, 0, 0, 0, 0, b, 0, 0, 0, 0, b, 0, 0, 0, 0, a]);
                return;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a fixed unitary operation kind");
        }
    }

    /// <summary>Copies a kind's entries (a collection expression, built on the stack) into the caller's matrix.</summary>
    private static void Set(Span<Complex> m, ReadOnlySpan<Complex> values)
    {
        if (m.Length != values.Length) throw new ArgumentException($"the matrix has {values.Length} entries, the destination {m.Length}", nameof(m));
        values.CopyTo(m);
    }
}
