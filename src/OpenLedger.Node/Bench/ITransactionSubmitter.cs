using OpenLedger.Core.Transactions;

namespace OpenLedger.Node.Bench;

/// <summary>
/// Sends a run's transactions to the node as fast as it takes them; <c>sending</c> is called with each one's index in
/// <c>transactions</c> just before it leaves.
/// </summary>
public interface ITransactionSubmitter
{
    string Name { get; }

    Task<SubmitSummary> SubmitAsync(IReadOnlyList<Transaction> transactions, Action<int> sending, CancellationToken ct);
}
