namespace RedisHaLab.AppHost.Lab;

/// <summary>
/// Puts the docker build adapter that eng/setup.sh installs (only on machines whose docker CLI lacks buildx)
/// first on PATH, so Aspire's DCP, started by this process, builds images with a CLI that can.
/// </summary>
internal static class DockerCliAdapter
{
    /// <summary>
    /// Prepends the adapter's folder to this process's PATH when the adapter exists and nobody but this user or root
    /// could have put it there; otherwise does nothing (DCP then uses the docker CLI already on PATH).
    /// </summary>
    public static void UseIfInstalled()
    {
        var home = Environment.GetEnvironmentVariable("REDIS_HA_LAB_HOME")
                   ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".redis-ha-lab");
        var folder = Path.Combine(home, "bin");
        var adapter = Path.Combine(folder, "docker");
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        if (File.Exists(adapter) && !path.Split(Path.PathSeparator).Contains(folder) && OnlyOwnerCanWrite(adapter))
        {
            Environment.SetEnvironmentVariable("PATH", folder + Path.PathSeparator + path);
        }
    }

    /// <summary>
    /// Whether <paramref name="file"/> and every folder above it are writable by their owner alone: else another user
    /// (with REDIS_HA_LAB_HOME under /tmp, say) could plant a <c>docker</c> that DCP would run for this user.
    /// </summary>
    /// <remarks>
    /// Sticky folders such as /tmp are writable by all on purpose, which is exactly why they do not pass. The owner
    /// itself is not compared: .NET reads no file owner, and on the machines this lab targets only root and the
    /// current user can own a folder the current user could have created.
    /// </remarks>
    private static bool OnlyOwnerCanWrite(string file)
    {
        const UnixFileMode OthersWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
        if (OperatingSystem.IsWindows())
        {
            return true;
        }
        for (var path = Path.GetFullPath(file); !string.IsNullOrEmpty(path); path = Path.GetDirectoryName(path))
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null || (File.GetUnixFileMode(path) & OthersWrite) != 0)
            {
                return false;
            }
        }
        return true;
    }
}
