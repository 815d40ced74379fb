using System.Globalization;

namespace OpenLedger.Node.Bench;

/// <summary>
/// CPU time and context switches of local processes, from /proc (Linux): what the bench reads at the start and the
/// end of the measured window so its report can say where the machine's cores went, per process and per transaction.
/// </summary>
public static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ: 100 on every Linux architecture .NET runs on

    /// <summary>One reading of a process: seconds on a CPU (user + system, all threads) and context switches.</summary>
    public readonly record struct Sample(double CpuSeconds, long VoluntarySwitches, long InvoluntarySwitches);

    /// <summary>The process's reading, or null where /proc cannot be read (another OS, the process has exited).</summary>
    public static Sample? Read(int? pid = null)
    {
        var dir = $"/proc/{(pid is { } p ? p.ToString(CultureInfo.InvariantCulture) : "self")}";
        try
        {
            // stat's utime and stime (fields 14 and 15) count every thread of the process, exited ones too. The name
            // (field 2) is in parentheses and may hold spaces, so fields are counted from its closing one.
            var stat = File.ReadAllText(Path.Combine(dir, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            // Context switches are counted per thread: the live threads' sum (a node's threads live as long as it does).
            long voluntary = 0, involuntary = 0;
            foreach (var task in Directory.EnumerateDirectories(Path.Combine(dir, "task")))
            {
                try
                {
                    foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    {
                        if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal)) voluntary += ParseValue(line);
                        else if (line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal)) involuntary += ParseValue(line);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The thread exited between listing and reading.
                }
            }
            return new Sample(ticks / TicksPerSecond, voluntary, involuntary);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static long ParseValue(string line) => long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
}
