using System.Globalization;
using System.Text.RegularExpressions;

namespace RedisHaLab.Playbooks;

/// <summary>Durations as scenarios write them: a number and a unit, <c>2500ms</c>, <c>30s</c>, <c>1.5m</c>.</summary>
public static partial class DurationText
{
    /// <summary>
    /// Reads <paramref name="text"/>; false when it is not a number followed by ms, s or m. One too long for a
    /// <see cref="TimeSpan"/> reads as <see cref="TimeSpan.MaxValue"/>, for the caller's range check to refuse.
    /// </summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var match = Pattern().Match(text?.Trim() ?? "");
        if (!match.Success)
        {
            return false;
        }
        var number = double.Parse(match.Groups["number"].Value, CultureInfo.InvariantCulture);
        var ticks = number * match.Groups["unit"].Value switch
        {
            "ms" => TimeSpan.TicksPerMillisecond,
            "s" => TimeSpan.TicksPerSecond,
            _ => TimeSpan.TicksPerMinute,
        };
        // A number too big for a TimeSpan (99999999999m) reads as the longest one, which every range check refuses by
        // its text, instead of overflowing. Otherwise as TimeSpan.FromSeconds and the others read it: to the tick below.
        duration = ticks >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : new TimeSpan((long)ticks);
        return true;
    }

    /// <summary>The shortest way to write <paramref name="duration"/> that <see cref="TryParse"/> reads back.</summary>
    public static string Format(TimeSpan duration) =>
        duration.TotalMilliseconds % 1000 != 0 ? $"{duration.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms"
        : duration.TotalSeconds % 60 != 0 || duration == TimeSpan.Zero ? $"{duration.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s"
        : $"{duration.TotalMinutes.ToString(CultureInfo.InvariantCulture)}m";

    // ASCII digits only: \d would also match other scripts' digits (Arabic-Indic, Devanagari), which double.Parse then refuses.
    [GeneratedRegex(@"^(?<number>[0-9]+(\.[0-9]+)?)[ ]*(?<unit>ms|s|m)\z")]
    private static partial Regex Pattern();
}
