using System.Text.Json;
using System.Text.Json.Nodes;
using OpenLedger.Core.Encoding;
using OpenLedger.Rpc.Tests.Support;
using Xunit;

namespace OpenLedger.Rpc.Tests;

/// <summary>Third-party clients against the real servers: ethers.js v6 over JSON-RPC and @grpc/grpc-js over gRPC.</summary>
public sealed class InteropTests(RpcServerFixture server) : IClassFixture<RpcServerFixture>
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(30);
    private FakeNodeBackend Chain => server.Backend;

    [Fact]
    public async Task Ethers_v6_json_rpc_provider_reads_the_chain_and_broadcasts_a_signed_transaction()
    {
        var facts = new JsonObject
        {
            ["alice"] = FakeNodeBackend.Alice.ToString(),
            ["bob"] = FakeNodeBackend.Bob.ToString(),
            ["staking"] = FakeNodeBackend.Staking.ToString(),
            ["transferHash"] = Chain.TransferAliceToBob.Hash.ToString(),
            ["legacyHash"] = Chain.TransferBobToAlice.Hash.ToString(),
            ["delegateHash"] = Chain.Delegate.Hash.ToString(),
            ["failedHash"] = Chain.FailedCall.Hash.ToString(),
            ["delegatedTopic"] = FakeNodeBackend.DelegatedTopic.ToString(),
        };
        var (exitCode, output, errors) = await NodeScript.RunAsync("ethers-jsonrpc.js", ScriptTimeout,
            server.Servers.JsonRpcAddress!.ToString(), facts.ToJsonString());
        Assert.True(exitCode == 0, $"ethers script failed ({exitCode}):\n{errors}\n{output}");
        var result = JsonNode.Parse(output.Trim().Split('\n')[^1])!;

        Assert.Equal("161200", (string?)result["chainId"]);
        Assert.Equal(2, (int)result["blockNumber"]!);
        var block1 = Chain.GetBlock(1)!;
        Assert.Equal(block1.Hash.ToString(), (string?)result["block1"]!["hash"]);
        Assert.Equal(Chain.GetBlock(0)!.Hash.ToString(), (string?)result["block1"]!["parentHash"]);
        Assert.Equal((long)(block1.Header.TimestampMs / 1000), (long)result["block1"]!["timestamp"]!);
        Assert.Equal(FakeNodeBackend.Proposer.ToString(), (string?)result["block1"]!["miner"]);
        Assert.Equal("1000000000", (string?)result["block1"]!["baseFeePerGas"]);
        Assert.Equal("42000", (string?)result["block1"]!["gasUsed"]);
        Assert.Equal(2, result["block1"]!["transactions"]!.AsArray().Count);
        var prefetched = result["block2"]!["prefetched"]!.AsArray();
        Assert.Equal([1, 2], prefetched.Select(t => (int)t!["type"]!));
        Assert.Equal(Chain.Delegate.Hash.ToString(), (string?)prefetched[0]!["hash"]);

        Assert.Equal("100000000000000000000", (string?)result["balance"]);
        Assert.Equal(3, (int)result["nonce"]!);
        Assert.Equal("0xfe", (string?)result["moduleCode"]);

        var tx = result["transaction"]!;
        Assert.Equal(2, (int)tx["type"]!);
        Assert.Equal(FakeNodeBackend.Alice.ToString(), (string?)tx["from"]);
        Assert.Equal(FakeNodeBackend.Bob.ToString(), (string?)tx["to"]);
        Assert.Equal("1000000000000000000", (string?)tx["value"]);
        Assert.Equal("2000000000", (string?)tx["maxFeePerGas"]);
        Assert.Equal("161200", (string?)tx["chainId"]);
        Assert.Equal(1, (int)tx["blockNumber"]!);
        Assert.Equal(1, (int)tx["yParity"]!);
        Assert.Equal(0, (int)result["legacy"]!["type"]!);
        Assert.Equal("161200", (string?)result["legacy"]!["chainId"]);

        var receipt = result["receipt"]!;
        Assert.Equal(1, (int)receipt["status"]!);
        Assert.Equal("45000", (string?)receipt["gasUsed"]);
        Assert.Equal(FakeNodeBackend.DelegatedTopic.ToString(), (string?)receipt["logs"]![0]!["topics"]![0]);
        Assert.Equal(0, (int)result["failedStatus"]!);

        // Next base fee 0.8 gwei + suggested tip 1.5 gwei; ethers' maxFeePerGas = 2 x latest base fee + tip.
        Assert.Equal("2300000000", (string?)result["fees"]!["gasPrice"]);
        Assert.Equal("1500000000", (string?)result["fees"]!["maxPriorityFeePerGas"]);
        Assert.Equal("3250000000", (string?)result["fees"]!["maxFeePerGas"]);
        Assert.Equal("0x1", (string?)result["feeHistory"]!["oldestBlock"]);
        Assert.Equal(3, result["feeHistory"]!["baseFeePerGas"]!.AsArray().Count);

        var log = Assert.Single(result["logs"]!.AsArray());
        Assert.Equal(Chain.Delegate.Hash.ToString(), (string?)log!["transactionHash"]);
        Assert.Equal("CALL_EXCEPTION", (string?)result["revert"]!["code"]);
        Assert.Equal("stake below minimum", (string?)result["revert"]!["reason"]);

        var broadcast = result["broadcast"]!;
        Assert.Equal((string?)broadcast["expected"], (string?)broadcast["hash"]);
        var pending = Chain.GetTransaction(Core.Types.Hash256.Parse((string)broadcast["hash"]!))!;
        Assert.Null(pending.Location);
        Assert.Equal(Hex.Decode((string)broadcast["raw"]!), pending.Transaction.Encoded);
        Assert.Equal(1_500_000_000_000_000_000UL, (ulong)pending.Transaction.Value);
        Assert.Equal((string?)broadcast["from"], pending.Transaction.From.ToString()); // recovered by Core from ethers' signature
        Assert.Contains("already known", (string?)result["duplicate"]!["message"]);
    }

    [Fact]
    public async Task Grpc_js_client_calls_status_account_and_broadcast_with_the_proto_files()
    {
        var protoDirectory = Path.Combine(NodeScript.RepositoryRoot(), "src", "OpenLedger.Rpc", "Protos");
        var target = $"{server.Servers.GrpcAddress!.Host}:{server.Servers.GrpcAddress.Port}";
        var (exitCode, output, errors) = await NodeScript.RunAsync("grpc-client.js", ScriptTimeout,
            target, protoDirectory, FakeNodeBackend.Bob.ToString());
        Assert.True(exitCode == 0, $"grpc-js script failed ({exitCode}):\n{errors}\n{output}");
        var result = JsonNode.Parse(output.Trim().Split('\n')[^1])!;

        Assert.Equal("161200", (string?)result["status"]!["chainId"]);
        Assert.Equal(Chain.HeadBlockNumber.ToString(), (string?)result["status"]!["height"]);
        Assert.False((bool)result["status"]!["syncing"]!);
        Assert.Equal(2, (int)result["status"]!["peerCount"]!);
        Assert.Equal(FakeNodeBackend.Bob.ToString(), (string?)result["account"]!["address"]);
        Assert.Equal("50000000000000000000", (string?)result["account"]!["balance"]);
        Assert.Equal("1", (string?)result["account"]!["nonce"]);
        Assert.Equal(3, (int)result["badAddress"]!["code"]!); // INVALID_ARGUMENT
        Assert.Contains("invalid address '0x1234'", (string?)result["badAddress"]!["details"]);
        Assert.Equal(Chain.HeadBlockNumber.ToString(), (string?)result["block"]!["number"]);

        var hash = (string?)result["broadcast"]!["hash"];
        Assert.Equal((string?)result["broadcast"]!["expected"], hash);
        var pending = Chain.GetTransaction(Core.Types.Hash256.Parse(hash!))!;
        Assert.Equal(5UL, pending.Transaction.Nonce);
        Assert.Equal(FakeNodeBackend.Bob, pending.Transaction.To);
        Assert.Equal(6, (int)result["duplicate"]!["code"]!); // ALREADY_EXISTS
        Assert.Equal("already known", (string?)result["duplicate"]!["details"]);
    }
}
