using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Chain;

/// <summary>
/// The certificate that a block is final: precommits for <see cref="BlockHash"/> at (height, round) from
/// validators holding more than 2/3 of the voting power. Each block carries its parent's commit.
/// Signatures are ordered by validator address so the encoding (and its hash) is canonical.
/// </summary>
public sealed record Commit
{
    public required ulong Height { get; init; }
    public required int Round { get; init; }
    public required Hash256 BlockHash { get; init; }
    public required IReadOnlyList<CommitSignature> Signatures { get; init; }

    /// <summary>The commit of "block 0" (genesis has no parent commit).</summary>
    public static Commit Empty { get; } = new() { Height = 0, Round = 0, BlockHash = Hash256.Zero, Signatures = [] };

    public Hash256 Hash => Keccak256.Hash(Encode());

    public void Encode(RlpWriter writer)
    {
        var start = writer.BeginList();
        writer.WriteUInt64(Height);
        writer.WriteUInt64((ulong)Round);
        writer.WriteBytes(BlockHash.Bytes);
        var sigs = writer.BeginList();
        foreach (var sig in Signatures)
        {
            var one = writer.BeginList();
            writer.WriteBytes(sig.Validator.Bytes);
            writer.WriteBytes(sig.Signature);
            writer.EndList(one);
        }
        writer.EndList(sigs);
        writer.EndList(start);
    }

    public byte[] Encode()
    {
        var writer = new RlpWriter(64 + Signatures.Count * 92);
        Encode(writer);
        return writer.ToArray();
    }

    public static Commit Decode(ref RlpReader reader)
    {
        var list = reader.ReadList();
        var height = list.ReadUInt64("commit height");
        var round = list.ReadUInt64("commit round");
        if (round > int.MaxValue) throw new RlpException("invalid commit: round out of range");
        var blockHash = new Hash256(list.ReadBytes(32, "commit block hash"));
        var sigsReader = list.ReadList();
        var sigs = new List<CommitSignature>();
        while (sigsReader.HasMore)
        {
            var one = sigsReader.ReadList();
            sigs.Add(new CommitSignature(new Address(one.ReadBytes(20, "commit validator")), one.ReadBytes(65, "commit signature").ToArray()));
            one.EnsureEnd("commit signature");
        }
        list.EnsureEnd("commit");
        return new Commit { Height = height, Round = (int)round, BlockHash = blockHash, Signatures = sigs };
    }

    public static Commit Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        var commit = Decode(ref reader);
        reader.EnsureEnd("commit");
        return commit;
    }
}
