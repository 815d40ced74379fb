using System.Globalization;
using System.Text.RegularExpressions;
using OpenLedger.Node.Devnet;
using Xunit;
using Xunit.Abstractions;

namespace OpenLedger.Node.Tests.Bft;

/// <summary>
/// Crash faults with the real binary, in one devnet run under continuous transaction load: four validators
/// (equal power) keep committing with one SIGKILLed (3 of 4 is more than 2/3), halt without forking with two
/// down, and resume when both restart; the one that missed blocks catches up by block sync and rejoins
/// consensus; at the end every node has the same block at every height and every transaction that got a
/// receipt still has it, in the same block, on every node.
/// </summary>
[Collection(BftDevnetCollection.Name)]
public sealed partial class ValidatorCrashTests(ITestOutputHelper output)
{
    private const int Validators = 4;
    private const int FirstKilled = 3;
    private const int SecondKilled = 2;
    private static readonly int[] All = [0, 1, 2, 3];
    private static readonly int[] ThreeUp = [0, 1, 2];
    private static readonly int[] TwoUp = [0, 1];

    /// <summary>The devnet's block interval; the halt is watched for many of them.</summary>
    private static readonly TimeSpan BlockInterval = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Validators_under_load_survive_one_crash_halt_safely_with_two_down_and_recover_without_losing_transactions()
    {
        var started = DateTime.UtcNow;
        void Log(string message) => output.WriteLine($"[{(DateTime.UtcNow - started).TotalSeconds,6:F1} s] {message}");
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(300));
        var ct = budget.Token;
        await using var devnet = await DevnetCluster.InitAsync(Validators, accounts: 1);
        TransferLoad? load = null;
        try
        {
            foreach (var n in All) devnet.StartNode(n);
            await devnet.WaitForHeightAsync(All, 2, ct);
            Log("four validators committing");
            load = TransferLoad.Start(devnet, DevnetKeys.Account(0), All);
            await WaitUntilAsync(() => load.CommittedCount >= 5, ct);
            Log($"load running: {load.CommittedCount} transfers committed");

            // (a) One validator SIGKILLed: the other three hold 3/4 > 2/3 of the power and keep committing.
            var firstKilledHeight = await devnet.BlockNumberAsync(FirstKilled);
            load.LiveNodes = ThreeUp;
            load.Phase = "one down";
            await devnet.KillNodeAsync(FirstKilled);
            var atFirstKill = await HeightsAsync(devnet, ThreeUp);
            var committedAtFirstKill = load.CommittedCount;
            Log($"killed node{FirstKilled} at its height {firstKilledHeight}; the others at {string.Join(", ", atFirstKill)}");
            await devnet.WaitForHeightAsync(ThreeUp, atFirstKill.Max() + 8, ct);
            await WaitUntilAsync(() => load.CommittedCount >= committedAtFirstKill + 5, ct);
            Log($"three validators went on to {string.Join(", ", await HeightsAsync(devnet, ThreeUp))}; {load.CommittedCount} transfers committed");

            // (b) A second one down: 2/4 is not more than 2/3, so nothing can commit, and nothing must fork.
            load.LiveNodes = TwoUp;
            load.Phase = "two down";
            await devnet.KillNodeAsync(SecondKilled);
            Log($"killed node{SecondKilled}");
            var halted = await WaitUntilStableAsync(devnet, TwoUp, stableFor: BlockInterval * 4, ct);
            var committedAtHalt = load.CommittedCount;
            var noncesAtHalt = await NoncesAsync(devnet, load, TwoUp);
            Log($"halted at {string.Join(", ", halted)}; watching for {(BlockInterval * 10).TotalSeconds} s");
            var watchUntil = DateTime.UtcNow + BlockInterval * 10;
            while (DateTime.UtcNow < watchUntil)
            {
                var now = await HeightsAsync(devnet, TwoUp);
                Assert.True(now.SequenceEqual(halted), $"a height was committed with two of four validators down: {string.Join(", ", halted)} -> {string.Join(", ", now)}");
                await Task.Delay(250, ct);
            }
            Assert.Equal(noncesAtHalt, await NoncesAsync(devnet, load, TwoUp));
            await devnet.AssertSameHashesAsync(TwoUp.Select(n => devnet.Manifest.Nodes[n].JsonRpc).ToArray(), halted.Min(), ct);
            Log($"no new height and the same hashes on both survivors; {load.SentCount - load.CommittedCount} transfers waiting");

            // (c) Both restart: the chain resumes; node3, many blocks behind, catches up by block sync and rejoins consensus.
            load.Phase = "restarted";
            devnet.StartNode(SecondKilled);
            devnet.StartNode(FirstKilled);
            var resumed = await devnet.WaitForHeightAsync(All, halted.Max() + 5, ct);
            load.LiveNodes = All;
            Log($"resumed: heights {string.Join(", ", resumed)}");
            // It has rejoined consensus when it commits, by its own decision, a block above the range it synced.
            var restarted = devnet.Node(FirstKilled);
            Match sync = Match.Empty;
            ulong syncedTo = 0;
            await WaitUntilAsync(() =>
            {
                var log = restarted.Log();
                sync = SyncStart().Match(log);
                syncedTo = sync.Success ? ulong.Parse(sync.Groups["target"].Value, CultureInfo.InvariantCulture) : ulong.MaxValue;
                return CommittedByConsensus().Matches(log).Any(m => ulong.Parse(m.Groups["height"].Value, CultureInfo.InvariantCulture) > syncedTo);
            }, ct);
            var syncedFrom = ulong.Parse(sync.Groups["head"].Value, CultureInfo.InvariantCulture);
            Assert.True(syncedFrom >= firstKilledHeight && syncedTo >= atFirstKill.Max() + 8,
                $"node{FirstKilled} (killed at {firstKilledHeight}) synced from {syncedFrom} to {syncedTo}: blocks it never had");
            Assert.Contains("Block sync: at height", restarted.Log(), StringComparison.Ordinal);
            Log($"node{FirstKilled} block synced {syncedFrom} -> {syncedTo}, then committed blocks by consensus again");
            await WaitUntilAsync(() => load.CommittedCount >= committedAtHalt + 5, ct);

            // (d) Nothing committed is lost: drain the load, then compare every block and every receipt on every node.
            await load.DrainAsync(ct);
            await load.DisposeAsync();
            Log($"load drained: {load.SentCount} transfers sent, {load.CommittedCount} committed");
            var final = await devnet.WaitForHeightAsync(All, (await HeightsAsync(devnet, All)).Max(), ct);
            var urls = All.Select(n => devnet.Manifest.Nodes[n].JsonRpc).ToArray();
            await devnet.AssertSameHashesAsync(urls, final.Min(), ct);
            Log($"all four nodes agree on every block 1..{final.Min()}");
            await AssertNoTransactionLostAsync(devnet, load, ct);
            Assert.Empty(load.UnexpectedRejections);
            Log("receipts first seen per phase: " + string.Join(", ", load.Receipts.Values.GroupBy(r => r.Phase).Select(g => $"{g.Key} {g.Count()}")));
        }
        catch (Exception e) when (e is OperationCanceledException or Xunit.Sdk.XunitException or TimeoutException)
        {
            output.WriteLine(devnet.Diagnostics());
            throw;
        }
        finally
        {
            if (load is not null) await load.DisposeAsync();
        }
    }

    /// <summary>Gap-free nonces 0..N-1, each with a successful receipt in the same block on every node as first seen.</summary>
    private static async Task AssertNoTransactionLostAsync(DevnetCluster devnet, TransferLoad load, CancellationToken ct)
    {
        var sent = load.Sent;
        var seen = load.Receipts;
        Assert.Equal(sent.Count, seen.Count);
        foreach (var n in All)
        {
            var nonce = DevnetCluster.ParseQuantity((await devnet.CallAsync(n, "eth_getTransactionCount", load.Sender.ToString(), "latest")).GetString()!);
            Assert.Equal((ulong)sent.Count, nonce);
        }
        foreach (var tx in sent)
        {
            ct.ThrowIfCancellationRequested();
            var first = seen[tx.Nonce];
            Assert.Equal("0x1", first.Status);
            foreach (var n in All)
            {
                var receipt = await devnet.CallAsync(n, "eth_getTransactionReceipt", tx.Hash.ToString());
                Assert.True(receipt.ValueKind == System.Text.Json.JsonValueKind.Object, $"node{n} has no receipt for {first}");
                var where = (receipt.GetProperty("blockHash").GetString(), DevnetCluster.ParseQuantity(receipt.GetProperty("blockNumber").GetString()!), receipt.GetProperty("status").GetString());
                Assert.True(where == (first.BlockHash, first.BlockNumber, first.Status), $"node{n} has {where} for {first}");
            }
        }
    }

    private static async Task<ulong[]> NoncesAsync(DevnetCluster devnet, TransferLoad load, IReadOnlyList<int> nodes)
    {
        var nonces = new ulong[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
            nonces[i] = DevnetCluster.ParseQuantity((await devnet.CallAsync(nodes[i], "eth_getTransactionCount", load.Sender.ToString(), "latest")).GetString()!);
        return nonces;
    }

    private static async Task<ulong[]> HeightsAsync(DevnetCluster devnet, IReadOnlyList<int> nodes)
    {
        var heights = new ulong[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            for (var attempt = 0; ; attempt++)
            {
                if (await devnet.TryBlockNumberAsync(nodes[i]) is { } height)
                {
                    heights[i] = height;
                    break;
                }
                if (attempt == 10) throw new TimeoutException($"node{nodes[i]} does not answer eth_blockNumber");
                await Task.Delay(300);
            }
        }
        return heights;
    }

    /// <summary>Waits until the nodes' heights have not changed for <paramref name="stableFor"/>; returns them.</summary>
    private static async Task<ulong[]> WaitUntilStableAsync(DevnetCluster devnet, IReadOnlyList<int> nodes, TimeSpan stableFor, CancellationToken ct)
    {
        var last = await HeightsAsync(devnet, nodes);
        var since = DateTime.UtcNow;
        while (DateTime.UtcNow - since < stableFor)
        {
            await Task.Delay(250, ct);
            var now = await HeightsAsync(devnet, nodes);
            if (!now.SequenceEqual(last))
            {
                last = now;
                since = DateTime.UtcNow;
            }
        }
        return last;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        while (!condition()) await Task.Delay(200, ct);
    }

    [GeneratedRegex(@"Block sync: \S+ is at height (?<target>\d+), we are at (?<head>\d+)")]
    private static partial Regex SyncStart();

    [GeneratedRegex(@"Committed block (?<height>\d+) ")]
    private static partial Regex CommittedByConsensus();
}
