using NeuralCore.IO;

namespace NeuralCore.Tests.IO;

public sealed class CsvDataTests
{
    private static Dataset<double> Read(string text, CsvReadOptions options = default) =>
        DataLoader.ReadCsv<double>(new StringReader(text), "data.csv", options);

    private static CsvFormatException Fails(string text, CsvReadOptions options = default) =>
        Assert.Throws<CsvFormatException>(() => Read(text, options));

    [Fact]
    public void Header_is_detected_and_targets_are_chosen_by_name_in_the_given_order()
    {
        using var data = Read("x1,label,x2,score\n1,0,2,0.5\n3,1,4,-1e3\n", new CsvReadOptions { Targets = TargetColumns.Named("score", "label") });

        Assert.Equal(["x1", "x2"], data.FeatureNames);
        Assert.Equal(["score", "label"], data.TargetNames);
        Assert.Equal([1.0, 2, 3, 4], data.Features.ToArray());
        Assert.Equal([0.5, 0, -1000, 1], data.Targets.ToArray());
        Assert.Equal(2, data.Count);
    }

    [Fact]
    public void Without_a_header_every_row_is_data_and_targets_are_the_last_columns()
    {
        using var data = Read("1,2,3\n4,5,6\n\n7,8,9\n", new CsvReadOptions { Targets = TargetColumns.Last(2) });

        Assert.Equal(["x1"], data.FeatureNames);
        Assert.Equal(["y1", "y2"], data.TargetNames);
        Assert.Equal([1.0, 4, 7], data.Features.ToArray());
        Assert.Equal([2.0, 3, 5, 6, 8, 9], data.Targets.ToArray());
    }

    [Fact]
    public void Header_mode_can_be_forced_either_way()
    {
        using var present = Read("1,2\n3,4\n", new CsvReadOptions { Header = CsvHeader.Present });
        var absent = Fails("a,b\n3,4\n", new CsvReadOptions { Header = CsvHeader.Absent });

        Assert.Equal(["1", "2"], present.FeatureNames);
        Assert.Equal([3.0, 4], present.Features.ToArray());
        Assert.Equal((1, 1), (absent.Line, absent.Column));
    }

    [Fact]
    public void Default_options_read_every_column_as_a_feature()
    {
        using var data = Read("# comment line\n0.25, -0 ,1E-3\n");

        Assert.Equal(0, data.Targets.Columns);
        Assert.Equal(1, data.Targets.Rows);
        Assert.Equal([0.25, -0.0, 0.001], data.Features.ToArray());
    }

    [Fact]
    public void Bad_number_names_line_column_and_header()
    {
        var error = Fails("x1,x2,y\n1,2,3\n\n4,abc,6\n", new CsvReadOptions { Targets = TargetColumns.Last(1) });

        Assert.Equal("data.csv: line 4, column 2 ('x2'): 'abc' is not a number.", error.Message);
        Assert.Equal((4, 2), (error.Line, error.Column));
    }

    [Fact]
    public void Empty_field_is_an_error_not_a_zero()
    {
        var error = Fails("1,2\n3,\n");

        Assert.Equal("data.csv: line 2, column 2: the field is empty; expected a number.", error.Message);
    }

    [Fact]
    public void Ragged_row_is_reported_with_its_line()
    {
        var error = Fails("1,2,3\n4,5\n");

        Assert.Equal("data.csv: line 2: the row has 2 fields; expected 3 like line 1.", error.Message);
    }

    [Fact]
    public void Unknown_target_name_lists_the_columns()
    {
        var error = Fails("a,b\n1,2\n", new CsvReadOptions { Targets = TargetColumns.Named("c") });

        Assert.Equal("data.csv: target column 'c' not found; the columns are: a, b.", error.Message);
    }

    [Fact]
    public void Target_names_without_a_header_and_too_many_targets_are_errors()
    {
        Assert.Contains("needs a header row", Fails("1,2\n", new CsvReadOptions { Targets = TargetColumns.Named("y") }).Message, StringComparison.Ordinal);
        Assert.Contains("3 target columns were requested, but the file has only 2", Fails("1,2\n", new CsvReadOptions { Targets = TargetColumns.Last(3) }).Message, StringComparison.Ordinal);
        Assert.Contains("holds no data", Fails("\n# only a comment\n").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quoted_names_semicolons_and_special_values_are_read()
    {
        using var data = Read("\"a;1\";\"say \"\"hi\"\"\"\nNaN;-Infinity\n", new CsvReadOptions { Delimiter = ';', Targets = TargetColumns.Named("say \"hi\"") });

        Assert.Equal(["a;1"], data.FeatureNames);
        Assert.True(double.IsNaN(data.Features[0, 0]));
        Assert.Equal(double.NegativeInfinity, data.Targets[0, 0]);
    }

    [Fact]
    public void Features_in_rows_layout_is_transposed_and_names_come_from_the_first_column()
    {
        // The tutorials' layout: each row is a variable, each column a sample.
        using var data = Read("x1,1,2,3\nx2,4,5,6\ny,0,1,0\n", new CsvReadOptions { Layout = DataLayout.FeaturesInRows, Targets = TargetColumns.Named("y") });

        Assert.Equal(["x1", "x2"], data.FeatureNames);
        Assert.Equal(3, data.Count);
        Assert.Equal([1.0, 4, 2, 5, 3, 6], data.Features.ToArray());
        Assert.Equal([0.0, 1, 0], data.Targets.ToArray());

        // After the transpose an error still points at the original line and column.
        var error = Fails("1,2,3\n4,x,6\n", new CsvReadOptions { Layout = DataLayout.FeaturesInRows, Header = CsvHeader.Absent });
        Assert.Equal((2, 2), (error.Line, error.Column));
    }

    [Fact]
    public void Float_target_type_is_supported()
    {
        using var data = DataLoader.ReadCsv<float>(new StringReader("a,b\n0.1,2\n"), "f.csv", new CsvReadOptions { Targets = TargetColumns.Last(1) });

        Assert.Equal([0.1f], data.Features.ToArray());
        Assert.Equal([2f], data.Targets.ToArray());
    }

    [Fact]
    public void Written_csv_reads_back_bit_exactly_with_its_header()
    {
        using var files = new TestFiles();
        var path = files.PathOf("out.csv");
        double[] values = [0.1, 1.0 / 3, -2.5e-300, double.MaxValue, 5e-324, -0.0];
        using var matrix = Matrix<double>.FromSpan(values, 2, 3);

        CsvFile.Write(path, matrix.ReadOnlySpan, ["a", "b,c", "d"]);
        using var back = DataLoader.ReadCsv<double>(path, new CsvReadOptions { Targets = TargetColumns.Named("d") });

        Assert.Equal("a,\"b,c\",d\n", File.ReadAllText(path)[..10]);
        Assert.Equal(["a", "b,c"], back.FeatureNames);
        Assert.Equal(
            values.Select(BitConverter.DoubleToInt64Bits).ToArray(),
            new[] { back.Features[0, 0], back.Features[0, 1], back.Targets[0, 0], back.Features[1, 0], back.Features[1, 1], back.Targets[1, 0] }
                .Select(BitConverter.DoubleToInt64Bits).ToArray());
        Assert.Throws<ArgumentException>(() => CsvFile.Write(path, matrix.ReadOnlySpan, ["only one"]));
    }
}
