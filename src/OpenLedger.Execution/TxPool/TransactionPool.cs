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
    private readonly Dictionary<Address, SenderQueue> _bySender = new();
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
        while (queue.ByNonce.ContainsKey(next)) next++;
        return next;
    }

    /// <summary>Admits a transaction or says exactly why not. The sender is recovered (and cached) here.</summary>
    public TxPoolRejection? Add(Transaction tx, IAccountReader state)
    {
        // The signature rule is the sender lookup below: through the cache, a transaction already recovered (another
        // object with the same hash, e.g. decoded again from a block) is not recovered twice.
        var stateless = TransactionRules.CheckStatelessBeforeRecovery(tx, _chainId, _parameters.BlockGasLimit);
        if (stateless is not null) return new TxPoolRejection(Map(stateless.Code), stateless.Message);
        if (!_senders.TryGetSender(tx, out var sender, out var signatureError))
            return new TxPoolRejection(TxPoolRejectionCode.InvalidSignature, signatureError);
        if (SystemAddresses.IsSystem(sender))
            return new TxPoolRejection(TxPoolRejectionCode.SystemAccountSender, $"{sender} is a system account and cannot send transactions");

        var (stateNonce, balance) = state.GetNonceAndBalance(sender);
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
            if (queue is not null && queue.ByNonce.TryGetValue(tx.Nonce, out var existing))
            {
                if (!IsSufficientBump(existing.Transaction, tx))
                    return new TxPoolRejection(TxPoolRejectionCode.ReplacementUnderpriced,
                        $"replacement transaction underpriced: raise both max fee and priority fee by at least {_options.PriceBumpPercent}%");
                replaced = existing;
            }

            // The sender must afford this transaction together with its queued ones before it.
            if (!Affordable(tx, queue, balance))
                return new TxPoolRejection(TxPoolRejectionCode.InsufficientFunds,
                    $"insufficient funds for gas * price + value: balance {balance}, cost of this and earlier pending transactions {ExactCommitted(tx, queue)}");

            if (replaced is null && queue is not null && queue.ByNonce.Count >= _options.MaxPerSender)
                return new TxPoolRejection(TxPoolRejectionCode.SenderLimitReached,
                    $"too many pending transactions from {sender} (limit {_options.MaxPerSender})");

            if (replaced is null && _byHash.Count >= _options.MaxTransactions && !EvictCheaperThan(tx))
                return new TxPoolRejection(TxPoolRejectionCode.PoolFull, "txpool is full");

            if (queue is null)
            {
                queue = new SenderQueue();
                _bySender[sender] = queue;
            }
            if (replaced is not null)
            {
                _byHash.Remove(replaced.Transaction.Hash);
                _pendingGas -= replaced.Transaction.GasLimit;
                queue.Remove(replaced);
            }
            var entry = new PooledTransaction(tx, sender, _arrival++, CostOf(tx));
            queue.Add(entry);
            _byHash[tx.Hash] = entry;
            _pendingGas += tx.GasLimit;
        }
        Added?.Invoke(tx);
        return null;
    }

    /// <summary>
    /// The expensive half of admitting a batch, without the pool's lock: recovers and caches the senders on all cores,
    /// so a later <see cref="AddBatch"/> (or <see cref="Add"/>) of the same transactions finds them. An RPC stream
    /// recovers its next burst this way while the previous burst is being admitted.
    /// </summary>
    public void RecoverSenders(IReadOnlyList<Transaction> transactions) => _senders.RecoverAll(transactions);

    /// <summary>
    /// Admits a batch (a client stream, a burst of gossip): senders are recovered in parallel on all cores first,
    /// then each transaction is admitted in order exactly as <see cref="Add"/> would. One result per transaction,
    /// null for accepted. Each sender's head account is read once per batch.
    /// </summary>
    public TxPoolRejection?[] AddBatch(IReadOnlyList<Transaction> transactions, IAccountReader state)
    {
        RecoverSenders(transactions);
        var accounts = new BatchAccountReader(state, transactions.Count);
        var results = new TxPoolRejection?[transactions.Count];
        for (var i = 0; i < transactions.Count; i++) results[i] = Add(transactions[i], accounts);
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
            var heads = new PriorityQueue<(PooledTransaction Entry, IEnumerator<KeyValuePair<ulong, PooledTransaction>> Remaining), (UInt128 Tip, ulong Arrival)>(
                _bySender.Count, BestTipFirst.Instance);
            foreach (var (sender, queue) in _bySender)
            {
                var expected = state.GetNonce(sender);
                var rest = queue.ByNonce.SkipWhile(p => p.Key < expected).GetEnumerator();
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
            List<Address>? emptied = null;
            foreach (var (sender, queue) in _bySender)
            {
                var (nonce, balance) = state.GetNonceAndBalance(sender);
                // Included and stale transactions are the lowest nonces: take them off the front.
                while (queue.ByNonce.Count > 0 && queue.Lowest().Transaction.Nonce < nonce)
                    removed += Drop(queue, queue.Lowest());
                // Usually the sender affords everything left; only otherwise walk the queue to find where the money runs out.
                if (!queue.TotalFitsIn(balance))
                {
                    UInt128 committed = 0;
                    var overdrawn = false;
                    foreach (var entry in queue.ByNonce.Values.ToList())
                    {
                        overdrawn = overdrawn || entry.Cost > balance - committed;
                        if (overdrawn) removed += Drop(queue, entry);
                        else committed += entry.Cost;
                    }
                }
                if (queue.ByNonce.Count == 0) (emptied ??= []).Add(sender);
            }
            if (emptied is not null)
                foreach (var sender in emptied) _bySender.Remove(sender);
        }
        return removed;
    }

    private int Drop(SenderQueue queue, PooledTransaction entry)
    {
        queue.Remove(entry);
        _byHash.Remove(entry.Transaction.Hash);
        _pendingGas -= entry.Transaction.GasLimit;
        return 1;
    }

    private bool EvictCheaperThan(Transaction incoming)
    {
        // The cheapest victim is the highest-nonce transaction of some sender (removing it leaves no gap).
        PooledTransaction? victim = null;
        foreach (var queue in _bySender.Values)
        {
            var last = queue.Highest();
            if (victim is null || Tip(last.Transaction) < Tip(victim.Transaction)) victim = last;
        }
        if (victim is null || Tip(victim.Transaction) >= Tip(incoming)) return false;
        var senderQueue = _bySender[victim.Sender];
        senderQueue.Remove(victim);
        if (senderQueue.ByNonce.Count == 0) _bySender.Remove(victim.Sender);
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

    private (UInt128 Tip, ulong Arrival) Priority(PooledTransaction entry) => (Tip(entry.Transaction), entry.Arrival);

    /// <summary>
    /// A pooled transaction's cost never exceeds its sender's balance at admission (a UInt128); one that does not fit
    /// in 128 bits is recorded as <see cref="UInt128.MaxValue"/>, which no balance reaches (the total supply is far
    /// below 2^128), so such a transaction is never affordable.
    /// </summary>
    private static UInt128 CostOf(Transaction tx) => tx.TryMaxCost(out var cost) ? cost : UInt128.MaxValue;

    /// <summary>Whether the balance covers this transaction plus the sender's queued ones with lower nonces.</summary>
    private static bool Affordable(Transaction tx, SenderQueue? queue, UInt128 balance)
    {
        var cost = CostOf(tx);
        if (cost == UInt128.MaxValue || cost > balance) return false;
        if (queue is null) return true;
        var left = balance - cost;
        // The common case, a sender's next nonce in order: everything queued comes before it.
        if (tx.Nonce > queue.HighestNonce) return queue.TotalFitsIn(left);
        foreach (var (nonce, pooled) in queue.ByNonce)
        {
            if (nonce >= tx.Nonce) break;
            if (pooled.Cost > left) return false;
            left -= pooled.Cost;
        }
        return true;
    }

    /// <summary>The exact sum for the refusal message (any size).</summary>
    private static BigInteger ExactCommitted(Transaction tx, SenderQueue? queue)
    {
        var committed = tx.MaxCostExact();
        if (queue is not null)
            foreach (var (nonce, pooled) in queue.ByNonce)
                if (nonce < tx.Nonce) committed += pooled.Transaction.MaxCostExact();
        return committed;
    }

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

    private sealed record PooledTransaction(Transaction Transaction, Address Sender, ulong Arrival, UInt128 Cost);

    /// <summary>
    /// One sender's pooled transactions by nonce, with the sum of their costs kept up to date so that admitting the
    /// next nonce and re-checking after a block do not walk the queue (a sender can have thousands queued).
    /// </summary>
    private sealed class SenderQueue
    {
        // Nonces arrive mostly in order and leave from the front: a sorted array list beats a tree here.
        public readonly SortedList<ulong, PooledTransaction> ByNonce = new();

        // Saturates at UInt128.MaxValue; while saturated the queue is summed afresh when asked.
        private UInt128 _totalCost;
        private bool _saturated;

        public ulong HighestNonce => ByNonce.Keys[^1];

        public PooledTransaction Lowest() => ByNonce.Values[0];

        public PooledTransaction Highest() => ByNonce.Values[^1];

        public void Add(PooledTransaction entry)
        {
            ByNonce[entry.Transaction.Nonce] = entry;
            if (!_saturated && entry.Cost <= UInt128.MaxValue - _totalCost) _totalCost += entry.Cost;
            else _saturated = true;
        }

        public void Remove(PooledTransaction entry)
        {
            ByNonce.Remove(entry.Transaction.Nonce);
            if (_saturated) Resum();
            else _totalCost -= entry.Cost;
        }

        public bool TotalFitsIn(UInt128 balance) => !_saturated && _totalCost <= balance;

        private void Resum()
        {
            _totalCost = 0;
            _saturated = false;
            foreach (var entry in ByNonce.Values)
            {
                if (entry.Cost > UInt128.MaxValue - _totalCost)
                {
                    _saturated = true;
                    return;
                }
                _totalCost += entry.Cost;
            }
        }
    }

    /// <summary>Highest effective tip first; equal tips by arrival.</summary>
    private sealed class BestTipFirst : IComparer<(UInt128 Tip, ulong Arrival)>
    {
        public static readonly BestTipFirst Instance = new();

        public int Compare((UInt128 Tip, ulong Arrival) x, (UInt128 Tip, ulong Arrival) y)
        {
            var byTip = y.Tip.CompareTo(x.Tip);
            return byTip != 0 ? byTip : x.Arrival.CompareTo(y.Arrival);
        }
    }

    /// <summary>Head accounts read once per sender for one admission batch.</summary>
    private sealed class BatchAccountReader(IAccountReader inner, int expectedSenders) : IAccountReader
    {
        // Sized up front (a batch's senders are at most its transactions): growing by doubling allocated the table
        // about twice over per gossip batch. Capped so the table stays a small-object allocation.
        private readonly Dictionary<Address, (ulong Nonce, UInt128 Balance)> _read = new(Math.Min(expectedSenders, 1024));

        public ulong GetNonce(Address address) => GetNonceAndBalance(address).Nonce;

        public UInt128 GetBalance(Address address) => GetNonceAndBalance(address).Balance;

        public (ulong Nonce, UInt128 Balance) GetNonceAndBalance(Address address)
        {
            if (!_read.TryGetValue(address, out var account)) _read[address] = account = inner.GetNonceAndBalance(address);
            return account;
        }
    }
}
