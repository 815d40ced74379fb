using System.Collections;
using OpenLedger.Core.Transactions;
using OpenLedger.Rpc.Backend;

namespace OpenLedger.Node.Rpc;

/// <summary>
/// A block's transactions as RPC shows them, each built on first access: every committed block goes to every block
/// subscriber, and most subscribers only read the hashes.
/// </summary>
public sealed class LazyChainTransactions(IReadOnlyList<Transaction> transactions, Func<Transaction, ChainTransaction> build)
    : IReadOnlyList<ChainTransaction>
{
    private readonly ChainTransaction?[] _built = new ChainTransaction?[transactions.Count];

    public int Count => transactions.Count;

    // Two readers racing on one index build equal objects; either may be kept.
    public ChainTransaction this[int index] =>
        _built[index] ??= build(transactions[index]);

    public IEnumerator<ChainTransaction> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
