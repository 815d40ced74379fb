using OpenLedger.Network.Addressing;
using OpenLedger.Network.Encoding;

namespace OpenLedger.Network.Tests.Addressing;

public class MultiaddrTests
{
    [Theory]
    [InlineData("/ip4/127.0.0.1/tcp/4001", "047f000001060fa1")]
    [InlineData("/ip6/::1/tcp/4001", "2900000000000000000000000000000001060fa1")]
    [InlineData("/dns4/example.com/tcp/80", "360b6578616d706c652e636f6d060050")]
    [InlineData("/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWPqT2nMDSiXUSx5D7fasaxhxKigVhcqfkKqrLghCq9jxz",
        "047f000001060fa1a503260024080112" + "20d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737")]
    public void Text_and_binary_forms_match_the_multiaddr_spec(string text, string hex)
    {
        var address = Multiaddr.Parse(text);
        Assert.Equal(text, address.ToString());
        Assert.Equal(hex, Convert.ToHexString(address.ToBytes()).ToLowerInvariant());
        Assert.Equal(address, Multiaddr.FromBytes(Convert.FromHexString(hex)));
    }

    [Fact]
    public void Dns_and_peer_components_are_accessible()
    {
        var address = Multiaddr.Parse("/dns/node.example/tcp/30303/p2p/12D3KooWPqT2nMDSiXUSx5D7fasaxhxKigVhcqfkKqrLghCq9jxz");
        Assert.Equal(("node.example", MultiaddrProtocol.Dns, 30303), address.WithoutPeerId().GetTcpEndpoint());
        Assert.Equal("12D3KooWPqT2nMDSiXUSx5D7fasaxhxKigVhcqfkKqrLghCq9jxz", address.PeerId!.ToString());
        Assert.Equal("/dns/node.example/tcp/30303", address.WithoutPeerId().ToString());
        Assert.Equal("/dns6/h/tcp/1", Multiaddr.Parse("/dns6/h/tcp/1").ToString());
    }

    [Theory]
    [InlineData("ip4/1.2.3.4")]
    [InlineData("/ip4/1.2.3")]
    [InlineData("/ip4/1.2.3.4/tcp/65536")]
    [InlineData("/ip4/1.2.3.4/tcp")]
    [InlineData("/udp/1234")]
    [InlineData("/ip6/1.2.3.4")]
    [InlineData("/p2p/notapeer")]
    public void Rejects_malformed_text(string text) => Assert.Throws<FormatException>(() => Multiaddr.Parse(text));

    [Fact]
    public void Rejects_truncated_binary()
    {
        byte[] full = Multiaddr.Parse("/ip4/127.0.0.1/tcp/4001").ToBytes();
        foreach (int length in new[] { 1, 2, 3, 4, 6, 7 })
            Assert.Throws<FormatException>(() => Multiaddr.FromBytes(full.AsSpan(0, length)));
    }

    [Fact]
    public void Varint_roundtrips_and_rejects_non_minimal_encodings()
    {
        foreach (ulong value in new ulong[] { 0, 1, 127, 128, 300, 16384, ulong.MaxValue })
        {
            byte[] encoded = Varint.Encode(value);
            Assert.Equal(value, Varint.Read(encoded, out int n));
            Assert.Equal(encoded.Length, n);
        }
        Assert.Throws<FormatException>(() => Varint.Read([0x80, 0x00], out _));
        Assert.Throws<FormatException>(() => Varint.Read([0x80], out _));
    }
}
