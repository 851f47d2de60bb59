namespace NeuralCore.Cli;

/// <summary>"Did you mean": the nearest known name to a mistyped one, by edit distance.</summary>
internal static class Suggestions
{
    /// <summary>
    /// The candidate with the smallest Levenshtein distance to <paramref name="typed"/> (any case), if that distance is
    /// small for the name's length (at most a third of it, and at least 2 allowed); otherwise <see langword="null"/>.
    /// </summary>
    public static string? Nearest(string typed, IEnumerable<string> candidates)
    {
        var lowered = typed.ToLowerInvariant();
        var best = (Name: (string?)null, Distance: int.MaxValue);
        foreach (var candidate in candidates.Distinct(StringComparer.Ordinal))
        {
            var distance = Distance(lowered, candidate.ToLowerInvariant());
            if (distance < best.Distance)
            {
                best = (candidate, distance);
            }
        }

        return best.Name is not null && best.Distance <= Math.Max(2, typed.Length / 3) ? best.Name : null;
    }

    /// <summary>The Levenshtein distance: insertions, deletions and substitutions, each costing 1.</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
