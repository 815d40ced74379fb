using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Tests.Transactions;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Core.Tests.Chain;

/// <summary>
/// Block.Encode writes headers before payloads into an array of the computed size; the bytes must be exactly those of
/// the straightforward encoding (lists closed after their items), for any mix of legacy and typed transactions,
/// commit signatures and evidence, and must decode back to the same block.
/// </summary>
public sealed class BlockEncodingTests
{
    private static readonly PrivateKey Signer = PrivateKey.FromHex("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");

    [Property(MaxTest = 60)]
    public Property Encode_equals_the_reference_encoding_and_round_trips() =>
        Prop.ForAll(Gen.Choose(0, 140).Zip(Gen.Choose(0, 3)).Zip(Gen.Choose(0, 4)).Zip(Gen.Choose(0, 2000)).ToArbitrary(), input =>
        {
            var (((transactions, signatures), evidence), dataLength) = input;
            var block = NewBlock(transactions, signatures, evidence, dataLength);
            var encoded = block.Encode();
            Assert.Equal(ReferenceEncode(block), encoded);
            Assert.Equal(encoded.Length, block.EncodedLength());
            var decoded = Block.Decode(encoded);
            Assert.Equal(block.Header.Hash, decoded.Header.Hash);
            Assert.Equal(block.Transactions.Select(t => t.Hash), decoded.Transactions.Select(t => t.Hash));
            Assert.Equal(block.Evidence.Select(e => e.Hash), decoded.Evidence.Select(e => e.Hash));
            Assert.Equal(block.LastCommit.Encode(), decoded.LastCommit.Encode());
        });

    [Fact]
    public void Decode_takes_the_known_transaction_objects_by_hash_and_decodes_the_rest()
    {
        var block = NewBlock(transactions: 9, signatures: 2, evidence: 1, dataLength: 70);
        var encoded = block.Encode();
        // Every other transaction is "in the pool": the very object block building used.
        var pool = block.Transactions.Where((_, i) => i % 2 == 0).ToDictionary(t => t.Hash);
        var asked = new List<Hash256>();
        var decoded = Block.Decode(encoded, hash =>
        {
            asked.Add(hash);
            return pool.GetValueOrDefault(hash);
        });

        Assert.Equal(block.Transactions.Select(t => t.Hash), asked);
        for (var i = 0; i < block.Transactions.Count; i++)
        {
            if (i % 2 == 0) Assert.Same(block.Transactions[i], decoded.Transactions[i]);
            else Assert.NotSame(block.Transactions[i], decoded.Transactions[i]);
            Assert.Equal(block.Transactions[i].Encoded.ToArray(), decoded.Transactions[i].Encoded.ToArray());
            Assert.Equal(block.Transactions[i].Hash, decoded.Transactions[i].Hash);
            Assert.Equal(block.Transactions[i].SigningHash, decoded.Transactions[i].SigningHash);
        }
        Assert.Equal(block.Header.Hash, decoded.Header.Hash);
        Assert.Equal(encoded, decoded.Encode());
    }

    private static Block NewBlock(int transactions, int signatures, int evidence, int dataLength)
    {
        var txs = Enumerable.Range(0, transactions).Select(i => i % 3 == 0
            ? TestTransactions.Signed(new UnsignedTransaction
            {
                Type = TxType.Legacy, ChainId = TestTransactions.DevnetChainId, Nonce = (ulong)i, GasPrice = 1_000_000_000,
                GasLimit = 100_000, To = TestTransactions.Recipient, Value = 1, Data = new byte[i % 2 == 0 ? dataLength : 0],
            })
            : TestTransactions.Signed(TestTransactions.DynamicFee(data: new byte[i % 2 == 0 ? dataLength : 1], gasLimit: 21_000 + (ulong)i))).ToList();
        var commit = new Commit
        {
            Height = 41, Round = 1, BlockHash = Keccak256.Hash("parent"u8),
            Signatures = Enumerable.Range(0, signatures).Select(i => new CommitSignature(Signer.Address, Signer.Sign(Keccak256.Hash([(byte)i])).ToCompact65())).ToList(),
        };
        var votes = Enumerable.Range(0, evidence).Select(i => EvidenceVerifier.Canonical(new DuplicateVoteEvidence(NewVote(i, "a"), NewVote(i, "b")))).ToList();
        return new Block
        {
            Header = new BlockHeader
            {
                ParentHash = commit.BlockHash, Number = 42, TimestampMs = 1_767_225_600_000, Proposer = Signer.Address,
                StateRoot = Keccak256.Hash("state"u8), TransactionsRoot = Keccak256.Hash("txs"u8), ReceiptsRoot = Keccak256.Hash("receipts"u8),
                LogsBloom = Bloom.Empty, GasUsed = 21_000UL * (ulong)transactions, GasLimit = 60_000_000, BaseFeePerGas = 1_000_000_000,
                ValidatorSetHash = Keccak256.Hash("set"u8), NextValidatorSetHash = Keccak256.Hash("next"u8),
                LastCommitHash = Keccak256.Hash(commit.Encode()), EvidenceHash = Block.ComputeEvidenceHash(votes),
            },
            Transactions = txs,
            LastCommit = commit,
            Evidence = votes,
        };
    }

    private static Vote NewVote(int height, string block)
    {
        var hash = Keccak256.Hash(System.Text.Encoding.UTF8.GetBytes(block));
        return new Vote
        {
            Type = VoteType.Prevote, Height = (ulong)height + 1, Round = 0, BlockHash = hash, Validator = Signer.Address,
            Signature = Signer.Sign(Core.Chain.Vote.SigningDigest(1, VoteType.Prevote, (ulong)height + 1, 0, hash)).ToCompact65(),
        };
    }

    /// <summary>The encoding written the simple way: each list's header inserted after its items.</summary>
    private static byte[] ReferenceEncode(Block block)
    {
        var writer = new RlpWriter();
        var start = writer.BeginList();
        block.Header.Encode(writer);
        var txs = writer.BeginList();
        foreach (var tx in block.Transactions)
        {
            if (tx.Type == TxType.Legacy) writer.WriteEncoded(tx.Encoded);
            else writer.WriteBytes(tx.Encoded);
        }
        writer.EndList(txs);
        block.LastCommit.Encode(writer);
        var evidence = writer.BeginList();
        foreach (var e in block.Evidence) writer.WriteBytes(e.Encode());
        writer.EndList(evidence);
        writer.EndList(start);
        return writer.ToArray();
    }
}
