using System.Buffers.Binary;
using System.Numerics;

namespace OpenLedger.Core.Encoding;

/// <summary>
/// Builds RLP into one growable buffer. Lists are written as <see cref="BeginList"/> / <see cref="EndList"/>;
/// the payload is written first and the header inserted afterwards, so callers never compute lengths.
/// </summary>
public sealed class RlpWriter
{
    private byte[] _buffer;
    private int _length;

    public RlpWriter(int capacity = 256)
    {
        _buffer = new byte[Math.Max(16, capacity)];
    }

    /// <summary>
    /// Writes into <paramref name="buffer"/> from its start (a rented or exactly sized array); if it is too small the
    /// writer moves to a larger array of its own, so check <see cref="Length"/> before relying on the buffer's content.
    /// </summary>
    public RlpWriter(byte[] buffer)
    {
        _buffer = buffer;
    }

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    public void Reset() => _length = 0;

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 1 && bytes[0] < 0x80)
        {
            Ensure(1);
            _buffer[_length++] = bytes[0];
            return;
        }
        WriteHeader(0x80, bytes.Length);
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void WriteString(string text) => WriteBytes(System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Appends an already-encoded RLP item verbatim.</summary>
    public void WriteEncoded(ReadOnlySpan<byte> encoded)
    {
        Ensure(encoded.Length);
        encoded.CopyTo(_buffer.AsSpan(_length));
        _length += encoded.Length;
    }

    public void WriteUInt64(ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        WriteBytes(TrimLeadingZeros(bytes));
    }

    public void WriteUInt128(UInt128 value)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        WriteBytes(TrimLeadingZeros(bytes));
    }

    public void WriteBigInteger(BigInteger value)
    {
        if (value.Sign < 0) throw new ArgumentOutOfRangeException(nameof(value), "RLP integers are unsigned");
        if (value.IsZero)
        {
            WriteBytes([]);
            return;
        }
        WriteBytes(value.ToByteArray(isUnsigned: true, isBigEndian: true));
    }

    public void WriteBool(bool value) => WriteUInt64(value ? 1UL : 0UL);

    /// <summary>
    /// Writes the header of a list whose payload length is known in advance; the caller then writes exactly that many
    /// bytes of items. Unlike <see cref="BeginList"/>/<see cref="EndList"/> nothing is moved afterwards, which matters
    /// for payloads of hundreds of kilobytes (a full block, its receipts).
    /// </summary>
    public void WriteListHeader(int payloadLength) => WriteHeader(0xc0, payloadLength);

    /// <summary>Marks the start of a list; pass the returned token to <see cref="EndList"/>.</summary>
    public int BeginList() => _length;

    public void EndList(int start) => InsertHeader(0xc0, start);

    /// <summary>
    /// Makes what was written since <paramref name="start"/> (a <see cref="BeginList"/> position) one byte string, as
    /// <see cref="WriteBytes"/> of those bytes would have: an encoding nested as bytes, written without a copy of its own.
    /// </summary>
    public void EndBytes(int start)
    {
        if (_length - start == 1 && _buffer[start] < 0x80) return;
        InsertHeader(0x80, start);
    }

    private void InsertHeader(byte offset, int start)
    {
        var payloadLength = _length - start;
        Span<byte> header = stackalloc byte[9];
        var headerLength = EncodeHeader(offset, payloadLength, header);
        Ensure(headerLength);
        Array.Copy(_buffer, start, _buffer, start + headerLength, payloadLength);
        header[..headerLength].CopyTo(_buffer.AsSpan(start));
        _length += headerLength;
    }

    private void WriteHeader(byte offset, int payloadLength)
    {
        Span<byte> header = stackalloc byte[9];
        var headerLength = EncodeHeader(offset, payloadLength, header);
        Ensure(headerLength);
        header[..headerLength].CopyTo(_buffer.AsSpan(_length));
        _length += headerLength;
    }

    [ThreadStatic] private static RlpWriter? _threadWriter;
    private const int MaxRetainedThreadWriter = 64 * 1024;

    /// <summary>
    /// This thread's reusable writer, empty, for an encoding that is hashed or copied before <see cref="ReturnForThread"/>
    /// (signing hashes, receipts: thousands per block, one writer instead of a buffer each). A re-entrant call on the
    /// same thread gets a fresh writer.
    /// </summary>
    internal static RlpWriter RentForThread()
    {
        var writer = _threadWriter ?? new RlpWriter(256);
        _threadWriter = null;
        writer.Reset();
        return writer;
    }

    /// <summary>Gives <paramref name="writer"/> back to this thread, unless it grew too large to keep.</summary>
    internal static void ReturnForThread(RlpWriter writer)
    {
        if (writer.Length <= MaxRetainedThreadWriter) _threadWriter = writer;
    }

    /// <summary>The length of a list or string header for a payload of this length (0 for a single byte below 0x80 is the caller's case).</summary>
    public static int HeaderLength(int payloadLength) =>
        payloadLength < 56 ? 1 : 1 + (8 - System.Numerics.BitOperations.LeadingZeroCount((ulong)payloadLength) / 8);

    /// <summary>The encoded length of a byte string, as <see cref="WriteBytes"/> writes it.</summary>
    public static int BytesLength(ReadOnlySpan<byte> bytes) =>
        bytes.Length == 1 && bytes[0] < 0x80 ? 1 : HeaderLength(bytes.Length) + bytes.Length;

    private static int EncodeHeader(byte offset, int payloadLength, Span<byte> header)
    {
        if (payloadLength < 56)
        {
            header[0] = (byte)(offset + payloadLength);
            return 1;
        }
        Span<byte> lengthBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(lengthBytes, (ulong)payloadLength);
        var trimmed = TrimLeadingZeros(lengthBytes);
        header[0] = (byte)(offset + 55 + trimmed.Length);
        trimmed.CopyTo(header[1..]);
        return 1 + trimmed.Length;
    }

    private static ReadOnlySpan<byte> TrimLeadingZeros(ReadOnlySpan<byte> bytes)
    {
        var first = bytes.IndexOfAnyExcept((byte)0);
        return first < 0 ? [] : bytes[first..];
    }

    private void Ensure(int extra)
    {
        if (_length + extra <= _buffer.Length) return;
        var size = Math.Max(_buffer.Length * 2, _length + extra);
        Array.Resize(ref _buffer, size);
    }
}
