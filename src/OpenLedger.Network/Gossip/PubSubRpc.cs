using OpenLedger.Network.Encoding;

namespace OpenLedger.Network.Gossip;

public sealed record SubscriptionChange(bool Subscribe, string Topic);

public sealed record ControlIHave(string Topic, IReadOnlyList<byte[]> MessageIds);

public sealed record ControlPrune(string Topic, ulong? BackoffSeconds);

/// <summary>
/// The pubsub RPC envelope { repeated SubOpts subscriptions = 1; repeated Message publish = 2; ControlMessage control = 3; }
/// with ControlMessage { ihave = 1; iwant = 2; graft = 3; prune = 4; idontwant = 5 } (IDONTWANT: gossipsub v1.2,
/// ControlIDontWant { repeated bytes messageIDs = 1; }).
/// Decoding enforces per-RPC limits so a single frame cannot make us allocate without bound.
/// </summary>
public sealed class PubSubRpc
{
    public const int MaxEntriesPerRpc = 10_000;

    public List<SubscriptionChange> Subscriptions { get; } = [];
    public List<PubSubMessage> Messages { get; } = [];
    public List<ControlIHave> IHave { get; } = [];
    public List<byte[]> IWant { get; } = [];
    public List<string> Graft { get; } = [];
    public List<ControlPrune> Prune { get; } = [];
    public List<byte[]> IDontWant { get; } = [];

    public bool HasControl => IHave.Count > 0 || IWant.Count > 0 || Graft.Count > 0 || Prune.Count > 0 || IDontWant.Count > 0;

    public bool IsEmpty => Subscriptions.Count == 0 && Messages.Count == 0 && !HasControl;

    public byte[] Encode() => ProtobufFields.Encode(output =>
    {
        foreach (var sub in Subscriptions)
        {
            ProtobufFields.WriteBytes(output, 1, ProtobufFields.Encode(o =>
            {
                o.WriteTag(1, Google.Protobuf.WireFormat.WireType.Varint);
                o.WriteBool(sub.Subscribe);
                ProtobufFields.WriteString(o, 2, sub.Topic);
            }));
        }
        foreach (var message in Messages) ProtobufFields.WriteBytes(output, 2, message.Encode());
        if (HasControl) ProtobufFields.WriteBytes(output, 3, EncodeControl());
    });

    /// <summary>
    /// <see cref="Encode"/>'s bytes behind their uvarint length: the frame a gossipsub stream carries. An RPC of
    /// messages only (every publish and forward) is written straight into one exactly sized array; a message is
    /// not first encoded on its own, then copied into the RPC, then into the frame (three copies of a proposal-sized
    /// payload, each a large-object allocation that brings the next full collection closer).
    /// </summary>
    public byte[] EncodeFramed()
    {
        if (Subscriptions.Count > 0 || HasControl) return LengthPrefixed.Frame(Encode());
        var lengths = Messages.Count <= 16 ? stackalloc int[Messages.Count] : new int[Messages.Count];
        long payload = 0;
        for (var i = 0; i < Messages.Count; i++)
        {
            lengths[i] = Messages[i].EncodedLength();
            payload += 1 + Varint.SizeOf((ulong)lengths[i]) + lengths[i];
        }
        if (payload > int.MaxValue - 5) throw new InvalidOperationException($"an RPC of {payload} bytes cannot be framed");
        var frame = new byte[Varint.SizeOf((ulong)payload) + (int)payload];
        var at = Varint.Write(frame, (ulong)payload);
        for (var i = 0; i < Messages.Count; i++)
        {
            frame[at++] = 2 << 3 | 2;
            at += Varint.Write(frame.AsSpan(at), (ulong)lengths[i]);
            at = Messages[i].WriteTo(frame, at);
        }
        System.Diagnostics.Debug.Assert(at == frame.Length);
        return frame;
    }

    private byte[] EncodeControl() => ProtobufFields.Encode(output =>
    {
        foreach (var ihave in IHave)
        {
            ProtobufFields.WriteBytes(output, 1, ProtobufFields.Encode(o =>
            {
                ProtobufFields.WriteString(o, 1, ihave.Topic);
                foreach (byte[] id in ihave.MessageIds) ProtobufFields.WriteBytes(o, 2, id);
            }));
        }
        if (IWant.Count > 0)
        {
            ProtobufFields.WriteBytes(output, 2, ProtobufFields.Encode(o =>
            {
                foreach (byte[] id in IWant) ProtobufFields.WriteBytes(o, 1, id);
            }));
        }
        foreach (string topic in Graft)
            ProtobufFields.WriteBytes(output, 3, ProtobufFields.Encode(o => ProtobufFields.WriteString(o, 1, topic)));
        foreach (var prune in Prune)
        {
            ProtobufFields.WriteBytes(output, 4, ProtobufFields.Encode(o =>
            {
                ProtobufFields.WriteString(o, 1, prune.Topic);
                if (prune.BackoffSeconds is { } backoff)
                {
                    o.WriteTag(3, Google.Protobuf.WireFormat.WireType.Varint);
                    o.WriteUInt64(backoff);
                }
            }));
        }
        if (IDontWant.Count > 0)
        {
            ProtobufFields.WriteBytes(output, 5, ProtobufFields.Encode(o =>
            {
                foreach (byte[] id in IDontWant) ProtobufFields.WriteBytes(o, 1, id);
            }));
        }
    });

    /// <exception cref="FormatException">Malformed protobuf or limits exceeded.</exception>
    public static PubSubRpc Decode(ReadOnlySpan<byte> data) => Decode(data.ToArray());

    /// <summary>As the span overload, reading the frame in place: a transaction batch is not copied once per nesting level.</summary>
    /// <exception cref="FormatException">Malformed protobuf or limits exceeded.</exception>
    public static PubSubRpc Decode(byte[] data) => Decode(data, data.Length);

    /// <summary>The RPC in the first <paramref name="length"/> bytes of <paramref name="data"/>; nothing decoded refers to the array afterwards (a pooled frame can be returned).</summary>
    /// <exception cref="FormatException">Malformed protobuf or limits exceeded.</exception>
    public static PubSubRpc Decode(byte[] data, int length)
    {
        var rpc = new PubSubRpc();
        int entries = 0;
        void Count()
        {
            if (++entries > MaxEntriesPerRpc) throw new FormatException($"RPC carries more than {MaxEntriesPerRpc} entries");
        }
        ProtobufFields.Decode(data, 0, length, (input, tag) =>
        {
            switch (tag)
            {
                case 10:
                    Count();
                    bool subscribe = false;
                    string? topic = null;
                    ProtobufFields.Decode(input.ReadBytes().Span, (sub, subTag) =>
                    {
                        if (subTag == 8) { subscribe = sub.ReadBool(); return true; }
                        if (subTag == 18) { topic = sub.ReadString(); return true; }
                        return false;
                    }, "SubOpts");
                    if (topic is null) throw new FormatException("subscription without a topic");
                    rpc.Subscriptions.Add(new SubscriptionChange(subscribe, topic));
                    return true;
                case 18:
                    Count();
                    var (offset, length) = ProtobufFields.SkipLengthDelimited(input, data);
                    rpc.Messages.Add(PubSubMessage.Decode(data, offset, length));
                    return true;
                case 26:
                    DecodeControl(ProtobufFields.ReadByteArray(input), rpc, Count);
                    return true;
                default:
                    return false;
            }
        }, "RPC");
        return rpc;
    }

    private static void DecodeControl(byte[] data, PubSubRpc rpc, Action count)
    {
        ProtobufFields.Decode(data, (input, tag) =>
        {
            switch (tag)
            {
                case 10:
                {
                    string topic = "";
                    var ids = new List<byte[]>();
                    ProtobufFields.Decode(input.ReadBytes().Span, (o, t) =>
                    {
                        if (t == 10) { topic = o.ReadString(); return true; }
                        if (t == 18) { count(); ids.Add(ProtobufFields.ReadByteArray(o)); return true; }
                        return false;
                    }, "ControlIHave");
                    rpc.IHave.Add(new ControlIHave(topic, ids));
                    return true;
                }
                case 18:
                    DecodeMessageIds(input, rpc.IWant, count, "ControlIWant");
                    return true;
                case 26:
                {
                    count();
                    string? topic = null;
                    ProtobufFields.Decode(input.ReadBytes().Span, (o, t) =>
                    {
                        if (t == 10) { topic = o.ReadString(); return true; }
                        return false;
                    }, "ControlGraft");
                    if (topic is null) throw new FormatException("GRAFT without a topic");
                    rpc.Graft.Add(topic);
                    return true;
                }
                case 34:
                {
                    count();
                    string? topic = null;
                    ulong? backoff = null;
                    ProtobufFields.Decode(input.ReadBytes().Span, (o, t) =>
                    {
                        if (t == 10) { topic = o.ReadString(); return true; }
                        if (t == 24) { backoff = o.ReadUInt64(); return true; }
                        return false; // peer exchange records (field 2) are not used
                    }, "ControlPrune");
                    if (topic is null) throw new FormatException("PRUNE without a topic");
                    rpc.Prune.Add(new ControlPrune(topic, backoff));
                    return true;
                }
                case 42:
                    DecodeMessageIds(input, rpc.IDontWant, count, "ControlIDontWant");
                    return true;
                default:
                    return false; // future extensions are ignored
            }
        }, "ControlMessage");
    }

    /// <summary>ControlIWant and ControlIDontWant: { repeated bytes messageIDs = 1; }, each id counted against the RPC's limit.</summary>
    private static void DecodeMessageIds(Google.Protobuf.CodedInputStream input, List<byte[]> into, Action count, string what) =>
        ProtobufFields.Decode(input.ReadBytes().Span, (o, t) =>
        {
            if (t == 10) { count(); into.Add(ProtobufFields.ReadByteArray(o)); return true; }
            return false;
        }, what);
}
