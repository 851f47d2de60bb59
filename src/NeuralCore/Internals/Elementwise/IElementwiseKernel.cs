namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// One element-wise step at offset <c>i</c> of every stream a kernel holds, at each width. The kernel is a
/// <see langword="ref struct"/> holding refs to its streams, its scalar arguments and any accumulators;
/// <see cref="ElementwiseDriver"/> owns the loop and the width ladder.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <remarks>
/// Each step reads every input at <c>i</c> before it writes any output at <c>i</c>, and never touches other
/// offsets, so a kernel is correct in place (output = input) with no special casing.
/// </remarks>
internal interface IElementwiseKernel<T>
    where T : unmanaged
{
    /// <summary>Processes element <paramref name="i"/>.</summary>
    void Invoke(nint i);

    /// <summary>Processes elements <c>[i, i + Vector128&lt;T&gt;.Count)</c>.</summary>
    void Invoke128(nint i);

    /// <summary>Processes elements <c>[i, i + Vector256&lt;T&gt;.Count)</c>.</summary>
    void Invoke256(nint i);

    /// <summary>Processes elements <c>[i, i + Vector512&lt;T&gt;.Count)</c>.</summary>
    void Invoke512(nint i);
}
