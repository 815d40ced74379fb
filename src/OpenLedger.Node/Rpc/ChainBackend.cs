using System.Runtime.CompilerServices;
using System.Threading.Channels;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.Processing;
using OpenLedger.Execution.State;
using OpenLedger.Execution.TxPool;
using OpenLedger.Rpc;
using OpenLedger.Rpc.Backend;

namespace OpenLedger.Node.Rpc;

/// <summary>
/// The RPC layer's view of the node: reads from committed blocks and state, submits to the mempool,
/// simulates calls on throw-away state. Thread-safe: every read works on one committed head snapshot.
/// </summary>
public sealed class ChainBackend : INodeBackend
{
    private readonly Blockchain _chain;
    private readonly TransactionPool _pool;
    private readonly INetworkInfo _network;
    private readonly CallSimulator _simulator;
    private readonly ModuleViews _views;
    private readonly List<Channel<ChainBlock>> _subscribers = new();
    private readonly RecentBlockCache<BlockReceipts> _recentReceipts;
    private readonly RecentBlockCache<Block> _recentBlocks;

    public ChainBackend(Blockchain chain, TransactionPool pool, INetworkInfo network, ModuleViews views)
    {
        _chain = chain;
        _pool = pool;
        _network = network;
        _views = views;
        _simulator = new CallSimulator(chain.Modules);
        _recentReceipts = new RecentBlockCache<BlockReceipts>(hash => chain.Store.GetReceipts(hash) is { } r ? BlockReceipts.Of(r) : null);
        _recentBlocks = new RecentBlockCache<Block>(chain.Store.GetBlock);
        chain.BlockCommitted += OnBlockCommitted;
    }

    /// <summary>Raised for every transaction admitted through RPC, so the node can gossip it.</summary>
    public event Action<Transaction>? TransactionAccepted;

    public ulong ChainId => _chain.ChainId;

    public ulong HeadBlockNumber => _chain.Head.Number;

    public ulong FinalizedBlockNumber => _chain.Head.Number;

    public ChainBlock? GetBlock(ulong number) => ToChainBlock(_chain.Store.GetEncodedBlock(number));

    public ChainBlock? GetBlock(Hash256 hash) => ToChainBlock(_chain.Store.GetEncodedBlock(hash));

    public IReadOnlyList<TransactionReceipt>? GetBlockReceipts(ulong number) =>
        _chain.Store.GetHash(number) is { } hash ? _recentReceipts.Get(hash)?.Receipts : null;

    public TransactionLookup? GetTransaction(Hash256 hash)
    {
        if (_chain.Store.GetTransactionLocation(hash) is { } location && _recentBlocks.Get(location.BlockHash) is { } block)
        {
            var tx = block.Transactions[location.Index];
            return new TransactionLookup(ToChainTransaction(tx), new OpenLedger.Rpc.Backend.TransactionLocation(location.BlockNumber, location.BlockHash, location.Index),
                block.Header.BaseFeePerGas);
        }
        return _pool.Get(hash) is { } pending ? new TransactionLookup(ToChainTransaction(pending), null, null) : null;
    }

    public ReceiptLookup? GetReceipt(Hash256 hash)
    {
        if (_chain.Store.GetTransactionLocation(hash) is not { } location) return null;
        var block = _recentReceipts.Get(location.BlockHash);
        if (block is null || location.Index >= block.Receipts.Count) return null;
        return new ReceiptLookup(block.Receipts[location.Index],
            new OpenLedger.Rpc.Backend.TransactionLocation(location.BlockNumber, location.BlockHash, location.Index), block.FirstLogIndex[location.Index]);
    }

    public AccountState GetAccount(Address address, ulong? blockNumber)
    {
        var account = _chain.StateAt(StateRoot(blockNumber)).GetAccount(address);
        return new AccountState(account?.Nonce ?? 0, account?.Balance ?? 0, SystemAddresses.IsModule(address));
    }

    // The head nonce is read inside the pool's lock, so a block committing (and pruning the pool) in between
    // cannot pair an old head nonce with the pruned pool.
    public ulong GetPendingNonce(Address address) => _pool.PendingNonce(address, sender => _chain.HeadAccounts.GetNonce(sender));

    /// <summary>How far behind its best peer a syncing node still admits transactions: one blocks/1 request.</summary>
    public const ulong MaxAdmissionLagBlocks = OpenLedger.Node.Network.BlockSyncProtocol.MaxBlocksPerRequest;

    /// <summary>
    /// A node catching up a few blocks still admits and gossips (docs/decisions.md); far behind, its head state is too
    /// stale to judge, and submissions get this answer.
    /// </summary>
    private SubmitResult? SyncingRejection() =>
        _network.IsSyncing && _network.SyncTargetHeight > _chain.Head.Number + MaxAdmissionLagBlocks
            ? SubmitResult.Reject(TxRejectionReason.Syncing,
                $"the node is still syncing (at block {_chain.Head.Number} of {_network.SyncTargetHeight}); try again when it has caught up")
            : null;

    public ValueTask<SubmitResult> SubmitTransactionAsync(ReadOnlyMemory<byte> rawTransaction, CancellationToken cancellationToken)
    {
        if (SyncingRejection() is { } syncing) return ValueTask.FromResult(syncing);
        Transaction tx;
        try
        {
            tx = Transaction.Decode(rawTransaction.Span);
        }
        catch (FormatException e)
        {
            return ValueTask.FromResult(SubmitResult.Reject(TxRejectionReason.Malformed, e.Message));
        }
        var rejection = _pool.Add(tx, _chain.HeadAccounts);
        if (rejection is not null) return ValueTask.FromResult(SubmitResult.Reject(Map(rejection.Code), rejection.Message, tx.Hash));
        TransactionAccepted?.Invoke(tx);
        return ValueTask.FromResult(SubmitResult.Accept(tx.Hash));
    }

    /// <summary>A client stream's burst: decoded, senders recovered on all cores, then admitted in order.</summary>
    public ValueTask<IReadOnlyList<SubmitResult>> SubmitTransactionsAsync(IReadOnlyList<ReadOnlyMemory<byte>> rawTransactions, CancellationToken cancellationToken) =>
        SubmitPreparedAsync(PrepareSubmission(rawTransactions), cancellationToken);

    /// <summary>Decodes the burst and recovers its senders into the pool's sender cache; the pool itself is not touched.</summary>
    public PreparedSubmission PrepareSubmission(IReadOnlyList<ReadOnlyMemory<byte>> rawTransactions)
    {
        var burst = new DecodedBurst(rawTransactions.Count);
        for (var i = 0; i < rawTransactions.Count; i++)
        {
            try
            {
                burst.Transactions.Add(Transaction.Decode(rawTransactions[i].Span));
                burst.Positions.Add(i);
            }
            catch (FormatException e)
            {
                burst.Results[i] = SubmitResult.Reject(TxRejectionReason.Malformed, e.Message);
            }
        }
        // A syncing node refuses the burst at admission anyway: no point recovering it.
        if (SyncingRejection() is null) _pool.RecoverSenders(burst.Transactions);
        return new PreparedSubmission(rawTransactions, burst);
    }

    public ValueTask<IReadOnlyList<SubmitResult>> SubmitPreparedAsync(PreparedSubmission prepared, CancellationToken cancellationToken)
    {
        var burst = prepared.BackendState as DecodedBurst ?? (DecodedBurst)PrepareSubmission(prepared.RawTransactions).BackendState!;
        var results = burst.Results;
        // The same rule as a single submission, so a JSON-RPC batch is refused exactly when its requests one by one would be.
        if (SyncingRejection() is { } syncing)
        {
            Array.Fill(results, syncing);
            return ValueTask.FromResult<IReadOnlyList<SubmitResult>>(results);
        }
        var rejections = _pool.AddBatch(burst.Transactions, _chain.HeadAccounts);
        for (var k = 0; k < burst.Transactions.Count; k++)
        {
            var tx = burst.Transactions[k];
            if (rejections[k] is { } rejection)
            {
                results[burst.Positions[k]] = SubmitResult.Reject(Map(rejection.Code), rejection.Message, tx.Hash);
                continue;
            }
            TransactionAccepted?.Invoke(tx);
            results[burst.Positions[k]] = SubmitResult.Accept(tx.Hash);
        }
        return ValueTask.FromResult<IReadOnlyList<SubmitResult>>(results);
    }

    /// <summary>A prepared burst: the transactions that decoded (with their places in the burst) and the refusals so far.</summary>
    private sealed class DecodedBurst(int count)
    {
        public List<Transaction> Transactions { get; } = new(count);

        public List<int> Positions { get; } = new(count);

        public SubmitResult[] Results { get; } = new SubmitResult[count];
    }

    public CallResult Call(CallRequest request, ulong? blockNumber)
    {
        var result = Simulate(request, blockNumber, request.GasLimit ?? _chain.Parameters.BlockGasLimit);
        return new CallResult(result.Success, result.GasUsed, result.ReturnData, result.RevertReason);
    }

    public CallResult EstimateGas(CallRequest request, ulong? blockNumber)
    {
        var result = Simulate(request, blockNumber, _chain.Parameters.BlockGasLimit);
        if (result.Success && request.GasLimit is { } cap && result.GasUsed > cap)
            return new CallResult(false, result.GasUsed, [], $"gas required exceeds allowance ({cap})");
        return new CallResult(result.Success, result.GasUsed, result.ReturnData, result.RevertReason);
    }

    public FeeSuggestion GetFeeSuggestion() => new(_chain.NextBaseFee, Wei.PerGwei);

    public IReadOnlyList<LogMatch> GetLogs(LogFilter filter)
    {
        var matches = new List<LogMatch>();
        for (var number = filter.FromBlock; number <= filter.ToBlock; number++)
        {
            var header = _chain.Store.GetHeader(number);
            if (header is null) break;
            if (!MightMatch(header.LogsBloom, filter)) continue;
            var receipts = _chain.Store.GetReceipts(header.Hash) ?? [];
            var logIndex = 0;
            foreach (var receipt in receipts)
            {
                foreach (var log in receipt.Logs)
                {
                    if (filter.Matches(log))
                        matches.Add(new LogMatch(log, number, header.Hash, receipt.TransactionHash, receipt.TransactionIndex, logIndex));
                    logIndex++;
                }
            }
            if (number == ulong.MaxValue) break;
        }
        return matches;
    }

    public AccountProof GetProof(Address address, IReadOnlyList<Hash256> storageKeys, ulong? blockNumber)
    {
        var number = blockNumber ?? _chain.Head.Number;
        var header = _chain.Store.GetHeader(number) ?? throw new NodeBackendException(BackendErrorKind.NotFound, $"block {number} not found");
        var state = _chain.StateAt(header.StateRoot);
        var account = state.GetStateAccount(address);
        var storage = storageKeys.Select(k => new StorageProof(k, state.GetStorage(address, k), state.GetStorageProof(address, k))).ToList();
        return new AccountProof(address, account?.Balance ?? 0, account?.Nonce ?? 0, account?.CodeHash ?? Hash256.EmptyCodeHash,
            account?.StorageRoot ?? Hash256.EmptyTrieRoot, state.GetAccountProof(address), storage, number, header.StateRoot);
    }

    public NodeStatus GetStatus()
    {
        var head = _chain.Head;
        return new NodeStatus
        {
            ChainId = _chain.ChainId,
            HeadNumber = head.Number,
            HeadHash = head.Hash,
            HeadTimestampMs = head.TimestampMs,
            FinalizedNumber = head.Number,
            Syncing = _network.IsSyncing,
            SyncStartingHeight = head.Number,
            SyncTargetHeight = Math.Max(head.Number, _network.SyncTargetHeight),
            PeerCount = _network.Peers.Count,
            NodeId = _network.NodeId,
            ListenAddresses = _network.ListenAddresses,
            Version = NodeVersion.Text,
        };
    }

    public IReadOnlyList<PeerInfo> GetPeers() => _network.Peers;

    public async IAsyncEnumerable<ChainBlock> SubscribeBlocks([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<ChainBlock>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropWrite });
        lock (_subscribers) _subscribers.Add(channel);
        try
        {
            await foreach (var block in channel.Reader.ReadAllAsync(cancellationToken)) yield return block;
        }
        finally
        {
            lock (_subscribers) _subscribers.Remove(channel);
        }
    }

    public string? GetModuleView(string module, string query, IReadOnlyDictionary<string, string> arguments) =>
        _views.Get(module, query, arguments, _chain.StateAt());

    private void OnBlockCommitted(Block block, IReadOnlyList<TransactionReceipt> receipts)
    {
        Channel<ChainBlock>[] subscribers;
        lock (_subscribers) subscribers = _subscribers.ToArray();
        if (subscribers.Length == 0) return;
        var chainBlock = ToChainBlock(block);
        foreach (var channel in subscribers)
        {
            if (!channel.Writer.TryWrite(chainBlock)) channel.Writer.TryComplete();
        }
    }

    private MessageCallResult Simulate(CallRequest request, ulong? blockNumber, ulong gasLimit)
    {
        var head = blockNumber is { } n ? _chain.Store.GetHeader(n) : _chain.Head;
        if (head is null) throw new NodeBackendException(BackendErrorKind.NotFound, $"block {blockNumber} not found");
        var state = new WorldState(_chain.StateAt(head.StateRoot));
        var context = new BlockContext(head.Number + 1, head.TimestampMs + _chain.Parameters.BlockIntervalMs, head.Proposer, _chain.NextBaseFee, _chain.Parameters);
        var accessList = request.AccessList.Select(e => new AccessListItem(e.Address, e.StorageKeys)).ToList();
        var call = new MessageCall(request.From ?? Address.Zero, request.To, request.Value, request.Data, gasLimit, accessList);
        if (call.To is null) throw new NodeBackendException(BackendErrorKind.InvalidArgument, "contract creation is not supported (no \"to\" address given)");
        return _simulator.Run(call, context, state);
    }

    private Hash256 StateRoot(ulong? blockNumber)
    {
        if (blockNumber is not { } number) return _chain.Head.StateRoot;
        return _chain.Store.GetHeader(number)?.StateRoot
               ?? throw new NodeBackendException(BackendErrorKind.NotFound, $"block {number} not found");
    }

    private static bool MightMatch(Bloom bloom, LogFilter filter)
    {
        if (filter.Addresses.Count > 0 && !filter.Addresses.Any(a => bloom.MightContain(a.Bytes))) return false;
        foreach (var topics in filter.Topics)
            if (topics is { Count: > 0 } && !topics.Any(t => bloom.MightContain(t.Bytes))) return false;
        return true;
    }

    /// <summary>A stored block, decoded once; its stored length is the size RPC reports.</summary>
    private static ChainBlock? ToChainBlock(byte[]? encoded) =>
        encoded is null ? null : ToChainBlock(Block.Decode(encoded), (ulong)encoded.Length);

    private static ChainBlock ToChainBlock(Block block) => ToChainBlock(block, (ulong)block.EncodedLength());

    private static ChainBlock ToChainBlock(Block block, ulong size) =>
        new(block.Header, new LazyChainTransactions(block.Transactions, ToChainTransaction), size)
        {
            TransactionHashes = block.Transactions.Select(tx => tx.Hash).ToArray(),
            Evidence = block.Evidence,
        };

    private static ChainTransaction ToChainTransaction(Transaction tx) => ChainTransaction.FromCore(tx, tx.RecoverSender());

    private static TxRejectionReason Map(TxPoolRejectionCode code) => code switch
    {
        TxPoolRejectionCode.Malformed => TxRejectionReason.Malformed,
        TxPoolRejectionCode.WrongChainId => TxRejectionReason.WrongChainId,
        TxPoolRejectionCode.NotReplayProtected => TxRejectionReason.NotReplayProtected,
        TxPoolRejectionCode.InvalidSignature => TxRejectionReason.InvalidSignature,
        TxPoolRejectionCode.Oversize => TxRejectionReason.Oversized,
        TxPoolRejectionCode.GasLimitAboveBlockLimit => TxRejectionReason.GasLimitTooHigh,
        TxPoolRejectionCode.IntrinsicGasTooLow => TxRejectionReason.IntrinsicGasTooLow,
        TxPoolRejectionCode.TipAboveFeeCap => TxRejectionReason.TipAboveFeeCap,
        TxPoolRejectionCode.ContractCreationUnsupported => TxRejectionReason.ContractCreationUnsupported,
        TxPoolRejectionCode.AmountAbove128Bits => TxRejectionReason.AmountTooLarge,
        TxPoolRejectionCode.SystemAccountSender => TxRejectionReason.InvalidSender,
        TxPoolRejectionCode.AlreadyKnown => TxRejectionReason.AlreadyKnown,
        TxPoolRejectionCode.NonceTooLow => TxRejectionReason.NonceTooLow,
        TxPoolRejectionCode.NonceGapTooLarge => TxRejectionReason.NonceTooHigh,
        TxPoolRejectionCode.FeeCapBelowBaseFee => TxRejectionReason.FeeCapTooLow,
        TxPoolRejectionCode.InsufficientFunds => TxRejectionReason.InsufficientFunds,
        TxPoolRejectionCode.ReplacementUnderpriced => TxRejectionReason.ReplacementUnderpriced,
        TxPoolRejectionCode.SenderLimitReached => TxRejectionReason.SenderLimitReached,
        TxPoolRejectionCode.PoolFull => TxRejectionReason.MempoolFull,
        _ => TxRejectionReason.Malformed,
    };
}
