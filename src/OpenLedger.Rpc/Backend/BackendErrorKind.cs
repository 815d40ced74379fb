namespace OpenLedger.Rpc.Backend;

/// <summary>What kind of failure a backend reports; decides the gRPC status code and JSON-RPC error code.</summary>
public enum BackendErrorKind
{
    /// <summary>The request is well-formed but meaningless for the chain (e.g. unknown module query).</summary>
    InvalidArgument,
    NotFound,
    /// <summary>The state of the requested block is not kept (the node keeps only recent state).</summary>
    StateUnavailable,
    /// <summary>The node is catching up and cannot answer reliably yet.</summary>
    Syncing,
    Internal,
}
