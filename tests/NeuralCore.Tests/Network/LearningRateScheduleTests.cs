namespace NeuralCore.Tests.Network;

/// <summary>The schedules' rates against their formulas, their checks, and what they do to a training run.</summary>
public sealed class LearningRateScheduleTests
{
    [Fact]
    public void Constant_IsTheLearningRate_AtEveryStep()
    {
        Assert.Equal(LearningRateSchedule.Constant, default);
        foreach (var step in new[] { 1, 2, 1000, int.MaxValue })
        {
            Assert.Equal(0.05, LearningRateSchedule.Constant.LearningRateAt(0.05, step));
        }
    }

    [Fact]
    public void Step_MultipliesByGammaEveryStepSizeSteps_Exactly()
    {
        // γ = 0.5 keeps every power exact, so the rates are exact too.
        var schedule = LearningRateSchedule.Step(3, 0.5);
        double[] expected = [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125];
        for (var t = 1; t <= expected.Length; t++)
        {
            Assert.Equal(expected[t - 1], schedule.LearningRateAt(0.1, t));
        }

        // PyTorch's default γ = 0.1: one multiplication after the first 10 steps.
        Assert.Equal(0.2, LearningRateSchedule.Step(10).LearningRateAt(0.2, 10));
        Assert.Equal(0.2 * 0.1, LearningRateSchedule.Step(10).LearningRateAt(0.2, 11));
    }

    [Fact]
    public void Exponential_MultipliesByGammaEveryStep()
    {
        var schedule = LearningRateSchedule.Exponential(0.9);
        Assert.Equal(0.2, schedule.LearningRateAt(0.2, 1));
        Assert.Equal(0.2 * 0.9, schedule.LearningRateAt(0.2, 2));

        // γ^(t−1) through Math.Pow against repeated products: pow is within an ulp but not promised correctly
        // rounded, and 49 products round up to 49 times (≤ 25 ε together), so the two agree to 1e-14 (≈ 45 ε) of
        // the rate, not bit for bit.
        var product = 0.2;
        for (var t = 2; t <= 50; t++)
        {
            product *= 0.9;
            Assert.Equal(product, schedule.LearningRateAt(0.2, t), product * 1e-14);
        }
    }

    [Fact]
    public void Cosine_WarmsUpLinearly_ThenAnneals_ThenStaysAtTheMinimum()
    {
        const double eta = 0.1, minimum = 0.001;
        var schedule = LearningRateSchedule.Cosine(totalSteps: 110, warmupSteps: 10, minimumLearningRate: minimum);

        // Warm-up: η·t/W, from η/W (to the two roundings of t/W and the product) to exactly η at t = W.
        Assert.Equal(eta / 10, schedule.LearningRateAt(eta, 1), 4e-18);
        Assert.Equal(0.05, schedule.LearningRateAt(eta, 5));
        Assert.Equal(eta, schedule.LearningRateAt(eta, 10));

        // Annealing over the S − W = 100 steps after the warm-up. Math.Cos is within an ulp of cos, so these hold to
        // a few ε of η, not bit for bit.
        Assert.Equal(minimum + ((eta - minimum) * (1 + Math.Cos(Math.PI / 100)) / 2), schedule.LearningRateAt(eta, 11), 1e-16);
        Assert.Equal((eta + minimum) / 2, schedule.LearningRateAt(eta, 60), 1e-16);
        Assert.Equal(minimum + ((eta - minimum) * (1 + Math.Cos(Math.PI * 0.99)) / 2), schedule.LearningRateAt(eta, 109), 1e-16);

        // At S and after: the minimum, exactly.
        Assert.Equal(minimum, schedule.LearningRateAt(eta, 110));
        Assert.Equal(minimum, schedule.LearningRateAt(eta, 111));
        Assert.Equal(minimum, schedule.LearningRateAt(eta, int.MaxValue));

        // Up through the warm-up, down after it, never above η nor below the minimum.
        for (var t = 2; t <= 120; t++)
        {
            var (previous, rate) = (schedule.LearningRateAt(eta, t - 1), schedule.LearningRateAt(eta, t));
            Assert.True(t <= 10 ? rate > previous : rate <= previous, $"t={t}: {previous} → {rate}");
            Assert.InRange(rate, minimum, eta);
        }
    }

    [Fact]
    public void Cosine_WithoutWarmup_StartsJustBelowTheLearningRate()
    {
        var schedule = LearningRateSchedule.Cosine(totalSteps: 4);
        Assert.Equal(0.5 * (1 + Math.Cos(Math.PI / 4)), schedule.LearningRateAt(1, 1), 1e-16);
        Assert.Equal(0.5, schedule.LearningRateAt(1, 2), 1e-16);
        Assert.Equal(0, schedule.LearningRateAt(1, 4));
    }

    public static TheoryData<LearningRateSchedule, string> BadSchedules => new()
    {
        { LearningRateSchedule.Step(0), "Schedule.StepSize must be ≥ 1; got 0." },
        { LearningRateSchedule.Step(5, 0), "Schedule.Gamma must be in (0, 1]; got 0." },
        { LearningRateSchedule.Step(5, 1.5), "Schedule.Gamma must be in (0, 1]; got 1.5." },
        { LearningRateSchedule.Exponential(double.NaN), "Schedule.Gamma must be in (0, 1]; got NaN." },
        { LearningRateSchedule.Cosine(10, 10), "Schedule.WarmupSteps must be ≥ 0 and TotalSteps > WarmupSteps; got 10 and 10." },
        { LearningRateSchedule.Cosine(10, -1), "Schedule.WarmupSteps must be ≥ 0 and TotalSteps > WarmupSteps; got -1 and 10." },
        { LearningRateSchedule.Cosine(100, 0, 0.2), "Schedule.MinimumLearningRate must be in [0, LearningRate = 0.1]; got 0.2." },
        { LearningRateSchedule.Cosine(100, 0, -0.01), "Schedule.MinimumLearningRate must be in [0, LearningRate = 0.1]; got -0.01." },
        { new LearningRateSchedule { Kind = (LearningRateScheduleKind)9 }, "Schedule.Kind must be one of Constant, Step, Exponential, Cosine; got 9." },
    };

    [Theory]
    [MemberData(nameof(BadSchedules))]
    public void BadSchedules_AreRejectedByTheTrainer_NamingTheValue(LearningRateSchedule schedule, string expected)
    {
        var architecture = NetworkArchitecture.FromSizes([2, 3, 1], [Activation.Tanh, Activation.Sigmoid]);
        using var network = new NeuralNetwork<double>(architecture, Initialization.He(1));
        var options = new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Sgd(0.1) with { Schedule = schedule });

        var ex = Assert.Throws<ArgumentException>(() => new Trainer<double>(network, options).Dispose());
        Assert.Equal("options", ex.ParamName);
        Assert.Equal($"options.Optimizer.{expected} (Parameter 'options')", ex.Message);

        // The schedule's own entry refuses to compute from the same values.
        var direct = Assert.Throws<InvalidOperationException>(() => schedule.LearningRateAt(0.1, 1));
        Assert.Contains(expected["Schedule.".Length..^1], direct.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LearningRateAt_RejectsStepZero_AndABadLearningRate()
    {
        var step = Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Constant.LearningRateAt(0.1, 0));
        Assert.Equal("step", step.ParamName);
        var rate = Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Exponential(0.9).LearningRateAt(double.NaN, 1));
        Assert.Equal("learningRate", rate.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Optimizer.Adam(0.01).LearningRateAt(0));
        Assert.Equal(0.01 * 0.5, (Optimizer.Adam(0.01) with { Schedule = LearningRateSchedule.Step(2, 0.5) }).LearningRateAt(3));
    }

    [Fact]
    public void ASchedule_ChangesTheTrainedParameters_Deterministically_AndAStepNeverReachedChangesNothing()
    {
        using var data = Datasets.MakeMoons<double>(120, 0.2, seed: 3);
        var architecture = NetworkArchitecture.FromSizes([2, 8, 1], [Activation.Tanh, Activation.Sigmoid]);
        byte[] Train(LearningRateSchedule schedule, bool narrow)
        {
            using var network = new NeuralNetwork<double>(architecture, Initialization.He(2), narrow);
            var optimizer = Optimizer.Adam(0.02) with { Schedule = schedule };
            network.Train(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan, new TrainingOptions(Loss.BinaryCrossEntropy, optimizer) { Epochs = 10, BatchSize = 16, Seed = 7 });
            return NetworkTestHelpers.ParameterBytes(network);
        }

        foreach (var narrow in new[] { false, true })
        {
            var constant = Train(LearningRateSchedule.Constant, narrow);
            var cosine = Train(LearningRateSchedule.Cosine(totalSteps: 60, warmupSteps: 8, minimumLearningRate: 1e-4), narrow);
            Assert.NotEqual(constant, cosine);
            Assert.Equal(cosine, Train(LearningRateSchedule.Cosine(totalSteps: 60, warmupSteps: 8, minimumLearningRate: 1e-4), narrow));

            // 10 epochs × 8 batches = 80 steps: a step schedule that would first decay at step 81 gives η·γ⁰ = η at
            // every step, the same bits as the constant schedule; one that decays at step 41 does not.
            Assert.Equal(constant, Train(LearningRateSchedule.Step(80, 0.5), narrow));
            Assert.NotEqual(constant, Train(LearningRateSchedule.Step(40, 0.5), narrow));
        }
    }
}
