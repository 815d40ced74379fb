using Google.Protobuf;

namespace OpenLedger.Network.Encoding;

/// <summary>
/// Small helpers for the hand-written protobuf codecs: decode errors surface as <see cref="FormatException"/>
/// and unknown fields are skipped, as the protobuf rules require.
/// </summary>
internal static class ProtobufFields
{
    public static void Decode(ReadOnlySpan<byte> data, Func<CodedInputStream, uint, bool> onField, string what)
    {
        try
        {
            var input = new CodedInputStream(data.ToArray());
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

    public static uint Tag(int field, WireFormat.WireType type) => WireFormat.MakeTag(field, type);

    public static byte[] Encode(Action<CodedOutputStream> write)
    {
        using var memory = new MemoryStream();
        var output = new CodedOutputStream(memory);
        write(output);
        output.Flush();
        return memory.ToArray();
    }

    public static void WriteBytes(CodedOutputStream output, int field, ReadOnlySpan<byte> value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(value));
    }

    public static void WriteString(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }
}
