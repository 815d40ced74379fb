using Xunit;
using Xunit.Abstractions;

namespace OpenLedger.Node.Tests.Bft;

/// <summary>
/// `openledger devnet --validators 7`: seven validator processes commit blocks together, every one of them
/// proposes (so all seven take part in consensus), and every node has the same block at every height.
/// </summary>
[Collection(BftDevnetCollection.Name)]
public sealed class SevenValidatorDevnetTests(ITestOutputHelper output)
{
    private const int Validators = 7;

    [Fact]
    public async Task Seven_validators_all_propose_and_agree_on_every_block()
    {
        var started = DateTime.UtcNow;
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(200));
        var ct = budget.Token;
        await using var devnet = await DevnetCluster.StartAsync(Validators, accounts: 1, readyTimeout: TimeSpan.FromSeconds(180));
        output.WriteLine($"devnet running after {(DateTime.UtcNow - started).TotalSeconds:F1} s");
        var all = Enumerable.Range(0, Validators).ToArray();
        try
        {
            // Equal power: the CometBFT rotation gives each validator one round-0 proposal every 7 heights, so
            // waiting for a block proposed by each shows all seven are live validators, not just a quorum of five.
            var validators = devnet.Manifest.Nodes.Select(n => n.ConsensusAddress.ToLowerInvariant()).ToHashSet();
            var proposers = new HashSet<string>();
            var checkedThrough = 0UL;
            while (!proposers.SetEquals(validators))
            {
                ct.ThrowIfCancellationRequested();
                var head = await devnet.TryBlockNumberAsync(0) ?? checkedThrough;
                for (var h = checkedThrough + 1; h <= head; h++)
                {
                    var block = await devnet.CallAsync(0, "eth_getBlockByNumber", DevnetCluster.Hex(h), false);
                    proposers.Add(block.GetProperty("miner").GetString()!.ToLowerInvariant());
                }
                checkedThrough = head;
                if (!proposers.SetEquals(validators)) await Task.Delay(250, ct);
            }
            output.WriteLine($"all 7 validators proposed within blocks 1..{checkedThrough} ({(DateTime.UtcNow - started).TotalSeconds:F1} s)");

            var heights = await devnet.WaitForHeightAsync(all, checkedThrough, ct);
            await devnet.AssertSameHashesAsync(devnet.Manifest.Nodes.Select(n => n.JsonRpc).ToArray(), heights.Min(), ct);
            output.WriteLine($"all 7 nodes agree on every block 1..{heights.Min()}");
        }
        catch (Exception e) when (e is OperationCanceledException or Xunit.Sdk.XunitException)
        {
            output.WriteLine(devnet.Diagnostics());
            throw;
        }
    }
}
