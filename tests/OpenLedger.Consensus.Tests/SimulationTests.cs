using OpenLedger.Consensus.Tests.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace OpenLedger.Consensus.Tests;

/// <summary>
/// Many short seeded runs rather than a few long ones: more fault schedules for the same wall time. A failing
/// run names its seed; rerun it alone with <see cref="ConsensusSimulation"/> and the same options.
/// </summary>
public sealed class SimulationTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> FourValidatorSeeds => Enumerable.Range(1, 12).Select(s => new object[] { s });
    public static IEnumerable<object[]> SevenValidatorSeeds => Enumerable.Range(101, 10).Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(FourValidatorSeeds))]
    public void Four_validators_stay_safe_and_live_under_faults(int seed) =>
        RunAndCheck(new SimulationOptions { Seed = seed, Validators = 4, TargetHeight = 150 });

    [Theory]
    [MemberData(nameof(SevenValidatorSeeds))]
    public void Seven_validators_stay_safe_and_live_under_faults(int seed) =>
        RunAndCheck(new SimulationOptions { Seed = seed, Validators = 7, TargetHeight = 150 });

    [Fact]
    public void Heavy_loss_and_long_chaos_still_converge()
    {
        RunAndCheck(new SimulationOptions
        {
            Seed = 7001, Validators = 4, TargetHeight = 80, LossRate = 0.25, DuplicateRate = 0.2, ChaosMs = 12_000, LivenessBoundMs = 60_000,
        });
    }

    /// <summary>
    /// With the locking rules (22, 28) removed from the engine, this run commits two different blocks at one
    /// height (found by the soak test): it keeps the harness honest about catching real safety bugs.
    /// </summary>
    [Fact]
    public void A_run_that_forks_an_engine_without_locking_stays_safe() =>
        RunAndCheck(new SimulationOptions { Seed = 10125, Validators = 5, TargetHeight = 60 });

    /// <summary>
    /// Set OPENLEDGER_CONSENSUS_SOAK=N to run N extra seeds (4 to 7 validators) locally, and optionally
    /// OPENLEDGER_CONSENSUS_SOAK_LOSS (e.g. 0.3) for a lossier network with a longer chaos phase; without them
    /// this is one short run with five validators, so CI still covers an odd-sized set.
    /// </summary>
    [Fact]
    public void Soak()
    {
        var extra = int.TryParse(Environment.GetEnvironmentVariable("OPENLEDGER_CONSENSUS_SOAK"), out var n) ? n : 0;
        if (extra == 0)
        {
            RunAndCheck(new SimulationOptions { Seed = 5005, Validators = 5, TargetHeight = 60 });
            return;
        }
        var loss = double.TryParse(Environment.GetEnvironmentVariable("OPENLEDGER_CONSENSUS_SOAK_LOSS"), System.Globalization.CultureInfo.InvariantCulture, out var l) ? l : 0.05;
        for (var seed = 10_000; seed < 10_000 + extra; seed++)
        {
            RunAndCheck(new SimulationOptions
            {
                Seed = seed, Validators = 4 + seed % 4, TargetHeight = 60, LossRate = loss, DuplicateRate = Math.Max(0.05, loss),
                ChaosMs = loss > 0.1 ? 12_000 : 6_000, LivenessBoundMs = loss > 0.1 ? 60_000 : 30_000,
            });
        }
    }

    /// <summary>
    /// 100 KiB blocks that take the application 3 ms per KiB to build or validate (0.3 s), one validator three
    /// times slower (0.9 s), against 200 ms base propose timeouts: with the timeouts scaled by the expected proposal
    /// size every height is decided in round 0; the same run without scaling needs later rounds (the control).
    /// </summary>
    [Fact]
    public void Big_blocks_and_a_slow_validator_commit_in_round_0_with_size_scaled_timeouts()
    {
        var scaled = new ConsensusSimulation(BigBlocks(TimeSpan.FromMilliseconds(15)) with { TargetHeight = 12 }).Run();
        output.WriteLine(scaled.ToString());
        Assert.True(scaled.Failures.Count == 0, string.Join("\n", scaled.Failures));
        Assert.True(scaled.LowestCommittedHeight >= 12, scaled.ToString());
        Assert.Equal(0, scaled.MaxDecidedRound);

        var unscaled = new ConsensusSimulation(BigBlocks(TimeSpan.Zero) with { TargetHeight = 2, LivenessBoundMs = 240_000, MaxSimulatedMs = 600_000 }).Run();
        output.WriteLine(unscaled.ToString());
        Assert.True(unscaled.Failures.Count == 0, string.Join("\n", unscaled.Failures));
        Assert.True(unscaled.MaxDecidedRound > 0, $"the control run should need later rounds: {unscaled}");
    }

    /// <summary>Size-scaled timeouts and the propose-timeout extension under the usual faults (partitions, crashes, an equivocator).</summary>
    [Theory]
    [InlineData(8101)]
    [InlineData(8102)]
    [InlineData(8103)]
    public void Scaled_timeouts_with_big_blocks_stay_safe_and_live_under_faults(int seed) =>
        RunAndCheck(new SimulationOptions
        {
            Seed = seed, Validators = 4 + seed % 2, TargetHeight = 60, ProposalPaddingBytes = 20 * 1024, AppDelayPerKiBMs = 2,
            SlowNodeIndex = 1, SlowNodeFactor = 3, HintProposalSize = seed % 3 != 0,
            Consensus = new SimulationOptions { Seed = 0 }.Consensus with { TimeoutPerProposalKiB = TimeSpan.FromMilliseconds(5) },
        });

    private static SimulationOptions BigBlocks(TimeSpan perKiB) => new()
    {
        Seed = 8001, Validators = 4, LossRate = 0, DuplicateRate = 0, SlowMessageRate = 0, ChaosMs = 100,
        Partitions = false, Crashes = false, Equivocator = false,
        ProposalPaddingBytes = 100 * 1024, AppDelayPerKiBMs = 3, SlowNodeIndex = 0, SlowNodeFactor = 3, HintProposalSize = true,
        Consensus = new SimulationOptions { Seed = 0 }.Consensus with { TimeoutPerProposalKiB = perKiB },
    };

    [Fact]
    public void A_seed_reproduces_the_run_exactly()
    {
        var options = new SimulationOptions { Seed = 4242, Validators = 4, TargetHeight = 40 };
        var first = new ConsensusSimulation(options).Run();
        var second = new ConsensusSimulation(options).Run();
        Assert.Empty(first.Failures);
        Assert.Equal(first.TraceHash, second.TraceHash);
        Assert.Equal(first.SimulatedMs, second.SimulatedMs);
        Assert.Equal(first.Delivered, second.Delivered);
        var other = new ConsensusSimulation(options with { Seed = 4243 }).Run();
        Assert.NotEqual(first.TraceHash, other.TraceHash);
    }

    private void RunAndCheck(SimulationOptions options)
    {
        var result = new ConsensusSimulation(options).Run();
        output.WriteLine(result.ToString());
        Assert.True(result.Failures.Count == 0, $"seed {options.Seed} failed (rerun with this seed):\n{string.Join("\n", result.Failures)}\n{result}");
        Assert.True(result.LowestCommittedHeight >= (ulong)options.TargetHeight, $"seed {options.Seed}: {result}");
        Assert.True(result.LivenessMs >= 0 && result.LivenessMs <= options.LivenessBoundMs, $"seed {options.Seed}: liveness {result.LivenessMs} ms; {result}");
        if (options.Equivocator)
            Assert.True(result.EvidenceDetections > 0 && result.EvidencePending > 0, $"seed {options.Seed}: the equivocator was not detected; {result}");
    }
}
