using System.Globalization;

namespace OpenLedger.Node.Bench;

/// <summary>Resident set size of a process from /proc (Linux); 0 where it cannot be read.</summary>
public static class Rss
{
    public static double CurrentMiB(int? pid = null) => Read(pid, "VmRSS:");

    public static double PeakMiB(int? pid = null) => Read(pid, "VmHWM:");

    /// <summary>
    /// Resets this process's peak (VmHWM) to its current RSS, so <see cref="PeakMiB"/> then reports the peak of what
    /// follows (Linux: writing 5 to /proc/self/clear_refs). False where that is not possible.
    /// </summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static double Read(int? pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{(pid is { } p ? p.ToString(CultureInfo.InvariantCulture) : "self")}/status"))
                if (line.StartsWith(field, StringComparison.Ordinal))
                    return Math.Round(double.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0, 1);
        }
        catch (IOException)
        {
        }
        return 0;
    }
}
