using System.Reflection;
using System.Text.Json;
using OpenLedger.Node.Tests.Support;

namespace OpenLedger.Node.Tests.EndToEnd.Support;

/// <summary>
/// Runs a script from tests/interop/e2e with Node.js. A script prints exactly one JSON object as its last
/// stdout line (what it saw), which the C# test asserts on; a non-zero exit fails the test with its output.
/// </summary>
public static class InteropScript
{
    /// <summary>tests/interop, baked in at build time (the test binaries may live in an artifacts tree elsewhere).</summary>
    public static string InteropDirectory =>
        Environment.GetEnvironmentVariable("OL_INTEROP_DIR")
        ?? typeof(InteropScript).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "InteropDirectory").Value!;

    public static string ProtoDirectory => Path.GetFullPath(Path.Combine(InteropDirectory, "..", "..", "src", "OpenLedger.Rpc", "Protos"));

    public static async Task<JsonElement> RunAsync(string script, IReadOnlyDictionary<string, string?> environment, TimeSpan? timeout = null)
    {
        var path = Path.Combine(InteropDirectory, "e2e", script);
        if (!File.Exists(path)) throw new FileNotFoundException($"interop script {path} not found (set OL_INTEROP_DIR to tests/interop)", path);
        if (!Directory.Exists(Path.Combine(InteropDirectory, "node_modules")))
            throw new DirectoryNotFoundException($"{InteropDirectory}/node_modules is missing: run `npm ci` there (scripts/setup.sh does)");
        var result = await ProcessRunner.RunAsync("node", [path], timeout ?? TimeSpan.FromSeconds(90), environment);
        if (result.ExitCode != 0 || result.TimedOut) throw new InvalidOperationException($"node {script} failed: {result}");
        var last = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
                   ?? throw new InvalidOperationException($"node {script} printed nothing: {result}");
        try
        {
            return JsonDocument.Parse(last).RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"node {script}: last line is not JSON ({e.Message}): {result}");
        }
    }
}
