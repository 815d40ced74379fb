using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;

namespace OpenLedger.Rpc.Backend;

/// <summary>A committed block: its header and its transactions in block order.</summary>
public sealed record ChainBlock(BlockHeader Header, IReadOnlyList<ChainTransaction> Transactions, ulong SizeBytes)
{
    public Hash256 Hash => Header.Hash;

    public ulong Number => Header.Number;
}
