using OpenLedger.Network.Gossip;

namespace OpenLedger.Network.Tests.Gossip;

/// <summary>
/// The gossip RPC codec: messages are encoded inside the RPC's own encoding (per-thread scratch streams, one per
/// nesting level) and decoded from the frame in place, so each level must still produce and read exactly its bytes.
/// </summary>
public class PubSubCodecTests
{
    private static PubSubMessage Message(int size, byte fill) => new()
    {
        From = [0x00, 0x24, 0x08, 0x01],
        Data = Enumerable.Repeat(fill, size).ToArray(),
        SequenceNumber = [1, 2, 3, 4, 5, 6, 7, 8],
        Topic = "/openledger/161200/txbatch/1",
        Signature = Enumerable.Repeat((byte)0x5a, 64).ToArray(),
        Key = [0x08, 0x01, 0x12, 0x20],
    };

    private static void AssertSame(PubSubMessage expected, PubSubMessage actual)
    {
        Assert.Equal(expected.From, actual.From);
        Assert.Equal(expected.Data, actual.Data);
        Assert.Equal(expected.SequenceNumber, actual.SequenceNumber);
        Assert.Equal(expected.Topic, actual.Topic);
        Assert.Equal(expected.Signature, actual.Signature);
        Assert.Equal(expected.Key, actual.Key);
    }

    [Fact]
    public void Large_messages_and_control_round_trip_through_one_rpc()
    {
        var rpc = new PubSubRpc();
        rpc.Messages.Add(Message(200_000, 0xA1));
        rpc.Messages.Add(Message(3, 0xB2));
        rpc.IDontWant.Add([9, 9]);
        rpc.IWant.Add([7]);
        byte[] encoded = rpc.Encode();

        var decoded = PubSubRpc.Decode(encoded);
        Assert.Equal(2, decoded.Messages.Count);
        AssertSame(rpc.Messages[0], decoded.Messages[0]);
        AssertSame(rpc.Messages[1], decoded.Messages[1]);
        Assert.Equal(rpc.IDontWant, decoded.IDontWant);
        Assert.Equal(rpc.IWant, decoded.IWant);
        // Decoding from a span (a copy) and in place read the same thing, and decoding leaves the frame as it was.
        AssertSame(decoded.Messages[0], PubSubRpc.Decode(encoded.AsSpan()).Messages[0]);
        Assert.Equal(encoded, rpc.Encode());
    }

    [Fact]
    public void Reused_scratch_space_never_leaks_an_earlier_encoding_into_a_later_one()
    {
        var big = new PubSubRpc();
        big.Messages.Add(Message(5 * 1024 * 1024, 0xEE)); // beyond what a thread keeps between calls
        var small = new PubSubRpc();
        small.Messages.Add(Message(10, 0x01));

        byte[] first = small.Encode();
        Assert.Equal(5 * 1024 * 1024, PubSubRpc.Decode(big.Encode()).Messages[0].Data!.Length);
        byte[] again = small.Encode();
        Assert.Equal(first, again);
        AssertSame(small.Messages[0], PubSubRpc.Decode(again).Messages[0]);
        // A message's own encoding equals the bytes the RPC embeds for it.
        byte[] alone = small.Messages[0].Encode();
        Assert.True(again.AsSpan().IndexOf(alone) > 0);
    }
}
