namespace OpenLedger.Network.Identity;

/// <summary>
/// Ed25519 (RFC 8032, pure) as the libp2p identity uses it: Noise handshake payloads and gossipsub StrictSign
/// envelopes. Implementations must be safe to call from many threads at once.
/// </summary>
public interface IEd25519
{
    /// <summary>E.g. "native (libsodium.so.23)" or "managed (BouncyCastle)".</summary>
    string Name { get; }

    /// <summary>The 32-byte public key of a 32-byte seed (the RFC 8032 private key).</summary>
    byte[] GetPublicKey(ReadOnlySpan<byte> seed);

    /// <summary>The 64-byte signature of <paramref name="message"/> by the key with this seed and public key.</summary>
    byte[] Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message);

    /// <summary>True when <paramref name="signature"/> (64 bytes) is a valid signature of <paramref name="message"/> by <paramref name="publicKey"/> (32 bytes).</summary>
    bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature);
}
