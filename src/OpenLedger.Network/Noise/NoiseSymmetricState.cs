using System.Security.Cryptography;

namespace OpenLedger.Network.Noise;

/// <summary>Noise SymmetricState (chaining key, handshake hash, optional cipher) for SHA-256.</summary>
internal sealed class NoiseSymmetricState : IDisposable
{
    private byte[] _chainingKey;
    private byte[] _hash;
    private NoiseCipherState? _cipher;

    public NoiseSymmetricState(string protocolName)
    {
        byte[] name = System.Text.Encoding.ASCII.GetBytes(protocolName);
        if (name.Length <= 32)
        {
            _hash = new byte[32];
            name.CopyTo(_hash, 0);
        }
        else
        {
            _hash = SHA256.HashData(name);
        }
        _chainingKey = (byte[])_hash.Clone();
    }

    public byte[] Hash => _hash;

    public void MixHash(ReadOnlySpan<byte> data)
    {
        var buffer = new byte[_hash.Length + data.Length];
        _hash.CopyTo(buffer, 0);
        data.CopyTo(buffer.AsSpan(_hash.Length));
        _hash = SHA256.HashData(buffer);
    }

    public void MixKey(ReadOnlySpan<byte> inputKeyMaterial)
    {
        var (ck, key) = Hkdf(_chainingKey, inputKeyMaterial);
        _chainingKey = ck;
        _cipher?.Dispose();
        _cipher = new NoiseCipherState(key);
    }

    public byte[] EncryptAndHash(ReadOnlySpan<byte> plaintext)
    {
        byte[] output = _cipher is null ? plaintext.ToArray() : _cipher.Encrypt(_hash, plaintext);
        MixHash(output);
        return output;
    }

    public byte[] DecryptAndHash(ReadOnlySpan<byte> ciphertext)
    {
        byte[] output = _cipher is null ? ciphertext.ToArray() : _cipher.Decrypt(_hash, ciphertext);
        MixHash(ciphertext);
        return output;
    }

    public bool HasKey => _cipher is not null;

    /// <summary>Returns the two transport cipher states (initiator-to-responder first).</summary>
    public (NoiseCipherState First, NoiseCipherState Second) Split()
    {
        var (k1, k2) = Hkdf(_chainingKey, ReadOnlySpan<byte>.Empty);
        return (new NoiseCipherState(k1), new NoiseCipherState(k2));
    }

    private static (byte[], byte[]) Hkdf(byte[] chainingKey, ReadOnlySpan<byte> inputKeyMaterial)
    {
        byte[] tempKey = HMACSHA256.HashData(chainingKey, inputKeyMaterial);
        byte[] output1 = HMACSHA256.HashData(tempKey, new byte[] { 0x01 });
        var input2 = new byte[33];
        output1.CopyTo(input2, 0);
        input2[32] = 0x02;
        byte[] output2 = HMACSHA256.HashData(tempKey, input2);
        return (output1, output2);
    }

    public void Dispose() => _cipher?.Dispose();
}
