using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;

namespace OpenLedger.Rpc.Backend;

/// <summary>A committed block: its header and its transactions in block order.</summary>
public sealed record ChainBlock(BlockHeader Header, IReadOnlyList<ChainTransaction> Transactions, ulong SizeBytes)
{
    private readonly IReadOnlyList<Hash256>? _transactionHashes;

    /// <summary>
    /// The transactions' hashes in block order. A backend can supply them so that hash-only readers (block
    /// subscriptions) never make it build <see cref="Transactions"/>.
    /// </summary>
    public IReadOnlyList<Hash256> TransactionHashes
    {
        get => _transactionHashes ?? Transactions.Select(t => t.Hash).ToArray();
        init => _transactionHashes = value;
    }

    /// <summary>The double-sign evidence the block carries.</summary>
    public IReadOnlyList<DuplicateVoteEvidence> Evidence { get; init; } = [];

    public Hash256 Hash => Header.Hash;

    public ulong Number => Header.Number;
}
