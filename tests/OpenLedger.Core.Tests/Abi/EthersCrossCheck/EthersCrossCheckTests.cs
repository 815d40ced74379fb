using System.Text.Json;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Core.Tests.Abi.EthersCrossCheck;

/// <summary>
/// Random nested types (fixed arrays, arrays of tuples, tuples of arrays, which abi.json does not cover) and
/// events with indexed values, encoded by ethers: an independent implementation of the same specification.
/// </summary>
public class EthersCrossCheckTests
{
    public static TheoryData<int> Cases()
    {
        using var doc = JsonDocument.Parse(EthersCrossCheckVectors.Json);
        var data = new TheoryData<int>();
        for (var i = 0; i < doc.RootElement.GetArrayLength(); i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EncodingMatchesEthers_AndDecodesBack(int index)
    {
        using var doc = JsonDocument.Parse(EthersCrossCheckVectors.Json);
        var test = doc.RootElement[index];
        var types = test.GetProperty("types").EnumerateArray().Select(t => AbiType.Parse(t.GetString()!)).ToArray();
        var values = test.GetProperty("values").EnumerateArray().Select((v, i) => AbiTestValues.FromJson(types[i], v)).ToArray();
        var encoded = test.GetProperty("encoded").GetString()!;

        Assert.Equal(encoded, Hex.Encode(AbiCodec.Encode(types, values)));
        AbiTestValues.AssertDeepEqual(values, AbiCodec.Decode(types, Hex.Decode(encoded)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EventLogMatchesEthers_AndDecodesBack(int index)
    {
        using var doc = JsonDocument.Parse(EthersCrossCheckVectors.Json);
        var test = doc.RootElement[index];
        var abiEvent = AbiEvent.Parse(test.GetProperty("event").GetString()!);
        var types = abiEvent.Parameters.Select(p => p.Type).ToArray();
        var values = test.GetProperty("values").EnumerateArray().Select((v, i) => AbiTestValues.FromJson(types[i], v)).ToArray();
        var expectedTopics = test.GetProperty("topics").EnumerateArray().Select(t => Hash256.Parse(t.GetString()!)).ToArray();
        var expectedData = test.GetProperty("data").GetString()!;

        var (topics, data) = abiEvent.EncodeLog(values);
        Assert.Equal(expectedTopics, topics);
        Assert.Equal(expectedData, Hex.Encode(data));

        var decoded = abiEvent.Decode(expectedTopics, Hex.Decode(expectedData));
        for (var i = 0; i < values.Length; i++)
        {
            var parameter = abiEvent.Parameters[i];
            if (parameter.Indexed && parameter.Type.Kind is AbiTypeKind.String or AbiTypeKind.Bytes)
                Assert.IsType<Hash256>(decoded[i]);
            else
                AbiTestValues.AssertDeepEqual(values[i], decoded[i]);
        }
    }
}
