using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Abi;

/// <summary>
/// Strict ABI decoding over a span. Accepts what Solidity's decoder accepts (offsets anywhere inside the
/// data, trailing bytes after the encoding), and refuses everything that is malformed or ambiguous:
/// offsets and lengths outside the data, values that do not fit their type (dirty high bits, wrong sign
/// extension, bool other than 0/1, non-zero padding), invalid UTF-8 in strings, and aliased offsets that make
/// the decoder read the same bytes twice. The last rule bounds the work to one pass over the data, so a
/// small calldata cannot expand into a huge decoded value (the quadratic "offset bomb").
/// </summary>
internal ref struct AbiDecoder
{
    private static readonly object BoxedTrue = true;
    private static readonly object BoxedFalse = false;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private AbiLocation _location;
    private int _wordBudget;

    public AbiDecoder(ReadOnlySpan<byte> data, AbiLocation location)
    {
        _data = data;
        _location = location;
        // Every 32-byte read takes distinct bytes unless offsets alias, so a valid encoding fits this budget.
        _wordBudget = data.Length / AbiType.WordSize;
    }

    public object[] DecodeAll(IReadOnlyList<AbiType> types, string label)
    {
        long headSize = 0;
        for (var i = 0; i < types.Count; i++) headSize += types[i].HeadSize;
        if (headSize > _data.Length)
        {
            throw new AbiException(
                $"ABI data too short: {types.Count} {label}{(types.Count == 1 ? "" : "s")} ({string.Join(",", types)}) " +
                $"need at least {headSize} bytes, got {_data.Length}");
        }
        var values = new object[types.Count];
        var head = 0;
        for (var i = 0; i < types.Count; i++)
        {
            var type = types[i];
            _location.Begin(i, type);
            values[i] = DecodeInHead(type, 0, head);
            head += type.HeadSize;
        }
        return values;
    }

    private object DecodeInHead(AbiType type, int frameStart, int headPosition) =>
        type.IsDynamic ? DecodeValue(type, ReadOffset(type, frameStart, headPosition)) : DecodeValue(type, headPosition);

    private object DecodeValue(AbiType type, int position)
    {
        switch (type.Kind)
        {
            case AbiTypeKind.Bytes:
                return ReadDynamicBytes(type, position).ToArray();
            case AbiTypeKind.String:
                var utf8 = ReadDynamicBytes(type, position);
                try
                {
                    return StrictUtf8.GetString(utf8);
                }
                catch (DecoderFallbackException)
                {
                    throw _location.Fail(type, "string is not valid UTF-8");
                }
            case AbiTypeKind.Array:
            {
                var element = type.ElementType!;
                var count = ReadLength(type, position);
                long available = _data.Length - (position + AbiType.WordSize);
                var needed = (long)count * element.HeadSize;
                if (needed > available)
                    throw _location.Fail(type, $"array length {count} needs at least {needed} bytes but only {available} remain");
                return DecodeSequence(element, null, count, position + AbiType.WordSize);
            }
            case AbiTypeKind.FixedArray:
            {
                // A dynamic T[k] has a 32-byte head, so k can be far larger than the data: check before allocating.
                long available = _data.Length - position;
                var needed = (long)type.FixedLength * type.ElementType!.HeadSize;
                if (needed > available)
                    throw _location.Fail(type, $"{type} needs at least {needed} bytes but only {available} remain");
                return DecodeSequence(type.ElementType, null, type.FixedLength, position);
            }
            case AbiTypeKind.Tuple:
            {
                long available = _data.Length - position;
                long needed = 0;
                foreach (var component in type.Components) needed += component.HeadSize;
                if (needed > available)
                    throw _location.Fail(type, $"{type} needs at least {needed} bytes but only {available} remain");
                return DecodeSequence(null, type.Components, type.Components.Count, position);
            }
            default:
                return DecodeWord(type, ReadWord(type, position));
        }
    }

    private object[] DecodeSequence(AbiType? element, IReadOnlyList<AbiType>? components, int count, int frameStart)
    {
        var values = new object[count];
        var head = frameStart;
        for (var i = 0; i < count; i++)
        {
            var type = element ?? components![i];
            _location.Push(i, element is not null);
            values[i] = DecodeInHead(type, frameStart, head);
            _location.Pop();
            head += type.HeadSize;
        }
        return values;
    }

    private object DecodeWord(AbiType type, ReadOnlySpan<byte> word)
    {
        switch (type.Kind)
        {
            case AbiTypeKind.UInt:
            {
                var size = type.Bits / 8;
                if (word[..(AbiType.WordSize - size)].ContainsAnyExcept((byte)0))
                    throw _location.Fail(type, $"value 0x{Convert.ToHexStringLower(word)} does not fit in {type} (high bits set)");
                return word[..24].ContainsAnyExcept((byte)0)
                    ? new BigInteger(word[(AbiType.WordSize - size)..], isUnsigned: true, isBigEndian: true)
                    : new BigInteger(BinaryPrimitives.ReadUInt64BigEndian(word[24..]));
            }
            case AbiTypeKind.Int:
            {
                var size = type.Bits / 8;
                var signFill = (word[AbiType.WordSize - size] & 0x80) != 0 ? (byte)0xff : (byte)0;
                if (word[..(AbiType.WordSize - size)].ContainsAnyExcept(signFill))
                    throw _location.Fail(type, $"value 0x{Convert.ToHexStringLower(word)} is not a sign-extended {type}");
                // The last 8 bytes hold the whole value when everything before them is sign fill agreeing with their top bit.
                var fitsInLong = size <= 8 || (!word[..24].ContainsAnyExcept(signFill) && (word[24] & 0x80) == (signFill & 0x80));
                return fitsInLong
                    ? new BigInteger(BinaryPrimitives.ReadInt64BigEndian(word[24..]))
                    : new BigInteger(word[(AbiType.WordSize - size)..], isUnsigned: false, isBigEndian: true);
            }
            case AbiTypeKind.Address:
                if (word[..12].ContainsAnyExcept((byte)0))
                    throw _location.Fail(type, $"0x{Convert.ToHexStringLower(word)} has non-zero bytes in the 12 padding bytes before the address");
                return new Address(word[12..]);
            case AbiTypeKind.Bool:
                if (word[..31].ContainsAnyExcept((byte)0) || word[31] > 1)
                    throw _location.Fail(type, $"a bool is 0 or 1, got 0x{Convert.ToHexStringLower(word)}");
                return word[31] == 1 ? BoxedTrue : BoxedFalse;
            case AbiTypeKind.FixedBytes:
                if (word[type.ByteLength..].ContainsAnyExcept((byte)0))
                    throw _location.Fail(type, $"0x{Convert.ToHexStringLower(word)} has non-zero padding after its {type.ByteLength} bytes");
                return word[..type.ByteLength].ToArray();
            default:
                throw new InvalidOperationException($"{type} is not a one-word type");
        }
    }

    private ReadOnlySpan<byte> ReadWord(AbiType type, int position)
    {
        if (position > _data.Length - AbiType.WordSize)
            throw _location.Fail(type, $"ABI data too short: needs 32 bytes at offset {position}, has {_data.Length} bytes");
        if (--_wordBudget < 0)
            throw _location.Fail(type, "offsets alias: the data would be read more than once, which valid encodings never need");
        return _data.Slice(position, AbiType.WordSize);
    }

    private int ReadOffset(AbiType type, int frameStart, int headPosition)
    {
        var word = ReadWord(type, headPosition);
        if (word[..28].ContainsAnyExcept((byte)0))
            throw _location.Fail(type, $"offset 0x{Convert.ToHexStringLower(word).TrimStart('0')} points past the end of the data ({_data.Length} bytes)");
        var offset = BinaryPrimitives.ReadUInt32BigEndian(word[28..]);
        var target = frameStart + (long)offset;
        if (target > _data.Length - AbiType.WordSize)
            throw _location.Fail(type, $"offset {offset} (byte {target}) points past the end of the data ({_data.Length} bytes)");
        return (int)target;
    }

    private int ReadLength(AbiType type, int position)
    {
        var word = ReadWord(type, position);
        if (word[..28].ContainsAnyExcept((byte)0) || BinaryPrimitives.ReadUInt32BigEndian(word[28..]) > int.MaxValue)
            throw _location.Fail(type, $"length 0x{Convert.ToHexStringLower(word).TrimStart('0')} is larger than the data ({_data.Length} bytes)");
        return (int)BinaryPrimitives.ReadUInt32BigEndian(word[28..]);
    }

    private ReadOnlySpan<byte> ReadDynamicBytes(AbiType type, int position)
    {
        var length = ReadLength(type, position);
        var start = position + AbiType.WordSize;
        var padded = ((long)length + AbiType.WordSize - 1) / AbiType.WordSize * AbiType.WordSize;
        long available = _data.Length - start;
        if (padded > available)
            throw _location.Fail(type, $"length {length} needs {padded} bytes (padded to 32) but only {available} remain");
        _wordBudget -= (int)(padded / AbiType.WordSize);
        if (_wordBudget < 0)
            throw _location.Fail(type, "offsets alias: the data would be read more than once, which valid encodings never need");
        if (_data.Slice(start + length, (int)padded - length).ContainsAnyExcept((byte)0))
            throw _location.Fail(type, $"non-zero padding after the {length} content bytes");
        return _data.Slice(start, length);
    }
}
