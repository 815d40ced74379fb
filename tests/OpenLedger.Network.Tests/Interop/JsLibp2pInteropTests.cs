using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using OpenLedger.Network.Addressing;
using OpenLedger.Network.Gossip;
using OpenLedger.Network.Host;
using OpenLedger.Network.Identity;
using OpenLedger.Network.Tests.Support;

namespace OpenLedger.Network.Tests.Interop;

/// <summary>The C# host against a real js-libp2p 2.x peer (versions pinned in tests/interop/package.json).</summary>
public class JsLibp2pInteropTests
{
    private const string Topic = "/openledger/161200/tx/1";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private static string Hex(byte[] data) => Convert.ToHexString(data).ToLowerInvariant();

    [Fact]
    public async Task Js_dials_us_negotiates_noise_and_yamux_and_gets_identify_and_ping()
    {
        await using var host = await TestHosts.StartAsync();
        await using var js = await JsPeer.StartAsync();
        Multiaddr ours = TestHosts.AddressOf(host);

        var dial = await js.CommandAsync(new JsonObject { ["cmd"] = "dial", ["addr"] = ours.ToString() });
        Assert.Equal(host.LocalPeerId.ToString(), (string?)dial["peer"]);
        Assert.Equal("/noise", (string?)dial["encryption"]);
        Assert.Equal("/yamux/1.0.0", (string?)dial["multiplexer"]);

        var identify = await js.WaitForAsync(e => (string?)e["event"] == "identify" && (string?)e["peer"] == host.LocalPeerId.ToString(), Wait);
        Assert.Equal(host.AgentVersion, (string?)identify["agentVersion"]);
        Assert.Equal("ipfs/0.1.0", (string?)identify["protocolVersion"]);
        var protocols = identify["protocols"]!.AsArray().Select(p => (string?)p).ToList();
        Assert.Contains("/ipfs/ping/1.0.0", protocols);
        Assert.Contains("/meshsub/1.1.0", protocols);
        Assert.Contains(host.ListenAddresses[0].ToString(), identify["listenAddrs"]!.AsArray().Select(a => ((string?)a)!.Split("/p2p/")[0]));

        var ping = await js.CommandAsync(new JsonObject { ["cmd"] = "ping", ["addr"] = ours.ToString() });
        Assert.InRange(ping["rtt"]!.GetValue<double>(), 0, 5000);

        // And our side identified the js peer.
        Assert.True(await Eventually.TrueAsync(() => host.ConnectedPeers.Any(p => p.PeerId.ToString() == js.PeerId && p.AgentVersion is not null), Wait));
        var info = host.ConnectedPeers.Single(p => p.PeerId.ToString() == js.PeerId);
        Assert.Equal(ConnectionDirection.Inbound, info.Direction);
        Assert.Contains("js-libp2p", info.AgentVersion, StringComparison.Ordinal);
    }

    [Fact]
    public async Task We_dial_js_and_ping_and_identify_it()
    {
        await using var host = await TestHosts.StartAsync();
        await using var js = await JsPeer.StartAsync();
        PeerId remote = await host.DialAsync(Multiaddr.Parse(js.Address), TestHosts.Timeout(15));
        Assert.Equal(js.PeerId, remote.ToString());

        var connected = await js.WaitForAsync(e => (string?)e["event"] == "connected" && (string?)e["peer"] == host.LocalPeerId.ToString(), Wait);
        Assert.Equal("/noise", (string?)connected["encryption"]);
        Assert.Equal("/yamux/1.0.0", (string?)connected["multiplexer"]);
        Assert.Equal("inbound", (string?)connected["direction"]);

        // The host identifies every new peer by itself; js allows one identify stream at a time, so wait for
        // that one to finish before asking again explicitly.
        Assert.True(await Eventually.TrueAsync(() => host.ConnectedPeers.Any(p => p.PeerId == remote && p.AgentVersion is not null), Wait));
        var info = host.ConnectedPeers.Single(p => p.PeerId == remote);
        Assert.Contains("js-libp2p", info.AgentVersion, StringComparison.Ordinal);
        Assert.Contains("/meshsub/1.1.0", info.Protocols);
        var identify = await host.IdentifyAsync(remote, TestHosts.Timeout(15));
        Assert.Contains("/ipfs/ping/1.0.0", identify.Protocols);
        Assert.Contains("/meshsub/1.1.0", identify.Protocols);
        Assert.True(PeerId.Parse(js.PeerId).Matches(Ed25519PublicKey.FromProtobuf(identify.PublicKey)));
        Assert.Equal(host.ListenAddresses[0].GetTcpEndpoint().Host, Multiaddr.FromBytes(identify.ObservedAddr!).GetTcpEndpoint().Host);

        TimeSpan rtt = await host.PingAsync(remote, TestHosts.Timeout(15));
        Assert.InRange(rtt, TimeSpan.Zero, TimeSpan.FromSeconds(5));

        var js2 = await js.WaitForAsync(e => (string?)e["event"] == "identify" && (string?)e["peer"] == host.LocalPeerId.ToString(), Wait);
        Assert.Equal(host.AgentVersion, (string?)js2["agentVersion"]);
    }

    [Fact]
    public async Task Gossip_flows_both_ways_and_rejected_js_messages_are_not_forwarded()
    {
        await using var node = await TestHosts.StartAsync();
        await using var third = await TestHosts.StartAsync();
        await using var js = await JsPeer.StartAsync(Topic);

        var atNode = new ConcurrentQueue<GossipMessage>();
        var atThird = new ConcurrentQueue<GossipMessage>();
        // The node's validator rejects anything that starts with 0xBA ("bad transaction").
        node.Gossip.Subscribe(Topic, m => m.Data.Length > 0 && m.Data[0] == 0xBA ? ValidationResult.Reject : ValidationResult.Accept);
        node.Gossip.MessageReceived += atNode.Enqueue;
        third.Gossip.Subscribe(Topic);
        third.Gossip.MessageReceived += atThird.Enqueue;

        await node.DialAsync(Multiaddr.Parse(js.Address), TestHosts.Timeout(15));
        await third.DialAsync(TestHosts.AddressOf(node), TestHosts.Timeout(15));
        PeerId jsPeer = PeerId.Parse(js.PeerId);

        // Both sides see each other's subscription before anyone publishes.
        await js.WaitForAsync(e => (string?)e["event"] == "subscription-change" && (string?)e["peer"] == node.LocalPeerId.ToString(), Wait);
        Assert.True(await Eventually.TrueAsync(() => node.Gossip.PeersSubscribedTo(Topic).Contains(jsPeer), Wait));
        Assert.True(await Eventually.TrueAsync(() => node.Gossip.MeshPeers(Topic).Contains(third.LocalPeerId) && third.Gossip.MeshPeers(Topic).Contains(node.LocalPeerId), Wait));

        // C# -> js
        byte[] fromUs = [0x02, 0xf8, 0x01, 0x02, 0x03];
        Assert.True(await node.Gossip.PublishAsync(Topic, fromUs) >= 1);
        var message = await js.WaitForAsync(e => (string?)e["event"] == "message" && (string?)e["data"] == Hex(fromUs), Wait);
        Assert.Equal(node.LocalPeerId.ToString(), (string?)message["from"]);
        Assert.Equal("signed", (string?)message["type"]);
        Assert.Equal(Topic, (string?)message["topic"]);

        // js -> C#: an invalid message first, then a valid one; the third peer (connected only to the
        // node) must get the valid one and never the invalid one.
        byte[] invalid = [0xBA, 0xAD];
        byte[] valid = [0x02, 0xf8, 0x99];
        await js.CommandAsync(new JsonObject { ["cmd"] = "publish", ["topic"] = Topic, ["data"] = Hex(invalid) });
        await js.CommandAsync(new JsonObject { ["cmd"] = "publish", ["topic"] = Topic, ["data"] = Hex(valid) });
        Assert.True(await Eventually.TrueAsync(() => atThird.Any(m => m.Data.SequenceEqual(valid)), Wait));
        var delivered = atNode.Single(m => m.Data.SequenceEqual(valid));
        Assert.Equal(jsPeer, delivered.From);
        Assert.Equal(jsPeer, delivered.ReceivedFrom);
        await Task.Delay(500);
        Assert.DoesNotContain(atThird, m => m.Data.SequenceEqual(invalid));
        Assert.DoesNotContain(atNode, m => m.Data.SequenceEqual(invalid));
        Assert.True(node.Gossip.GetScore(jsPeer) < 0);
        var forwarded = atThird.Single(m => m.Data.SequenceEqual(valid));
        Assert.Equal(jsPeer, forwarded.From);
        Assert.Equal(node.LocalPeerId, forwarded.ReceivedFrom);
    }

    [Fact]
    public async Task Yamux_flow_control_interoperates_with_a_megabyte_each_way()
    {
        const string Echo = "/openledger-test/echo/1";
        const int Size = 1024 * 1024; // four times the 256 KiB window, so window updates must flow both ways
        await using var host = await TestHosts.StartAsync();
        host.SetStreamHandler(Echo, async (stream, ct) =>
        {
            var buffer = new byte[16 * 1024];
            int n;
            while ((n = await stream.ReadAsync(buffer, ct)) > 0) await stream.WriteAsync(buffer.AsMemory(0, n), ct);
            await stream.CloseWriteAsync(ct);
        });
        await using var js = await JsPeer.StartAsync();

        // js -> C# echo
        var result = await js.CommandAsync(new JsonObject { ["cmd"] = "echo", ["addr"] = TestHosts.AddressOf(host).ToString(), ["protocol"] = Echo, ["size"] = Size }, TimeSpan.FromSeconds(30));
        Assert.Equal(Size, result["received"]!.GetValue<int>());
        Assert.True(result["match"]!.GetValue<bool>());

        // C# -> js echo
        PeerId jsPeer = PeerId.Parse(js.PeerId);
        await using var stream = await host.OpenStreamAsync(jsPeer, Echo, TestHosts.Timeout(30));
        byte[] payload = new byte[Size];
        new Random(3).NextBytes(payload);
        Task send = Task.Run(async () =>
        {
            await stream.WriteAsync(payload);
            await stream.CloseWriteAsync();
        });
        var echoed = new MemoryStream();
        await stream.CopyToAsync(echoed).WaitAsync(TimeSpan.FromSeconds(30));
        await send.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(payload, echoed.ToArray());
    }
}
