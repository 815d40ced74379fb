using OpenLedger.Core.Chain;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;

namespace OpenLedger.Execution.Processing;

public sealed record BlockExecutionResult(
    IReadOnlyList<Transaction> Included,
    IReadOnlyList<TransactionReceipt> Receipts,
    IReadOnlyList<(Transaction Transaction, InvalidTransactionException Error)> Dropped,
    ulong GasUsed,
    Bloom LogsBloom,
    Hash256 StateRoot,
    Hash256 TransactionsRoot,
    Hash256 ReceiptsRoot,
    ValidatorSet? NextValidatorSet,
    IReadOnlyList<byte[]>? ReceiptEncodings = null);
