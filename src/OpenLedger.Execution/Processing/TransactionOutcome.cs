using OpenLedger.Core.Chain;

namespace OpenLedger.Execution.Processing;

/// <summary>A transaction that made it into the block (its receipt), or why it could not be included.</summary>
public sealed record TransactionOutcome(TransactionReceipt? Receipt, InvalidTransactionException? Rejection);
