using OpenLedger.Network.Identity;

namespace OpenLedger.Network.Noise;

/// <summary>The result of a Noise handshake: the encrypted channel and who is on the other end.</summary>
/// <param name="RemoteMuxers">The stream muxers the peer listed in its handshake extensions (empty if none).</param>
public sealed record NoiseSession(NoiseSecureStream Stream, PeerId RemotePeerId, Ed25519PublicKey RemotePublicKey, IReadOnlyList<string> RemoteMuxers);
