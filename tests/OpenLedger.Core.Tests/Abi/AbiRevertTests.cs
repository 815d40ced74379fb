using System.Numerics;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Encoding;
using Xunit;

namespace OpenLedger.Core.Tests.Abi;

public class AbiRevertTests
{
    // The example of the Solidity documentation ("Error handling: Assert, Require, Revert and Exceptions").
    private const string NotEnoughEther =
        "0x08c379a0" +
        "0000000000000000000000000000000000000000000000000000000000000020" +
        "000000000000000000000000000000000000000000000000000000000000001a" +
        "4e6f7420656e6f7567682045746865722070726f76696465642e000000000000";

    [Fact]
    public void ErrorString_MatchesTheSolidityDocumentationVector()
    {
        Assert.Equal(NotEnoughEther, Hex.Encode(AbiRevert.EncodeError("Not enough Ether provided.")));
        Assert.True(AbiRevert.TryDecodeError(Hex.Decode(NotEnoughEther), out var reason));
        Assert.Equal("Not enough Ether provided.", reason);
        Assert.Equal("reverted: Not enough Ether provided.", AbiRevert.Describe(Hex.Decode(NotEnoughEther)));
        Assert.Equal(AbiRevert.ErrorSelector, AbiRevert.Error.SelectorValue);
    }

    [Fact]
    public void TryDecodeError_IsFalseForAnythingElse()
    {
        Assert.False(AbiRevert.TryDecodeError([], out _));
        Assert.False(AbiRevert.TryDecodeError(Hex.Decode("0x08c379a0"), out _));
        Assert.False(AbiRevert.TryDecodeError(Hex.Decode(NotEnoughEther)[..40], out _));
        Assert.False(AbiRevert.TryDecodeError(AbiRevert.EncodePanic(0x11), out _));
        var utf8 = AbiRevert.EncodeError("données ✓");
        Assert.True(AbiRevert.TryDecodeError(utf8, out var reason));
        Assert.Equal("données ✓", reason);
    }

    [Fact]
    public void Panic_EncodesAndDescribes()
    {
        var overflow = AbiRevert.EncodePanic(0x11);
        Assert.Equal("0x4e487b71" + "11".PadLeft(64, '0'), Hex.Encode(overflow));
        Assert.True(AbiRevert.TryDecodePanic(overflow, out var code));
        Assert.Equal(new BigInteger(0x11), code);
        Assert.Equal("panic 0x11: arithmetic overflow or underflow", AbiRevert.Describe(overflow));
        Assert.Equal("unknown panic code", AbiRevert.DescribePanic(BigInteger.One << 200));
        Assert.False(AbiRevert.TryDecodePanic(Hex.Decode(NotEnoughEther), out _));
        Assert.Equal("reverted with data 0x01020304", AbiRevert.Describe(Hex.Decode("0x01020304")));
        Assert.Equal("reverted without a reason", AbiRevert.Describe([]));
    }
}
