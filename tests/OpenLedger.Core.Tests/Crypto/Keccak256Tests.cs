using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Tests.Support;
using Xunit;

namespace OpenLedger.Core.Tests.Crypto;

public class Keccak256Tests
{
    [Fact]
    public void MatchesEveryVector_IncludingRateBoundaries()
    {
        using var doc = Vectors.Load("keccak256.json");
        var count = 0;
        foreach (var v in doc.RootElement.EnumerateArray())
        {
            var input = Hex.Decode(v.GetProperty("inputHex").GetString()!);
            Assert.Equal(v.GetProperty("length").GetInt32(), input.Length);
            Assert.Equal(v.GetProperty("keccak256").GetString(), Keccak256.Hash(input).ToString());
            count++;
        }
        Assert.True(count >= 10, $"only {count} keccak vectors were found");
    }

    [Fact]
    public void AgreesWithBouncyCastle_OnAllLengthsUpTo600()
    {
        var random = new Random(42);
        for (var length = 0; length <= 600; length++)
        {
            var input = new byte[length];
            random.NextBytes(input);
            var digest = new Org.BouncyCastle.Crypto.Digests.KeccakDigest(256);
            digest.BlockUpdate(input, 0, input.Length);
            var expected = new byte[32];
            digest.DoFinal(expected, 0);
            Assert.Equal(expected, Keccak256.HashToArray(input));
        }
    }
}
