using System.Net;

namespace RedisHaLab.AppHost.Lab;

/// <summary>A host of the inventory. It runs nothing itself: the dashboard nests the node's instances under it.</summary>
internal sealed class LabNodeResource(string name, IPAddress address) : Resource(name)
{
    /// <summary>The node's own loopback address, where its instances publish their ports.</summary>
    public IPAddress Address { get; } = address;
}
