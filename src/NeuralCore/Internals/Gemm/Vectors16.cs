namespace NeuralCore.Internals.Gemm;

/// <summary>16, as a struct type argument (see <see cref="IConstant"/>): the one-row strip's width in vectors. Not named Int16, which would hide <see cref="short"/>'s type name in this namespace.</summary>
internal readonly struct Vectors16 : IConstant
{
    public static int Value => 16;
}
