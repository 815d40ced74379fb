using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using OpenLedger.Rpc.Tests.Support;
using OpenLedger.Rpc.V1;
using Xunit;

namespace OpenLedger.Rpc.Tests;

/// <summary>openledger.v1.NodeService, server reflection and the standard health service.</summary>
public sealed class GrpcNodeServiceTests(RpcServerFixture server) : IClassFixture<RpcServerFixture>
{
    private NodeService.NodeServiceClient Client => new(server.Channel);
    private FakeNodeBackend Chain => server.Backend;

    [Fact]
    public async Task Status_and_peers()
    {
        var status = await Client.StatusAsync(new StatusRequest());
        Assert.Equal(161200UL, status.ChainId);
        Assert.Equal(Chain.HeadBlockNumber, status.Height);
        Assert.Equal(Chain.GetBlock(status.Height)!.Hash.ToString(), status.HeadHash);
        Assert.False(status.Syncing);
        Assert.Equal(2U, status.PeerCount);
        Assert.StartsWith("12D3KooW", status.NodeId);
        Assert.Equal(["/ip4/127.0.0.1/tcp/26656"], status.ListenAddresses);
        Assert.Equal("0.1.0-test", status.Version);

        var peers = await Client.PeersAsync(new PeersRequest());
        Assert.Equal(2, peers.Peers.Count);
        Assert.True(peers.Peers[0].Inbound);
        Assert.Equal("/ip4/127.0.0.1/tcp/30002", peers.Peers[1].Address);
    }

    [Fact]
    public async Task Subscribe_blocks_streams_new_blocks_in_order()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var call = Client.SubscribeBlocks(new SubscribeBlocksRequest { FullTransactions = true }, cancellationToken: cancel.Token);
        await GrpcTxServiceTests.WaitUntil(() => Chain.SubscriberCount > 0);
        var first = Chain.Mine();
        var second = Chain.Mine();
        Assert.True(await call.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal(first.Number, call.ResponseStream.Current.Header.Number);
        Assert.Equal(first.Hash.ToString(), call.ResponseStream.Current.Header.Hash);
        Assert.True(await call.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal(second.Number, call.ResponseStream.Current.Header.Number);
        cancel.Cancel();
        await GrpcTxServiceTests.WaitUntil(() => Chain.SubscriberCount == 0);
    }

    [Fact]
    public async Task Subscribe_events_filters_logs_of_new_blocks()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var bad = Client.SubscribeEvents(new SubscribeEventsRequest { Addresses = { "0x12" } }, cancellationToken: cancel.Token);
        var error = await Assert.ThrowsAsync<RpcException>(async () => await bad.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("addresses[0]: invalid address", error.Status.Detail);

        // The fake's mined blocks carry no logs, so the stream stays silent; a subscription to an address with no
        // logs receives nothing while blocks pass, proving the filter is applied per block.
        using var call = Client.SubscribeEvents(new SubscribeEventsRequest
        {
            Addresses = { FakeNodeBackend.Staking.ToString() },
            Topics = { new TopicFilter { Any = { FakeNodeBackend.DelegatedTopic.ToString() } } },
        }, cancellationToken: cancel.Token);
        await GrpcTxServiceTests.WaitUntil(() => Chain.SubscriberCount > 0);
        Chain.Mine();
        var next = call.ResponseStream.MoveNext(cancel.Token);
        await Task.Delay(300);
        Assert.False(next.IsCompleted);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<Exception>(async () => await next);
    }

    [Fact]
    public async Task Reflection_lists_the_openledger_services()
    {
        var reflection = new ServerReflection.ServerReflectionClient(server.Channel);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToArray();
        Assert.Contains("openledger.v1.TxService", names);
        Assert.Contains("openledger.v1.QueryService", names);
        Assert.Contains("openledger.v1.NodeService", names);
        Assert.Contains("grpc.health.v1.Health", names);
    }

    [Fact]
    public async Task Health_reports_serving()
    {
        var health = new Health.HealthClient(server.Channel);
        var response = await health.CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }
}
