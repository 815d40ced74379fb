using System.Globalization;
using OpenLedger.Core.Crypto;
using OpenLedger.Node.Cli;
using OpenLedger.Node.Devnet;

namespace OpenLedger.Node.Bench;

/// <summary>
/// A long steady load on a running devnet (docs/performance.md): transfers at a fixed rate (by default half of what a
/// short burst showed the devnet commits per second) for a given time, with every node's VmRSS sampled at a fixed
/// interval, and a least-squares slope that tells whether memory grows under sustained load.
/// </summary>
public sealed class SoakBench(DevnetManifest manifest, TextWriter progress)
{
    public const int ProbeTransfers = 6_000;

    public async Task<SoakReport> RunAsync(TimeSpan duration, double? rate, TimeSpan sampleEvery, int senders, CancellationToken ct)
    {
        var pids = manifest.Nodes.Select(n => n.ProcessId ?? throw new InvalidOperationException(
            $"{n.Name} has no process id in devnet.json: start the devnet with `openledger devnet` so RSS can be sampled")).ToArray();
        using var client = new WalletClient(manifest.Nodes[0].Grpc);
        var funder = PrivateKey.FromHex(manifest.Accounts[0].PrivateKey);
        var load = new SteadyTransferLoad(client, funder, senders, progress);
        await using var _ = load;
        var probeShare = rate is null ? ProbeTransfers / senders + 1 : 0;
        var soakShare = (long)Math.Ceiling((rate ?? 20_000) * duration.TotalSeconds / senders) + 1;
        await load.StartAsync(probeShare + soakShare, ct);

        double? probe = null;
        if (rate is null)
        {
            progress.WriteLine($"soak: capacity probe, a burst of {ProbeTransfers} transfers");
            var started = DateTime.UtcNow;
            await load.SubmitAsync(ProbeTransfers, ct);
            if (!await load.DrainAsync(TimeSpan.FromMinutes(3), ct))
                throw new TimeoutException($"the capacity probe's transfers were not all committed in 3 minutes ({load.Outstanding} left; first rejection: {load.FirstRejection})");
            probe = Math.Round(ProbeTransfers / (DateTime.UtcNow - started).TotalSeconds, 1);
            rate = Math.Round(probe.Value / 2, 0);
            progress.WriteLine($"soak: the burst committed {probe} tx/s; soaking at half: {rate} tx/s");
        }

        var samples = pids.Select(_ => new List<(double Seconds, double MiB)>()).ToArray();
        void Sample(double seconds)
        {
            for (var i = 0; i < pids.Length; i++) samples[i].Add((seconds, Rss.CurrentMiB(pids[i])));
        }
        var submittedBefore = load.Submitted;
        var rejectedBefore = load.Rejected;
        var committedBefore = load.Committed;
        var blocksBefore = load.Blocks;
        Sample(0);
        var nextSample = sampleEvery;
        await load.RunAsync(rate.Value, duration, elapsed =>
        {
            if (elapsed >= nextSample)
            {
                Sample(Math.Round(elapsed.TotalSeconds, 1));
                nextSample += sampleEvery;
                progress.WriteLine($"soak: {elapsed.TotalSeconds:F0} s, {load.Committed - committedBefore:N0} committed, {load.Rejected - rejectedBefore} rejected, " +
                                   $"RSS {string.Join(" / ", samples.Select(s => s[^1].MiB.ToString("F0", CultureInfo.InvariantCulture)))} MiB");
            }
            return Task.CompletedTask;
        }, ct);
        Sample(Math.Round(duration.TotalSeconds, 1));
        await load.DrainAsync(TimeSpan.FromSeconds(30), ct);
        var (p50, p99) = load.Latency();
        var committed = load.Committed - committedBefore;
        return new SoakReport
        {
            DurationSeconds = duration.TotalSeconds,
            ProbeCommittedTxPerSec = probe,
            TargetTxPerSec = rate.Value,
            Submitted = load.Submitted - submittedBefore,
            Rejected = load.Rejected - rejectedBefore,
            FirstRejection = load.FirstRejection,
            Committed = committed,
            CommittedTxPerSec = Math.Round(committed / duration.TotalSeconds, 1),
            Blocks = load.Blocks - blocksBefore,
            P50LatencyMs = p50,
            P99LatencyMs = p99,
            SampleEverySeconds = sampleEvery.TotalSeconds,
            Nodes = manifest.Nodes.Select((n, i) => Summarize(n.Name, pids[i], samples[i])).ToList(),
        };
    }

    private static SoakReport.NodeRss Summarize(string name, int pid, List<(double Seconds, double MiB)> samples) => new()
    {
        Name = name,
        Pid = pid,
        Samples = samples.Select(s => new[] { s.Seconds, s.MiB }).ToList(),
        SlopeMiBPerMin = Math.Round(RssTrend.SlopeMiBPerMinute(samples), 3),
        SecondHalfSlopeMiBPerMin = Math.Round(RssTrend.SlopeMiBPerMinute(samples.Skip(samples.Count / 2).ToList()), 3),
        FirstMiB = samples[0].MiB,
        LastMiB = samples[^1].MiB,
        MaxMiB = samples.Max(s => s.MiB),
        PeakRssMiB = Rss.PeakMiB(pid),
    };
}
