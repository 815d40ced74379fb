using OpenLedger.Consensus.Tests.Support;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Consensus.Tests;

public sealed class CommitVerifierTests
{
    private static readonly Hash256 BlockA = Hash256.Parse("0x" + new string('a', 64));
    private readonly EngineHarness _h = new(0, 40, 30, 20, 10);

    private Commit CommitBy(params int[] validators) => new()
    {
        Height = 7, Round = 1, BlockHash = BlockA,
        Signatures = validators.Select(v => _h.VoteBy(v, VoteType.Precommit, 1, BlockA, 7))
            .OrderBy(v => v.Validator).Select(v => new CommitSignature(v.Validator, v.Signature)).ToArray(),
    };

    private string? Verify(Commit commit, ulong height = 7) =>
        CommitVerifier.Verify(commit, _h.Validators, EngineHarness.ChainId, height, BlockA, FakeVoteVerifier.Instance);

    [Fact]
    public void Accepts_more_than_two_thirds_of_the_power_and_rejects_less()
    {
        Assert.Null(Verify(CommitBy(0, 1)));           // 70 of 100
        Assert.Null(Verify(CommitBy(0, 2, 3)));        // 70 of 100
        Assert.Contains("more than two thirds", Verify(CommitBy(1, 2, 3))); // 60 of 100
    }

    [Fact]
    public void Rejects_unordered_foreign_or_forged_signatures_and_wrong_targets()
    {
        var good = CommitBy(0, 1, 2);
        Assert.Contains("ascending", Verify(good with { Signatures = good.Signatures.Reverse().ToArray() }));
        var outsider = _h.VoteBy(8, VoteType.Precommit, 1, BlockA, 7);
        Assert.Contains("not in the validator set", Verify((good with { Signatures = [.. good.Signatures, new CommitSignature(outsider.Validator, outsider.Signature)] }).Sorted()));
        Assert.Contains("does not verify", Verify(good with { Signatures = [good.Signatures[0] with { Signature = new byte[65] }, .. good.Signatures.Skip(1)] }));
        Assert.Contains("height 7, expected 8", Verify(good, height: 8));
        Assert.Contains("does not verify", Verify(good with { Round = 2 }));
    }
}

internal static class CommitTestExtensions
{
    public static Commit Sorted(this Commit commit) => commit with { Signatures = commit.Signatures.OrderBy(s => s.Validator).ToArray() };
}
