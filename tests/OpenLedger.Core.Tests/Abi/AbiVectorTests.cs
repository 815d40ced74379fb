using System.Text.Json;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Tests.Support;
using Xunit;

namespace OpenLedger.Core.Tests.Abi;

public class AbiVectorTests
{
    private const string EthersVectors = "abi.json";
    private const string EthereumTestsVectors = "ethereum-tests/ABITests/basic_abi_tests.json";

    public static TheoryData<int> EthersCases()
    {
        using var doc = Vectors.Load(EthersVectors);
        var data = new TheoryData<int>();
        for (var i = 0; i < doc.RootElement.GetArrayLength(); i++) data.Add(i);
        return data;
    }

    public static TheoryData<string> EthereumTestsCases()
    {
        using var doc = Vectors.Load(EthereumTestsVectors);
        var data = new TheoryData<string>();
        foreach (var test in doc.RootElement.EnumerateObject()) data.Add(test.Name);
        return data;
    }

    [Fact]
    public void EthersVectorFile_HasAllSixtyCases() => Assert.Equal(60, EthersCases().Count);

    [Theory]
    [MemberData(nameof(EthersCases))]
    public void EthersVector_EncodesByteExact_AndDecodesToEqualValues(int index)
    {
        using var doc = Vectors.Load(EthersVectors);
        var test = doc.RootElement[index];
        var function = AbiFunction.Parse(test.GetProperty("signature").GetString()!);
        var types = test.GetProperty("types").EnumerateArray().Select(t => AbiType.Parse(t.GetString()!)).ToArray();
        var args = test.GetProperty("args").EnumerateArray().Select((a, i) => AbiTestValues.FromJson(types[i], a)).ToArray();
        var encodedArgs = Hex.Decode(test.GetProperty("encodedArgs").GetString()!);
        var calldata = Hex.Decode(test.GetProperty("calldata").GetString()!);

        Assert.Equal(test.GetProperty("signature").GetString(), function.Signature);
        Assert.Equal(types, function.InputTypes);
        Assert.Equal(test.GetProperty("selector").GetString(), Hex.Encode(function.Selector));

        Assert.Equal(Hex.Encode(encodedArgs), Hex.Encode(AbiCodec.Encode(types, args)));
        Assert.Equal(Hex.Encode(calldata), Hex.Encode(function.EncodeCall(args)));

        AbiTestValues.AssertDeepEqual(args, AbiCodec.Decode(types, encodedArgs));
        AbiTestValues.AssertDeepEqual(args, function.DecodeArguments(calldata));
    }

    [Theory]
    [MemberData(nameof(EthereumTestsCases))]
    public void EthereumTestsVector_EncodesByteExact_AndDecodesToEqualValues(string name)
    {
        using var doc = Vectors.Load(EthereumTestsVectors);
        var test = doc.RootElement.GetProperty(name);
        var types = test.GetProperty("types").EnumerateArray().Select(t => AbiType.Parse(t.GetString()!)).ToArray();
        var args = test.GetProperty("args").EnumerateArray()
            .Select((a, i) => AbiTestValues.FromJson(types[i], a, bytesAsText: true)).ToArray();
        var expected = Hex.Decode(test.GetProperty("result").GetString()!);

        Assert.Equal(Hex.Encode(expected), Hex.Encode(AbiCodec.Encode(types, args)));
        AbiTestValues.AssertDeepEqual(args, AbiCodec.Decode(types, expected));
    }
}
