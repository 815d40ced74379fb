using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Tests.Abi;

/// <summary>FsCheck generators for random (nested) ABI types and values of them.</summary>
public static class AbiGenerators
{
    private const int MaxDepth = 3;

    private static readonly Gen<byte> Byte = Gen.Choose(0, 255).Select(b => (byte)b);

    // Text pieces of 1 to 4 UTF-8 bytes (and NUL), so strings exercise multi-byte sequences and surrogate pairs.
    private static readonly Gen<string> TextPiece = Gen.Elements("a", "Z", " ", "\0", "é", "✓", "数", "🚀");

    public static Gen<AbiType> Type(int depth)
    {
        var leaf = Gen.OneOf(
            Gen.Choose(1, 32).Select(n => AbiType.UInt(8 * n)),
            Gen.Choose(1, 32).Select(n => AbiType.Int(8 * n)),
            Gen.Constant(AbiType.Address),
            Gen.Constant(AbiType.Bool),
            Gen.Choose(1, 32).Select(AbiType.FixedBytes),
            Gen.Constant(AbiType.Bytes),
            Gen.Constant(AbiType.String));
        if (depth == 0) return leaf;
        var inner = Type(depth - 1);
        return Gen.Frequency(
            (5, leaf),
            (2, inner.Select(AbiType.ArrayOf)),
            (1, inner.SelectMany(t => Gen.Choose(1, 3).Select(k => AbiType.FixedArrayOf(t, k)))),
            (2, Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(inner, n)).Select(AbiType.Tuple)));
    }

    public static Gen<object> Value(AbiType type)
    {
        switch (type.Kind)
        {
            case AbiTypeKind.UInt:
            {
                var size = type.Bits / 8;
                var max = (BigInteger.One << type.Bits) - 1;
                return Gen.Frequency(
                    (1, Gen.Elements(BigInteger.Zero, BigInteger.One, max)),
                    (2, Gen.Choose(0, 1000).Select(n => BigInteger.Min(n, max))),
                    (4, Gen.ArrayOf(Byte, size).Select(b => new BigInteger(b, isUnsigned: true, isBigEndian: true))))
                    .Select(n => (object)n);
            }
            case AbiTypeKind.Int:
            {
                var size = type.Bits / 8;
                var max = (BigInteger.One << (type.Bits - 1)) - 1;
                return Gen.Frequency(
                    (1, Gen.Elements(BigInteger.Zero, BigInteger.MinusOne, max, -max - 1)),
                    (2, Gen.Choose(-1000, 1000).Select(n => BigInteger.Clamp(n, -max - 1, max))),
                    (4, Gen.ArrayOf(Byte, size).Select(b => new BigInteger(b, isUnsigned: false, isBigEndian: true))))
                    .Select(n => (object)n);
            }
            case AbiTypeKind.Address:
                return Gen.ArrayOf(Byte, Address.Length).Select(b => (object)new Address(b));
            case AbiTypeKind.Bool:
                return Gen.Elements(true, false).Select(b => (object)b);
            case AbiTypeKind.FixedBytes:
                return Gen.ArrayOf(Byte, type.ByteLength).Select(b => (object)b);
            case AbiTypeKind.Bytes:
                return Gen.Choose(0, 70).SelectMany(n => Gen.ArrayOf(Byte, n)).Select(b => (object)b);
            case AbiTypeKind.String:
                return Gen.Choose(0, 40).SelectMany(n => Gen.ArrayOf(TextPiece, n)).Select(p => (object)string.Concat(p));
            case AbiTypeKind.Array:
                return Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Value(type.ElementType!), n)).Select(v => (object)v);
            case AbiTypeKind.FixedArray:
                return Gen.ArrayOf(Value(type.ElementType!), type.FixedLength).Select(v => (object)v);
            default:
                return Values(type.Components).Select(v => (object)v);
        }
    }

    public static Gen<object[]> Values(IReadOnlyList<AbiType> types)
    {
        var values = Gen.Constant(Array.Empty<object>());
        foreach (var type in types)
        {
            var next = Value(type);
            values = values.SelectMany(previous => next.Select(value => previous.Append(value).ToArray()));
        }
        return values;
    }

    public static Gen<AbiType[]> Types() => Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Type(MaxDepth), n));

    public static Gen<AbiSample> Samples() =>
        Types().SelectMany(types => Values(types).Select(values => new AbiSample(types, values)));

    /// <summary>
    /// Data for the decoder: purely random bytes, words made of likely offsets and lengths, and valid
    /// encodings with a few bytes changed or cut off — the last two reach past the first checks.
    /// </summary>
    public static Gen<AbiGarbage> Garbage()
    {
        var interestingWord = Gen.OneOf(
            Gen.Elements(0, 1, 2, 0x20, 0x40, 0x60, 0x80, 0xa0, 0xff).Select(n => { var w = new byte[32]; w[31] = (byte)n; return w; }),
            Gen.Constant(Enumerable.Repeat((byte)0xff, 32).ToArray()),
            Gen.ArrayOf(Byte, 32));
        var randomBytes = Gen.Choose(0, 200).SelectMany(n => Gen.ArrayOf(Byte, n));
        var words = Gen.Choose(0, 16).SelectMany(n => Gen.ArrayOf(interestingWord, n)).Select(w => w.SelectMany(x => x).ToArray());
        return Types().SelectMany(types =>
        {
            var mutated = Values(types).Select(values => AbiCodec.Encode(types, values)).SelectMany(Mutate);
            return Gen.OneOf(randomBytes, words, mutated).Select(data => new AbiGarbage(types, data));
        });
    }

    private static Gen<byte[]> Mutate(byte[] valid)
    {
        if (valid.Length == 0) return Gen.Constant(valid);
        var flip = Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, valid.Length - 1).SelectMany(i => Byte.Select(b => (i, b))), n))
            .Select(changes =>
            {
                var copy = (byte[])valid.Clone();
                foreach (var (index, value) in changes) copy[index] = value;
                return copy;
            });
        var cut = Gen.Choose(0, valid.Length - 1).Select(length => valid[..length]);
        return Gen.Frequency((3, flip), (1, cut));
    }

    public static Gen<string> Identifier() =>
        Gen.Elements("a", "owner", "amount", "_x", "$v", "datanetIds", "x1").SelectMany(head =>
            Gen.Choose(0, 99).Select(n => n < 50 ? head : head + n));
}
