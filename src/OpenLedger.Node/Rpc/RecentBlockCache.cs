using OpenLedger.Core.Types;

namespace OpenLedger.Node.Rpc;

/// <summary>
/// The decoded form of the last few blocks asked about (their transactions, or their receipt lists), keyed by block
/// hash. Wallets and relayers ask for the transaction and the receipt of every transaction of the same few recent
/// blocks; decoding a 2,000-transaction block per eth_getTransactionReceipt or eth_getTransactionByHash made that
/// quadratic in the block size (20,000 receipt look-ups took over a minute). Committed blocks never change.
/// </summary>
public sealed class RecentBlockCache<T>(Func<Hash256, T?> load, int capacity = 8) where T : class
{
    private readonly Lock _lock = new();
    private readonly LinkedList<(Hash256 Block, T Value)> _recent = new();

    public T? Get(Hash256 blockHash)
    {
        lock (_lock)
        {
            for (var node = _recent.First; node is not null; node = node.Next)
            {
                if (node.Value.Block != blockHash) continue;
                _recent.Remove(node);
                _recent.AddFirst(node);
                return node.Value.Value;
            }
        }
        if (load(blockHash) is not { } value) return null;
        lock (_lock)
        {
            _recent.AddFirst((blockHash, value));
            while (_recent.Count > capacity) _recent.RemoveLast();
        }
        return value;
    }
}
