namespace NeuralCore.Cli.Plotting.Internals;

/// <summary>
/// Iso-line segments of a grid at one level (marching squares), in grid coordinates: x = column, y = row, on
/// the lattice of sample points.
/// </summary>
internal static class MarchingSquares
{
    public static List<(double X1, double Y1, double X2, double Y2)> Segments(double[,] values, double level)
    {
        var rows = values.GetLength(0);
        var columns = values.GetLength(1);
        var segments = new List<(double, double, double, double)>();
        for (var r = 0; r + 1 < rows; r++)
        {
            for (var c = 0; c + 1 < columns; c++)
            {
                // Corners counter-clockwise from bottom-left: a (r, c), b (r, c+1), d (r+1, c+1), e (r+1, c).
                var a = values[r, c];
                var b = values[r, c + 1];
                var d = values[r + 1, c + 1];
                var e = values[r + 1, c];
                if (!double.IsFinite(a) || !double.IsFinite(b) || !double.IsFinite(d) || !double.IsFinite(e))
                {
                    continue;
                }

                var crossings = new List<(double X, double Y)>(4);
                AddCrossing(crossings, a, b, c, r, c + 1, r, level);           // bottom edge
                AddCrossing(crossings, b, d, c + 1, r, c + 1, r + 1, level);   // right edge
                AddCrossing(crossings, d, e, c + 1, r + 1, c, r + 1, level);   // top edge
                AddCrossing(crossings, e, a, c, r + 1, c, r, level);           // left edge
                if (crossings.Count == 2)
                {
                    segments.Add((crossings[0].X, crossings[0].Y, crossings[1].X, crossings[1].Y));
                }
                else if (crossings.Count == 4)
                {
                    // Saddle (a and d on one side, b and e on the other): the cell centre decides which diagonal pair
                    // is connected. If the centre sides with a, the b and e corners are cut off, else a and d are.
                    var centreAbove = ((a + b + d + e) / 4) >= level;
                    var aAbove = a >= level;
                    var (first, second) = centreAbove == aAbove ? ((0, 1), (2, 3)) : ((0, 3), (1, 2));
                    segments.Add((crossings[first.Item1].X, crossings[first.Item1].Y, crossings[first.Item2].X, crossings[first.Item2].Y));
                    segments.Add((crossings[second.Item1].X, crossings[second.Item1].Y, crossings[second.Item2].X, crossings[second.Item2].Y));
                }
            }
        }

        return segments;
    }

    private static void AddCrossing(List<(double X, double Y)> crossings, double v1, double v2, double x1, double y1, double x2, double y2, double level)
    {
        if ((v1 >= level) == (v2 >= level))
        {
            return;
        }

        var t = (level - v1) / (v2 - v1);
        crossings.Add((x1 + (t * (x2 - x1)), y1 + (t * (y2 - y1))));
    }
}
