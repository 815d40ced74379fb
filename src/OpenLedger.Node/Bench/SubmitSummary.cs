namespace OpenLedger.Node.Bench;

/// <summary>
/// What the node answered to a run's submissions: how many it admitted and refused, and the refusals it named
/// (transaction hash and the node's reason; a gRPC stream names at most its first 100).
/// </summary>
public sealed record SubmitSummary(int Accepted, int Rejected, IReadOnlyList<(string Hash, string Reason)> Rejections);
