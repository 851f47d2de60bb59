using System.Globalization;
using NeuralCore.Internals.Quantized;

namespace NeuralCore.Benchmarks.Peers;

/// <summary>
/// <c>--quick-int8</c>: the int8 product kernel alone (<see cref="Int8Gemm.Multiply"/>) against our fp32 GEMM on the
/// same shapes, one thread, in one run: µs, GOPS (2·M·K·N per call), the weight stream in GB/s, and the row
/// quantizer's time; each 256-bit form (VNNI where the CPU has it, and AVX2) beside the widest path.
/// </summary>
public static class Int8KernelQuick
{
    public static void Run()
    {
        Console.WriteLine($"kernel path {Kernels.GetName(Kernels.Default)}, AVX-VNNI {System.Runtime.Intrinsics.X86.AvxVnni.IsSupported}, 1 thread; best per call over interleaved rounds (PeersQuick.Best)");
        Console.WriteLine($"{"M×K×N",-16} {"form",-8} {"int8 µs",9} {"GOPS",6} {"GB/s",6} {"fp32 µs",9} {"GFLOPS",6} {"fp32/int8",9} {"quant µs",9}");
        foreach (var (m, k, n) in new[] { (1, 784, 256), (1, 256, 128), (1, 128, 10), (1, 1024, 1024), (8, 784, 256), (64, 784, 256), (1024, 784, 256), (1024, 256, 128) })
        {
            var random = new Random(1);
            var paddedK = Int8Gemm.PaddedK(k);
            var codes = new byte[m * paddedK];
            random.NextBytes(codes);
            for (var i = 0; i < codes.Length; i++)
            {
                codes[i] &= 0x7F;
            }

            var q = new sbyte[n * k];
            for (var i = 0; i < q.Length; i++)
            {
                q[i] = (sbyte)random.Next(-127, 128);
            }

            var packed = new sbyte[Int8Gemm.PackedLength(k, n)];
            var sums = new int[n];
            Int8Gemm.PackCodes(q, k, n, packed, sums);
            var rowScales = new float[m];
            var zeroPoints = new int[m];
            var scales = new float[n];
            var bias = new float[n];
            var x = new float[m * k];
            var w = new float[k * n];
            var y = new float[m * n];
            for (var i = 0; i < x.Length; i++)
            {
                x[i] = (float)random.NextDouble();
            }

            for (var i = 0; i < w.Length; i++)
            {
                w[i] = (float)random.NextDouble();
            }

            var fp32 = PeersQuick.Best(() => NeuralCore.Gemm.Multiply(new ReadOnlyMatrixSpan<float>(x, m, k), MatrixOp.None, new ReadOnlyMatrixSpan<float>(w, k, n), MatrixOp.None, 1f, 0f, new MatrixSpan<float>(y, m, n), new ComputeOptions(Kernels.Default, 1)))[0];
            // Each form by what it runs: 512-bit BW, 256-bit VNNI where the CPU has it, 256-bit AVX2, or the narrower path.
            var forms = new List<(string Name, KernelPath Path, bool AvoidVnni)>();
            if (Kernels.Default >= KernelPath.Vector512)
            {
                forms.Add(("v512", KernelPath.Vector512, false));
            }

            if (Kernels.Default >= KernelPath.Vector256)
            {
                if (System.Runtime.Intrinsics.X86.AvxVnni.IsSupported)
                {
                    forms.Add(("v256vnni", KernelPath.Vector256, false));
                }

                forms.Add(("v256", KernelPath.Vector256, true));
            }
            else
            {
                forms.Add((Kernels.GetName(Kernels.Default), Kernels.Default, false));
            }

            foreach (var (name, path, avoidVnni) in forms)
            {
                Int8Gemm.AvoidVnni = avoidVnni;
                var best = PeersQuick.Best(
                    () => Int8Gemm.Multiply(new ReadOnlyMatrixSpan<byte>(codes, m, paddedK), rowScales, zeroPoints, k, packed, scales, sums, bias, new MatrixSpan<float>(y, m, n), path),
                    () => Int8Gemm.QuantizeRows(new ReadOnlyMatrixSpan<float>(x, m, k), new MatrixSpan<byte>(codes, m, paddedK), rowScales, zeroPoints, path));
                var (int8, quantize) = (best[0], best[1]);
                Int8Gemm.AvoidVnni = false;
                var ops = 2.0 * m * k * n;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{$"{m}×{k}×{n}",-16} {name,-8} {int8,9:F2} {ops / int8 / 1e3,6:F0} {packed.Length / int8 / 1e3,6:F0} {fp32,9:F2} {ops / fp32 / 1e3,6:F0} {fp32 / int8,8:F2}× {quantize,9:F2}"));
            }
        }
    }
}
