using OpenLedger.Core.Chain;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Genesis;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.Processing;
using OpenLedger.Execution.State;
using OpenLedger.Execution.StateTrie;
using OpenLedger.Execution.TxPool;
using OpenLedger.State.Trie;
using OpenLedger.Storage;

namespace OpenLedger.Execution.Chain;

/// <summary>
/// The canonical chain on disk: builds, validates and commits blocks on top of the head. With BFT finality
/// there are no reorgs: a committed block is final, so the chain is a simple sequence and the head only moves
/// forward, one atomic write batch (block, receipts, index, state nodes, commit, head) per block.
/// Not thread-safe for writers: one block producer / consensus driver calls Build/Execute/Commit; readers use
/// <see cref="Head"/> and <see cref="StateAt"/>, which see only committed data.
/// </summary>
public sealed class Blockchain
{
    private readonly BlockStore _store;
    private readonly KeyValueTrieNodeStore _nodes;
    private readonly BlockExecutor _executor;
    private readonly Func<IWorldState, ChainParameters> _loadParameters;
    private static readonly byte[] FlatStateMarker = "flat-state/v1"u8.ToArray();
    /// <summary>Meta key of <see cref="GenesisDocument.ContentDigest"/> of the genesis the database was created from.</summary>
    private static readonly byte[] GenesisDigestKey = "genesis-digest/v1"u8.ToArray();
    private volatile ChainSnapshot _snapshot;
    private bool _hasFlatState;
    // Block execution state, kept between blocks: decoded upper trie nodes of the committed state and the flat
    // account table (which holds the head state). Only committed blocks change either.
    private readonly TrieNodeCache _nodeCache = new();
    private readonly FlatAccountTable _flatAccounts;

    private Blockchain(BlockStore store, KeyValueTrieNodeStore nodes, GenesisDocument genesis, BlockExecutor executor,
        Func<IWorldState, ChainParameters> loadParameters, ChainSnapshot snapshot)
    {
        _store = store;
        _nodes = nodes;
        Genesis = genesis;
        _executor = executor;
        _loadParameters = loadParameters;
        _snapshot = snapshot;
        _hasFlatState = store.Database.Get(DbColumn.Meta, FlatStateMarker) is not null;
        _flatAccounts = new FlatAccountTable(store.Database);
        if (_hasFlatState) _flatAccounts.MarkAt(snapshot.Head.StateRoot);
    }

    /// <summary>The decoded committed trie nodes block execution keeps between blocks (for metrics and tests).</summary>
    public TrieNodeCache NodeCache => _nodeCache;

    /// <summary>
    /// Loads the upper levels of the head state's account trie into <see cref="NodeCache"/> (see
    /// <see cref="TrieNodeCache.Warm"/>), as running blocks would over time; the node calls it in the background after
    /// opening the chain. Safe while blocks are built and committed: it stops when the head moves on.
    /// </summary>
    /// <returns>How many nodes were read.</returns>
    public int WarmNodeCache(CancellationToken ct = default)
    {
        var root = Head.StateRoot;
        return _nodeCache.Warm(_nodes, root, () => !ct.IsCancellationRequested && Head.StateRoot == root);
    }

    public GenesisDocument Genesis { get; }

    public ulong ChainId => Genesis.ChainId;

    public BlockStore Store => _store;

    public ModuleRegistry Modules => _executor.Modules;

    /// <summary>Senders recovered once per transaction hash; give the mempool the same cache.</summary>
    public SenderCache Senders => _executor.Senders;

    public BlockHeader Head => _snapshot.Head;

    /// <summary>The validator set that validates the next block.</summary>
    public ValidatorSet Validators => _snapshot.NextValidators;

    public ChainParameters Parameters => _snapshot.Parameters;

    /// <summary>The base fee the next block must use.</summary>
    public UInt128 NextBaseFee => BaseFeeCalculator.Next(Head.BaseFeePerGas, Head.GasUsed, Head.GasLimit, Parameters);

    public event Action<Block, IReadOnlyList<TransactionReceipt>>? BlockCommitted;

    /// <summary>How long the latest block's synced write batch took (operators watch it as a metric).</summary>
    public TimeSpan LastPersistDuration { get; private set; }

    /// <summary>Opens the chain in <paramref name="db"/>, writing the genesis block if the store is new.</summary>
    /// <param name="senders">The sender cache block execution shares with the mempool (a new one when null).</param>
    public static Blockchain Open(IKeyValueStore db, GenesisDocument genesis, ModuleRegistry modules,
        Func<IWorldState, ChainParameters>? loadParameters = null, SenderCache? senders = null)
    {
        var store = new BlockStore(db);
        var nodes = new KeyValueTrieNodeStore(db);
        loadParameters ??= _ => genesis.Params;
        var executor = new BlockExecutor(modules, senders);
        if (store.HeadHash is { } headHash)
        {
            var head = store.GetHeader(headHash) ?? throw new StorageException($"the head block {headHash} is missing from the database");
            CheckGenesis(db, store, genesis, modules);
            var next = store.GetValidatorSet(head.NextValidatorSetHash)
                       ?? throw new StorageException($"validator set {head.NextValidatorSetHash} of the head block is missing");
            var state = new WorldState(new TrieStateBackend(nodes, head.StateRoot));
            return new Blockchain(store, nodes, genesis, executor, loadParameters, new ChainSnapshot(head, next, loadParameters(state)));
        }

        // The state goes into the store in chunks first; this synced batch (block 0, head) makes it all durable.
        var built = GenesisBlockBuilder.BuildInto(db, genesis, modules);
        using (var batch = db.CreateBatch())
        {
            batch.Put(DbColumn.Meta, FlatStateMarker, [1]);
            batch.Put(DbColumn.Meta, GenesisDigestKey, genesis.ContentDigest().Bytes);
            store.WriteValidatorSet(batch, built.Validators);
            store.WriteBlock(batch, built.Block, built.Block.Encode(), [], Commit.Empty);
            db.Write(batch, sync: true);
        }
        var genesisState = new WorldState(new TrieStateBackend(nodes, built.Block.Header.StateRoot));
        return new Blockchain(store, nodes, genesis, executor, loadParameters,
            new ChainSnapshot(built.Block.Header, built.Validators, loadParameters(genesisState)));
    }

    /// <summary>
    /// Refuses a database created from another genesis. The digest of the genesis document stored with block 0 is
    /// compared first, so a restart does not rebuild the genesis state. Without a matching digest (a database from
    /// before the digest was stored, or a document that changed in ways the state may not see, such as a new default
    /// parameter) block 0 is rebuilt into the store, trie nodes only, and compared by hash; on a match the digest is
    /// stored for the next start. Trie nodes are content-addressed, so this rebuild changes nothing the chain reads.
    /// </summary>
    private static void CheckGenesis(IKeyValueStore db, BlockStore store, GenesisDocument genesis, ModuleRegistry modules)
    {
        var genesisHash = store.GetHash(0) ?? throw new StorageException("block 0 is missing from the database");
        var digest = genesis.ContentDigest();
        if (db.Get(DbColumn.Meta, GenesisDigestKey) is { } stored && new Hash256(stored) == digest) return;
        var expected = GenesisBlockBuilder.BuildInto(db, genesis, modules, writeFlatState: false).Block.Hash;
        if (genesisHash != expected)
            throw new GenesisException($"the database was created from a different genesis (block 0 is {genesisHash}, this genesis file gives {expected}); " +
                                       "start the node with the genesis file it was created with, or use a new data directory");
        db.Put(DbColumn.Meta, GenesisDigestKey, digest.Bytes, sync: true);
    }

    /// <summary>A read-only view of committed state at <paramref name="stateRoot"/> (the head's by default).</summary>
    public TrieStateBackend StateAt(Hash256? stateRoot = null) => new(_nodes, stateRoot ?? Head.StateRoot);

    /// <summary>
    /// Nonces and balances at the head, for the mempool and "latest" reads: one key-value lookup per account
    /// from the flat account table instead of a walk down the state trie. (A database created before the table
    /// existed has no marker and is read through the trie.)
    /// </summary>
    public IAccountReader HeadAccounts => _hasFlatState ? new FlatAccountReader(_store.Database) : new StateAccountReader(StateAt());

    /// <summary>Builds the next block from candidate transactions, dropping those that cannot be included.</summary>
    public ExecutedBlock BuildBlock(ulong timestampMs, Address proposer, Commit lastCommit,
        IReadOnlyList<Transaction> candidates, IReadOnlyList<DuplicateVoteEvidence> evidence)
    {
        var snapshot = _snapshot;
        var parent = snapshot.Head;
        evidence = IncludableEvidence(evidence, parent.Number + 1, snapshot.Parameters);
        var timestamp = Math.Max(timestampMs, parent.TimestampMs + 1);
        var context = new BlockContext(parent.Number + 1, timestamp, proposer, NextBaseFee, snapshot.Parameters);
        var backend = ExecutionState(parent.StateRoot);
        var result = _executor.Execute(new WorldState(backend), Input(context, snapshot, candidates, lastCommit, evidence), dropInvalid: true);
        var next = result.NextValidatorSet ?? snapshot.NextValidators;
        var header = new BlockHeader
        {
            ParentHash = parent.Hash,
            Number = context.Number,
            TimestampMs = timestamp,
            Proposer = proposer,
            StateRoot = result.StateRoot,
            TransactionsRoot = result.TransactionsRoot,
            ReceiptsRoot = result.ReceiptsRoot,
            LogsBloom = result.LogsBloom,
            GasUsed = result.GasUsed,
            GasLimit = snapshot.Parameters.BlockGasLimit,
            BaseFeePerGas = context.BaseFee,
            ValidatorSetHash = snapshot.NextValidators.Hash,
            NextValidatorSetHash = next.Hash,
            LastCommitHash = lastCommit.Hash,
            EvidenceHash = Block.ComputeEvidenceHash(evidence),
        };
        var block = new Block { Header = header, Transactions = result.Included, LastCommit = lastCommit, Evidence = evidence };
        return new ExecutedBlock
        {
            Block = block,
            Encoded = block.Encode(),
            Result = result,
            State = backend,
            NextValidators = next,
            ParametersAfter = _loadParameters(new WorldState(backend)),
        };
    }

    /// <summary>Validates someone else's block by re-executing it; throws <see cref="InvalidBlockException"/> saying what is wrong.</summary>
    public ExecutedBlock ExecuteBlock(Block block, bool verifyLastCommit = true)
    {
        var snapshot = _snapshot;
        var parent = snapshot.Head;
        var h = block.Header;
        Require(h.Number == parent.Number + 1, $"block {h.Number} does not follow the head {parent.Number}");
        Require(h.ParentHash == parent.Hash, $"block {h.Number} has parent {h.ParentHash}, the head is {parent.Hash}");
        Require(h.TimestampMs > parent.TimestampMs, $"block {h.Number} timestamp {h.TimestampMs} is not after its parent's {parent.TimestampMs}");
        Require(h.GasLimit == snapshot.Parameters.BlockGasLimit, $"block gas limit {h.GasLimit}, expected {snapshot.Parameters.BlockGasLimit}");
        Require(h.BaseFeePerGas == NextBaseFee, $"block base fee {h.BaseFeePerGas}, expected {NextBaseFee}");
        Require(h.ValidatorSetHash == snapshot.NextValidators.Hash, "block names the wrong validator set");
        Require(snapshot.NextValidators.Find(h.Proposer) is not null, $"proposer {h.Proposer} is not a validator");
        Require(h.LastCommitHash == block.LastCommit.Hash, "last commit hash does not match the block's commit");
        Require(h.EvidenceHash == Block.ComputeEvidenceHash(block.Evidence), "evidence hash does not match the block's evidence");
        if (EvidenceProblem(block.Evidence, h.Number, snapshot.Parameters) is { } evidenceProblem)
            throw new InvalidBlockException($"block {h.Number} {evidenceProblem}");
        if (verifyLastCommit && parent.Number > 0)
        {
            var parentValidators = _store.GetValidatorSet(parent.ValidatorSetHash)
                                   ?? throw new InvalidBlockException($"validator set of block {parent.Number} is unknown");
            if (!CommitVerifier.TryVerify(block.LastCommit, parentValidators, ChainId, parent.Number, parent.Hash, out var error))
                throw new InvalidBlockException($"block {h.Number} carries an invalid commit for its parent: {error}");
        }

        var context = new BlockContext(h.Number, h.TimestampMs, h.Proposer, h.BaseFeePerGas, snapshot.Parameters);
        var backend = ExecutionState(parent.StateRoot);
        var result = _executor.Execute(new WorldState(backend), Input(context, snapshot, block.Transactions, block.LastCommit, block.Evidence), dropInvalid: false);
        var next = result.NextValidatorSet ?? snapshot.NextValidators;
        Require(result.TransactionsRoot == h.TransactionsRoot, "transactions root mismatch");
        Require(result.StateRoot == h.StateRoot, $"state root mismatch: block says {h.StateRoot}, execution gives {result.StateRoot}");
        Require(result.ReceiptsRoot == h.ReceiptsRoot, "receipts root mismatch");
        Require(result.GasUsed == h.GasUsed, $"gas used mismatch: block says {h.GasUsed}, execution gives {result.GasUsed}");
        Require(result.LogsBloom.Equals(h.LogsBloom), "logs bloom mismatch");
        Require(next.Hash == h.NextValidatorSetHash, "next validator set hash mismatch");
        return new ExecutedBlock
        {
            Block = block,
            Encoded = block.Encode(),
            Result = result,
            State = backend,
            NextValidators = next,
            ParametersAfter = _loadParameters(new WorldState(backend)),
        };
    }

    private int _lastCommitBatchBytes;
    private const int MaxReservedCommitBatchBytes = 64 * 1024 * 1024;

    /// <summary>Makes an executed block final: one synced atomic batch, then the head moves.</summary>
    public void CommitBlock(ExecutedBlock executed, Commit commit)
    {
        var snapshot = _snapshot;
        if (executed.Block.Header.ParentHash != snapshot.Head.Hash)
            throw new InvalidOperationException($"block {executed.Block.Number} is not on top of the head {snapshot.Head.Number}");
        var db = _store.Database;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        _flatAccounts.MarkChanging();
        // Sized from the previous block's batch: consecutive blocks under load are alike, and a batch a little too
        // small still grows as usual.
        using (var batch = db.CreateBatch(_lastCommitBatchBytes + _lastCommitBatchBytes / 4))
        {
            executed.State.CommitTo(new WriteBatchTrieNodeSink(batch));
            executed.State.CommitFlatState(batch);
            if (executed.NextValidators.Hash != snapshot.NextValidators.Hash) _store.WriteValidatorSet(batch, executed.NextValidators);
            _store.WriteBlock(batch, executed.Block, executed.Encoded, executed.Result.Receipts, commit, executed.Result.ReceiptEncodings);
            CommittedEvidenceIndex.Write(batch, executed.Block);
            _lastCommitBatchBytes = (int)Math.Min(batch.EncodedBytes, MaxReservedCommitBatchBytes);
            db.Write(batch, sync: true);
        }
        if (_hasFlatState) _flatAccounts.MarkAt(executed.Block.Header.StateRoot);
        LastPersistDuration = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        _snapshot = new ChainSnapshot(executed.Block.Header, executed.NextValidators, executed.ParametersAfter);
        BlockCommitted?.Invoke(executed.Block, executed.Result.Receipts);
    }

    /// <summary>The most double-sign evidence one block may carry (CometBFT bounds it by bytes; ~330 bytes each here).</summary>
    public const int MaxEvidencePerBlock = 16;

    /// <summary>
    /// How many blocks after its height evidence can still be included: the unbonding period, so the stake that
    /// was bonded at the infraction (unbonding entries included) is still there to slash (CometBFT's MaxAgeNumBlocks).
    /// </summary>
    public ulong EvidenceMaxAgeBlocks => Parameters.UnbondingPeriodBlocks;

    /// <summary>The height of the block that included the evidence with this hash, if any.</summary>
    public ulong? EvidenceCommittedAt(Hash256 evidenceHash) => CommittedEvidenceIndex.Find(_store.Database, evidenceHash);

    /// <summary>The validator set that voted at <paramref name="height"/> (committed heights and the next one), or null.</summary>
    public ValidatorSet? ValidatorSetAt(ulong height)
    {
        var snapshot = _snapshot;
        if (height == snapshot.Head.Number + 1) return snapshot.NextValidators;
        if (height == 0 || height > snapshot.Head.Number) return null;
        return _store.GetHeader(height) is { } header ? _store.GetValidatorSet(header.ValidatorSetHash) : null;
    }

    /// <summary>
    /// Null when a block at <paramref name="height"/> may carry <paramref name="evidence"/>: at most
    /// <see cref="MaxEvidencePerBlock"/> pieces, each valid by <see cref="EvidenceVerifier"/> with the chain's age
    /// limit, none twice in the block, none already included in an earlier block. Otherwise the first problem.
    /// </summary>
    private string? EvidenceProblem(IReadOnlyList<DuplicateVoteEvidence> evidence, ulong height, ChainParameters parameters)
    {
        if (evidence.Count > MaxEvidencePerBlock) return $"carries {evidence.Count} pieces of evidence, at most {MaxEvidencePerBlock} are allowed";
        var seen = new HashSet<Hash256>();
        foreach (var piece in evidence)
            if (PieceProblem(piece, height, parameters, seen) is { } problem) return problem;
        return null;
    }

    private string? PieceProblem(DuplicateVoteEvidence piece, ulong height, ChainParameters parameters, HashSet<Hash256> seenInBlock)
    {
        var hash = piece.Hash;
        var what = $"evidence {hash} against {piece.First.Validator} at height {piece.First.Height}";
        if (!seenInBlock.Add(hash)) return $"carries {what} twice";
        if (CommittedEvidenceIndex.Find(_store.Database, hash) is { } includedAt) return $"carries {what}, already included in block {includedAt}";
        if (EvidenceVerifier.Verify(piece, ChainId, height, parameters.UnbondingPeriodBlocks, ValidatorSetAt(piece.First.Height)) is { } error)
            return $"carries invalid {what}: {error}";
        return null;
    }

    /// <summary>What a proposer may put into the block at <paramref name="height"/>: the valid pieces, in order, up to the bound.</summary>
    private IReadOnlyList<DuplicateVoteEvidence> IncludableEvidence(IReadOnlyList<DuplicateVoteEvidence> candidates, ulong height, ChainParameters parameters)
    {
        var included = new List<DuplicateVoteEvidence>();
        var seen = new HashSet<Hash256>();
        foreach (var piece in candidates)
        {
            if (included.Count == MaxEvidencePerBlock) break;
            if (PieceProblem(piece, height, parameters, seen) is null) included.Add(piece);
        }
        return included;
    }

    /// <summary>A block's state on top of <paramref name="parentRoot"/> (always the head's), with the chain's caches.</summary>
    private TrieStateBackend ExecutionState(Hash256 parentRoot) => new(_nodes, parentRoot, _nodeCache, _flatAccounts);

    private BlockExecutionInput Input(BlockContext context, ChainSnapshot snapshot, IReadOnlyList<Transaction> txs,
        Commit lastCommit, IReadOnlyList<DuplicateVoteEvidence> evidence)
    {
        var feeRecipient = snapshot.NextValidators.Find(context.Proposer)?.Operator ?? context.Proposer;
        var signers = lastCommit.Signatures.Select(s => s.Validator).ToList();
        // The set that signed the parent weights its rewards and is the one whose downtime is tracked. Genesis has
        // no commit (block 1's LastCommit is empty), so nobody signed it and nobody missed it.
        var parentValidators = snapshot.Head.Number == 0 ? null : _store.GetValidatorSet(snapshot.Head.ValidatorSetHash);
        return new BlockExecutionInput(context, feeRecipient, txs, signers, parentValidators, evidence);
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new InvalidBlockException(message);
    }

    private sealed record ChainSnapshot(BlockHeader Head, ValidatorSet NextValidators, ChainParameters Parameters);
}
