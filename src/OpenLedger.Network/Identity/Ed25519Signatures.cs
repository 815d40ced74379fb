namespace OpenLedger.Network.Identity;

/// <summary>
/// The process-wide Ed25519 backend: libsodium when it loads and passes its self-test, otherwise the managed
/// BouncyCastle implementation. OPENLEDGER_ED25519=managed forces the managed one (=native makes a missing library
/// an error instead of a silent fallback). Both produce identical signatures (Ed25519 is deterministic).
/// </summary>
public static class Ed25519Signatures
{
    public const string BackendEnvironmentVariable = "OPENLEDGER_ED25519";

    private static readonly Lazy<(IEd25519 Backend, string Reason)> Selected = new(SelectBackend);

    public static IEd25519 Backend => Selected.Value.Backend;

    /// <summary>The active backend's name, e.g. "native (libsodium.so.23)".</summary>
    public static string BackendName => Backend.Name;

    /// <summary>Why this backend was chosen (for the node's startup log).</summary>
    public static string BackendSelectionReason => Selected.Value.Reason;

    private static (IEd25519, string) SelectBackend()
    {
        var requested = Environment.GetEnvironmentVariable(BackendEnvironmentVariable)?.Trim().ToLowerInvariant();
        switch (requested)
        {
            case "managed":
                return (new ManagedEd25519(), $"{BackendEnvironmentVariable}=managed");
            case "native":
                if (NativeEd25519.TryCreate(out var forced, out var forcedFailure)) return (forced!, $"{BackendEnvironmentVariable}=native");
                throw new InvalidOperationException($"{BackendEnvironmentVariable}=native but {forcedFailure}");
            case null or "" or "auto":
                return NativeEd25519.TryCreate(out var native, out var failure)
                    ? (native!, "libsodium found")
                    : (new ManagedEd25519(), $"falling back to managed code: {failure}");
            default:
                throw new InvalidOperationException($"{BackendEnvironmentVariable} must be auto, native or managed, not '{requested}'");
        }
    }
}
