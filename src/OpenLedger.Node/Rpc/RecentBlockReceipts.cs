using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;

namespace OpenLedger.Node.Rpc;

/// <summary>
/// The decoded receipt lists of the last few blocks asked about, with each receipt's first log index. Wallets and
/// relayers ask for the receipt of every transaction of the same few recent blocks; decoding a 2,000-receipt block
/// per eth_getTransactionReceipt made that quadratic in the block size (20,000 look-ups took over a minute).
/// Committed receipts never change, and the key is the block hash.
/// </summary>
public sealed class RecentBlockReceipts(Func<Hash256, IReadOnlyList<TransactionReceipt>?> load, int capacity = 8)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<(Hash256 Block, Entry Receipts)> _recent = new();

    public sealed record Entry(IReadOnlyList<TransactionReceipt> Receipts, int[] FirstLogIndex);

    public Entry? Get(Hash256 blockHash)
    {
        lock (_lock)
        {
            for (var node = _recent.First; node is not null; node = node.Next)
            {
                if (node.Value.Block != blockHash) continue;
                _recent.Remove(node);
                _recent.AddFirst(node);
                return node.Value.Receipts;
            }
        }
        if (load(blockHash) is not { } receipts) return null;
        var firstLog = new int[receipts.Count];
        for (int i = 0, logs = 0; i < receipts.Count; logs += receipts[i].Logs.Count, i++) firstLog[i] = logs;
        var entry = new Entry(receipts, firstLog);
        lock (_lock)
        {
            _recent.AddFirst((blockHash, entry));
            while (_recent.Count > capacity) _recent.RemoveLast();
        }
        return entry;
    }
}
