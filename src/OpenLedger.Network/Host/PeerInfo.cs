using OpenLedger.Network.Addressing;
using OpenLedger.Network.Identity;

namespace OpenLedger.Network.Host;

/// <summary>A connected peer as the host sees it. Agent and protocols are filled in once identify has run.</summary>
public sealed record PeerInfo(
    PeerId PeerId,
    Multiaddr RemoteAddress,
    ConnectionDirection Direction,
    string? AgentVersion,
    IReadOnlyList<string> Protocols);
