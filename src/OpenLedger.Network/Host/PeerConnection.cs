using OpenLedger.Network.Addressing;
using OpenLedger.Network.Identity;
using OpenLedger.Network.Yamux;

namespace OpenLedger.Network.Host;

/// <summary>One secured, multiplexed connection to a peer.</summary>
internal sealed class PeerConnection(YamuxSession session, PeerId remotePeer, Multiaddr remoteAddress, ConnectionDirection direction)
{
    public YamuxSession Session { get; } = session;
    public PeerId RemotePeer { get; } = remotePeer;
    public Multiaddr RemoteAddress { get; } = remoteAddress;
    public ConnectionDirection Direction { get; } = direction;
    public string? AgentVersion { get; set; }
    public IReadOnlyList<string> Protocols { get; set; } = [];

    public PeerInfo ToPeerInfo() => new(RemotePeer, RemoteAddress, Direction, AgentVersion, Protocols);
}
