// A client of the client matrix (docs/client-matrix): StackExchange.Redis as an application would take the lab, from
// the connection string the AppHost gives it (the front door, or a shard's Sentinels with the lab's address map).
// Twenty times a second it writes a new key (the value: a rising counter) and reads it back, without waiting for
// the requests before, so a request that hangs delays nothing and is seen hanging; every operation is printed as one
// line (ClientOperation). It runs until its standard input closes (LAB_SECONDS at most), then waits for the requests
// still out and reports those as hung.
using System.Diagnostics;
using RedisHaLab.Clients;
using RedisHaLab.ClientMatrix;
using StackExchange.Redis;

var connection = Environment.GetEnvironmentVariable("LAB_CONNECTION");
var prefix = Environment.GetEnvironmentVariable("LAB_KEY_PREFIX");
if (string.IsNullOrEmpty(connection) || string.IsNullOrEmpty(prefix)
    || !int.TryParse(Environment.GetEnvironmentVariable("LAB_SECONDS"), out var seconds) || seconds is < 1 or > 3600)
{
    Console.Error.WriteLine("the client matrix gives every client LAB_CONNECTION, LAB_KEY_PREFIX and LAB_SECONDS (1 to 3600); one is missing or wrong");
    return 2;
}

// The connection string as given, with what any application riding out failovers sets: keep connecting in the
// background, and 2 s for a connect or a command.
var options = ConfigurationOptions.Parse(connection);
options.AbortOnConnectFail = false;
options.ConnectTimeout = 2000;
options.SyncTimeout = 2000;
options.AsyncTimeout = 2000;
if (Environment.GetEnvironmentVariable("LAB_ADDRESSES") is { Length: > 0 } addresses)
{
    options.Tunnel = LabAddressTunnel.Parse(addresses);
}

var period = TimeSpan.FromMilliseconds(50);
var clock = Stopwatch.StartNew();
var origin = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
double Now() => origin + clock.Elapsed.TotalMilliseconds;
var output = new object();
void Print(ClientOperation operation)
{
    lock (output)
    {
        Console.Out.WriteLine(operation.ToLine());
    }
}

Console.Error.WriteLine($"StackExchange.Redis {typeof(ConnectionMultiplexer).Assembly.GetName().Version}: {options.ServiceName ?? "front door"} for {seconds} s");
using var redis = await ConnectionMultiplexer.ConnectAsync(options);
var db = redis.GetDatabase();
var inFlight = new Dictionary<long, (string Op, string Key, long Seq, double Start)>();

async Task PairAsync(long seq)
{
    // A new key for every write, its number first (see ClientMatrix/clients.yml).
    var key = $"{seq}:{prefix}";
    if (await OneAsync("set", key, seq, async () => { await db.StringSetAsync(key, seq); return null; }) is { Ok: true })
    {
        await OneAsync("get", key, seq, async () => (string?)await db.StringGetAsync(key));
    }
}

async Task<ClientOperation?> OneAsync(string op, string key, long seq, Func<Task<string?>> call)
{
    var id = seq * 2 + (op == "get" ? 1 : 0);
    var start = Now();
    lock (inFlight)
    {
        inFlight[id] = (op, key, seq, start);
    }
    ClientOperation done;
    try
    {
        var value = await call();
        done = new ClientOperation(op, key, seq, start, Now(), true, value);
    }
    catch (Exception e) when (e is RedisException or TimeoutException)
    {
        done = new ClientOperation(op, key, seq, start, Now(), false, Error: $"{e.GetType().Name}: {e.Message.Split('\n')[0]}");
    }
    lock (inFlight)
    {
        if (!inFlight.Remove(id))
        {
            return null; // reported as hung already
        }
    }
    Print(done);
    return done;
}

// The matrix stops a client by closing its standard input.
using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
_ = Task.Run(async () =>
{
    await Console.In.ReadToEndAsync();
    await stop.CancelAsync();
});
var pairs = new List<Task>();
using (var timer = new PeriodicTimer(period))
{
    try
    {
        for (var seq = 1L; await timer.WaitForNextTickAsync(stop.Token); seq++)
        {
            pairs.Add(PairAsync(seq));
        }
    }
    catch (OperationCanceledException)
    {
        // Stopped, or LAB_SECONDS ran out.
    }
}
// Long enough for the client's own timeouts (a SET and its GET, 2 s each); what is still out then is hung.
await Task.WhenAny(Task.WhenAll(pairs), Task.Delay(TimeSpan.FromSeconds(6)));
lock (inFlight)
{
    foreach (var (_, (op, key, seq, start)) in inFlight)
    {
        Print(new ClientOperation(op, key, seq, start, null, false, Error: "no answer by the end of the run"));
    }
    inFlight.Clear();
}
return 0;
