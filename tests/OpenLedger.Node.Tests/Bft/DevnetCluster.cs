using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using OpenLedger.Node.Devnet;
using OpenLedger.Node.Tests.Support;

namespace OpenLedger.Node.Tests.Bft;

/// <summary>
/// A devnet of real `openledger` processes in a temporary home: either an `openledger devnet --validators N`
/// child process (<see cref="StartAsync"/>), or homes made by `devnet --init-only` whose nodes the test starts,
/// kills and restarts one by one (<see cref="InitAsync"/>, <see cref="StartNode"/>). Disposal stops every
/// process it started (SIGTERM, then SIGKILL), kills whatever is left of the node processes listed in
/// devnet.json, and deletes the home.
/// </summary>
public sealed class DevnetCluster : IAsyncDisposable
{
    private readonly Process? _process;
    private readonly StringBuilder _output = new();
    // Generous: a node on a loaded 2-core machine can take seconds to answer.
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };
    private readonly List<NodeProcess> _started = new();
    private readonly Dictionary<int, NodeProcess> _current = new();
    private int _rpcId;

    private DevnetCluster(string home, Process? process)
    {
        Home = home;
        _process = process;
    }

    public string Home { get; }

    public DevnetManifest Manifest { get; private set; } = null!;

    public static async Task<DevnetCluster> StartAsync(int validators, int accounts, TimeSpan readyTimeout)
    {
        var home = Path.Combine(Path.GetTempPath(), "ol-bft-" + Guid.NewGuid().ToString("N")[..12]);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { ProcessRunner.OpenLedgerDll, "devnet", "--validators", validators.ToString(CultureInfo.InvariantCulture), "--home", home, "--accounts", accounts.ToString(CultureInfo.InvariantCulture),
                     "--ready-timeout", ((int)readyTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(arg);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        var process = new Process { StartInfo = info };
        var cluster = new DevnetCluster(home, process);
        process.OutputDataReceived += (_, e) => cluster.Append(e.Data);
        process.ErrorDataReceived += (_, e) => cluster.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // The runner gives up at readyTimeout itself and says why; wait a little longer to read its reason.
            await cluster.WaitUntilRunningAsync(validators, readyTimeout + TimeSpan.FromSeconds(30));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>`openledger devnet --validators N --init-only`: homes, genesis and devnet.json, no node started yet.</summary>
    public static async Task<DevnetCluster> InitAsync(int validators, int accounts)
    {
        var home = Path.Combine(Path.GetTempPath(), "ol-bft-" + Guid.NewGuid().ToString("N")[..12]);
        var cluster = new DevnetCluster(home, null);
        var result = await ProcessRunner.RunOpenLedgerAsync(
            ["devnet", "--init-only", "--validators", validators.ToString(CultureInfo.InvariantCulture), "--home", home, "--accounts", accounts.ToString(CultureInfo.InvariantCulture)],
            TimeSpan.FromSeconds(120));
        cluster.Append(result.StandardOutput);
        cluster.Append(result.StandardError);
        if (result.ExitCode != 0)
        {
            await cluster.DisposeAsync();
            throw new InvalidOperationException($"devnet --init-only failed with exit code {result.ExitCode}:\n{result.StandardOutput}\n{result.StandardError}");
        }
        cluster.Manifest = DevnetManifest.Load(Path.Combine(home, "devnet.json"));
        return cluster;
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private async Task WaitUntilRunningAsync(int validators, TimeSpan timeout)
    {
        var manifestPath = Path.Combine(Home, "devnet.json");
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process!.HasExited) throw new InvalidOperationException($"the devnet exited with code {_process.ExitCode}\n{Diagnostics()}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the devnet was not running within {timeout.TotalSeconds:F0} s\n{Diagnostics()}");
            if (Output.Contains("is running", StringComparison.Ordinal) && File.Exists(manifestPath))
            {
                try
                {
                    Manifest = DevnetManifest.Load(manifestPath);
                    if (Manifest.Nodes.Count == validators && Manifest.Nodes.All(n => n.ProcessId is not null)) return;
                }
                catch (Exception e) when (e is IOException or JsonException)
                {
                    // Caught mid-write; read it again next round.
                }
            }
            await Task.Delay(200);
        }
    }

    /// <summary>SIGTERMs the devnet runner (it stops its nodes) and keeps the homes, so nodes can be restarted one by one.</summary>
    public async Task StopRunnerAsync(TimeSpan timeout)
    {
        if (_process is null || _process.HasExited) return;
        kill(_process.Id, 15);
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>
    /// Starts `openledger node --home` for one devnet node, logging to HOME/nodeI/run-K.log (K counts this
    /// node's starts); the process is stopped on disposal at the latest.
    /// </summary>
    public NodeProcess StartNode(int node)
    {
        var home = Manifest.Nodes[node].Home;
        var run = Directory.GetFiles(home, "run-*.log").Length + 1;
        var process = StartProcess(["node", "--home", home], Path.Combine(home, $"run-{run}.log"));
        lock (_current) _current[node] = process;
        return process;
    }

    /// <summary>Starts any `openledger` command line as a process owned (and stopped) by this cluster.</summary>
    public NodeProcess StartProcess(IEnumerable<string> arguments, string logPath)
    {
        var process = NodeProcess.Start(arguments, logPath);
        lock (_started) _started.Add(process);
        return process;
    }

    /// <summary>The process this test last started for <paramref name="node"/>.</summary>
    public NodeProcess Node(int node)
    {
        lock (_current) return _current[node];
    }

    /// <summary>SIGKILLs the process this test last started for <paramref name="node"/>.</summary>
    public Task KillNodeAsync(int node) => Node(node).KillAsync();

    /// <summary>The node's height, or null while it does not answer (down, starting, or too busy).</summary>
    public async Task<ulong?> TryBlockNumberAsync(int node)
    {
        try
        {
            return await BlockNumberAsync(node);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Waits until every one of <paramref name="nodes"/> is at <paramref name="height"/> or above; returns their heights.</summary>
    public async Task<ulong[]> WaitForHeightAsync(IReadOnlyList<int> nodes, ulong height, CancellationToken ct)
    {
        var heights = new ulong[nodes.Count];
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            for (var i = 0; i < nodes.Count; i++)
                if (heights[i] < height) heights[i] = await TryBlockNumberAsync(nodes[i]) ?? heights[i];
            if (heights.All(h => h >= height)) return heights;
            await Task.Delay(250, ct);
        }
    }

    /// <summary>The hash of block <paramref name="height"/> at an RPC endpoint, retried over transient failures of a busy node.</summary>
    public async Task<string> BlockHashAsync(string jsonRpc, ulong height, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var block = await CallAsync(jsonRpc, "eth_getBlockByNumber", Hex(height), false);
                if (block.ValueKind != JsonValueKind.Object) throw new InvalidOperationException($"{jsonRpc} has no block {height}");
                return block.GetProperty("hash").GetString()!;
            }
            catch (Exception e) when (attempt < 5 && e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                await Task.Delay(500, ct);
            }
        }
    }

    public Task<string> BlockHashAsync(int node, ulong height, CancellationToken ct) => BlockHashAsync(Manifest.Nodes[node].JsonRpc, height, ct);

    /// <summary>Asserts that every node has the same block hash at every height from 1 to <paramref name="through"/>.</summary>
    public async Task AssertSameHashesAsync(IReadOnlyList<string> jsonRpcs, ulong through, CancellationToken ct)
    {
        for (var height = 1UL; height <= through; height++)
        {
            var h = height;
            var hashes = await Task.WhenAll(jsonRpcs.Select(url => BlockHashAsync(url, h, ct)));
            if (hashes.Distinct(StringComparer.OrdinalIgnoreCase).Count() != 1)
                throw new Xunit.Sdk.XunitException($"nodes disagree on block {height}: " + string.Join(", ", jsonRpcs.Zip(hashes, (u, x) => $"{u}={x}")));
        }
    }

    public Task<JsonElement> CallAsync(int node, string method, params object?[] parameters) => CallAsync(Manifest.Nodes[node].JsonRpc, method, parameters);

    public async Task<JsonElement> CallAsync(string jsonRpc, string method, params object?[] parameters)
    {
        var request = new { jsonrpc = "2.0", id = Interlocked.Increment(ref _rpcId), method, @params = parameters };
        using var response = await _http.PostAsJsonAsync(jsonRpc, request);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (json.TryGetProperty("error", out var error))
            throw new InvalidOperationException($"{jsonRpc} {method}: {error}");
        return json.GetProperty("result").Clone();
    }

    public async Task<ulong> BlockNumberAsync(int node) => ParseQuantity((await CallAsync(node, "eth_blockNumber")).GetString()!);

    public static ulong ParseQuantity(string hex) => ulong.Parse(hex.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public static string Hex(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>The devnet's output and the tail of every node's log, for assertion messages.</summary>
    public string Diagnostics(int lines = 25)
    {
        var text = new StringBuilder().AppendLine("--- devnet output ---").AppendLine(Output);
        var logs = Directory.Exists(Home)
            ? Directory.GetDirectories(Home).Order().SelectMany(dir => Directory.GetFiles(dir, "*.log").Order()).ToArray()
            : [];
        foreach (var log in logs)
        {
            text.AppendLine($"--- tail of {log} ---");
            try
            {
                using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                var all = new StreamReader(stream).ReadToEnd().Split('\n');
                foreach (var line in all.Skip(Math.Max(0, all.Length - lines))) text.AppendLine(line);
            }
            catch (IOException e)
            {
                text.AppendLine($"(cannot read: {e.Message})");
            }
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        var nodePids = Manifest?.Nodes.Select(n => n.ProcessId).OfType<int>().ToArray() ?? [];
        if (_process is not null && !_process.HasExited)
        {
            kill(_process.Id, 15);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }
        NodeProcess[] started;
        lock (_started) started = _started.ToArray();
        // In parallel: each gets the same grace period, not a share of one.
        await Task.WhenAll(started.Select(async node => await node.DisposeAsync()));
        // Nodes the devnet lost track of must not outlive the test (checked against pid reuse).
        foreach (var pid in nodePids)
            if (IsOpenLedgerProcess(pid)) kill(pid, 9);
        _process?.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying process; the temp directory is cleaned by the OS eventually.
        }
    }

    private static bool IsOpenLedgerProcess(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state is not ("Z" or "X") && File.ReadAllText($"/proc/{pid}/cmdline").Contains("openledger", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
