using System.Collections.Concurrent;
using OpenLedger.Network.Gossip;
using OpenLedger.Network.Host;
using OpenLedger.Network.Tests.Support;

namespace OpenLedger.Network.Tests.Gossip;

/// <summary>
/// Gossipsub v1.2 IDONTWANT: a node that receives a large message tells its other mesh peers at once, before
/// validating it, and a peer told so does not relay that message back. In a fully meshed validator set this is
/// what keeps every large message (a transaction batch, a block proposal) from arriving once per peer.
/// </summary>
public class IDontWantTests
{
    private const string Topic = "/openledger/161200/txbatch/1";

    [Fact]
    public void IDontWant_is_control_field_5_holding_repeated_message_ids_and_round_trips()
    {
        var rpc = new PubSubRpc();
        rpc.IDontWant.Add([0xAA, 0xBB]);
        // RPC.control (3) { ControlMessage.idontwant (5) { ControlIDontWant.messageIDs (1): AA BB } }
        Assert.Equal(Convert.FromHexString("1A062A040A02AABB"), rpc.Encode());

        rpc.IDontWant.Add([0x01, 0x02, 0x03]);
        var decoded = PubSubRpc.Decode(rpc.Encode());
        Assert.True(decoded.HasControl);
        Assert.Equal(rpc.IDontWant, decoded.IDontWant);
    }

    [Fact]
    public async Task In_a_triangle_a_large_message_arrives_once_at_each_peer_and_a_small_one_is_still_relayed()
    {
        // The three nodes share this process's thread pool, and two validators below block a pool thread each: with
        // the default minimum of one thread per core the announcements would wait for the pool to grow.
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), io);
        var hosts = new List<Libp2pHost>();
        try
        {
            for (int i = 0; i < 3; i++) hosts.Add(await TestHosts.StartAsync());
            var received = hosts.Select(_ => new ConcurrentQueue<byte[]>()).ToArray();
            for (int i = 0; i < 3; i++)
            {
                int index = i;
                // Validation takes a while, as recovering a batch's senders does: both receivers have announced
                // IDONTWANT long before either one is ready to relay.
                hosts[i].Gossip.Subscribe(Topic, _ =>
                {
                    Thread.Sleep(150);
                    return ValidationResult.Accept;
                });
                hosts[i].Gossip.MessageReceived += m => received[index].Enqueue(m.Data);
            }
            await hosts[0].DialAsync(TestHosts.AddressOf(hosts[1]), TestHosts.Timeout());
            await hosts[0].DialAsync(TestHosts.AddressOf(hosts[2]), TestHosts.Timeout());
            await hosts[1].DialAsync(TestHosts.AddressOf(hosts[2]), TestHosts.Timeout());
            Assert.True(await Eventually.TrueAsync(() => hosts.All(h => h.Gossip.MeshPeers(Topic).Count == 2), TimeSpan.FromSeconds(10)));

            var large = Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray();
            Assert.Equal(2, await hosts[0].Gossip.PublishAsync(Topic, large));
            Assert.True(await Eventually.TrueAsync(() => received[1].Count == 1 && received[2].Count == 1, TimeSpan.FromSeconds(10)));
            await Task.Delay(600); // past the other receiver's validation, when it would have relayed
            Assert.True(hosts[1].Gossip.DuplicateMessages == 0 && hosts[2].Gossip.DuplicateMessages == 0, $"dups {hosts[1].Gossip.DuplicateMessages} {hosts[2].Gossip.DuplicateMessages} skipped {hosts[1].Gossip.RelaysSkipped} {hosts[2].Gossip.RelaysSkipped} A dups {hosts[0].Gossip.DuplicateMessages}");
            Assert.Equal(0, hosts[2].Gossip.DuplicateMessages);
            Assert.Equal(1, hosts[1].Gossip.RelaysSkipped);
            Assert.Equal(1, hosts[2].Gossip.RelaysSkipped);

            // Below the size threshold nothing is announced: each receiver relays to the other, which drops the copy.
            byte[] small = [0x02, 0x01];
            Assert.Equal(2, await hosts[0].Gossip.PublishAsync(Topic, small));
            Assert.True(await Eventually.TrueAsync(() => hosts[1].Gossip.DuplicateMessages == 1 && hosts[2].Gossip.DuplicateMessages == 1,
                TimeSpan.FromSeconds(10)), $"duplicates {hosts[1].Gossip.DuplicateMessages}, {hosts[2].Gossip.DuplicateMessages}");
            Assert.Equal([large, small], received[1].ToArray());
            Assert.Equal([large, small], received[2].ToArray());
            Assert.Empty(received[0]);
        }
        finally
        {
            foreach (var host in hosts) await host.DisposeAsync();
        }
    }
}
