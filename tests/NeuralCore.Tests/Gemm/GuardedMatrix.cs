using System.Numerics;

namespace NeuralCore.Tests.Gemm;

/// <summary>
/// A test matrix as a strided sub-view of a larger buffer whose every element outside the view (leading and
/// trailing guard, row padding) holds a known guard value: NaN around inputs, so a kernel that reads outside its
/// view poisons its result; a sentinel around outputs, so a stray write is caught by <see cref="AssertGuardIntact"/>.
/// </summary>
internal sealed class GuardedMatrix<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int Guard = 19;
    private readonly T[] _buffer;
    private readonly T _guard;

    public GuardedMatrix(int rows, int columns, int padding, T guard)
    {
        Rows = rows;
        Columns = columns;
        Stride = columns + padding;
        _guard = guard;
        _buffer = new T[(2 * Guard) + (rows * Stride)];
        _buffer.AsSpan().Fill(guard);
    }

    public int Rows { get; }

    public int Columns { get; }

    public int Stride { get; }

    public MatrixSpan<T> View => new(_buffer.AsSpan(Guard), Rows, Columns, Stride);

    public T this[int row, int column]
    {
        get => _buffer[Guard + (row * Stride) + column];
        set => _buffer[Guard + (row * Stride) + column] = value;
    }

    public void FillRandom(Random random, double scale = 1.0)
    {
        for (var r = 0; r < Rows; r++)
        {
            for (var c = 0; c < Columns; c++)
            {
                this[r, c] = T.CreateTruncating(((random.NextDouble() * 2) - 1) * scale);
            }
        }
    }

    public void Fill(T value)
    {
        for (var r = 0; r < Rows; r++)
        {
            for (var c = 0; c < Columns; c++)
            {
                this[r, c] = value;
            }
        }
    }

    public T[] Snapshot() => View.ToArray();

    public void Load(T[] values)
    {
        for (var r = 0; r < Rows; r++)
        {
            values.AsSpan(r * Columns, Columns).CopyTo(View.GetRowSpan(r));
        }
    }

    public void AssertGuardIntact()
    {
        for (var i = 0; i < _buffer.Length; i++)
        {
            var offset = i - Guard;
            var inside = offset >= 0 && offset < Rows * Stride && offset % Stride < Columns;
            if (!inside && !_buffer[i].Equals(_guard))
            {
                Assert.Fail($"Element {offset} (row {Math.DivRem(offset, Stride).Quotient}, column {offset % Stride}) outside the {Rows}×{Columns} (stride {Stride}) view was overwritten: {_buffer[i]}.");
            }
        }
    }
}
