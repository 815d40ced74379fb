using System.Security.Cryptography;
using OpenLedger.Network.Encoding;

namespace OpenLedger.Network.Identity;

/// <summary>
/// A libp2p peer id: the multihash of the protobuf PublicKey. Keys whose encoding is at most 42 bytes
/// (Ed25519) use the identity multihash, so the key can be recovered from the id; others use SHA2-256.
/// Printed in base58btc ("12D3KooW…" for Ed25519).
/// </summary>
public sealed class PeerId : IEquatable<PeerId>
{
    private const byte IdentityCode = 0x00;
    private const byte Sha256Code = 0x12;
    private const int MaxInlineKeyLength = 42;
    private readonly string _text;

    private PeerId(byte[] multihash)
    {
        Bytes = multihash;
        _text = Base58.Encode(multihash);
    }

    /// <summary>The multihash bytes (what goes on the wire in /p2p/ and gossipsub "from").</summary>
    public byte[] Bytes { get; }

    public static PeerId FromPublicKey(Ed25519PublicKey key)
    {
        byte[] encoded = key.ToProtobuf();
        var multihash = new byte[2 + encoded.Length];
        multihash[0] = IdentityCode;
        multihash[1] = (byte)encoded.Length;
        encoded.CopyTo(multihash, 2);
        return new PeerId(multihash);
    }

    /// <summary>Parses multihash bytes (identity or sha2-256).</summary>
    public static PeerId FromBytes(ReadOnlySpan<byte> multihash)
    {
        if (multihash.Length < 2)
            throw new FormatException("peer id multihash is shorter than its 2-byte header");
        byte code = multihash[0];
        int length = multihash[1];
        if (multihash.Length != 2 + length)
            throw new FormatException($"peer id multihash declares {length} digest bytes but carries {multihash.Length - 2}");
        if (code == IdentityCode)
        {
            if (length > MaxInlineKeyLength) throw new FormatException("identity multihash peer id is longer than 42 bytes");
        }
        else if (code == Sha256Code)
        {
            if (length != 32) throw new FormatException("sha2-256 peer id must carry a 32-byte digest");
        }
        else
        {
            throw new FormatException($"peer id uses unsupported multihash code 0x{code:x2}");
        }
        return new PeerId(multihash.ToArray());
    }

    public static PeerId Parse(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        return FromBytes(Base58.Decode(text));
    }

    public static bool TryParse(string text, out PeerId? peerId)
    {
        try { peerId = Parse(text); return true; }
        catch (FormatException) { peerId = null; return false; }
    }

    /// <summary>The public key inlined in an identity-multihash id, or null for hashed ids.</summary>
    public Ed25519PublicKey? TryGetPublicKey()
    {
        if (Bytes[0] != IdentityCode) return null;
        try { return Ed25519PublicKey.FromProtobuf(Bytes.AsSpan(2)); }
        catch (FormatException) { return null; }
    }

    /// <summary>True when this id is the id of <paramref name="key"/>.</summary>
    public bool Matches(Ed25519PublicKey key)
    {
        if (Bytes[0] == IdentityCode) return Equals(FromPublicKey(key));
        byte[] digest = SHA256.HashData(key.ToProtobuf());
        return Bytes.AsSpan(2).SequenceEqual(digest);
    }

    public bool Equals(PeerId? other) => other is not null && _text == other._text;

    public override bool Equals(object? obj) => Equals(obj as PeerId);

    public override int GetHashCode() => _text.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => _text;

    public static bool operator ==(PeerId? left, PeerId? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(PeerId? left, PeerId? right) => !(left == right);
}
