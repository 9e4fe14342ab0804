using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace RedisHaLab.Reconfig;

/// <summary>A Sentinel's <c>+switch-master</c> message: shard <see cref="MasterName"/> moved from one master to another.</summary>
internal sealed record SwitchMasterEvent(string MasterName, MasterAddress OldMaster, MasterAddress NewMaster)
{
    /// <summary>The pub/sub channel Sentinel announces completed failovers on.</summary>
    public const string Channel = "+switch-master";

    /// <summary>Reads <c>&lt;master-name&gt; &lt;old-host&gt; &lt;old-port&gt; &lt;new-host&gt; &lt;new-port&gt;</c>; on failure <paramref name="problem"/> says why.</summary>
    public static bool TryParse(string? payload, [NotNullWhen(true)] out SwitchMasterEvent? parsed, out string problem)
    {
        parsed = null;
        var fields = (payload ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            problem = $"expected 5 fields '<master-name> <old-host> <old-port> <new-host> <new-port>', got {fields.Length}";
            return false;
        }
        if (!TryPort(fields[2], out var oldPort))
        {
            problem = $"old port '{fields[2]}' is not a number between 1 and 65535";
            return false;
        }
        if (!TryPort(fields[4], out var newPort))
        {
            problem = $"new port '{fields[4]}' is not a number between 1 and 65535";
            return false;
        }
        parsed = new SwitchMasterEvent(fields[0], new MasterAddress(fields[1], oldPort), new MasterAddress(fields[3], newPort));
        problem = "";
        return true;
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;
}
