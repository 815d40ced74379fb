using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Core.Tests.Crypto;

/// <summary>The native and managed backends checked against each other and against bad input.</summary>
public class Secp256k1BackendTests
{
    private static readonly ManagedSecp256k1 Managed = new();
    private static readonly NativeSecp256k1 Native = LoadNative();

    private static NativeSecp256k1 LoadNative()
    {
        // The project's setup installs libsecp256k1-1; a missing library must fail loudly here, not skip.
        Assert.True(NativeSecp256k1.TryCreate(out var native, out var failure), failure);
        return native!;
    }

    public static TheoryData<string> BackendNames() => new() { "native", "managed" };

    private static ISecp256k1 BackendNamed(string name) => name == "native" ? Native : Managed;

    [Fact]
    public void Backends_SignIdentically_AndRecoverEachOthersSignatures()
    {
        // Fixed seed: failures are reproducible. 1,000 keys x 2 backends = 2,000 signatures, each recovered on the
        // other backend; more would mostly cost managed-backend time in CI.
        var random = new Random(20261124);
        Span<byte> key = stackalloc byte[32];
        Span<byte> digestBytes = stackalloc byte[32];
        Span<byte> recovered = stackalloc byte[65];
        for (var i = 0; i < 1000; i++)
        {
            do random.NextBytes(key);
            while (!Native.IsValidPrivateKey(key));
            random.NextBytes(digestBytes);
            var digest = new Hash256(digestBytes);

            var nativeSignature = Native.Sign(digest, key);
            var managedSignature = Managed.Sign(digest, key);
            Assert.Equal(nativeSignature, managedSignature);
            Assert.True(nativeSignature.IsLowS);
            Assert.Null(nativeSignature.Validate());

            var publicKey = Native.GetPublicKey(key);
            Assert.Equal(publicKey, Managed.GetPublicKey(key));

            // Sign on one backend, recover on the other.
            Assert.True(Managed.TryRecoverPublicKey(digest, nativeSignature, recovered));
            Assert.Equal(publicKey, recovered.ToArray());
            Assert.True(Native.TryRecoverPublicKey(digest, managedSignature, recovered));
            Assert.Equal(publicKey, recovered.ToArray());
        }
    }

    [Fact]
    public void Backends_AgreeOnPrivateKeyValidity_AtTheRangeEdges()
    {
        var n = Convert.FromHexString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");
        var nMinus1 = (byte[])n.Clone();
        nMinus1[31]--;
        var one = new byte[32];
        one[31] = 1;
        foreach (ISecp256k1 backend in new ISecp256k1[] { Native, Managed })
        {
            Assert.False(backend.IsValidPrivateKey(new byte[32]));
            Assert.False(backend.IsValidPrivateKey(n));
            Assert.False(backend.IsValidPrivateKey(new byte[31]));
            Assert.True(backend.IsValidPrivateKey(one));
            Assert.True(backend.IsValidPrivateKey(nMinus1));
            Assert.Throws<ArgumentException>(() => backend.Sign(Hash256.Zero, n));
            Assert.Throws<ArgumentException>(() => backend.GetPublicKey(new byte[32]));
        }
    }

    [Theory]
    [MemberData(nameof(BackendNames))]
    public void Recover_RejectsOutOfRangeHighSAndBadRecoveryIds(string backendName)
    {
        var backend = BackendNamed(backendName);
        var key = Keccak256.Hash("reject"u8).ToArray();
        var digest = Keccak256.Hash("message"u8);
        var good = Native.Sign(digest, key);
        Span<byte> recovered = stackalloc byte[65];
        Assert.True(backend.TryRecoverPublicKey(digest, good, recovered));

        var n = Convert.FromHexString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");
        var highS = Subtract(n, good.S);
        var cases = new (Signature Signature, string Reason)[]
        {
            (Signature.FromCompact([], good.S, good.RecoveryId), "r = 0"),
            (Signature.FromCompact(good.R, [], good.RecoveryId), "s = 0"),
            (Signature.FromCompact(n, good.S, good.RecoveryId), "r = n"),
            (Signature.FromCompact(good.R, n, good.RecoveryId), "s = n"),
            (Signature.FromCompact(good.R, highS, (byte)(good.RecoveryId ^ 1)), "high s (the malleable twin)"),
            (Signature.FromCompact(good.R, good.S, 2), "recovery id 2"),
            (Signature.FromCompact(good.R, good.S, 27), "recovery id 27"),
        };
        foreach (var (signature, reason) in cases)
        {
            Assert.NotNull(signature.Validate());
            Assert.False(backend.TryRecoverPublicKey(digest, signature, recovered), reason);
            Assert.False(Secp256k1.TryRecoverAddress(backend, digest, signature, out _), reason);
        }
    }

    [Theory]
    [MemberData(nameof(BackendNames))]
    public void Recover_FailsWhenRIsNotTheXOfAnyCurvePoint(string backendName)
    {
        var backend = BackendNamed(backendName);
        // x = 5 has no y on secp256k1 (5^3 + 7 = 132 is a non-residue mod p).
        var r = new byte[] { 5 };
        var s = new byte[] { 1 };
        Span<byte> recovered = stackalloc byte[65];
        Assert.False(backend.TryRecoverPublicKey(Keccak256.Hash("x"u8), Signature.FromCompact(r, s, 0), recovered));
    }

    [Theory]
    [MemberData(nameof(BackendNames))]
    public void Recover_WithTheOtherRecoveryId_GivesADifferentKey(string backendName)
    {
        var backend = BackendNamed(backendName);
        var key = Keccak256.Hash("parity"u8).ToArray();
        var digest = Keccak256.Hash("m"u8);
        var signature = backend.Sign(digest, key);
        var flipped = Signature.FromCompact(signature.R, signature.S, (byte)(signature.RecoveryId ^ 1));
        Span<byte> recovered = stackalloc byte[65];
        Assert.True(backend.TryRecoverPublicKey(digest, flipped, recovered));
        Assert.NotEqual(backend.GetPublicKey(key), recovered.ToArray());
    }

    [Fact]
    public void Facade_ReportsTheActiveBackend()
    {
        Assert.Equal(Secp256k1.Backend.Name, Secp256k1.BackendName);
        var forcedManaged = Environment.GetEnvironmentVariable(Secp256k1.BackendEnvironmentVariable) == "managed";
        Assert.StartsWith(forcedManaged ? "managed" : "native", Secp256k1.BackendName);
        Assert.False(string.IsNullOrWhiteSpace(Secp256k1.BackendSelectionReason));
    }

    [Fact]
    public void Signature_CompactFormRoundTrips_AndLeftPadsShortIntegers()
    {
        var signature = Signature.FromCompact([0x01, 0x02], [0x03], 1);
        var compact = signature.ToCompact65();
        Assert.Equal(65, compact.Length);
        Assert.Equal(0x01, compact[30]);
        Assert.Equal(0x02, compact[31]);
        Assert.Equal(0x03, compact[63]);
        Assert.Equal(1, compact[64]);
        Assert.Equal(signature, Signature.FromCompact65(compact));
        compact[64] = 28; // 27/28 form
        Assert.Equal(signature, Signature.FromCompact65(compact));
        Assert.Throws<ArgumentException>(() => Signature.FromCompact(new byte[33], [1], 0));
    }

    [Fact]
    public void Signature_IsLowS_AtTheHalfOrderBoundary()
    {
        var half = Convert.FromHexString("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0");
        var halfPlusOne = (byte[])half.Clone();
        halfPlusOne[31]++;
        Assert.True(Signature.FromCompact([1], half, 0).IsLowS);
        Assert.Null(Signature.FromCompact([1], half, 0).Validate());
        Assert.False(Signature.FromCompact([1], halfPlusOne, 0).IsLowS);
        Assert.Contains("EIP-2", Signature.FromCompact([1], halfPlusOne, 0).Validate());
    }

    private static byte[] Subtract(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var result = new byte[32];
        var borrow = 0;
        for (var i = 31; i >= 0; i--)
        {
            var difference = a[i] - b[i] - borrow;
            borrow = difference < 0 ? 1 : 0;
            result[i] = (byte)(difference + (borrow << 8));
        }
        return result;
    }
}
