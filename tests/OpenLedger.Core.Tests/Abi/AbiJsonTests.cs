using OpenLedger.Core.Abi;
using Xunit;

namespace OpenLedger.Core.Tests.Abi;

public class AbiJsonTests
{
    private static readonly AbiFunction Batch =
        AbiFunction.Parse("batch((address target, uint256 value, bytes data)[] calls, uint64 deadline) payable returns (bool ok)");

    private static readonly AbiEvent Transfer = AbiEvent.Parse("Transfer(address indexed from, address indexed to, uint256 value)");

    [Fact]
    public void Serialize_WritesTheStandardJsonAbi_InSolcKeyOrder()
    {
        // Written with ' for readability; JSON needs ".
        var expected = (
            "[{'inputs':[{'components':[{'internalType':'address','name':'target','type':'address'}," +
            "{'internalType':'uint256','name':'value','type':'uint256'},{'internalType':'bytes','name':'data','type':'bytes'}]," +
            "'name':'calls','type':'tuple[]'},{'internalType':'uint64','name':'deadline','type':'uint64'}],'name':'batch'," +
            "'outputs':[{'internalType':'bool','name':'ok','type':'bool'}],'stateMutability':'payable','type':'function'}," +
            "{'anonymous':false,'inputs':[{'indexed':true,'internalType':'address','name':'from','type':'address'}," +
            "{'indexed':true,'internalType':'address','name':'to','type':'address'}," +
            "{'indexed':false,'internalType':'uint256','name':'value','type':'uint256'}],'name':'Transfer','type':'event'}]")
            .Replace('\'', '"');
        Assert.Equal(expected, AbiJson.Serialize([Batch], [Transfer], indented: false));
        Assert.EndsWith("]\n", AbiJson.Serialize([Batch], [Transfer]));
    }

    [Fact]
    public void Parse_ReadsBackWhatSerializeWrote()
    {
        var contract = AbiJson.Parse(AbiJson.Serialize(new AbiContract([Batch], [Transfer])));
        var batch = Assert.Single(contract.Functions);
        Assert.Equal(Batch.Signature, batch.Signature);
        Assert.Equal(Batch.SelectorValue, batch.SelectorValue);
        Assert.Equal(Batch.Inputs, batch.Inputs);
        Assert.Equal(Batch.Outputs, batch.Outputs);
        Assert.Equal(AbiStateMutability.Payable, batch.StateMutability);
        Assert.Equal(["target", "value", "data"], batch.InputTypes[0].InnermostTuple()!.ComponentNames);
        var transfer = Assert.Single(contract.Events);
        Assert.Equal(Transfer.Topic0, transfer.Topic0);
        Assert.Equal(Transfer.Parameters, transfer.Parameters);
        Assert.True(contract.TryGetFunction(Batch.EncodeCall(Array.Empty<object>(), 1UL), out var found));
        Assert.Same(batch, found);
        Assert.True(contract.TryGetEvent(Transfer.Topic0, out var foundEvent));
        Assert.Same(transfer, foundEvent);
    }

    [Fact]
    public void Parse_ReadsSolcAndLegacyAbis()
    {
        const string json = """
            {"contractName":"Token","abi":[
              {"type":"constructor","inputs":[{"name":"supply","type":"uint256"}],"stateMutability":"nonpayable"},
              {"type":"error","name":"Insufficient","inputs":[{"name":"needed","type":"uint256"}]},
              {"constant":true,"inputs":[{"name":"owner","type":"address"}],"name":"balanceOf","outputs":[{"name":"","type":"uint256"}],"payable":false},
              {"inputs":[{"components":[{"internalType":"uint8","name":"kind","type":"uint8"}],"internalType":"struct Token.Info[2][]","name":"infos","type":"tuple[2][]"}],
               "name":"setInfos","outputs":[],"stateMutability":"nonpayable","type":"function"},
              {"anonymous":true,"inputs":[{"indexed":true,"name":"who","type":"address"}],"name":"Ping","type":"event"}
            ]}
            """;
        var contract = AbiJson.Parse(json);
        Assert.Equal(["balanceOf(address)", "setInfos((uint8)[2][])"], contract.Functions.Select(f => f.Signature));
        Assert.Equal(AbiStateMutability.View, contract.GetFunction("balanceOf").StateMutability);
        var setInfos = contract.GetFunction("setInfos((uint8)[2][])");
        Assert.Equal("struct Token.Info[2][]", setInfos.Inputs[0].InternalType);
        Assert.Contains("\"internalType\":\"struct Token.Info[2][]\"", AbiJson.Serialize(contract, indented: false));
        var ping = contract.GetEvent("Ping");
        Assert.True(ping.Anonymous);
        Assert.True(ping.Parameters[0].Indexed);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("{}", "a JSON ABI is an array of entries")]
    [InlineData("""[{"type":"struct","name":"x"}]""", "JSON ABI entry 0 has unknown type 'struct'")]
    [InlineData("""[{"type":"function","inputs":[]}]""", "JSON ABI entry 0 has no 'name'")]
    [InlineData("""[{"type":"function","name":"f","inputs":[{"name":"a","type":"tuple"}]}]""", "JSON ABI entry 0 (function 'f'), inputs[0]: type 'tuple' needs a 'components' array")]
    [InlineData("""[{"type":"function","name":"f","inputs":[{"name":"a","type":"uint7"}]}]""", "JSON ABI entry 0 (function 'f'), inputs[0]: invalid ABI signature 'uint7'")]
    [InlineData("""[{"type":"function","name":"f","stateMutability":"cheap"}]""", "unknown stateMutability 'cheap'")]
    [InlineData("""[{"type":"function","name":"f"},{"type":"function","name":"f"}]""", "function f() is defined twice")]
    public void Parse_RefusesMalformedJson_WithSpecificMessage(string json, string message)
    {
        Assert.Contains(message, Assert.Throws<AbiException>(() => AbiJson.Parse(json)).Message);
    }

    [Fact]
    public void Contract_LooksUpByNameOrSignature_AndRefusesAmbiguity()
    {
        var contract = new AbiContract([AbiFunction.Parse("f(uint256)"), AbiFunction.Parse("f(bytes)"), AbiFunction.Parse("g()")]);
        Assert.Equal("g()", contract.GetFunction("g").Signature);
        Assert.Equal("f(bytes)", contract.GetFunction("f(bytes)").Signature);
        Assert.Contains("'f' is overloaded", Assert.Throws<KeyNotFoundException>(() => contract.GetFunction("f")).Message);
        Assert.Throws<KeyNotFoundException>(() => contract.GetFunction("h"));
        Assert.False(contract.TryGetFunction(new byte[] { 1, 2, 3 }, out _));
    }
}
