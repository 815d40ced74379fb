using System.Collections.Concurrent;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;

namespace OpenLedger.Execution.Processing;

/// <summary>
/// Senders recovered from transaction signatures, keyed by transaction hash, shared by mempool admission and block
/// execution. Recovery (secp256k1 public-key recovery, tens of microseconds) is the most expensive step of handling
/// a transfer; a node sees the same transaction first at admission (RPC or gossip) and again inside a proposed or
/// synced block decoded into new objects, and with this cache recovers it once. The hash covers every signed field
/// and the signature, so a hash identifies the sender. Bounded: two generations of at most half the capacity each;
/// when the newer one fills, the older one is dropped (a dropped entry only costs a recovery later).
/// Thread-safe; <see cref="RecoverAll"/> spreads uncached recoveries over all cores.
/// </summary>
public sealed class SenderCache
{
    /// <summary>Below this many uncached transactions, recovering on the calling thread is cheaper than fanning out.</summary>
    private const int ParallelThreshold = 32;

    private readonly int _generationSize;
    private readonly object _rotateGate = new();
    private volatile ConcurrentDictionary<Hash256, Address> _current = new();
    private volatile ConcurrentDictionary<Hash256, Address> _previous = new();
    private int _currentCount; // ConcurrentDictionary.Count takes every lock; this is the cheap approximation
    private long _recoveries;
    private long _hits;

    public SenderCache(int capacity = 262_144)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        _generationSize = capacity / 2;
    }

    /// <summary>
    /// Lookups that missed the cache and went to the transaction's signature (each is a recovery unless that
    /// transaction object had already recovered its sender).
    /// </summary>
    public long Recoveries => Interlocked.Read(ref _recoveries);

    /// <summary>Lookups answered from the cache.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    public int Count => _current.Count + _previous.Count;

    /// <summary>The sender of <paramref name="tx"/> from the cache, or recovered from its signature and cached.</summary>
    public bool TryGetSender(Transaction tx, out Address sender, out string error)
    {
        if (_current.TryGetValue(tx.Hash, out sender) || _previous.TryGetValue(tx.Hash, out sender))
        {
            Interlocked.Increment(ref _hits);
            error = "";
            return true;
        }
        Interlocked.Increment(ref _recoveries);
        if (!tx.TryRecoverSender(out sender, out error)) return false;
        Store(tx.Hash, sender);
        return true;
    }

    /// <summary>
    /// Makes sure every transaction's sender is cached, recovering the missing ones in parallel on all cores.
    /// Invalid signatures are left out (the caller's own lookup reports them).
    /// </summary>
    public void RecoverAll(IReadOnlyList<Transaction> transactions)
    {
        List<Transaction>? missing = null;
        foreach (var tx in transactions)
            if (!_current.ContainsKey(tx.Hash) && !_previous.ContainsKey(tx.Hash)) (missing ??= []).Add(tx);
        if (missing is null) return;
        if (missing.Count < ParallelThreshold || Environment.ProcessorCount == 1)
        {
            foreach (var tx in missing) TryGetSender(tx, out _, out _);
            return;
        }
        var chunk = Math.Max(8, missing.Count / (Environment.ProcessorCount * 4));
        Parallel.ForEach(Partitioner.Create(0, missing.Count, chunk), range =>
        {
            for (var i = range.Item1; i < range.Item2; i++) TryGetSender(missing[i], out _, out _);
        });
    }

    private void Store(Hash256 hash, Address sender)
    {
        var current = _current;
        if (!current.TryAdd(hash, sender) || Interlocked.Increment(ref _currentCount) < _generationSize) return;
        lock (_rotateGate)
        {
            if (!ReferenceEquals(current, _current)) return;
            _previous = current;
            _current = new ConcurrentDictionary<Hash256, Address>();
            Interlocked.Exchange(ref _currentCount, 0);
        }
    }
}
