using System.Threading.Channels;
using OpenLedger.Network.Identity;

namespace OpenLedger.Network.Gossip;

/// <summary>A batch-validated topic: its validator and the messages waiting for it (bounded; overflow is dropped).</summary>
internal sealed class BatchValidationQueue(string topic, Func<IReadOnlyList<GossipMessage>, IReadOnlyList<ValidationResult>> validator, int capacity, int maxBatch)
{
    /// <summary>Messages handed to the validator at once.</summary>
    public int MaxBatch { get; } = maxBatch;

    public string Topic { get; } = topic;

    public Func<IReadOnlyList<GossipMessage>, IReadOnlyList<ValidationResult>> Validator { get; } = validator;

    public Channel<(PeerId From, PubSubMessage Message)> Pending { get; } = Channel.CreateBounded<(PeerId, PubSubMessage)>(
        new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
}
