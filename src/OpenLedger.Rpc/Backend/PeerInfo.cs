namespace OpenLedger.Rpc.Backend;

/// <summary>A connected peer: its peer id, remote multiaddr, direction and last reported height (0 if unknown).</summary>
public sealed record PeerInfo(string PeerId, string Address, bool Inbound, ulong Height);
