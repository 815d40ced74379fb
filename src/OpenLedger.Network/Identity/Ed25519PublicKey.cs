namespace OpenLedger.Network.Identity;

/// <summary>An Ed25519 public key and its libp2p protobuf PublicKey encoding (08 01 12 20 || key).</summary>
public sealed class Ed25519PublicKey : IEquatable<Ed25519PublicKey>
{
    public const int Length = 32;

    public Ed25519PublicKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != Length)
            throw new ArgumentException($"an Ed25519 public key is {Length} bytes, got {key.Length}", nameof(key));
        Bytes = key.ToArray();
    }

    public byte[] Bytes { get; }

    /// <summary>Checks a signature with the process's Ed25519 backend (<see cref="Ed25519Signatures"/>).</summary>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) => Ed25519Signatures.Backend.Verify(Bytes, message, signature);

    public byte[] ToProtobuf()
    {
        var result = new byte[4 + Length];
        result[0] = 0x08; result[1] = 0x01; result[2] = 0x12; result[3] = 0x20;
        Bytes.CopyTo(result, 4);
        return result;
    }

    /// <summary>Parses a libp2p protobuf PublicKey; only Ed25519 keys are accepted.</summary>
    /// <exception cref="FormatException">Not a canonical Ed25519 PublicKey encoding.</exception>
    public static Ed25519PublicKey FromProtobuf(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != 36 || encoded[0] != 0x08 || encoded[2] != 0x12 || encoded[3] != 0x20)
            throw new FormatException("public key is not a libp2p protobuf Ed25519 key (expected 36 bytes: 08 01 12 20 || key)");
        if (encoded[1] != 0x01)
            throw new FormatException($"unsupported libp2p key type {encoded[1]}; only Ed25519 (1) is accepted");
        return new Ed25519PublicKey(encoded[4..]);
    }

    public bool Equals(Ed25519PublicKey? other) => other is not null && Bytes.AsSpan().SequenceEqual(other.Bytes);

    public override bool Equals(object? obj) => Equals(obj as Ed25519PublicKey);

    public override int GetHashCode() => BitConverter.ToInt32(Bytes, 0);
}
