namespace OpenLedger.Node.Rpc;

/// <summary>What the RPC layer shows of the p2p layer; a node running without networking reports none.</summary>
public interface INetworkInfo
{
    string NodeId { get; }

    IReadOnlyList<string> ListenAddresses { get; }

    IReadOnlyList<OpenLedger.Rpc.Backend.PeerInfo> Peers { get; }

    bool IsSyncing { get; }

    ulong SyncTargetHeight { get; }
}

public sealed class NoNetwork : INetworkInfo
{
    public string NodeId => "";

    public IReadOnlyList<string> ListenAddresses => [];

    public IReadOnlyList<OpenLedger.Rpc.Backend.PeerInfo> Peers => [];

    public bool IsSyncing => false;

    public ulong SyncTargetHeight => 0;
}
