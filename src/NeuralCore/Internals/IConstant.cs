namespace NeuralCore.Internals;

/// <summary>
/// A compile-time integer as a struct type argument: the micro-kernel tests <c>TRows.Value &gt; r</c> and the JIT
/// removes the dead rows, so one source yields every tile height (LIBXSMM-style specialisation without a code generator).
/// </summary>
internal interface IConstant
{
    static abstract int Value { get; }
}

/// <summary>1.</summary>
internal readonly struct Int1 : IConstant
{
    public static int Value => 1;
}

/// <summary>2.</summary>
internal readonly struct Int2 : IConstant
{
    public static int Value => 2;
}

/// <summary>3.</summary>
internal readonly struct Int3 : IConstant
{
    public static int Value => 3;
}

/// <summary>4.</summary>
internal readonly struct Int4 : IConstant
{
    public static int Value => 4;
}

/// <summary>5.</summary>
internal readonly struct Int5 : IConstant
{
    public static int Value => 5;
}

/// <summary>6.</summary>
internal readonly struct Int6 : IConstant
{
    public static int Value => 6;
}

/// <summary>7.</summary>
internal readonly struct Int7 : IConstant
{
    public static int Value => 7;
}

/// <summary>8.</summary>
internal readonly struct Int8 : IConstant
{
    public static int Value => 8;
}

/// <summary>A compile-time boolean as a struct type argument (see <see cref="IConstant"/>).</summary>
internal interface IFlag
{
    static abstract bool Value { get; }
}

/// <summary>true.</summary>
internal readonly struct Yes : IFlag
{
    public static bool Value => true;
}

/// <summary>false.</summary>
internal readonly struct No : IFlag
{
    public static bool Value => false;
}
