namespace OpenLedger.Node.Hosting;

/// <summary>Where a running node can be reached; written to HOME/endpoints.json once it listens.</summary>
public sealed record NodeEndpoints
{
    public required string Grpc { get; init; }
    public required string JsonRpc { get; init; }
    public required string Metrics { get; init; }
    public string? P2P { get; init; }
    public string? PeerId { get; init; }
    public required int ProcessId { get; init; }
}
