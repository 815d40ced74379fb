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

    [Fact]
    public async Task Many_writes_of_every_size_arrive_intact_through_reads_of_every_size_and_the_end_is_a_clean_zero()
    {
        var (client, server) = await SocketPair.CreateAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var serverTask = NoiseHandshake.PerformAsync(server, NodeKey.Generate(), false, null, [], timeout.Token);
        var clientSession = await NoiseHandshake.PerformAsync(client, NodeKey.Generate(), true, null, [], timeout.Token);
        var serverSession = await serverTask;

        // Small writes pile up several frames per socket read on the receiving side (frames are parsed out of one
        // buffer); the large ones cross the buffer's end (the unread rest moves to its front); empty writes are empty
        // frames, which carry no bytes and must not read as the end of the stream.
        var random = new Random(11);
        var writes = new List<byte[]>();
        for (var i = 0; i < 600; i++)
        {
            var size = (i % 50) switch { 0 => random.Next(60_000, 200_000), 1 => 0, _ => random.Next(1, 3_000) };
            var bytes = new byte[size];
            random.NextBytes(bytes);
            writes.Add(bytes);
        }
        var expected = writes.SelectMany(w => w).ToArray();
        var writer = Task.Run(async () =>
        {
            foreach (var w in writes) await clientSession.Stream.WriteAsync(w, timeout.Token);
            await clientSession.Stream.DisposeAsync();
        });

        var received = new MemoryStream();
        var buffer = new byte[100_000];
        while (true)
        {
            var n = await serverSession.Stream.ReadAsync(buffer.AsMemory(0, random.Next(1, buffer.Length)), timeout.Token);
            if (n == 0) break;
            received.Write(buffer, 0, n);
        }
        await writer;
        Assert.Equal(expected.Length, received.Length);
        Assert.True(expected.AsSpan().SequenceEqual(received.ToArray()), "the bytes read differ from the bytes written");
        await serverSession.Stream.DisposeAsync();
    }

    [Fact]
    public async Task A_connection_that_ends_inside_a_frame_is_an_error_not_an_end()
    {
        var (client, server) = await SocketPair.CreateAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var serverTask = NoiseHandshake.PerformAsync(server, NodeKey.Generate(), false, null, [], timeout.Token);
        await NoiseHandshake.PerformAsync(client, NodeKey.Generate(), true, null, [], timeout.Token);
        var serverSession = await serverTask;
        // A header announcing 100 bytes, then 10 of them, then the end of the connection.
        await client.WriteAsync(new byte[] { 0, 100, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, timeout.Token);
        client.Dispose();
        var error = await Assert.ThrowsAsync<NoiseException>(async () => await serverSession.Stream.ReadExactlyAsync(new byte[10], timeout.Token));
        Assert.Contains("inside a noise frame", error.Message, StringComparison.Ordinal);
        server.Dispose();
    }
}
