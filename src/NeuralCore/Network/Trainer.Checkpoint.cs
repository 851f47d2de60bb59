using System.Globalization;
using NeuralCore.Internals.Elementwise;
using NeuralCore.IO;
using NeuralCore.IO.Internals;
using NeuralCore.Network.Internals;

namespace NeuralCore;

// Checkpoints: everything a later Fit needs to continue exactly, in one .npz file (SaveCheckpoint's remarks).
public sealed partial class Trainer<T>
{
    /// <summary>Writes a checkpoint of this trainer and its network to <paramref name="path"/> (replacing it atomically).</summary>
    /// <param name="path">The destination <c>.npz</c> file.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The trainer or its network has been disposed.</exception>
    /// <remarks>
    /// <para>A checkpoint is a model file (<see cref="ModelFile"/>: <c>architecture</c>, <c>W1</c> … <c>WL</c>,
    /// <c>b1</c> … <c>bL</c>, so <see cref="ModelFile.Load{T}(string, NpyConversion)"/> reads its network) plus:</para>
    /// <code>
    /// trainer           uint8 [bytes]          UTF-8 JSON: element type, steps, epochs completed, the shuffling generator's
    ///                                          state, and the options (loss, optimizer, batch size, …)
    /// optimizer_state1  float32/64 [P]         momentum's velocity or Adam's first moment      } in the public parameter order
    /// optimizer_state2  float32/64 [P]         Adam's second moment                            } of GetParameters, P values
    /// permutation       float64 [m]            the shuffled row order, once Fit has shuffled
    /// </code>
    /// <para>Resuming: Fit continues where the previous Fit left off (see its remarks), and a checkpoint holds that
    /// point. So <c>Fit</c> for k epochs, <see cref="SaveCheckpoint(string)"/>, then in a new process</para>
    /// <code>
    /// using var network = ModelFile.Load&lt;float&gt;("run.npz");
    /// using var trainer = new Trainer&lt;float&gt;(network, options with { Epochs = n - k });
    /// trainer.RestoreCheckpoint("run.npz");
    /// trainer.Fit(x, y);
    /// </code>
    /// <para>gives the parameters and per-epoch losses of one Fit for n epochs, byte for byte, given the same data and the
    /// same options (the epoch count aside). A checkpoint saved from the <c>onEpoch</c> callback resumes after that epoch.
    /// The restoring trainer must have the checkpoint's architecture, element type and optimizer (kind and every
    /// hyper-parameter); its other options (loss, batch size, epochs, seed, kernels, early stopping) are its own.
    /// Early stopping's monitoring is per Fit call and is not saved.</para>
    /// </remarks>
    public void SaveCheckpoint(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Npz.Write(path, CreateCheckpoint());
    }

    /// <summary>Writes a checkpoint of this trainer and its network to <paramref name="stream"/>; the stream is left open.</summary>
    /// <param name="stream">A writable stream.</param>
    /// <exception cref="ObjectDisposedException">The trainer or its network has been disposed.</exception>
    public void SaveCheckpoint(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Npz.Write(stream, CreateCheckpoint());
    }

    /// <summary>
    /// Restores a checkpoint from <paramref name="path"/> into this trainer and its network: parameters, optimizer
    /// state, step and epoch counts, the shuffling generator and order. Nothing changes unless all of it is valid.
    /// </summary>
    /// <param name="path">A file written by <see cref="SaveCheckpoint(string)"/>.</param>
    /// <exception cref="ArgumentException">The checkpoint's architecture, element type or optimizer differs from this trainer's (the message names the file and both values).</exception>
    /// <exception cref="NpyFormatException">The file is not a valid checkpoint (a member is missing, malformed or not finite).</exception>
    /// <exception cref="InvalidOperationException">Called from inside <see cref="Fit"/> (its <c>onEpoch</c> callback).</exception>
    public void RestoreCheckpoint(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ThrowIfUnusable();
        RestoreCore(Npz.Read(path), Path.GetFileName(path), nameof(path));
    }

    /// <summary>Restores a checkpoint from <paramref name="stream"/>; see <see cref="RestoreCheckpoint(string)"/>.</summary>
    /// <param name="stream">A readable stream holding a checkpoint.</param>
    /// <param name="sourceName">The name used in error messages; defaults to <c>&lt;stream&gt;</c>.</param>
    /// <exception cref="ArgumentException">The checkpoint's architecture, element type or optimizer differs from this trainer's.</exception>
    /// <exception cref="NpyFormatException">The stream does not hold a valid checkpoint.</exception>
    /// <exception cref="InvalidOperationException">Called from inside <see cref="Fit"/>.</exception>
    public void RestoreCheckpoint(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ThrowIfUnusable();
        var source = sourceName ?? "<stream>";
        RestoreCore(Npz.Read(stream, source), source, nameof(stream));
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _network.ThrowIfDisposed();
        if (_fitting)
        {
            throw new InvalidOperationException("RestoreCheckpoint cannot run inside Fit (from its onEpoch callback); call it between Fit calls.");
        }
    }

    private NpzArchive CreateCheckpoint()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _network.ThrowIfDisposed();
        var archive = ModelFile.CreateArchive(_network);
        Span<ulong> random = stackalloc ulong[SeededRandom.StateLength];
        _random.CopyStateTo(random);
        archive.Add(CheckpointFormat.TrainerMember, NpyArray.FromUtf8String(CheckpointFormat.Write(Options, ElementTypeName.Of<T>(), _step, _epochsCompleted, random)));
        if (_state1 is not null)
        {
            archive.Add(CheckpointFormat.State1Member, NpyArray.FromSpan<T>(PublicOrder(_state1)));
        }

        if (_state2 is not null)
        {
            archive.Add(CheckpointFormat.State2Member, NpyArray.FromSpan<T>(PublicOrder(_state2)));
        }

        if (_permutation.Length != 0)
        {
            var order = new double[_permutation.Length];
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = _permutation[i];
            }

            archive.Add(CheckpointFormat.PermutationMember, NpyArray.FromSpan<double>(order));
        }

        return archive;
    }

    private T[] PublicOrder(Matrix<T> state)
    {
        var values = new T[_architecture.ParameterCount];
        _network.Layout.ToPublicOrder<T>(state.DangerousGetStorage(), values);
        return values;
    }

    private void RestoreCore(NpzArchive archive, string source, string paramName)
    {
        // Everything is read and checked into temporaries first; the trainer changes only once all of it is valid.
        var metadata = CheckpointFormat.Read(archive, source);
        var architecture = ModelFile.ReadArchitecture(archive, source);
        if (!architecture.Equals(_architecture))
        {
            throw new ArgumentException($"{source}: the checkpoint is for the architecture {architecture}; this trainer's network is {_architecture}.", paramName);
        }

        var elementType = ElementTypeName.Of<T>();
        if (metadata.ElementType != elementType)
        {
            throw new ArgumentException(
                $"{source}: the checkpoint holds {metadata.ElementType} parameters and optimizer state; this trainer is Trainer<{typeof(T).Name}> ({elementType}).", paramName);
        }

        if (CheckpointFormat.Difference(metadata.Optimizer, Options.Optimizer) is { } difference)
        {
            throw new ArgumentException($"{source}: the checkpoint was saved with another optimizer than this trainer's: {difference}.", paramName);
        }

        if (SeededRandom.CheckState(metadata.RandomState) is { } problem)
        {
            throw new NpyFormatException($"{source}/{CheckpointFormat.TrainerMember}.npy", $"\"random_state\" is not a generator state: {problem}");
        }

        using var loaded = ModelFile.Load<T>(archive, source, NpyConversion.Exact);
        var state1 = _state1 is null ? null : ReadState(archive, CheckpointFormat.State1Member, source);
        var state2 = _state2 is null ? null : ReadState(archive, CheckpointFormat.State2Member, source);
        var permutation = archive.Contains(CheckpointFormat.PermutationMember) ? ReadPermutation(archive[CheckpointFormat.PermutationMember], source) : [];

        loaded.ParameterStorage.CopyTo(_network.ParameterStorage);
        if (state1 is not null)
        {
            _network.Layout.FromPublicOrder<T>(state1, _state1!.DangerousGetStorage());
        }

        if (state2 is not null)
        {
            _network.Layout.FromPublicOrder<T>(state2, _state2!.DangerousGetStorage());
        }

        _step = metadata.Steps;
        _epochsCompleted = metadata.EpochsCompleted;
        _random.SetState(metadata.RandomState);
        _permutation = permutation;
    }

    private T[] ReadState(NpzArchive archive, string member, string source)
    {
        var array = archive[member];
        var memberSource = $"{source}/{member}.npy";
        var count = _architecture.ParameterCount;
        if (array.Rank != 1 || array.Shape[0] != count)
        {
            throw new NpyFormatException(memberSource, $"shape {ModelFile.Describe(array)} does not fit the network: expected ({count},), one value per parameter.");
        }

        var values = array.ToArray<T>(NpyConversion.Exact);
        if (!FiniteKernel<T>.All(values, Kernels.Default))
        {
            throw new NpyFormatException(memberSource, $"the optimizer state holds NaN or infinite values (first at index {Array.FindIndex(values, v => !T.IsFinite(v))}).");
        }

        return values;
    }

    private static int[] ReadPermutation(NpyArray array, string source)
    {
        var memberSource = $"{source}/{CheckpointFormat.PermutationMember}.npy";
        if (array.Rank != 1 || array.DType != NpyDType.Float64)
        {
            throw new NpyFormatException(memberSource, $"expected a 1-D '<f8' array of row indices; found dtype '{array.Descr}' with shape {ModelFile.Describe(array)}.");
        }

        var values = array.ToArray<double>();
        var order = new int[values.Length];
        var seen = new bool[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i];
            if (!(value >= 0 && value < values.Length) || value != Math.Floor(value))
            {
                throw new NpyFormatException(memberSource, string.Create(CultureInfo.InvariantCulture, $"element {i} is {value:R}, not a row index in [0, {values.Length})."));
            }

            if (seen[(int)value])
            {
                throw new NpyFormatException(memberSource, string.Create(CultureInfo.InvariantCulture, $"row {value:R} appears twice (again at element {i}): not a permutation."));
            }

            seen[(int)value] = true;
            order[i] = (int)value;
        }

        return order;
    }
}
