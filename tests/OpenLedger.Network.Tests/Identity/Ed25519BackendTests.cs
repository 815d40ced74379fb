using OpenLedger.Network.Identity;

namespace OpenLedger.Network.Tests.Identity;

public class Ed25519BackendTests
{
    // RFC 8032 §7.1, TEST 2 (one-byte message 0x72).
    private static readonly byte[] Rfc8032Seed = Convert.FromHexString("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
    private static readonly byte[] Rfc8032PublicKey = Convert.FromHexString("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
    private static readonly byte[] Rfc8032Signature = Convert.FromHexString(
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");

    public static TheoryData<string> Backends()
    {
        var data = new TheoryData<string> { "managed" };
        if (NativeEd25519.TryCreate(out _, out _)) data.Add("native");
        return data;
    }

    private static IEd25519 Create(string name) => name == "native"
        ? NativeEd25519.TryCreate(out var native, out var failure) ? native! : throw new InvalidOperationException(failure)
        : new ManagedEd25519();

    [Theory]
    [MemberData(nameof(Backends))]
    public void Reproduces_the_rfc8032_vector(string backend)
    {
        var ed = Create(backend);
        Assert.Equal(Rfc8032PublicKey, ed.GetPublicKey(Rfc8032Seed));
        Assert.Equal(Rfc8032Signature, ed.Sign(Rfc8032Seed, Rfc8032PublicKey, [0x72]));
        Assert.True(ed.Verify(Rfc8032PublicKey, [0x72], Rfc8032Signature));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Refuses_a_changed_message_signature_or_key_and_wrong_lengths(string backend)
    {
        var ed = Create(backend);
        var message = "libp2p-pubsub:a gossiped transaction"u8.ToArray();
        var signature = ed.Sign(Rfc8032Seed, Rfc8032PublicKey, message);
        Assert.True(ed.Verify(Rfc8032PublicKey, message, signature));

        var otherMessage = message.ToArray();
        otherMessage[^1] ^= 0x01;
        Assert.False(ed.Verify(Rfc8032PublicKey, otherMessage, signature));
        var otherSignature = signature.ToArray();
        otherSignature[40] ^= 0x80;
        Assert.False(ed.Verify(Rfc8032PublicKey, message, otherSignature));
        var otherKey = ed.GetPublicKey(Enumerable.Repeat((byte)0x11, 32).ToArray());
        Assert.False(ed.Verify(otherKey, message, signature));
        Assert.False(ed.Verify(Rfc8032PublicKey, message, signature.AsSpan(0, 63)));
        Assert.False(ed.Verify(Rfc8032PublicKey.AsSpan(0, 31), message, signature));
    }

    [Fact]
    public void Native_and_managed_backends_sign_identically_and_accept_each_others_signatures()
    {
        if (!NativeEd25519.TryCreate(out var native, out var failure))
        {
            Assert.Fail($"libsodium is part of the node's setup (scripts/setup.sh): {failure}");
            return;
        }
        var managed = new ManagedEd25519();
        var random = new Random(7);
        for (var i = 0; i < 50; i++)
        {
            var seed = new byte[32];
            random.NextBytes(seed);
            var message = new byte[random.Next(0, 400)];
            random.NextBytes(message);
            var publicKey = managed.GetPublicKey(seed);
            Assert.Equal(publicKey, native!.GetPublicKey(seed));
            var signature = managed.Sign(seed, publicKey, message);
            Assert.Equal(signature, native.Sign(seed, publicKey, message));
            Assert.True(native.Verify(publicKey, message, signature));
            Assert.True(managed.Verify(publicKey, message, signature));
        }
    }

    [Fact]
    public void The_node_key_signs_with_the_selected_backend_and_verifies()
    {
        var key = NodeKey.FromSeed(Rfc8032Seed);
        Assert.Equal(Rfc8032PublicKey, key.PublicKey.Bytes);
        Assert.Equal(Rfc8032Signature, key.Sign([0x72]));
        Assert.True(key.PublicKey.Verify([0x72], Rfc8032Signature));
        Assert.False(key.PublicKey.Verify([0x73], Rfc8032Signature));
    }
}
