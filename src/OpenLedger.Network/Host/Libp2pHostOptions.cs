using OpenLedger.Network.Addressing;
using OpenLedger.Network.Gossip;
using OpenLedger.Network.Identity;
using OpenLedger.Network.Yamux;

namespace OpenLedger.Network.Host;

public sealed record Libp2pHostOptions
{
    public required NodeKey NodeKey { get; init; }

    /// <summary>Where to listen; loopback with an OS-chosen port unless the operator says otherwise.</summary>
    public IReadOnlyList<Multiaddr> ListenAddresses { get; init; } = [Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")];

    /// <summary>Peers to stay connected to; redialled with exponential backoff while disconnected.</summary>
    public IReadOnlyList<Multiaddr> Bootnodes { get; init; } = [];

    public int MaxPeers { get; init; } = 50;

    public Serilog.ILogger Logger { get; init; } = Serilog.Core.Logger.None;

    public string AgentVersion { get; init; } = "openledger/" + (typeof(Libp2pHostOptions).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    /// <summary>Budget for TCP connect plus security and muxer negotiation.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Budget for protocol negotiation on a new inbound stream.</summary>
    public TimeSpan StreamNegotiationTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a peer that sent invalid frames is refused.</summary>
    public TimeSpan BanDuration { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan ReconnectInitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxBackoff { get; init; } = TimeSpan.FromMinutes(1);

    public YamuxOptions Yamux { get; init; } = new();

    public GossipOptions Gossip { get; init; } = new();

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
