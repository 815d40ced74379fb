using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Net.Client;
using OpenLedger.Core.Types;
using OpenLedger.Network.Tests.Support;
using OpenLedger.Node.Config;
using OpenLedger.Node.Devnet;
using OpenLedger.Node.Network;
using OpenLedger.Node.Tests.Bft;
using OpenLedger.Node.Tests.EndToEnd.Support;
using OpenLedger.Rpc.V1;
using Xunit;
using Xunit.Abstractions;

namespace OpenLedger.Node.Tests.P2P;

/// <summary>
/// The real `openledger` binary (one validator) against two js-libp2p peers (tests/interop/libp2p/peer.mjs,
/// pinned in tests/interop/package.json). Peer A is the node's bootnode (the node dials js); peer B dials
/// the node and is connected to nothing else, so everything A receives from B went through the node.
/// </summary>
[Collection(BftDevnetCollection.Name)]
public sealed class NodeJsInteropTests(ITestOutputHelper output)
{
    private const ulong ChainId = 161200;
    private static readonly string Topic = $"/openledger/{ChainId}/tx/1";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Js_libp2p_peers_exchange_transactions_with_a_running_node_and_invalid_ones_are_not_forwarded()
    {
        await using var peerA = await JsPeer.StartAsync(Topic);
        await using var devnet = await DevnetCluster.StartAsync(1, accounts: 1, readyTimeout: TimeSpan.FromSeconds(90));
        await using var peerB = await JsPeer.StartAsync(Topic);
        try
        {
            // (d) The node dials a js peer given as its bootnode.
            await devnet.StopRunnerAsync(TimeSpan.FromSeconds(20));
            var home = devnet.Manifest.Nodes[0].Home;
            (NodeConfig.Load(home) with { Bootnodes = [peerA.Address] }).Save(home);
            devnet.StartNode(0);
            var nodeAddress = devnet.Manifest.Nodes[0].P2P;
            var nodeId = nodeAddress[(nodeAddress.LastIndexOf("/p2p/", StringComparison.Ordinal) + 5)..];
            var dialled = await peerA.WaitForAsync(e => Is(e, "connected") && (string?)e["peer"] == nodeId, TimeSpan.FromSeconds(90));
            Assert.Equal("inbound", (string?)dialled["direction"]);
            Assert.Equal("/noise", (string?)dialled["encryption"]);
            Assert.Equal("/yamux/1.0.0", (string?)dialled["multiplexer"]);
            // The p2p listener comes up before the RPC servers: wait until the restarted node answers JSON-RPC.
            using (var rpcUp = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
                await devnet.WaitForHeightAsync([0], 1, rpcUp.Token);

            // A js peer dials the node: Noise + Yamux, identify and ping answer.
            var dial = await peerB.CommandAsync(new JsonObject { ["cmd"] = "dial", ["addr"] = nodeAddress }, TimeSpan.FromSeconds(30));
            Assert.Equal(nodeId, (string?)dial["peer"]);
            Assert.Equal("/noise", (string?)dial["encryption"]);
            Assert.Equal("/yamux/1.0.0", (string?)dial["multiplexer"]);
            var identify = await peerB.WaitForAsync(e => Is(e, "identify") && (string?)e["peer"] == nodeId, Wait);
            Assert.StartsWith("openledger/", (string?)identify["agentVersion"]);
            var protocols = identify["protocols"]!.AsArray().Select(p => (string?)p).ToArray();
            Assert.Contains($"/openledger/{ChainId}/status/1", protocols);
            Assert.Contains($"/openledger/{ChainId}/blocks/1", protocols);
            Assert.Contains("/meshsub/1.1.0", protocols);
            var ping = await peerB.CommandAsync(new JsonObject { ["cmd"] = "ping", ["addr"] = nodeAddress });
            Assert.True(ping["rtt"]!.GetValue<double>() >= 0);

            // The status protocol over a raw js stream: send a status, get the node's.
            var genesisHash = Hash256.Parse((await devnet.CallAsync(0, "eth_getBlockByNumber", "0x0", false)).GetProperty("hash").GetString()!);
            var ours = new StatusMessage(StatusMessage.CurrentProtocolVersion, ChainId, genesisHash, 0, genesisHash);
            var answer = await peerB.CommandAsync(new JsonObject
            {
                ["cmd"] = "request", ["addr"] = nodeAddress, ["protocol"] = $"/openledger/{ChainId}/status/1", ["data"] = Convert.ToHexStringLower(ours.Encode()),
            });
            Assert.True(answer["complete"]!.GetValue<bool>());
            var nodeStatus = StatusMessage.Decode(Convert.FromHexString((string)answer["data"]!));
            Assert.Equal(ChainId, nodeStatus.ChainId);
            Assert.Equal(genesisHash, nodeStatus.GenesisHash);
            Assert.Equal(StatusMessage.CurrentProtocolVersion, nodeStatus.ProtocolVersion);
            Assert.True(nodeStatus.HeadHeight >= 1);
            Assert.Null(ours.IncompatibilityWith(nodeStatus));

            await WaitUntilAsync(async () => (await Peers(peerB, "subscribers")).Contains(nodeId), "peer B sees the node subscribed to the tx topic");
            await WaitUntilAsync(async () => (await Peers(peerA, "mesh")).Contains(nodeId), "peer A and the node are in each other's mesh");

            // (c) Invalid transactions from B are not forwarded to A; (a) a valid one is, and is committed.
            var sender = DevnetKeys.Account(0);
            var to = Address.FromUInt64(0x0ddba11);
            var wrongChain = TestTransactions.Raw(TestTransactions.Transfer(0, to, 5, chainId: 999), sender);
            var badSignature = WithInvalidR(TestTransactions.Raw(TestTransactions.Transfer(0, to, 6), sender));
            var valid = TestTransactions.Sign(TestTransactions.Transfer(0, to, 7), sender);
            foreach (var data in new[] { wrongChain, badSignature, valid.Encoded.ToArray() })
                await peerB.CommandAsync(new JsonObject { ["cmd"] = "publish", ["topic"] = Topic, ["data"] = Convert.ToHexStringLower(data) });
            var forwarded = await peerA.WaitForAsync(e => Is(e, "message") && (string?)e["data"] == Convert.ToHexStringLower(valid.Encoded.ToArray()), Wait);
            Assert.Equal(peerB.PeerId, (string?)forwarded["from"]); // B's signed message, relayed unchanged by the node
            // The node handles B's messages in order, so anything it forwarded arrived at A before the valid one.
            var seenByA = peerA.Events().Where(e => Is(e, "message")).Select(e => (string?)e["data"]).ToArray();
            Assert.DoesNotContain(Convert.ToHexStringLower(wrongChain), seenByA);
            Assert.DoesNotContain(Convert.ToHexStringLower(badSignature), seenByA);

            var receipt = await WaitForReceiptAsync(devnet, valid.Hash);
            Assert.Equal("0x1", receipt["status"]?.GetValue<string>());
            Assert.Equal(to.ToString().ToLowerInvariant(), receipt["to"]?.GetValue<string>()?.ToLowerInvariant());

            // (b) A transaction submitted over gRPC reaches both js peers on the topic, byte for byte.
            var viaGrpc = TestTransactions.Sign(TestTransactions.Transfer(1, to, 8), sender);
            using (var channel = GrpcChannel.ForAddress(devnet.Manifest.Nodes[0].Grpc))
            {
                var client = new TxService.TxServiceClient(channel);
                var broadcast = await client.BroadcastAsync(new BroadcastRequest { RawTransaction = ByteString.CopyFrom(viaGrpc.Encoded.ToArray()) }, deadline: DateTime.UtcNow.AddSeconds(30));
                Assert.Equal(viaGrpc.Hash.ToString(), broadcast.TransactionHash);
            }
            var hex = Convert.ToHexStringLower(viaGrpc.Encoded.ToArray());
            foreach (var peer in new[] { peerA, peerB })
            {
                var message = await peer.WaitForAsync(e => Is(e, "message") && (string?)e["data"] == hex, Wait);
                Assert.Equal(nodeId, (string?)message["from"]);
                Assert.Equal(Topic, (string?)message["topic"]);
                Assert.Equal("signed", (string?)message["type"]);
            }
            Assert.Equal("0x1", (await WaitForReceiptAsync(devnet, viaGrpc.Hash))["status"]?.GetValue<string>());
        }
        catch (Exception e) when (e is Xunit.Sdk.XunitException or TimeoutException or InvalidOperationException)
        {
            output.WriteLine(devnet.Diagnostics());
            throw;
        }
    }

    private static bool Is(JsonObject e, string name) => (string?)e["event"] == name;

    private static async Task<string[]> Peers(JsPeer peer, string command) =>
        (await peer.CommandAsync(new JsonObject { ["cmd"] = command, ["topic"] = Topic }))["peers"]!.AsArray().Select(p => (string)p!).ToArray();

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting until {what}");
            await Task.Delay(200);
        }
    }

    private static async Task<JsonObject> WaitForReceiptAsync(DevnetCluster devnet, Hash256 hash)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            try
            {
                var result = await devnet.CallAsync(0, "eth_getTransactionReceipt", hash.ToString());
                if (result.ValueKind == System.Text.Json.JsonValueKind.Object) return JsonNode.Parse(result.GetRawText())!.AsObject();
            }
            catch (HttpRequestException)
            {
                // The node is still starting.
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no receipt for {hash} within {Wait.TotalSeconds} s");
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// The same transaction with r replaced by 2^256 - 1 (not below the curve order, so no key could have made
    /// the signature). A type-2 encoding ends with 0xa0 ‖ r ‖ 0xa0 ‖ s when both are 32 bytes long.
    /// </summary>
    private static byte[] WithInvalidR(byte[] raw)
    {
        var forged = (byte[])raw.Clone();
        var r = forged.Length - 66;
        Assert.True(forged[r] == 0xa0 && forged[r + 33] == 0xa0, "expected 32-byte r and s at the end of the encoding");
        Array.Fill(forged, (byte)0xff, r + 1, 32);
        return forged;
    }
}
