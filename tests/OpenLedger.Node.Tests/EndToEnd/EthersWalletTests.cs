using System.Numerics;
using System.Text.Json;
using OpenLedger.Node.Tests.EndToEnd.Support;
using Xunit;

namespace OpenLedger.Node.Tests.EndToEnd;

/// <summary>ethers.js v6 as a wallet against the real node's JSON-RPC (tests/interop/e2e/ethers-wallet.mjs).</summary>
[Collection(DevnetCollection.Name)]
public class EthersWalletTests(DevnetFixture fixture)
{
    private static readonly BigInteger GasLimit = 60_000_000;

    [Fact]
    public async Task Transfers_Eip1559_Legacy_And_Eip2930_AreMined_WithExactBalances_AndStandardShapes()
    {
        var key = DevAccounts.Key(DevAccounts.Ethers);
        var to = DevAccounts.Recipients[0].ToChecksumString();
        var output = await InteropScript.RunAsync("ethers-wallet.mjs", new Dictionary<string, string?>
        {
            ["OL_RPC"] = fixture.Devnet.JsonRpcUrl,
            ["OL_KEY"] = key.ToHex(),
            ["OL_TO"] = to,
            ["OL_CHAIN_ID"] = "161200",
        });
        var context = output.ToString();

        Assert.Equal(key.Address.ToChecksumString(), output.GetProperty("address").GetString());
        Assert.Equal("161200", output.GetProperty("chainId").GetString());
        var fee = output.GetProperty("feeData");
        var minBaseFee = new BigInteger(1_000_000_000);
        Assert.True(Big(fee, "gasPrice") >= minBaseFee, context);
        Assert.True(Big(fee, "maxPriorityFeePerGas") > 0, context);
        Assert.True(Big(fee, "maxFeePerGas") >= Big(output, "latestBaseFee") + Big(fee, "maxPriorityFeePerGas"), context);

        var transfers = output.GetProperty("transfers").EnumerateArray().ToArray();
        Assert.Equal(new[] { 2, 0, 1 }, transfers.Select(t => t.GetProperty("type").GetInt32()));
        var expectedNonce = transfers[0].GetProperty("nonceBefore").GetInt64();
        foreach (var t in transfers)
        {
            var label = t.GetProperty("label").GetString();
            var what = $"{label}: {t}";
            Assert.Equal(1, t.GetProperty("status").GetInt32());
            Assert.Equal(expectedNonce, t.GetProperty("nonceBefore").GetInt64());
            Assert.Equal(expectedNonce + 1, t.GetProperty("pendingNonceAfterSend").GetInt64());
            Assert.Equal(expectedNonce + 1, t.GetProperty("nonceAfter").GetInt64());
            expectedNonce++;

            // Exact money: the sender pays value + gasUsed * effectiveGasPrice, the recipient gets value.
            var value = Big(t, "value");
            var gasUsed = Big(t, "gasUsed");
            var price = Big(t, "effectiveGasPrice");
            Assert.Equal(gasUsed * price, Big(t, "fee"));
            Assert.Equal(Big(t, "senderBefore") - value - gasUsed * price, Big(t, "senderAfter"));
            Assert.Equal(Big(t, "recipientBefore") + value, Big(t, "recipientAfter"));
            var block = t.GetProperty("block");
            var baseFee = Big(block, "baseFeePerGas");
            Assert.True(baseFee >= minBaseFee, what);
            Assert.True(price >= baseFee, what);
            var expectedGas = label == "eip2930" ? 21_000 + 2_400 + 1_900 : 21_000;
            Assert.Equal((BigInteger)expectedGas, gasUsed);

            // provider.getBlock(n)
            Assert.Equal(t.GetProperty("blockNumber").GetInt64(), block.GetProperty("number").GetInt64());
            Assert.Equal(t.GetProperty("blockHash").GetString(), block.GetProperty("hash").GetString());
            Assert.Equal(GasLimit, Big(block, "gasLimit"));
            Assert.True(Big(block, "gasUsed") >= gasUsed, what);
            Assert.Contains(t.GetProperty("hash").GetString(), block.GetProperty("transactions").EnumerateArray().Select(h => h.GetString()));
            Assert.Matches("^0x[0-9a-fA-F]{40}$", block.GetProperty("miner").GetString());
            Assert.Matches("^0x[0-9a-f]{64}$", block.GetProperty("parentHash").GetString());
            var parent = await fixture.Rpc.BlockAsync((ulong)block.GetProperty("number").GetInt64() - 1);
            Assert.Equal(parent.GetProperty("hash").GetString(), block.GetProperty("parentHash").GetString());
            Assert.True(block.GetProperty("timestamp").GetInt64() >= JsonRpcClient.Quantity(parent.GetProperty("timestamp")), what);

            // getTransaction / getTransactionReceipt
            var tx = t.GetProperty("tx");
            Assert.Equal(key.Address.ToChecksumString(), tx.GetProperty("from").GetString());
            Assert.Equal(to, tx.GetProperty("to").GetString());
            Assert.Equal(value, Big(tx, "value"));
            Assert.Equal("161200", tx.GetProperty("chainId").GetString());
            Assert.Equal(t.GetProperty("type").GetInt32(), tx.GetProperty("type").GetInt32());
            Assert.Equal(t.GetProperty("blockHash").GetString(), tx.GetProperty("blockHash").GetString());
            var receipt = t.GetProperty("receipt");
            Assert.Equal(key.Address.ToChecksumString(), receipt.GetProperty("from").GetString());
            Assert.Equal(to, receipt.GetProperty("to").GetString());
            Assert.Equal(t.GetProperty("type").GetInt32(), receipt.GetProperty("type").GetInt32());
            Assert.Equal(0, receipt.GetProperty("logs").GetInt32());
            Assert.True(Big(receipt, "cumulativeGasUsed") >= gasUsed, what);
        }
        Assert.Equal(1, transfers[2].GetProperty("tx").GetProperty("accessList").GetArrayLength());
        Assert.Equal(new BigInteger(1_250_000_000_000_000_000), Big(transfers[0], "value"));
        Assert.Equal(expectedNonce, output.GetProperty("latestNonceAtEnd").GetInt64());
        Assert.Equal(expectedNonce, output.GetProperty("pendingNonceAtEnd").GetInt64());

        // eth_feeHistory(4 blocks, latest, [25, 75])
        var history = output.GetProperty("feeHistory");
        var baseFees = history.GetProperty("baseFeePerGas").EnumerateArray().Select(JsonRpcClient.Quantity).ToArray();
        Assert.Equal(5, baseFees.Length); // the 4 blocks and the next one
        Assert.All(baseFees, b => Assert.True(b >= minBaseFee, context));
        var ratios = history.GetProperty("gasUsedRatio").EnumerateArray().Select(r => r.GetDouble()).ToArray();
        Assert.Equal(4, ratios.Length);
        Assert.All(ratios, r => Assert.InRange(r, 0.0, 1.0));
        var rewards = history.GetProperty("reward").EnumerateArray().ToArray();
        Assert.Equal(4, rewards.Length);
        Assert.All(rewards, r => Assert.Equal(2, r.GetArrayLength()));
        Assert.All(rewards, r => Assert.True(JsonRpcClient.Quantity(r[0]) <= JsonRpcClient.Quantity(r[1]), context));
        var oldest = JsonRpcClient.Quantity(history.GetProperty("oldestBlock"));
        Assert.True(oldest >= transfers[2].GetProperty("blockNumber").GetInt64() - 3, context);
    }

    private static BigInteger Big(JsonElement parent, string name) => BigInteger.Parse(parent.GetProperty(name).GetString()!);
}
