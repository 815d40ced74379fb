using OpenLedger.Network.Gossip;

namespace OpenLedger.Network.Tests.Gossip;

/// <summary>
/// The gossip RPC codec: messages are encoded inside the RPC's own encoding (per-thread scratch streams, one per
/// nesting level) and decoded from the frame in place, so each level must still produce and read exactly its bytes.
/// </summary>
public class PubSubCodecTests
{
    /// <summary>Data sizes on both sides of each varint length boundary (1, 2 and 3 bytes), and a proposal-sized one.</summary>
    public static readonly TheoryData<int> VarintBoundarySizes = new() { 0, 1, 127, 128, 16_383, 16_384, 300_000 };

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

    /// <summary>A Message as Google.Protobuf's own writer encodes it, field by field.</summary>
    private static byte[] ReferenceMessage(PubSubMessage m)
    {
        using var stream = new MemoryStream();
        var output = new Google.Protobuf.CodedOutputStream(stream);
        void Bytes(int field, byte[]? value)
        {
            if (value is null) return;
            output.WriteTag(field, Google.Protobuf.WireFormat.WireType.LengthDelimited);
            output.WriteBytes(Google.Protobuf.ByteString.CopyFrom(value));
        }
        Bytes(1, m.From);
        Bytes(2, m.Data);
        Bytes(3, m.SequenceNumber);
        output.WriteTag(4, Google.Protobuf.WireFormat.WireType.LengthDelimited);
        output.WriteString(m.Topic);
        Bytes(5, m.Signature);
        Bytes(6, m.Key);
        output.Flush();
        return stream.ToArray();
    }

    /// <summary>The RPC { repeated Message publish = 2; } the same way.</summary>
    private static byte[] ReferenceEncoding(IEnumerable<PubSubMessage> messages)
    {
        using var stream = new MemoryStream();
        var rpc = new Google.Protobuf.CodedOutputStream(stream);
        foreach (var m in messages)
        {
            rpc.WriteTag(2, Google.Protobuf.WireFormat.WireType.LengthDelimited);
            rpc.WriteBytes(Google.Protobuf.ByteString.CopyFrom(ReferenceMessage(m)));
        }
        rpc.Flush();
        return stream.ToArray();
    }

    [Theory]
    [MemberData(nameof(VarintBoundarySizes))]
    public void A_framed_rpc_of_messages_is_the_reference_encoding_behind_its_length(int size)
    {
        var rpc = new PubSubRpc();
        rpc.Messages.Add(Message(size, 0xC3));
        rpc.Messages.Add(new PubSubMessage { Data = [1, 2], Topic = "/ünïcode/topic" }); // no from, seqno, signature or key
        rpc.Messages.Add(Message(size / 2, 0x11));

        var framed = rpc.EncodeFramed();
        var reference = ReferenceEncoding(rpc.Messages);

        var prefix = new MemoryStream();
        var lengthWriter = new Google.Protobuf.CodedOutputStream(prefix);
        lengthWriter.WriteUInt32((uint)reference.Length);
        lengthWriter.Flush();
        Assert.Equal(prefix.ToArray().Concat(reference).ToArray(), framed);
        foreach (var m in rpc.Messages) Assert.Equal(ReferenceMessage(m), m.Encode());
        var decoded = PubSubRpc.Decode(framed.AsSpan(prefix.ToArray().Length));
        Assert.Equal(3, decoded.Messages.Count);
        for (var i = 0; i < 3; i++) AssertSame(rpc.Messages[i], decoded.Messages[i]);
    }

    [Fact]
    public void A_framed_rpc_with_control_or_subscriptions_is_its_encoding_behind_its_length()
    {
        var rpc = new PubSubRpc();
        rpc.Messages.Add(Message(500, 0x42));
        rpc.IDontWant.Add([9, 9]);
        rpc.Subscriptions.Add(new SubscriptionChange(true, "/t"));
        Assert.Equal(OpenLedger.Network.Encoding.LengthPrefixed.Frame(rpc.Encode()), rpc.EncodeFramed());
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

    [Theory]
    [MemberData(nameof(VarintBoundarySizes))]
    public void The_signing_bytes_written_in_place_equal_the_prefix_and_the_encoding_without_signature_and_key(int dataLength)
    {
        byte[] prefix = "libp2p-pubsub:"u8.ToArray();
        var message = Message(dataLength, 0x3C);
        var withoutFrom = new PubSubMessage { Data = message.Data, SequenceNumber = message.SequenceNumber, Topic = "t\u00e9" };
        foreach (var m in new[] { message, withoutFrom, new PubSubMessage { Topic = "" } })
        {
            var rented = m.RentSigningBytes(prefix, out var length);
            try
            {
                Assert.Equal([.. prefix, .. m.EncodeForSigning()], rented.AsSpan(0, length).ToArray());
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    [Fact]
    public void Messages_after_other_fields_and_with_long_length_prefixes_decode_from_their_place_in_the_frame()
    {
        // Subscriptions before the messages move them away from the frame's start; sizes around 128 and 16,384 give
        // the length prefixes of one, two and three bytes that the in-place decoder steps over.
        var rpc = new PubSubRpc();
        rpc.Subscriptions.Add(new SubscriptionChange(true, "/a"));
        foreach (var size in new[] { 0, 100, 127, 128, 16_383, 16_384, 70_000 }) rpc.Messages.Add(Message(size, (byte)size));
        var decoded = PubSubRpc.Decode(rpc.Encode());
        Assert.Equal(rpc.Messages.Count, decoded.Messages.Count);
        for (var i = 0; i < rpc.Messages.Count; i++) AssertSame(rpc.Messages[i], decoded.Messages[i]);
        Assert.Equal("/a", Assert.Single(decoded.Subscriptions).Topic);
    }
}
