namespace RedisHaLab.Samples.FrontDoorClient;

/// <summary>
/// One shard's outage clock, fed each request's start and end and, between them, the time. An outage runs from the
/// start of the first request that did not succeed in time (it failed, it answered late, or it is still waiting) to the
/// end of the next request that succeeded. It counts from the start because that is when the application began to wait:
/// a request that hangs until a 2 s timeout, or until the proxy restarts, is 2 s without service, not the moment its
/// failure became known. Pure (every time is given) and not thread-safe: its caller takes turns.
/// </summary>
/// <param name="inTime">How long a request may take and still count as served.</param>
internal sealed class OutageClock(TimeSpan inTime)
{
    // Requests sent and not answered yet, by ticket: their start.
    private readonly Dictionary<long, TimeSpan> _inFlight = [];
    private long _nextTicket;
    private TimeSpan? _began;

    // Where the last outage ended: a request started before it was part of that outage, and begins no new one.
    private TimeSpan _lastEnded = TimeSpan.MinValue;

    /// <summary>How long a request may take and still count as served.</summary>
    public TimeSpan InTime => inTime;

    /// <summary>The start of the outage under way, or null while the shard serves.</summary>
    public TimeSpan? Began => _began;

    /// <summary>Notes a request sent at <paramref name="at"/>; the ticket is what <see cref="Finished"/> takes.</summary>
    public long Started(TimeSpan at)
    {
        _inFlight.Add(_nextTicket, at);
        return _nextTicket++;
    }

    /// <summary>Notes that request <paramref name="ticket"/> ended at <paramref name="at"/>, and what that began or ended.</summary>
    public OutageNews Finished(long ticket, TimeSpan at, bool succeeded)
    {
        if (!_inFlight.Remove(ticket, out var started))
        {
            throw new ArgumentException($"request {ticket} is not in flight", nameof(ticket));
        }
        // A late success still began an outage at its start: until it answered, the application had no service.
        var began = !succeeded || at - started > inTime ? NotServed(started) : null;
        if (!succeeded || _began is not { } outageBegan)
        {
            return new OutageNews(began, null);
        }
        _began = null;
        _lastEnded = at;
        return new OutageNews(began, new Outage(outageBegan, at));
    }

    /// <summary>At <paramref name="now"/>: a request waiting longer than <see cref="InTime"/> begins an outage at its start.</summary>
    public OutageNews Check(TimeSpan now)
    {
        TimeSpan? oldest = null;
        foreach (var started in _inFlight.Values)
        {
            if (now - started > inTime && started >= _lastEnded && (oldest is null || started < oldest))
            {
                oldest = started;
            }
        }
        return new OutageNews(oldest is { } start ? NotServed(start) : null, null);
    }

    /// <summary>A request started at <paramref name="started"/> was not served in time: the outage's start, if it begins one.</summary>
    private TimeSpan? NotServed(TimeSpan started)
    {
        if (started < _lastEnded)
        {
            return null;
        }
        if (_began is null)
        {
            _began = started;
            return started;
        }
        // Already out: an older request found late (a hang noticed after a newer fast failure) moves the start back.
        if (started < _began)
        {
            _began = started;
        }
        return null;
    }
}

/// <summary>What one event did to the clock: an outage that began (its start), one that ended, both or neither.</summary>
internal readonly record struct OutageNews(TimeSpan? Began, Outage? Ended);

/// <summary>An outage that has ended, in the clock's time.</summary>
internal readonly record struct Outage(TimeSpan Began, TimeSpan Ended)
{
    /// <summary>How long the shard was without service.</summary>
    public TimeSpan Length => Ended - Began;
}
