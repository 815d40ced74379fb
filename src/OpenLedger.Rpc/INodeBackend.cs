using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;
using OpenLedger.Rpc.Backend;

namespace OpenLedger.Rpc;

/// <summary>
/// Everything the gRPC and Ethereum JSON-RPC servers need from the node, in chain terms. The RPC layer only
/// parses, shapes and formats: every chain rule (validation, fees, execution, filtering) lives behind this
/// interface.
/// <para>
/// Contract: calls arrive concurrently from request threads, so implementations must be thread-safe and
/// answer from one consistent view per call. "Not found" is a null return; failures that are not a missing
/// item throw <see cref="NodeBackendException"/> whose message is shown to the caller. Block numbers passed
/// in are never above <see cref="HeadBlockNumber"/> (the RPC layer resolves tags and checks ranges first).
/// </para>
/// </summary>
public interface INodeBackend
{
    ulong ChainId { get; }

    /// <summary>The latest committed block.</summary>
    ulong HeadBlockNumber { get; }

    /// <summary>With BFT finality this equals <see cref="HeadBlockNumber"/>; separate in case that ever changes.</summary>
    ulong FinalizedBlockNumber { get; }

    ChainBlock? GetBlock(ulong number);

    ChainBlock? GetBlock(Hash256 hash);

    /// <summary>The receipts of a block in transaction order (eth_feeHistory rewards); null if the block is unknown.</summary>
    IReadOnlyList<TransactionReceipt>? GetBlockReceipts(ulong number);

    /// <summary>A committed transaction, or a pending one from the mempool (with a null location).</summary>
    TransactionLookup? GetTransaction(Hash256 hash);

    /// <summary>The receipt of a committed transaction; null while pending or unknown.</summary>
    ReceiptLookup? GetReceipt(Hash256 hash);

    /// <summary>
    /// The account after block <paramref name="blockNumber"/> (null: the latest block). A node that keeps only
    /// recent state throws <see cref="NodeBackendException"/> with <see cref="BackendErrorKind.StateUnavailable"/>.
    /// </summary>
    AccountState GetAccount(Address address, ulong? blockNumber);

    /// <summary>The next nonce counting the sender's pending mempool transactions ("pending" tag).</summary>
    ulong GetPendingNonce(Address address);

    /// <summary>Admits a signed EIP-2718 transaction to the mempool (and gossips it) or says why not.</summary>
    ValueTask<SubmitResult> SubmitTransactionAsync(ReadOnlyMemory<byte> rawTransaction, CancellationToken cancellationToken);

    /// <summary>
    /// Admits several transactions in order, one result each; a backend may recover their senders in parallel.
    /// The default submits them one by one.
    /// </summary>
    async ValueTask<IReadOnlyList<SubmitResult>> SubmitTransactionsAsync(IReadOnlyList<ReadOnlyMemory<byte>> rawTransactions, CancellationToken cancellationToken)
    {
        var results = new SubmitResult[rawTransactions.Count];
        for (var i = 0; i < results.Length; i++) results[i] = await SubmitTransactionAsync(rawTransactions[i], cancellationToken);
        return results;
    }

    /// <summary>
    /// Stage one of admitting a burst: the work that needs no mempool lock and no ordering (decoding, sender recovery
    /// on all cores). A client stream prepares its next burst while the previous one is in
    /// <see cref="SubmitPreparedAsync"/>, so the serial admission and the parallel recovery overlap. The default
    /// prepares nothing.
    /// </summary>
    PreparedSubmission PrepareSubmission(IReadOnlyList<ReadOnlyMemory<byte>> rawTransactions) => new(rawTransactions);

    /// <summary>Stage two: admits a prepared burst in order, one result per transaction, as <see cref="SubmitTransactionsAsync"/> would.</summary>
    ValueTask<IReadOnlyList<SubmitResult>> SubmitPreparedAsync(PreparedSubmission prepared, CancellationToken cancellationToken) =>
        SubmitTransactionsAsync(prepared.RawTransactions, cancellationToken);

    /// <summary>Runs a call against the state after <paramref name="blockNumber"/> (null: latest) and discards the changes.</summary>
    CallResult Call(CallRequest request, ulong? blockNumber);

    /// <summary>The gas limit the call needs to succeed, in <see cref="CallResult.GasUsed"/>.</summary>
    CallResult EstimateGas(CallRequest request, ulong? blockNumber);

    FeeSuggestion GetFeeSuggestion();

    /// <summary>Logs matching the filter, in chain order. The range is already checked against the RPC limits.</summary>
    IReadOnlyList<LogMatch> GetLogs(LogFilter filter);

    /// <summary>Merkle proof of an account and some of its storage slots (module entries live in module storage).</summary>
    AccountProof GetProof(Address address, IReadOnlyList<Hash256> storageKeys, ulong? blockNumber);

    NodeStatus GetStatus();

    IReadOnlyList<PeerInfo> GetPeers();

    /// <summary>
    /// Every block committed from now on, in order, until <paramref name="cancellationToken"/> fires. A slow
    /// reader may be dropped (the enumeration ends) rather than slowing the chain down.
    /// </summary>
    IAsyncEnumerable<ChainBlock> SubscribeBlocks(CancellationToken cancellationToken);

    /// <summary>
    /// A module view at the latest state, as the proto3 JSON of the matching gRPC response message (field names
    /// in lowerCamelCase or snake_case; amounts as decimal strings). Null when the item does not exist.
    /// Queries used by the gRPC QueryService (see docs/rpc.md for the argument names):
    /// ("staking", "validators"), ("staking", "delegator"), ("datanets", "datanet"), ("datanets", "contribution"),
    /// ("models", "model"), ("models", "inference"), ("rewards", "rewards").
    /// Throws <see cref="NodeBackendException"/> (<see cref="BackendErrorKind.InvalidArgument"/>) for an unknown query.
    /// </summary>
    string? GetModuleView(string module, string query, IReadOnlyDictionary<string, string> arguments);
}
