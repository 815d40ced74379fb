using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Node.Network;

/// <summary>
/// What a node says about itself on <c>/openledger/&lt;chainId&gt;/status/1</c>:
/// <c>RLP[protocolVersion, chainId, genesisHash, headHeight, headHash]</c>.
/// </summary>
public sealed record StatusMessage(ulong ProtocolVersion, ulong ChainId, Hash256 GenesisHash, ulong HeadHeight, Hash256 HeadHash)
{
    /// <summary>Version of the chain's own protocols (status, blocks, topics); peers on another version are incompatible.</summary>
    public const ulong CurrentProtocolVersion = 1;

    public byte[] Encode()
    {
        var writer = new RlpWriter(128);
        var start = writer.BeginList();
        writer.WriteUInt64(ProtocolVersion);
        writer.WriteUInt64(ChainId);
        writer.WriteBytes(GenesisHash.Bytes);
        writer.WriteUInt64(HeadHeight);
        writer.WriteBytes(HeadHash.Bytes);
        writer.EndList(start);
        return writer.ToArray();
    }

    /// <exception cref="RlpException">Not a well-formed status message.</exception>
    public static StatusMessage Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        var list = reader.ReadList();
        var version = list.ReadUInt64("protocol version");
        var chainId = list.ReadUInt64("chain id");
        var genesis = new Hash256(list.ReadBytes(Hash256.Length, "genesis hash"));
        var height = list.ReadUInt64("head height");
        var head = new Hash256(list.ReadBytes(Hash256.Length, "head hash"));
        list.EnsureEnd("status message");
        reader.EnsureEnd("status message");
        return new StatusMessage(version, chainId, genesis, height, head);
    }

    /// <summary>Why a peer with status <paramref name="theirs"/> cannot share our chain, or null when it can.</summary>
    public string? IncompatibilityWith(StatusMessage theirs)
    {
        if (theirs.ChainId != ChainId) return $"it is on chain {theirs.ChainId}, we are on chain {ChainId}";
        if (theirs.GenesisHash != GenesisHash) return $"its genesis is {theirs.GenesisHash}, ours is {GenesisHash}";
        if (theirs.ProtocolVersion != ProtocolVersion) return $"it speaks chain protocol version {theirs.ProtocolVersion}, we speak {ProtocolVersion}";
        return null;
    }
}
