using Xunit;
using Xunit.Abstractions;

namespace OpenLedger.Node.Tests.Bft;

/// <summary>
/// A validator that was down while the others kept committing catches up through the blocks protocol
/// (downloading blocks with commits from a peer and verifying them), then rejoins consensus on the same chain.
/// </summary>
[Collection(BftDevnetCollection.Name)]
public sealed class BlockSyncRestartTests(ITestOutputHelper output)
{
    private const int Validators = 4;
    private const int Lagging = 3;

    [Fact]
    public async Task A_validator_restarted_behind_the_others_block_syncs_and_then_agrees_on_new_blocks()
    {
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(160));
        await using var devnet = await DevnetCluster.StartAsync(Validators, accounts: 1, readyTimeout: TimeSpan.FromSeconds(90));
        try
        {
            await devnet.StopRunnerAsync(TimeSpan.FromSeconds(20));
            var stoppedAt = LastCommittedHeightInLog(devnet);
            output.WriteLine($"devnet stopped at height {stoppedAt}; node{Lagging} restarts later");

            // Three of four validators hold more than 2/3 of the power: they go on without the fourth.
            for (var n = 0; n < Validators; n++)
                if (n != Lagging) devnet.StartNode(n);
            var ahead = 0UL;
            while (ahead < 25)
            {
                budget.Token.ThrowIfCancellationRequested();
                ahead = await TryBlockNumberAsync(devnet, 0) ?? 0;
                await Task.Delay(250, budget.Token);
            }
            output.WriteLine($"the three validators reached height {ahead}");

            devnet.StartNode(Lagging);
            ulong lagging = 0;
            ulong target = 0;
            while (true)
            {
                budget.Token.ThrowIfCancellationRequested();
                target = await TryBlockNumberAsync(devnet, 0) ?? target;
                lagging = await TryBlockNumberAsync(devnet, Lagging) ?? 0;
                if (lagging > ahead + 3 && lagging + 2 >= target) break;
                await Task.Delay(250, budget.Token);
            }
            output.WriteLine($"the restarted node is at {lagging}, the others at {target}");
            Assert.Contains("Block sync: at height", devnet.RestartLog(Lagging), StringComparison.Ordinal);

            // Same chain: the synced range and a block committed after the node rejoined consensus.
            foreach (var height in new[] { ahead - 10, ahead, lagging })
            {
                var mine = (await devnet.CallAsync(Lagging, "eth_getBlockByNumber", DevnetCluster.Hex(height), false)).GetProperty("hash").GetString();
                var theirs = (await devnet.CallAsync(0, "eth_getBlockByNumber", DevnetCluster.Hex(height), false)).GetProperty("hash").GetString();
                Assert.Equal(theirs, mine);
            }
            Assert.True(ahead - 10 > stoppedAt, $"the synced range should start after the height the node stopped at ({stoppedAt})");
        }
        catch (Exception e) when (e is OperationCanceledException or Xunit.Sdk.XunitException)
        {
            output.WriteLine(devnet.Diagnostics());
            throw;
        }
    }

    private static async Task<ulong?> TryBlockNumberAsync(DevnetCluster devnet, int node)
    {
        try
        {
            return await devnet.BlockNumberAsync(node);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The height the lagging node had committed when the devnet stopped, from its log.</summary>
    private static ulong LastCommittedHeightInLog(DevnetCluster devnet)
    {
        var log = File.ReadAllText(Path.Combine(devnet.Manifest.Nodes[Lagging].Home, "node.log"));
        var marker = "Committed block ";
        var last = log.LastIndexOf(marker, StringComparison.Ordinal);
        var number = last < 0 ? 0UL : ulong.Parse(log[(last + marker.Length)..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        return number;
    }
}
