using System.Numerics;
using FsCheck.Xunit;
using OpenLedger.Chain.Tests.Support;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.TxPool;
using Xunit;

namespace OpenLedger.Chain.Tests.TxPool;

/// <summary>
/// The pool keeps each sender's queued cost as a running total (no walk of the queue per admission or per block).
/// These properties replay random admissions and blocks against a plain model that sums every queue afresh with
/// arbitrary-precision integers, as the pool did before, and require the same answer for every transaction and the
/// same pool contents after every block.
/// </summary>
public class TransactionPoolModelTests
{
    private const ulong ChainId = ChainParameters.DevnetChainId;
    private const ulong GasLimit = 21_000;
    private static readonly UInt128 BaseFee = Wei.PerGwei;
    private static readonly Address Recipient = Address.FromUInt64(0xbeef);
    private static readonly TxPoolOptions Options = new() { MaxPerSender = 6, NonceWindow = 8, MaxTransactions = 10_000 };

    [Property(MaxTest = 60)]
    public void Admissions_and_prunes_match_a_model_that_sums_every_queue(int seed)
    {
        var random = new Random(seed);
        var senders = TestChain.Users.Take(3).ToArray();
        var accounts = new FakeAccounts();
        foreach (var key in senders) accounts.Set(key.Address, 0, RandomBalance(random));
        var pool = new TransactionPool(ChainId, new ChainParameters(), BaseFee, Options);
        var model = new ModelPool();
        var everAdded = new List<Transaction>();

        for (var step = 0; step < 40; step++)
        {
            if (random.Next(5) == 0)
            {
                // A block: some senders' nonces move on and balances change; both pools re-check.
                foreach (var key in senders)
                {
                    var (current, _) = accounts.GetNonceAndBalance(key.Address);
                    accounts.Set(key.Address, current + (ulong)random.Next(3), RandomBalance(random));
                }
                pool.Prune(accounts, BaseFee, new ChainParameters());
                model.Prune(accounts);
                foreach (var added in everAdded)
                    Assert.Equal(model.Contains(added.Hash), pool.Get(added.Hash) is not null);
                Assert.Equal(model.Count, pool.Count);
                continue;
            }

            var sender = senders[random.Next(senders.Length)];
            var stateNonce = accounts.GetNonceAndBalance(sender.Address).Nonce;
            var nonce = (ulong)Math.Max(0, (long)stateNonce + random.Next(-1, 10));
            var maxFee = BaseFee * (UInt128)random.Next(1, 4);
            var tip = random.Next(2) == 0 ? UInt128.Zero : maxFee / 2;
            var value = (UInt128)random.Next(0, 4) * Wei.PerGwei * 20_000;
            var tx = Sign(sender, nonce, maxFee, tip, value);
            everAdded.Add(tx);

            var expected = model.Add(tx, sender.Address, accounts);
            var actual = pool.Add(tx, accounts);
            Assert.Equal(expected, actual?.Code);
            Assert.Equal(model.Count, pool.Count);
        }
    }

    [Fact]
    public void A_prune_drops_everything_from_where_the_balance_runs_out()
    {
        var alice = TestChain.Users[0];
        var accounts = new FakeAccounts();
        var cost = (UInt128)GasLimit * BaseFee;
        accounts.Set(alice.Address, 0, cost * 3);
        var pool = new TransactionPool(ChainId, new ChainParameters(), BaseFee, Options);
        var txs = Enumerable.Range(0, 3).Select(n => Sign(alice, (ulong)n, BaseFee, 0, 0)).ToList();
        foreach (var tx in txs) Assert.Null(pool.Add(tx, accounts));
        var fourth = Sign(alice, 3, BaseFee, 0, 0);
        Assert.Equal(TxPoolRejectionCode.InsufficientFunds, pool.Add(fourth, accounts)?.Code);

        // Nonce 0 was included elsewhere and the balance fell: nonce 1 is still affordable, nonce 2 no longer.
        accounts.Set(alice.Address, 1, cost + cost / 2);
        Assert.Equal(2, pool.Prune(accounts, BaseFee, new ChainParameters()));
        Assert.NotNull(pool.Get(txs[1].Hash));
        Assert.Null(pool.Get(txs[2].Hash));
        // The running total follows: exactly one more transaction's worth fits after the balance recovers.
        accounts.Set(alice.Address, 1, cost * 2);
        Assert.Null(pool.Add(txs[2], accounts));
        Assert.Equal(TxPoolRejectionCode.InsufficientFunds, pool.Add(fourth, accounts)?.Code);
    }

    private static UInt128 RandomBalance(Random random) => (UInt128)random.Next(0, 8) * GasLimit * BaseFee;

    private static Transaction Sign(PrivateKey key, ulong nonce, UInt128 maxFee, UInt128 tip, UInt128 value) =>
        Transaction.Decode(TransactionSigner.Sign(new UnsignedTransaction
        {
            Type = TxType.DynamicFee, ChainId = ChainId, Nonce = nonce, MaxFeePerGas = maxFee, MaxPriorityFeePerGas = tip,
            GasLimit = GasLimit, To = Recipient, Value = value,
        }, key).Encoded);

    private sealed class FakeAccounts : IAccountReader
    {
        private readonly Dictionary<Address, (ulong Nonce, UInt128 Balance)> _accounts = new();

        public void Set(Address address, ulong nonce, UInt128 balance) => _accounts[address] = (nonce, balance);

        public ulong GetNonce(Address address) => GetNonceAndBalance(address).Nonce;

        public UInt128 GetBalance(Address address) => GetNonceAndBalance(address).Balance;

        public (ulong Nonce, UInt128 Balance) GetNonceAndBalance(Address address) => _accounts.GetValueOrDefault(address);
    }

    /// <summary>The admission and prune rules exercised here, with every queue summed afresh.</summary>
    private sealed class ModelPool
    {
        private readonly Dictionary<Address, SortedDictionary<ulong, Transaction>> _queues = new();
        private readonly HashSet<Hash256> _hashes = new();

        public int Count => _hashes.Count;

        public bool Contains(Hash256 hash) => _hashes.Contains(hash);

        public TxPoolRejectionCode? Add(Transaction tx, Address sender, IAccountReader accounts)
        {
            var (stateNonce, balance) = accounts.GetNonceAndBalance(sender);
            if (_hashes.Contains(tx.Hash)) return TxPoolRejectionCode.AlreadyKnown;
            if (tx.Nonce < stateNonce) return TxPoolRejectionCode.NonceTooLow;
            if (tx.Nonce - stateNonce >= Options.NonceWindow) return TxPoolRejectionCode.NonceGapTooLarge;
            _queues.TryGetValue(sender, out var queue);
            Transaction? replaced = null;
            if (queue is not null && queue.TryGetValue(tx.Nonce, out var existing))
            {
                var bump = 100 + Options.PriceBumpPercent;
                if (!((BigInteger)tx.Amounts.MaxFeePerGas * 100 >= (BigInteger)existing.Amounts.MaxFeePerGas * bump &&
                      (BigInteger)tx.Amounts.MaxPriorityFeePerGas * 100 >= (BigInteger)existing.Amounts.MaxPriorityFeePerGas * bump))
                    return TxPoolRejectionCode.ReplacementUnderpriced;
                replaced = existing;
            }
            var committed = Cost(tx);
            if (queue is not null)
                foreach (var (n, queued) in queue)
                    if (n < tx.Nonce) committed += Cost(queued);
            if (balance < committed) return TxPoolRejectionCode.InsufficientFunds;
            if (replaced is null && queue is not null && queue.Count >= Options.MaxPerSender) return TxPoolRejectionCode.SenderLimitReached;
            if (replaced is not null) _hashes.Remove(replaced.Hash);
            if (queue is null) _queues[sender] = queue = new SortedDictionary<ulong, Transaction>();
            queue[tx.Nonce] = tx;
            _hashes.Add(tx.Hash);
            return null;
        }

        public void Prune(IAccountReader accounts)
        {
            foreach (var (sender, queue) in _queues.ToList())
            {
                var (nonce, balance) = accounts.GetNonceAndBalance(sender);
                BigInteger committed = 0;
                foreach (var (txNonce, tx) in queue.ToList())
                {
                    var drop = txNonce < nonce;
                    if (!drop)
                    {
                        committed += Cost(tx);
                        drop = balance < committed;
                    }
                    if (!drop) continue;
                    queue.Remove(txNonce);
                    _hashes.Remove(tx.Hash);
                }
                if (queue.Count == 0) _queues.Remove(sender);
            }
        }

        private static BigInteger Cost(Transaction tx) => (BigInteger)tx.GasLimit * tx.Amounts.MaxFeePerGas + tx.Amounts.Value;
    }
}
