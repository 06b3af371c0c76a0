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
        Complex i = Complex.ImaginaryOne;
        double r2 = 1 / Math.Sqrt(2);
        switch (kind)
        {
            case QiboOpKind.I: return [1, 0, 0, 1];
            case QiboOpKind.H: return [r2, r2, r2, -r2];
            case QiboOpKind.X: return [0, 1, 1, 0];
            case QiboOpKind.Y: return [0, -i, i, 0];
            case QiboOpKind.Z: return [1, 0, 0, -1];
            case QiboOpKind.S: return [1, 0, 0, i];
            case QiboOpKind.Sdg: return [1, 0, 0, -i];
            case QiboOpKind.T: return [1, 0, 0, Complex.FromPolarCoordinates(1, Math.PI / 4)];
            case QiboOpKind.Tdg: return [1, 0, 0, Complex.FromPolarCoordinates(1, -Math.PI / 4)];
            case QiboOpKind.SX: return [(1 + i) / 2, (1 - i) / 2, (1 - i) / 2, (1 + i) / 2];
            case QiboOpKind.SXdg: return [(1 - i) / 2, (1 + i) / 2, (1 + i) / 2, (1 - i) / 2];
            case QiboOpKind.RX:
            {
                double c = Math.Cos(p[0] / 2), s = Math.Sin(p[0] / 2);
                return [c, -i * s, -i * s, c];
            }
            case QiboOpKind.RY:
            {
                double c = Math.Cos(p[0] / 2), s = Math.Sin(p[0] / 2);
                return [c, -s, s, c];
            }
            case QiboOpKind.RZ:
                return [Complex.FromPolarCoordinates(1, -p[0] / 2), 0, 0, Complex.FromPolarCoordinates(1, p[0] / 2)];
            case QiboOpKind.U1: return [1, 0, 0, Complex.FromPolarCoordinates(1, p[0])];
            case QiboOpKind.U2:
            {
                // qibo: U2(phi, lam) = 1/sqrt2 [[e^{-i(phi+lam)/2}, -e^{-i(phi-lam)/2}], [e^{i(phi-lam)/2}, e^{i(phi+lam)/2}]]
                double phi = p[0], lam = p[1];
                return
                [
                    r2 * Complex.FromPolarCoordinates(1, -(phi + lam) / 2), -r2 * Complex.FromPolarCoordinates(1, -(phi - lam) / 2),
                    r2 * Complex.FromPolarCoordinates(1, (phi - lam) / 2), r2 * Complex.FromPolarCoordinates(1, (phi + lam) / 2),
                ];
            }
            case QiboOpKind.U3:
            {
                // qibo: U3(theta, phi, lam) = [[e^{-i(phi+lam)/2} cos, -e^{-i(phi-lam)/2} sin], [e^{i(phi-lam)/2} sin, e^{i(phi+lam)/2} cos]]
                double c = Math.Cos(p[0] / 2), s = Math.Sin(p[0] / 2), phi = p[1], lam = p[2];
                return
                [
                    c * Complex.FromPolarCoordinates(1, -(phi + lam) / 2), -s * Complex.FromPolarCoordinates(1, -(phi - lam) / 2),
                    s * Complex.FromPolarCoordinates(1, (phi - lam) / 2), c * Complex.FromPolarCoordinates(1, (phi + lam) / 2),
                ];
            }
            case QiboOpKind.Swap: return [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1];
            case QiboOpKind.ISwap: return [1, 0, 0, 0, 0, 0, i, 0, 0, i, 0, 0, 0, 0, 0, 1];
            case QiboOpKind.FSwap: return [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, -1];
            case QiboOpKind.FSim:
            {
                double c = Math.Cos(p[0]), s = Math.Sin(p[0]);
                return [1, 0, 0, 0, 0, c, -i * s, 0, 0, -i * s, c, 0, 0, 0, 0, Complex.FromPolarCoordinates(1, -p[1])];
            }
            case QiboOpKind.GeneralizedFSim:
            {
                if (block.Length != 4) throw new ArgumentException("GENERALIZED_FSIM needs a 2x2 block", nameof(block));
                return [1, 0, 0, 0, 0, block[0], block[1], 0, 0, block[2], block[3], 0, 0, 0, 0, Complex.FromPolarCoordinates(1, -p[0])];
            }
            case QiboOpKind.RXX:
            {
                double c = Math.Cos(p[0] / 2), s = Math.Sin(p[0] / 2);
                Complex m = -i * s;
                return [c, 0, 0, m, 0, c, m, 0, 0, m, c, 0, m, 0, 0, c];
            }
            case QiboOpKind.RYY:
            {
                double c = Math.Cos(p[0] / 2), s = Math.Sin(p[0] / 2);
                Complex m = i * s;
                return [c, 0, 0, m, 0, c, -m, 0, 0, -m, c, 0, m, 0, 0, c];
            }
            case QiboOpKind.RZZ:
            {
                Complex a = Complex.FromPolarCoordinates(1, -p[0] / 2), b = Complex.FromPolarCoordinates(1, p[0] / 2);
                return [a, 0, 0, 0, 0, b, 0, 0, 0, 0, b, 0, 0, 0, 0, a];
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a fixed unitary operation kind");
        }
    }
}
