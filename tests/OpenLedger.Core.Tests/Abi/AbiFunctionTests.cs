using System.Numerics;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Core.Tests.Abi;

public class AbiFunctionTests
{
    [Theory]
    [InlineData("transfer(address,uint256)", "0xa9059cbb")]
    [InlineData("balanceOf(address)", "0x70a08231")]
    [InlineData("approve(address,uint256)", "0x095ea7b3")]
    [InlineData("transferFrom(address,address,uint256)", "0x23b872dd")]
    [InlineData("totalSupply()", "0x18160ddd")]
    public void Selector_IsTheFirstFourBytesOfKeccakOfTheSignature(string signature, string selector)
    {
        var function = AbiFunction.Parse(signature);
        Assert.Equal(signature, function.Signature);
        Assert.Equal(selector, Hex.Encode(function.Selector));
        Assert.Equal(Convert.ToUInt32(selector[2..], 16), function.SelectorValue);
    }

    [Fact]
    public void Parse_AcceptsNamesMutabilityAndReturns()
    {
        var balanceOf = AbiFunction.Parse("function balanceOf(address owner) external view returns (uint256 balance)");
        Assert.Equal("balanceOf", balanceOf.Name);
        Assert.Equal("balanceOf(address)", balanceOf.Signature);
        Assert.Equal("owner", balanceOf.Inputs[0].Name);
        Assert.Equal(AbiStateMutability.View, balanceOf.StateMutability);
        Assert.True(balanceOf.IsReadOnly);
        Assert.Equal([AbiType.UInt256], balanceOf.OutputTypes);
        Assert.Equal("balance", balanceOf.Outputs[0].Name);

        var register = AbiFunction.Parse(
            "registerModel(string name, bytes32 artifactHash, uint256 baseModelId, uint8 tier, uint256[] datanetIds, " +
            "uint256[] trainingContributionIds, uint16[] trainingWeightsBps, uint128 priceInPerK, uint128 pricePerOutK) payable");
        Assert.Equal("registerModel(string,bytes32,uint256,uint8,uint256[],uint256[],uint16[],uint128,uint128)", register.Signature);
        Assert.Equal(AbiStateMutability.Payable, register.StateMutability);
        Assert.Equal(register.SelectorValue, AbiFunction.Parse(register.Signature).SelectorValue);
        Assert.Empty(register.Outputs);
    }

    [Fact]
    public void HumanReadableForm_ParsesBackToTheSameFunction()
    {
        var function = AbiFunction.Parse("batch((address target, uint256 value, bytes data)[] calls, uint64 deadline) view returns (bool ok, bytes[] results)");
        var text = function.ToHumanReadable();
        Assert.Equal("function batch((address target,uint256 value,bytes data)[] calls, uint64 deadline) view returns (bool ok, bytes[] results)", text);
        var again = AbiFunction.Parse(text);
        Assert.Equal(function.Signature, again.Signature);
        Assert.Equal(function.Inputs, again.Inputs);
        Assert.Equal(function.Outputs, again.Outputs);
        Assert.Equal(["target", "value", "data"], again.InputTypes[0].InnermostTuple()!.ComponentNames);
    }

    [Fact]
    public void ReturnValues_RoundTrip()
    {
        var function = AbiFunction.Parse("getModel(uint256 id) view returns (address owner, uint128 stake, string name)");
        var owner = Address.Parse("0x14833114213D28eb63f4afE4e65846A5237b5eA3");
        var data = function.EncodeReturn(owner, UInt128.MaxValue, "llama");
        AbiTestValues.AssertDeepEqual(new object[] { owner, (BigInteger)UInt128.MaxValue, "llama" }, function.DecodeReturn(data));
        Assert.Contains("getModel return value 1 'stake' (uint128): value -1 does not fit in uint128",
            Assert.Throws<AbiException>(() => function.EncodeReturn(owner, -1, "x")).Message);
        Assert.Equal(function.EncodeArguments(5), function.EncodeCall(5)[4..]);
    }

    [Theory]
    [InlineData("transfer(address to uint256)", "unexpected 'uint256' after parameter name 'to'")]
    [InlineData("transfer(address to", "expected ')', found the end")]
    [InlineData("1transfer(address)", "expected a function name")]
    [InlineData("transfer(address indexed to)", "'indexed' only applies to event parameters")]
    [InlineData("transfer(address) returns", "expected '('")]
    [InlineData("transfer(address) constant", "unexpected 'constant'")]
    [InlineData("transfer(address) returns (bool) x", "unexpected 'x'")]
    public void Parse_RefusesMalformedSignatures(string text, string message)
    {
        var error = Assert.Throws<AbiException>(() => AbiFunction.Parse(text));
        Assert.Contains($"invalid ABI signature '{text}' at position", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void EncodeCall_RefusesTheWrongNumberOfArguments()
    {
        var transfer = AbiFunction.Parse("transfer(address to, uint256 amount)");
        Assert.Equal("transfer arguments: 2 expected (address,uint256), got 1",
            Assert.Throws<AbiException>(() => transfer.EncodeCall(Address.Zero)).Message);
    }

    [Fact]
    public void Selector_IsACopy()
    {
        var transfer = AbiFunction.Parse("transfer(address,uint256)");
        transfer.Selector[0] = 0;
        Assert.Equal("0xa9059cbb", Hex.Encode(transfer.Selector));
    }
}
