using OpenLedger.Chain.Tests.Support;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.TxPool;
using Xunit;

namespace OpenLedger.Chain.Tests.TxPool;

/// <summary>Every SPEC §3 admission rule has its own code and message, and a rejected transaction changes nothing.</summary>
public class TransactionPoolTests
{
    private static readonly Address Carol = Address.FromUInt64(0xca401);

    private static TxPoolRejection Reject(TestChain t, Transaction tx)
    {
        var before = t.Pool.Count;
        var rejection = t.Pool.Add(tx, t.Chain.HeadAccounts);
        Assert.NotNull(rejection);
        Assert.Equal(before, t.Pool.Count);
        return rejection!;
    }

    [Fact]
    public void WrongChainId() =>
        Assert.Equal(TxPoolRejectionCode.WrongChainId, Reject(new TestChain(), new TestChain().Transfer(TestChain.Users[0], Carol, 1, chainId: 1)).Code);

    [Fact]
    public void FeeCapAbove128Bits_IsRefusedWithTheAmountMessage_AndNothingIsTruncated()
    {
        using var t = new TestChain();
        // Decodes fine (Ethereum allows 256-bit fees); OpenLedger money is 128-bit wei, so admission refuses it.
        var raw = TransactionSigner.Sign(new UnsignedTransaction
        {
            Type = TxType.DynamicFee, ChainId = t.Genesis.ChainId, Nonce = 0, MaxFeePerGas = new UInt256(UInt128.One << 72, 0),
            MaxPriorityFeePerGas = Wei.PerGwei, GasLimit = 21_000, To = Carol, Value = 1,
        }, TestChain.Users[0]).Encoded.ToArray();
        var tx = Transaction.Decode(raw);
        var r = Reject(t, tx);
        Assert.Equal(TxPoolRejectionCode.AmountAbove128Bits, r.Code);
        Assert.Equal("amount too large: max fee per gas 2^200 wei exceeds the 128-bit amount limit (340282366920938463463374607431768211455 wei)", r.Message);
        Assert.Null(t.Pool.Get(tx.Hash));
        Assert.Equal(0UL, t.Pool.PendingNonce(TestChain.Users[0].Address, 0));
    }

    [Fact]
    public async Task PendingNonce_ReadsTheHeadNonceUnderThePoolLock_SoABlockLandingMeanwhileCannotMakeItGoBack()
    {
        using var t = new TestChain();
        var alice = TestChain.Users[0];
        t.Submit(t.Transfer(alice, Carol, 1));
        t.Submit(t.Transfer(alice, Carol, 1));
        Assert.Equal(2UL, t.Pool.PendingNonce(alice.Address, 0UL));

        // While the head nonce (0, before the block) is being read, a block with both transactions commits and the
        // producer prunes the pool. The prune must wait for the read; otherwise the answer would pair the old head
        // nonce with the pruned pool and be 0, a nonce already used.
        Task<int>? prune = null;
        var pending = t.Pool.PendingNonce(alice.Address, _ =>
        {
            prune = Task.Run(() => t.Pool.Prune(new FixedAccounts(nonce: 2, balance: TestChain.UserBalance), t.Chain.NextBaseFee, t.Chain.Parameters));
            Assert.False(prune.Wait(TimeSpan.FromMilliseconds(300)), "Prune ran while the pending nonce was being read");
            return 0;
        });
        Assert.Equal(2UL, pending);
        Assert.Equal(2, await prune!.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2UL, t.Pool.PendingNonce(alice.Address, _ => 2));
    }

    private sealed class FixedAccounts(ulong nonce, UInt128 balance) : IAccountReader
    {
        public ulong GetNonce(Address address) => nonce;

        public UInt128 GetBalance(Address address) => balance;
    }

    [Fact]
    public void NonceTooLow()
    {
        using var t = new TestChain();
        t.Submit(t.Transfer(TestChain.Users[0], Carol, 1));
        t.ProduceBlock();
        var r = Reject(t, t.Transfer(TestChain.Users[0], Carol, 1, nonce: 0));
        Assert.Equal(TxPoolRejectionCode.NonceTooLow, r.Code);
        Assert.StartsWith("nonce too low", r.Message);
    }

    [Fact]
    public void NonceGapBeyondTheWindow()
    {
        using var t = new TestChain();
        var r = Reject(t, t.Transfer(TestChain.Users[0], Carol, 1, nonce: 10_000));
        Assert.Equal(TxPoolRejectionCode.NonceGapTooLarge, r.Code);
        Assert.Contains("window", r.Message);
    }

    [Fact]
    public void FeeCapBelowBaseFee()
    {
        using var t = new TestChain();
        var r = Reject(t, t.Transfer(TestChain.Users[0], Carol, 1, maxFee: Wei.PerGwei - 1, tip: 0));
        Assert.Equal(TxPoolRejectionCode.FeeCapBelowBaseFee, r.Code);
        Assert.Contains("less than block base fee", r.Message);
    }

    [Fact]
    public void InsufficientFunds_CountsEarlierPendingTransactions()
    {
        using var t = new TestChain();
        var alice = TestChain.Users[0];
        var r = Reject(t, t.Transfer(alice, Carol, TestChain.UserBalance));
        Assert.Equal(TxPoolRejectionCode.InsufficientFunds, r.Code);
        Assert.StartsWith("insufficient funds for gas * price + value", r.Message);

        t.Submit(t.Transfer(alice, Carol, TestChain.UserBalance / 2));
        Assert.Equal(TxPoolRejectionCode.InsufficientFunds, Reject(t, t.Transfer(alice, Carol, TestChain.UserBalance / 2)).Code);
    }

    [Fact]
    public void GasLimitAboveTheBlockLimit()
    {
        using var t = new TestChain();
        Assert.Equal(TxPoolRejectionCode.GasLimitAboveBlockLimit, Reject(t, t.Transfer(TestChain.Users[0], Carol, 1, gasLimit: 60_000_001)).Code);
    }

    [Fact]
    public void IntrinsicGasTooLow()
    {
        using var t = new TestChain();
        var r = Reject(t, t.Transfer(TestChain.Users[0], Carol, 1, gasLimit: 21_000, data: [1, 2, 3]));
        Assert.Equal(TxPoolRejectionCode.IntrinsicGasTooLow, r.Code);
        Assert.Contains("intrinsic gas too low", r.Message);
    }

    [Fact]
    public void Oversize()
    {
        using var t = new TestChain();
        var data = new byte[130 * 1024];
        Assert.Equal(TxPoolRejectionCode.Oversize, Reject(t, t.Transfer(TestChain.Users[0], Carol, 1, gasLimit: 5_000_000, data: data)).Code);
    }

    [Fact]
    public void AlreadyKnown()
    {
        using var t = new TestChain();
        var tx = t.Transfer(TestChain.Users[0], Carol, 1);
        t.Submit(tx);
        Assert.Equal(TxPoolRejectionCode.AlreadyKnown, Reject(t, tx).Code);
    }

    [Fact]
    public void Replacement_NeedsATenPercentBumpOfBothFees()
    {
        using var t = new TestChain();
        var alice = TestChain.Users[0];
        var original = t.Transfer(alice, Carol, 1, nonce: 0, maxFee: 10 * Wei.PerGwei, tip: 2 * Wei.PerGwei);
        t.Submit(original);
        var small = t.Transfer(alice, Carol, 2, nonce: 0, maxFee: 10 * Wei.PerGwei + 1, tip: 2 * Wei.PerGwei + 1);
        Assert.Equal(TxPoolRejectionCode.ReplacementUnderpriced, Reject(t, small).Code);
        var enough = t.Transfer(alice, Carol, 3, nonce: 0, maxFee: 11 * Wei.PerGwei, tip: 22 * Wei.PerGwei / 10);
        t.Submit(enough);
        Assert.Equal(1, t.Pool.Count);
        Assert.Null(t.Pool.Get(original.Hash));
        var block = t.ProduceBlock();
        Assert.Equal(enough.Hash, Assert.Single(block.Block.Transactions).Hash);
    }

    [Fact]
    public void SystemAccountsCannotSend_AndContractCreationIsRefused()
    {
        using var t = new TestChain();
        var unsigned = new UnsignedTransaction { ChainId = t.Genesis.ChainId, MaxFeePerGas = 10 * Wei.PerGwei, GasLimit = 60_000, To = null };
        var creation = TransactionSigner.Sign(unsigned, TestChain.Users[0]);
        Assert.Equal(TxPoolRejectionCode.ContractCreationUnsupported, Reject(t, creation).Code);
    }

    [Fact]
    public void Selection_OrdersByTip_KeepsNonceOrder_AndSkipsGaps()
    {
        using var t = new TestChain();
        var (a, b) = (TestChain.Users[0], TestChain.Users[1]);
        var a0 = t.Transfer(a, Carol, 1, nonce: 0, tip: 1 * Wei.PerGwei);
        var a1 = t.Transfer(a, Carol, 1, nonce: 1, tip: 5 * Wei.PerGwei);
        var b0 = t.Transfer(b, Carol, 1, nonce: 0, tip: 3 * Wei.PerGwei);
        var b2 = t.Transfer(b, Carol, 1, nonce: 2, tip: 9 * Wei.PerGwei);
        foreach (var tx in new[] { a1, a0, b0, b2 }) t.Submit(tx);
        var selected = t.Pool.SelectForBlock(t.Chain.HeadAccounts, 60_000_000, 100);
        Assert.Equal(new[] { b0.Hash, a0.Hash, a1.Hash }, selected.Select(x => x.Hash));
        Assert.Equal(2UL, t.Pool.PendingNonce(a.Address, 0));
        t.ProduceBlock();
        Assert.Equal(1, t.Pool.Count);
        Assert.NotNull(t.Pool.Get(b2.Hash));
    }

    [Fact]
    public void FullPool_EvictsTheCheapest_ForABetterPayingTransaction()
    {
        using var t = new TestChain();
        var pool = new TransactionPool(t.Genesis.ChainId, t.Chain.Parameters, t.Chain.NextBaseFee, new TxPoolOptions { MaxTransactions = 2 });
        var cheap = t.Transfer(TestChain.Users[0], Carol, 1, tip: 1);
        var mid = t.Transfer(TestChain.Users[1], Carol, 1, tip: 2 * Wei.PerGwei);
        Assert.Null(pool.Add(cheap, t.Chain.HeadAccounts));
        Assert.Null(pool.Add(mid, t.Chain.HeadAccounts));
        var cheaper = t.Transfer(TestChain.Users[2], Carol, 1, tip: 0);
        Assert.Equal(TxPoolRejectionCode.PoolFull, pool.Add(cheaper, t.Chain.HeadAccounts)!.Code);
        var rich = t.Transfer(TestChain.Users[3], Carol, 1, tip: 3 * Wei.PerGwei);
        Assert.Null(pool.Add(rich, t.Chain.HeadAccounts));
        Assert.Null(pool.Get(cheap.Hash));
        Assert.Equal(2, pool.Count);
    }

    [Fact]
    public void Prune_DropsTransactionsTheSenderCanNoLongerPayFor()
    {
        using var t = new TestChain();
        var alice = TestChain.Users[0];
        var spendAll = t.Transfer(alice, Carol, TestChain.UserBalance - Wei.FromOpen(1), nonce: 0);
        var later = t.Transfer(alice, Carol, Wei.FromOpen(1) - 1, nonce: 1);
        t.Submit(spendAll);
        // The later one was affordable on its own when admitted only because pending cost is counted per sender;
        // submit it through a second pool to simulate gossip from a node that had not seen spendAll.
        var other = new TransactionPool(t.Genesis.ChainId, t.Chain.Parameters, t.Chain.NextBaseFee);
        Assert.Null(other.Add(later, t.Chain.HeadAccounts));
        t.ProduceBlock();
        Assert.Equal(1, other.Prune(t.Chain.HeadAccounts, t.Chain.NextBaseFee, t.Chain.Parameters));
        Assert.Equal(0, other.Count);
    }
}
