using System.Numerics;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Modules.Datanets;
using OpenLedger.Execution.Tests.Support;
using Xunit;

namespace OpenLedger.Execution.Tests.Datanets;

public sealed class DatanetsTests
{
    private static TestChain NewChain()
    {
        var c = new TestChain().Start();
        c.Tx(c[0], c.Datanets, "createDatanet", "speech", "ipfs://speech", (byte)DatanetKind.Audio, true);
        return c;
    }

    private static ulong Contribute(TestChain c, Address from, string content, ulong size, ulong datanet = 1) =>
        (ulong)(BigInteger)c.Tx(from, c.Datanets, "contribute", c.Params.ContributionBond, TestChain.N(datanet), Economy.Hash(content), size, "ipfs://" + content)[0];

    [Fact]
    public void Contribution_bond_is_escrowed_and_returned_on_approval_or_rejection()
    {
        var c = NewChain();
        var before = c.Balance(c[1]);
        var a = Contribute(c, c[1], "a", 100);
        var b = Contribute(c, c[1], "b", 100);
        Assert.Equal(before - 2 * Wei.PerOpen, c.Balance(c[1]));
        Assert.Equal(2 * Wei.PerOpen, c.Balance(SystemAddresses.Datanets));
        c.Tx(c[0], c.Datanets, "review(uint256,bool,uint16)", TestChain.N(a), true, (ushort)9000);
        c.Tx(c[0], c.Datanets, "review(uint256,bool,uint16)", TestChain.N(b), false, (ushort)0);
        Assert.Equal(before, c.Balance(c[1]));
        Assert.Equal((UInt128)0, c.Balance(SystemAddresses.Datanets));
        Assert.Equal(ContributionStatus.Approved, DatanetsModule.GetContribution(c.State, a)!.Status);
        Assert.Equal(ContributionStatus.Rejected, DatanetsModule.GetContribution(c.State, b)!.Status);
        Assert.Contains("already reviewed", c.Fails(c[0], c.Datanets, "review(uint256,bool,uint16)", TestChain.N(a), true, (ushort)1));
    }

    [Fact]
    public void Adversarial_rejection_burns_the_bond()
    {
        var c = NewChain();
        var burned = c.Balance(SystemAddresses.Burn);
        var id = Contribute(c, c[2], "poison", 10);
        c.Tx(c[0], c.Datanets, "review(uint256,bool,uint16,bool)", TestChain.N(id), false, (ushort)0, true);
        Assert.Equal(burned + Wei.PerOpen, c.Balance(SystemAddresses.Burn));
        Assert.Equal(ContributionStatus.Adversarial, DatanetsModule.GetContribution(c.State, id)!.Status);
        var id2 = Contribute(c, c[2], "fine", 10);
        Assert.Contains("cannot be approved and flagged adversarial",
            c.Fails(c[0], c.Datanets, "review(uint256,bool,uint16,bool)", TestChain.N(id2), true, (ushort)0, true));
    }

    [Fact]
    public void Bond_must_be_exact_and_only_owner_or_curators_review()
    {
        var c = NewChain();
        Assert.Equal("a contribution needs a bond of exactly 1 OPEN (sent 2 OPEN)",
            c.Fails(c[1], c.Datanets, "contribute", Wei.FromOpen(2), TestChain.N(1), Economy.Hash("x"), 1ul, "u"));
        var id = Contribute(c, c[1], "x", 1);
        Assert.Contains("only the owner or a curator", c.Fails(c[3], c.Datanets, "review(uint256,bool,uint16)", TestChain.N(id), true, (ushort)1));
        Assert.Contains("only the owner of datanet 1", c.Fails(c[3], c.Datanets, "addCurator", TestChain.N(1), c[3]));
        c.Tx(c[0], c.Datanets, "addCurator", TestChain.N(1), c[3]);
        c.Tx(c[3], c.Datanets, "review(uint256,bool,uint16)", TestChain.N(id), true, (ushort)1);
        Assert.Contains("already contribution 1", c.Fails(c[2], c.Datanets, "contribute", c.Params.ContributionBond, TestChain.N(1), Economy.Hash("x"), 1ul, "u"));
    }

    [Fact]
    public void Daily_limit_is_ten_megabytes_per_contributor_per_datanet_per_utc_day()
    {
        // Hour-long blocks so the next UTC day is a few blocks away.
        var c = new TestChain(new ChainParameters { BlockIntervalMs = 3_600_000 }).Start();
        c.Tx(c[0], c.Datanets, "createDatanet", "speech", "ipfs://speech", (byte)DatanetKind.Audio, true);
        Contribute(c, c[1], "big", 9_000_000);
        Contribute(c, c[1], "rest", 1_000_000);
        var day = c.Block.TimestampMs / DatanetsModule.MillisecondsPerDay;
        Assert.Equal($"daily limit: {c[1]} already contributed 10000000 of 10000000 bytes to datanet 1 today (UTC day {day}); 1 more would exceed it",
            c.Fails(c[1], c.Datanets, "contribute", c.Params.ContributionBond, TestChain.N(1), Economy.Hash("one-more"), 1ul, "u"));
        Contribute(c, c[2], "other-contributor", 10_000_000); // per contributor
        c.Tx(c[0], c.Datanets, "createDatanet", "second", "", (byte)0, true);
        Contribute(c, c[1], "other-datanet", 10_000_000, datanet: 2); // per datanet
        // The next UTC day (block time advances 500 ms per block) resets the count.
        var blocksToNextDay = (DatanetsModule.MillisecondsPerDay - c.Block.TimestampMs % DatanetsModule.MillisecondsPerDay) / c.Params.BlockIntervalMs + 1;
        c.Mine((int)blocksToNextDay);
        Contribute(c, c[1], "next-day", 10_000_000);
    }

    [Fact]
    public void Closed_datanets_take_contributions_from_owner_and_curators_only()
    {
        var c = new TestChain().Start();
        c.Tx(c[0], c.Datanets, "createDatanet", "private", "", (byte)1, false);
        Assert.Equal("datanet 1 is closed: only its owner and curators can contribute",
            c.Fails(c[1], c.Datanets, "contribute", c.Params.ContributionBond, TestChain.N(1), Economy.Hash("x"), 1ul, "u"));
        Contribute(c, c[0], "own", 1);
    }

    [Fact]
    public void Each_approval_creates_a_version_whose_root_commits_to_the_approved_contributions()
    {
        var c = NewChain();
        var ids = Enumerable.Range(0, 5).Select(i => Contribute(c, c[1 + i % 3], $"item-{i}", (ulong)(i + 1))).ToList();
        // Approve 1, 3, 4, 5 (2 is rejected): versions 1..4.
        foreach (var id in ids) c.Tx(c[0], c.Datanets, "review(uint256,bool,uint16)", TestChain.N(id), id != ids[1], (ushort)(id * 100));
        var datanet = DatanetsModule.GetDatanet(c.State, 1)!;
        Assert.Equal(4ul, datanet.Version);
        Assert.Equal(4ul, datanet.ApprovedCount);
        Assert.Equal(new[] { ids[0], ids[2], ids[3], ids[4] }, DatanetsModule.GetApprovedContributions(c.State, 1));

        var leaves = DatanetsModule.GetApprovedContributions(c.State, 1)
            .Select(id => ContributionTree.Leaf(DatanetsModule.GetContribution(c.State, id)!)).ToList();
        for (var version = 1; version <= 4; version++)
        {
            var root = new Hash256((byte[])c.View(c.Datanets, "getVersionRoot", TestChain.N(1), (ulong)version)[0]);
            var prefix = leaves.Take(version).ToList();
            for (var i = 0; i < version; i++)
                Assert.True(ContributionTree.VerifyProof(prefix[i], (ulong)i, ContributionTree.BuildProof(prefix, (ulong)i), (ulong)version, root));
            Assert.False(ContributionTree.VerifyProof(prefix[0], 0, ContributionTree.BuildProof(prefix, 0), (ulong)version + 1, root));
        }
        Assert.Equal(datanet.Root, new Hash256((byte[])c.View(c.Datanets, "getVersionRoot", TestChain.N(1), 4ul)[0]));
        Assert.Contains("there is no version 5", Assert.Throws<OpenLedger.Execution.Modules.ModuleRevertException>(
            () => c.View(c.Datanets, "getVersionRoot", TestChain.N(1), 5ul)).Reason);
    }

    [Fact]
    public void Tree_root_of_a_single_leaf_matches_the_documented_construction()
    {
        var leaf = Economy.Hash("leaf");
        var node = new Hash256(leaf);
        for (var h = 0; h < ContributionTree.Depth; h++)
            node = OpenLedger.Core.Crypto.Keccak256.Hash([.. node.Bytes, .. ContributionTree.ZeroHashes[h].Bytes]);
        var mixed = OpenLedger.Core.Crypto.Keccak256.Hash([.. node.Bytes, .. new byte[31], 1]);
        var frontier = new Hash256[ContributionTree.Depth];
        ContributionTree.Append(frontier, 0, new Hash256(leaf));
        Assert.Equal(mixed, ContributionTree.Root(frontier, 1));
    }
}
