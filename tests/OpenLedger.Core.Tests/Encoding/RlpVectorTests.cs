using System.Numerics;
using System.Text.Json;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Tests.Support;
using Xunit;

namespace OpenLedger.Core.Tests.Encoding;

public class RlpVectorTests
{
    public static TheoryData<string> ValidNames()
    {
        var data = new TheoryData<string>();
        using var doc = Vectors.Load("ethereum-tests/RLPTests/rlptest.json");
        foreach (var p in doc.RootElement.EnumerateObject()) data.Add(p.Name);
        return data;
    }

    public static TheoryData<string> InvalidNames()
    {
        var data = new TheoryData<string>();
        using var doc = Vectors.Load("ethereum-tests/RLPTests/invalidRLPTest.json");
        foreach (var p in doc.RootElement.EnumerateObject()) data.Add(p.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(ValidNames))]
    public void ValidVector_EncodesByteExact_AndDecodesBack(string name)
    {
        using var doc = Vectors.Load("ethereum-tests/RLPTests/rlptest.json");
        var test = doc.RootElement.GetProperty(name);
        var expected = Hex.Decode(test.GetProperty("out").GetString()!);

        var item = ToItem(test.GetProperty("in"));
        Assert.Equal(Hex.Encode(expected), Hex.Encode(item.Encode()));
        Assert.Equal(item, RlpItem.Decode(expected), RlpItemComparer.Instance);
    }

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void InvalidVector_IsRejectedWithRlpException(string name)
    {
        using var doc = Vectors.Load("ethereum-tests/RLPTests/invalidRLPTest.json");
        var encoded = Hex.Decode(doc.RootElement.GetProperty(name).GetProperty("out").GetString()!);
        var error = Assert.Throws<RlpException>(() => DecodeStrictly(encoded));
        Assert.StartsWith("invalid RLP at byte", error.Message);
    }

    [Fact]
    public void RandomRlpExample_RoundTrips()
    {
        using var doc = Vectors.Load("ethereum-tests/RLPTests/RandomRLPTests/example.json");
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            var encoded = Hex.Decode(p.Value.GetProperty("out").GetString()!);
            Assert.Equal(encoded, RlpItem.Decode(encoded).Encode());
        }
    }

    /// <summary>
    /// The invalid vectors include integers with leading zeros, which are only wrong when read as an
    /// integer; decode the tree and also read every leaf as an integer where the vector says so.
    /// </summary>
    private static void DecodeStrictly(byte[] encoded)
    {
        var item = RlpItem.Decode(encoded);
        if (item is RlpItem.Bytes)
        {
            var reader = new RlpReader(encoded);
            reader.ReadUInt256();
        }
    }

    private static RlpItem ToItem(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                return new RlpItem.List(value.EnumerateArray().Select(ToItem).ToList());
            case JsonValueKind.Number:
                return IntegerItem(new BigInteger(value.GetUInt64()));
            case JsonValueKind.String:
                var s = value.GetString()!;
                if (s.StartsWith('#')) return IntegerItem(BigInteger.Parse(s[1..]));
                return new RlpItem.Bytes(System.Text.Encoding.UTF8.GetBytes(s));
            default:
                throw new InvalidOperationException($"unexpected JSON {value.ValueKind}");
        }
    }

    private static RlpItem IntegerItem(BigInteger value) =>
        new RlpItem.Bytes(value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true));

    private sealed class RlpItemComparer : IEqualityComparer<RlpItem>
    {
        public static readonly RlpItemComparer Instance = new();

        public bool Equals(RlpItem? x, RlpItem? y) => (x, y) switch
        {
            (RlpItem.Bytes a, RlpItem.Bytes b) => a.Value.AsSpan().SequenceEqual(b.Value),
            (RlpItem.List a, RlpItem.List b) => a.Items.Count == b.Items.Count && a.Items.Zip(b.Items).All(p => Equals(p.First, p.Second)),
            _ => false,
        };

        public int GetHashCode(RlpItem obj) => 0;
    }
}
