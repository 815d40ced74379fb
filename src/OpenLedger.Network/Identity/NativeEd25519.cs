using System.Runtime.InteropServices;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Network.Identity;

/// <summary>
/// Ed25519 through the system's libsodium (Debian package libsodium23): in a four-validator devnet every gossiped
/// transaction is signed once and its envelope verified by each other node, and libsodium does both several times
/// faster than managed code, without allocating. After sodium_init the functions used here are thread-safe.
/// libsodium's verification is slightly stricter than RFC 8032's minimum (it refuses small-order public keys and R
/// values, and non-canonical encodings), which honest signers never produce.
/// </summary>
public sealed unsafe class NativeEd25519 : IEd25519
{
    private static readonly string[] LibraryNames = ["libsodium.so.23", "libsodium.so.26", "libsodium.so", "libsodium"];
    private const int SeedBytes = 32;
    private const int PublicKeyBytes = 32;
    private const int SecretKeyBytes = 64;
    private const int SignatureBytes = 64;

    private readonly delegate* unmanaged<byte*, byte*, byte*, int> _seedKeypair;
    private readonly delegate* unmanaged<byte*, ulong*, byte*, ulong, byte*, int> _signDetached;
    private readonly delegate* unmanaged<byte*, byte*, ulong, byte*, int> _verifyDetached;

    public string Name { get; }

    private NativeEd25519(IntPtr library, string libraryName)
    {
        var init = (delegate* unmanaged<int>)NativeLibrary.GetExport(library, "sodium_init");
        _seedKeypair = (delegate* unmanaged<byte*, byte*, byte*, int>)NativeLibrary.GetExport(library, "crypto_sign_ed25519_seed_keypair");
        _signDetached = (delegate* unmanaged<byte*, ulong*, byte*, ulong, byte*, int>)NativeLibrary.GetExport(library, "crypto_sign_ed25519_detached");
        _verifyDetached = (delegate* unmanaged<byte*, byte*, ulong, byte*, int>)NativeLibrary.GetExport(library, "crypto_sign_ed25519_verify_detached");
        // 0: initialised now, 1: already initialised; -1: failure.
        if (init() < 0) throw new InvalidOperationException("sodium_init failed");
        Name = $"native ({libraryName})";
    }

    /// <summary>
    /// Loads libsodium and checks it against the managed implementation (same public key, byte-identical
    /// deterministic signature, both verify). False, with the reason, when it is missing or disagrees.
    /// </summary>
    public static bool TryCreate(out NativeEd25519? backend, out string? failure) =>
        NativeBackendLoader.TryCreate(LibraryNames, typeof(NativeEd25519).Assembly, (library, name) => new NativeEd25519(library, name),
            candidate => candidate.AgreesWith(new ManagedEd25519()), "Ed25519", "libsodium not found (install the libsodium23 package)",
            out backend, out failure);

    public byte[] GetPublicKey(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedBytes) throw new ArgumentException($"an Ed25519 seed is {SeedBytes} bytes, got {seed.Length}", nameof(seed));
        var publicKey = new byte[PublicKeyBytes];
        Span<byte> secretKey = stackalloc byte[SecretKeyBytes];
        fixed (byte* s = seed)
        fixed (byte* pk = publicKey)
        fixed (byte* sk = secretKey)
        {
            if (_seedKeypair(pk, sk, s) != 0) throw new InvalidOperationException("crypto_sign_ed25519_seed_keypair failed");
        }
        secretKey.Clear();
        return publicKey;
    }

    public byte[] Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message)
    {
        if (seed.Length != SeedBytes) throw new ArgumentException($"an Ed25519 seed is {SeedBytes} bytes, got {seed.Length}", nameof(seed));
        if (publicKey.Length != PublicKeyBytes) throw new ArgumentException($"an Ed25519 public key is {PublicKeyBytes} bytes, got {publicKey.Length}", nameof(publicKey));
        // libsodium's secret key is seed || public key.
        Span<byte> secretKey = stackalloc byte[SecretKeyBytes];
        seed.CopyTo(secretKey);
        publicKey.CopyTo(secretKey[SeedBytes..]);
        var signature = new byte[SignatureBytes];
        fixed (byte* sk = secretKey)
        fixed (byte* m = message)
        fixed (byte* sig = signature)
        {
            if (_signDetached(sig, null, m, (ulong)message.Length, sk) != 0) throw new InvalidOperationException("crypto_sign_ed25519_detached failed");
        }
        secretKey.Clear();
        return signature;
    }

    public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureBytes || publicKey.Length != PublicKeyBytes) return false;
        fixed (byte* pk = publicKey)
        fixed (byte* m = message)
        fixed (byte* sig = signature)
        {
            return _verifyDetached(sig, m, (ulong)message.Length, pk) == 0;
        }
    }

    private bool AgreesWith(IEd25519 reference)
    {
        ReadOnlySpan<byte> seed = "openledger ed25519 self-test!!!!"u8;
        ReadOnlySpan<byte> message = "libp2p-pubsub:self-test"u8;
        var publicKey = GetPublicKey(seed);
        if (!publicKey.AsSpan().SequenceEqual(reference.GetPublicKey(seed))) return false;
        var signature = Sign(seed, publicKey, message);
        if (!signature.AsSpan().SequenceEqual(reference.Sign(seed, publicKey, message))) return false;
        if (!Verify(publicKey, message, signature) || !reference.Verify(publicKey, message, signature)) return false;
        signature[0] ^= 1;
        return !Verify(publicKey, message, signature);
    }
}
