using System.Collections.Concurrent;
using OpenLedger.Network.Gossip;
using OpenLedger.Network.Host;
using OpenLedger.Network.Tests.Support;

namespace OpenLedger.Network.Tests.Gossip;

public class GossipTests
{
    private const string Topic = "/openledger/161200/tx/1";

    [Fact]
    public async Task A_message_published_at_one_end_of_a_five_node_line_reaches_every_node()
    {
        var hosts = new List<Libp2pHost>();
        try
        {
            for (int i = 0; i < 5; i++) hosts.Add(await TestHosts.StartAsync());
            var received = hosts.Select(_ => new ConcurrentBag<byte[]>()).ToArray();
            for (int i = 0; i < 5; i++)
            {
                int index = i;
                hosts[i].Gossip.Subscribe(Topic, _ => ValidationResult.Accept);
                hosts[i].Gossip.MessageReceived += m => received[index].Add(m.Data);
            }
            for (int i = 0; i < 4; i++) await hosts[i].DialAsync(TestHosts.AddressOf(hosts[i + 1]), TestHosts.Timeout());

            // Wait until every inner link has formed a mesh in both directions.
            Assert.True(await Eventually.TrueAsync(() => Enumerable.Range(0, 4).All(i =>
                hosts[i].Gossip.MeshPeers(Topic).Contains(hosts[i + 1].LocalPeerId) &&
                hosts[i + 1].Gossip.MeshPeers(Topic).Contains(hosts[i].LocalPeerId)), TimeSpan.FromSeconds(10)));

            byte[] payload = [0x02, 0xf8, 0x6c, 0x01];
            int sentTo = await hosts[0].Gossip.PublishAsync(Topic, payload);
            Assert.Equal(1, sentTo);
            Assert.True(await Eventually.TrueAsync(() => Enumerable.Range(1, 4).All(i => received[i].Count == 1), TimeSpan.FromSeconds(10)),
                "delivered counts: " + string.Join(",", received.Select(r => r.Count)));
            Assert.All(Enumerable.Range(1, 4), i => Assert.Equal(payload, Assert.Single(received[i])));
            Assert.Empty(received[0]); // publishers do not deliver to themselves
            await Task.Delay(300);
            Assert.All(Enumerable.Range(1, 4), i => Assert.Single(received[i])); // no duplicates
        }
        finally
        {
            foreach (var host in hosts) await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Rejected_messages_are_not_forwarded_and_penalise_the_sender()
    {
        await using var source = await TestHosts.StartAsync();
        await using var middle = await TestHosts.StartAsync();
        await using var sink = await TestHosts.StartAsync();
        var atSink = new ConcurrentQueue<byte[]>();
        var atMiddle = new ConcurrentQueue<byte[]>();
        source.Gossip.Subscribe(Topic);
        middle.Gossip.Subscribe(Topic, m => m.Data[0] switch
        {
            0xBA => ValidationResult.Reject,
            0x16 => ValidationResult.Ignore,
            _ => ValidationResult.Accept,
        });
        middle.Gossip.MessageReceived += m => atMiddle.Enqueue(m.Data);
        sink.Gossip.Subscribe(Topic);
        sink.Gossip.MessageReceived += m => atSink.Enqueue(m.Data);
        await source.DialAsync(TestHosts.AddressOf(middle), TestHosts.Timeout());
        await middle.DialAsync(TestHosts.AddressOf(sink), TestHosts.Timeout());
        Assert.True(await Eventually.TrueAsync(() =>
            middle.Gossip.MeshPeers(Topic).Count == 2 && source.Gossip.PeersSubscribedTo(Topic).Count == 1, TimeSpan.FromSeconds(10)));

        await source.Gossip.PublishAsync(Topic, [0xBA, 0xD0]);
        await source.Gossip.PublishAsync(Topic, [0x16, 0x00]);
        await source.Gossip.PublishAsync(Topic, [0x60, 0x0D]);
        Assert.True(await Eventually.TrueAsync(() => atSink.Count == 1, TimeSpan.FromSeconds(10)));
        await Task.Delay(300);
        Assert.Equal(new byte[] { 0x60, 0x0D }, Assert.Single(atSink));
        Assert.Equal(new byte[] { 0x60, 0x0D }, Assert.Single(atMiddle));
        // Only the rejected message counts as invalid (P4); the ignored one neither costs nor earns score; the
        // accepted one is a first delivery (P2).
        var counters = middle.Gossip.GetScoreCounters(source.LocalPeerId, Topic);
        Assert.NotNull(counters);
        // One each (counters decay a little every second, hence the ranges; two would mean the ignored one counted).
        Assert.InRange(counters.InvalidMessageDeliveries, 0.9, 1);
        Assert.InRange(counters.FirstMessageDeliveries, 0.7, 1);
        Assert.True(middle.Gossip.GetScore(source.LocalPeerId) < 0);
    }

    [Fact]
    public async Task What_a_validator_decoded_reaches_the_subscribers_with_the_message()
    {
        await using var a = await TestHosts.StartAsync();
        await using var b = await TestHosts.StartAsync();
        var delivered = new ConcurrentQueue<GossipMessage>();
        a.Gossip.Subscribe(Topic);
        b.Gossip.Subscribe(Topic, m =>
        {
            m.ValidatorData = Convert.ToHexString(m.Data);
            return ValidationResult.Accept;
        });
        b.Gossip.MessageReceived += delivered.Enqueue;
        await a.DialAsync(TestHosts.AddressOf(b), TestHosts.Timeout());
        Assert.True(await Eventually.TrueAsync(() => a.Gossip.PeersSubscribedTo(Topic).Count == 1, TimeSpan.FromSeconds(10)));

        await a.Gossip.PublishAsync(Topic, [0xCA, 0xFE]);
        Assert.True(await Eventually.TrueAsync(() => !delivered.IsEmpty, TimeSpan.FromSeconds(10)));
        var message = Assert.Single(delivered);
        Assert.Equal("CAFE", message.ValidatorData);
    }

    [Fact]
    public async Task Forged_signatures_are_rejected()
    {
        await using var a = await TestHosts.StartAsync();
        await using var b = await TestHosts.StartAsync();
        var delivered = new ConcurrentQueue<GossipMessage>();
        b.Gossip.Subscribe(Topic);
        b.Gossip.MessageReceived += delivered.Enqueue;
        await a.DialAsync(TestHosts.AddressOf(b), TestHosts.Timeout());
        Assert.True(await Eventually.TrueAsync(() => b.Gossip.PeersSubscribedTo(Topic).Count == 0 && a.Gossip.PeersSubscribedTo(Topic).Count == 1, TimeSpan.FromSeconds(5)));

        var forger = OpenLedger.Network.Identity.NodeKey.Generate();
        var message = new PubSubMessage { From = forger.PeerId.Bytes, Data = [1], SequenceNumber = new byte[8], Topic = Topic };
        message.Signature = forger.Sign([.. "libp2p-pubsub:"u8.ToArray(), .. message.EncodeForSigning()]);
        message.Key = forger.PublicKey.ToProtobuf();
        var tampered = new PubSubMessage { From = message.From, Data = [2], SequenceNumber = [0, 0, 0, 0, 0, 0, 0, 1], Topic = Topic, Signature = message.Signature, Key = message.Key };
        var good = new PubSubMessage { From = message.From, Data = [1], SequenceNumber = new byte[8], Topic = Topic, Signature = message.Signature, Key = message.Key };

        await using var stream = await a.OpenStreamAsync(b.LocalPeerId, GossipRouter.MeshSub11, TestHosts.Timeout());
        var rpc = new PubSubRpc();
        rpc.Messages.Add(tampered);
        rpc.Messages.Add(good);
        await stream.WriteAsync(Encoding.LengthPrefixed.Frame(rpc.Encode()));
        Assert.True(await Eventually.TrueAsync(() => delivered.Count == 1, TimeSpan.FromSeconds(5)));
        var only = Assert.Single(delivered);
        Assert.Equal(forger.PeerId, only.From);
        Assert.Equal(a.LocalPeerId, only.ReceivedFrom);
        Assert.InRange(b.Gossip.GetScoreCounters(a.LocalPeerId, Topic)!.InvalidMessageDeliveries, 0.9, 1); // one, slightly decayed
        Assert.True(b.Gossip.GetScore(a.LocalPeerId) < 0);
    }
}

public class GossipGraylistTests
{
    private const string Topic = "/openledger/161200/tx/1";

    [Fact]
    public async Task A_peer_sending_invalid_messages_is_graylisted_and_its_later_messages_are_ignored()
    {
        await using var spammer = await TestHosts.StartAsync();
        await using var node = await TestHosts.StartAsync();
        await using var honest = await TestHosts.StartAsync();
        var delivered = new ConcurrentQueue<GossipMessage>();
        node.Gossip.Subscribe(Topic, m => m.Data[0] == 0xBA ? ValidationResult.Reject : ValidationResult.Accept);
        node.Gossip.MessageReceived += delivered.Enqueue;
        await spammer.DialAsync(TestHosts.AddressOf(node), TestHosts.Timeout());
        await honest.DialAsync(TestHosts.AddressOf(node), TestHosts.Timeout());
        Assert.True(await Eventually.TrueAsync(() =>
            spammer.Gossip.PeersSubscribedTo(Topic).Count == 1 && honest.Gossip.PeersSubscribedTo(Topic).Count == 1, TimeSpan.FromSeconds(10)));

        // Three invalid messages: P4 = -10 * 3^2 = -90, below the graylist threshold (-80), above the ban threshold (-100).
        for (byte i = 0; i < 3; i++) await spammer.Gossip.PublishAsync(Topic, [0xBA, i]);
        var thresholds = new PeerScoreThresholds();
        Assert.True(await Eventually.TrueAsync(() => node.Gossip.GetScore(spammer.LocalPeerId) < thresholds.GraylistThreshold, TimeSpan.FromSeconds(10)),
            $"score {node.Gossip.GetScore(spammer.LocalPeerId)}");
        Assert.True(node.Gossip.GetScore(spammer.LocalPeerId) > thresholds.BanThreshold);

        // Its valid message is now ignored with the rest of its RPCs, while an honest peer's goes through.
        await spammer.Gossip.PublishAsync(Topic, [0x60, 0x01]);
        await honest.Gossip.PublishAsync(Topic, [0x60, 0x02]);
        Assert.True(await Eventually.TrueAsync(() => delivered.Any(m => m.From == honest.LocalPeerId), TimeSpan.FromSeconds(10)));
        await Task.Delay(500);
        Assert.DoesNotContain(delivered, m => m.From == spammer.LocalPeerId);
        Assert.True(node.IsConnected(spammer.LocalPeerId)); // graylisted, not banned
        Assert.False(node.IsBanned(spammer.LocalPeerId));
        Assert.DoesNotContain(spammer.LocalPeerId, node.Gossip.MeshPeers(Topic));
    }
}

public class GossipLazyPullTests
{
    private const string Topic = "/openledger/161200/consensus/1";

    [Fact]
    public async Task A_peer_outside_the_mesh_gets_the_message_through_ihave_and_iwant()
    {
        // The publisher keeps no mesh (D_hi = 0 prunes every GRAFT) and does not flood, so the only way the
        // message can reach the subscriber is the heartbeat's IHAVE followed by the subscriber's IWANT.
        var noMesh = TestHosts.FastGossip with { D = 0, DLow = 0, DHigh = 0, DLazy = 3, FloodPublish = false };
        await using var publisher = await TestHosts.StartAsync(o => o with { Gossip = noMesh });
        await using var subscriber = await TestHosts.StartAsync();
        var received = new System.Collections.Concurrent.ConcurrentQueue<OpenLedger.Network.Gossip.GossipMessage>();
        publisher.Gossip.Subscribe(Topic);
        subscriber.Gossip.Subscribe(Topic);
        subscriber.Gossip.MessageReceived += received.Enqueue;
        await subscriber.DialAsync(TestHosts.AddressOf(publisher), TestHosts.Timeout());
        Assert.True(await Eventually.TrueAsync(() => publisher.Gossip.PeersSubscribedTo(Topic).Count == 1, TimeSpan.FromSeconds(5)));
        await Task.Delay(400); // let the subscriber's GRAFT be answered with PRUNE

        Assert.Equal(0, await publisher.Gossip.PublishAsync(Topic, [0x42]));
        Assert.True(await Eventually.TrueAsync(() => received.Count == 1, TimeSpan.FromSeconds(5)));
        Assert.Equal([(byte)0x42], received.Single().Data);
        Assert.Empty(publisher.Gossip.MeshPeers(Topic));
        Assert.DoesNotContain(publisher.LocalPeerId, subscriber.Gossip.MeshPeers(Topic)); // pruned, in backoff
    }
}
