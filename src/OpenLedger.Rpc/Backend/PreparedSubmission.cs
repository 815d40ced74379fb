namespace OpenLedger.Rpc.Backend;

/// <summary>
/// A burst of raw transactions after the stage of admission that needs neither the mempool nor ordering (decoding
/// and sender recovery), ready for <see cref="INodeBackend.SubmitPreparedAsync"/>. What the backend worked out is
/// kept in <see cref="BackendState"/>, opaque to the RPC layer.
/// </summary>
public sealed class PreparedSubmission(IReadOnlyList<ReadOnlyMemory<byte>> rawTransactions, object? backendState = null)
{
    public IReadOnlyList<ReadOnlyMemory<byte>> RawTransactions { get; } = rawTransactions;

    public object? BackendState { get; } = backendState;
}
