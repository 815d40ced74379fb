using System.Net;
using System.Net.Sockets;
using OpenLedger.Network.Identity;
using OpenLedger.Network.Multistream;
using OpenLedger.Network.Noise;
using OpenLedger.Network.Protocols;
using OpenLedger.Network.Tests.Support;
using OpenLedger.Network.Yamux;

namespace OpenLedger.Network.Tests.Host;

/// <summary>Peers that do not list stream muxers in the Noise payload negotiate Yamux with multistream-select instead.</summary>
public class MuxerNegotiationTests
{
    [Fact]
    public async Task Inbound_peer_without_muxer_list_falls_back_to_multistream()
    {
        await using var host = await TestHosts.StartAsync();
        var endpoint = host.ListenAddresses[0].GetTcpEndpoint();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, endpoint.Port);
        var token = TestHosts.Timeout();
        NetworkStream network = client.GetStream();
        await MultistreamSelect.SelectAsync(network, [NoiseHandshake.ProtocolId], token);
        var noise = await NoiseHandshake.PerformAsync(network, NodeKey.Generate(), initiator: true, host.LocalPeerId, localMuxers: [], token);
        Assert.Equal([YamuxOptions.ProtocolId], noise.RemoteMuxers);
        Assert.Equal(YamuxOptions.ProtocolId, await MultistreamSelect.SelectAsync(noise.Stream, ["/mplex/6.7.0", YamuxOptions.ProtocolId], token));

        await using var session = new YamuxSession(noise.Stream, isClient: true, new YamuxOptions(), Serilog.Core.Logger.None, s => { s.Reset(); return Task.CompletedTask; });
        session.Start();
        await using var stream = await session.OpenStreamAsync(token);
        await MultistreamSelect.SelectAsync(stream, [PingProtocol.ProtocolId], token);
        Assert.InRange(await PingProtocol.PingOnceAsync(stream, token), TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Outbound_dial_to_peer_without_muxer_list_falls_back_to_multistream()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var remoteKey = NodeKey.Generate();
        var token = TestHosts.Timeout();
        var pinged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync(token);
            var network = new NetworkStream(socket);
            await MultistreamSelect.HandleAsync(network, p => p == NoiseHandshake.ProtocolId, token);
            var noise = await NoiseHandshake.PerformAsync(network, remoteKey, initiator: false, null, localMuxers: [], token);
            await MultistreamSelect.HandleAsync(noise.Stream, p => p == YamuxOptions.ProtocolId, token);
            await using var session = new YamuxSession(noise.Stream, isClient: false, new YamuxOptions(), Serilog.Core.Logger.None, async s =>
            {
                string protocol = await MultistreamSelect.HandleAsync(s, p => p == PingProtocol.ProtocolId, token);
                await PingProtocol.RespondAsync(s, token);
                pinged.TrySetResult();
            });
            session.Start();
            await pinged.Task.WaitAsync(token);
        });
        try
        {
            await using var host = await TestHosts.StartAsync();
            var address = OpenLedger.Network.Addressing.Multiaddr.Parse($"/ip4/127.0.0.1/tcp/{((IPEndPoint)listener.LocalEndpoint).Port}/p2p/{remoteKey.PeerId}");
            Assert.Equal(remoteKey.PeerId, await host.DialAsync(address, token));
            Assert.InRange(await host.PingAsync(remoteKey.PeerId, token), TimeSpan.Zero, TimeSpan.FromSeconds(5));
            await host.DisconnectAsync(remoteKey.PeerId);
            await server.WaitAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            listener.Stop();
        }
    }
}
