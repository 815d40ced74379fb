using OpenLedger.Core.Types;

namespace OpenLedger.Rpc.Backend;

/// <summary>
/// The node's view of itself. While <see cref="Syncing"/>, <see cref="SyncStartingHeight"/> is where block sync
/// began and <see cref="SyncTargetHeight"/> the highest height a peer reported.
/// </summary>
public sealed record NodeStatus
{
    public required ulong ChainId { get; init; }
    public required ulong HeadNumber { get; init; }
    public required Hash256 HeadHash { get; init; }
    public required ulong HeadTimestampMs { get; init; }
    public required ulong FinalizedNumber { get; init; }
    public required bool Syncing { get; init; }
    public ulong SyncStartingHeight { get; init; }
    public ulong SyncTargetHeight { get; init; }
    public required int PeerCount { get; init; }
    /// <summary>The libp2p peer id ("12D3KooW…").</summary>
    public required string NodeId { get; init; }
    /// <summary>Multiaddrs the node listens on for p2p.</summary>
    public required IReadOnlyList<string> ListenAddresses { get; init; }
    /// <summary>Software version, e.g. "0.1.0".</summary>
    public required string Version { get; init; }
}
