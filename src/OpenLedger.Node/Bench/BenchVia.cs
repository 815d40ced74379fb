namespace OpenLedger.Node.Bench;

/// <summary>How `openledger bench` submits: one gRPC BroadcastStream, or JSON-RPC batches of eth_sendRawTransaction.</summary>
public enum BenchVia
{
    Grpc,
    JsonRpc,
}
