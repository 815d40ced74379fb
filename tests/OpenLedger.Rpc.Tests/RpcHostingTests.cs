using System.Diagnostics;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using OpenLedger.Rpc.Tests.Support;
using OpenLedger.Rpc.V1;
using Serilog;
using Xunit;

namespace OpenLedger.Rpc.Tests;

/// <summary>Starting and stopping the servers the way the node does.</summary>
public sealed class RpcHostingTests
{
    private static readonly ILogger Logger = new LoggerConfiguration().MinimumLevel.Fatal().CreateLogger();

    [Fact]
    public async Task Binds_loopback_free_ports_and_stops_promptly_with_open_streams()
    {
        var backend = new FakeNodeBackend();
        var servers = await RpcHosting.StartAsync(backend, new RpcOptions { GrpcEndpoint = "127.0.0.1:0", JsonRpcEndpoint = "localhost:0" }, Logger, CancellationToken.None);
        Assert.Equal("127.0.0.1", servers.GrpcAddress!.Host);
        Assert.Equal("127.0.0.1", servers.JsonRpcAddress!.Host);
        Assert.NotEqual(0, servers.GrpcAddress.Port);
        Assert.NotEqual(servers.GrpcAddress.Port, servers.JsonRpcAddress.Port);

        using var channel = GrpcChannel.ForAddress(servers.GrpcAddress);
        var node = new NodeService.NodeServiceClient(channel);
        using var subscription = node.SubscribeBlocks(new SubscribeBlocksRequest());
        var waiting = new TxService.TxServiceClient(channel)
            .WaitReceiptAsync(new WaitReceiptRequest { Hash = "0x" + new string('4', 64), TimeoutMs = 60_000 }).ResponseAsync;
        await GrpcTxServiceTests.WaitUntil(() => backend.SubscriberCount == 2);

        var clock = Stopwatch.StartNew();
        await servers.DisposeAsync();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"stopping took {clock.Elapsed}");
        Assert.False(await subscription.ResponseStream.MoveNext(CancellationToken.None));
        var stopped = await Assert.ThrowsAsync<RpcException>(() => waiting);
        Assert.Equal(StatusCode.Unavailable, stopped.StatusCode);
        Assert.Equal(0, backend.SubscriberCount);

        using var probe = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync(servers.JsonRpcAddress.Host, servers.JsonRpcAddress.Port));
    }

    [Fact]
    public async Task Disabled_servers_are_not_started_and_bad_endpoints_are_explained()
    {
        await using (var servers = await RpcHosting.StartAsync(new FakeNodeBackend(), new RpcOptions { GrpcEndpoint = null, JsonRpcEndpoint = "127.0.0.1:0" }, Logger, CancellationToken.None))
        {
            Assert.Null(servers.GrpcAddress);
            Assert.NotNull(servers.JsonRpcAddress);
        }
        var error = await Assert.ThrowsAsync<FormatException>(() =>
            RpcHosting.StartAsync(new FakeNodeBackend(), new RpcOptions { GrpcEndpoint = "node-1:9090" }, Logger, CancellationToken.None));
        Assert.Contains("'node-1' in 'node-1:9090' is not an IP address", error.Message);
        error = await Assert.ThrowsAsync<FormatException>(() =>
            RpcHosting.StartAsync(new FakeNodeBackend(), new RpcOptions { JsonRpcEndpoint = "127.0.0.1" }, Logger, CancellationToken.None));
        Assert.Contains("expected host:port", error.Message);
    }
}
