using OpenLedger.Network.Identity;
using OpenLedger.Network.Noise;
using OpenLedger.Network.Tests.Support;

namespace OpenLedger.Network.Tests.Transport;

public class NoiseHandshakeTests
{
    [Fact]
    public async Task Two_peers_authenticate_each_other_and_exchange_large_data()
    {
        var (client, server) = await SocketPair.CreateAsync();
        var clientKey = NodeKey.Generate();
        var serverKey = NodeKey.Generate();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var serverTask = NoiseHandshake.PerformAsync(server, serverKey, initiator: false, null, ["/yamux/1.0.0"], timeout.Token);
        var clientSession = await NoiseHandshake.PerformAsync(client, clientKey, initiator: true, serverKey.PeerId, ["/yamux/1.0.0"], timeout.Token);
        var serverSession = await serverTask;

        Assert.Equal(serverKey.PeerId, clientSession.RemotePeerId);
        Assert.Equal(clientKey.PeerId, serverSession.RemotePeerId);
        Assert.Equal(["/yamux/1.0.0"], clientSession.RemoteMuxers);

        // 200 KB crosses several 65519-byte Noise frames.
        byte[] payload = new byte[200_000];
        new Random(7).NextBytes(payload);
        var write = clientSession.Stream.WriteAsync(payload, timeout.Token).AsTask();
        var received = new byte[payload.Length];
        await serverSession.Stream.ReadExactlyAsync(received, timeout.Token);
        await write;
        Assert.Equal(payload, received);
        await clientSession.Stream.DisposeAsync();
        await serverSession.Stream.DisposeAsync();
    }

    [Fact]
    public async Task Dialing_the_wrong_peer_id_fails_the_handshake()
    {
        var (client, server) = await SocketPair.CreateAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var serverTask = NoiseHandshake.PerformAsync(server, NodeKey.Generate(), false, null, [], timeout.Token);
        var error = await Assert.ThrowsAsync<NoiseException>(() =>
            NoiseHandshake.PerformAsync(client, NodeKey.Generate(), true, NodeKey.Generate().PeerId, [], timeout.Token));
        Assert.Contains("authenticated as", error.Message, StringComparison.Ordinal);
        client.Dispose();
        await Assert.ThrowsAnyAsync<IOException>(() => serverTask);
        server.Dispose();
    }

    [Fact]
    public async Task A_tampered_transport_frame_is_rejected()
    {
        var (client, server) = await SocketPair.CreateAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var serverTask = NoiseHandshake.PerformAsync(server, NodeKey.Generate(), false, null, [], timeout.Token);
        await NoiseHandshake.PerformAsync(client, NodeKey.Generate(), true, null, [], timeout.Token);
        var serverSession = await serverTask;
        // Raw bytes on the TCP stream instead of a valid ciphertext.
        await client.WriteAsync(new byte[] { 0, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 }, timeout.Token);
        await Assert.ThrowsAsync<NoiseException>(async () => await serverSession.Stream.ReadExactlyAsync(new byte[10], timeout.Token));
        client.Dispose();
        server.Dispose();
    }
}
