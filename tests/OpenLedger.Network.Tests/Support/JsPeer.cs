using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace OpenLedger.Network.Tests.Support;

/// <summary>
/// A js-libp2p peer (tests/interop/libp2p/peer.mjs) in a child process, driven by JSON lines. Every wait is
/// bounded and the process tree is always killed on dispose.
/// </summary>
internal sealed class JsPeer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonObject> _events = Channel.CreateUnbounded<JsonObject>();
    private readonly List<JsonObject> _seen = [];
    private readonly System.Text.StringBuilder _stderr = new();
    private int _nextId;

    private JsPeer(Process process)
    {
        _process = process;
    }

    public string PeerId { get; private set; } = "";

    public string Address { get; private set; } = "";

    public static async Task<JsPeer> StartAsync(params string[] topics)
    {
        string root = RepositoryRoot.Find();
        string interop = Path.Combine(root, "tests", "interop");
        if (!Directory.Exists(Path.Combine(interop, "node_modules", "libp2p")))
            throw new InvalidOperationException($"js-libp2p is not installed in {interop}/node_modules: run ./scripts/setup.sh (or `cd tests/interop && npm ci`)");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = interop,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine("libp2p", "peer.mjs"));
        foreach (string topic in topics) { start.ArgumentList.Add("--topic"); start.ArgumentList.Add(topic); }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("`node` (Node.js 20) is not on PATH; run ./scripts/setup.sh", e);
        }
        var peer = new JsPeer(process);
        _ = Task.Run(peer.PumpStdoutAsync);
        _ = Task.Run(peer.PumpStderrAsync);
        var ready = await peer.WaitForAsync(e => (string?)e["event"] == "ready", TimeSpan.FromSeconds(30));
        peer.PeerId = (string)ready["peerId"]!;
        peer.Address = (string)ready["addrs"]![0]!;
        return peer;
    }

    private async Task PumpStdoutAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                JsonNode? node;
                try { node = JsonNode.Parse(line); }
                catch (JsonException) { continue; }
                if (node is JsonObject obj) await _events.Writer.WriteAsync(obj);
            }
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    private async Task PumpStderrAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
            lock (_stderr) if (_stderr.Length < 20_000) _stderr.AppendLine(line);
    }

    /// <summary>Returns the first event (already seen or future) matching the predicate.</summary>
    public async Task<JsonObject> WaitForAsync(Func<JsonObject, bool> predicate, TimeSpan timeout)
    {
        lock (_seen)
        {
            var earlier = _seen.FirstOrDefault(predicate);
            if (earlier is not null) return earlier;
        }
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var next = await _events.Reader.ReadAsync(cts.Token);
                lock (_seen) _seen.Add(next);
                if (predicate(next)) return next;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            string stderr;
            lock (_stderr) stderr = _stderr.ToString();
            throw new TimeoutException($"js peer: expected event not seen within {timeout.TotalSeconds} s. stderr:\n{stderr}");
        }
    }

    /// <summary>Events seen so far (drains what has arrived without waiting).</summary>
    public IReadOnlyList<JsonObject> Events()
    {
        lock (_seen)
        {
            while (_events.Reader.TryRead(out var next)) _seen.Add(next);
            return _seen.ToArray();
        }
    }

    public async Task<JsonObject> CommandAsync(JsonObject command, TimeSpan? timeout = null)
    {
        int id = Interlocked.Increment(ref _nextId);
        command["id"] = id;
        await _process.StandardInput.WriteLineAsync(command.ToJsonString());
        await _process.StandardInput.FlushAsync();
        var result = await WaitForAsync(e => (string?)e["event"] == "result" && (int?)e["id"] == id, timeout ?? TimeSpan.FromSeconds(15));
        if (result["ok"]?.GetValue<bool>() != true)
            throw new InvalidOperationException($"js peer command {command["cmd"]} failed: {result["error"]}");
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                try
                {
                    await _process.StandardInput.WriteLineAsync("{\"cmd\":\"stop\"}");
                    await _process.StandardInput.FlushAsync();
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(3));
                }
                catch (Exception e) when (e is IOException or TimeoutException or InvalidOperationException) { }
            }
        }
        finally
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }
}
