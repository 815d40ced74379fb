using System.Runtime.InteropServices;
using System.Security.Cryptography;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Crypto;

/// <summary>
/// secp256k1 through the system's libsecp256k1 (Debian package libsecp256k1-1, built with the recovery
/// module). One context is created for the process and never freed; after creation and randomization the
/// library only reads it, which is what makes concurrent calls from many threads safe.
/// </summary>
public sealed unsafe class NativeSecp256k1 : ISecp256k1
{
    private static readonly string[] LibraryNames = ["libsecp256k1.so.1", "libsecp256k1.so", "libsecp256k1"];

    // Flag values from secp256k1.h (stable across releases; newer releases ignore SIGN/VERIFY).
    private const uint ContextSign = (1 << 0) | (1 << 9);
    private const uint ContextVerify = (1 << 0) | (1 << 8);
    private const uint SerializeUncompressed = 1 << 1;

    private readonly IntPtr _context;
    private readonly delegate* unmanaged<IntPtr, byte*, int> _seckeyVerify;
    private readonly delegate* unmanaged<IntPtr, byte*, byte*, int> _pubkeyCreate;
    private readonly delegate* unmanaged<IntPtr, byte*, nuint*, byte*, uint, int> _pubkeySerialize;
    private readonly delegate* unmanaged<IntPtr, byte*, byte*, byte*, IntPtr, IntPtr, int> _signRecoverable;
    private readonly delegate* unmanaged<IntPtr, byte*, int*, byte*, int> _serializeRecoverable;
    private readonly delegate* unmanaged<IntPtr, byte*, byte*, int, int> _parseRecoverable;
    private readonly delegate* unmanaged<IntPtr, byte*, byte*, byte*, int> _recover;

    public string Name { get; }

    private NativeSecp256k1(IntPtr library, string libraryName)
    {
        var create = (delegate* unmanaged<uint, IntPtr>)NativeLibrary.GetExport(library, "secp256k1_context_create");
        var randomize = (delegate* unmanaged<IntPtr, byte*, int>)NativeLibrary.GetExport(library, "secp256k1_context_randomize");
        _seckeyVerify = (delegate* unmanaged<IntPtr, byte*, int>)NativeLibrary.GetExport(library, "secp256k1_ec_seckey_verify");
        _pubkeyCreate = (delegate* unmanaged<IntPtr, byte*, byte*, int>)NativeLibrary.GetExport(library, "secp256k1_ec_pubkey_create");
        _pubkeySerialize = (delegate* unmanaged<IntPtr, byte*, nuint*, byte*, uint, int>)NativeLibrary.GetExport(library, "secp256k1_ec_pubkey_serialize");
        _signRecoverable = (delegate* unmanaged<IntPtr, byte*, byte*, byte*, IntPtr, IntPtr, int>)NativeLibrary.GetExport(library, "secp256k1_ecdsa_sign_recoverable");
        _serializeRecoverable = (delegate* unmanaged<IntPtr, byte*, int*, byte*, int>)NativeLibrary.GetExport(library, "secp256k1_ecdsa_recoverable_signature_serialize_compact");
        _parseRecoverable = (delegate* unmanaged<IntPtr, byte*, byte*, int, int>)NativeLibrary.GetExport(library, "secp256k1_ecdsa_recoverable_signature_parse_compact");
        _recover = (delegate* unmanaged<IntPtr, byte*, byte*, byte*, int>)NativeLibrary.GetExport(library, "secp256k1_ecdsa_recover");

        _context = create(ContextSign | ContextVerify);
        if (_context == IntPtr.Zero) throw new InvalidOperationException("secp256k1_context_create returned NULL");
        // Blinding the context's precomputed tables protects signing against timing side channels.
        Span<byte> seed = stackalloc byte[32];
        RandomNumberGenerator.Fill(seed);
        fixed (byte* seedPtr = seed)
        {
            if (randomize(_context, seedPtr) != 1) throw new InvalidOperationException("secp256k1_context_randomize failed");
        }
        CryptographicOperations.ZeroMemory(seed);
        Name = $"native ({libraryName})";
    }

    /// <summary>
    /// Loads libsecp256k1 and checks it with a sign/recover round trip. Returns false (and no backend) when
    /// the library or its recovery module is missing, so callers can fall back to the managed backend.
    /// </summary>
    public static bool TryCreate(out NativeSecp256k1? backend) => TryCreate(out backend, out _);

    public static bool TryCreate(out NativeSecp256k1? backend, out string? failure) =>
        NativeBackendLoader.TryCreate(LibraryNames, typeof(NativeSecp256k1).Assembly, (library, name) => new NativeSecp256k1(library, name),
            candidate => candidate.PassesSelfTest(), "sign/recover", "libsecp256k1 not found (install the libsecp256k1-1 package)",
            out backend, out failure);

    public bool IsValidPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != 32) return false;
        fixed (byte* key = privateKey)
        {
            return _seckeyVerify(_context, key) == 1;
        }
    }

    public byte[] GetPublicKey(ReadOnlySpan<byte> privateKey)
    {
        RequireValidPrivateKey(privateKey);
        var result = new byte[65];
        Span<byte> pubkey = stackalloc byte[64];
        fixed (byte* key = privateKey)
        fixed (byte* pub = pubkey)
        fixed (byte* output = result)
        {
            if (_pubkeyCreate(_context, pub, key) != 1) throw new ArgumentException("invalid secp256k1 private key", nameof(privateKey));
            nuint length = 65;
            if (_pubkeySerialize(_context, output, &length, pub, SerializeUncompressed) != 1 || length != 65)
                throw new InvalidOperationException("secp256k1_ec_pubkey_serialize failed");
        }
        return result;
    }

    public Signature Sign(Hash256 digest, ReadOnlySpan<byte> privateKey)
    {
        RequireValidPrivateKey(privateKey);
        Span<byte> recoverable = stackalloc byte[65];
        Span<byte> compact = stackalloc byte[64];
        int recoveryId;
        fixed (byte* key = privateKey)
        fixed (byte* message = digest.Bytes)
        fixed (byte* sig = recoverable)
        fixed (byte* output = compact)
        {
            // A NULL nonce function selects the library's RFC 6979 (HMAC-SHA256) nonces; it always returns low s.
            if (_signRecoverable(_context, sig, message, key, IntPtr.Zero, IntPtr.Zero) != 1)
                throw new ArgumentException("secp256k1 signing failed for this private key", nameof(privateKey));
            _serializeRecoverable(_context, output, &recoveryId, sig);
        }
        return Signature.FromCompact(compact[..32], compact[32..], (byte)recoveryId);
    }

    public bool TryRecoverPublicKey(Hash256 digest, in Signature signature, Span<byte> publicKey65)
    {
        if (publicKey65.Length < 65) throw new ArgumentException("the public key buffer must hold 65 bytes", nameof(publicKey65));
        // The library accepts high s and leaves the range checks to the caller; Ethereum's rules are stricter.
        if (signature.Validate() is not null) return false;
        Span<byte> recoverable = stackalloc byte[65];
        Span<byte> pubkey = stackalloc byte[64];
        fixed (byte* input = signature.RS)
        fixed (byte* sig = recoverable)
        fixed (byte* message = digest.Bytes)
        fixed (byte* pub = pubkey)
        fixed (byte* output = publicKey65)
        {
            if (_parseRecoverable(_context, sig, input, signature.RecoveryId) != 1) return false;
            if (_recover(_context, pub, sig, message) != 1) return false;
            nuint length = 65;
            return _pubkeySerialize(_context, output, &length, pub, SerializeUncompressed) == 1 && length == 65;
        }
    }

    private void RequireValidPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (!IsValidPrivateKey(privateKey))
            throw new ArgumentException("a secp256k1 private key is 32 bytes encoding an integer in [1, n-1]", nameof(privateKey));
    }

    private bool PassesSelfTest()
    {
        Span<byte> key = stackalloc byte[32];
        key[31] = 1;
        var digest = Keccak256.Hash("openledger secp256k1 self-test"u8);
        var signature = Sign(digest, key);
        Span<byte> recovered = stackalloc byte[65];
        return TryRecoverPublicKey(digest, signature, recovered) && recovered.SequenceEqual(GetPublicKey(key));
    }
}
