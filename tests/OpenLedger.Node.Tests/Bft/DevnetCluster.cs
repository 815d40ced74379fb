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
/// A real `openledger devnet --validators N` child process in a temporary home. Disposal sends SIGTERM to the
/// devnet (which stops its nodes), kills whatever is left of the devnet and of the node processes listed in
/// devnet.json, and deletes the home.
/// </summary>
public sealed class DevnetCluster : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly List<(Process Process, StreamWriter Log)> _restarted = new();
    private int _rpcId;

    private DevnetCluster(string home, Process process)
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
        foreach (var arg in new[] { ProcessRunner.OpenLedgerDll, "devnet", "--validators", validators.ToString(CultureInfo.InvariantCulture), "--home", home, "--accounts", accounts.ToString(CultureInfo.InvariantCulture) })
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
            await cluster.WaitUntilRunningAsync(validators, readyTimeout);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
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
            if (_process.HasExited) throw new InvalidOperationException($"the devnet exited with code {_process.ExitCode}\n{Diagnostics()}");
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
        if (_process.HasExited) return;
        kill(_process.Id, 15);
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>Starts `openledger node --home` for one devnet node; the process is killed on disposal at the latest.</summary>
    public Process StartNode(int node)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { ProcessRunner.OpenLedgerDll, "node", "--home", Manifest.Nodes[node].Home }) info.ArgumentList.Add(arg);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = new Process { StartInfo = info };
        var log = Path.Combine(Manifest.Nodes[node].Home, "restart.log");
        var writer = new StreamWriter(log, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => WriteLine(writer, e.Data);
        process.ErrorDataReceived += (_, e) => WriteLine(writer, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_restarted) _restarted.Add((process, writer));
        return process;
    }

    private static void WriteLine(StreamWriter writer, string? line)
    {
        if (line is null) return;
        lock (writer)
        {
            try
            {
                writer.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // Output that arrives while the test tears the node down.
            }
        }
    }

    public string RestartLog(int node)
    {
        var log = Path.Combine(Manifest.Nodes[node].Home, "restart.log");
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    public async Task<JsonElement> CallAsync(int node, string method, params object?[] parameters)
    {
        var request = new { jsonrpc = "2.0", id = Interlocked.Increment(ref _rpcId), method, @params = parameters };
        using var response = await _http.PostAsJsonAsync(Manifest.Nodes[node].JsonRpc, request);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (json.TryGetProperty("error", out var error))
            throw new InvalidOperationException($"{Manifest.Nodes[node].Name} {method}: {error}");
        return json.GetProperty("result").Clone();
    }

    public async Task<ulong> BlockNumberAsync(int node) => ParseQuantity((await CallAsync(node, "eth_blockNumber")).GetString()!);

    public static ulong ParseQuantity(string hex) => ulong.Parse(hex.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public static string Hex(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>The devnet's output and the tail of every node's log, for assertion messages.</summary>
    public string Diagnostics(int lines = 25)
    {
        var text = new StringBuilder().AppendLine("--- devnet output ---").AppendLine(Output);
        foreach (var dir in Directory.Exists(Home) ? Directory.GetDirectories(Home, "node*").Order().ToArray() : [])
        {
            var log = Path.Combine(dir, "node.log");
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
        if (!_process.HasExited)
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
        foreach (var (node, log) in _restarted)
        {
            if (!node.HasExited)
            {
                kill(node.Id, 15);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    await node.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    node.Kill(entireProcessTree: true);
                }
            }
            node.Dispose();
            lock (log) log.Dispose();
        }
        // Nodes the devnet lost track of must not outlive the test (checked against pid reuse).
        foreach (var pid in nodePids)
            if (IsOpenLedgerProcess(pid)) kill(pid, 9);
        _process.Dispose();
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
