using Org.BouncyCastle.Math.EC.Rfc8032;

namespace OpenLedger.Network.Identity;

/// <summary>Ed25519 in managed code (BouncyCastle): the fallback where libsodium is not installed.</summary>
public sealed class ManagedEd25519 : IEd25519
{
    public string Name => "managed (BouncyCastle)";

    public byte[] GetPublicKey(ReadOnlySpan<byte> seed)
    {
        var publicKey = new byte[Ed25519.PublicKeySize];
        Ed25519.GeneratePublicKey(seed.ToArray(), 0, publicKey, 0);
        return publicKey;
    }

    public byte[] Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message)
    {
        var signature = new byte[Ed25519.SignatureSize];
        byte[] data = message.ToArray();
        Ed25519.Sign(seed.ToArray(), 0, data, 0, data.Length, signature, 0);
        return signature;
    }

    public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != Ed25519.SignatureSize || publicKey.Length != Ed25519.PublicKeySize) return false;
        byte[] data = message.ToArray();
        try
        {
            return Ed25519.Verify(signature.ToArray(), 0, publicKey.ToArray(), 0, data, 0, data.Length);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
