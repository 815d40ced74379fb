using System.Buffers.Binary;
using System.Security.Cryptography;
using OpenLedger.Network.Identity;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace OpenLedger.Network.Noise;

/// <summary>
/// The libp2p Noise handshake (/noise): Noise_XX_25519_ChaChaPoly_SHA256 with an empty prologue. The
/// responder's second message and the initiator's third carry a NoiseHandshakePayload that binds the
/// static X25519 key to the libp2p identity: Ed25519 signature over "noise-libp2p-static-key:" || static key.
/// </summary>
public static class NoiseHandshake
{
    public const string ProtocolId = "/noise";
    public const string ProtocolName = "Noise_XX_25519_ChaChaPoly_SHA256";
    public const int MaxFrameLength = 65535;
    private const int KeyLength = 32;
    private static readonly byte[] SignaturePrefix = System.Text.Encoding.ASCII.GetBytes("noise-libp2p-static-key:");

    /// <summary>Runs the handshake over <paramref name="transport"/> and returns the secured channel.</summary>
    /// <param name="expectedRemote">When dialing a /p2p/ address, the peer we must end up talking to.</param>
    /// <param name="localMuxers">Muxers advertised in the stream_muxers extension (preference order).</param>
    /// <exception cref="NoiseException">The handshake failed; the transport should be closed.</exception>
    public static async Task<NoiseSession> PerformAsync(
        Stream transport, NodeKey identity, bool initiator, PeerId? expectedRemote,
        IReadOnlyList<string> localMuxers, CancellationToken cancellationToken)
    {
        using var state = new NoiseSymmetricState(ProtocolName);
        state.MixHash(ReadOnlySpan<byte>.Empty);

        byte[] staticPrivate = RandomNumberGenerator.GetBytes(KeyLength);
        byte[] staticPublic = new byte[KeyLength];
        X25519.ScalarMultBase(staticPrivate, 0, staticPublic, 0);
        byte[] ephemeralPrivate = RandomNumberGenerator.GetBytes(KeyLength);
        byte[] ephemeralPublic = new byte[KeyLength];
        X25519.ScalarMultBase(ephemeralPrivate, 0, ephemeralPublic, 0);

        byte[] localPayload = new NoiseHandshakePayload(
            identity.PublicKey.ToProtobuf(),
            identity.Sign([.. SignaturePrefix, .. staticPublic]),
            localMuxers).Encode();

        RemoteIdentity remote;
        NoiseCipherState send, receive;
        if (initiator)
        {
            // -> e
            state.MixHash(ephemeralPublic);
            byte[] message1 = [.. ephemeralPublic, .. state.EncryptAndHash([])];
            await WriteFrameAsync(transport, message1, cancellationToken).ConfigureAwait(false);

            // <- e, ee, s, es
            byte[] message2 = await ReadFrameAsync(transport, cancellationToken).ConfigureAwait(false);
            if (message2.Length < KeyLength + KeyLength + NoiseCipherState.TagLength + NoiseCipherState.TagLength)
                throw new NoiseException($"noise message 2 is too short ({message2.Length} bytes)");
            byte[] remoteEphemeral = message2[..KeyLength];
            state.MixHash(remoteEphemeral);
            state.MixKey(Dh(ephemeralPrivate, remoteEphemeral));
            byte[] remoteStatic = state.DecryptAndHash(message2.AsSpan(KeyLength, KeyLength + NoiseCipherState.TagLength));
            state.MixKey(Dh(ephemeralPrivate, remoteStatic));
            byte[] remotePayload = state.DecryptAndHash(message2.AsSpan(KeyLength + KeyLength + NoiseCipherState.TagLength));
            remote = VerifyPayload(remotePayload, remoteStatic, expectedRemote);

            // -> s, se
            byte[] encryptedStatic = state.EncryptAndHash(staticPublic);
            state.MixKey(Dh(staticPrivate, remoteEphemeral));
            byte[] encryptedPayload = state.EncryptAndHash(localPayload);
            await WriteFrameAsync(transport, [.. encryptedStatic, .. encryptedPayload], cancellationToken).ConfigureAwait(false);
            (send, receive) = state.Split();
        }
        else
        {
            // -> e
            byte[] message1 = await ReadFrameAsync(transport, cancellationToken).ConfigureAwait(false);
            if (message1.Length < KeyLength) throw new NoiseException($"noise message 1 is too short ({message1.Length} bytes)");
            byte[] remoteEphemeral = message1[..KeyLength];
            state.MixHash(remoteEphemeral);
            state.DecryptAndHash(message1.AsSpan(KeyLength));

            // <- e, ee, s, es
            state.MixHash(ephemeralPublic);
            state.MixKey(Dh(ephemeralPrivate, remoteEphemeral));
            byte[] encryptedStatic = state.EncryptAndHash(staticPublic);
            state.MixKey(Dh(staticPrivate, remoteEphemeral));
            byte[] encryptedPayload = state.EncryptAndHash(localPayload);
            await WriteFrameAsync(transport, [.. ephemeralPublic, .. encryptedStatic, .. encryptedPayload], cancellationToken).ConfigureAwait(false);

            // -> s, se
            byte[] message3 = await ReadFrameAsync(transport, cancellationToken).ConfigureAwait(false);
            if (message3.Length < KeyLength + NoiseCipherState.TagLength + NoiseCipherState.TagLength)
                throw new NoiseException($"noise message 3 is too short ({message3.Length} bytes)");
            byte[] remoteStatic = state.DecryptAndHash(message3.AsSpan(0, KeyLength + NoiseCipherState.TagLength));
            state.MixKey(Dh(ephemeralPrivate, remoteStatic));
            byte[] remotePayload = state.DecryptAndHash(message3.AsSpan(KeyLength + NoiseCipherState.TagLength));
            remote = VerifyPayload(remotePayload, remoteStatic, expectedRemote);
            (receive, send) = state.Split();
        }

        CryptographicOperations.ZeroMemory(ephemeralPrivate);
        CryptographicOperations.ZeroMemory(staticPrivate);
        return new NoiseSession(new NoiseSecureStream(transport, send, receive), remote.PeerId, remote.PublicKey, remote.Muxers);
    }

    private sealed record RemoteIdentity(PeerId PeerId, Ed25519PublicKey PublicKey, IReadOnlyList<string> Muxers);

    private static RemoteIdentity VerifyPayload(byte[] payloadBytes, byte[] remoteStatic, PeerId? expectedRemote)
    {
        NoiseHandshakePayload payload;
        Ed25519PublicKey key;
        try
        {
            payload = NoiseHandshakePayload.Decode(payloadBytes);
            key = Ed25519PublicKey.FromProtobuf(payload.IdentityKey);
        }
        catch (FormatException e)
        {
            throw new NoiseException("noise handshake payload is invalid: " + e.Message, e);
        }
        if (!key.Verify([.. SignaturePrefix, .. remoteStatic], payload.IdentitySignature))
            throw new NoiseException("noise handshake payload signature does not bind the peer's static key to its identity");
        var peerId = PeerId.FromPublicKey(key);
        if (expectedRemote is not null && !expectedRemote.Matches(key))
            throw new NoiseException($"dialed {expectedRemote} but the remote authenticated as {peerId}");
        return new RemoteIdentity(peerId, key, payload.StreamMuxers);
    }

    private static byte[] Dh(byte[] privateKey, byte[] publicKey)
    {
        var shared = new byte[KeyLength];
        if (!X25519.CalculateAgreement(privateKey, 0, publicKey, 0, shared, 0))
            throw new NoiseException("noise key agreement produced the all-zero secret (low-order public key)");
        return shared;
    }

    internal static async Task WriteFrameAsync(Stream transport, byte[] body, CancellationToken cancellationToken)
    {
        if (body.Length > MaxFrameLength) throw new NoiseException($"noise frame of {body.Length} bytes exceeds {MaxFrameLength}");
        var frame = new byte[2 + body.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)body.Length);
        body.CopyTo(frame, 2);
        await transport.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        await transport.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<byte[]> ReadFrameAsync(Stream transport, CancellationToken cancellationToken)
    {
        var header = new byte[2];
        try
        {
            await transport.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
            var body = new byte[BinaryPrimitives.ReadUInt16BigEndian(header)];
            await transport.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
            return body;
        }
        catch (EndOfStreamException e)
        {
            throw new NoiseException("connection closed inside a noise frame", e);
        }
    }
}
