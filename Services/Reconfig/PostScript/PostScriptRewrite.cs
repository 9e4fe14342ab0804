namespace RedisHaLab.Reconfig.PostScript;

/// <summary>The result of the post's <c>sed</c>: the new text and how many lines it changed.</summary>
internal sealed record PostScriptEdit(string Text, int LinesChanged);

/// <summary>
/// The text work of the post's <c>client-reconfig-script</c>, as pure functions: which config file a master name
/// points at, and the <c>sed -i "s/old-host:old-port/new-host:new-port/"</c> applied to that file.
/// </summary>
/// <remarks>
/// Nothing here knows YAML: the edit is textual on purpose, because that is what the post did. It changes every line
/// that holds the old address, whatever key the line belongs to, and nothing at all when no line holds it.
/// </remarks>
internal static class PostScriptRewrite
{
    /// <summary>
    /// The config file name the script derives from Sentinel's master name: the first two '_'-separated fields
    /// (<c>redis_14555_g1_4500</c> gives <c>redis_14555.yml</c>), as its <c>awk -F'_' '{print $1"_"$2}'</c> did.
    /// </summary>
    public static string ConfigFileName(string masterName)
    {
        var fields = masterName.Split('_');
        return $"{fields[0]}_{(fields.Length > 1 ? fields[1] : "")}.yml";
    }

    /// <summary>
    /// Replaces the first <c>old-host:old-port</c> of each line with <c>new-host:new-port</c>, as sed's <c>s///</c>
    /// without the <c>g</c> flag does. The match is literal: sed would read the dots of an IP address as "any
    /// character", which cannot matter with the lab's host names (container names, without dots).
    /// </summary>
    public static PostScriptEdit Apply(string text, MasterAddress oldMaster, MasterAddress newMaster)
    {
        var from = $"{oldMaster.Host}:{oldMaster.Port}";
        var to = $"{newMaster.Host}:{newMaster.Port}";
        // Split on '\n' only, so each line keeps its own ending ('\r' included) and the file is rebuilt byte for byte.
        var lines = text.Split('\n');
        var changed = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var at = lines[i].IndexOf(from, StringComparison.Ordinal);
            if (at >= 0)
            {
                lines[i] = string.Concat(lines[i].AsSpan(0, at), to, lines[i].AsSpan(at + from.Length));
                changed++;
            }
        }
        return new PostScriptEdit(changed == 0 ? text : string.Join('\n', lines), changed);
    }
}
