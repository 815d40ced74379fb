using OpenLedger.Node.Bench;
using Xunit;

namespace OpenLedger.Node.Tests.Bench;

/// <summary>The scaling benchmark's chain work is real: blocks are full, and the replayed chain ends where the built one did.</summary>
public sealed class ScalingBenchTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ol-scaling-test-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void Builds_blocks_at_a_given_account_count_and_replays_built_blocks_on_a_fresh_chain()
    {
        var progress = new StringWriter();
        var bench = new ScalingBench(progress);
        var execution = bench.MeasureBlockExecution(accounts: 200, transfersPerBlock: 20, blocks: 2, Path.Combine(_dir, "exec"), warmUpBlocks: 1);
        Assert.Equal(200, execution.Accounts);
        Assert.Equal(2, execution.Blocks);
        Assert.Equal(1, execution.WarmUpBlocks);
        Assert.True(execution.MedianBuildMs > 0);
        Assert.InRange(execution.MedianBuildMs, execution.MinBuildMs, execution.MaxBuildMs);
        // 20 senders and up to 20 recipients: the block reads their flat rows (the state cache holds the small trie).
        Assert.InRange(execution.MedianFlatRowReads, 20, 200);
        Assert.NotNull(execution.StateCacheWarmSeconds);
        Assert.NotNull(execution.CompactionWaitSeconds);
        Assert.True(execution.StateCacheNodesAfterBlocks > 0);
        Assert.Contains("(warm-up)", progress.ToString(), StringComparison.Ordinal);
        Assert.Contains("state cache warmed", progress.ToString(), StringComparison.Ordinal);
        Assert.True(execution.GenesisPeakRssMiB > 0);
        Assert.True(execution.ReopenPeakRssMiB > 0);
        Assert.Contains("reopened in", progress.ToString(), StringComparison.Ordinal);

        // MeasureSync throws if a replayed block does not verify or the replay ends at another height.
        var sync = bench.MeasureSync(blocks: 4, transfersPerBlock: 5, Path.Combine(_dir, "sync"));
        Assert.Equal(4, sync.Blocks);
        Assert.True(sync.ReplayBlocksPerSec > 0);
        Assert.NotEmpty(sync.RssSamplesMiB);
        Assert.Contains("replayed 4 blocks", progress.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
