using System.Numerics;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Encoding;
using Xunit;

namespace OpenLedger.Core.Tests.Abi;

/// <summary>Every malformed input is refused with an AbiException naming the argument and what is wrong.</summary>
public class AbiStrictDecodingTests
{
    private const string Zero = "0000000000000000000000000000000000000000000000000000000000000000";

    private static string Word(string hexTail) => hexTail.PadLeft(64, '0');

    private static AbiException DecodeFails(string types, string dataHex)
    {
        var parsed = types.Length == 0 ? [] : AbiFunction.Parse($"f({types})").InputTypes;
        return Assert.Throws<AbiException>(() => AbiCodec.Decode(parsed, Hex.Decode(dataHex)));
    }

    [Theory]
    [InlineData("uint8", "100", "argument 0 (uint8): value 0x", "does not fit in uint8 (high bits set)")]
    [InlineData("uint64", "10000000000000000", "(uint64)", "does not fit in uint64")]
    [InlineData("int8", "80", "argument 0 (int8)", "is not a sign-extended int8")]
    [InlineData("int16", "ff7fff", "argument 0 (int16)", "is not a sign-extended int16")]
    [InlineData("bool", "2", "argument 0 (bool)", "a bool is 0 or 1")]
    [InlineData("address", "10000000000000000000000000000000000000000", "argument 0 (address)", "non-zero bytes in the 12 padding bytes")]
    [InlineData("bytes4", "0000000001", "argument 0 (bytes4)", "non-zero padding after its 4 bytes")]
    public void ValueThatDoesNotFitItsType_IsRefused(string type, string wordTail, string location, string problem)
    {
        var error = DecodeFails(type, Word(wordTail));
        Assert.Contains(location, error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void BytesNPaddingCheck_LooksAtTheRightSide()
    {
        var ok = AbiCodec.Decode([AbiType.FixedBytes(4)], Hex.Decode("deadbeef" + new string('0', 56)));
        Assert.Equal(Hex.Decode("deadbeef"), ok[0]);
        Assert.Equal(new BigInteger(-1), AbiCodec.Decode([AbiType.Int(16)], Hex.Decode(new string('f', 64)))[0]);
    }

    [Fact]
    public void DataTooShort_IsRefused()
    {
        Assert.Contains("ABI data too short: 2 arguments (uint256,bool) need at least 64 bytes, got 63",
            DecodeFails("uint256,bool", Zero + Zero[2..]).Message);
        Assert.Contains("1 argument (uint256) need at least 32 bytes, got 0", DecodeFails("uint256", "").Message);
    }

    [Fact]
    public void OffsetOutsideTheData_IsRefused()
    {
        Assert.Contains("argument 0 (bytes): offset 4096 (byte 4096) points past the end of the data (64 bytes)",
            DecodeFails("bytes", Word("1000") + Zero).Message);
        Assert.Contains("argument 0 (string): offset 0x1", DecodeFails("string", "1" + new string('0', 63) + Zero).Message);
        // Offset 0x20 leaves no room for the length word.
        Assert.Contains("points past the end", DecodeFails("bytes", Word("20")).Message);
    }

    [Fact]
    public void LengthOutsideTheData_IsRefused()
    {
        Assert.Contains("argument 0 (bytes): length 3 needs 32 bytes (padded to 32) but only 0 remain",
            DecodeFails("bytes", Word("20") + Word("3")).Message);
        Assert.Contains("argument 0 (bytes): length 0x10000000000000000 is larger than the data",
            DecodeFails("bytes", Word("20") + Word("10000000000000000")).Message);
        Assert.Contains("argument 0 (uint256[]): array length 4294967 needs at least 137438944 bytes but only 0 remain",
            DecodeFails("uint256[]", Word("20") + Word("418937")).Message);
        Assert.Contains("argument 1 (uint256[]): length 0x80000000 is larger than the data",
            DecodeFails("bool,uint256[]", Zero + Word("40") + Word("80000000")).Message);
    }

    [Fact]
    public void HugeFixedArrayOfDynamicElements_IsRefusedBeforeAllocating()
    {
        // string[1000000000] has a 32-byte head; its element count must still fit the data.
        Assert.Contains("argument 0 (string[1000000000]): string[1000000000] needs at least 32000000000 bytes but only 32 remain",
            DecodeFails("string[1000000000]", Word("20") + Zero).Message);
        Assert.Contains("argument 0 ((uint256[100000],string)): (uint256[100000],string) needs at least 3200032 bytes but only 32 remain",
            DecodeFails("(uint256[100000],string)", Word("20") + Zero).Message);
    }

    [Fact]
    public void NonZeroPaddingAfterBytes_IsRefused()
    {
        Assert.Contains("argument 0 (bytes): non-zero padding after the 2 content bytes",
            DecodeFails("bytes", Word("20") + Word("2") + "abcd" + new string('0', 58) + "01").Message);
    }

    [Fact]
    public void InvalidUtf8_IsRefused()
    {
        Assert.Contains("argument 0 (string): string is not valid UTF-8",
            DecodeFails("string", Word("20") + Word("2") + "c328" + new string('0', 60)).Message);
    }

    [Fact]
    public void ErrorsInsideArraysAndTuples_NameThePath()
    {
        var type = AbiType.Parse("(address,uint256,bytes)[]");
        var good = AbiCodec.Encode([type], [new object[]
        {
            new object[] { OpenLedger.Core.Types.Address.Zero, 1, Array.Empty<byte>() },
            new object[] { OpenLedger.Core.Types.Address.Zero, 2, new byte[] { 9 } },
        }]);
        // Dirty the padding of element 1's address: head(1) + length(1) + 2 offsets, then element 0 (3 words + tail).
        var bad = (byte[])good.Clone();
        var element1 = 32 + 32 + BitConverter.ToInt32(good.AsSpan(32 + 32 + 32 + 28, 4).ToArray().Reverse().ToArray());
        bad[element1] = 1;
        var error = Assert.Throws<AbiException>(() => AbiCodec.Decode([type], bad));
        Assert.StartsWith("argument 0 ((address,uint256,bytes)[]) at [1].0 (address):", error.Message);
    }

    [Fact]
    public void FunctionErrors_NameTheFunctionAndParameter()
    {
        var transfer = AbiFunction.Parse("transfer(address to, uint256 amount)");
        var calldata = transfer.EncodeCall(OpenLedger.Core.Types.Address.Zero, 1);
        var error = Assert.Throws<AbiException>(() => transfer.DecodeArguments(calldata.AsSpan(0, calldata.Length - 1)));
        Assert.Contains("transfer arguments (address,uint256) need at least 64 bytes, got 63", error.Message);

        calldata[4] = 1;
        Assert.StartsWith("transfer argument 0 'to' (address):",
            Assert.Throws<AbiException>(() => transfer.DecodeArguments(calldata)).Message);

        var other = AbiFunction.Parse("approve(address,uint256)").EncodeCall(OpenLedger.Core.Types.Address.Zero, 1);
        Assert.Equal("calldata is not a call to transfer(address,uint256) (selector 0xa9059cbb): found selector 0x095ea7b3",
            Assert.Throws<AbiException>(() => transfer.DecodeArguments(other)).Message);
        Assert.Contains("found 3 bytes of calldata", Assert.Throws<AbiException>(() => transfer.DecodeArguments(new byte[3])).Message);
    }

    [Fact]
    public void AliasedOffsets_AreRefused_SoSmallDataCannotExpand()
    {
        // uint256[][] of 64 inner arrays that all point at the same 64-element inner array: 2.2 KB of data that
        // would decode into 4,096 values. Canonical encodings never read a byte twice; this one must.
        const int count = 64;
        var data = new List<string> { Word("20"), Word(count.ToString("x")) };
        var inner = count * 32;
        for (var i = 0; i < count; i++) data.Add(Word(inner.ToString("x")));
        data.Add(Word(count.ToString("x")));
        for (var i = 0; i < count; i++) data.Add(Word("7"));
        var error = DecodeFails("uint256[][]", string.Concat(data));
        Assert.Contains("offsets alias", error.Message);

        // The same values without aliasing decode fine.
        var honest = new object[count];
        for (var i = 0; i < count; i++) honest[i] = Enumerable.Repeat<object>(7, count).ToArray();
        var encoded = AbiCodec.Encode([AbiType.Parse("uint256[][]")], [honest]);
        Assert.Equal(count, ((object[])AbiCodec.Decode([AbiType.Parse("uint256[][]")], encoded)[0]).Length);
    }
}
