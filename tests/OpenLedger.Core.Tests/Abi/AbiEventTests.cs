using System.Numerics;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Core.Tests.Abi;

public class AbiEventTests
{
    private static readonly Address From = Address.Parse("0xA85f0F4D0195f9C1d4AB8121c0F735907319A190");
    private static readonly Address To = Address.Parse("0x274A75eF240FC738B29b076660d3735ef9c70D76");

    [Fact]
    public void Erc20Transfer_MatchesTheWellKnownTopicAndLayout()
    {
        var transfer = AbiEvent.Parse("Transfer(address indexed from, address indexed to, uint256 value)");
        Assert.Equal("Transfer(address,address,uint256)", transfer.Signature);
        Assert.Equal(Hash256.Parse("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"), transfer.Topic0);

        var (topics, data) = transfer.EncodeLog(From, To, 602);
        Assert.Equal(3, topics.Count);
        Assert.Equal(transfer.Topic0, topics[0]);
        Assert.Equal("0x000000000000000000000000a85f0f4d0195f9c1d4ab8121c0f735907319a190", topics[1].ToString());
        Assert.Equal("0x000000000000000000000000274a75ef240fc738b29b076660d3735ef9c70d76", topics[2].ToString());
        Assert.Equal("0x" + "25a".PadLeft(64, '0'), Hex.Encode(data));

        Assert.True(transfer.Matches(topics));
        AbiTestValues.AssertDeepEqual(new object[] { From, To, new BigInteger(602) }, transfer.Decode(topics, data));

        var log = transfer.EncodeLogEntry(Address.FromUInt64(0xa01), From, To, 602);
        Assert.Equal(topics, log.Topics);
        Assert.Equal(data, log.Data);
    }

    [Fact]
    public void IndexedDynamicValues_AreHashedAsSolidityDoes()
    {
        var abiEvent = AbiEvent.Parse(
            "event Registered(string indexed name, bytes indexed blob, uint256[] indexed ids, (uint8 kind, string label) info)");
        Assert.Throws<AbiException>(() => AbiEvent.Parse("E(uint8 indexed a, uint8 indexed b, uint8 indexed c, uint8 indexed d)"));

        var (topics, data) = abiEvent.EncodeLog("hello", new byte[] { 1, 2, 3 }, new object[] { 1, 2 }, new object[] { 7, "ab" });
        Assert.Equal(Keccak256.Hash("hello"u8), topics[1]);
        Assert.Equal(Keccak256.Hash([1, 2, 3]), topics[2]);
        var ids = new byte[64];
        ids[31] = 1;
        ids[63] = 2;
        Assert.Equal(Keccak256.Hash(ids), topics[3]);

        var decoded = abiEvent.Decode(topics, data);
        Assert.Equal(topics[1], decoded[0]);
        Assert.Equal(topics[3], decoded[2]);
        AbiTestValues.AssertDeepEqual(new object[] { new BigInteger(7), "ab" }, decoded[3]);
    }

    [Fact]
    public void IndexedTuple_IsHashedOverItsPaddedInPlaceEncoding()
    {
        var abiEvent = AbiEvent.Parse("Tagged((uint8,string,bytes2[]) indexed tag)");
        var (topics, _) = abiEvent.EncodeLog((object)new object[] { 5, "ab", new object[] { new byte[] { 0xaa, 0xbb } } });
        var expected = new byte[96];
        expected[31] = 5;
        expected[32] = (byte)'a';
        expected[33] = (byte)'b';
        expected[64] = 0xaa;
        expected[65] = 0xbb;
        Assert.Equal(Keccak256.Hash(expected), topics[1]);
    }

    [Fact]
    public void AnonymousEvents_HaveNoSignatureTopic()
    {
        var abiEvent = AbiEvent.Parse("Ping(uint64 indexed a, uint64 indexed b, uint64 indexed c, uint64 indexed d) anonymous");
        var (topics, data) = abiEvent.EncodeLog(1, 2, 3, 4);
        Assert.Equal(4, topics.Count);
        Assert.Empty(data);
        Assert.False(abiEvent.Matches(topics));
        AbiTestValues.AssertDeepEqual(new object[] { new BigInteger(1), new BigInteger(2), new BigInteger(3), new BigInteger(4) },
            abiEvent.Decode(topics, data));
        Assert.Equal("event Ping(uint64 indexed a, uint64 indexed b, uint64 indexed c, uint64 indexed d) anonymous", abiEvent.ToHumanReadable());
    }

    [Fact]
    public void Decode_RefusesLogsOfAnotherShape()
    {
        var transfer = AbiEvent.Parse("Transfer(address indexed from, address indexed to, uint256 value)");
        var (topics, data) = transfer.EncodeLog(From, To, 1);
        Assert.Contains("has 3 topics, the log has 2", Assert.Throws<AbiException>(() => transfer.Decode(topics.Take(2).ToList(), data)).Message);
        var wrong = topics.ToArray();
        wrong[0] = Hash256.Zero;
        Assert.Contains("is not event Transfer(address,address,uint256)", Assert.Throws<AbiException>(() => transfer.Decode(wrong, data)).Message);
        var dirty = topics.ToArray();
        var bytes = dirty[1].ToArray();
        bytes[0] = 1;
        dirty[1] = new Hash256(bytes);
        Assert.StartsWith("Transfer indexed field 0 'from' (address):", Assert.Throws<AbiException>(() => transfer.Decode(dirty, data)).Message);
        Assert.StartsWith("ABI data too short", Assert.Throws<AbiException>(() => transfer.Decode(topics, data[..31])).Message);
    }
}
