using OpenLedger.Network.Encoding;

namespace OpenLedger.Network.Gossip;

/// <summary>
/// The pubsub Message protobuf { bytes from = 1; bytes data = 2; bytes seqno = 3; string topic = 4;
/// bytes signature = 5; bytes key = 6; }.
/// </summary>
public sealed class PubSubMessage
{
    public byte[]? From { get; init; }
    public byte[]? Data { get; init; }
    public byte[]? SequenceNumber { get; init; }
    public string Topic { get; init; } = "";
    public byte[]? Signature { get; set; }
    public byte[]? Key { get; set; }

    /// <summary>The bytes that StrictSign signs: the message without signature and key.</summary>
    public byte[] EncodeForSigning() => Encode(includeSignature: false);

    public byte[] Encode() => Encode(includeSignature: true);

    private byte[] Encode(bool includeSignature) => ProtobufFields.Encode(output =>
    {
        if (From is not null) ProtobufFields.WriteBytes(output, 1, From);
        if (Data is not null) ProtobufFields.WriteBytes(output, 2, Data);
        if (SequenceNumber is not null) ProtobufFields.WriteBytes(output, 3, SequenceNumber);
        ProtobufFields.WriteString(output, 4, Topic);
        if (includeSignature && Signature is not null) ProtobufFields.WriteBytes(output, 5, Signature);
        if (includeSignature && Key is not null) ProtobufFields.WriteBytes(output, 6, Key);
    });

    public static PubSubMessage Decode(ReadOnlySpan<byte> data) => Decode(data.ToArray());

    /// <summary>As the span overload, reading the array in place.</summary>
    public static PubSubMessage Decode(byte[] data)
    {
        byte[]? from = null, payload = null, seqno = null, signature = null, key = null;
        string? topic = null;
        ProtobufFields.Decode(data, (input, tag) =>
        {
            switch (tag)
            {
                case 10: from = ProtobufFields.ReadByteArray(input); return true;
                case 18: payload = ProtobufFields.ReadByteArray(input); return true;
                case 26: seqno = ProtobufFields.ReadByteArray(input); return true;
                case 34:
                    // Older peers send "repeated string topicIDs = 4"; more than one topic is not supported.
                    if (topic is not null) throw new FormatException("message names more than one topic");
                    topic = input.ReadString();
                    return true;
                case 42: signature = ProtobufFields.ReadByteArray(input); return true;
                case 50: key = ProtobufFields.ReadByteArray(input); return true;
                default: return false;
            }
        }, "pubsub Message");
        if (topic is null) throw new FormatException("pubsub message has no topic");
        return new PubSubMessage { From = from, Data = payload, SequenceNumber = seqno, Topic = topic, Signature = signature, Key = key };
    }
}
