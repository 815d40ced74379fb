using System.Diagnostics;
using System.Text;
using System.Text.Json;
using OpenLedger.Node.Devnet;

namespace OpenLedger.Node.Bench;

/// <summary>
/// An `openledger node` process started by a benchmark (this same program), its output in a log file. Stopped with
/// SIGTERM like an operator would (killed if it does not exit in time) when disposed.
/// </summary>
public sealed class BenchNodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(3) };

    private BenchNodeProcess(Process process, StreamWriter log, string logPath, string jsonRpc)
    {
        _process = process;
        _log = log;
        LogPath = logPath;
        JsonRpc = jsonRpc;
    }

    public int Pid => _process.Id;
    public string LogPath { get; }
    public string JsonRpc { get; }
    public bool HasExited => _process.HasExited;

    /// <summary>Starts `openledger node` with <paramref name="arguments"/>; <paramref name="jsonRpc"/> is its JSON-RPC URL.</summary>
    public static BenchNodeProcess Start(IEnumerable<string> arguments, string logPath, string jsonRpc)
    {
        var (process, log) = NodeProcessLauncher.Start(arguments, logPath);
        return new BenchNodeProcess(process, log, logPath, jsonRpc);
    }

    /// <summary>The node's head height over JSON-RPC, or null while it does not answer.</summary>
    public async Task<ulong?> BlockNumberAsync(CancellationToken ct)
    {
        try
        {
            using var content = new StringContent("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}", Encoding.UTF8, "application/json");
            using var response = await _http.PostAsync(JsonRpc, content, ct);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            return Convert.ToUInt64(json.RootElement.GetProperty("result").GetString(), 16);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            if (ct.IsCancellationRequested) throw;
            return null;
        }
    }

    /// <summary>Polls until the head reaches <paramref name="height"/>; calls <paramref name="onPoll"/> at every poll. Throws if the process exits or time runs out.</summary>
    public async Task WaitForHeightAsync(ulong height, TimeSpan timeout, TimeSpan pollEvery, Action<ulong?>? onPoll, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the node (pid {Pid}) exited with code {_process.ExitCode}; see {LogPath}");
            var head = await BlockNumberAsync(ct);
            onPoll?.Invoke(head);
            if (head >= height) return;
            if (deadline.Elapsed > timeout) throw new TimeoutException($"the node did not reach height {height} within {timeout.TotalSeconds:F0} s (at {head?.ToString() ?? "no answer"}); see {LogPath}");
            await Task.Delay(pollEvery, ct);
        }
    }

    /// <summary>SIGTERM, then a kill after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited) NodeProcessLauncher.SendSigterm(_process.Id);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(20));
        _process.Dispose();
        _http.Dispose();
        lock (_log) _log.Dispose();
    }
}
