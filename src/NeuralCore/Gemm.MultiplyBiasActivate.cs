using System.Numerics;
using NeuralCore.Internals;
using NeuralCore.Internals.Elementwise;
using NeuralCore.Internals.Gemm;
using System.Runtime.CompilerServices;
using NeuralCore.Internals.Reference;

namespace NeuralCore;

// The fused dense-layer forward pass.
public static partial class Gemm
{
    /// <summary>
    /// The forward pass of a dense layer in one sweep: <c>Z = op(A)·op(B) + bias</c> (bias broadcast over rows),
    /// then <c>output = f(Z)</c>.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="a">The layer input. Shape: [M, K], or [K, M] when transposed.</param>
    /// <param name="opA">How A is read.</param>
    /// <param name="b">The weights. Shape: [K, N], or [N, K] when transposed.</param>
    /// <param name="opB">How B is read.</param>
    /// <param name="bias">Shape: [N].</param>
    /// <param name="activation">The activation f.</param>
    /// <param name="preActivation">Shape: [M, N] to receive Z, or an empty view (<see langword="default"/>) to skip storing Z.</param>
    /// <param name="output">Shape: [M, N]; receives f(Z). May be the same view as <paramref name="preActivation"/> only for <see cref="Activation.Linear"/>.</param>
    /// <param name="options">The kernel path and thread count.</param>
    /// <exception cref="ArgumentException">The shapes do not chain, the bias length is not N, or an output overlaps an input.</exception>
    public static void MultiplyBiasActivate<T>(
        ReadOnlyMatrixSpan<T> a,
        MatrixOp opA,
        ReadOnlyMatrixSpan<T> b,
        MatrixOp opB,
        ReadOnlySpan<T> bias,
        Activation activation,
        MatrixSpan<T> preActivation,
        MatrixSpan<T> output,
        ComputeOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        MultiplyBiasActivate(a, opA, b, opB, bias, BiasAlong.Columns, activation, preActivation, output, options);

    /// <summary>
    /// The forward pass of a dense layer in one sweep: <c>Z = op(A)·op(B) + bias</c>, with the bias following the
    /// columns (length N, the row-major layer) or the rows (length M, the feature-major layer), then
    /// <c>output = f(Z)</c>. Bias, Z and f are applied while the output tile is still in registers; softmax, being
    /// row-wise, is applied to each row once the product is complete.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="a">The layer input (row-major) or the weights (feature-major). Shape: [M, K], or [K, M] when transposed.</param>
    /// <param name="opA">How A is read.</param>
    /// <param name="b">The weights (row-major) or the layer input (feature-major). Shape: [K, N], or [N, K] when transposed.</param>
    /// <param name="opB">How B is read.</param>
    /// <param name="bias">Shape: [N] for <see cref="BiasAlong.Columns"/>, [M] for <see cref="BiasAlong.Rows"/>.</param>
    /// <param name="biasAlong">Which output index the bias follows.</param>
    /// <param name="activation">The activation f.</param>
    /// <param name="preActivation">Shape: [M, N] to receive Z, or an empty view (<see langword="default"/>) to skip storing Z.</param>
    /// <param name="output">Shape: [M, N]; receives f(Z). May be the same view as <paramref name="preActivation"/> only for <see cref="Activation.Linear"/>.</param>
    /// <param name="options">The kernel path and thread count.</param>
    /// <exception cref="ArgumentException">The shapes do not chain, the bias length is wrong, or an output overlaps an input or the other output.</exception>
    public static void MultiplyBiasActivate<T>(
        ReadOnlyMatrixSpan<T> a,
        MatrixOp opA,
        ReadOnlyMatrixSpan<T> b,
        MatrixOp opB,
        ReadOnlySpan<T> bias,
        BiasAlong biasAlong,
        Activation activation,
        MatrixSpan<T> preActivation,
        MatrixSpan<T> output,
        ComputeOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(a, opA, b, opB, output, nameof(output));
        var biasPerRow = biasAlong == BiasAlong.Rows;
        var biasLength = biasPerRow ? output.Rows : output.Columns;
        if (bias.Length != biasLength)
        {
            ThrowHelper.ThrowArgument(
                nameof(bias),
                $"bias must have {(biasPerRow ? "M" : "N")} = {biasLength} elements for output {output.Shape} with BiasAlong.{biasAlong}; got {bias.Length}.");
        }

        if (!Enum.IsDefined(activation.Kind))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(activation), $"activation must be a defined Activation; got kind {(int)activation.Kind}.");
        }

        ArgumentValidation.Disjoint(bias, output, nameof(bias), nameof(output));
        var storeZ = !preActivation.IsEmpty || (preActivation.Rows == output.Rows && preActivation.Columns == output.Columns);
        if (storeZ)
        {
            if (preActivation.Rows != output.Rows || preActivation.Columns != output.Columns)
            {
                ThrowHelper.ThrowShapeMismatch(nameof(preActivation), output.Rows, output.Columns, preActivation.Rows, preActivation.Columns);
            }

            ArgumentValidation.Disjoint(a, preActivation, nameof(a), nameof(preActivation));
            ArgumentValidation.Disjoint(b, preActivation, nameof(b), nameof(preActivation));
            ArgumentValidation.Disjoint(bias, preActivation, nameof(bias), nameof(preActivation));
            var sameView = activation == Activation.Linear
                && Unsafe.AreSame(ref preActivation.DangerousGetReference(), ref output.DangerousGetReference())
                && preActivation.Stride == output.Stride;
            if (!sameView)
            {
                ArgumentValidation.Disjoint(preActivation.AsReadOnly(), output, nameof(preActivation), nameof(output));
            }
        }

        MultiplyBiasActivateCore(a, opA, b, opB, bias, biasAlong, activation, preActivation, output, storeZ, options.ResolvePath(), options.MaxThreads);
    }

    /// <summary>
    /// <see cref="MultiplyBiasActivate{T}(ReadOnlyMatrixSpan{T}, MatrixOp, ReadOnlyMatrixSpan{T}, MatrixOp, ReadOnlySpan{T}, BiasAlong, Activation, MatrixSpan{T}, MatrixSpan{T}, ComputeOptions)"/>
    /// after its checks, for callers whose views are right by construction (the network's layers on their own
    /// preallocated buffers): the shape, bias and overlap checks were ≈ 25 ns per layer
    /// (benchmarks/results/AMD-EPYC-Zen5-network.md, "Figures moved from code comments").
    /// </summary>
    internal static void MultiplyBiasActivateCore<T>(
        ReadOnlyMatrixSpan<T> a,
        MatrixOp opA,
        ReadOnlyMatrixSpan<T> b,
        MatrixOp opB,
        ReadOnlySpan<T> bias,
        BiasAlong biasAlong,
        Activation activation,
        MatrixSpan<T> preActivation,
        MatrixSpan<T> output,
        bool storeZ,
        KernelPath path,
        int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (path == KernelPath.Reference)
        {
            GemmReference.MultiplyBiasActivate(a, opA, b, opB, bias, biasAlong, activation, preActivation, output, storeZ);
            return;
        }

        if (output.IsEmpty)
        {
            return;
        }

        var problem = CreateProblem(a, opA, b, opB, output);
        problem.Alpha = T.One;
        problem.Beta = T.Zero;
        problem.HasBias = true;
        problem.BiasPerRow = biasAlong == BiasAlong.Rows;
        problem.Bias = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(bias);
        problem.StoreZ = storeZ;
        if (storeZ)
        {
            problem.Z = ref preActivation.DangerousGetReference();
            problem.ZStride = preActivation.Stride;
        }

        // Softmax needs the whole row: the kernel adds the bias (and stores Z), then each row is normalised.
        GemmExecutor.Execute(ref problem, activation == Activation.Softmax ? Activation.Linear : activation, path, maxThreads);
        if (activation == Activation.Softmax)
        {
            // In place on a view validated by the caller: the kernel directly, not the public entry's checks again.
            ActivationKernels.Forward<T>(Activation.Softmax, output, output, path);
        }
    }
}
