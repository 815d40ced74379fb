using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;
using Transaction = OpenLedger.Core.Transactions.Transaction;

namespace OpenLedger.Node.Bench;

/// <summary>N plain OPEN transfers (21,000 gas) from M fresh senders to one sink address, round-robin over the senders.</summary>
public static class TransferWorkload
{
    public static async Task<BenchWorkload> PrepareAsync(BenchChain chain, PrivateKey funder, int transactions, int senders, TextWriter progress, CancellationToken ct)
    {
        var keys = Enumerable.Range(0, senders).Select(_ => PrivateKey.Generate()).ToArray();
        var perSender = (transactions + senders - 1) / senders;
        // Back-to-back full blocks raise the base fee 12.5% each; leave room for a long burst.
        var maxFee = 20 * chain.BaseFee + BenchChain.Tip;
        var cost = (UInt128)21_000 * maxFee + 1;
        await BenchFunding.FundAsync(chain, funder, keys, _ => cost * (UInt128)perSender + Wei.PerOpen / 100, progress, ct);

        progress.WriteLine($"bench: pre-signing {transactions} transfers from {senders} senders");
        var sink = new Address(Keccak256.HashToArray("openledger-bench-sink"u8)[12..]);
        var signed = new List<Transaction>(transactions);
        for (var n = 0; n < perSender && signed.Count < transactions; n++)
            foreach (var key in keys)
            {
                if (signed.Count == transactions) break;
                signed.Add(chain.Sign(key, (ulong)n, sink, 1, [], 21_000, maxFee));
            }
        return new BenchWorkload(BenchMix.Transfers, signed, new Dictionary<string, int> { ["transfer"] = signed.Count });
    }
}
