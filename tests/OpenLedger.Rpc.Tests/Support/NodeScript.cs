using System.Diagnostics;
using System.Reflection;
using System.Text;
using Xunit;

namespace OpenLedger.Rpc.Tests.Support;

/// <summary>Runs a Node.js interop script from tests/interop with a bounded time, always killing it afterwards.</summary>
public static class NodeScript
{
    /// <summary>The repository root: the first folder above the test binaries, the working directory or the test project that holds OpenLedger.sln.</summary>
    public static string RepositoryRoot()
    {
        var projectDirectory = typeof(NodeScript).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ProjectDirectory")?.Value;
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory, projectDirectory })
        {
            for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "OpenLedger.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("cannot find the repository root (the folder with OpenLedger.sln) above the test binaries or the working directory");
    }

    /// <summary>tests/interop, failing the test (not skipping it) when its npm packages are not installed.</summary>
    public static string InteropDirectory()
    {
        var interop = Path.Combine(RepositoryRoot(), "tests", "interop");
        if (!Directory.Exists(Path.Combine(interop, "node_modules", "ethers")) || !Directory.Exists(Path.Combine(interop, "node_modules", "@grpc", "grpc-js")))
            Assert.Fail($"the interop test clients are not installed in {interop}/node_modules: run ./scripts/setup.sh");
        return interop;
    }

    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string script, TimeSpan timeout, params string[] arguments)
    {
        var interop = InteropDirectory();
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = interop,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(interop, "rpc", script));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node (is Node.js 20 installed?)");
        var output = new StringBuilder();
        var errors = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"node {script} did not finish within {timeout.TotalSeconds} s; output so far:\n{output}\n{errors}");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        process.WaitForExit(); // flushes the asynchronous output readers
        lock (output) lock (errors) return (process.ExitCode, output.ToString(), errors.ToString());
    }
}
