using OpenLedger.Core.Types;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.TxPool;
using OpenLedger.Network.Gossip;
using OpenLedger.Network.Identity;
using OpenLedger.Node.Devnet;
using OpenLedger.Node.Hosting;
using OpenLedger.Node.Network;
using OpenLedger.Node.Tests.EndToEnd.Support;
using OpenLedger.Storage;
using Xunit;

namespace OpenLedger.Node.Tests.P2P;

/// <summary>The batch topic's validator (<see cref="TransactionGossipAdmission.ValidateBatches"/>) over a real chain and mempool.</summary>
public sealed class TransactionBatchAdmissionTests
{
    private const string Topic = "/openledger/161200/txbatch/1";
    private static readonly Address To = Address.FromUInt64(0xad317);
    private static readonly PeerId Peer = NodeKey.Generate().PeerId;

    private readonly Blockchain _chain;
    private readonly TransactionPool _pool;
    private readonly List<IReadOnlyList<OpenLedger.Core.Transactions.Transaction>> _relayed = [];
    private readonly TransactionGossipAdmission _admission;

    public TransactionBatchAdmissionTests()
    {
        var genesis = DevnetRunner.CreateGenesis(1, 2, 161200);
        var modules = ModuleCatalog.Create(genesis);
        _chain = Blockchain.Open(new MemoryStore(), genesis, modules.Registry, modules.LoadParameters);
        _pool = new TransactionPool(_chain.ChainId, _chain.Parameters, _chain.NextBaseFee);
        _admission = new TransactionGossipAdmission(_chain, _pool, Serilog.Core.Logger.None, _relayed.Add);
    }

    private static OpenLedger.Core.Transactions.Transaction Tx(int account, ulong nonce, ulong chainId = TestTransactions.DevnetChainId) =>
        TestTransactions.Sign(TestTransactions.Transfer(nonce, To, 1, chainId), DevnetKeys.Account(account));

    private static GossipMessage Message(byte[] data) => new(Topic, data, Peer, new byte[8], RandomBytes(), Peer);

    private static byte[] RandomBytes() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);

    private static byte[] Batch(params OpenLedger.Core.Transactions.Transaction[] txs) => TransactionBatch.Encode(txs.Select(t => t.Encoded.ToArray()).ToArray());

    [Fact]
    public void Every_member_of_a_valid_batch_is_admitted_and_the_message_accepted()
    {
        var txs = Enumerable.Range(0, 50).Select(n => Tx(n % 2, (ulong)(n / 2))).ToArray();
        var results = _admission.ValidateBatches([Message(Batch(txs[..30])), Message(Batch(txs[30..]))]);
        Assert.Equal([ValidationResult.Accept, ValidationResult.Accept], results);
        Assert.All(txs, t => Assert.True(_pool.Contains(t.Hash)));
        Assert.Equal(txs.Select(t => t.Hash), _relayed.SelectMany(r => r).Select(t => t.Hash));
    }

    [Fact]
    public void A_batch_whose_members_are_all_known_is_ignored_not_forwarded_again()
    {
        var txs = new[] { Tx(0, 0), Tx(0, 1) };
        Assert.Equal([ValidationResult.Accept], _admission.ValidateBatches([Message(Batch(txs))]));
        Assert.Equal([ValidationResult.Ignore], _admission.ValidateBatches([Message(Batch(txs))]));
        Assert.Single(_relayed);
    }

    [Fact]
    public void A_batch_with_a_member_invalid_everywhere_is_rejected_while_its_neighbours_are_judged_alone()
    {
        var good = Tx(0, 0);
        var wrongChain = Tx(1, 0, chainId: 999);
        var other = Tx(1, 0);
        var results = _admission.ValidateBatches([Message(Batch(good, wrongChain)), Message(Batch(other))]);
        Assert.Equal([ValidationResult.Reject, ValidationResult.Accept], results);
        Assert.False(_pool.Contains(wrongChain.Hash));
        Assert.True(_pool.Contains(other.Hash));
    }

    [Fact]
    public void A_batch_with_an_undecodable_member_is_rejected_whole_and_none_of_it_admitted()
    {
        var good = Tx(0, 0);
        var garbage = new byte[] { 0x02, 0xc3, 0x01, 0x02, 0x03 };
        var undecodable = TransactionBatch.Encode([good.Encoded.ToArray(), garbage]);
        var results = _admission.ValidateBatches([Message(undecodable), Message([0x01, 0x02]), Message(good.Encoded.ToArray())]);
        Assert.Equal([ValidationResult.Reject, ValidationResult.Reject, ValidationResult.Reject], results);
        Assert.False(_pool.Contains(good.Hash));
        Assert.Empty(_relayed);
    }
}
