using System.Globalization;
using System.Text.Json;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;

namespace OpenLedger.Node.Tests.Bft;

/// <summary>
/// Continuous transaction load over JSON-RPC while validators crash and restart: one account sends transfers
/// with consecutive nonces, keeping up to <see cref="Window"/> of them uncommitted, to whichever validators the
/// test says are up (round robin). A transaction that is not committed within <see cref="ResendAfter"/> is sent
/// again, byte for byte (the node it went to may have died with it in its mempool). Every receipt is recorded
/// the first time it is seen, with the phase of the test it was seen in, so the test can check at the end that
/// none was lost or changed.
/// </summary>
public sealed class TransferLoad : IAsyncDisposable
{
    public const int Window = 16;
    public static readonly TimeSpan ResendAfter = TimeSpan.FromSeconds(2);
    public static readonly Address Recipient = Address.FromUInt64(0x10ad_0000UL);

    private readonly DevnetCluster _devnet;
    private readonly PrivateKey _sender;
    private readonly List<Transaction> _signed = new();
    private readonly Dictionary<ulong, DateTime> _lastSent = new();
    private readonly Dictionary<ulong, ObservedReceipt> _receipts = new();
    private readonly List<string> _unexpected = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private volatile int[] _live;
    private volatile bool _sending = true;
    private volatile string _phase = "all up";

    private TransferLoad(DevnetCluster devnet, PrivateKey sender, int[] live)
    {
        _devnet = devnet;
        _sender = sender;
        _live = live;
        _loop = Task.Run(LoopAsync);
    }

    public static TransferLoad Start(DevnetCluster devnet, PrivateKey sender, params int[] liveNodes) => new(devnet, sender, liveNodes);

    public Address Sender => _sender.Address;

    /// <summary>The validators the load may talk to; set it before killing one and after a restarted one answers.</summary>
    public IReadOnlyList<int> LiveNodes
    {
        get => _live;
        set => _live = value.ToArray();
    }

    /// <summary>A label stored with each receipt first seen from now on.</summary>
    public string Phase
    {
        get => _phase;
        set => _phase = value;
    }

    public int SentCount
    {
        get { lock (_signed) return _signed.Count; }
    }

    public int CommittedCount
    {
        get { lock (_receipts) return _receipts.Count; }
    }

    public IReadOnlyList<Transaction> Sent
    {
        get { lock (_signed) return _signed.ToArray(); }
    }

    public IReadOnlyDictionary<ulong, ObservedReceipt> Receipts
    {
        get { lock (_receipts) return new Dictionary<ulong, ObservedReceipt>(_receipts); }
    }

    /// <summary>Rejections other than the expected retryable ones ("already known", "nonce too low" for a committed resend, "syncing").</summary>
    public IReadOnlyList<string> UnexpectedRejections
    {
        get { lock (_unexpected) return _unexpected.ToArray(); }
    }

    /// <summary>No new nonces from now on; the ones sent are still resent until committed.</summary>
    public void StopSending() => _sending = false;

    /// <summary>Waits until every sent transaction has a receipt.</summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        StopSending();
        while (CommittedCount < SentCount)
        {
            ct.ThrowIfCancellationRequested();
            if (_loop.IsCompleted) await _loop;
            await Task.Delay(200, ct);
        }
    }

    private async Task LoopAsync()
    {
        var turn = 0;
        while (!_stop.IsCancellationRequested)
        {
            var live = _live;
            if (live.Length > 0)
            {
                var node = live[turn++ % live.Length];
                try
                {
                    await StepAsync(node);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or JsonException)
                {
                    // The node died under us, is restarting, or is too busy: the next step asks another one.
                }
            }
            try
            {
                await Task.Delay(150, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task StepAsync(int node)
    {
        var committed = DevnetCluster.ParseQuantity((await _devnet.CallAsync(node, "eth_getTransactionCount", Sender.ToString(), "latest")).GetString()!);
        for (var nonce = 0UL; nonce < committed; nonce++)
        {
            lock (_receipts) if (_receipts.ContainsKey(nonce)) continue;
            Transaction tx;
            lock (_signed)
            {
                if (nonce >= (ulong)_signed.Count) throw new InvalidOperationException($"account nonce {committed} is beyond the {_signed.Count} transactions sent");
                tx = _signed[(int)nonce];
            }
            var receipt = await _devnet.CallAsync(node, "eth_getTransactionReceipt", tx.Hash.ToString());
            if (receipt.ValueKind != JsonValueKind.Object) continue;
            var observed = new ObservedReceipt(
                nonce,
                receipt.GetProperty("blockHash").GetString()!,
                DevnetCluster.ParseQuantity(receipt.GetProperty("blockNumber").GetString()!),
                receipt.GetProperty("status").GetString()!,
                _phase);
            lock (_receipts) _receipts.TryAdd(nonce, observed);
        }

        var now = DateTime.UtcNow;
        var toSend = new List<Transaction>();
        lock (_signed)
        {
            for (var nonce = committed; nonce < (ulong)_signed.Count; nonce++)
                if (now - _lastSent[nonce] > ResendAfter) toSend.Add(_signed[(int)nonce]);
            while (_sending && (ulong)_signed.Count < committed + Window)
            {
                var tx = Sign((ulong)_signed.Count);
                _signed.Add(tx);
                _lastSent[tx.Nonce] = DateTime.MinValue;
                toSend.Add(tx);
            }
        }
        foreach (var tx in toSend)
        {
            lock (_signed) _lastSent[tx.Nonce] = now;
            try
            {
                await _devnet.CallAsync(node, "eth_sendRawTransaction", "0x" + Convert.ToHexString(tx.Encoded).ToLowerInvariant());
            }
            catch (InvalidOperationException e) when (IsExpectedRejection(e.Message))
            {
            }
            catch (InvalidOperationException e)
            {
                lock (_unexpected) _unexpected.Add($"nonce {tx.Nonce}: {e.Message}");
            }
        }
    }

    private static bool IsExpectedRejection(string message) =>
        message.Contains("already known", StringComparison.Ordinal) || message.Contains("nonce too low", StringComparison.Ordinal)
                                                                     || message.Contains("syncing", StringComparison.Ordinal);

    private Transaction Sign(ulong nonce) => TransactionSigner.Sign(new UnsignedTransaction
    {
        Type = TxType.DynamicFee,
        ChainId = _devnet.Manifest.ChainId,
        Nonce = nonce,
        MaxPriorityFeePerGas = 1_000_000_000,
        MaxFeePerGas = 50_000_000_000,
        GasLimit = 21_000,
        To = Recipient,
        Value = nonce + 1,
    }, _sender);

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync();
        await _loop;
    }
}

/// <summary>A receipt as the load first saw it, and in which phase of the test.</summary>
public sealed record ObservedReceipt(ulong Nonce, string BlockHash, ulong BlockNumber, string Status, string Phase)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"nonce {Nonce} in block {BlockNumber} {BlockHash} (status {Status}, seen {Phase})");
}
