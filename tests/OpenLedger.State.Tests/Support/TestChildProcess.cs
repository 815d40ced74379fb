using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OpenLedger.State.Tests.Support;

/// <summary>This test assembly started again as a separate process (see <see cref="Program"/>).</summary>
public sealed class TestChildProcess : IDisposable
{
    private readonly Process _process;

    private TestChildProcess(Process process)
    {
        _process = process;
    }

    public static TestChildProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return new TestChildProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start the child process"));
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The next stdout line, or null at end of output; fails the test when nothing arrives in time.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return await _process.StandardOutput.ReadLineAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"child process said nothing for {timeout}; stderr: {ReadErrorsIfExited()}");
        }
    }

    public string ReadErrorsIfExited() => _process.HasExited ? _process.StandardError.ReadToEnd() : "(still running)";

    /// <summary>SIGKILL on Unix: no chance to flush or close anything.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void CloseInput() => _process.StandardInput.Close();

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public int ExitCode => _process.ExitCode;

    public void Dispose()
    {
        try
        {
            Kill();
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
        if (Environment.ProcessPath is { } current && Path.GetFileNameWithoutExtension(current) == "dotnet") return current;
        // shared/Microsoft.NETCore.App/<version>/ sits three levels below the dotnet root.
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var candidate = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(candidate) ? candidate : "dotnet";
    }
}
