using System.Numerics;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Processing;

namespace OpenLedger.Execution.TxPool;

/// <summary>
/// The mempool (SPEC §3): full admission checks with a specific error for each failure, per-sender nonce
/// ordering within a bounded gap window, replacement by fee bump, global and per-sender limits with eviction
/// of the cheapest, re-validation after every block, and selection ordered by effective tip.
/// Thread-safe: RPC threads add while the block producer selects and prunes.
/// </summary>
public sealed class TransactionPool
{
    private readonly TxPoolOptions _options;
    private readonly SenderCache _senders;
    private readonly ulong _chainId;
    private readonly object _gate = new();
    private readonly Dictionary<Hash256, PooledTransaction> _byHash = new();
    private readonly Dictionary<Address, SortedDictionary<ulong, PooledTransaction>> _bySender = new();
    private ulong _arrival;
    private ulong _pendingGas;
    private ChainParameters _parameters;
    private UInt128 _baseFee;

    /// <param name="senders">The chain's sender cache (<c>Blockchain.Senders</c>), so a sender recovered at
    /// admission is not recovered again when the block holding the transaction executes.</param>
    public TransactionPool(ulong chainId, ChainParameters parameters, UInt128 baseFee, TxPoolOptions? options = null, SenderCache? senders = null)
    {
        _senders = senders ?? new SenderCache();
        _chainId = chainId;
        _parameters = parameters;
        _baseFee = baseFee;
        _options = options ?? new TxPoolOptions();
    }

    public int Count
    {
        get { lock (_gate) return _byHash.Count; }
    }

    /// <summary>Sum of the gas limits of every pooled transaction (block pacing asks whether a full block is waiting).</summary>
    public ulong PendingGas
    {
        get { lock (_gate) return _pendingGas; }
    }

    public event Action<Transaction>? Added;

    public Transaction? Get(Hash256 hash)
    {
        lock (_gate) return _byHash.TryGetValue(hash, out var p) ? p.Transaction : null;
    }

    public bool Contains(Hash256 hash)
    {
        lock (_gate) return _byHash.ContainsKey(hash);
    }

    /// <summary>The nonce a wallet should use next: one past the highest consecutive pooled nonce.</summary>
    public ulong PendingNonce(Address sender, ulong stateNonce)
    {
        lock (_gate) return NextNonce(sender, stateNonce);
    }

    /// <summary>
    /// The same, reading the head nonce through <paramref name="readStateNonce"/> under the pool's lock. A block
    /// commits (head nonce moves) before <see cref="Prune"/> drops its transactions under this lock, so inside it the
    /// pair (head nonce, pooled nonces) is always from one consistent moment: reading the nonce before taking the lock
    /// could pair a pre-block nonce with a pruned pool and answer a nonce that is already used.
    /// </summary>
    public ulong PendingNonce(Address sender, Func<Address, ulong> readStateNonce)
    {
        ArgumentNullException.ThrowIfNull(readStateNonce);
        lock (_gate) return NextNonce(sender, readStateNonce(sender));
    }

    private ulong NextNonce(Address sender, ulong stateNonce)
    {
        if (!_bySender.TryGetValue(sender, out var queue)) return stateNonce;
        var next = stateNonce;
        while (queue.ContainsKey(next)) next++;
        return next;
    }

    /// <summary>Admits a transaction or says exactly why not. The sender is recovered (and cached) here.</summary>
    public TxPoolRejection? Add(Transaction tx, IAccountReader state)
    {
        var stateless = TransactionRules.CheckStateless(tx, _chainId, _parameters.BlockGasLimit);
        if (stateless is not null) return new TxPoolRejection(Map(stateless.Code), stateless.Message);
        if (!_senders.TryGetSender(tx, out var sender, out var signatureError))
            return new TxPoolRejection(TxPoolRejectionCode.InvalidSignature, signatureError);
        if (SystemAddresses.IsSystem(sender))
            return new TxPoolRejection(TxPoolRejectionCode.SystemAccountSender, $"{sender} is a system account and cannot send transactions");

        var stateNonce = state.GetNonce(sender);
        var balance = state.GetBalance(sender);
        lock (_gate)
        {
            if (_byHash.ContainsKey(tx.Hash)) return new TxPoolRejection(TxPoolRejectionCode.AlreadyKnown, "already known");
            if (tx.Nonce < stateNonce)
                return new TxPoolRejection(TxPoolRejectionCode.NonceTooLow, $"nonce too low: next nonce {stateNonce}, tx nonce {tx.Nonce}");
            if (tx.Nonce - stateNonce >= _options.NonceWindow)
                return new TxPoolRejection(TxPoolRejectionCode.NonceGapTooLarge,
                    $"nonce too high: next nonce {stateNonce}, tx nonce {tx.Nonce} is beyond the pool's window of {_options.NonceWindow}");
            if (tx.Amounts.MaxFeePerGas < _baseFee)
                return new TxPoolRejection(TxPoolRejectionCode.FeeCapBelowBaseFee,
                    $"max fee per gas less than block base fee: maxFeePerGas {tx.Amounts.MaxFeePerGas}, baseFee {_baseFee}");

            _bySender.TryGetValue(sender, out var queue);
            PooledTransaction? replaced = null;
            if (queue is not null && queue.TryGetValue(tx.Nonce, out var existing))
            {
                if (!IsSufficientBump(existing.Transaction, tx))
                    return new TxPoolRejection(TxPoolRejectionCode.ReplacementUnderpriced,
                        $"replacement transaction underpriced: raise both max fee and priority fee by at least {_options.PriceBumpPercent}%");
                replaced = existing;
            }

            // The sender must afford this transaction together with its queued ones before it.
            BigInteger committed = Cost(tx);
            if (queue is not null)
                foreach (var (nonce, pooled) in queue)
                    if (nonce < tx.Nonce) committed += Cost(pooled.Transaction);
            if (balance < committed)
                return new TxPoolRejection(TxPoolRejectionCode.InsufficientFunds,
                    $"insufficient funds for gas * price + value: balance {balance}, cost of this and earlier pending transactions {committed}");

            if (replaced is null && queue is not null && queue.Count >= _options.MaxPerSender)
                return new TxPoolRejection(TxPoolRejectionCode.SenderLimitReached,
                    $"too many pending transactions from {sender} (limit {_options.MaxPerSender})");

            if (replaced is null && _byHash.Count >= _options.MaxTransactions && !EvictCheaperThan(tx))
                return new TxPoolRejection(TxPoolRejectionCode.PoolFull, "txpool is full");

            if (replaced is not null)
            {
                _byHash.Remove(replaced.Transaction.Hash);
                _pendingGas -= replaced.Transaction.GasLimit;
            }
            if (queue is null)
            {
                queue = new SortedDictionary<ulong, PooledTransaction>();
                _bySender[sender] = queue;
            }
            var entry = new PooledTransaction(tx, sender, _arrival++);
            queue[tx.Nonce] = entry;
            _byHash[tx.Hash] = entry;
            _pendingGas += tx.GasLimit;
        }
        Added?.Invoke(tx);
        return null;
    }

    /// <summary>
    /// Admits a batch (a client stream, a burst of gossip): senders are recovered in parallel on all cores first,
    /// then each transaction is admitted in order exactly as <see cref="Add"/> would. One result per transaction,
    /// null for accepted.
    /// </summary>
    public TxPoolRejection?[] AddBatch(IReadOnlyList<Transaction> transactions, IAccountReader state)
    {
        _senders.RecoverAll(transactions);
        var results = new TxPoolRejection?[transactions.Count];
        for (var i = 0; i < transactions.Count; i++) results[i] = Add(transactions[i], state);
        return results;
    }

    /// <summary>
    /// Picks executable transactions (consecutive nonces from each sender's state nonce) for a block, best
    /// effective tip first; ties by arrival. Stays within the gas limit and count.
    /// </summary>
    public List<Transaction> SelectForBlock(IAccountReader state, ulong gasLimit, int maxCount)
    {
        var selected = new List<Transaction>();
        lock (_gate)
        {
            var heads = new PriorityQueue<(PooledTransaction Entry, IEnumerator<KeyValuePair<ulong, PooledTransaction>> Remaining), (BigInteger, ulong)>();
            foreach (var (sender, queue) in _bySender)
            {
                var expected = state.GetNonce(sender);
                var rest = queue.Where(p => p.Key >= expected).GetEnumerator();
                if (rest.MoveNext() && rest.Current.Key == expected)
                    heads.Enqueue((rest.Current.Value, rest), Priority(rest.Current.Value));
            }
            ulong gas = 0;
            while (heads.TryDequeue(out var head, out _) && selected.Count < maxCount)
            {
                var tx = head.Entry.Transaction;
                if (tx.Amounts.MaxFeePerGas < _baseFee) continue;
                if (gas + tx.GasLimit > gasLimit) continue;
                selected.Add(tx);
                gas += tx.GasLimit;
                var rest = head.Remaining;
                if (rest.MoveNext() && rest.Current.Key == tx.Nonce + 1)
                    heads.Enqueue((rest.Current.Value, rest), Priority(rest.Current.Value));
            }
        }
        return selected;
    }

    /// <summary>
    /// After a block: drop what was included or became stale (nonce below the account nonce) and what the
    /// sender can no longer pay for; adopt the new base fee and parameters.
    /// </summary>
    public int Prune(IAccountReader state, UInt128 baseFee, ChainParameters parameters)
    {
        var removed = 0;
        lock (_gate)
        {
            _baseFee = baseFee;
            _parameters = parameters;
            foreach (var (sender, queue) in _bySender.ToList())
            {
                var nonce = state.GetNonce(sender);
                var balance = state.GetBalance(sender);
                BigInteger committed = 0;
                foreach (var (txNonce, entry) in queue.ToList())
                {
                    var drop = txNonce < nonce;
                    if (!drop)
                    {
                        committed += Cost(entry.Transaction);
                        drop = balance < committed;
                    }
                    if (!drop) continue;
                    queue.Remove(txNonce);
                    _byHash.Remove(entry.Transaction.Hash);
                    _pendingGas -= entry.Transaction.GasLimit;
                    removed++;
                }
                if (queue.Count == 0) _bySender.Remove(sender);
            }
        }
        return removed;
    }

    private bool EvictCheaperThan(Transaction incoming)
    {
        // The cheapest victim is the highest-nonce transaction of some sender (removing it leaves no gap).
        PooledTransaction? victim = null;
        foreach (var queue in _bySender.Values)
        {
            var last = queue.Last().Value;
            if (victim is null || Tip(last.Transaction) < Tip(victim.Transaction)) victim = last;
        }
        if (victim is null || Tip(victim.Transaction) >= Tip(incoming)) return false;
        var senderQueue = _bySender[victim.Sender];
        senderQueue.Remove(victim.Transaction.Nonce);
        if (senderQueue.Count == 0) _bySender.Remove(victim.Sender);
        _byHash.Remove(victim.Transaction.Hash);
        _pendingGas -= victim.Transaction.GasLimit;
        return true;
    }

    private bool IsSufficientBump(Transaction old, Transaction replacement)
    {
        var percent = 100 + _options.PriceBumpPercent;
        return (BigInteger)replacement.Amounts.MaxFeePerGas * 100 >= (BigInteger)old.Amounts.MaxFeePerGas * percent
               && (BigInteger)replacement.Amounts.MaxPriorityFeePerGas * 100 >= (BigInteger)old.Amounts.MaxPriorityFeePerGas * percent;
    }

    // Pooled transactions passed TransactionRules.CheckStateless, so their amounts fit in 128 bits (no truncation).
    private UInt128 Tip(Transaction tx) => tx.Amounts.MaxFeePerGas < _baseFee ? 0 : tx.Amounts.EffectiveTip(_baseFee);

    private (BigInteger, ulong) Priority(PooledTransaction entry) => (-(BigInteger)Tip(entry.Transaction), entry.Arrival);

    private static BigInteger Cost(Transaction tx) => (BigInteger)tx.GasLimit * tx.Amounts.MaxFeePerGas + tx.Amounts.Value;

    private static TxPoolRejectionCode Map(TxRejectionCode code) => code switch
    {
        TxRejectionCode.WrongChainId => TxPoolRejectionCode.WrongChainId,
        TxRejectionCode.NotReplayProtected => TxPoolRejectionCode.NotReplayProtected,
        TxRejectionCode.InvalidSignature => TxPoolRejectionCode.InvalidSignature,
        TxRejectionCode.HighS => TxPoolRejectionCode.InvalidSignature,
        TxRejectionCode.Oversize => TxPoolRejectionCode.Oversize,
        TxRejectionCode.GasLimitAboveBlockLimit => TxPoolRejectionCode.GasLimitAboveBlockLimit,
        TxRejectionCode.IntrinsicGasTooLow => TxPoolRejectionCode.IntrinsicGasTooLow,
        TxRejectionCode.TipAboveFeeCap => TxPoolRejectionCode.TipAboveFeeCap,
        TxRejectionCode.ContractCreationUnsupported => TxPoolRejectionCode.ContractCreationUnsupported,
        TxRejectionCode.AmountAbove128Bits => TxPoolRejectionCode.AmountAbove128Bits,
        _ => TxPoolRejectionCode.Malformed,
    };

    private sealed record PooledTransaction(Transaction Transaction, Address Sender, ulong Arrival);
}
