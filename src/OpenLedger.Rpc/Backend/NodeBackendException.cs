namespace OpenLedger.Rpc.Backend;

/// <summary>
/// Thrown by an <see cref="INodeBackend"/> when it cannot answer. The message is shown to the caller as is,
/// so it should say what to do (e.g. "state of block 12 is pruned; this node keeps the latest 128 blocks").
/// </summary>
public sealed class NodeBackendException(BackendErrorKind kind, string message) : Exception(message)
{
    public BackendErrorKind Kind { get; } = kind;
}
