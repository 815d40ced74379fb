using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Signing;

/// <summary>
/// The last message a validator signed: its (height, round, step), the digest and the signature. Signing
/// anything at or below this position is refused unless it is the very same digest, in which case the stored
/// signature is handed out again (a restarted node may rebuild a vote it already sent).
/// Stored as RLP [height, round, step, digest, signature].
/// </summary>
public sealed record LastSignState(ulong Height, int Round, RoundStep Step, Hash256 Digest, byte[] Signature)
{
    /// <summary>Orders positions by height, then round, then step.</summary>
    public static int Compare(ulong heightA, int roundA, RoundStep stepA, ulong heightB, int roundB, RoundStep stepB)
    {
        if (heightA != heightB) return heightA.CompareTo(heightB);
        if (roundA != roundB) return roundA.CompareTo(roundB);
        return ((byte)stepA).CompareTo((byte)stepB);
    }

    public byte[] Encode()
    {
        var writer = new RlpWriter(128);
        var start = writer.BeginList();
        writer.WriteUInt64(Height);
        writer.WriteUInt64((ulong)Round);
        writer.WriteUInt64((ulong)Step);
        writer.WriteBytes(Digest.Bytes);
        writer.WriteBytes(Signature);
        writer.EndList(start);
        return writer.ToArray();
    }

    public static LastSignState Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        var list = reader.ReadList();
        var height = list.ReadUInt64("signed height");
        var round = list.ReadUInt64("signed round");
        if (round > int.MaxValue) throw new RlpException("invalid signing state: round out of range");
        var step = list.ReadUInt64("signed step");
        if (step is < (ulong)RoundStep.Propose or > (ulong)RoundStep.Precommit)
            throw new RlpException($"invalid signing state: unknown step {step}");
        var digest = new Hash256(list.ReadBytes(32, "signed digest"));
        var signature = list.ReadBytes(65, "signature").ToArray();
        list.EnsureEnd("signing state");
        reader.EnsureEnd("signing state");
        return new LastSignState(height, (int)round, (RoundStep)step, digest, signature);
    }
}
