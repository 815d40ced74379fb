using System.Buffers;
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

    /// <summary>
    /// <paramref name="prefix"/> followed by <see cref="EncodeForSigning"/>'s bytes, written into an array rented from
    /// <see cref="ArrayPool{T}.Shared"/> (the caller returns it): what a signature check verifies, without the two
    /// message-sized arrays (the encoding, then the concatenation) it would otherwise allocate per message.
    /// </summary>
    public byte[] RentSigningBytes(ReadOnlySpan<byte> prefix, out int length)
    {
        length = prefix.Length + EncodedLength(includeSignature: false);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        prefix.CopyTo(buffer);
        WriteTo(buffer.AsSpan(0, length), prefix.Length, includeSignature: false);
        return buffer;
    }

    private static int FieldLength(byte[]? value) => value is null ? 0 : 1 + Varint.SizeOf((ulong)value.Length) + value.Length;

    private static int WriteField(Span<byte> span, int at, int field, byte[]? value)
    {
        if (value is null) return at;
        span[at++] = (byte)(field << 3 | 2);
        at += Varint.Write(span[at..], (ulong)value.Length);
        value.CopyTo(span[at..]);
        return at + value.Length;
    }

    private byte[] Encode(bool includeSignature)
    {
        var encoded = new byte[EncodedLength(includeSignature)];
        var end = WriteTo(encoded, 0, includeSignature);
        System.Diagnostics.Debug.Assert(end == encoded.Length);
        return encoded;
    }

    /// <summary>The length of <see cref="Encode()"/>'s bytes, computed without encoding.</summary>
    internal int EncodedLength(bool includeSignature = true)
    {
        var topicLength = System.Text.Encoding.UTF8.GetByteCount(Topic);
        var length = FieldLength(From) + FieldLength(Data) + FieldLength(SequenceNumber) + 1 + Varint.SizeOf((ulong)topicLength) + topicLength;
        if (includeSignature) length += FieldLength(Signature) + FieldLength(Key);
        return length;
    }

    /// <summary>Writes <see cref="Encode()"/>'s bytes at <paramref name="at"/> (room for <see cref="EncodedLength"/> bytes) and returns where they end.</summary>
    internal int WriteTo(Span<byte> span, int at, bool includeSignature = true)
    {
        at = WriteField(span, at, 1, From);
        at = WriteField(span, at, 2, Data);
        at = WriteField(span, at, 3, SequenceNumber);
        span[at++] = 4 << 3 | 2;
        at += Varint.Write(span[at..], (ulong)System.Text.Encoding.UTF8.GetByteCount(Topic));
        at += System.Text.Encoding.UTF8.GetBytes(Topic, span[at..]);
        if (includeSignature)
        {
            at = WriteField(span, at, 5, Signature);
            at = WriteField(span, at, 6, Key);
        }
        return at;
    }

    public static PubSubMessage Decode(ReadOnlySpan<byte> data) => Decode(data.ToArray());

    /// <summary>As the span overload, reading the array in place.</summary>
    public static PubSubMessage Decode(byte[] data) => Decode(data, 0, data.Length);

    /// <summary>The message in <paramref name="length"/> bytes of <paramref name="data"/> from <paramref name="offset"/>, read in place (an RPC's frame).</summary>
    public static PubSubMessage Decode(byte[] data, int offset, int length)
    {
        byte[]? from = null, payload = null, seqno = null, signature = null, key = null;
        string? topic = null;
        ProtobufFields.Decode(data, offset, length, (input, tag) =>
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
