using System.Buffers.Binary;
using System.Security.Cryptography;

namespace OpenLedger.Network.Noise;

/// <summary>Noise CipherState for ChaChaPoly: a key and a 64-bit counter nonce (4 zero bytes + little-endian n).</summary>
internal sealed class NoiseCipherState : IDisposable
{
    public const int TagLength = 16;
    private readonly ChaCha20Poly1305 _aead;
    private ulong _nonce;

    public NoiseCipherState(ReadOnlySpan<byte> key)
    {
        _aead = new ChaCha20Poly1305(key);
    }

    public byte[] Encrypt(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[plaintext.Length + TagLength];
        Encrypt(associatedData, plaintext, output);
        return output;
    }

    public void Encrypt(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> output)
    {
        Span<byte> nonce = stackalloc byte[12];
        NextNonce(nonce);
        _aead.Encrypt(nonce, plaintext, output[..plaintext.Length], output.Slice(plaintext.Length, TagLength), associatedData);
    }

    /// <exception cref="NoiseException">Authentication failed.</exception>
    public byte[] Decrypt(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertext)
    {
        var plaintext = new byte[Math.Max(0, ciphertext.Length - TagLength)];
        Decrypt(associatedData, ciphertext, plaintext);
        return plaintext;
    }

    /// <summary>
    /// Decrypts a frame where it lies: the plaintext overwrites the start of <paramref name="frame"/> (ciphertext then
    /// tag); returns its length. What a transport reading into one reused buffer needs: no array per frame.
    /// </summary>
    /// <exception cref="NoiseException">Authentication failed.</exception>
    public int DecryptInPlace(Span<byte> frame)
    {
        var length = Math.Max(0, frame.Length - TagLength);
        Decrypt(ReadOnlySpan<byte>.Empty, frame, frame[..length]);
        return length;
    }

    /// <summary>Ciphertext then tag into <paramref name="plaintext"/> (which may be the ciphertext's own start).</summary>
    private void Decrypt(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> plaintext)
    {
        if (ciphertextAndTag.Length < TagLength)
            throw new NoiseException($"noise ciphertext of {ciphertextAndTag.Length} bytes is shorter than the 16-byte tag");
        var length = ciphertextAndTag.Length - TagLength;
        Span<byte> nonce = stackalloc byte[12];
        NextNonce(nonce);
        try
        {
            _aead.Decrypt(nonce, ciphertextAndTag[..length], ciphertextAndTag[length..], plaintext, associatedData);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new NoiseException("noise frame failed authentication (corrupted or forged)", e);
        }
    }

    private void NextNonce(Span<byte> nonce)
    {
        if (_nonce == ulong.MaxValue) throw new NoiseException("noise nonce exhausted; the connection must be re-established");
        nonce[..4].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(nonce[4..], _nonce);
        _nonce++;
    }

    public void Dispose() => _aead.Dispose();
}
