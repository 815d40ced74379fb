using System.Collections.Concurrent;
using OpenLedger.Network.Gossip;
using OpenLedger.Network.Tests.Support;

namespace OpenLedger.Network.Tests.Gossip;

/// <summary>
/// <see cref="GossipRouter.SubscribeBatched"/>: expensive validation (transactions) runs in batches off the peer's
/// receive loop, so other topics on the same stream (consensus) are not held up by it; results per message keep
/// the accept / ignore / reject semantics, and accepted messages are delivered and forwarded in arrival order.
/// </summary>
public class BatchedValidationTests
{
    private const string TxTopic = "/openledger/161200/tx/1";
    private const string ConsensusTopic = "/openledger/161200/consensus/1";

    [Fact]
    public async Task A_blocked_batch_validator_does_not_hold_up_other_topics_and_batches_what_arrived_meanwhile()
    {
        await using var source = await TestHosts.StartAsync();
        await using var middle = await TestHosts.StartAsync();
        await using var sink = await TestHosts.StartAsync();
        using var release = new ManualResetEventSlim(false);
        var batchSizes = new ConcurrentQueue<int>();
        var atMiddle = new ConcurrentQueue<(string Topic, byte[] Data)>();
        var atSink = new ConcurrentQueue<byte[]>();

        source.Gossip.Subscribe(TxTopic);
        source.Gossip.Subscribe(ConsensusTopic);
        middle.Gossip.SubscribeBatched(TxTopic, batch =>
        {
            batchSizes.Enqueue(batch.Count);
            release.Wait(TimeSpan.FromSeconds(30)); // the first batch holds the worker until the test releases it
            return batch.Select(m => m.Data[0] switch
            {
                0xBA => ValidationResult.Reject,
                0x16 => ValidationResult.Ignore,
                _ => ValidationResult.Accept,
            }).ToArray();
        });
        middle.Gossip.Subscribe(ConsensusTopic, _ => ValidationResult.Accept);
        middle.Gossip.PrioritiseTopic(ConsensusTopic);
        middle.Gossip.MessageReceived += m => atMiddle.Enqueue((m.Topic, m.Data));
        sink.Gossip.Subscribe(TxTopic);
        sink.Gossip.MessageReceived += m => atSink.Enqueue(m.Data);
        await source.DialAsync(TestHosts.AddressOf(middle), TestHosts.Timeout());
        await middle.DialAsync(TestHosts.AddressOf(sink), TestHosts.Timeout());
        Assert.True(await Eventually.TrueAsync(() =>
            middle.Gossip.MeshPeers(TxTopic).Count == 2 && source.Gossip.PeersSubscribedTo(ConsensusTopic).Count == 1, TimeSpan.FromSeconds(10)));

        await source.Gossip.PublishAsync(TxTopic, [0x01, 0x00]);
        Assert.True(await Eventually.TrueAsync(() => batchSizes.Count == 1, TimeSpan.FromSeconds(10)), "the first batch never reached the validator");
        // While the worker is stuck, more transactions and then a consensus message arrive on the same stream.
        const int more = 200;
        for (int i = 1; i <= more; i++)
        {
            byte kind = i == 50 ? (byte)0xBA : i == 60 ? (byte)0x16 : (byte)0x01;
            await source.Gossip.PublishAsync(TxTopic, [kind, (byte)i]);
        }
        await source.Gossip.PublishAsync(ConsensusTopic, [0xC0, 0x01]);
        Assert.True(await Eventually.TrueAsync(() => atMiddle.Any(m => m.Topic == ConsensusTopic), TimeSpan.FromSeconds(10)),
            "the consensus message waited behind the blocked transaction validator");
        Assert.DoesNotContain(atMiddle, m => m.Topic == TxTopic);

        release.Set();
        int acceptedCount = 1 + more - 2;
        Assert.True(await Eventually.TrueAsync(() => atSink.Count == acceptedCount, TimeSpan.FromSeconds(15)), $"sink got {atSink.Count} of {acceptedCount}");
        // Everything that arrived while the worker was blocked was validated in few batches, not one by one.
        Assert.Equal(1 + more, batchSizes.Sum());
        Assert.True(batchSizes.Count <= 1 + (more + 1023) / 1024 + 1, "batch sizes: " + string.Join(",", batchSizes));
        // Accepted messages are delivered and forwarded in arrival order; the rejected and the ignored one are not.
        var expected = new[] { (byte)0 }.Concat(Enumerable.Range(1, more).Where(i => i is not (50 or 60)).Select(i => (byte)i)).ToArray();
        Assert.Equal(expected, atSink.Select(d => d[1]).ToArray());
        Assert.Equal(expected, atMiddle.Where(m => m.Topic == TxTopic).Select(m => m.Data[1]).ToArray());
        var counters = middle.Gossip.GetScoreCounters(source.LocalPeerId, TxTopic);
        Assert.NotNull(counters);
        Assert.InRange(counters.InvalidMessageDeliveries, 0.5, 1); // the one rejected message (decays a little per second)
    }

    [Fact]
    public async Task Publishing_many_sends_each_payload_as_its_own_signed_message_packed_into_few_rpcs()
    {
        await using var a = await TestHosts.StartAsync();
        await using var b = await TestHosts.StartAsync();
        var delivered = new ConcurrentQueue<GossipMessage>();
        var batches = new ConcurrentQueue<int>();
        a.Gossip.Subscribe(TxTopic);
        b.Gossip.SubscribeBatched(TxTopic, batch =>
        {
            batches.Enqueue(batch.Count);
            return batch.Select(_ => ValidationResult.Accept).ToArray();
        });
        b.Gossip.MessageReceived += delivered.Enqueue;
        await a.DialAsync(TestHosts.AddressOf(b), TestHosts.Timeout());
        Assert.True(await Eventually.TrueAsync(() => a.Gossip.PeersSubscribedTo(TxTopic).Count == 1, TimeSpan.FromSeconds(10)));

        var payloads = Enumerable.Range(0, 700).Select(i => BitConverter.GetBytes(i)).ToArray();
        Assert.Equal(1, await a.Gossip.PublishManyAsync(TxTopic, payloads));
        Assert.True(await Eventually.TrueAsync(() => delivered.Count == payloads.Length, TimeSpan.FromSeconds(15)), $"{delivered.Count} delivered");
        // Every payload is its own message (own sequence number, signature checked on receipt), in order.
        Assert.Equal(payloads.Select(p => BitConverter.ToInt32(p)), delivered.Select(m => BitConverter.ToInt32(m.Data)));
        Assert.Equal(payloads.Length, delivered.Select(m => Convert.ToHexString(m.MessageId)).Distinct().Count());
        Assert.All(delivered, m => Assert.Equal(a.LocalPeerId, m.From));
        Assert.True(batches.Count < payloads.Length / 10, "batch sizes: " + string.Join(",", batches));
    }

    private const string BatchTopic = "/openledger/161200/txbatch/1";

    [Fact]
    public async Task Publishing_many_can_leave_out_peers_subscribed_to_another_topic_and_signs_nothing_when_none_is_left()
    {
        await using var origin = await TestHosts.StartAsync();
        await using var batchPeer = await TestHosts.StartAsync();
        await using var singlePeer = await TestHosts.StartAsync();
        var atBatchPeer = new ConcurrentQueue<GossipMessage>();
        var atSinglePeer = new ConcurrentQueue<GossipMessage>();
        origin.Gossip.Subscribe(TxTopic);
        origin.Gossip.Subscribe(BatchTopic);
        batchPeer.Gossip.Subscribe(TxTopic);
        batchPeer.Gossip.Subscribe(BatchTopic);
        batchPeer.Gossip.MessageReceived += atBatchPeer.Enqueue;
        singlePeer.Gossip.Subscribe(TxTopic);
        singlePeer.Gossip.MessageReceived += atSinglePeer.Enqueue;
        await origin.DialAsync(TestHosts.AddressOf(batchPeer), TestHosts.Timeout());
        Assert.True(await Eventually.TrueAsync(() => origin.Gossip.PeersSubscribedTo(BatchTopic).Count == 1, TimeSpan.FromSeconds(10)));

        // Only a batch-topic peer connected: nobody is left, nothing is signed or sent.
        Assert.Empty(origin.Gossip.PublicationTargets(TxTopic, skipSubscribersOf: BatchTopic));
        Assert.Equal(0, await origin.Gossip.PublishManyAsync(TxTopic, [[0x01], [0x02]], skipSubscribersOf: BatchTopic));

        await origin.DialAsync(TestHosts.AddressOf(singlePeer), TestHosts.Timeout());
        Assert.True(await Eventually.TrueAsync(() => origin.Gossip.PeersSubscribedTo(TxTopic).Count == 2, TimeSpan.FromSeconds(10)));
        Assert.Equal([singlePeer.LocalPeerId], origin.Gossip.PublicationTargets(TxTopic, skipSubscribersOf: BatchTopic));
        Assert.Equal(1, await origin.Gossip.PublishManyAsync(TxTopic, [[0x03], [0x04]], skipSubscribersOf: BatchTopic));
        await origin.Gossip.PublishAsync(BatchTopic, [0xB0]);

        Assert.True(await Eventually.TrueAsync(() => atSinglePeer.Count == 2 && atBatchPeer.Count == 1, TimeSpan.FromSeconds(10)),
            $"single peer got {atSinglePeer.Count}, batch peer {atBatchPeer.Count}");
        await Task.Delay(300); // anything else in flight would arrive now
        Assert.Equal([0x03, 0x04], atSinglePeer.Select(m => m.Data[0]).ToArray());
        Assert.Equal([(BatchTopic, (byte)0xB0)], atBatchPeer.Select(m => (m.Topic, m.Data[0])).ToArray());
    }

    [Fact]
    public async Task Large_accepted_messages_are_forwarded_in_rpcs_that_stay_within_the_frame_limit()
    {
        await using var source = await TestHosts.StartAsync();
        await using var middle = await TestHosts.StartAsync();
        await using var sink = await TestHosts.StartAsync();
        var atSink = new ConcurrentQueue<byte[]>();
        var batchSizes = new ConcurrentQueue<int>();
        using var release = new ManualResetEventSlim(false);
        source.Gossip.Subscribe(BatchTopic);
        middle.Gossip.SubscribeBatched(BatchTopic, batch =>
        {
            batchSizes.Enqueue(batch.Count);
            release.Wait(TimeSpan.FromSeconds(30)); // holds the worker so that the rest arrives and is validated together
            return batch.Select(_ => ValidationResult.Accept).ToArray();
        }, maxBatch: 64);
        sink.Gossip.Subscribe(BatchTopic);
        sink.Gossip.MessageReceived += m => atSink.Enqueue(m.Data);
        await source.DialAsync(TestHosts.AddressOf(middle), TestHosts.Timeout());
        await middle.DialAsync(TestHosts.AddressOf(sink), TestHosts.Timeout());
        Assert.True(await Eventually.TrueAsync(() => middle.Gossip.MeshPeers(BatchTopic).Count == 2, TimeSpan.FromSeconds(10)));

        // 24 messages of 200 KB: forwarded together they would be a 4.8 MB RPC, far above the 1 MiB frame limit
        // (the sink would drop the stream and ban the middle node).
        const int count = 24;
        for (int i = 0; i < count; i++)
        {
            var data = new byte[200_000];
            data[0] = (byte)i;
            await source.Gossip.PublishAsync(BatchTopic, data);
        }
        Assert.True(await Eventually.TrueAsync(() => batchSizes.Count == 1, TimeSpan.FromSeconds(10)), "the first message never reached the validator");
        await Task.Delay(1000); // the other 23 (4.6 MB) arrive at the middle node meanwhile
        release.Set();
        Assert.True(await Eventually.TrueAsync(() => atSink.Count == count, TimeSpan.FromSeconds(20)), $"sink got {atSink.Count} of {count}");
        Assert.True(batchSizes.Count < count, "validated together: " + string.Join(",", batchSizes));
        Assert.Equal(Enumerable.Range(0, count).Select(i => (byte)i), atSink.Select(d => d[0]));
        Assert.Contains(sink.ConnectedPeers, p => p.PeerId == middle.LocalPeerId);
    }
}
