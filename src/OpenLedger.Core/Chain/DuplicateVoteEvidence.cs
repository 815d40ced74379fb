using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;

namespace OpenLedger.Core.Chain;

/// <summary>
/// Proof of a double sign: two votes by one validator for the same height, round and type but different
/// blocks. Verification (signatures, membership, age) is the consensus layer's job; the staking module slashes.
/// </summary>
public sealed record DuplicateVoteEvidence(Vote First, Vote Second)
{
    public bool IsWellFormed =>
        First.Validator == Second.Validator && First.Height == Second.Height && First.Round == Second.Round &&
        First.Type == Second.Type && First.BlockHash != Second.BlockHash;

    public byte[] Encode()
    {
        var writer = new RlpWriter(340);
        var start = writer.BeginList();
        First.Encode(writer);
        Second.Encode(writer);
        writer.EndList(start);
        return writer.ToArray();
    }

    public Types.Hash256 Hash => Keccak256.Hash(Encode());

    public static DuplicateVoteEvidence Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        var list = reader.ReadList();
        var first = Vote.Decode(ref list);
        var second = Vote.Decode(ref list);
        list.EnsureEnd("evidence");
        reader.EnsureEnd("evidence");
        return new DuplicateVoteEvidence(first, second);
    }
}
