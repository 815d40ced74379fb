using OpenLedger.Core.Types;

namespace OpenLedger.Rpc.JsonRpc;

/// <summary>A block parameter: a tag ("latest", "pending", "safe", "finalized", "earliest"), a number or a hash (EIP-1898).</summary>
public readonly record struct BlockSpec(BlockSpecKind Kind, ulong Number = 0, Hash256 Hash = default)
{
    public static readonly BlockSpec Latest = new(BlockSpecKind.Latest);

    public override string ToString() => Kind switch
    {
        BlockSpecKind.Number => Core.Encoding.Hex.EncodeQuantity(Number),
        BlockSpecKind.Hash => Hash.ToString(),
        _ => Kind.ToString().ToLowerInvariant(),
    };
}

public enum BlockSpecKind
{
    Latest,
    Pending,
    Safe,
    Finalized,
    Earliest,
    Number,
    Hash,
}
