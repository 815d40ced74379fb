using System.Buffers.Binary;

namespace OpenLedger.Network.Yamux;

/// <summary>
/// The 12-byte Yamux header: version (0), type, flags (u16), stream id (u32), length (u32), all big-endian.
/// For Data the length is the payload size, for WindowUpdate the window delta, for Ping an opaque value,
/// for GoAway the error code.
/// </summary>
public readonly record struct YamuxFrameHeader(YamuxFrameType Type, YamuxFlags Flags, uint StreamId, uint Length)
{
    public const int Size = 12;
    public const byte Version = 0;

    public void Write(Span<byte> destination)
    {
        destination[0] = Version;
        destination[1] = (byte)Type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)Flags);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], StreamId);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Length);
    }

    /// <exception cref="YamuxException">Unknown version, type or flag bits.</exception>
    public static YamuxFrameHeader Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size) throw new YamuxException("truncated yamux header");
        if (source[0] != Version) throw new YamuxException($"unsupported yamux version {source[0]}");
        if (source[1] > (byte)YamuxFrameType.GoAway) throw new YamuxException($"unknown yamux frame type {source[1]}");
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(source[2..]);
        if ((flags & ~0xF) != 0) throw new YamuxException($"unknown yamux flags 0x{flags:x4}");
        return new YamuxFrameHeader(
            (YamuxFrameType)source[1], (YamuxFlags)flags,
            BinaryPrimitives.ReadUInt32BigEndian(source[4..]), BinaryPrimitives.ReadUInt32BigEndian(source[8..]));
    }
}
