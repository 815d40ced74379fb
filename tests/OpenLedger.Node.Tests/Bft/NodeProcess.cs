using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OpenLedger.Node.Tests.Bft;

/// <summary>
/// One `openledger` process started by a test, with its stdout and stderr in its own log file (one file per
/// start, so a test can tell what a restarted node did from what it did before the restart).
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly StreamWriter _log;

    private NodeProcess(Process process, string logPath, StreamWriter log)
    {
        Process = process;
        LogPath = logPath;
        _log = log;
    }

    public Process Process { get; }

    public string LogPath { get; }

    public bool HasExited => Process.HasExited;

    public static NodeProcess Start(IEnumerable<string> arguments, string logPath)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Support.ProcessRunner.OpenLedgerDll);
        foreach (var arg in arguments) info.ArgumentList.Add(arg);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        var writer = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        var node = new NodeProcess(process, logPath, writer);
        process.OutputDataReceived += (_, e) => node.WriteLine(e.Data);
        process.ErrorDataReceived += (_, e) => node.WriteLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    private void WriteLine(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // Output that arrives while the test tears the node down.
            }
        }
    }

    /// <summary>Everything the process has written so far.</summary>
    public string Log()
    {
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    /// <summary>SIGKILL: no shutdown code runs, like a power cut or the OOM killer.</summary>
    public async Task KillAsync()
    {
        if (!Process.HasExited) Process.Kill();
        await Process.WaitForExitAsync();
    }

    /// <summary>SIGTERM and a clean shutdown; SIGKILL if it does not stop in time.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!Process.HasExited)
        {
            kill(Process.Id, 15);
            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await Process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Process.Kill(entireProcessTree: true);
                await Process.WaitForExitAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(15));
        Process.Dispose();
        lock (_log) _log.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
