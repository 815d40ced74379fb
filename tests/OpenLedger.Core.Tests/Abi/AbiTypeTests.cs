using OpenLedger.Core.Abi;
using Xunit;

namespace OpenLedger.Core.Tests.Abi;

public class AbiTypeTests
{
    [Theory]
    [InlineData("uint256", "uint256")]
    [InlineData("uint", "uint256")]
    [InlineData("int", "int256")]
    [InlineData("int8", "int8")]
    [InlineData("bytes1", "bytes1")]
    [InlineData("bytes32[]", "bytes32[]")]
    [InlineData("uint8[2][]", "uint8[2][]")]
    [InlineData("tuple(uint256,bool)[]", "(uint256,bool)[]")]
    [InlineData(" ( address to , uint256 amount , (bytes data, string)[] items ) [2] ", "(address,uint256,(bytes,string)[])[2]")]
    [InlineData("(uint,int)", "(uint256,int256)")]
    [InlineData("(bytes calldata data)", "(bytes)")]
    public void Parse_GivesCanonicalForm(string text, string canonical)
    {
        var type = AbiType.Parse(text);
        Assert.Equal(canonical, type.ToString());
        Assert.Equal(type, AbiType.Parse(canonical));
    }

    [Fact]
    public void Parse_KeepsTupleComponentNames_ButEqualityIgnoresThem()
    {
        var named = AbiType.Parse("(address to, uint256 amount)[]");
        var tuple = named.InnermostTuple()!;
        Assert.Equal(["to", "amount"], tuple.ComponentNames);
        Assert.Equal("(address to,uint256 amount)[]", named.ToStringWithNames());
        Assert.Equal(AbiType.Parse("(address,uint256)[]"), named);
        Assert.Equal(AbiType.Parse("(address,uint256)[]").GetHashCode(), named.GetHashCode());
    }

    [Theory]
    [InlineData("uint8", false, 32)]
    [InlineData("address", false, 32)]
    [InlineData("bytes", true, 32)]
    [InlineData("string", true, 32)]
    [InlineData("uint256[]", true, 32)]
    [InlineData("uint256[3]", false, 96)]
    [InlineData("(uint256,bool)[2]", false, 128)]
    [InlineData("(uint256,string)", true, 32)]
    [InlineData("string[2]", true, 32)]
    [InlineData("((uint256,bool)[2],address)", false, 160)]
    [InlineData("uint8[2][3]", false, 192)]
    public void DynamicnessAndHeadSize(string text, bool isDynamic, int headSize)
    {
        var type = AbiType.Parse(text);
        Assert.Equal(isDynamic, type.IsDynamic);
        Assert.Equal(headSize, type.HeadSize);
    }

    [Fact]
    public void ShapeProperties_DescribeTheType()
    {
        var type = AbiType.Parse("(uint16,bytes4)[3]");
        Assert.Equal(AbiTypeKind.FixedArray, type.Kind);
        Assert.Equal(3, type.FixedLength);
        var tuple = type.ElementType!;
        Assert.Equal(AbiTypeKind.Tuple, tuple.Kind);
        Assert.Equal(16, tuple.Components[0].Bits);
        Assert.Equal(4, tuple.Components[1].ByteLength);
        Assert.Equal(3, type.Depth);
    }

    [Theory]
    [InlineData("uint7", "integer types have 8..256 bits")]
    [InlineData("uint264", "integer types have 8..256 bits")]
    [InlineData("uint08", "integer types have 8..256 bits")]
    [InlineData("int0", "integer types have 8..256 bits")]
    [InlineData("bytes0", "bytes1..bytes32")]
    [InlineData("bytes33", "bytes1..bytes32")]
    [InlineData("fixed128x18", "fixed-point types are not supported")]
    [InlineData("foo", "unknown ABI type 'foo'")]
    [InlineData("()", "empty tuple")]
    [InlineData("uint256[0]", "at least one element")]
    [InlineData("uint256[01]", "plain decimal number")]
    [InlineData("uint256[99999999999]", "plain decimal number")]
    [InlineData("uint256[", "expected ']'")]
    [InlineData("(uint256", "expected ')'")]
    [InlineData("uint256 x", "unexpected 'x'")]
    [InlineData("(uint256 x y)", "unexpected 'y' after component name 'x'")]
    [InlineData("uint256[1000000000]", "static types are limited")]
    [InlineData("", "expected a type")]
    public void Parse_RefusesInvalidTypes_WithSpecificMessage(string text, string message)
    {
        var error = Assert.Throws<AbiException>(() => AbiType.Parse(text));
        Assert.Contains(message, error.Message);
        Assert.IsAssignableFrom<FormatException>(error);
        Assert.False(AbiType.TryParse(text, out _, out var tryError));
        Assert.Equal(error.Message, tryError);
    }

    [Fact]
    public void Parse_RefusesTypesNestedTooDeeply()
    {
        var deep = "uint256" + string.Concat(Enumerable.Repeat("[]", AbiType.MaxNesting + 1));
        var error = Assert.Throws<AbiException>(() => AbiType.Parse(deep));
        Assert.Contains("nest at most", error.Message);
        Assert.Equal(AbiType.MaxNesting, AbiType.Parse("uint256" + string.Concat(Enumerable.Repeat("[]", AbiType.MaxNesting - 1))).Depth);
    }

    [Fact]
    public void Factories_MatchParsedTypes()
    {
        Assert.Equal(AbiType.Parse("uint128"), AbiType.UInt(128));
        Assert.Equal(AbiType.Parse("int64"), AbiType.Int(64));
        Assert.Equal(AbiType.Parse("bytes20"), AbiType.FixedBytes(20));
        Assert.Equal(AbiType.Parse("(address,bytes)[][2]"),
            AbiType.FixedArrayOf(AbiType.ArrayOf(AbiType.Tuple(AbiType.Address, AbiType.Bytes)), 2));
        Assert.Throws<AbiException>(() => AbiType.UInt(12));
        Assert.Throws<AbiException>(() => AbiType.Tuple());
    }
}
