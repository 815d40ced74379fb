using System.Numerics;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Core.Tests.Abi;

/// <summary>Encoding rules, checked against the worked examples of the Solidity ABI specification.</summary>
public class AbiCodecTests
{
    private static string Words(params string[] words) => "0x" + string.Concat(words);

    [Fact]
    public void SpecExample_BazUint32Bool()
    {
        var baz = AbiFunction.Parse("baz(uint32 x, bool y) returns (bool r)");
        Assert.Equal("0xcdcd77c0", Hex.Encode(baz.Selector));
        Assert.Equal(
            Words("cdcd77c0",
                "0000000000000000000000000000000000000000000000000000000000000045",
                "0000000000000000000000000000000000000000000000000000000000000001"),
            Hex.Encode(baz.EncodeCall(69, true)));
    }

    [Fact]
    public void SpecExample_SamBytesBoolUintArray()
    {
        var sam = AbiFunction.Parse("sam(bytes,bool,uint256[])");
        var expected = Words("a5643bf2",
            "0000000000000000000000000000000000000000000000000000000000000060",
            "0000000000000000000000000000000000000000000000000000000000000001",
            "00000000000000000000000000000000000000000000000000000000000000a0",
            "0000000000000000000000000000000000000000000000000000000000000004",
            "6461766500000000000000000000000000000000000000000000000000000000",
            "0000000000000000000000000000000000000000000000000000000000000003",
            "0000000000000000000000000000000000000000000000000000000000000001",
            "0000000000000000000000000000000000000000000000000000000000000002",
            "0000000000000000000000000000000000000000000000000000000000000003");
        var args = new object[] { "dave"u8.ToArray(), true, new object[] { 1, 2, 3 } };
        Assert.Equal(expected, Hex.Encode(sam.EncodeCall(args)));
        AbiTestValues.AssertDeepEqual(
            new object[] { "dave"u8.ToArray(), true, new object[] { new BigInteger(1), new BigInteger(2), new BigInteger(3) } },
            sam.DecodeArguments(Hex.Decode(expected)));
    }

    [Fact]
    public void SpecExample_NestedDynamicArraysAndStrings()
    {
        var g = AbiFunction.Parse("g(uint256[][],string[])");
        var expected = Words("2289b18c",
            "0000000000000000000000000000000000000000000000000000000000000040",
            "0000000000000000000000000000000000000000000000000000000000000140",
            "0000000000000000000000000000000000000000000000000000000000000002",
            "0000000000000000000000000000000000000000000000000000000000000040",
            "00000000000000000000000000000000000000000000000000000000000000a0",
            "0000000000000000000000000000000000000000000000000000000000000002",
            "0000000000000000000000000000000000000000000000000000000000000001",
            "0000000000000000000000000000000000000000000000000000000000000002",
            "0000000000000000000000000000000000000000000000000000000000000001",
            "0000000000000000000000000000000000000000000000000000000000000003",
            "0000000000000000000000000000000000000000000000000000000000000003",
            "0000000000000000000000000000000000000000000000000000000000000060",
            "00000000000000000000000000000000000000000000000000000000000000a0",
            "00000000000000000000000000000000000000000000000000000000000000e0",
            "0000000000000000000000000000000000000000000000000000000000000003",
            "6f6e650000000000000000000000000000000000000000000000000000000000",
            "0000000000000000000000000000000000000000000000000000000000000003",
            "74776f0000000000000000000000000000000000000000000000000000000000",
            "0000000000000000000000000000000000000000000000000000000000000005",
            "7468726565000000000000000000000000000000000000000000000000000000");
        var args = new object[] { new object[] { new object[] { 1, 2 }, new object[] { 3 } }, new object[] { "one", "two", "three" } };
        Assert.Equal(expected, Hex.Encode(g.EncodeCall(args)));
        var decoded = g.DecodeArguments(Hex.Decode(expected));
        AbiTestValues.AssertDeepEqual(new object[] { "one", "two", "three" }, decoded[1]);
        Assert.Equal(new BigInteger(3), ((object[])((object[])decoded[0])[1])[0]);
    }

    [Fact]
    public void NegativeIntegers_AreSignExtended()
    {
        var types = new[] { AbiType.Parse("int8"), AbiType.Parse("int256"), AbiType.Parse("int72") };
        var encoded = AbiCodec.Encode(types, [-1, BigInteger.MinusOne << 255, -(BigInteger.One << 71)]);
        Assert.Equal(
            Words(new string('f', 64), "8" + new string('0', 63), new string('f', 46) + "80" + new string('0', 16)),
            Hex.Encode(encoded));
        AbiTestValues.AssertDeepEqual(new object[] { BigInteger.MinusOne, BigInteger.MinusOne << 255, -(BigInteger.One << 71) },
            AbiCodec.Decode(types, encoded));
    }

    [Fact]
    public void Int128BoundaryValues_DecodeExactly()
    {
        // The decoder reads values of up to 8 bytes without BigInteger's byte-array path; check either side of it.
        var type = AbiType.Int(128);
        foreach (var value in new[] { BigInteger.One << 63, (BigInteger.One << 63) - 1, -(BigInteger.One << 63), -(BigInteger.One << 63) - 1,
                     (BigInteger.One << 127) - 1, -(BigInteger.One << 127), BigInteger.Zero, BigInteger.MinusOne })
        {
            Assert.Equal(value, AbiCodec.Decode([type], AbiCodec.Encode([type], [value]))[0]);
        }
        var uint128 = AbiType.UInt(128);
        Assert.Equal((BigInteger)UInt128.MaxValue, AbiCodec.Decode([uint128], AbiCodec.Encode([uint128], [UInt128.MaxValue]))[0]);
        Assert.Equal((BigInteger)ulong.MaxValue, AbiCodec.Decode([uint128], AbiCodec.Encode([uint128], [ulong.MaxValue]))[0]);
    }

    [Fact]
    public void Encode_AcceptsEveryDocumentedClrRepresentation()
    {
        var uint256 = new[] { AbiType.UInt256 };
        var expected = Hex.Encode(AbiCodec.Encode(uint256, [new BigInteger(200)]));
        foreach (var value in new object[] { 200, 200L, 200U, 200UL, (short)200, (ushort)200, (byte)200, (UInt128)200, (Int128)200 })
            Assert.Equal(expected, Hex.Encode(AbiCodec.Encode(uint256, [value])));

        var hash = Keccak256Of("x");
        Assert.Equal(AbiCodec.Encode([AbiType.Bytes32], [hash.ToArray()]), AbiCodec.Encode([AbiType.Bytes32], [hash]));
        Assert.Equal(AbiCodec.Encode([AbiType.Bytes], [new byte[] { 1, 2 }]), AbiCodec.Encode([AbiType.Bytes], [new ReadOnlyMemory<byte>([1, 2])]));

        var tuple = AbiType.Parse("(address,uint64[])");
        var address = Address.FromUInt64(0xa01);
        var asArray = AbiCodec.Encode([tuple], [new object[] { address, new object[] { 1, 2 } }]);
        Assert.Equal(asArray, AbiCodec.Encode([tuple], [(address, new List<ulong> { 1, 2 })]));
        Assert.Equal(asArray, AbiCodec.Encode([tuple], [Tuple.Create(address, new long[] { 1, 2 })]));

        var bytes8Array = AbiType.Parse("uint8[]");
        Assert.Equal(AbiCodec.Encode([bytes8Array], [new object[] { 7, 9 }]), AbiCodec.Encode([bytes8Array], [new byte[] { 7, 9 }]));
    }

    [Fact]
    public void Decode_IgnoresTrailingBytes_AsSolidityDoes()
    {
        var encoded = AbiCodec.Encode([AbiType.UInt256], [5]);
        var withTrailer = encoded.Concat(new byte[] { 0xde, 0xad }).ToArray();
        Assert.Equal(new BigInteger(5), AbiCodec.Decode([AbiType.UInt256], withTrailer)[0]);
    }

    [Fact]
    public void Decode_AcceptsNonCanonicalButNonOverlappingOffsets()
    {
        // A gap of one word between the head and the string: Solidity accepts any in-range offset.
        var data = Hex.Decode(Words(
            "0000000000000000000000000000000000000000000000000000000000000040",
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0000000000000000000000000000000000000000000000000000000000000002",
            "6869000000000000000000000000000000000000000000000000000000000000"));
        Assert.Equal("hi", AbiCodec.Decode([AbiType.String], data)[0]);
    }

    [Theory]
    [InlineData("uint8", 256, "argument 0 (uint8): value 256 does not fit in uint8 (0..255)")]
    [InlineData("uint256", -1, "argument 0 (uint256): value -1 does not fit in uint256")]
    [InlineData("int8", -129, "argument 0 (int8): value -129 does not fit in int8 (-128..127)")]
    [InlineData("int8", 128, "argument 0 (int8): value 128 does not fit in int8")]
    [InlineData("address", "0x0000000000000000000000000000000000000a01", "expected an OpenLedger.Core.Types.Address, got String")]
    [InlineData("bool", 1, "argument 0 (bool): expected a bool, got Int32")]
    [InlineData("string", 5, "expected a string, got Int32")]
    [InlineData("uint256[]", "abc", "a string is not one")]
    public void Encode_RefusesValuesThatDoNotFit(string type, object value, string message)
    {
        var error = Assert.Throws<AbiException>(() => AbiCodec.Encode([AbiType.Parse(type)], [value]));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Encode_RefusesWrongLengthsAndCounts_NamingTheLocation()
    {
        Assert.Contains("argument 0 (bytes4): bytes4 needs exactly 4 bytes, got 3",
            Assert.Throws<AbiException>(() => AbiCodec.Encode([AbiType.FixedBytes(4)], [new byte[3]])).Message);
        Assert.Contains("uint8[2] needs exactly 2 elements, got 3",
            Assert.Throws<AbiException>(() => AbiCodec.Encode([AbiType.Parse("uint8[2]")], [new object[] { 1, 2, 3 }])).Message);
        Assert.Contains("argument 1 ((address,uint256)[]) at [0] ((address,uint256)): tuple (address,uint256) has 2 components, got 1 values",
            Assert.Throws<AbiException>(() => AbiCodec.Encode(
                [AbiType.Bool, AbiType.Parse("(address,uint256)[]")], [true, new object[] { new object[] { Address.Zero } }])).Message);
        Assert.Contains("argument 0 ((uint8,bool)[]) at [1].0 (uint8): value 300 does not fit in uint8",
            Assert.Throws<AbiException>(() => AbiCodec.Encode(
                [AbiType.Parse("(uint8,bool)[]")], [new object[] { new object[] { 1, true }, new object[] { 300, false } }])).Message);
        Assert.Contains("argument 0 (uint256): value is missing (null)",
            Assert.Throws<AbiException>(() => AbiCodec.Encode([AbiType.UInt256], [null])).Message);
        Assert.Contains("arguments: 2 expected (uint256,bool), got 1",
            Assert.Throws<AbiException>(() => AbiCodec.Encode([AbiType.UInt256, AbiType.Bool], [1])).Message);
        Assert.Contains("unpaired UTF-16 surrogate",
            Assert.Throws<AbiException>(() => AbiCodec.Encode([AbiType.String], ["a\ud800b"])).Message);
    }

    [Fact]
    public void EmptyArgumentList_EncodesToNothing()
    {
        Assert.Empty(AbiCodec.Encode([], []));
        Assert.Empty(AbiCodec.Decode([], ReadOnlySpan<byte>.Empty));
        var totalSupply = AbiFunction.Parse("totalSupply() view returns (uint256)");
        Assert.Equal("0x18160ddd", Hex.Encode(totalSupply.EncodeCall()));
        Assert.Empty(totalSupply.DecodeArguments(Hex.Decode("0x18160ddd")));
    }

    private static Hash256 Keccak256Of(string text) => OpenLedger.Core.Crypto.Keccak256.Hash(System.Text.Encoding.UTF8.GetBytes(text));
}
