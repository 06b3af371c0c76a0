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

    /// <summary>
    /// For the phase kinds, whose matrix is diag(1, <paramref name="phase"/>) (Z S SDG T TDG U1): true and the phase,
    /// exactly as <see cref="Write"/> builds it; false for every other kind. Backends apply these (controlled or not)
    /// to the amplitudes with the target at 1 only, without building the matrix.
    /// </summary>
    public static bool TryPhase(QiboOpKind kind, ReadOnlySpan<double> p, out Complex phase)
    {
        switch (kind)
        {
            case QiboOpKind.Z:
                phase = -1;
                return true;
            case QiboOpKind.S:
                phase = Complex.ImaginaryOne;
                return true;
            case QiboOpKind.Sdg:
                phase = -Complex.ImaginaryOne;
                return true;
            case QiboOpKind.T:
                phase = Complex.FromPolarCoordinates(1, Math.PI / 4);
                return true;
            case QiboOpKind.Tdg:
                phase = Complex.FromPolarCoordinates(1, -Math.PI / 4);
                return true;
            case QiboOpKind.U1:
                phase = Complex.FromPolarCoordinates(1, p[0]);
                return true;
            default:
                phase = default;
                return false;
        }
    }

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
    // Entries are passed as arguments, not as collection expressions: each of those is a stack buffer of its own that
    // the method's prologue clears on every call (kilobytes for this switch), which cost more than the arithmetic.
    public static void Write(QiboOpKind kind, ReadOnlySpan<double> p, Span<Complex> m, ReadOnlySpan<Complex> block = default)
    {
        Complex i = Complex.ImaginaryOne;
        double r2 = 1 / Math.Sqrt(2);
        switch (kind)
        {
            case QiboOpKind.I:
                Set(m, 1, 0, 0, 1);
                return;
            case QiboOpKind.H:
                Set(m, r2, r2, r2, -r2);
                return;
            case QiboOpKind.X:
                Set(m, 0, 1, 1, 0);
                return;
            case QiboOpKind.Y:
                Set(m, 0, -i, i, 0);
                return;
            case QiboOpKind.SX:
                Set(m, (1 + i) / 2, (1 - i) / 2, (1 - i) / 2, (1 + i) / 2);
                return;
            case QiboOpKind.SXdg:
                Set(m, (1 - i) / 2, (1 + i) / 2, (1 + i) / 2, (1 - i) / 2);
                return;
            case QiboOpKind.RX:
            {
                double c = Math.Cos(p[0] / 2), s = Math.Sin(p[0] / 2);
                Set(m, c, -i * s, -i * s, c);
                return;
            }
            case QiboOpKind.RY:
            {
                double c = Math.Cos(p[0] / 2), s = Math.Sin(p[0] / 2);
                Set(m, c, -s, s, c);
                return;
            }
            case QiboOpKind.RZ:
                Set(m, Complex.FromPolarCoordinates(1, -p[0] / 2), 0, 0, Complex.FromPolarCoordinates(1, p[0] / 2));
                return;
            case QiboOpKind.Z or QiboOpKind.S or QiboOpKind.Sdg or QiboOpKind.T or QiboOpKind.Tdg or QiboOpKind.U1:
                TryPhase(kind, p, out Complex phase);
                Set(m, 1, 0, 0, phase);
                return;
            case QiboOpKind.U2:
            {
                // qibo: U2(phi, lam) = 1/sqrt2 [[e^{-i(phi+lam)/2}, -e^{-i(phi-lam)/2}], [e^{i(phi-lam)/2}, e^{i(phi+lam)/2}]]
                double phi = p[0], lam = p[1];
                Set(m,
                    r2 * Complex.FromPolarCoordinates(1, -(phi + lam) / 2), -r2 * Complex.FromPolarCoordinates(1, -(phi - lam) / 2),
                    r2 * Complex.FromPolarCoordinates(1, (phi - lam) / 2), r2 * Complex.FromPolarCoordinates(1, (phi + lam) / 2));
                return;
            }
            case QiboOpKind.U3:
            {
                // qibo: U3(theta, phi, lam) = [[e^{-i(phi+lam)/2} cos, -e^{-i(phi-lam)/2} sin], [e^{i(phi-lam)/2} sin, e^{i(phi+lam)/2} cos]]
                double c = Math.Cos(p[0] / 2), s = Math.Sin(p[0] / 2), phi = p[1], lam = p[2];
                Set(m,
                    c * Complex.FromPolarCoordinates(1, -(phi + lam) / 2), -s * Complex.FromPolarCoordinates(1, -(phi - lam) / 2),
                    s * Complex.FromPolarCoordinates(1, (phi - lam) / 2), c * Complex.FromPolarCoordinates(1, (phi + lam) / 2));
                return;
            }
            case QiboOpKind.Swap:
                SetTwo(m, 1, 0, 0, 1, 0, 1, 1, 0);
                return;
            case QiboOpKind.ISwap:
                SetTwo(m, 1, 0, 0, 1, 0, i, i, 0);
                return;
            case QiboOpKind.FSwap:
                SetTwo(m, 1, 0, 0, -1, 0, 1, 1, 0);
                return;
            case QiboOpKind.FSim:
            {
                double c = Math.Cos(p[0]), s = Math.Sin(p[0]);
                SetTwo(m, 1, c, c, Complex.FromPolarCoordinates(1, -p[1]), 0, -i * s, -i * s, 0);
                return;
            }
            case QiboOpKind.GeneralizedFSim:
            {
                if (block.Length != 4) throw new ArgumentException("GENERALIZED_FSIM needs a 2x2 block", nameof(block));
                SetTwo(m, 1, block[0], block[3], Complex.FromPolarCoordinates(1, -p[0]), 0, block[1], block[2], 0);
                return;
            }
            case QiboOpKind.RXX:
            {
                double c = Math.Cos(p[0] / 2), s = Math.Sin(p[0] / 2);
                Complex x = -i * s;
                SetTwo(m, c, c, c, c, x, x, x, x);
                return;
            }
            case QiboOpKind.RYY:
            {
                double c = Math.Cos(p[0] / 2), s = Math.Sin(p[0] / 2);
                Complex x = i * s;
                SetTwo(m, c, c, c, c, x, -x, -x, x);
                return;
            }
            case QiboOpKind.RZZ:
            {
                Complex a = Complex.FromPolarCoordinates(1, -p[0] / 2), b = Complex.FromPolarCoordinates(1, p[0] / 2);
                SetTwo(m, a, b, b, a, 0, 0, 0, 0);
                return;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a fixed unitary operation kind");
        }
    }

    /// <summary>A 1-target kind's 2x2 matrix, row-major.</summary>
    private static void Set(Span<Complex> m, Complex m00, Complex m01, Complex m10, Complex m11)
    {
        if (m.Length != 4) throw new ArgumentException($"the matrix has 4 entries, the destination {m.Length}", nameof(m));
        m[0] = m00;
        m[1] = m01;
        m[2] = m10;
        m[3] = m11;
    }

    /// <summary>
    /// A 2-target kind's 4x4 matrix: every one of them is zero outside its diagonal (<paramref name="d0"/>..
    /// <paramref name="d3"/>) and anti-diagonal (<paramref name="a03"/> is row 0, column 3; and so on).
    /// </summary>
    private static void SetTwo(Span<Complex> m, Complex d0, Complex d1, Complex d2, Complex d3, Complex a03, Complex a12, Complex a21, Complex a30)
    {
        if (m.Length != 16) throw new ArgumentException($"the matrix has 16 entries, the destination {m.Length}", nameof(m));
        m.Clear();
        m[0] = d0;
        m[5] = d1;
        m[10] = d2;
        m[15] = d3;
        m[3] = a03;
        m[6] = a12;
        m[9] = a21;
        m[12] = a30;
    }
}
