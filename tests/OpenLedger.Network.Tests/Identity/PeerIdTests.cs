using OpenLedger.Network.Encoding;
using OpenLedger.Network.Identity;

namespace OpenLedger.Network.Tests.Identity;

public class PeerIdTests
{
    [Fact]
    public void Seed_0x11_gives_the_interop_vector()
    {
        var key = NodeKey.FromSeed(Enumerable.Repeat((byte)0x11, 32).ToArray());
        Assert.Equal("08011220d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737", Convert.ToHexString(key.PublicKey.ToProtobuf()).ToLowerInvariant());
        Assert.Equal("12D3KooWPqT2nMDSiXUSx5D7fasaxhxKigVhcqfkKqrLghCq9jxz", key.PeerId.ToString());
    }

    [Fact]
    public void Parse_roundtrips_and_recovers_the_public_key()
    {
        var key = NodeKey.Generate();
        var parsed = PeerId.Parse(key.PeerId.ToString());
        Assert.Equal(key.PeerId, parsed);
        Assert.Equal(key.PublicKey, parsed.TryGetPublicKey());
        Assert.True(parsed.Matches(key.PublicKey));
        Assert.False(parsed.Matches(NodeKey.Generate().PublicKey));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0OIl")]
    [InlineData("12D3KooWPqT2nMDSiXUSx5D7fasaxhxKigVhcqfkKqrLghCq9jx")]
    public void Parse_rejects_malformed_ids(string text)
    {
        Assert.ThrowsAny<ArgumentException>(() =>
        {
            try { PeerId.Parse(text); }
            catch (FormatException e) { throw new ArgumentException(e.Message, e); }
        });
    }

    [Fact]
    public void Base58_keeps_leading_zero_bytes()
    {
        byte[] data = [0, 0, 1, 2, 255];
        Assert.Equal(data, Base58.Decode(Base58.Encode(data)));
        Assert.StartsWith("11", Base58.Encode(data), StringComparison.Ordinal);
    }

    [Fact]
    public void Signatures_verify_only_for_the_signed_message()
    {
        var key = NodeKey.Generate();
        byte[] signature = key.Sign("hello"u8);
        Assert.True(key.PublicKey.Verify("hello"u8, signature));
        Assert.False(key.PublicKey.Verify("hellp"u8, signature));
    }

    [Fact]
    public void Node_key_file_is_owner_only_and_reloads()
    {
        string dir = Path.Combine(Path.GetTempPath(), "ol-p2p-key-" + Guid.NewGuid().ToString("N"));
        string path = Path.Combine(dir, "node.key");
        try
        {
            var created = NodeKey.LoadOrCreate(path);
            var loaded = NodeKey.LoadOrCreate(path);
            Assert.Equal(created.PeerId, loaded.PeerId);
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Throws<IOException>(() => created.Save(path));
            File.WriteAllBytes(path, [1, 2, 3]);
            Assert.Throws<FormatException>(() => NodeKey.Load(path));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Chain_topics_and_protocols_are_scoped_by_chain_id()
    {
        Assert.Equal("/openledger/161200/tx/1", OpenLedger.Network.Protocols.OpenLedgerProtocolIds.TransactionsTopic(161200));
        Assert.Equal("/openledger/7/consensus/1", OpenLedger.Network.Protocols.OpenLedgerProtocolIds.ConsensusTopic(7));
        Assert.Equal("/openledger/7/evidence/1", OpenLedger.Network.Protocols.OpenLedgerProtocolIds.EvidenceTopic(7));
        Assert.Equal("/openledger/7/status/1", OpenLedger.Network.Protocols.OpenLedgerProtocolIds.Status(7));
        Assert.Equal("/openledger/7/blocks/1", OpenLedger.Network.Protocols.OpenLedgerProtocolIds.Blocks(7));
    }
}
