using OpenLedger.Network.Identity;

namespace OpenLedger.Network.Gossip;

/// <summary>A validated-signature gossip message as handed to validators and subscribers.</summary>
/// <param name="From">The author (signer) of the message.</param>
/// <param name="ReceivedFrom">The neighbour that delivered it to us.</param>
/// <param name="MessageId">from ++ seqno, the id js-libp2p and go-libp2p use by default.</param>
public sealed record GossipMessage(string Topic, byte[] Data, PeerId From, byte[] SequenceNumber, byte[] MessageId, PeerId ReceivedFrom);
