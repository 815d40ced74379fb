using System.Net;
using System.Net.Sockets;
using OpenLedger.Network.Multistream;
using OpenLedger.Network.Noise;
using OpenLedger.Network.Tests.Support;

namespace OpenLedger.Network.Tests.Host;

public class HostRobustnessTests
{
    [Fact]
    public async Task Random_bytes_on_many_connections_leave_the_host_serving()
    {
        await using var host = await TestHosts.StartAsync(o => o with { HandshakeTimeout = TimeSpan.FromSeconds(2) });
        int port = host.ListenAddresses[0].GetTcpEndpoint().Port;
        var random = new Random(99);
        byte[] noiseHeader = [.. MultistreamSelect.EncodeMessage(MultistreamSelect.ProtocolId), .. MultistreamSelect.EncodeMessage(NoiseHandshake.ProtocolId)];
        var attacks = new List<Task>();
        for (int i = 0; i < 30; i++)
        {
            byte[] junk = new byte[random.Next(1, 400)];
            random.NextBytes(junk);
            // A third get past multistream so Noise parsing is exercised, some of those with a plausible frame length.
            byte[] payload = (i % 3) switch
            {
                0 => [.. noiseHeader, 0, 32, .. junk],
                1 => [.. noiseHeader, .. junk],
                _ => junk,
            };
            attacks.Add(Task.Run(async () =>
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                NetworkStream stream = client.GetStream();
                try
                {
                    await stream.WriteAsync(payload);
                    client.Client.Shutdown(SocketShutdown.Send);
                    // The host must close the connection (EOF or reset), not hang on it.
                    var sink = new byte[1024];
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    while (await stream.ReadAsync(sink, cts.Token) > 0) { }
                }
                catch (Exception e) when (e is IOException or SocketException) { }
            }));
        }
        await Task.WhenAll(attacks).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Empty(host.ConnectedPeers);

        await using var good = await TestHosts.StartAsync();
        await good.DialAsync(TestHosts.AddressOf(host), TestHosts.Timeout());
        Assert.InRange(await good.PingAsync(host.LocalPeerId, TestHosts.Timeout()), TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }
}
