using OpenLedger.Core.Transactions;

namespace OpenLedger.Node.Bench;

/// <summary>The pre-signed transactions of a run, in submission order, after whatever setup they need has committed.</summary>
public sealed record BenchWorkload(BenchMix Mix, IReadOnlyList<Transaction> Transactions, IReadOnlyDictionary<string, int> CountByKind);
