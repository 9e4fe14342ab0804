namespace RedisHaLab.Topology.Model;

/// <summary>
/// Every part of the lab answers the names its network does not know itself, at once, so that no part of the lab
/// depends on the machine's resolver. Both renderers give each container <see cref="Address"/> as its only DNS server
/// and run its command through <see cref="CommandOf"/>, which starts a resolver inside the container first.
/// </summary>
/// <remarks>
/// <para>
/// Why: Redis and Sentinel look names up with a blocking <c>getaddrinfo</c> on their event loop, and a container that
/// was killed or stopped has no name on the network any more. Docker's embedded DNS forwards a name it does not know to
/// the container's DNS servers and, when they do not answer, does not answer either: each lookup then waits out the C
/// library's 2 x 5 s. With the machine's resolver slow or unreachable, every Sentinel froze on the dead master's name,
/// entered TILT, and the shard was never failed over (seen in CI; reproduced by dropping port 53 in every lab
/// container: no failover in 100 s).
/// </para>
/// <para>
/// How: Docker's embedded DNS (127.0.0.11) still answers every name it knows, the lab's containers; it forwards only the
/// rest, and, for a server the container was given by hand, from inside the container's own network namespace. There
/// <c>dnsmasq</c> (Debian's <c>dnsmasq-base</c>, in every image a part runs) listens on loopback and answers every
/// name "no such name" (NXDOMAIN): no upstream, no cache, no hosts file. The lab needs no name outside its network.
/// </para>
/// </remarks>
public static class LabResolver
{
    /// <summary>The DNS server every part's container is given (<c>--dns</c>, the stack's <c>dns</c>): its own loopback.</summary>
    public const string Address = "127.0.0.1";

    /// <summary>The Debian package with the resolver's program, installed by every image a part runs.</summary>
    public const string Package = "dnsmasq-base";

    /// <summary>The shell that starts the resolver and then becomes the part's program (<c>exec</c>).</summary>
    public const string Shell = "sh";

    /// <summary>
    /// Starts dnsmasq as a daemon (it returns once it listens, or fails with its reason), then replaces the shell with
    /// the part's command, which stays the container's main process: a <c>docker kill</c> still kills Redis itself.
    /// A resolver that does not start stops the container with the reason: a part without it would freeze on the next
    /// dead name instead.
    /// </summary>
    private const string Script =
        "dnsmasq --conf-file=/dev/null --no-resolv --no-hosts --no-poll --cache-size=0 --listen-address=" + Address
        + " --bind-interfaces --port=53 --address=/#/ --pid-file= --log-facility=/dev/null"
        + " || { echo \"lab-resolver: dnsmasq did not start (package " + Package + " missing from the image?); not starting $1\" >&2; exit 1; }; "
        + "exec \"$@\"";

    /// <summary>The shell's arguments before the part's command (the name after the script is the shell's <c>$0</c>).</summary>
    public static IReadOnlyList<string> ShellArguments { get; } = ["-c", Script, "lab-resolver"];

    /// <summary>What a part's container runs: the resolver's start, then the part's own command (<see cref="LabImageEntrypoints.CommandOf"/>).</summary>
    public static IReadOnlyList<string> CommandOf(LabPart part) => [Shell, .. ShellArguments, .. LabImageEntrypoints.CommandOf(part)];
}
