using System.Text;

namespace RedisHaLab.Topology;

/// <summary>
/// Reads a file someone named on the command line (an inventory, a playbook): only a regular file, only up to
/// <see cref="MaxBytes"/>. A device (<c>/dev/zero</c>), a pipe or a <c>/proc</c> file would otherwise make the
/// reader hang or crash instead of saying what is wrong.
/// </summary>
public static class InputFile
{
    /// <summary>
    /// The largest file read: 1 MiB. The biggest inventory or playbook shipped is under 4 KiB, and a lab this machine
    /// can run fits in far less; a bigger file is a mistake, not a lab.
    /// </summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>
    /// The text of <paramref name="path"/>, or null with <paramref name="problem"/> saying why it was not read (what
    /// is wrong; what to give instead). <paramref name="what"/> names the expected file in that sentence
    /// (e.g. "an inventory (e.g. --inventory inventories/post-2016.yml)").
    /// </summary>
    public static string? ReadText(string path, string what, out string? problem)
    {
        problem = null;
        FileInfo file;
        try
        {
            file = new FileInfo(path);
            // A link is followed to what it finally names: that is what would be read.
            if (file.LinkTarget is not null)
            {
                if (file.ResolveLinkTarget(returnFinalTarget: true) is not FileInfo target || !target.Exists)
                {
                    problem = Directory.Exists(path) ? $"a folder, not a file; give {what}" : $"a link to nothing; give {what}";
                    return null;
                }
                file = target;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problem = $"cannot be read ({e.Message}); give {what}";
            return null;
        }
        if (Directory.Exists(file.FullName))
        {
            problem = $"a folder, not a file; give {what}";
            return null;
        }
        if (!file.Exists)
        {
            problem = $"file not found; give {what}";
            return null;
        }
        // Before opening: opening a pipe waits for a writer, reading a device never ends. Their size, like that of an
        // empty file and of /proc's files, is 0, and no regular file worth reading has that size.
        if (file.Length == 0)
        {
            problem = $"empty, or not a regular file (a device, a pipe, a /proc file); give {what}";
            return null;
        }
        if (file.Length > MaxBytes)
        {
            problem = $"{file.Length} bytes, more than the {MaxBytes} bytes (1 MiB) an input file may have; give {what}";
            return null;
        }
        try
        {
            // Read no more than the bound even if the file grows while it is read.
            using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, FileOptions.SequentialScan);
            var buffer = new byte[MaxBytes + 1];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = stream.Read(buffer, read, buffer.Length - read)) > 0)
            {
                read += n;
            }
            if (read > MaxBytes)
            {
                problem = $"more than the {MaxBytes} bytes (1 MiB) an input file may have; give {what}";
                return null;
            }
            using var reader = new StreamReader(new MemoryStream(buffer, 0, read), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot be read ({e.Message}); give {what}";
            return null;
        }
    }
}
