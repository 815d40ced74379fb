using System.Security.Cryptography;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Crypto;

/// <summary>
/// A secp256k1 private key with its public key and address. The secret never appears in
/// <see cref="ToString"/>; read it deliberately through <see cref="ToHex"/> or <see cref="CopyTo"/>.
/// </summary>
public sealed class PrivateKey
{
    public const int Length = 32;

    private readonly byte[] _secret;
    private readonly Lazy<byte[]> _publicKey;
    private readonly Lazy<Address> _address;

    public PrivateKey(ReadOnlySpan<byte> secret)
    {
        if (secret.Length != Length)
            throw new ArgumentException($"a private key is {Length} bytes, got {secret.Length}", nameof(secret));
        if (!Secp256k1Curve.IsValidScalar(secret))
            throw new ArgumentException("a private key must be an integer in [1, secp256k1n-1]", nameof(secret));
        _secret = secret.ToArray();
        _publicKey = new Lazy<byte[]>(() => Secp256k1.GetPublicKey(_secret));
        _address = new Lazy<Address>(() => Types.Address.FromPublicKey(_publicKey.Value));
    }

    /// <summary>A fresh key from the operating system's CSPRNG.</summary>
    public static PrivateKey Generate()
    {
        Span<byte> secret = stackalloc byte[Length];
        try
        {
            // Rejection sampling: out-of-range draws (probability ~2^-128) are simply redrawn.
            do RandomNumberGenerator.Fill(secret);
            while (!Secp256k1Curve.IsValidScalar(secret));
            return new PrivateKey(secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Parses 64 hex digits, with or without 0x.</summary>
    public static PrivateKey FromHex(string hex)
    {
        if (!Hex.TryDecode(hex?.Trim(), out var bytes, out var error))
            throw new FormatException($"private key is not valid hex: {error}");
        try
        {
            if (bytes.Length != Length) throw new FormatException($"a private key is {Length} bytes (64 hex digits), got {bytes.Length}");
            if (!Secp256k1Curve.IsValidScalar(bytes)) throw new FormatException("a private key must be an integer in [1, secp256k1n-1]");
            return new PrivateKey(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>The 65-byte uncompressed public key 0x04 || X || Y (a copy).</summary>
    public byte[] PublicKey => (byte[])_publicKey.Value.Clone();

    public Address Address => _address.Value;

    public Signature Sign(Hash256 digest) => Secp256k1.Sign(digest, _secret);

    public Signature Sign(Hash256 digest, ISecp256k1 backend) => backend.Sign(digest, _secret);

    /// <summary>The secret as 0x-prefixed hex, for key files and the wallet CLI.</summary>
    public string ToHex() => Hex.Encode(_secret);

    public void CopyTo(Span<byte> destination) => _secret.CopyTo(destination);

    public override string ToString() => $"PrivateKey({Address})";
}
