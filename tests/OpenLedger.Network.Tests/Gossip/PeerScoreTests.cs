using System.Net;
using OpenLedger.Network.Gossip;
using OpenLedger.Network.Identity;

namespace OpenLedger.Network.Tests.Gossip;

/// <summary>The gossipsub v1.1 score arithmetic (P1–P7, topic weight and cap, decay, retention), with explicit time.</summary>
public class PeerScoreTests
{
    private const string Topic = "/openledger/161200/tx/1";
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly IPAddress Ip = IPAddress.Parse("10.0.0.1");

    /// <summary>Only the component under test is weighted; everything else is 0.</summary>
    private static readonly TopicScoreParameters Silent = new()
    {
        TimeInMeshWeight = 0, FirstMessageDeliveriesWeight = 0, MeshMessageDeliveriesWeight = 0,
        MeshFailurePenaltyWeight = 0, InvalidMessageDeliveriesWeight = 0,
    };

    private static PeerScore ScoreWith(TopicScoreParameters topic, Func<PeerScoreParameters, PeerScoreParameters>? tweak = null)
    {
        var parameters = new PeerScoreParameters { DefaultTopic = topic, BehaviourPenaltyWeight = 0, IPColocationFactorWeight = 0 };
        return new PeerScore(tweak is null ? parameters : tweak(parameters));
    }

    private static PeerId NewPeer() => NodeKey.Generate().PeerId;

    private static byte[] Id(int n) => BitConverter.GetBytes(n);

    [Fact]
    public void P1_time_in_mesh_grows_per_quantum_up_to_the_cap_and_stops_when_pruned()
    {
        var score = ScoreWith(Silent with { TimeInMeshWeight = 0.5, TimeInMeshQuantum = TimeSpan.FromSeconds(2), TimeInMeshCap = 10 });
        var peer = NewPeer();
        score.AddPeer(peer, Ip);
        score.Graft(peer, Topic, T0);
        Assert.Equal(0, score.Score(peer, T0));
        Assert.Equal(3 * 0.5, score.Score(peer, T0.AddSeconds(6)), 9); // 3 quanta
        Assert.Equal(10 * 0.5, score.Score(peer, T0.AddSeconds(600)), 9); // capped at 10 quanta
        score.Prune(peer, Topic);
        Assert.Equal(0, score.Score(peer, T0.AddSeconds(600)));
    }

    [Fact]
    public void P2_first_deliveries_count_only_accepted_messages_are_capped_and_decay_to_zero()
    {
        var score = ScoreWith(Silent with { FirstMessageDeliveriesWeight = 2, FirstMessageDeliveriesCap = 3, FirstMessageDeliveriesDecay = 0.5 });
        var peer = NewPeer();
        score.AddPeer(peer, Ip);
        for (var i = 0; i < 2; i++)
        {
            score.ValidationStarted(Id(i), T0);
            score.MessageAccepted(peer, Id(i), Topic, T0);
        }
        score.ValidationStarted(Id(9), T0);
        score.MessageIgnored(Id(9), T0);
        Assert.Equal(2 * 2, score.Score(peer, T0));
        for (var i = 2; i < 6; i++) score.MessageAccepted(peer, Id(i), Topic, T0);
        Assert.Equal(3 * 2, score.Score(peer, T0)); // cap of 3 deliveries
        score.Decay(T0.AddSeconds(1));
        Assert.Equal(1.5 * 2, score.Score(peer, T0.AddSeconds(1)), 9);
        for (var i = 0; i < 8; i++) score.Decay(T0.AddSeconds(2 + i)); // 1.5 / 2^8 < 0.01
        Assert.Equal(0, score.GetCountersOrThrow(peer).FirstMessageDeliveries);
        Assert.Equal(0, score.Score(peer, T0.AddSeconds(10)));
    }

    [Fact]
    public void P3_mesh_delivery_deficit_is_squared_after_activation_and_counts_near_first_duplicates()
    {
        var parameters = Silent with
        {
            MeshMessageDeliveriesWeight = -1, MeshMessageDeliveriesThreshold = 4, MeshMessageDeliveriesDecay = 1,
            MeshMessageDeliveriesActivation = TimeSpan.FromSeconds(5), MeshMessageDeliveriesWindow = TimeSpan.FromMilliseconds(100),
        };
        var score = ScoreWith(parameters);
        var first = NewPeer();
        var relay = NewPeer();
        foreach (var p in new[] { first, relay })
        {
            score.AddPeer(p, Ip);
            score.Graft(p, Topic, T0);
        }
        score.ValidationStarted(Id(1), T0);
        score.DuplicateMessage(relay, Id(1), Topic, T0); // arrived during validation: counts when accepted
        score.MessageAccepted(first, Id(1), Topic, T0);
        score.DuplicateMessage(relay, Id(1), Topic, T0.AddMilliseconds(50)); // within the window: counts
        score.DuplicateMessage(first, Id(1), Topic, T0.AddSeconds(1)); // too late: does not count
        Assert.Equal(0, score.Score(first, T0.AddSeconds(1))); // not active yet

        score.Decay(T0.AddSeconds(6));
        Assert.True(score.GetCountersOrThrow(first).MeshMessageDeliveriesActive);
        Assert.Equal(-(4 - 1) * (4 - 1), score.Score(first, T0.AddSeconds(6)));
        Assert.Equal(-(4 - 2) * (4 - 2), score.Score(relay, T0.AddSeconds(6)));
    }

    [Fact]
    public void P3b_a_peer_pruned_with_a_deficit_keeps_the_squared_deficit_as_a_decaying_penalty()
    {
        var parameters = Silent with
        {
            MeshMessageDeliveriesWeight = -1, MeshMessageDeliveriesThreshold = 3, MeshMessageDeliveriesDecay = 1,
            MeshMessageDeliveriesActivation = TimeSpan.FromSeconds(1), MeshFailurePenaltyWeight = -2, MeshFailurePenaltyDecay = 0.5,
        };
        var score = ScoreWith(parameters);
        var peer = NewPeer();
        score.AddPeer(peer, Ip);
        score.Graft(peer, Topic, T0);
        score.Decay(T0.AddSeconds(2));
        score.Prune(peer, Topic);
        Assert.Equal(9, score.GetCountersOrThrow(peer).MeshFailurePenalty);
        Assert.Equal(-2 * 9, score.Score(peer, T0.AddSeconds(2))); // P3 stops (out of the mesh), P3b stays
        score.Decay(T0.AddSeconds(3));
        Assert.Equal(-2 * 4.5, score.Score(peer, T0.AddSeconds(3)), 9);
    }

    [Fact]
    public void P4_invalid_messages_are_squared_and_also_charged_to_peers_that_forwarded_the_same_message()
    {
        var score = ScoreWith(Silent with { InvalidMessageDeliveriesWeight = -10, InvalidMessageDeliveriesDecay = 0.5 });
        var sender = NewPeer();
        var forwarder = NewPeer();
        var late = NewPeer();
        foreach (var p in new[] { sender, forwarder, late }) score.AddPeer(p, Ip);
        score.ValidationStarted(Id(1), T0);
        score.DuplicateMessage(forwarder, Id(1), Topic, T0);
        score.MessageRejected(sender, Id(1), Topic, T0);
        score.MessageRejected(sender, Id(2), Topic, T0);
        score.DuplicateMessage(late, Id(1), Topic, T0.AddMinutes(1)); // a known-invalid message, however late
        Assert.Equal(-10 * 2 * 2, score.Score(sender, T0));
        Assert.Equal(-10, score.Score(forwarder, T0));
        Assert.Equal(-10, score.Score(late, T0));
        score.Decay(T0.AddSeconds(1));
        Assert.Equal(-10 * 1 * 1, score.Score(sender, T0.AddSeconds(1)), 9);
    }

    [Fact]
    public void Topic_weight_scales_the_topic_part_and_the_cap_bounds_only_the_positive_sum()
    {
        var topic = Silent with { FirstMessageDeliveriesWeight = 10, FirstMessageDeliveriesCap = 100, InvalidMessageDeliveriesWeight = -1, TopicWeight = 0.5 };
        var score = ScoreWith(topic, p => p with { TopicScoreCap = 20, BehaviourPenaltyWeight = -1 });
        var peer = NewPeer();
        score.AddPeer(peer, Ip);
        for (var i = 0; i < 3; i++) score.MessageAccepted(peer, Id(i), Topic, T0);
        Assert.Equal(0.5 * 30, score.Score(peer, T0));
        for (var i = 3; i < 10; i++) score.MessageAccepted(peer, Id(i), Topic, T0);
        Assert.Equal(20, score.Score(peer, T0)); // 0.5 * 100 capped at 20
        score.AddPenalty(peer, 3);
        Assert.Equal(20 - 9, score.Score(peer, T0)); // P7 is outside the cap
    }

    [Fact]
    public void P5_application_specific_score_is_weighted()
    {
        var favourite = NewPeer();
        var score = ScoreWith(Silent, p => p with { AppSpecificScore = id => id == favourite ? 4 : 0, AppSpecificWeight = 2.5 });
        score.AddPeer(favourite, Ip);
        Assert.Equal(10, score.Score(favourite, T0));
    }

    [Fact]
    public void P6_ip_colocation_penalises_the_square_of_peers_beyond_the_threshold_except_loopback_and_whitelist()
    {
        var score = ScoreWith(Silent, p => p with
        {
            IPColocationFactorWeight = -3, IPColocationFactorThreshold = 2,
            IPColocationFactorWhitelist = new HashSet<string> { "10.9.9.9" },
        });
        var crowd = Enumerable.Range(0, 4).Select(_ => NewPeer()).ToArray();
        foreach (var p in crowd) score.AddPeer(p, Ip);
        Assert.All(crowd, p => Assert.Equal(-3 * 2 * 2, score.Score(p, T0))); // 4 peers, threshold 2
        score.RemovePeer(crowd[3], T0);
        Assert.Equal(-3 * 1 * 1, score.Score(crowd[0], T0));

        var loopback = Enumerable.Range(0, 4).Select(_ => NewPeer()).ToArray();
        foreach (var p in loopback) score.AddPeer(p, IPAddress.Loopback);
        var whitelisted = Enumerable.Range(0, 4).Select(_ => NewPeer()).ToArray();
        foreach (var p in whitelisted) score.AddPeer(p, IPAddress.Parse("10.9.9.9"));
        Assert.All(loopback.Concat(whitelisted), p => Assert.Equal(0, score.Score(p, T0)));
    }

    [Fact]
    public void P7_behaviour_penalty_counts_the_square_beyond_the_threshold_and_decays()
    {
        var score = ScoreWith(Silent, p => p with { BehaviourPenaltyWeight = -2, BehaviourPenaltyThreshold = 1, BehaviourPenaltyDecay = 0.5 });
        var peer = NewPeer();
        score.AddPeer(peer, Ip);
        score.AddPenalty(peer, 1);
        Assert.Equal(0, score.Score(peer, T0)); // at the threshold
        score.AddPenalty(peer, 2);
        Assert.Equal(-2 * 2 * 2, score.Score(peer, T0));
        score.Decay(T0.AddSeconds(1)); // 3 -> 1.5
        Assert.Equal(-2 * 0.5 * 0.5, score.Score(peer, T0.AddSeconds(1)), 9);
    }

    [Fact]
    public void A_disconnected_peer_keeps_its_score_for_the_retention_time_only()
    {
        var score = ScoreWith(Silent with { InvalidMessageDeliveriesWeight = -10, InvalidMessageDeliveriesDecay = 1 }, p => p with { RetainScore = TimeSpan.FromSeconds(30) });
        var peer = NewPeer();
        score.AddPeer(peer, Ip);
        score.MessageRejected(peer, Id(1), Topic, T0);
        score.RemovePeer(peer, T0);
        score.Decay(T0.AddSeconds(10));
        score.AddPeer(peer, Ip); // reconnecting does not wipe the record
        Assert.Equal(-10, score.Score(peer, T0.AddSeconds(10)));
        score.RemovePeer(peer, T0.AddSeconds(10));
        score.Decay(T0.AddSeconds(41));
        Assert.Equal(0, score.Score(peer, T0.AddSeconds(41)));
        Assert.Null(score.Counters(peer, Topic));
    }

    [Fact]
    public void Default_parameters_follow_the_documented_thresholds()
    {
        var score = new PeerScore(new PeerScoreParameters());
        var thresholds = new PeerScoreThresholds();
        var peer = NewPeer();
        score.AddPeer(peer, Ip);
        score.MessageRejected(peer, Id(1), Topic, T0);
        Assert.Equal(-10, score.Score(peer, T0)); // one invalid message: below 0, out of meshes, still gossiped with
        Assert.True(score.Score(peer, T0) >= thresholds.GossipThreshold);
        score.MessageRejected(peer, Id(2), Topic, T0);
        score.MessageRejected(peer, Id(3), Topic, T0);
        Assert.Equal(-90, score.Score(peer, T0)); // three: graylisted, not yet banned
        Assert.True(score.Score(peer, T0) < thresholds.GraylistThreshold && score.Score(peer, T0) > thresholds.BanThreshold);
        score.MessageRejected(peer, Id(4), Topic, T0);
        Assert.True(score.Score(peer, T0) <= thresholds.BanThreshold);
    }
}

internal static class PeerScoreTestExtensions
{
    public static TopicScoreCounters GetCountersOrThrow(this PeerScore score, PeerId peer) =>
        score.Counters(peer, "/openledger/161200/tx/1") ?? throw new InvalidOperationException("no counters for the peer");
}
