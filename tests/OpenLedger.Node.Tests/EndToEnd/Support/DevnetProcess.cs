using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using OpenLedger.Node.Devnet;
using OpenLedger.Node.Tests.Support;

namespace OpenLedger.Node.Tests.EndToEnd.Support;

/// <summary>
/// A real `openledger devnet --validators 1` child process in its own temporary home, started the way a user
/// starts it. The devnet picks free loopback ports itself and writes devnet.json once its node serves
/// JSON-RPC at block 1 or later; <see cref="StartAsync"/> waits for that (bounded) and for the node's
/// endpoints.json. Disposal sends SIGTERM, waits, kills what is left and deletes the home.
/// </summary>
public sealed class DevnetProcess : IAsyncDisposable
{
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90); // the devnet itself gives its nodes 90 s

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly bool _deleteHome;

    private DevnetProcess(string home, Process process, bool deleteHome)
    {
        Home = home;
        _process = process;
        _deleteHome = deleteHome;
    }

    public string Home { get; }

    public DevnetManifest Manifest { get; private set; } = null!;

    public DevnetNode Node0 => Manifest.Nodes[0];

    public string NodeHome => Node0.Home;

    public string JsonRpcUrl => Node0.JsonRpc;

    public string GrpcUrl => Node0.Grpc;

    public int DevnetProcessId => _process.Id;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static async Task<DevnetProcess> StartAsync(int accounts, string? home = null, string? genesisFile = null)
    {
        var deleteHome = home is null;
        home ??= Path.Combine(Path.GetTempPath(), "ol-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { ProcessRunner.OpenLedgerDll, "devnet", "--validators", "1", "--home", home, "--accounts", accounts.ToString() })
            info.ArgumentList.Add(arg);
        if (genesisFile is not null)
        {
            info.ArgumentList.Add("--genesis");
            info.ArgumentList.Add(genesisFile);
        }
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        var process = new Process { StartInfo = info };
        var devnet = new DevnetProcess(home, process, deleteHome);
        process.OutputDataReceived += (_, e) => devnet.Append(e.Data);
        process.ErrorDataReceived += (_, e) => devnet.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await devnet.WaitUntilReadyAsync();
            return devnet;
        }
        catch
        {
            await devnet.DisposeAsync();
            throw;
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private async Task WaitUntilReadyAsync()
    {
        var manifestPath = Path.Combine(Home, "devnet.json");
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the devnet exited with code {_process.ExitCode} before it was ready\n{Diagnostics()}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the devnet was not ready within {ReadyTimeout.TotalSeconds:F0} s\n{Diagnostics()}");
            // devnet.json is written once before the nodes start and again with their pids: wait for the pids, the
            // node's endpoints.json, and a JSON-RPC answer at block 1 or later (what the devnet itself waits for).
            if (File.Exists(manifestPath))
            {
                try
                {
                    Manifest = DevnetManifest.Load(manifestPath);
                    if (Manifest.Nodes.All(n => n.ProcessId is not null) && File.Exists(Path.Combine(NodeHome, "endpoints.json")))
                    {
                        using var rpc = new JsonRpcClient(JsonRpcUrl);
                        if (await rpc.BlockNumberAsync() >= 1) return;
                    }
                }
                catch (Exception e) when (e is IOException or System.Text.Json.JsonException or HttpRequestException or TaskCanceledException)
                {
                    // Caught mid-write, or the node is not listening yet; try again on the next round.
                }
            }
            await Task.Delay(200);
        }
    }

    /// <summary>The node's process id as the node itself wrote it to HOME/endpoints.json.</summary>
    public int NodeProcessId()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(NodeHome, "endpoints.json")));
        return doc.RootElement.GetProperty("processId").GetInt32();
    }

    /// <summary>The devnet's own output and the last lines of the node's log, for assertion messages.</summary>
    public string Diagnostics(int lines = 40)
    {
        var text = new StringBuilder();
        text.AppendLine("--- devnet output ---").AppendLine(Output);
        var log = Manifest is null ? Path.Combine(Home, "node0", "node.log") : Path.Combine(NodeHome, "node.log");
        text.AppendLine($"--- tail of {log} ---");
        if (File.Exists(log))
        {
            try
            {
                using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                var all = reader.ReadToEnd().Split('\n');
                foreach (var line in all.Skip(Math.Max(0, all.Length - lines))) text.AppendLine(line);
            }
            catch (IOException e)
            {
                text.AppendLine($"(cannot read: {e.Message})");
            }
        }
        return text.ToString();
    }

    /// <summary>SIGKILL: no chance to flush or close anything (the crash-safety scenario).</summary>
    public static void Kill9(int pid) => SendSignal(pid, 9);

    public static void SendSignal(int pid, int signal)
    {
        if (kill(pid, signal) != 0 && Marshal.GetLastPInvokeError() != 3 /* ESRCH: already gone */)
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}");
    }

    public static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return false;
        try
        {
            var text = File.ReadAllText(stat);
            var state = text[(text.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && state != "X";
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Waits until the devnet process has exited (e.g. after SIGKILL), bounded.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        var nodePid = Manifest?.Nodes[0].ProcessId;
        if (!_process.HasExited)
        {
            SendSignal(_process.Id, 15);
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
        // The devnet stops its node on SIGTERM; a node it lost track of (or a crashed devnet) must not outlive the test.
        if (nodePid is { } pid && IsAlive(pid) && IsOpenLedgerProcess(pid)) Kill9(pid);
        _process.Dispose();
        if (_deleteHome)
        {
            try
            {
                Directory.Delete(Home, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by a dying process; the temp directory is cleaned by the OS eventually.
            }
        }
    }

    /// <summary>Guards against pid reuse: only signal a process that runs openledger.dll.</summary>
    public static bool IsOpenLedgerProcess(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("openledger", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
