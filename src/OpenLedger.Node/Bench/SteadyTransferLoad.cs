using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;
using OpenLedger.Node.Cli;
using OpenLedger.Rpc.V1;

namespace OpenLedger.Node.Bench;

/// <summary>
/// Transfers from fresh senders at a steady rate for a long time (soak, block sync setup): funds the senders once,
/// then every 100 ms signs and streams the transfers that are due (gRPC BroadcastStream, one stream per tick), and
/// follows SubscribeBlocks to count which of them were committed. Signing happens as it goes, so a 10-minute run
/// does not need millions of transfers signed up front.
/// </summary>
public sealed class SteadyTransferLoad(WalletClient client, PrivateKey funder, int senders, TextWriter progress) : IAsyncDisposable
{
    private static readonly Address Sink = new(Keccak256.HashToArray("openledger-bench-soak-sink"u8)[12..]);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly PrivateKey[] _keys = Enumerable.Range(0, senders).Select(_ => PrivateKey.Generate()).ToArray();
    private readonly ulong[] _nonces = new ulong[senders];
    private readonly ConcurrentDictionary<Hash256, long> _pending = new();
    private readonly ConcurrentBag<double> _latenciesMs = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private CancellationTokenSource? _watchCancel;
    private Task? _watcher;
    private BenchChain? _chain;
    private UInt128 _maxFee;
    private int _next;
    private long _committed;
    private long _blocks;

    public long Submitted { get; private set; }
    public long Rejected { get; private set; }
    public long Committed => Interlocked.Read(ref _committed);
    /// <summary>Blocks seen since <see cref="StartAsync"/>, with or without our transfers.</summary>
    public long Blocks => Interlocked.Read(ref _blocks);
    public int Outstanding => _pending.Count;
    public string? FirstRejection { get; private set; }

    /// <summary>Funds every sender for <paramref name="transfersPerSender"/> transfers and starts following blocks.</summary>
    public async Task StartAsync(long transfersPerSender, CancellationToken ct)
    {
        _chain = await BenchChain.ConnectAsync(client, ct);
        // Under capacity blocks are not full and the base fee only falls; the margin covers bursts above the target.
        _maxFee = 20 * _chain.BaseFee + BenchChain.Tip;
        var each = (UInt128)21_000 * _maxFee * (UInt128)transfersPerSender + Wei.PerOpen / 100;
        await BenchFunding.FundAsync(_chain, funder, _keys, _ => each, progress, ct);

        _watchCancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var subscription = client.Node.SubscribeBlocks(new SubscribeBlocksRequest(), cancellationToken: _watchCancel.Token);
        _watcher = Task.Run(() => WatchAsync(subscription, _watchCancel.Token), CancellationToken.None);
    }

    /// <summary>Sends <paramref name="ratePerSecond"/> transfers a second for <paramref name="duration"/>; calls <paramref name="everySecond"/> once a second.</summary>
    public async Task RunAsync(double ratePerSecond, TimeSpan duration, Func<TimeSpan, Task>? everySecond, CancellationToken ct)
    {
        var started = _clock.Elapsed;
        var sent = 0L;
        var nextReport = TimeSpan.FromSeconds(1);
        while (true)
        {
            var elapsed = _clock.Elapsed - started;
            if (elapsed >= duration) break;
            var due = (long)(elapsed.TotalSeconds * ratePerSecond) - sent;
            if (due > 0)
            {
                await SubmitAsync((int)Math.Min(due, 20_000), ct);
                sent += due;
            }
            if (elapsed >= nextReport)
            {
                nextReport += TimeSpan.FromSeconds(1);
                if (everySecond is not null) await everySecond(elapsed);
            }
            var wait = Tick - (_clock.Elapsed - started - elapsed);
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
        }
    }

    /// <summary>Submits <paramref name="count"/> transfers at once (a burst) and returns when the node has answered.</summary>
    public async Task SubmitAsync(int count, CancellationToken ct)
    {
        using var stream = client.Tx.BroadcastStream(cancellationToken: ct);
        for (var i = 0; i < count; i++)
        {
            var s = _next++ % _keys.Length;
            var tx = _chain!.Sign(_keys[s], _nonces[s]++, Sink, 1, [], 21_000, _maxFee);
            _pending[tx.Hash] = _clock.ElapsedTicks;
            await stream.RequestStream.WriteAsync(new BroadcastRequest { RawTransaction = ByteString.CopyFrom(tx.Encoded) }, ct);
        }
        await stream.RequestStream.CompleteAsync();
        var summary = await stream.ResponseAsync;
        Submitted += count;
        Rejected += (long)summary.Rejected;
        foreach (var rejection in summary.FirstRejections)
        {
            FirstRejection ??= $"{rejection.ErrorCode}: {rejection.ErrorMessage}";
            if (Hash256.TryParse(rejection.TransactionHash, out var hash, out _)) _pending.TryRemove(hash, out _);
        }
    }

    /// <summary>Waits until every accepted transfer is committed or <paramref name="timeout"/> passes; true when none is left.</summary>
    public async Task<bool> DrainAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = _clock.Elapsed + timeout;
        while (!_pending.IsEmpty && _clock.Elapsed < deadline) await Task.Delay(100, ct);
        return _pending.IsEmpty;
    }

    /// <summary>Latency percentiles (submit → the block holding the transfer arriving) of what was committed so far, in ms.</summary>
    public (double P50, double P99) Latency()
    {
        var sorted = _latenciesMs.OrderBy(x => x).ToArray();
        return (Math.Round(Percentiles.Of(sorted, 0.5), 1), Math.Round(Percentiles.Of(sorted, 0.99), 1));
    }

    private async Task WatchAsync(AsyncServerStreamingCall<OpenLedger.Rpc.V1.Block> subscription, CancellationToken ct)
    {
        using (subscription)
        {
            try
            {
                await foreach (var block in subscription.ResponseStream.ReadAllAsync(ct))
                {
                    var now = _clock.ElapsedTicks;
                    Interlocked.Increment(ref _blocks);
                    foreach (var text in block.TransactionHashes)
                    {
                        if (!Hash256.TryParse(text, out var hash, out _) || !_pending.TryRemove(hash, out var submitted)) continue;
                        Interlocked.Increment(ref _committed);
                        _latenciesMs.Add((now - submitted) * 1000.0 / Stopwatch.Frequency);
                    }
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
            {
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_watchCancel is null) return;
        await _watchCancel.CancelAsync();
        if (_watcher is not null) await _watcher;
        _watchCancel.Dispose();
    }
}
