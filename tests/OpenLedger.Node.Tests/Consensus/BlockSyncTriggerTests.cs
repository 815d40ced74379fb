using OpenLedger.Node.Consensus;
using Xunit;

namespace OpenLedger.Node.Tests.Consensus;

public sealed class BlockSyncTriggerTests
{
    [Theory]
    [InlineData(10UL, 10UL, 60)]  // level with the best peer
    [InlineData(10UL, 9UL, 60)]   // ahead of it
    [InlineData(10UL, 11UL, 0)]   // a peer just committed the height we are voting on
    [InlineData(10UL, 11UL, 4)]
    public void Consensus_keeps_going_when_no_peer_is_far_enough_ahead_for_long_enough(ulong head, ulong peer, int seconds) =>
        Assert.False(BlockSyncTrigger.ShouldSync(head, peer, TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData(10UL, 12UL, 0)]   // two behind: peers no longer hold the messages for our height
    [InlineData(10UL, 500UL, 0)]
    [InlineData(10UL, 11UL, 5)]   // one behind and stuck: the peers' previous-height messages are gone (restart)
    [InlineData(0UL, 1UL, 30)]
    public void A_validator_downloads_blocks_when_consensus_cannot_bring_it_up(ulong head, ulong peer, int seconds) =>
        Assert.True(BlockSyncTrigger.ShouldSync(head, peer, TimeSpan.FromSeconds(seconds)));
}
