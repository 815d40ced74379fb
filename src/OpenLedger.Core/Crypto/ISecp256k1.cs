using OpenLedger.Core.Types;

namespace OpenLedger.Core.Crypto;

/// <summary>
/// Recoverable ECDSA over secp256k1, as Ethereum uses it. Implementations are thread-safe, sign
/// deterministically (RFC 6979, HMAC-SHA256) and always produce low-s signatures; recovery rejects
/// r or s outside [1, n-1], high-s (EIP-2) and recovery ids other than 0 and 1.
/// </summary>
public interface ISecp256k1
{
    /// <summary>"native (libsecp256k1 …)" or "managed (BouncyCastle)".</summary>
    string Name { get; }

    /// <summary>Signs a 32-byte digest; throws <see cref="ArgumentException"/> for an invalid private key.</summary>
    Signature Sign(Hash256 digest, ReadOnlySpan<byte> privateKey);

    /// <summary>Writes the 65-byte uncompressed public key (0x04 || X || Y) of the signer, or returns false.</summary>
    bool TryRecoverPublicKey(Hash256 digest, in Signature signature, Span<byte> publicKey65);

    /// <summary>The 65-byte uncompressed public key (0x04 || X || Y) of a private key.</summary>
    byte[] GetPublicKey(ReadOnlySpan<byte> privateKey);

    /// <summary>True for 32 bytes encoding an integer in [1, n-1].</summary>
    bool IsValidPrivateKey(ReadOnlySpan<byte> privateKey);
}
