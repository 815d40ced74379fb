using System.Net;
using OpenLedger.Network.Identity;

namespace OpenLedger.Network.Gossip;

/// <summary>
/// Bookkeeping and arithmetic of the gossipsub v1.1 peer score (see <see cref="PeerScoreParameters"/>).
/// Time is passed in by the caller, so the arithmetic is deterministic and testable; not thread-safe
/// (the router calls it under its lock).
/// </summary>
public sealed class PeerScore(PeerScoreParameters parameters)
{
    private static readonly TimeSpan DeliveryRecordLifetime = TimeSpan.FromMinutes(2);

    private readonly Dictionary<PeerId, PeerStats> _peers = [];
    private readonly Dictionary<string, HashSet<PeerId>> _peersByIp = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeliveryRecord> _deliveries = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, DateTimeOffset Expiry)> _deliveryExpiry = new();

    public PeerScoreParameters Parameters { get; } = parameters;

    /// <summary>A peer connected (again: counters retained since it left still apply).</summary>
    public void AddPeer(PeerId peer, IPAddress? address)
    {
        if (!_peers.TryGetValue(peer, out var stats)) _peers[peer] = stats = new PeerStats();
        stats.Connected = true;
        stats.Ip = address is null || IsColocationExempt(address) ? null : address.ToString();
        if (stats.Ip is not null)
        {
            if (!_peersByIp.TryGetValue(stats.Ip, out var set)) _peersByIp[stats.Ip] = set = [];
            set.Add(peer);
        }
    }

    /// <summary>A peer disconnected: it leaves every mesh (mesh failure penalty applies) and its counters are kept for <see cref="PeerScoreParameters.RetainScore"/>.</summary>
    public void RemovePeer(PeerId peer, DateTimeOffset now)
    {
        if (!_peers.TryGetValue(peer, out var stats)) return;
        foreach (var topic in stats.Topics.Keys.ToList()) Prune(peer, topic);
        if (stats.Ip is not null && _peersByIp.TryGetValue(stats.Ip, out var set))
        {
            set.Remove(peer);
            if (set.Count == 0) _peersByIp.Remove(stats.Ip);
        }
        stats.Connected = false;
        stats.Ip = null;
        stats.Expires = now + Parameters.RetainScore;
    }

    public void Graft(PeerId peer, string topic, DateTimeOffset now)
    {
        var topicStats = TopicStatsOf(peer, topic);
        if (topicStats is null) return;
        topicStats.InMesh = true;
        topicStats.GraftTime = now;
        topicStats.MeshDeliveriesActive = false;
    }

    /// <summary>The peer left our mesh for the topic; a delivery deficit at that moment becomes the sticky P3b penalty.</summary>
    public void Prune(PeerId peer, string topic)
    {
        if (!_peers.TryGetValue(peer, out var stats) || !stats.Topics.TryGetValue(topic, out var topicStats) || !topicStats.InMesh) return;
        var threshold = topicStats.Parameters.MeshMessageDeliveriesThreshold;
        if (topicStats.MeshDeliveriesActive && topicStats.MeshDeliveries < threshold)
        {
            var deficit = threshold - topicStats.MeshDeliveries;
            topicStats.MeshFailurePenalty += deficit * deficit;
        }
        topicStats.InMesh = false;
        topicStats.MeshDeliveriesActive = false;
    }

    /// <summary>A message is seen for the first time and goes to validation.</summary>
    public void ValidationStarted(byte[] messageId, DateTimeOffset now)
    {
        var key = Convert.ToHexString(messageId);
        if (_deliveries.ContainsKey(key)) return;
        _deliveries[key] = new DeliveryRecord { FirstSeen = now };
        _deliveryExpiry.Enqueue((key, now + DeliveryRecordLifetime));
    }

    /// <summary>Validation accepted the message: P2 (and P3 when in the mesh) for the first deliverer and for peers that sent it during validation.</summary>
    public void MessageAccepted(PeerId from, byte[] messageId, string topic, DateTimeOffset now)
    {
        var record = RecordOf(messageId, now);
        record.Status = DeliveryStatus.Valid;
        record.Validated = now;
        if (TopicStatsOf(from, topic) is { } first)
        {
            var p = first.Parameters;
            first.FirstDeliveries = Math.Min(first.FirstDeliveries + 1, p.FirstMessageDeliveriesCap);
            if (first.InMesh) first.MeshDeliveries = Math.Min(first.MeshDeliveries + 1, p.MeshMessageDeliveriesCap);
        }
        foreach (var peer in record.Peers)
            if (peer != from) CountMeshDelivery(peer, topic);
        record.Peers.Clear();
    }

    /// <summary>Validation rejected the message (bad signature, validator Reject): P4 for the sender and for peers that also forwarded it.</summary>
    public void MessageRejected(PeerId from, byte[]? messageId, string topic, DateTimeOffset now)
    {
        if (TopicStatsOf(from, topic) is { } stats) stats.InvalidDeliveries += 1;
        if (messageId is null) return;
        var record = RecordOf(messageId, now);
        record.Status = DeliveryStatus.Invalid;
        foreach (var peer in record.Peers)
            if (peer != from && TopicStatsOf(peer, topic) is { } other) other.InvalidDeliveries += 1;
        record.Peers.Clear();
    }

    /// <summary>Validation ignored the message: nobody gains or loses score for it.</summary>
    public void MessageIgnored(byte[] messageId, DateTimeOffset now)
    {
        var record = RecordOf(messageId, now);
        record.Status = DeliveryStatus.Ignored;
        record.Peers.Clear();
    }

    /// <summary>A message we had already seen arrived again from <paramref name="from"/>.</summary>
    public void DuplicateMessage(PeerId from, byte[] messageId, string topic, DateTimeOffset now)
    {
        if (!_deliveries.TryGetValue(Convert.ToHexString(messageId), out var record)) return;
        switch (record.Status)
        {
            case DeliveryStatus.Validating:
                record.Peers.Add(from);
                break;
            case DeliveryStatus.Valid:
                if (TopicStatsOf(from, topic) is { } stats && now - record.Validated <= stats.Parameters.MeshMessageDeliveriesWindow)
                    CountMeshDelivery(from, topic);
                break;
            case DeliveryStatus.Invalid:
                if (TopicStatsOf(from, topic) is { } invalid) invalid.InvalidDeliveries += 1;
                break;
        }
    }

    /// <summary>P7: protocol misbehaviour such as a GRAFT during backoff.</summary>
    public void AddPenalty(PeerId peer, double count)
    {
        if (_peers.TryGetValue(peer, out var stats)) stats.BehaviourPenalty += count;
    }

    public double Score(PeerId peer, DateTimeOffset now)
    {
        if (!_peers.TryGetValue(peer, out var stats)) return 0;
        double score = 0;
        foreach (var topicStats in stats.Topics.Values)
        {
            var p = topicStats.Parameters;
            double topicScore = 0;
            if (topicStats.InMesh)
            {
                var quanta = (now - topicStats.GraftTime) / p.TimeInMeshQuantum;
                topicScore += Math.Min(Math.Max(quanta, 0), p.TimeInMeshCap) * p.TimeInMeshWeight;
            }
            topicScore += topicStats.FirstDeliveries * p.FirstMessageDeliveriesWeight;
            if (topicStats.MeshDeliveriesActive && topicStats.MeshDeliveries < p.MeshMessageDeliveriesThreshold)
            {
                var deficit = p.MeshMessageDeliveriesThreshold - topicStats.MeshDeliveries;
                topicScore += deficit * deficit * p.MeshMessageDeliveriesWeight;
            }
            topicScore += topicStats.MeshFailurePenalty * p.MeshFailurePenaltyWeight;
            topicScore += topicStats.InvalidDeliveries * topicStats.InvalidDeliveries * p.InvalidMessageDeliveriesWeight;
            score += topicScore * p.TopicWeight;
        }
        if (Parameters.TopicScoreCap > 0 && score > Parameters.TopicScoreCap) score = Parameters.TopicScoreCap;

        if (Parameters.AppSpecificScore is { } app) score += app(peer) * Parameters.AppSpecificWeight;

        if (stats.Ip is not null && _peersByIp.TryGetValue(stats.Ip, out var colocated) && colocated.Count > Parameters.IPColocationFactorThreshold)
        {
            double surplus = colocated.Count - Parameters.IPColocationFactorThreshold;
            score += surplus * surplus * Parameters.IPColocationFactorWeight;
        }

        if (stats.BehaviourPenalty > Parameters.BehaviourPenaltyThreshold)
        {
            var excess = stats.BehaviourPenalty - Parameters.BehaviourPenaltyThreshold;
            score += excess * excess * Parameters.BehaviourPenaltyWeight;
        }
        return score;
    }

    /// <summary>
    /// One decay step (call every <see cref="PeerScoreParameters.DecayInterval"/>): counters decay, mesh delivery
    /// tracking activates after its activation time, retained peers expire, old delivery records go.
    /// </summary>
    public void Decay(DateTimeOffset now)
    {
        foreach (var (peer, stats) in _peers.ToList())
        {
            if (!stats.Connected && stats.Expires <= now)
            {
                _peers.Remove(peer);
                continue;
            }
            foreach (var topicStats in stats.Topics.Values)
            {
                var p = topicStats.Parameters;
                topicStats.FirstDeliveries = Decayed(topicStats.FirstDeliveries, p.FirstMessageDeliveriesDecay);
                topicStats.MeshDeliveries = Decayed(topicStats.MeshDeliveries, p.MeshMessageDeliveriesDecay);
                topicStats.MeshFailurePenalty = Decayed(topicStats.MeshFailurePenalty, p.MeshFailurePenaltyDecay);
                topicStats.InvalidDeliveries = Decayed(topicStats.InvalidDeliveries, p.InvalidMessageDeliveriesDecay);
                if (topicStats.InMesh && now - topicStats.GraftTime >= p.MeshMessageDeliveriesActivation) topicStats.MeshDeliveriesActive = true;
            }
            stats.BehaviourPenalty = Decayed(stats.BehaviourPenalty, Parameters.BehaviourPenaltyDecay);
        }
        while (_deliveryExpiry.TryPeek(out var oldest) && oldest.Expiry <= now)
        {
            _deliveryExpiry.Dequeue();
            _deliveries.Remove(oldest.Id);
        }
    }

    /// <summary>The counters behind a peer's score on one topic (for diagnostics and tests).</summary>
    public TopicScoreCounters? Counters(PeerId peer, string topic) =>
        _peers.TryGetValue(peer, out var stats) && stats.Topics.TryGetValue(topic, out var t)
            ? new TopicScoreCounters(t.InMesh, t.FirstDeliveries, t.MeshDeliveries, t.MeshDeliveriesActive, t.MeshFailurePenalty, t.InvalidDeliveries)
            : null;

    public double BehaviourPenalty(PeerId peer) => _peers.TryGetValue(peer, out var stats) ? stats.BehaviourPenalty : 0;

    private double Decayed(double value, double decay)
    {
        var next = value * decay;
        return next < Parameters.DecayToZero ? 0 : next;
    }

    private void CountMeshDelivery(PeerId peer, string topic)
    {
        if (TopicStatsOf(peer, topic) is { InMesh: true } stats)
            stats.MeshDeliveries = Math.Min(stats.MeshDeliveries + 1, stats.Parameters.MeshMessageDeliveriesCap);
    }

    private DeliveryRecord RecordOf(byte[] messageId, DateTimeOffset now)
    {
        var key = Convert.ToHexString(messageId);
        if (!_deliveries.TryGetValue(key, out var record))
        {
            _deliveries[key] = record = new DeliveryRecord { FirstSeen = now };
            _deliveryExpiry.Enqueue((key, now + DeliveryRecordLifetime));
        }
        return record;
    }

    private TopicStats? TopicStatsOf(PeerId peer, string topic)
    {
        if (!_peers.TryGetValue(peer, out var stats)) return null;
        if (stats.Topics.TryGetValue(topic, out var topicStats)) return topicStats;
        if (Parameters.For(topic) is not { } p) return null;
        stats.Topics[topic] = topicStats = new TopicStats(p);
        return topicStats;
    }

    private bool IsColocationExempt(IPAddress address) =>
        (Parameters.IPColocationIgnoresLoopback && IPAddress.IsLoopback(address)) || Parameters.IPColocationFactorWhitelist.Contains(address.ToString());

    private sealed class PeerStats
    {
        public bool Connected;
        public string? Ip;
        public DateTimeOffset Expires;
        public double BehaviourPenalty;
        public Dictionary<string, TopicStats> Topics { get; } = new(StringComparer.Ordinal);
    }

    private sealed class TopicStats(TopicScoreParameters parameters)
    {
        public TopicScoreParameters Parameters { get; } = parameters;
        public bool InMesh;
        public DateTimeOffset GraftTime;
        public bool MeshDeliveriesActive;
        public double FirstDeliveries;
        public double MeshDeliveries;
        public double MeshFailurePenalty;
        public double InvalidDeliveries;
    }

    private enum DeliveryStatus { Validating, Valid, Invalid, Ignored }

    private sealed class DeliveryRecord
    {
        public DeliveryStatus Status;
        public DateTimeOffset FirstSeen;
        public DateTimeOffset Validated;
        public HashSet<PeerId> Peers { get; } = [];
    }
}
