using OpenLedger.Rpc.Tests.Support;
using Xunit;

namespace OpenLedger.Rpc.Tests;

/// <summary>Tests that change the fake chain (sync state, new blocks), on their own servers.</summary>
public sealed class JsonRpcChangingChainTests(RpcServerFixture server) : IClassFixture<RpcServerFixture>
{
    [Fact]
    public async Task Syncing_node_reports_progress_and_refuses_transactions()
    {
        server.Backend.Syncing = true;
        var head = server.Backend.HeadBlockNumber;
        var progress = (await server.ResultAsync("eth_syncing"))!;
        Assert.Equal("0x1", (string?)progress["startingBlock"]);
        Assert.Equal(Core.Encoding.Hex.EncodeQuantity(head), (string?)progress["currentBlock"]);
        Assert.Equal(Core.Encoding.Hex.EncodeQuantity(head + 100), (string?)progress["highestBlock"]);
        var (code, message, _) = await server.ErrorAsync("eth_sendRawTransaction", "0x02c0");
        Assert.Equal(-32000, code);
        Assert.Equal("node is syncing: wait until the node has caught up", message);
        server.Backend.Syncing = false;
    }

    [Fact]
    public async Task Log_queries_over_too_many_blocks_are_limit_exceeded()
    {
        // The fixture allows 100 blocks per query; widen the chain first.
        for (var i = 0; i < 100; i++) server.Backend.Mine();
        var (code, message, _) = await server.ErrorAsync("eth_getLogs", new { fromBlock = "0x0", toBlock = "latest" });
        Assert.Equal(-32005, code);
        Assert.Equal("query exceeds max block range 100: ask for blocks 0..102 in smaller ranges", message);
        Assert.Single((await server.ResultAsync("eth_getLogs", new { fromBlock = "0x0", toBlock = "0x63" }))!.AsArray());
    }
}
