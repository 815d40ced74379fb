using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Tests.Support;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Core.Tests.Crypto;

/// <summary>Private key -> public key -> address against keys.json (ethers) and ethereum/tests keyaddrtest.json.</summary>
public class Secp256k1KeyVectorTests
{
    private static readonly ISecp256k1[] Backends = LoadBackends();

    private static ISecp256k1[] LoadBackends()
    {
        Assert.True(NativeSecp256k1.TryCreate(out var native));
        return [native!, new ManagedSecp256k1()];
    }

    [Fact]
    public void KeysJson_PrivateKeyGivesPublicKeyAndAddress_OnBothBackends()
    {
        using var doc = Vectors.Load("keys.json");
        var count = 0;
        foreach (var entry in doc.RootElement.EnumerateArray())
        {
            var secret = Hex.Decode(entry.GetProperty("privateKey").GetString()!);
            var publicKey = entry.GetProperty("publicKey").GetString()!;
            var address = entry.GetProperty("address").GetString()!;
            // The generator's rule: private key = keccak256(label).
            Assert.Equal(Hex.Encode(secret), Keccak256.Hash(System.Text.Encoding.UTF8.GetBytes(entry.GetProperty("label").GetString()!)).ToString());
            foreach (var backend in Backends)
            {
                Assert.True(backend.IsValidPrivateKey(secret));
                Assert.Equal(publicKey, Hex.Encode(backend.GetPublicKey(secret)));
            }
            var key = new PrivateKey(secret);
            Assert.Equal(publicKey, Hex.Encode(key.PublicKey));
            Assert.Equal(address, key.Address.ToChecksumString());
            Assert.Equal(address, PrivateKey.FromHex(entry.GetProperty("privateKey").GetString()!).Address.ToString());
            count++;
        }
        Assert.True(count >= 10, $"keys.json has only {count} keys");
    }

    [Fact]
    public void KeyAddrTest_KeyGivesAddress_OnBothBackends()
    {
        // The file's sig_of_emptystring entries are not signatures of keccak256(""), sha256("") or a zero digest
        // (checked by recovery), so only the key -> address part is usable.
        using var doc = Vectors.Load("ethereum-tests/BasicTests/keyaddrtest.json");
        var count = 0;
        foreach (var entry in doc.RootElement.EnumerateArray())
        {
            var secret = Hex.Decode(entry.GetProperty("key").GetString()!);
            var expectedAddress = Address.Parse("0x" + entry.GetProperty("addr").GetString()!);
            Assert.Equal(expectedAddress, PrivateKey.FromHex(entry.GetProperty("key").GetString()!).Address);
            foreach (var backend in Backends)
            {
                Assert.Equal(expectedAddress, Address.FromPublicKey(backend.GetPublicKey(secret)));
                var digest = Keccak256.Hash(secret);
                Assert.True(Secp256k1.TryRecoverAddress(backend, digest, backend.Sign(digest, secret), out var signer));
                Assert.Equal(expectedAddress, signer);
            }
            count++;
        }
        Assert.Equal(2, count);
    }

    [Fact]
    public void PrivateKey_RejectsInvalidSecrets_WithReasons()
    {
        Assert.Throws<ArgumentException>(() => new PrivateKey(new byte[32]));
        Assert.Throws<ArgumentException>(() => new PrivateKey(new byte[31]));
        Assert.Contains("not valid hex", Assert.Throws<FormatException>(() => PrivateKey.FromHex("0xzz")).Message);
        Assert.Contains("32 bytes", Assert.Throws<FormatException>(() => PrivateKey.FromHex("0x01")).Message);
        Assert.Contains("[1, secp256k1n-1]",
            Assert.Throws<FormatException>(() => PrivateKey.FromHex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141")).Message);
    }

    [Fact]
    public void PrivateKey_Generate_GivesDistinctWorkingKeys_AndNeverPrintsTheSecret()
    {
        var first = PrivateKey.Generate();
        var second = PrivateKey.Generate();
        Assert.NotEqual(first.ToHex(), second.ToHex());
        Assert.DoesNotContain(first.ToHex()[2..], first.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains(first.Address.ToString(), first.ToString());

        var digest = Keccak256.Hash("generated"u8);
        Assert.True(Secp256k1.TryRecoverAddress(digest, first.Sign(digest), out var signer));
        Assert.Equal(first.Address, signer);
        Assert.Equal(first.Address, PrivateKey.FromHex(first.ToHex()).Address);
    }
}
