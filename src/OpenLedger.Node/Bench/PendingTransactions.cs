using Transaction = OpenLedger.Core.Transactions.Transaction;

namespace OpenLedger.Node.Bench;

/// <summary>
/// The run's transactions that are not yet in a block, with the time each was sent. Hashes are formatted once, before
/// the clock starts, and sending records a timestamp by index: the bench shares the machine with the node it
/// measures, so its per-transaction work is kept to a lookup when a block arrives. Completing and forgetting may
/// race (the block watcher and the submitter's rejections); each transaction counts once.
/// </summary>
public sealed class PendingTransactions
{
    private readonly Dictionary<string, int> _indexByHash;
    private readonly long[] _sentAt;
    private readonly int[] _done;
    private int _remaining;

    public PendingTransactions(IReadOnlyList<Transaction> transactions)
    {
        _indexByHash = new Dictionary<string, int>(transactions.Count, StringComparer.Ordinal);
        for (var i = 0; i < transactions.Count; i++) _indexByHash.Add(transactions[i].Hash.ToString(), i);
        _sentAt = new long[transactions.Count];
        _done = new int[transactions.Count];
        _remaining = transactions.Count;
    }

    public int Remaining => Volatile.Read(ref _remaining);

    /// <summary>Transaction <paramref name="index"/> left (or, paced, was due) at this Stopwatch timestamp.</summary>
    public void Sent(int index, long timestamp) => Volatile.Write(ref _sentAt[index], timestamp);

    /// <summary>True, with its send time, the first time a pending transaction of this run is seen in a block.</summary>
    public bool TryComplete(string hash, out long sentAt)
    {
        sentAt = 0;
        if (!_indexByHash.TryGetValue(hash, out var index) || !MarkDone(index)) return false;
        sentAt = Volatile.Read(ref _sentAt[index]);
        return true;
    }

    /// <summary>Stops waiting for a transaction the node refused.</summary>
    public void Forget(string hash)
    {
        if (_indexByHash.TryGetValue(hash, out var index)) MarkDone(index);
    }

    private bool MarkDone(int index)
    {
        if (Interlocked.Exchange(ref _done[index], 1) != 0) return false;
        Interlocked.Decrement(ref _remaining);
        return true;
    }
}
