using OpenLedger.Network.Tests.Support;
using OpenLedger.Network.Yamux;

namespace OpenLedger.Network.Tests.Transport;

public class YamuxTests
{
    private static readonly Serilog.ILogger Log = Serilog.Core.Logger.None;

    private static async Task<(YamuxSession Client, YamuxSession Server, List<YamuxStream> Accepted)> CreateAsync(YamuxOptions options)
    {
        var (clientStream, serverStream) = await SocketPair.CreateAsync();
        var accepted = new List<YamuxStream>();
        var client = new YamuxSession(clientStream, isClient: true, options, Log, _ => Task.CompletedTask);
        var server = new YamuxSession(serverStream, isClient: false, options, Log, s => { lock (accepted) accepted.Add(s); return Task.CompletedTask; });
        client.Start();
        server.Start();
        return (client, server, accepted);
    }

    [Fact]
    public async Task Writer_blocks_at_the_window_until_the_reader_consumes()
    {
        var options = new YamuxOptions { InitialWindow = 64 * 1024, MaxFrameSize = 16 * 1024 };
        var (client, server, accepted) = await CreateAsync(options);
        await using var _ = client;
        await using var __ = server;
        var stream = await client.OpenStreamAsync(CancellationToken.None);
        byte[] payload = new byte[options.InitialWindow * 3];
        new Random(1).NextBytes(payload);
        Task write = stream.WriteAsync(payload).AsTask();

        Assert.True(await Eventually.TrueAsync(() => server.BufferedBytes == options.InitialWindow, TimeSpan.FromSeconds(5)));
        await Task.Delay(200);
        Assert.False(write.IsCompleted); // backpressure: nothing beyond the granted window was sent
        Assert.Equal(options.InitialWindow, server.BufferedBytes);

        YamuxStream inbound;
        lock (accepted) inbound = Assert.Single(accepted);
        var received = new byte[payload.Length];
        await inbound.ReadExactlyAsync(received).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await write.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(payload, received);

        await stream.CloseWriteAsync();
        Assert.Equal(0, await inbound.ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Streams_beyond_the_limit_are_refused_and_memory_stays_bounded()
    {
        var options = new YamuxOptions { InitialWindow = 32 * 1024, MaxInboundStreams = 8, MaxOutboundStreams = 64 };
        var (client, server, _) = await CreateAsync(options);
        await using var c = client;
        await using var s = server;
        // A greedy peer: 40 streams, each pushing more than a window, and the server application never reads.
        var writes = new List<Task>();
        var opened = new List<YamuxStream>();
        for (int i = 0; i < 40; i++)
        {
            var stream = await client.OpenStreamAsync(CancellationToken.None);
            opened.Add(stream);
            writes.Add(stream.WriteAsync(new byte[options.InitialWindow * 2]).AsTask());
        }
        Assert.True(await Eventually.TrueAsync(() => server.BufferedBytes == 8L * options.InitialWindow, TimeSpan.FromSeconds(10)));
        await Task.Delay(300);
        Assert.Equal(8, server.StreamCount);
        Assert.True(server.BufferedBytes <= options.MaxInboundStreams * (long)options.InitialWindow);
        // Refused streams see a reset; the session itself stays up.
        Assert.True(await Eventually.TrueAsync(() => writes.Count(t => t.IsFaulted) == 32, TimeSpan.FromSeconds(5)));
        Assert.False(server.IsClosed);
        foreach (var stream in opened) stream.Reset();
    }

    [Fact]
    public async Task Sending_beyond_the_window_is_a_protocol_violation()
    {
        var (rawClient, serverStream) = await SocketPair.CreateAsync();
        var server = new YamuxSession(serverStream, false, new YamuxOptions { InitialWindow = 1024 }, Log, _ => Task.CompletedTask);
        server.Start();
        var frame = new byte[12 + 2048];
        new YamuxFrameHeader(YamuxFrameType.Data, YamuxFlags.Syn, 1, 2048).Write(frame);
        await rawClient.WriteAsync(frame);
        string reason = await server.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Contains("protocol violation", reason, StringComparison.Ordinal);
        Assert.True(server.ClosedForProtocolViolation);
        // The peer is told why: a GoAway frame with the protocol-error code.
        var header = new byte[12];
        await rawClient.ReadExactlyAsync(header).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        var goAway = YamuxFrameHeader.Read(header);
        Assert.Equal(YamuxFrameType.GoAway, goAway.Type);
        Assert.Equal(YamuxSession.GoAwayProtocolError, goAway.Length);
        rawClient.Dispose();
    }

    [Fact]
    public async Task Ping_is_answered_and_go_away_stops_new_streams()
    {
        var (rawClient, serverStream) = await SocketPair.CreateAsync();
        await using var server = new YamuxSession(serverStream, false, new YamuxOptions(), Log, _ => Task.CompletedTask);
        server.Start();
        var frame = new byte[12];
        new YamuxFrameHeader(YamuxFrameType.Ping, YamuxFlags.Syn, 0, 0xC0FFEE).Write(frame);
        await rawClient.WriteAsync(frame);
        var reply = new byte[12];
        await rawClient.ReadExactlyAsync(reply).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(new YamuxFrameHeader(YamuxFrameType.Ping, YamuxFlags.Ack, 0, 0xC0FFEE), YamuxFrameHeader.Read(reply));

        new YamuxFrameHeader(YamuxFrameType.GoAway, YamuxFlags.None, 0, 0).Write(frame);
        await rawClient.WriteAsync(frame);
        Assert.True(await Eventually.TrueAsync(() =>
        {
            try { server.OpenStreamAsync(CancellationToken.None).GetAwaiter().GetResult().Reset(); return false; }
            catch (YamuxException) { return true; }
        }, TimeSpan.FromSeconds(5)));
        rawClient.Dispose();
    }
}
