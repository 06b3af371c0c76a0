using System.Numerics;
using System.Runtime.Intrinsics;

namespace QiboAccel.Cpu.Kernels;

/// <summary>Sums of |amplitude|^2 in double precision (complex64 amplitudes are widened before squaring).</summary>
internal static unsafe class SquareSums
{
    /// <summary>
    /// Adds |p[i]|^2 to lanes[i &amp; 7] for i in [0, count). <paramref name="p"/> must point at an index that is a
    /// multiple of 8 for the lane numbers to be the low 3 bits of the amplitude index.
    /// </summary>
    public static void AddByLane<T>(T* p, long count, double* lanes) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long i = 0;
        if (Vector256.IsHardwareAccelerated && count >= 8)
        {
            Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
            if (typeof(T) == typeof(double))
            {
                double* d = (double*)p;
                for (; i + 8 <= count; i += 8)
                {
                    double* q = d + 2 * i;
                    Vector256<double> x0 = Vector256.Load(q), x1 = Vector256.Load(q + 4);
                    Vector256<double> x2 = Vector256.Load(q + 8), x3 = Vector256.Load(q + 12);
                    a0 = Vector256.MultiplyAddEstimate(x0, x0, a0);
                    a1 = Vector256.MultiplyAddEstimate(x1, x1, a1);
                    a2 = Vector256.MultiplyAddEstimate(x2, x2, a2);
                    a3 = Vector256.MultiplyAddEstimate(x3, x3, a3);
                }
            }
            else
            {
                float* f = (float*)p;
                for (; i + 8 <= count; i += 8)
                {
                    float* q = f + 2 * i;
                    (Vector256<double> x0, Vector256<double> x1) = Vector256.Widen(Vector256.Load(q));
                    (Vector256<double> x2, Vector256<double> x3) = Vector256.Widen(Vector256.Load(q + 8));
                    a0 = Vector256.MultiplyAddEstimate(x0, x0, a0);
                    a1 = Vector256.MultiplyAddEstimate(x1, x1, a1);
                    a2 = Vector256.MultiplyAddEstimate(x2, x2, a2);
                    a3 = Vector256.MultiplyAddEstimate(x3, x3, a3);
                }
            }
            // a_q = [re^2, im^2] of lanes 2q and 2q + 1.
            lanes[0] += a0[0] + a0[1];
            lanes[1] += a0[2] + a0[3];
            lanes[2] += a1[0] + a1[1];
            lanes[3] += a1[2] + a1[3];
            lanes[4] += a2[0] + a2[1];
            lanes[5] += a2[2] + a2[3];
            lanes[6] += a3[0] + a3[1];
            lanes[7] += a3[2] + a3[3];
        }
        for (; i < count; i++)
        {
            double re = double.CreateTruncating(p[2 * i]), im = double.CreateTruncating(p[2 * i + 1]);
            lanes[i & 7] += re * re + im * im;
        }
    }

    /// <summary>The sum of |p[i]|^2 for i in [0, count).</summary>
    public static double Sum<T>(T* p, long count) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double* lanes = stackalloc double[8];
        for (int l = 0; l < 8; l++) lanes[l] = 0;
        AddByLane(p, count, lanes);
        return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
    }
}
