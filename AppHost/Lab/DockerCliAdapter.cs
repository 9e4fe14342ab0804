namespace RedisHaLab.AppHost.Lab;

/// <summary>
/// Puts the docker build adapter that eng/setup.sh installs (only on machines whose docker CLI lacks buildx)
/// first on PATH, so Aspire's DCP, started by this process, builds images with a CLI that can.
/// </summary>
internal static class DockerCliAdapter
{
    /// <summary>Prepends the adapter's folder to this process's PATH when the adapter exists; otherwise does nothing.</summary>
    public static void UseIfInstalled()
    {
        var home = Environment.GetEnvironmentVariable("REDIS_HA_LAB_HOME")
                   ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".redis-ha-lab");
        var folder = Path.Combine(home, "bin");
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        if (File.Exists(Path.Combine(folder, "docker")) && !path.Split(Path.PathSeparator).Contains(folder))
        {
            Environment.SetEnvironmentVariable("PATH", folder + Path.PathSeparator + path);
        }
    }
}
