using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OpenLedger.Node.Devnet;

/// <summary>
/// Starts `openledger node …` as a child process of this same program (the devnet's validators, the bench's
/// producer and follower nodes), its stdout and stderr appended to a log file, and stops it as an operator would.
/// </summary>
public static class NodeProcessLauncher
{
    /// <summary>
    /// Runtime settings for the devnet's validators, which share one machine with each other and the operator's tools.
    /// Tiered PGO off: with it, every node process JIT-compiles its hot paths a third time (instrumented, then
    /// optimized), and the four validators of a devnet on two cores spent 9-21% of their CPU in the JIT during the first
    /// minute of a load run; without it the nodes used about 40% less CPU per transaction in that minute
    /// (docs/performance.md, session 4). With more than one validator, thread-pool workers that find no work block at
    /// once instead of spinning first (the spin is meant for idle cores, and here another node's thread wants the core):
    /// four validators at a steady 2,000 tx/s used 16% less CPU per transaction and were preempted a tenth as often
    /// (session 8); a lone validator keeps the spin, which its burst throughput uses. A value the operator set in the
    /// environment wins.
    /// </summary>
    public static IReadOnlyDictionary<string, string> SharedMachineRuntimeSettings(int validators)
    {
        var settings = new Dictionary<string, string> { ["DOTNET_TieredPGO"] = "0" };
        if (validators > 1) settings["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        return settings;
    }

    /// <summary>
    /// Starts `openledger node <paramref name="arguments"/>`, with <paramref name="environment"/> added to the child's
    /// environment where the parent has not set the same variable. The log is closed when both of the child's output
    /// streams have ended, so the last lines of a node that exits (or crashes) are kept; a caller may also dispose it
    /// after waiting for the process with <see cref="Process.WaitForExitAsync"/>, never on <see cref="Process.Exited"/>,
    /// which can run before the final lines arrive (writing them to a closed log crashed the parent).
    /// </summary>
    public static (Process Process, StreamWriter Log) Start(IEnumerable<string> arguments, string logPath, IReadOnlyDictionary<string, string>? environment = null)
    {
        var (file, prefix) = SelfCommand();
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            if (Environment.GetEnvironmentVariable(name) is null) info.Environment[name] = value;
        foreach (var arg in prefix) info.ArgumentList.Add(arg);
        info.ArgumentList.Add("node");
        foreach (var arg in arguments) info.ArgumentList.Add(arg);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var log = AppendOutputTo(process, logPath);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, log);
    }

    /// <summary>
    /// Appends every line of <paramref name="process"/>'s redirected stdout and stderr to <paramref name="logPath"/>
    /// (attach before starting it, then begin reading both streams). The log closes itself when both streams have
    /// ended, each with a null line; closing it on <see cref="Process.Exited"/> instead could lose, and throw on, lines
    /// still in flight.
    /// </summary>
    public static StreamWriter AppendOutputTo(Process process, string logPath)
    {
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var open = 2;
        void OnLine(string? line)
        {
            lock (log)
            {
                if (line is not null) log.WriteLine(line);
                else if (--open == 0) log.Dispose();
            }
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        return log;
    }

    /// <summary>How to start this same program again: the apphost directly, or `dotnet openledger.dll`.</summary>
    public static (string File, string[] Prefix) SelfCommand()
    {
        var processPath = Environment.ProcessPath ?? "dotnet";
        var entry = typeof(NodeProcessLauncher).Assembly.Location;
        return Path.GetFileNameWithoutExtension(processPath) == "dotnet" ? (processPath, new[] { entry }) : (processPath, []);
    }

    /// <summary>Asks the process to shut down cleanly (SIGTERM; nothing on Windows).</summary>
    public static void SendSigterm(int pid)
    {
        if (!OperatingSystem.IsWindows()) kill(pid, 15);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
