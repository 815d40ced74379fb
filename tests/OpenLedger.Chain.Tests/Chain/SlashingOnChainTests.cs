using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.Genesis;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.Modules.Staking;
using OpenLedger.Execution.State;
using OpenLedger.Storage;
using Xunit;

namespace OpenLedger.Chain.Tests.Chain;

/// <summary>
/// The real chain path the node uses (Blockchain.BuildBlock / ExecuteBlock / CommitBlock with the staking module):
/// the commits carried in blocks feed downtime tracking, block evidence feeds double-sign slashing, and the
/// punished validators leave the set at the next epoch boundary. A follower re-executes every block.
/// </summary>
public sealed class SlashingOnChainTests
{
    private const ulong GenesisTimeMs = 1_767_225_600_000;
    private static readonly PrivateKey[] Operators = Enumerable.Range(0, 4).Select(i => Key($"operator-{i}")).ToArray();
    private static readonly PrivateKey[] Consensus = Enumerable.Range(0, 4).Select(i => Key($"consensus-{i}")).ToArray();
    private static readonly UInt128 SelfBond = Wei.FromOpen(10_000);

    private static PrivateKey Key(string label) => new(Keccak256.HashToArray(System.Text.Encoding.UTF8.GetBytes("openledger-test/slashing/" + label)));

    private static GenesisDocument Genesis()
    {
        var genesis = GenesisBuilder.New(ChainParameters.DevnetChainId, GenesisTimeMs);
        genesis = genesis with { Params = genesis.Params with { DowntimeWindowBlocks = 10, MinSignedPerWindowBps = 5_000, EpochLength = 15 } };
        for (var i = 0; i < 4; i++)
        {
            genesis = GenesisBuilder.AddAccount(genesis, Operators[i].Address, Wei.FromOpen(20_000));
            genesis = GenesisBuilder.AddValidator(genesis, Operators[i], Consensus[i].PublicKey, SelfBond, 500, $"v{i}");
        }
        return genesis;
    }

    private static Commit SignCommit(ulong chainId, Block block, IEnumerable<int> signers)
    {
        var digest = Vote.SigningDigest(chainId, VoteType.Precommit, block.Number, 0, block.Hash);
        return new Commit
        {
            Height = block.Number, Round = 0, BlockHash = block.Hash,
            Signatures = signers.Select(i => new CommitSignature(Consensus[i].Address, Consensus[i].Sign(digest).ToCompact65()))
                .OrderBy(s => s.Validator).ToArray(),
        };
    }

    private static ValidatorInfo Info(Blockchain chain, int i) => StakingModule.GetValidator(new WorldState(chain.StateAt()), Operators[i].Address)!;

    [Fact]
    public void Missed_commits_jail_for_downtime_and_block_evidence_tombstones_and_both_leave_at_the_epoch()
    {
        var genesis = Genesis();
        using var db = new MemoryStore();
        using var followerDb = new MemoryStore();
        var chain = Blockchain.Open(db, genesis, new ModuleRegistry([new StakingModule()]));
        var follower = Blockchain.Open(followerDb, genesis, new ModuleRegistry([new StakingModule()]));
        var chainId = genesis.ChainId;
        const int offline = 3, doubleSigner = 2;
        var p = chain.Parameters;

        var doubleSign = EvidenceVerifier.Canonical(new DuplicateVoteEvidence(Prevote(doubleSigner, chainId, 1, "x"), Prevote(doubleSigner, chainId, 1, "y")));
        for (ulong height = 1; height <= 17; height++)
        {
            var proposer = Consensus[(int)(height % 2)].Address; // 0 and 1 are in every set
            var evidence = height == 3 ? new[] { doubleSign } : [];
            var executed = chain.BuildBlock(chain.Head.TimestampMs + 500, proposer, chain.Store.GetCommit(height - 1) ?? Commit.Empty, [], evidence);
            Assert.Equal(evidence.Length, executed.Block.Evidence.Count);
            // Everyone in the block's set signs except the offline validator.
            var signers = Enumerable.Range(0, 4).Where(i => i != offline && chain.Validators.Find(Consensus[i].Address) is not null);
            var commit = SignCommit(chainId, executed.Block, signers);
            chain.CommitBlock(executed, commit);
            follower.CommitBlock(follower.ExecuteBlock(executed.Block), commit);

            var offlineInfo = Info(chain, offline);
            // Block 1 carries no commit (genesis has none), so blocks 2..11 are the first full window of 10 missed.
            Assert.Equal(height >= 11, offlineInfo.Jailed);
            if (height == 10) Assert.Equal(9UL, offlineInfo.WindowMissed);
            if (height == 11) Assert.Equal(executed.Block.Header.TimestampMs + p.DowntimeJailMs, offlineInfo.JailedUntilMs);
            Assert.Equal(height >= 3, Info(chain, doubleSigner).Tombstoned);
        }
        Assert.Equal(chain.Head.Hash, follower.Head.Hash);

        var slashedForDowntime = Info(chain, offline);
        Assert.Equal(SelfBond - SelfBond * p.DowntimeSlashBps / 10_000, slashedForDowntime.Tokens);
        Assert.False(slashedForDowntime.Tombstoned);
        var slashedForDoubleSign = Info(chain, doubleSigner);
        Assert.Equal(SelfBond - SelfBond * p.DoubleSignSlashBps / 10_000, slashedForDoubleSign.Tokens);
        Assert.True(slashedForDoubleSign.Jailed);
        Assert.Equal(3UL, chain.EvidenceCommittedAt(doubleSign.Hash));

        // Epoch boundary at 15: the header names the new set, validated from block 16 on: only 0 and 1 remain.
        var boundary = chain.Store.GetHeader(15)!;
        Assert.NotEqual(boundary.ValidatorSetHash, boundary.NextValidatorSetHash);
        Assert.Equal(boundary.NextValidatorSetHash, chain.Store.GetHeader(16)!.ValidatorSetHash);
        var remaining = chain.Store.GetValidatorSet(boundary.NextValidatorSetHash)!;
        Assert.Equal(new[] { Consensus[0].Address, Consensus[1].Address }.Order(), remaining.Validators.Select(v => v.ConsensusAddress).Order());
        Assert.Equal(4, chain.Store.GetValidatorSet(chain.Store.GetHeader(14)!.ValidatorSetHash)!.Count);
    }

    private static Vote Prevote(int validator, ulong chainId, ulong height, string block)
    {
        var hash = Keccak256.Hash(System.Text.Encoding.UTF8.GetBytes(block));
        return new Vote
        {
            Type = VoteType.Prevote, Height = height, Round = 0, BlockHash = hash, Validator = Consensus[validator].Address,
            Signature = Consensus[validator].Sign(Vote.SigningDigest(chainId, VoteType.Prevote, height, 0, hash)).ToCompact65(),
        };
    }
}
