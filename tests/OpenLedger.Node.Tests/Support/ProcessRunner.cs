using System.Diagnostics;
using System.Text;

namespace OpenLedger.Node.Tests.Support;

/// <summary>
/// Runs a child process with a hard time limit, capturing stdout and stderr; on timeout (or if the test is
/// cancelled) it kills the whole process tree so no node or helper outlives the test.
/// </summary>
public static class ProcessRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The `openledger` assembly copied next to the test binaries by the project reference.</summary>
    public static string OpenLedgerDll => Path.Combine(AppContext.BaseDirectory, "openledger.dll");

    /// <summary>Runs <c>dotnet openledger.dll args...</c>.</summary>
    public static Task<ProcessResult> RunOpenLedgerAsync(
        IEnumerable<string> args, TimeSpan? timeout = null, IReadOnlyDictionary<string, string?>? environment = null,
        string? standardInput = null, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(OpenLedgerDll)) throw new FileNotFoundException("openledger.dll is not next to the tests; is the Node project referenced?", OpenLedgerDll);
        return RunAsync("dotnet", [OpenLedgerDll, .. args], timeout, environment, standardInput, cancellationToken);
    }

    public static async Task<ProcessResult> RunAsync(
        string fileName, IEnumerable<string> args, TimeSpan? timeout = null, IReadOnlyDictionary<string, string?>? environment = null,
        string? standardInput = null, CancellationToken cancellationToken = default)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args) startInfo.ArgumentList.Add(arg);
        // Keep child .NET processes quiet and independent of the developer's machine settings.
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                if (value is null) startInfo.Environment.Remove(name);
                else startInfo.Environment[name] = value;
            }
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = startInfo };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
            process.StandardInput.Close();
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? DefaultTimeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            KillTree(process);
            // Bounded: after a kill the exit is prompt; do not hang the test run if it is not.
            using var afterKill = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(afterKill.Token);
            }
            catch (OperationCanceledException)
            {
                // Reported through TimedOut; the exit code below is then -1.
            }
        }
        if (process.HasExited) process.WaitForExit(); // flushes the asynchronous stdout/stderr readers
        stopwatch.Stop();
        string output, error;
        lock (stdout) output = stdout.ToString();
        lock (stderr) error = stderr.ToString();
        return new ProcessResult(process.HasExited ? process.ExitCode : -1, output, error, timedOut, stopwatch.Elapsed);
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
