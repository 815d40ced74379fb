namespace OpenLedger.Node.Consensus;

/// <summary>
/// When a validator stops waiting for consensus messages and downloads blocks instead. Two heights behind a
/// peer, consensus cannot help: peers keep the proposal and votes of their current height only. One height
/// behind it usually can (peers still hold the height they just finished), but not when those peers restarted
/// since: their previous height's messages were in memory and are gone, so the precommits we missed never come
/// and, if we are needed for a quorum at the next height, every validator waits forever. So a peer that has
/// committed the height we are working on triggers a one-block sync once we have made no progress at this
/// height for <see cref="StuckAtHeightAfter"/> — long enough that the normal case (a peer committing a few
/// milliseconds before us) never downloads a block it is about to commit itself.
/// </summary>
public static class BlockSyncTrigger
{
    public static readonly TimeSpan StuckAtHeightAfter = TimeSpan.FromSeconds(5);

    /// <param name="head">Our last committed height.</param>
    /// <param name="peerHeight">The highest height a peer reports as committed.</param>
    /// <param name="atCurrentHeightFor">How long consensus has been at height head + 1.</param>
    public static bool ShouldSync(ulong head, ulong peerHeight, TimeSpan atCurrentHeightFor) =>
        peerHeight >= head + 2 || (peerHeight == head + 1 && atCurrentHeightFor >= StuckAtHeightAfter);
}
