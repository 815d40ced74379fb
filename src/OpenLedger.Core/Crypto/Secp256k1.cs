using OpenLedger.Core.Types;

namespace OpenLedger.Core.Crypto;

/// <summary>
/// The process-wide secp256k1 backend: libsecp256k1 when it loads, otherwise the managed BouncyCastle
/// implementation. Setting the environment variable OPENLEDGER_SECP256K1=managed forces the managed one
/// (=native makes a missing library an error instead of a silent fallback).
/// </summary>
public static class Secp256k1
{
    public const string BackendEnvironmentVariable = "OPENLEDGER_SECP256K1";

    private static readonly Lazy<(ISecp256k1 Backend, string Reason)> Selected = new(SelectBackend);

    public static ISecp256k1 Backend => Selected.Value.Backend;

    /// <summary>The active backend's name, e.g. "native (libsecp256k1.so.1)".</summary>
    public static string BackendName => Backend.Name;

    /// <summary>Why this backend was chosen (for the node's startup log).</summary>
    public static string BackendSelectionReason => Selected.Value.Reason;

    public static Signature Sign(Hash256 digest, ReadOnlySpan<byte> privateKey) => Backend.Sign(digest, privateKey);

    public static byte[] GetPublicKey(ReadOnlySpan<byte> privateKey) => Backend.GetPublicKey(privateKey);

    public static bool IsValidPrivateKey(ReadOnlySpan<byte> privateKey) => Backend.IsValidPrivateKey(privateKey);

    public static bool TryRecoverPublicKey(Hash256 digest, in Signature signature, Span<byte> publicKey65) =>
        Backend.TryRecoverPublicKey(digest, signature, publicKey65);

    /// <summary>The address that signed <paramref name="digest"/>, with the active backend.</summary>
    public static bool TryRecoverAddress(Hash256 digest, in Signature signature, out Address address) =>
        TryRecoverAddress(Backend, digest, signature, out address);

    /// <summary>The address that signed <paramref name="digest"/>, with a given backend.</summary>
    public static bool TryRecoverAddress(ISecp256k1 backend, Hash256 digest, in Signature signature, out Address address)
    {
        Span<byte> publicKey = stackalloc byte[65];
        if (!backend.TryRecoverPublicKey(digest, signature, publicKey))
        {
            address = default;
            return false;
        }
        address = Address.FromPublicKey(publicKey);
        return true;
    }

    private static (ISecp256k1, string) SelectBackend()
    {
        var requested = Environment.GetEnvironmentVariable(BackendEnvironmentVariable)?.Trim().ToLowerInvariant();
        switch (requested)
        {
            case "managed":
                return (new ManagedSecp256k1(), $"{BackendEnvironmentVariable}=managed");
            case "native":
                if (NativeSecp256k1.TryCreate(out var forced, out var forcedFailure)) return (forced!, $"{BackendEnvironmentVariable}=native");
                throw new InvalidOperationException($"{BackendEnvironmentVariable}=native but {forcedFailure}");
            case null or "" or "auto":
                if (NativeSecp256k1.TryCreate(out var native, out var failure)) return (native!, "libsecp256k1 loaded");
                return (new ManagedSecp256k1(), $"fallback: {failure}");
            default:
                throw new InvalidOperationException(
                    $"{BackendEnvironmentVariable}={requested} is not understood; use native, managed or auto");
        }
    }
}
