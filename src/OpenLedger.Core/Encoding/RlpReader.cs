using System.Buffers.Binary;
using System.Numerics;

namespace OpenLedger.Core.Encoding;

/// <summary>
/// A strict, zero-copy RLP reader over a span. Strict means only the canonical encoding of a value is
/// accepted: a single byte below 0x80 must be encoded as itself, the long forms only for 56+ bytes,
/// lengths without leading zeros, integers without leading zeros, and nothing past the declared end.
/// Every violation throws <see cref="RlpException"/> saying what is wrong and where.
/// </summary>
public ref struct RlpReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _base;
    private int _position;

    public RlpReader(ReadOnlySpan<byte> data) : this(data, 0)
    {
    }

    private RlpReader(ReadOnlySpan<byte> data, int baseOffset)
    {
        _data = data;
        _base = baseOffset;
        _position = 0;
    }

    public readonly bool HasMore => _position < _data.Length;

    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    /// <summary>True when the next item is a list.</summary>
    public readonly bool PeekIsList()
    {
        if (!HasMore) throw Error("unexpected end of input");
        return _data[_position] >= 0xc0;
    }

    /// <summary>The next item's complete encoding (prefix and payload), without interpreting it.</summary>
    public ReadOnlySpan<byte> ReadEncodedItem()
    {
        var start = _position;
        ReadHeader(out _, out var payloadLength, out var headerLength);
        _position = start + headerLength + payloadLength;
        return _data.Slice(start, headerLength + payloadLength);
    }

    /// <summary>Reads a byte string and returns a view of its payload.</summary>
    public ReadOnlySpan<byte> ReadBytes()
    {
        var start = _position;
        ReadHeader(out var isList, out var payloadLength, out var headerLength);
        if (isList) throw Error("expected a byte string, found a list", start);
        var payload = _data.Slice(start + headerLength, payloadLength);
        _position = start + headerLength + payloadLength;
        return payload;
    }

    /// <summary>Reads a byte string of exactly <paramref name="length"/> bytes (a hash, an address).</summary>
    public ReadOnlySpan<byte> ReadBytes(int length, string what)
    {
        var start = _position;
        var bytes = ReadBytes();
        if (bytes.Length != length) throw Error($"{what} must be {length} bytes, got {bytes.Length}", start);
        return bytes;
    }

    /// <summary>Enters a list; the returned reader sees only the list's payload.</summary>
    public RlpReader ReadList()
    {
        var start = _position;
        ReadHeader(out var isList, out var payloadLength, out var headerLength);
        if (!isList) throw Error("expected a list, found a byte string", start);
        var inner = new RlpReader(_data.Slice(start + headerLength, payloadLength), _base + start + headerLength);
        _position = start + headerLength + payloadLength;
        return inner;
    }

    public ulong ReadUInt64(string what = "integer")
    {
        var start = _position;
        var bytes = ReadInteger(what, start);
        if (bytes.Length > 8) throw Error($"{what} does not fit in 64 bits", start);
        ulong value = 0;
        foreach (var b in bytes) value = (value << 8) | b;
        return value;
    }

    public UInt128 ReadUInt128(string what = "integer")
    {
        var start = _position;
        var bytes = ReadInteger(what, start);
        if (bytes.Length > 16) throw Error($"{what} does not fit in 128 bits", start);
        UInt128 value = 0;
        foreach (var b in bytes) value = (value << 8) | b;
        return value;
    }

    /// <summary>An unsigned integer of up to 256 bits (signature r, s).</summary>
    public BigInteger ReadUInt256(string what = "integer")
    {
        var start = _position;
        var bytes = ReadInteger(what, start);
        if (bytes.Length > 32) throw Error($"{what} does not fit in 256 bits", start);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    public readonly void EnsureEnd(string what = "input")
    {
        if (HasMore) throw Error($"{Remaining} unexpected trailing byte(s) after {what}");
    }

    private ReadOnlySpan<byte> ReadInteger(string what, int start)
    {
        var bytes = ReadBytes();
        if (bytes.Length > 0 && bytes[0] == 0) throw Error($"{what} has leading zero bytes (non-canonical)", start);
        return bytes;
    }

    private void ReadHeader(out bool isList, out int payloadLength, out int headerLength)
    {
        if (!HasMore) throw Error("unexpected end of input");
        var prefix = _data[_position];
        var available = _data.Length - _position;
        if (prefix < 0x80)
        {
            isList = false;
            payloadLength = 1;
            headerLength = 0;
            return;
        }
        if (prefix <= 0xb7)
        {
            isList = false;
            headerLength = 1;
            payloadLength = prefix - 0x80;
            if (payloadLength == 1)
            {
                if (available < 2) throw Error("byte string runs past the end of the input");
                if (_data[_position + 1] < 0x80)
                    throw Error("single byte below 0x80 must be encoded as itself (non-canonical)");
            }
        }
        else if (prefix <= 0xbf)
        {
            isList = false;
            var lengthOfLength = prefix - 0xb7;
            payloadLength = ReadLongLength(lengthOfLength, available);
            headerLength = 1 + lengthOfLength;
        }
        else if (prefix <= 0xf7)
        {
            isList = true;
            headerLength = 1;
            payloadLength = prefix - 0xc0;
        }
        else
        {
            isList = true;
            var lengthOfLength = prefix - 0xf7;
            payloadLength = ReadLongLength(lengthOfLength, available);
            headerLength = 1 + lengthOfLength;
        }
        if ((long)headerLength + payloadLength > available)
            throw Error($"item declares {payloadLength} payload bytes but only {available - headerLength} remain");
    }

    private readonly int ReadLongLength(int lengthOfLength, int available)
    {
        if (available < 1 + lengthOfLength) throw Error("length prefix runs past the end of the input");
        var lengthBytes = _data.Slice(_position + 1, lengthOfLength);
        if (lengthBytes[0] == 0) throw Error("length has leading zero bytes (non-canonical)");
        if (lengthOfLength > 4) throw Error("length does not fit in 32 bits");
        ulong length = 0;
        foreach (var b in lengthBytes) length = (length << 8) | b;
        if (length < 56) throw Error($"long form used for a length of {length} (< 56, non-canonical)");
        if (length > int.MaxValue) throw Error("length does not fit in 31 bits");
        return (int)length;
    }

    private readonly RlpException Error(string message, int? at = null) =>
        new($"invalid RLP at byte {_base + (at ?? _position)}: {message}");
}
