using OpenLedger.Core.Types;
using OpenLedger.Node.Devnet;
using OpenLedger.Node.Tests.EndToEnd.Support;
using OpenLedger.Node.Tests.P2P.Support;
using Xunit;
using Xunit.Abstractions;

namespace OpenLedger.Node.Tests.P2P;

/// <summary>
/// Five nodes over real loopback TCP in a line (each bootnodes only to its predecessor): node 0 produces blocks
/// as the only validator, the others follow through status + the blocks protocol, transactions gossip along
/// the line, and a node that joins last, after blocks were produced, syncs them through its one neighbour.
/// </summary>
public sealed class LineTopologyTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Gossip_reaches_every_node_of_a_line_and_a_late_joiner_syncs_the_missing_blocks_then_follows()
    {
        var genesis = InProcessNode.Genesis(accounts: 1);
        var nodes = new List<InProcessNode>();
        try
        {
            nodes.Add(await InProcessNode.StartAsync("node0", genesis, [], follow: false));
            for (var i = 1; i < 4; i++)
                nodes.Add(await InProcessNode.StartAsync($"node{i}", genesis, [nodes[i - 1].Address], follow: true));
            var producer = nodes[0];
            var topic = producer.P2P.TransactionsTopic;

            producer.Produce(5);
            await Until.TrueAsync(() => nodes.All(n => n.Chain.Head.Number == 5), Timeout, "every follower reaches block 5");
            await WaitForLineMeshAsync(nodes, topic);

            // A transaction entering the mempool at the far end reaches every node's mempool.
            var sender = DevnetKeys.Account(0);
            var to = Address.FromUInt64(0xabc1);
            var first = TestTransactions.Sign(TestTransactions.Transfer(0, to, 1000), sender);
            Assert.Null(nodes[3].Pool.Add(first, nodes[3].Chain.HeadAccounts));
            nodes[3].P2P.PublishTransaction(first);
            await Until.TrueAsync(() => nodes.All(n => n.Pool.Contains(first.Hash)), Timeout, "the transaction is in every node's mempool");

            producer.Produce();
            Assert.Contains(producer.Chain.Store.GetBlock(6)!.Transactions, t => t.Hash == first.Hash);
            producer.Produce(6);
            await Until.TrueAsync(() => nodes.All(n => n.Chain.Head.Number == 12), Timeout, "every follower reaches block 12");
            Assert.All(nodes, n => Assert.False(n.Pool.Contains(first.Hash)));

            // The late joiner only knows node3; everything it gets crosses the line.
            var late = await InProcessNode.StartAsync("node4", genesis, [nodes[3].Address], follow: true);
            nodes.Add(late);
            await Until.TrueAsync(() => late.Chain.Head.Number == 12, Timeout, "the late joiner syncs blocks 1..12");
            Assert.True(late.Log.Contains("Block sync: at height"), "the late joiner used the blocks protocol");
            Assert.Equal([nodes[3].P2P.NodeId], late.P2P.Peers.Select(p => p.PeerId).ToArray());
            foreach (var height in new ulong[] { 1, 6, 12 })
                Assert.Equal(producer.Chain.Store.GetHash(height), late.Chain.Store.GetHash(height));
            Assert.Equal(producer.Chain.Head.StateRoot, late.Chain.Head.StateRoot);

            // ...then follows new blocks, and its own gossip reaches the producer four hops away.
            await WaitForLineMeshAsync(nodes, topic);
            var second = TestTransactions.Sign(TestTransactions.Transfer(1, to, 2000), sender);
            Assert.Null(late.Pool.Add(second, late.Chain.HeadAccounts));
            late.P2P.PublishTransaction(second);
            await Until.TrueAsync(() => nodes.All(n => n.Pool.Contains(second.Hash)), Timeout, "the late joiner's transaction is in every mempool");
            producer.Produce(2);
            await Until.TrueAsync(() => nodes.All(n => n.Chain.Head.Number == 14), Timeout, "every node, the late joiner included, follows to block 14");
            Assert.Equal(producer.Chain.Head.Hash, late.Chain.Head.Hash);
            Assert.Contains(late.Chain.Store.GetBlock(13)!.Transactions, t => t.Hash == second.Hash);
        }
        catch (Xunit.Sdk.XunitException)
        {
            foreach (var node in nodes)
                output.WriteLine($"--- {node.Name} at {node.Chain.Head.Number} ---\n" + string.Join('\n', node.Log.Lines.TakeLast(30)));
            throw;
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
        }
    }

    /// <summary>Gossip is forwarded along meshes: wait until each node has grafted its neighbours on the topic.</summary>
    private static Task WaitForLineMeshAsync(List<InProcessNode> nodes, string topic) =>
        Until.TrueAsync(() => nodes.Select((n, i) => n.P2P.Host.Gossip.MeshPeers(topic).Count == (i == 0 || i == nodes.Count - 1 ? 1 : 2)).All(ok => ok),
            Timeout, "every node has its line neighbours in its mesh");
}
