using OpenLedger.Network.Identity;

namespace OpenLedger.Network.Gossip;

/// <summary>A validated-signature gossip message as handed to validators and subscribers.</summary>
/// <param name="From">The author (signer) of the message.</param>
/// <param name="ReceivedFrom">The neighbour that delivered it to us.</param>
/// <param name="MessageId">from ++ seqno, the id js-libp2p and go-libp2p use by default.</param>
public sealed record GossipMessage(string Topic, byte[] Data, PeerId From, byte[] SequenceNumber, byte[] MessageId, PeerId ReceivedFrom)
{
    /// <summary>
    /// What the topic's validator made of <see cref="Data"/> (go-libp2p-pubsub's ValidatorData), handed with the
    /// message to <see cref="GossipRouter.MessageReceived"/> so a subscriber does not decode it a second time (for a
    /// block proposal, a second copy of the block). Null when the validator left nothing.
    /// </summary>
    public object? ValidatorData { get; set; }
}
