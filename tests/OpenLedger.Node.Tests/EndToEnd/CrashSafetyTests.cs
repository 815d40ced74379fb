using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using OpenLedger.Core.Types;
using OpenLedger.Node.Devnet;
using OpenLedger.Node.Tests.EndToEnd.Support;
using Xunit;
using Xunit.Abstractions;

namespace OpenLedger.Node.Tests.EndToEnd;

/// <summary>
/// SIGKILL the node in the middle of a stream of transfers, restart it on the same home, and show that every
/// receipt a client was given before the kill is still there, in the same block, whose state root has not
/// changed, and that the chain goes on. Uses its own devnet (the shared one must not be killed).
/// </summary>
public class CrashSafetyTests(ITestOutputHelper output)
{
    private const int Senders = 4;
    private const int TransfersPerSender = 50;

    private sealed record SeenReceipt(string TxHash, ulong BlockNumber, string BlockHash, string StateRoot);

    [Fact]
    public async Task SigkillMidLoad_LosesNoReturnedReceipt_AndTheChainContinuesAfterRestart()
    {
        var home = Path.Combine(Path.GetTempPath(), "ol-e2e-crash-" + Guid.NewGuid().ToString("N")[..12]);
        Process? restarted = null;
        try
        {
            var devnet = await DevnetProcess.StartAsync(Senders, home);
            var nodeHome = devnet.NodeHome;
            var jsonRpcUrl = devnet.JsonRpcUrl;
            var nodePid = devnet.NodeProcessId();
            Assert.Equal(devnet.Node0.ProcessId, nodePid);
            var seen = new ConcurrentDictionary<string, SeenReceipt>();
            int submitted;
            ulong headAtKill;
            bool midLoad;
            await using (devnet)
            {
                using var rpc = new JsonRpcClient(jsonRpcUrl);
                (submitted, headAtKill, midLoad) = await LoadThenKillAsync(rpc, devnet, nodePid, seen);
                Assert.False(DevnetProcess.IsAlive(nodePid), "the node survived SIGKILL");
                DevnetProcess.Kill9(devnet.DevnetProcessId);
                await devnet.WaitForExitAsync(TimeSpan.FromSeconds(10));
            }
            output.WriteLine($"submitted {submitted}, receipts seen before the kill {seen.Count}, head at kill {headAtKill}, senders still running at the kill: {midLoad}");
            Assert.True(seen.Count >= 50, $"only {seen.Count} receipts before the kill");

            // Restart the node directly on the same home, as an operator would after a crash.
            restarted = StartNode(nodeHome);
            using var after = new JsonRpcClient(jsonRpcUrl);
            await WaitForRpcAsync(after, restarted, nodeHome);

            foreach (var receipt in seen.Values)
            {
                var again = await after.CallAsync("eth_getTransactionReceipt", receipt.TxHash);
                Assert.True(again.ValueKind == JsonValueKind.Object, $"receipt of {receipt.TxHash} (block {receipt.BlockNumber}) is gone after the restart");
                Assert.Equal("0x1", again.GetProperty("status").GetString());
                Assert.Equal(receipt.BlockHash, again.GetProperty("blockHash").GetString());
                Assert.Equal(receipt.BlockNumber, (ulong)JsonRpcClient.Quantity(again.GetProperty("blockNumber")));
                var block = await after.BlockAsync(receipt.BlockNumber);
                Assert.Equal(receipt.BlockHash, block.GetProperty("hash").GetString());
                Assert.Equal(receipt.StateRoot, block.GetProperty("stateRoot").GetString());
            }

            // The chain continues past the kill, and a new transfer (nonce from the restored state) is mined.
            var head = await after.BlockNumberAsync();
            Assert.True(head + 1 >= headAtKill, $"restarted at {head}, below the last block seen before the kill ({headAtKill})");
            await after.WaitForBlockAsync(Math.Max(head, headAtKill) + 2, TimeSpan.FromSeconds(30));
            var key = DevAccounts.Key(0);
            var nonce = await after.NonceAsync(key.Address.ToString(), "pending");
            var hash = await after.SendRawAsync(TestTransactions.Raw(TestTransactions.Transfer(nonce, DevAccounts.Recipients[0], 5), key));
            var fresh = await after.WaitReceiptAsync(hash, TimeSpan.FromSeconds(30));
            Assert.True(fresh is not null, "no receipt for a transfer after the restart\n" + NodeLogTail(nodeHome));
            Assert.Equal("0x1", fresh.Value.GetProperty("status").GetString());

            // SIGTERM stops the restarted node cleanly (exit code 0, within the grace period).
            Assert.True(await StopAsync(restarted), "the restarted node did not stop within 15 s of SIGTERM\n" + NodeLogTail(nodeHome));
            Assert.True(restarted.ExitCode == 0, $"exit code {restarted.ExitCode}\n{NodeLogTail(nodeHome)}");
        }
        finally
        {
            if (restarted is not null)
            {
                await StopAsync(restarted);
                restarted.Dispose();
            }
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// Four senders stream transfers; a poller records every receipt the node returns together with its block's
    /// hash and state root. Once a good part of the stream is mined (and transfers are still arriving), the
    /// node is SIGKILLed.
    /// </summary>
    private static async Task<(int Submitted, ulong Head, bool MidLoad)> LoadThenKillAsync(
        JsonRpcClient rpc, DevnetProcess devnet, int nodePid, ConcurrentDictionary<string, SeenReceipt> seen)
    {
        var hashes = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var submitted = 0;
        var senders = Enumerable.Range(0, Senders).Select(s => Task.Run(async () =>
        {
            var key = DevAccounts.Key(s);
            for (var i = 0; i < TransfersPerSender && !stop.IsCancellationRequested; i++)
            {
                var raw = TestTransactions.Raw(TestTransactions.Transfer((ulong)i, DevAccounts.Recipients[s], (UInt128)(1000 + i)), key);
                try
                {
                    hashes.Enqueue(await rpc.SendRawAsync(raw));
                    Interlocked.Increment(ref submitted);
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    return; // the node is gone
                }
                await Task.Delay(40);
            }
        })).ToArray();

        var blockRoots = new Dictionary<ulong, (string Hash, string StateRoot)>();
        var pending = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        ulong head = 0;
        // Kill once a fair number of receipts were returned, while the senders are (normally) still sending.
        while (seen.Count < 100 && !(senders.All(t => t.IsCompleted) && hashes.IsEmpty && pending.Count == 0))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"only {seen.Count} receipts within 60 s\n{devnet.Diagnostics()}");
            while (hashes.TryDequeue(out var h)) pending.Add(h);
            foreach (var hash in pending.ToList())
            {
                var receipt = await rpc.CallAsync("eth_getTransactionReceipt", hash);
                if (receipt.ValueKind != JsonValueKind.Object) continue;
                var number = (ulong)JsonRpcClient.Quantity(receipt.GetProperty("blockNumber"));
                if (!blockRoots.TryGetValue(number, out var block))
                {
                    var header = await rpc.BlockAsync(number);
                    block = (header.GetProperty("hash").GetString()!, header.GetProperty("stateRoot").GetString()!);
                    blockRoots[number] = block;
                }
                Assert.Equal(block.Hash, receipt.GetProperty("blockHash").GetString());
                seen[hash] = new SeenReceipt(hash, number, block.Hash, block.StateRoot);
                head = Math.Max(head, number);
                pending.Remove(hash);
            }
            await Task.Delay(50);
        }
        var midLoad = senders.Any(t => !t.IsCompleted);
        DevnetProcess.Kill9(nodePid);
        await stop.CancelAsync();
        await Task.WhenAll(senders);
        return (submitted, head, midLoad);
    }

    private static Process StartNode(string nodeHome)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { OpenLedger.Node.Tests.Support.ProcessRunner.OpenLedgerDll, "node", "--home", nodeHome }) info.ArgumentList.Add(arg);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        NodeProcessLauncher.AppendOutputTo(process, Path.Combine(nodeHome, "node-restarted.log"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForRpcAsync(JsonRpcClient rpc, Process node, string nodeHome)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (node.HasExited) throw new InvalidOperationException($"the restarted node exited with {node.ExitCode}\n{NodeLogTail(nodeHome)}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the restarted node did not serve JSON-RPC within 60 s\n{NodeLogTail(nodeHome)}");
            try
            {
                await rpc.BlockNumberAsync();
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(200);
            }
        }
    }

    private static string NodeLogTail(string nodeHome)
    {
        var path = Path.Combine(nodeHome, "node-restarted.log");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var lines = new StreamReader(stream).ReadToEnd().Split('\n');
            return $"--- tail of {path} ---\n" + string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 40)));
        }
        catch (IOException e)
        {
            return $"(no log at {path}: {e.Message})";
        }
    }

    /// <summary>SIGTERM, then SIGKILL after 15 s; true when the node exited by itself.</summary>
    private static async Task<bool> StopAsync(Process node)
    {
        if (node.HasExited) return true;
        DevnetProcess.SendSignal(node.Id, 15);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await node.WaitForExitAsync(grace.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync(CancellationToken.None);
            return false;
        }
    }
}
