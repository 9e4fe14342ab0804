namespace RedisHaLab.FailoverBenchmark;

/// <summary>The figures of one failover round. Times are milliseconds; "after kill" times count from the kill call.</summary>
public sealed record RoundResult
{
    /// <summary>1-based round number.</summary>
    public int Round { get; init; }

    /// <summary>The shard whose master was killed.</summary>
    public string KilledShard { get; init; } = "";

    /// <summary>The container killed.</summary>
    public string KilledInstance { get; init; } = "";

    /// <summary>The replica Sentinel promoted, from <c>+switch-master</c>.</summary>
    public string? PromotedInstance { get; init; }

    /// <summary>When the kill call was made (time zero of the round), on the run's clock (ms since the benchmark started).</summary>
    public double KillAtMs { get; init; }

    /// <summary>How long the Docker kill call took.</summary>
    public double KillCallMs { get; init; }

    /// <summary>First <c>+sdown</c> of the killed master from any Sentinel, after the kill.</summary>
    public double? SdownAfterKillMs { get; init; }

    /// <summary>First <c>+odown</c> of the killed master, after the kill.</summary>
    public double? OdownAfterKillMs { get; init; }

    /// <summary>First <c>+switch-master</c> of the killed shard, after the kill.</summary>
    public double? SwitchMasterAfterKillMs { get; init; }

    /// <summary>Outage of the killed shard: last success before its first failure to first success after its last failure. Null: never served again.</summary>
    public double? KilledShardOutageMs { get; init; }

    /// <summary>Where that outage began, after the kill (negative: before the kill returned).</summary>
    public double? KilledShardOutageStartAfterKillMs { get; init; }

    /// <summary>Failed operations on the killed shard's keys.</summary>
    public int KilledShardFailures { get; init; }

    /// <summary>
    /// The killed shard's outage when a read of nil or of an older value counts as a failure too: until its clients get
    /// right answers again. Null when they never did within the round.
    /// </summary>
    public double? KilledShardUntilRightMs { get; init; }

    /// <summary>The same for the other shards (the worst of them); 0 when none of their operations failed.</summary>
    public double OtherShardOutageMs { get; init; }

    /// <summary>Failed operations on the other shards' keys.</summary>
    public int OtherShardFailures { get; init; }

    /// <summary>From the first <c>+switch-master</c> to the first success on the killed shard after its last failure.</summary>
    public double? SwitchMasterToServingMs { get; init; }

    /// <summary>Writes answered +OK.</summary>
    public int WritesAcknowledged { get; init; }

    /// <summary>Writes that certainly did not happen (not sent, or an error reply).</summary>
    public int WritesFailed { get; init; }

    /// <summary>Writes sent without an answer (timeout, connection lost): they may or may not have happened.</summary>
    public int WritesIndeterminate { get; init; }

    /// <summary>Reads that returned the key's latest value.</summary>
    public int ReadsOk { get; init; }

    /// <summary>Reads that returned nil.</summary>
    public int ReadsNil { get; init; }

    /// <summary>Reads that returned an older value than the last acknowledged one.</summary>
    public int ReadsStale { get; init; }

    /// <summary>Reads that got no data (error, timeout, connection lost, not sent).</summary>
    public int ReadsFailed { get; init; }

    /// <summary>Acknowledged writes whose value is in no master's data set after healing (nor a later value of the key).</summary>
    public int AcknowledgedWritesLost { get; init; }

    /// <summary>Of those, writes the promoted replica had (its value or a later one) at the kill: a loss WAIT would not have prevented.</summary>
    public int AcknowledgedWritesLostReplicaHad { get; init; }

    /// <summary>True when the replica was read before any <c>+switch-master</c>, so its snapshot is its state at the kill.</summary>
    public bool ReplicaSnapshotBeforePromotion { get; init; }

    /// <summary>Keys read back through the proxy after healing.</summary>
    public int KeysChecked { get; init; }

    /// <summary>Keys that did not read back as their latest surviving value: nil, error or an older value.</summary>
    public int KeysUnreadable { get; init; }

    /// <summary>Of those, keys that read back nil.</summary>
    public int KeysNil { get; init; }

    /// <summary>Of those, keys whose read failed.</summary>
    public int KeysError { get; init; }

    /// <summary>Of those, keys that read back an older value (a copy left on another shard).</summary>
    public int KeysOlderValue { get; init; }

    /// <summary>Keys left out because their shard could not be told when the round began.</summary>
    public int KeysUnlocated { get; init; }

    /// <summary>Keys per shard when the round began.</summary>
    public Dictionary<string, int> KeysPerShard { get; init; } = [];

    /// <summary>From the restart of the killed container to it being a caught-up replica that Sentinel flags no more.</summary>
    public double HealMs { get; init; }

    /// <summary>Error texts and how often each was seen.</summary>
    public Dictionary<string, int> Errors { get; init; } = [];

    /// <summary>Every Sentinel event of the round.</summary>
    public IReadOnlyList<SentinelEvent> SentinelEvents { get; init; } = [];
}

/// <summary>A round's figures and the operations behind them (kept for the plot, not for the JSON).</summary>
public sealed record RoundData(RoundResult Result, IReadOnlyList<OpRecord> Operations, IReadOnlyList<string> ShardNames);

/// <summary>All rounds of one profile.</summary>
public sealed record ProfileResult(BenchmarkProfile Profile, IReadOnlyList<RoundData> Rounds, double StartSeconds)
{
    /// <summary>Only the figures.</summary>
    public IEnumerable<RoundResult> Figures => Rounds.Select(r => r.Result);
}
