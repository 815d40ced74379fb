using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;

namespace OpenLedger.Node.Bench;

/// <summary>Funds the run's fresh sender accounts from the funding account and waits until every transfer is in a block.</summary>
public static class BenchFunding
{
    public static async Task FundAsync(BenchChain chain, PrivateKey funder, IReadOnlyList<PrivateKey> keys, Func<int, UInt128> amountFor, TextWriter progress, CancellationToken ct)
    {
        var total = Enumerable.Range(0, keys.Count).Aggregate(UInt128.Zero, (sum, i) => sum + amountFor(i));
        progress.WriteLine($"bench: funding {keys.Count} senders with {Wei.FormatOpen(total)} OPEN in all");
        var nonce = await chain.PendingNonceAsync(funder.Address, ct);
        var maxFee = 20 * chain.BaseFee + BenchChain.Tip;
        var transfers = keys.Select((key, i) => chain.Sign(funder, nonce + (ulong)i, key.Address, amountFor(i), [], 21_000, maxFee)).ToList();
        await chain.ExecuteAsync(transfers, "funding the senders", ct);
    }
}
