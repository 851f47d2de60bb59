using System.Globalization;
using NeuralCore.Network.Internals;

namespace NeuralCore;

/// <summary>
/// How far a <see cref="QuantizedNetwork"/>'s predictions are from its fp32 network's on given samples: the output
/// errors, the signal-to-quantization-noise ratio, the class agreement of classifiers and, with labels, the task metric
/// of both.
/// </summary>
/// <remarks>
/// With y the fp32 outputs and ŷ the quantized ones over all samples and outputs:
/// <c>SQNR = 10·log10(Σ y² / Σ (ŷ − y)²)</c> dB (+∞ when they are equal). A classifier (a softmax output: arg-max,
/// first maximum wins; one sigmoid output: p ≥ 0.5) reports the share of samples whose class agrees; other networks
/// (regressions, several sigmoid outputs) report no agreement. Labels are [m, OutputSize] targets or, with several
/// softmax outputs, [m, 1] class ids (<see cref="TakesClassIds"/>); classifiers
/// report accuracy, other networks the mean squared error. Sums are taken in double.
/// </remarks>
public sealed record QuantizationReport
{
    /// <summary>The number of samples compared.</summary>
    public required int Samples { get; init; }

    /// <summary>max |ŷ − y| over every output of every sample.</summary>
    public required double MaxAbsoluteError { get; init; }

    /// <summary>The mean |ŷ − y| over every output of every sample.</summary>
    public required double MeanAbsoluteError { get; init; }

    /// <summary>10·log10(Σ y² / Σ (ŷ − y)²), in dB.</summary>
    public required double SqnrDecibels { get; init; }

    /// <summary>For classifiers, the share of samples (0…1) whose predicted class is the same; null otherwise.</summary>
    public double? ClassAgreement { get; init; }

    /// <summary>With labels: "accuracy" (classifiers) or "mse"; null without labels.</summary>
    public string? MetricName { get; init; }

    /// <summary>The metric of the fp32 network on the labels.</summary>
    public double? ReferenceMetric { get; init; }

    /// <summary>The metric of the quantized network on the labels.</summary>
    public double? QuantizedMetric { get; init; }

    /// <summary>Compares <paramref name="quantized"/> with <paramref name="reference"/> on <paramref name="x"/>.</summary>
    /// <param name="reference">The fp32 network.</param>
    /// <param name="quantized">A quantized network of the same architecture.</param>
    /// <param name="x">Samples, [m, InputSize], m ≥ 1, finite.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException">A network is null.</exception>
    /// <exception cref="ArgumentException">The architectures differ, or the samples are empty, the wrong width or not finite.</exception>
    public static QuantizationReport Create(NeuralNetwork<float> reference, QuantizedNetwork quantized, ReadOnlyMatrixSpan<float> x) =>
        Create(reference, quantized, x, default, hasLabels: false);

    /// <summary>Compares as <see cref="Create(NeuralNetwork{float}, QuantizedNetwork, ReadOnlyMatrixSpan{float})"/>, and reports the task metric of both on <paramref name="labels"/>.</summary>
    /// <param name="reference">The fp32 network.</param>
    /// <param name="quantized">A quantized network of the same architecture.</param>
    /// <param name="x">Samples, [m, InputSize], m ≥ 1, finite.</param>
    /// <param name="labels">[m, OutputSize] targets, or [m, 1] class ids (integers in [0, OutputSize)) for several softmax outputs.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException">A network is null.</exception>
    /// <exception cref="ArgumentException">The architectures differ; the samples or labels are empty, the wrong shape or not finite; a class id is not a valid class.</exception>
    public static QuantizationReport Create(NeuralNetwork<float> reference, QuantizedNetwork quantized, ReadOnlyMatrixSpan<float> x, ReadOnlyMatrixSpan<float> labels) =>
        Create(reference, quantized, x, labels, hasLabels: true);

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"{Samples} samples: max |Δ| {MaxAbsoluteError:G4}, mean |Δ| {MeanAbsoluteError:G4}, SQNR {SqnrDecibels:F1} dB");
        if (ClassAgreement is { } agreement)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", class agreement {agreement * 100:F2}%");
        }

        if (MetricName is not null)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", {MetricName} {ReferenceMetric:G6} (fp32) → {QuantizedMetric:G6} (quantized)");
        }

        return text;
    }

    private static QuantizationReport Create(NeuralNetwork<float> reference, QuantizedNetwork quantized, ReadOnlyMatrixSpan<float> x, ReadOnlyMatrixSpan<float> labels, bool hasLabels)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(quantized);
        if (!reference.Architecture.Equals(quantized.Architecture))
        {
            throw new ArgumentException($"quantized has the architecture {quantized.Architecture}; the reference has {reference.Architecture}.", nameof(quantized));
        }

        DataValidation.RequireColumns(x.Columns, reference.InputSize, nameof(x), "the network's InputSize");
        if (x.Rows == 0)
        {
            throw new ArgumentException("x must hold at least one sample; got 0 rows.", nameof(x));
        }

        DataValidation.RequireFinite(x, nameof(x));
        var outputs = reference.OutputSize;
        var classifier = IsClassifier(reference.Architecture);
        var classIds = false;
        if (hasLabels)
        {
            DataValidation.RequireSameRows(x.Rows, labels.Rows, nameof(x), nameof(labels));
            classIds = TakesClassIds(reference.Architecture, labels.Columns);
            if (!classIds)
            {
                DataValidation.RequireColumns(labels.Columns, outputs, nameof(labels), TakesClassIds(reference.Architecture, 1) ? "the network's OutputSize (or 1 column of class ids)" : "the network's OutputSize");
            }

            DataValidation.RequireFinite(labels, nameof(labels));
            if (classIds)
            {
                RequireClassIds(labels, outputs, nameof(labels));
            }
        }

        using var y = reference.Predict(x);
        using var q = quantized.Predict(x);
        double maxError = 0, errorSum = 0, signal = 0, noise = 0;
        var agree = 0;
        for (var r = 0; r < x.Rows; r++)
        {
            var yr = y.ReadOnlySpan.GetRowSpan(r);
            var qr = q.ReadOnlySpan.GetRowSpan(r);
            for (var j = 0; j < outputs; j++)
            {
                var error = Math.Abs((double)qr[j] - yr[j]);
                maxError = Math.Max(maxError, error);
                errorSum += error;
                signal += (double)yr[j] * yr[j];
                noise += error * error;
            }

            agree += classifier && Metrics.ClassOf(yr) == Metrics.ClassOf(qr) ? 1 : 0;
        }

        var report = new QuantizationReport
        {
            Samples = x.Rows,
            MaxAbsoluteError = maxError,
            MeanAbsoluteError = errorSum / ((double)x.Rows * outputs),
            SqnrDecibels = noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal / noise),
            ClassAgreement = classifier ? (double)agree / x.Rows : null,
        };
        if (!hasLabels)
        {
            return report;
        }

        return report with
        {
            MetricName = classifier ? "accuracy" : "mse",
            ReferenceMetric = Metric(y.ReadOnlySpan, labels, classifier, classIds),
            QuantizedMetric = Metric(q.ReadOnlySpan, labels, classifier, classIds),
        };
    }

    /// <summary>Whether the report counts class agreement and accuracy: a softmax output, or one sigmoid output.</summary>
    /// <param name="architecture">The network's architecture.</param>
    /// <returns><see langword="true"/> for a classifier.</returns>
    public static bool IsClassifier(NetworkArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return architecture.OutputActivation.Kind switch
        {
            ActivationKind.Softmax => true,
            ActivationKind.Sigmoid => architecture.OutputSize == 1,
            _ => false,
        };
    }

    /// <summary>Whether labels of <paramref name="columns"/> columns are class ids for this network: one column, several softmax outputs.</summary>
    /// <param name="architecture">The network's architecture.</param>
    /// <param name="columns">The labels' columns.</param>
    /// <returns><see langword="true"/> when the labels are read as class ids; otherwise they must have OutputSize columns.</returns>
    public static bool TakesClassIds(NetworkArchitecture architecture, int columns) =>
        IsClassifier(architecture) && architecture.OutputSize > 1 && columns == 1;

    private static double Metric(ReadOnlyMatrixSpan<float> prediction, ReadOnlyMatrixSpan<float> labels, bool classifier, bool classIds)
    {
        if (classifier)
        {
            return (double)Metrics.CountCorrect(prediction, labels, KernelPath.Reference, classIds) / prediction.Rows;
        }

        var sum = 0.0;
        for (var r = 0; r < prediction.Rows; r++)
        {
            for (var j = 0; j < prediction.Columns; j++)
            {
                var d = (double)prediction[r, j] - labels[r, j];
                sum += d * d;
            }
        }

        return sum / ((double)prediction.Rows * prediction.Columns);
    }

    private static void RequireClassIds(ReadOnlyMatrixSpan<float> ids, int classes, string paramName)
    {
        for (var r = 0; r < ids.Rows; r++)
        {
            var id = ids[r, 0];
            if (!(id >= 0 && id < classes && id == MathF.Floor(id)))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{paramName} row {r}: class id {id} is not an integer in [0, {classes})."), paramName);
            }
        }
    }
}
