using OpenLedger.Core.Encoding;
using OpenLedger.Core.Tests.Support;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Core.Tests.Encoding;

public class AddressTests
{
    [Fact]
    public void PublicKeysFromVectors_GiveTheirChecksummedAddresses()
    {
        using var doc = Vectors.Load("keys.json");
        var count = 0;
        foreach (var k in doc.RootElement.EnumerateArray())
        {
            var publicKey = Hex.Decode(k.GetProperty("publicKey").GetString()!);
            var expected = k.GetProperty("address").GetString()!;
            var address = Address.FromPublicKey(publicKey);
            Assert.Equal(expected, address.ToString());
            Assert.Equal(address, Address.Parse(expected));
            Assert.Equal(address, Address.Parse(expected.ToLowerInvariant()));
            count++;
        }
        Assert.True(count > 0);
    }

    [Fact]
    public void WrongChecksum_IsRejectedWithTheExpectedSpelling()
    {
        var ok = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
        Assert.Equal(ok, Address.Parse(ok).ToString());
        var bad = "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
        Assert.False(Address.TryParse(bad, out _, out var error));
        Assert.Contains("checksum", error);
        Assert.Contains(ok, error);
    }

    [Theory]
    [InlineData("0x1234")]
    [InlineData("0xzz5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA")]
    [InlineData("")]
    public void Malformed_IsRejected(string text) => Assert.False(Address.TryParse(text, out _, out _));

    [Theory]
    [InlineData("1", "1000000000000000000")]
    [InlineData("1.5", "1500000000000000000")]
    [InlineData("0.000000000000000001", "1")]
    [InlineData("1000000000", "1000000000000000000000000000")]
    [InlineData("7wei", "7")]
    public void WeiParsing_IsExact(string text, string wei)
    {
        Assert.True(Wei.TryParseOpen(text, out var value, out var error), error);
        Assert.Equal(UInt128.Parse(wei), value);
        Assert.Equal(value, Wei.TryParseOpen(Wei.FormatOpen(value), out var back, out _) ? back : 0);
    }

    [Theory]
    [InlineData("0.0000000000000000001")]
    [InlineData("abc")]
    [InlineData("1.2.3")]
    [InlineData("999999999999999999999999999999999999999999")]
    public void WeiParsing_RejectsInexactOrOversize(string text) => Assert.False(Wei.TryParseOpen(text, out _, out _));
}
