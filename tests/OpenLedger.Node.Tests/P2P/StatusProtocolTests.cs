using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;
using OpenLedger.Node.Network;
using OpenLedger.Node.Tests.P2P.Support;
using Xunit;

namespace OpenLedger.Node.Tests.P2P;

/// <summary>/openledger/&lt;chainId&gt;/status/1 between real P2P services over loopback TCP.</summary>
public sealed class StatusProtocolTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Never = TimeSpan.FromHours(1); // only the on-connect exchange runs

    [Fact]
    public void Status_message_round_trips_and_malformed_bytes_are_refused()
    {
        var status = new StatusMessage(1, 161200, Hash256.Parse("0x" + new string('1', 64)), 42, Hash256.Parse("0x" + new string('2', 64)));
        var decoded = StatusMessage.Decode(status.Encode());
        Assert.Equal(status, decoded);
        Assert.Null(status.IncompatibilityWith(decoded with { HeadHeight = 7 }));
        Assert.Contains("chain 5", status.IncompatibilityWith(decoded with { ChainId = 5 }));
        Assert.Contains("genesis", status.IncompatibilityWith(decoded with { GenesisHash = Hash256.Zero }));
        Assert.Contains("version 2", status.IncompatibilityWith(decoded with { ProtocolVersion = 2 }));

        var encoded = status.Encode();
        for (var length = 0; length < encoded.Length; length++)
            Assert.ThrowsAny<RlpException>(() => StatusMessage.Decode(encoded.AsSpan(0, length)));
        Assert.ThrowsAny<RlpException>(() => StatusMessage.Decode([.. encoded, 0x00]));
    }

    [Fact]
    public async Task A_connecting_node_learns_the_peers_head_from_status_without_any_consensus_message()
    {
        var genesis = InProcessNode.Genesis();
        await using var ahead = await InProcessNode.StartAsync("ahead", genesis, [], follow: false, statusInterval: Never);
        ahead.Produce(3);
        await using var joiner = await InProcessNode.StartAsync("joiner", genesis, [ahead.Address], follow: false, statusInterval: Never);
        var aheadId = ahead.P2P.Host.LocalPeerId;

        await Until.TrueAsync(() => joiner.P2P.HighestPeer() is { } best && best.Peer == aheadId && best.Height == 3, Timeout,
            "the joiner knows the peer's height from the status exchange on connect");
        // The inbound exchange told the other side our height too.
        await Until.TrueAsync(() => ahead.P2P.Peers.Any(p => p.PeerId == joiner.P2P.NodeId && p.Height == 0), Timeout,
            "the dialled node recorded the joiner's status");

        var status = await joiner.P2P.Status.RequestAsync(aheadId, CancellationToken.None);
        Assert.Equal(ahead.Chain.Head.Hash, status.HeadHash);
        Assert.Equal(3UL, status.HeadHeight);
        Assert.Equal(ahead.Chain.Store.GetHash(0), status.GenesisHash);
        Assert.Equal(161200UL, status.ChainId);
        Assert.True(joiner.P2P.Host.IsConnected(aheadId));
    }

    [Fact]
    public async Task A_peer_with_another_genesis_is_disconnected_with_the_reason_logged()
    {
        await using var ours = await InProcessNode.StartAsync("ours", InProcessNode.Genesis(accounts: 2), [], follow: false, statusInterval: Never);
        await using var other = await InProcessNode.StartAsync("other", InProcessNode.Genesis(accounts: 3), [ours.Address], follow: false, statusInterval: Never);
        await AssertDisconnectedWithReasonAsync(ours, other, "its genesis is");
    }

    [Fact]
    public async Task A_peer_on_another_chain_id_is_disconnected_with_the_reason_logged()
    {
        await using var ours = await InProcessNode.StartAsync("ours", InProcessNode.Genesis(chainId: 161200), [], follow: false, statusInterval: TimeSpan.FromMilliseconds(300));
        await using var other = await InProcessNode.StartAsync("other", InProcessNode.Genesis(chainId: 777), [ours.Address], follow: false, statusInterval: TimeSpan.FromMilliseconds(300));
        // Its status protocol id differs (/openledger/777/status/1), so identify's protocol list is the evidence.
        await AssertDisconnectedWithReasonAsync(ours, other, "it is on chain");
    }

    /// <summary>
    /// Whichever side learns first disconnects (the other side may then never get to ask): at least one side
    /// logs the reason and bans the other, and neither stays connected.
    /// </summary>
    private static async Task AssertDisconnectedWithReasonAsync(InProcessNode a, InProcessNode b, string reason)
    {
        static bool Logged(InProcessNode node, string reason) =>
            node.Log.Lines.Any(l => l.Contains("Disconnecting peer", StringComparison.Ordinal) && l.Contains(reason, StringComparison.Ordinal));
        await Until.TrueAsync(() => Logged(a, reason) || Logged(b, reason), Timeout, $"a node logs the disconnect with \"{reason}\"");
        var (judge, judged) = Logged(a, reason) ? (a, b) : (b, a);
        var judgedId = judged.P2P.Host.LocalPeerId;
        await Until.TrueAsync(() => !judge.P2P.Host.IsConnected(judgedId) && !judged.P2P.Host.IsConnected(judge.P2P.Host.LocalPeerId), Timeout, "both sides are disconnected");
        Assert.True(judge.P2P.Host.IsBanned(judgedId));
        Assert.Null(judge.P2P.HighestPeer());
        await Task.Delay(1500); // a redial by the banned peer is refused during the handshake
        Assert.Empty(judge.P2P.Peers);
    }
}
