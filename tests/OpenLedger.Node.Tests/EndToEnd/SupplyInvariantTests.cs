using System.Numerics;
using OpenLedger.Node.Tests.EndToEnd.Support;
using Xunit;

namespace OpenLedger.Node.Tests.EndToEnd;

/// <summary>
/// SPEC §2 at process level: after every block, the balances of every address that can hold OPEN in these
/// tests (dev accounts, the operator, the recipients, burn/reserve/treasury and the modules) sum to exactly
/// 1,000,000,000 OPEN, while transfers burn base fees and pay tips.
/// </summary>
[Collection(DevnetCollection.Name)]
public class SupplyInvariantTests(DevnetFixture fixture)
{
    private static readonly BigInteger Supply = BigInteger.Parse("1000000000000000000000000000"); // 1e9 OPEN in wei

    [Fact]
    public async Task SumOfAllBalances_IsTheGenesisSupply_AfterEveryBlock()
    {
        var rpc = fixture.Rpc;
        var key = DevAccounts.Key(DevAccounts.Supply);
        // Some traffic of our own so the checked range surely has fee-paying blocks: a burst in one block and a few more.
        var nonce = await rpc.NonceAsync(key.Address.ToString(), "pending");
        var hashes = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var to = DevAccounts.Recipients[4 + i % 2];
            hashes.Add(await rpc.SendRawAsync(TestTransactions.Raw(TestTransactions.Transfer(nonce + (ulong)i, to, (UInt128)(1_000_000_007UL * (ulong)(i + 1))), key)));
            if (i % 4 == 3) await Task.Delay(600);
        }
        foreach (var hash in hashes) Assert.NotNull(await rpc.WaitReceiptAsync(hash, TimeSpan.FromSeconds(30)));

        var manifest = fixture.Devnet.Manifest;
        var addresses = manifest.Accounts.Select(a => a.Address)
            .Concat(manifest.Nodes.Select(n => n.OperatorAddress))
            .Concat(DevAccounts.Recipients.Select(a => a.ToChecksumString()))
            .Concat(DevAccounts.SystemAccounts.Select(a => a.ToChecksumString()))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        Assert.Equal(DevnetFixture.AccountCount + 1 + DevAccounts.Recipients.Length + DevAccounts.SystemAccounts.Length, addresses.Count);

        var head = await rpc.BlockNumberAsync();
        var burn = DevAccounts.SystemAccounts[0].ToChecksumString();
        var burnedBefore = BigInteger.Zero;
        var blocksWithTransactions = 0;
        for (ulong number = 0; number <= head; number++)
        {
            var block = JsonRpcClient.Hex(number);
            var balances = await rpc.BatchAsync(addresses.Select(a => ("eth_getBalance", new object?[] { a, block })).ToList());
            var total = balances.Aggregate(BigInteger.Zero, (sum, b) => sum + JsonRpcClient.Quantity(b));
            Assert.True(total == Supply, $"block {number}: balances sum to {total} wei, expected {Supply} ({Supply - total} missing)");

            // Fees are burned, never minted: the burn account only grows, and only in blocks that used gas.
            var header = await rpc.BlockAsync(number);
            var burned = JsonRpcClient.Quantity(balances[addresses.IndexOf(burn)]);
            var gasUsed = JsonRpcClient.Quantity(header.GetProperty("gasUsed"));
            if (number > 0)
            {
                var baseFee = JsonRpcClient.Quantity(header.GetProperty("baseFeePerGas"));
                Assert.Equal(burnedBefore + gasUsed * baseFee, burned);
            }
            if (gasUsed > 0) blocksWithTransactions++;
            burnedBefore = burned;
        }
        Assert.True(blocksWithTransactions >= 2, $"only {blocksWithTransactions} blocks with transactions in 0..{head}");
        Assert.True(burnedBefore > 0);
    }
}
