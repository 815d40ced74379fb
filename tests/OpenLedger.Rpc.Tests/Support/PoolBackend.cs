using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.TxPool;
using OpenLedger.Rpc.Backend;
using Transaction = OpenLedger.Core.Transactions.Transaction;

namespace OpenLedger.Rpc.Tests.Support;

/// <summary>
/// A backend whose submissions go to a real <see cref="TransactionPool"/> over a fixed account table (so nonce
/// and funds rules are the node's), recording every single and batch admission; the chain reads come from
/// <see cref="FakeNodeBackend"/>.
/// </summary>
public sealed class PoolBackend : INodeBackend, IAccountReader
{
    private readonly FakeNodeBackend _chain = new();
    private readonly Dictionary<Address, (ulong Nonce, UInt128 Balance)> _accounts = [];

    public PoolBackend(UInt128 baseFee) => Pool = new TransactionPool(FakeNodeBackend.Chain, new ChainParameters(), baseFee);

    public TransactionPool Pool { get; }

    /// <summary>Sizes of the batches admitted through <see cref="SubmitTransactionsAsync"/>, in call order.</summary>
    public List<int> Batches { get; } = [];

    public int SingleSubmissions { get; private set; }

    /// <summary>When set, a batch admission throws it (a backend failing as a whole).</summary>
    public Exception? BatchFailure { get; set; }

    public void SetAccount(Address address, ulong nonce, UInt128 balance) => _accounts[address] = (nonce, balance);

    public ulong GetNonce(Address address) => _accounts.GetValueOrDefault(address).Nonce;

    public UInt128 GetBalance(Address address) => _accounts.GetValueOrDefault(address).Balance;

    public ulong ChainId => _chain.ChainId;
    public ulong HeadBlockNumber => _chain.HeadBlockNumber;
    public ulong FinalizedBlockNumber => _chain.FinalizedBlockNumber;
    public ChainBlock? GetBlock(ulong number) => _chain.GetBlock(number);
    public ChainBlock? GetBlock(Hash256 hash) => _chain.GetBlock(hash);
    public IReadOnlyList<TransactionReceipt>? GetBlockReceipts(ulong number) => _chain.GetBlockReceipts(number);
    public TransactionLookup? GetTransaction(Hash256 hash) => _chain.GetTransaction(hash);
    public ReceiptLookup? GetReceipt(Hash256 hash) => _chain.GetReceipt(hash);
    public AccountState GetAccount(Address address, ulong? blockNumber) => new(GetNonce(address), GetBalance(address), false);
    public ulong GetPendingNonce(Address address) => Pool.PendingNonce(address, GetNonce);
    public CallResult Call(CallRequest request, ulong? blockNumber) => _chain.Call(request, blockNumber);
    public CallResult EstimateGas(CallRequest request, ulong? blockNumber) => _chain.EstimateGas(request, blockNumber);
    public FeeSuggestion GetFeeSuggestion() => _chain.GetFeeSuggestion();
    public IReadOnlyList<LogMatch> GetLogs(LogFilter filter) => _chain.GetLogs(filter);
    public AccountProof GetProof(Address address, IReadOnlyList<Hash256> storageKeys, ulong? blockNumber) => _chain.GetProof(address, storageKeys, blockNumber);
    public NodeStatus GetStatus() => _chain.GetStatus();
    public IReadOnlyList<PeerInfo> GetPeers() => _chain.GetPeers();
    public IAsyncEnumerable<ChainBlock> SubscribeBlocks(CancellationToken cancellationToken) => _chain.SubscribeBlocks(cancellationToken);
    public string? GetModuleView(string module, string query, IReadOnlyDictionary<string, string> arguments) => _chain.GetModuleView(module, query, arguments);

    public ValueTask<SubmitResult> SubmitTransactionAsync(ReadOnlyMemory<byte> rawTransaction, CancellationToken cancellationToken)
    {
        SingleSubmissions++;
        if (!TryDecode(rawTransaction, out var tx, out var malformed)) return ValueTask.FromResult(malformed);
        return ValueTask.FromResult(Result(tx, Pool.Add(tx, this)));
    }

    public ValueTask<IReadOnlyList<SubmitResult>> SubmitTransactionsAsync(IReadOnlyList<ReadOnlyMemory<byte>> rawTransactions, CancellationToken cancellationToken)
    {
        Batches.Add(rawTransactions.Count);
        if (BatchFailure is { } failure) throw failure;
        var results = new SubmitResult[rawTransactions.Count];
        var decoded = new List<(int Index, Transaction Tx)>();
        for (var i = 0; i < results.Length; i++)
        {
            if (TryDecode(rawTransactions[i], out var tx, out var malformed)) decoded.Add((i, tx));
            else results[i] = malformed;
        }
        var rejections = Pool.AddBatch(decoded.Select(d => d.Tx).ToList(), this);
        for (var k = 0; k < decoded.Count; k++) results[decoded[k].Index] = Result(decoded[k].Tx, rejections[k]);
        return ValueTask.FromResult<IReadOnlyList<SubmitResult>>(results);
    }

    private static bool TryDecode(ReadOnlyMemory<byte> raw, out Transaction tx, out SubmitResult malformed)
    {
        try
        {
            tx = Transaction.Decode(raw.Span);
            malformed = null!;
            return true;
        }
        catch (FormatException e)
        {
            tx = null!;
            malformed = SubmitResult.Reject(TxRejectionReason.Malformed, e.Message);
            return false;
        }
    }

    private static SubmitResult Result(Transaction tx, TxPoolRejection? rejection) => rejection is null
        ? SubmitResult.Accept(tx.Hash)
        : SubmitResult.Reject(rejection.Code switch
        {
            TxPoolRejectionCode.NonceTooLow => TxRejectionReason.NonceTooLow,
            TxPoolRejectionCode.AlreadyKnown => TxRejectionReason.AlreadyKnown,
            TxPoolRejectionCode.InsufficientFunds => TxRejectionReason.InsufficientFunds,
            TxPoolRejectionCode.InvalidSignature => TxRejectionReason.InvalidSignature,
            TxPoolRejectionCode.WrongChainId => TxRejectionReason.WrongChainId,
            _ => throw new NotSupportedException($"the test backend does not map {rejection.Code}"),
        }, rejection.Message, tx.Hash);
}
