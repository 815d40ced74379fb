using Google.Protobuf;

namespace OpenLedger.Network.Encoding;

/// <summary>
/// Small helpers for the hand-written protobuf codecs: decode errors surface as <see cref="FormatException"/>
/// and unknown fields are skipped, as the protobuf rules require.
/// </summary>
internal static class ProtobufFields
{
    public static void Decode(ReadOnlySpan<byte> data, Func<CodedInputStream, uint, bool> onField, string what) =>
        Decode(data.ToArray(), onField, what);

    /// <summary>As the span overload, reading the array in place (it must not change while this runs).</summary>
    public static void Decode(byte[] data, Func<CodedInputStream, uint, bool> onField, string what) => Decode(data, 0, data.Length, onField, what);

    /// <summary>As above, for the message in <paramref name="length"/> bytes of <paramref name="data"/> from <paramref name="offset"/>.</summary>
    public static void Decode(byte[] data, int offset, int length, Func<CodedInputStream, uint, bool> onField, string what)
    {
        try
        {
            var input = new CodedInputStream(data, offset, length);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (!onField(input, tag)) input.SkipLastField();
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new FormatException($"malformed {what} protobuf: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // Group or end-group tags that cannot be skipped.
            throw new FormatException($"malformed {what} protobuf: {e.Message}", e);
        }
    }

    /// <summary>
    /// Skips the length-delimited field whose tag <paramref name="input"/> (reading all of <paramref name="data"/>) has just
    /// read, and returns where its bytes are in <paramref name="data"/>: an embedded message to decode in place rather
    /// than from a copy.
    /// </summary>
    public static (int Offset, int Length) SkipLengthDelimited(CodedInputStream input, byte[] data)
    {
        var start = (int)input.Position;
        input.SkipLastField(); // validates the length against what remains
        var end = (int)input.Position;
        // The length prefix is a varint of at most 5 bytes (lengths are below 2 GiB); the field's bytes follow it.
        var at = start;
        while ((data[at] & 0x80) != 0) at++;
        at++;
        return (at, end - at);
    }

    public static uint Tag(int field, WireFormat.WireType type) => WireFormat.MakeTag(field, type);

    /// <summary>Streams kept per thread, one per nesting level (an RPC encodes its messages inside its own encoding).</summary>
    [ThreadStatic] private static List<MemoryStream>? _scratch;
    [ThreadStatic] private static int _depth;

    /// <summary>A scratch stream that grew past this is dropped after use rather than kept for the thread.</summary>
    private const int MaxRetainedScratch = 4 * 1024 * 1024;

    /// <summary>
    /// The bytes <paramref name="write"/> produces, in an exactly sized array. The writing goes to a per-thread
    /// scratch stream that keeps its capacity between calls, so a large message (a 256 KiB transaction batch) costs one
    /// copy instead of a growing stream's doublings.
    /// </summary>
    public static byte[] Encode(Action<CodedOutputStream> write)
    {
        var scratch = _scratch ??= [];
        if (_depth == scratch.Count) scratch.Add(new MemoryStream());
        var memory = scratch[_depth++];
        try
        {
            memory.SetLength(0);
            var output = new CodedOutputStream(memory, leaveOpen: true);
            write(output);
            output.Flush();
            return memory.ToArray();
        }
        finally
        {
            _depth--;
            if (memory.Capacity > MaxRetainedScratch) scratch[_depth] = new MemoryStream();
        }
    }

    public static void WriteBytes(CodedOutputStream output, int field, ReadOnlySpan<byte> value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(value));
    }

    /// <summary>As the span overload, without copying the array into a <see cref="ByteString"/> first (it is only read, before this returns).</summary>
    public static void WriteBytes(CodedOutputStream output, int field, byte[] value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(UnsafeByteOperations.UnsafeWrap(value));
    }

    /// <summary>
    /// A length-delimited field's bytes as an array of their own: the array <see cref="CodedInputStream.ReadBytes"/>
    /// already allocated for them when it is exactly theirs (no second copy), else a copy.
    /// </summary>
    public static byte[] ReadByteArray(CodedInputStream input)
    {
        var bytes = input.ReadBytes();
        return System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes.Memory, out var segment)
               && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : bytes.ToByteArray();
    }

    public static void WriteString(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }
}
