using ScottPlot;

namespace RedisHaLab.FailoverBenchmark;

/// <summary>
/// The timeline PNG: every operation of every round as a dot, x = seconds since that round's kill, one band per round
/// (the killed shard's connections above the band's middle, the other shards' below), colored by outcome; the kill,
/// <c>+sdown</c>, <c>+odown</c> and <c>+switch-master</c> marked on each band.
/// </summary>
public static class TimelinePlot
{
    private static readonly (OpOutcome Outcome, string Label, Color Color)[] Styles =
    [
        (OpOutcome.Ok, "ok", Colors.ForestGreen),
        (OpOutcome.ReadMiss, "read nil", Colors.Orange),
        (OpOutcome.ReadStale, "read older value", Colors.Gold),
        (OpOutcome.ErrorReply, "error reply", Colors.Red),
        (OpOutcome.Timeout, "timeout", Colors.Purple),
        (OpOutcome.ConnectionLost, "connection lost", Colors.DeepPink),
        (OpOutcome.NotSent, "not sent (no proxy)", Colors.Black),
    ];

    /// <summary>Renders <paramref name="profiles"/> into a PNG at <paramref name="path"/>.</summary>
    public static void Save(IReadOnlyList<ProfileResult> profiles, string path, double fromSeconds = -1, double toSeconds = 8)
    {
        var plot = new Plot();
        var points = Styles.ToDictionary(s => s.Outcome, _ => (Xs: new List<double>(), Ys: new List<double>()));
        var tickPositions = new List<double>();
        var tickLabels = new List<string>();
        var sdown = new List<Coordinates>();
        var odown = new List<Coordinates>();
        var y = 0.0;
        foreach (var profile in profiles.Reverse())
        {
            foreach (var round in profile.Rounds.Reverse())
            {
                y += 1;
                var result = round.Result;
                var killedShard = round.ShardNames.ToList().IndexOf(result.KilledShard);
                var lanes = round.Operations.Select(o => (o.Lane, o.Shard)).Distinct().OrderBy(l => l.Lane).ToList();
                var killedLanes = lanes.Where(l => l.Shard == killedShard).Select(l => l.Lane).ToList();
                var otherLanes = lanes.Where(l => l.Shard != killedShard).Select(l => l.Lane).ToList();
                var laneY = new Dictionary<int, double>();
                for (var i = 0; i < killedLanes.Count; i++)
                {
                    laneY[killedLanes[i]] = y + 0.08 + 0.3 * (i + 0.5) / killedLanes.Count;
                }
                for (var i = 0; i < otherLanes.Count; i++)
                {
                    laneY[otherLanes[i]] = y - 0.08 - 0.3 * (i + 0.5) / otherLanes.Count;
                }
                foreach (var op in round.Operations)
                {
                    var x = (op.StartMs - result.KillAtMs) / 1000;
                    if (x < fromSeconds || x > toSeconds)
                    {
                        continue;
                    }
                    points[op.Outcome].Xs.Add(x);
                    points[op.Outcome].Ys.Add(laneY[op.Lane]);
                }
                if (result.SwitchMasterAfterKillMs is { } switchMs)
                {
                    var line = plot.Add.Line(switchMs / 1000, y - 0.45, switchMs / 1000, y + 0.45);
                    line.LineColor = Colors.Blue;
                    line.LineWidth = 2;
                }
                if (result.SdownAfterKillMs is { } sdownMs)
                {
                    sdown.Add(new Coordinates(sdownMs / 1000, y + 0.42));
                }
                if (result.OdownAfterKillMs is { } odownMs)
                {
                    odown.Add(new Coordinates(odownMs / 1000, y + 0.42));
                }
                tickPositions.Add(y);
                tickLabels.Add($"{profile.Profile.Name} #{result.Round}: {result.KilledShard} killed");
            }
            y += 0.5;
        }

        foreach (var (outcome, label, color) in Styles)
        {
            var (xs, ys) = points[outcome];
            if (xs.Count == 0)
            {
                continue;
            }
            var markers = plot.Add.Markers(xs.ToArray(), ys.ToArray(), MarkerShape.FilledCircle, outcome == OpOutcome.Ok ? 2 : 4, color);
            markers.LegendText = $"{label} ({xs.Count})";
        }
        if (sdown.Count > 0)
        {
            plot.Add.Markers(sdown.ToArray(), MarkerShape.FilledTriangleDown, 7, Colors.Gray).LegendText = "first +sdown";
        }
        if (odown.Count > 0)
        {
            plot.Add.Markers(odown.ToArray(), MarkerShape.FilledTriangleDown, 7, Colors.DarkSlateGray).LegendText = "first +odown";
        }
        var kill = plot.Add.VerticalLine(0, 2, Colors.Red, LinePattern.Dashed);
        kill.LegendText = "kill";
        // A legend entry for the per-round +switch-master segments.
        var switchLegend = plot.Add.Line(0, 0, 0, 0);
        switchLegend.LineColor = Colors.Blue;
        switchLegend.LineWidth = 2;
        switchLegend.LegendText = "+switch-master";

        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(tickPositions.ToArray(), tickLabels.ToArray());
        plot.Axes.SetLimits(fromSeconds, toSeconds, 0.3, y + 0.2);
        plot.Title("Client operations through the proxy around each master kill (above each band's middle: the killed shard's keys)");
        plot.XLabel("seconds since the kill (operation start)");
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, 1600, Math.Max(500, 60 * profiles.Sum(p => p.Rounds.Count) + 200));
    }
}
