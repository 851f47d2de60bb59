using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals.Operators;
using NeuralCore.Internals.Threading;

using NeuralCore.Internals.Simd;

namespace NeuralCore.Internals.Gemm;

/// <summary>
/// Picks, once per call, the instantiation that runs a validated <see cref="GemmProblem{T}"/>: the SIMD width from
/// the kernel path, the epilogue from the activation, and how many threads (a fixed partition of C).
/// </summary>
internal static unsafe class GemmExecutor
{
    /// <summary>
    /// Below this many flops (2·M·N·K) a product runs on the calling thread. The worker pool's round trip is
    /// ≈ 0.2 µs, so two threads pay from about a microsecond of work; the break-even measured near 0.2 MFLOP
    /// (benchmarks/results/AMD-EPYC-Zen5-gemm.md, "Figures moved from code comments").
    /// </summary>
    public const double ThreadingFlopThreshold = 2.5e5;

    /// <summary>Runs <paramref name="problem"/> on <paramref name="path"/> (not the reference) with element-wise <paramref name="activation"/>.</summary>
    /// <remarks>Softmax is row-wise: the caller passes <see cref="Activation.Linear"/> and applies it afterwards.</remarks>
    public static void Execute<T>(ref GemmProblem<T> problem, Activation activation, KernelPath path, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (problem.K == 0)
        {
            // C = β·C (+ bias, f): nothing of A or B is read. They may be empty arrays, where even the tile's starting
            // refs (row i, column j) would lie outside the object, which a ref must not do even briefly (the GC may see
            // it); so both point at C with zero strides, whose first row holds every column a tile starts at.
            problem.A = ref problem.C;
            problem.ARowStride = 0;
            problem.AKStride = 0;
            problem.B = ref problem.C;
            problem.BStride = 0;
            problem.BTransposed = false;
        }

        if (!problem.StoreZ)
        {
            // Z is never written then, but the tiles still form their Z refs: on C, not at offsets from a null ref.
            problem.Z = ref problem.C;
            problem.ZStride = problem.CStride;
        }

        switch (path)
        {
            case KernelPath.Vector512 when Vector512.IsHardwareAccelerated:
                ByActivation<T, Vector512<T>, Simd512<T>>(ref problem, activation, maxThreads);
                break;
            case KernelPath.Vector256 when Vector256.IsHardwareAccelerated:
                ByActivation<T, Vector256<T>, Simd256<T>>(ref problem, activation, maxThreads);
                break;
            case KernelPath.Vector128 when Vector128.IsHardwareAccelerated:
                ByActivation<T, Vector128<T>, Simd128<T>>(ref problem, activation, maxThreads);
                break;
            default:
                ByActivation<T, T, SimdScalar<T>>(ref problem, activation, maxThreads);
                break;
        }
    }

    private static void ByActivation<T, TVector, TSimd>(ref GemmProblem<T> problem, Activation activation, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
    {
        var visitor = new EpilogueVisitor<T, TVector, TSimd>(problem, maxThreads);
        ActivationDispatch.Dispatch<T, EpilogueVisitor<T, TVector, TSimd>>(activation, ref visitor);
    }

    /// <summary>Runs the problem with the dispatched operator in the epilogue (its parameter into the problem).</summary>
    private ref struct EpilogueVisitor<T, TVector, TSimd>(GemmProblem<T> problem, int maxThreads) : IActivationVisitor<T>
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
    {
        private GemmProblem<T> _problem = problem;

        public void Visit<TOperator>(T parameter)
            where TOperator : struct, IActivationOperator<T>
        {
            _problem.ActivationParameter = parameter;
            Run<T, TVector, TSimd, TOperator>(ref _problem, maxThreads);
        }

        // Row-wise: Gemm.MultiplyBiasActivateCore runs the product with Linear and applies softmax afterwards.
        public readonly void VisitSoftmax() =>
            ThrowHelper.ThrowArgumentOutOfRange("activation", "The GEMM epilogue runs element-wise activations only; softmax is applied after the product.");
    }

    private static void Run<T, TVector, TSimd, TActivation>(ref GemmProblem<T> problem, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
        where TActivation : struct, IActivationOperator<T>
    {
        var parts = Math.Min(maxThreads, WorkerPool.MaxParts);
        var smallRows = SmallRows<T, TVector, TSimd>.Applies(ref problem);
        if (parts <= 1 || (smallRows ? !SmallRows<T, TVector, TSimd>.PaysToSplit(ref problem) : problem.Flops < ThreadingFlopThreshold))
        {
            if (smallRows)
            {
                SmallRows<T, TVector, TSimd>.Run<TActivation>(ref problem, 0, problem.N);
            }
            else
            {
                GemmDriver<T, TVector, TSimd>.Run<TActivation>(ref problem, 0, problem.M, 0, problem.N);
            }

            return;
        }

        // Workers cannot receive refs, so the caller pins every operand for the duration of the call (it waits
        // for all parts) and passes pointers in a job struct on its own stack.
        fixed (T* a = &problem.A, b = &problem.B, c = &problem.C, z = &problem.Z, bias = &problem.Bias)
        {
            var job = new GemmJob<T>
            {
                A = a,
                ARowStride = problem.ARowStride,
                AKStride = problem.AKStride,
                B = b,
                BStride = problem.BStride,
                BTransposed = problem.BTransposed,
                C = c,
                CStride = problem.CStride,
                Z = z,
                ZStride = problem.ZStride,
                StoreZ = problem.StoreZ,
                Bias = bias,
                HasBias = problem.HasBias,
                BiasPerRow = problem.BiasPerRow,
                Alpha = problem.Alpha,
                Beta = problem.Beta,
                ActivationParameter = problem.ActivationParameter,
                M = problem.M,
                N = problem.N,
                K = problem.K,
                SmallRows = smallRows,
            };
            WorkerPool.Run(&GemmPart<T, TVector, TSimd, TActivation>.Run, (nint)(&job), parts);
        }
    }

    /// <summary>The thread entry: rebuilds the problem from the pinned job and computes this part's block of C.</summary>
    private static class GemmPart<T, TVector, TSimd, TActivation>
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
        where TActivation : struct, IActivationOperator<T>
    {
        public static void Run(nint context, int part, int parts)
        {
            ref var job = ref Unsafe.AsRef<GemmJob<T>>((void*)context);
            var problem = new GemmProblem<T>
            {
                A = ref Unsafe.AsRef<T>(job.A),
                ARowStride = job.ARowStride,
                AKStride = job.AKStride,
                B = ref Unsafe.AsRef<T>(job.B),
                BStride = job.BStride,
                BTransposed = job.BTransposed,
                C = ref Unsafe.AsRef<T>(job.C),
                CStride = job.CStride,
                Z = ref Unsafe.AsRef<T>(job.Z),
                ZStride = job.ZStride,
                StoreZ = job.StoreZ,
                Bias = ref Unsafe.AsRef<T>(job.Bias),
                HasBias = job.HasBias,
                BiasPerRow = job.BiasPerRow,
                Alpha = job.Alpha,
                Beta = job.Beta,
                ActivationParameter = job.ActivationParameter,
                M = job.M,
                N = job.N,
                K = job.K,
            };

            if (job.SmallRows)
            {
                // The same path as on one thread, split into whole strips of columns.
                var (first, last) = WorkerPool.Split(job.N, SmallRows<T, TVector, TSimd>.Granule, part, parts);
                SmallRows<T, TVector, TSimd>.Run<TActivation>(ref problem, first, last);
                return;
            }

            // A fixed partition: whole column panels when N is wide enough (each thread packs and keeps its own
            // B panels in its own L2, and no two threads write one cache line), else whole row tiles.
            var panel = GemmDriver<T, TVector, TSimd>.PanelWidth(job.N);
            var rows = GemmDriver<T, TVector, TSimd>.TileRows;
            if (job.N >= parts * 2 * panel)
            {
                var (start, end) = WorkerPool.Split(job.N, panel, part, parts);
                GemmDriver<T, TVector, TSimd>.Run<TActivation>(ref problem, 0, job.M, start, end);
            }
            else
            {
                var (start, end) = WorkerPool.Split(job.M, rows, part, parts);
                GemmDriver<T, TVector, TSimd>.Run<TActivation>(ref problem, start, end, 0, job.N);
            }
        }
    }

    /// <summary>A <see cref="GemmProblem{T}"/> as pointers into pinned memory, for the worker threads.</summary>
    private struct GemmJob<T>
        where T : unmanaged
    {
        public T* A;
        public nint ARowStride;
        public nint AKStride;
        public T* B;
        public nint BStride;
        public bool BTransposed;
        public T* C;
        public nint CStride;
        public T* Z;
        public nint ZStride;
        public bool StoreZ;
        public T* Bias;
        public bool HasBias;
        public bool BiasPerRow;
        public T Alpha;
        public T Beta;
        public T ActivationParameter;
        public int M;
        public int N;
        public int K;

        /// <summary>The executor's one path decision (<see cref="SmallRows{T, TVector, TSimd}.Applies"/>), for every part.</summary>
        public bool SmallRows;
    }
}
