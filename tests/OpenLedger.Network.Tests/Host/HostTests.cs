using OpenLedger.Network.Addressing;
using OpenLedger.Network.Encoding;
using OpenLedger.Network.Gossip;
using OpenLedger.Network.Host;
using OpenLedger.Network.Identity;
using OpenLedger.Network.Multistream;
using OpenLedger.Network.Tests.Support;

namespace OpenLedger.Network.Tests.Host;

public class HostTests
{
    [Fact]
    public async Task Hosts_connect_identify_ping_and_open_streams()
    {
        await using var a = await TestHosts.StartAsync();
        await using var b = await TestHosts.StartAsync();
        Assert.NotEqual(0, a.ListenAddresses[0].GetTcpEndpoint().Port);
        Assert.Equal("127.0.0.1", a.ListenAddresses[0].GetTcpEndpoint().Host);

        var connected = new TaskCompletionSource<PeerInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.PeerConnected += info => connected.TrySetResult(info);
        PeerId remote = await a.DialAsync(TestHosts.AddressOf(b), TestHosts.Timeout());
        Assert.Equal(b.LocalPeerId, remote);
        Assert.Equal(a.LocalPeerId, (await connected.Task.WaitAsync(TimeSpan.FromSeconds(5))).PeerId);

        var identify = await a.IdentifyAsync(b.LocalPeerId, TestHosts.Timeout());
        Assert.StartsWith("openledger/", identify.AgentVersion, StringComparison.Ordinal);
        Assert.Equal("ipfs/0.1.0", identify.ProtocolVersion);
        Assert.Contains("/ipfs/ping/1.0.0", identify.Protocols);
        Assert.Contains("/meshsub/1.1.0", identify.Protocols);
        Assert.Equal(b.ListenAddresses[0], Multiaddr.FromBytes(Assert.Single(identify.ListenAddrs)));

        TimeSpan rtt = await a.PingAsync(b.LocalPeerId, TestHosts.Timeout());
        Assert.InRange(rtt, TimeSpan.Zero, TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<MultistreamException>(() => a.OpenStreamAsync(b.LocalPeerId, "/nope/1", TestHosts.Timeout()));
        Assert.Single(a.ConnectedPeers);
    }

    [Fact]
    public async Task Dns_multiaddrs_are_resolved_when_dialling()
    {
        await using var a = await TestHosts.StartAsync();
        await using var b = await TestHosts.StartAsync();
        int port = b.ListenAddresses[0].GetTcpEndpoint().Port;
        var address = Multiaddr.Parse($"/dns4/localhost/tcp/{port}/p2p/{b.LocalPeerId}");
        Assert.Equal(b.LocalPeerId, await a.DialAsync(address, TestHosts.Timeout()));
        var wrongPeer = Multiaddr.Parse($"/ip4/127.0.0.1/tcp/{port}/p2p/{NodeKey.Generate().PeerId}");
        await using var c = await TestHosts.StartAsync();
        var error = await Assert.ThrowsAnyAsync<IOException>(() => c.DialAsync(wrongPeer, TestHosts.Timeout()));
        Assert.Contains("authenticated as", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_response_roundtrip_with_limits_and_timeout()
    {
        await using var a = await TestHosts.StartAsync();
        await using var b = await TestHosts.StartAsync();
        var server = new RequestResponseProtocol(b, "/openledger/161200/status/1", 64, 1024, TimeSpan.FromSeconds(5));
        server.SetHandler((peer, request, ct) => Task.FromResult<byte[]>([.. request, .. request]));
        var slow = new RequestResponseProtocol(b, "/openledger/161200/blocks/1", 64, 1024, TimeSpan.FromSeconds(5));
        slow.SetHandler(async (peer, request, ct) => { await Task.Delay(TimeSpan.FromSeconds(3), ct); return request; });
        await a.DialAsync(TestHosts.AddressOf(b), TestHosts.Timeout());

        var client = new RequestResponseProtocol(a, "/openledger/161200/status/1", 64, 1024, TimeSpan.FromSeconds(5));
        Assert.Equal(new byte[] { 1, 2, 1, 2 }, await client.RequestAsync(b.LocalPeerId, [1, 2], TestHosts.Timeout()));
        Assert.Throws<ArgumentException>(() => client.RequestAsync(b.LocalPeerId, new byte[65], default).GetAwaiter().GetResult());

        var tight = new RequestResponseProtocol(a, "/openledger/161200/status/1", 64, 3, TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<MessageTooLargeException>(() => tight.RequestAsync(b.LocalPeerId, [1, 2], TestHosts.Timeout()));

        var impatient = new RequestResponseProtocol(a, "/openledger/161200/blocks/1", 64, 1024, TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAsync<TimeoutException>(() => impatient.RequestAsync(b.LocalPeerId, [7], TestHosts.Timeout()));
    }

    [Fact]
    public async Task Peer_sending_garbage_gossip_is_banned_and_the_host_keeps_serving()
    {
        await using var a = await TestHosts.StartAsync();
        await using var b = await TestHosts.StartAsync(o => o with { BanDuration = TimeSpan.FromMinutes(1) });
        await using var c = await TestHosts.StartAsync();
        await a.DialAsync(TestHosts.AddressOf(b), TestHosts.Timeout());
        var stream = await a.OpenStreamAsync(b.LocalPeerId, GossipRouter.MeshSub11, TestHosts.Timeout());
        // A length prefix followed by bytes that are not a protobuf RPC (field 0 is invalid).
        await stream.WriteAsync(LengthPrefixed.Frame([0x00, 0xFF, 0xFF]));
        Assert.True(await Eventually.TrueAsync(() => b.IsBanned(a.LocalPeerId) && !b.IsConnected(a.LocalPeerId), TimeSpan.FromSeconds(5)));
        // The banned peer gets no service: its dial is closed during or right after the handshake (IOException),
        // or, when the machine is loaded, the handshake does not finish within the test's timeout. Either way the
        // ping never answers and b does not count a as connected.
        var refused = await Record.ExceptionAsync(async () =>
        {
            await a.DisconnectAsync(b.LocalPeerId);
            await Task.Delay(100);
            await a.DialAsync(TestHosts.AddressOf(b), TestHosts.Timeout());
            await a.PingAsync(b.LocalPeerId, TestHosts.Timeout());
        });
        Assert.True(refused is IOException or OperationCanceledException or TimeoutException, $"the banned peer was served: {refused?.ToString() ?? "the ping answered"}");
        Assert.True(await Eventually.TrueAsync(() => !b.IsConnected(a.LocalPeerId), TimeSpan.FromSeconds(5)));
        // Other peers are unaffected.
        await c.DialAsync(TestHosts.AddressOf(b), TestHosts.Timeout());
        Assert.InRange(await c.PingAsync(b.LocalPeerId, TestHosts.Timeout()), TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Max_peers_refuses_extra_inbound_connections()
    {
        await using var server = await TestHosts.StartAsync(o => o with { MaxPeers = 1 });
        await using var first = await TestHosts.StartAsync();
        await using var second = await TestHosts.StartAsync();
        await first.DialAsync(TestHosts.AddressOf(server), TestHosts.Timeout());
        Assert.True(await Eventually.TrueAsync(() => server.ConnectedPeers.Count == 1, TimeSpan.FromSeconds(5)));
        try { await second.DialAsync(TestHosts.AddressOf(server), TestHosts.Timeout()); }
        catch (IOException) { }
        Assert.True(await Eventually.TrueAsync(() => !second.IsConnected(server.LocalPeerId), TimeSpan.FromSeconds(5)));
        Assert.Equal([first.LocalPeerId], server.ConnectedPeers.Select(p => p.PeerId));
    }

    [Fact]
    public async Task Bootnodes_are_redialled_after_the_connection_drops()
    {
        await using var boot = await TestHosts.StartAsync();
        var bootAddress = TestHosts.AddressOf(boot);
        int connects = 0, disconnects = 0;
        await using var node = Libp2pHost.Create(new Libp2pHostOptions
        {
            NodeKey = NodeKey.Generate(),
            Gossip = TestHosts.FastGossip,
            // The first bootnode refuses connections, which must not stop the second from being dialled.
            Bootnodes = [Multiaddr.Parse("/ip4/127.0.0.1/tcp/1"), bootAddress],
            ReconnectInitialBackoff = TimeSpan.FromMilliseconds(100),
        });
        node.PeerConnected += p => { if (p.PeerId == boot.LocalPeerId) Interlocked.Increment(ref connects); };
        node.PeerDisconnected += p => { if (p.PeerId == boot.LocalPeerId) Interlocked.Increment(ref disconnects); };
        await node.StartAsync(CancellationToken.None);
        Assert.True(await Eventually.TrueAsync(() => Volatile.Read(ref connects) == 1, TimeSpan.FromSeconds(5)));
        await boot.DisconnectAsync(node.LocalPeerId);
        Assert.True(await Eventually.TrueAsync(() => Volatile.Read(ref disconnects) == 1 && Volatile.Read(ref connects) == 2, TimeSpan.FromSeconds(5)));
        Assert.True(node.IsConnected(boot.LocalPeerId));
    }
}

internal static class TestHostsAddress
{
    public static Multiaddr Of(Libp2pHost host) => TestHosts.AddressOf(host);
}
