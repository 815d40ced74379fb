using System.Buffers.Binary;
using System.Collections;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Abi;

/// <summary>
/// ABI encoding in two steps: <see cref="Normalize"/> checks each value against its type (range, length,
/// shape) and converts it to one representation (BigInteger, Address, bool, byte[] — strings as UTF-8 —,
/// object[]); then the exact size is computed and the encoding written into one zero-filled array.
/// Normalizing first means every error surfaces before anything is written, and one-shot enumerables are
/// read only once.
/// </summary>
internal ref struct AbiEncoder(AbiLocation location)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Range limits per byte width (index = bytes - 1), computed once.
    private static readonly BigInteger[] UnsignedMax = [.. Enumerable.Range(1, 32).Select(n => (BigInteger.One << (8 * n)) - 1)];
    private static readonly BigInteger[] SignedMax = [.. Enumerable.Range(1, 32).Select(n => (BigInteger.One << (8 * n - 1)) - 1)];
    private static readonly BigInteger[] SignedMin = [.. Enumerable.Range(1, 32).Select(n => -(BigInteger.One << (8 * n - 1)))];

    private AbiLocation _location = location;

    public object[] NormalizeAll(IReadOnlyList<AbiType> types, IReadOnlyList<object?> values, string label)
    {
        if (values.Count != types.Count)
        {
            throw new AbiException($"{label}s: {types.Count} expected ({string.Join(",", types)}), got {values.Count}");
        }
        var normalized = new object[types.Count];
        for (var i = 0; i < types.Count; i++)
        {
            _location.Begin(i, types[i]);
            normalized[i] = Normalize(types[i], values[i]);
        }
        return normalized;
    }

    public object Normalize(AbiType type, object? value)
    {
        if (value is null) throw _location.Fail(type, "value is missing (null)");
        switch (type.Kind)
        {
            case AbiTypeKind.UInt:
            case AbiTypeKind.Int:
                return NormalizeInteger(type, value);
            case AbiTypeKind.Address:
                return value is Address ? value : throw WrongType(type, value, "an OpenLedger.Core.Types.Address");
            case AbiTypeKind.Bool:
                return value is bool ? value : throw WrongType(type, value, "a bool");
            case AbiTypeKind.FixedBytes:
            {
                var bytes = value switch
                {
                    byte[] array => array,
                    ReadOnlyMemory<byte> memory => memory.ToArray(),
                    Memory<byte> memory => memory.ToArray(),
                    Hash256 hash => hash.ToArray(),
                    _ => throw WrongType(type, value, "a byte[]"),
                };
                if (bytes.Length != type.ByteLength)
                    throw _location.Fail(type, $"{type} needs exactly {type.ByteLength} bytes, got {bytes.Length}");
                return bytes;
            }
            case AbiTypeKind.Bytes:
                return value switch
                {
                    byte[] array => array,
                    ReadOnlyMemory<byte> memory => memory.ToArray(),
                    Memory<byte> memory => memory.ToArray(),
                    _ => throw WrongType(type, value, "a byte[]"),
                };
            case AbiTypeKind.String:
                if (value is not string text) throw WrongType(type, value, "a string");
                try
                {
                    return StrictUtf8.GetBytes(text);
                }
                catch (EncoderFallbackException)
                {
                    throw _location.Fail(type, "string contains an unpaired UTF-16 surrogate, which has no UTF-8 form");
                }
            case AbiTypeKind.Array:
            case AbiTypeKind.FixedArray:
            {
                var items = Items(type, value);
                if (type.Kind == AbiTypeKind.FixedArray && items.Count != type.FixedLength)
                    throw _location.Fail(type, $"{type} needs exactly {type.FixedLength} elements, got {items.Count}");
                var element = type.ElementType!;
                var normalized = new object[items.Count];
                for (var i = 0; i < normalized.Length; i++)
                {
                    _location.Push(i, arrayElement: true);
                    normalized[i] = Normalize(element, items[i]);
                    _location.Pop();
                }
                return normalized;
            }
            case AbiTypeKind.Tuple:
            {
                var items = Items(type, value);
                if (items.Count != type.Components.Count)
                    throw _location.Fail(type, $"tuple {type} has {type.Components.Count} components, got {items.Count} values");
                var normalized = new object[items.Count];
                for (var i = 0; i < normalized.Length; i++)
                {
                    _location.Push(i, arrayElement: false);
                    normalized[i] = Normalize(type.Components[i], items[i]);
                    _location.Pop();
                }
                return normalized;
            }
            default:
                throw new InvalidOperationException($"unhandled ABI type kind {type.Kind}");
        }
    }

    /// <summary>Bytes that <see cref="Write"/> produces for a normalized value.</summary>
    public static int EncodedSize(AbiType type, object value)
    {
        if (!type.IsDynamic) return type.HeadSize;
        return type.Kind switch
        {
            AbiTypeKind.Bytes or AbiTypeKind.String => checked(AbiType.WordSize + PaddedLength(((byte[])value).Length)),
            AbiTypeKind.Array => checked(AbiType.WordSize + SequenceSize(type.ElementType, null, (object[])value)),
            AbiTypeKind.FixedArray => SequenceSize(type.ElementType, null, (object[])value),
            _ => SequenceSize(null, type.Components, (object[])value),
        };
    }

    public static int SequenceSize(AbiType? element, IReadOnlyList<AbiType>? components, object[] values)
    {
        var size = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var type = element ?? components![i];
            size = checked(size + type.HeadSize);
            if (type.IsDynamic) size = checked(size + EncodedSize(type, values[i]));
        }
        return size;
    }

    /// <summary>Writes a normalized value at the start of <paramref name="destination"/>, which must be zero-filled.</summary>
    public static void Write(AbiType type, object value, Span<byte> destination)
    {
        switch (type.Kind)
        {
            case AbiTypeKind.UInt:
            case AbiTypeKind.Int:
                WriteInteger((BigInteger)value, destination[..AbiType.WordSize]);
                break;
            case AbiTypeKind.Address:
                ((Address)value).Bytes.CopyTo(destination[12..]);
                break;
            case AbiTypeKind.Bool:
                destination[31] = (bool)value ? (byte)1 : (byte)0;
                break;
            case AbiTypeKind.FixedBytes:
                ((byte[])value).CopyTo(destination);
                break;
            case AbiTypeKind.Bytes:
            case AbiTypeKind.String:
                var bytes = (byte[])value;
                BinaryPrimitives.WriteInt32BigEndian(destination[28..], bytes.Length);
                bytes.CopyTo(destination[AbiType.WordSize..]);
                break;
            case AbiTypeKind.Array:
                var items = (object[])value;
                BinaryPrimitives.WriteInt32BigEndian(destination[28..], items.Length);
                WriteSequence(type.ElementType, null, items, destination[AbiType.WordSize..]);
                break;
            case AbiTypeKind.FixedArray:
                WriteSequence(type.ElementType, null, (object[])value, destination);
                break;
            case AbiTypeKind.Tuple:
                WriteSequence(null, type.Components, (object[])value, destination);
                break;
        }
    }

    /// <summary>Heads in order (static values inline, offsets for dynamic ones), then the dynamic values' tails.</summary>
    public static void WriteSequence(AbiType? element, IReadOnlyList<AbiType>? components, object[] values, Span<byte> destination)
    {
        var tail = 0;
        for (var i = 0; i < values.Length; i++) tail += (element ?? components![i]).HeadSize;
        var head = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var type = element ?? components![i];
            if (type.IsDynamic)
            {
                BinaryPrimitives.WriteInt32BigEndian(destination.Slice(head + 28, 4), tail);
                Write(type, values[i], destination[tail..]);
                tail += EncodedSize(type, values[i]);
            }
            else
            {
                Write(type, values[i], destination[head..]);
            }
            head += type.HeadSize;
        }
    }

    /// <summary>Two's complement, big-endian, sign-extended to 32 bytes.</summary>
    public static void WriteInteger(BigInteger value, Span<byte> word)
    {
        var unsigned = value.Sign >= 0;
        var count = value.GetByteCount(isUnsigned: unsigned);
        if (!unsigned) word[..(AbiType.WordSize - count)].Fill(0xff);
        value.TryWriteBytes(word[(AbiType.WordSize - count)..], out _, isUnsigned: unsigned, isBigEndian: true);
    }

    public static int PaddedLength(int length) => checked((length + AbiType.WordSize - 1) / AbiType.WordSize * AbiType.WordSize);

    private object NormalizeInteger(AbiType type, object value)
    {
        BigInteger number = value switch
        {
            BigInteger big => big,
            int n => n,
            long n => n,
            uint n => n,
            ulong n => n,
            short n => n,
            ushort n => n,
            byte n => n,
            sbyte n => n,
            UInt128 n => n,
            Int128 n => n,
            _ => throw WrongType(type, value, "an integer (BigInteger, int, long, ulong, UInt128, ...)"),
        };
        var sizeIndex = type.Bits / 8 - 1;
        var (min, max) = type.Kind == AbiTypeKind.UInt
            ? (BigInteger.Zero, UnsignedMax[sizeIndex])
            : (SignedMin[sizeIndex], SignedMax[sizeIndex]);
        if (number < min || number > max)
            throw _location.Fail(type, $"value {number} does not fit in {type} ({min}..{max})");
        return value is BigInteger ? value : number;
    }

    private readonly IReadOnlyList<object?> Items(AbiType type, object value)
    {
        switch (value)
        {
            case object?[] array:
                return array;
            case IReadOnlyList<object?> list:
                return list;
            case ITuple tuple when type.Kind == AbiTypeKind.Tuple:
                var components = new object?[tuple.Length];
                for (var i = 0; i < components.Length; i++) components[i] = tuple[i];
                return components;
            case string:
                throw WrongType(type, value, "an object[] or other sequence (a string is not one)");
            case IEnumerable sequence:
                var items = new List<object?>();
                foreach (var item in sequence) items.Add(item);
                return items;
            default:
                throw WrongType(type, value, type.Kind == AbiTypeKind.Tuple ? "an object[] or tuple" : "an object[] or other sequence");
        }
    }

    private readonly AbiException WrongType(AbiType type, object value, string expected) =>
        _location.Fail(type, $"expected {expected}, got {value.GetType().Name}");
}
