using Grpc.Core;
using Microsoft.Extensions.Hosting;
using OpenLedger.Rpc.Backend;
using OpenLedger.Rpc.V1;

namespace OpenLedger.Rpc.Grpc;

/// <summary>
/// openledger.v1.NodeService: status, peers, and live block and event streams. Streams end cleanly when the
/// server stops, so shutting the node down never waits for subscribers to leave.
/// </summary>
public sealed class NodeGrpcService(INodeBackend backend, IHostApplicationLifetime lifetime) : NodeService.NodeServiceBase
{
    public override Task<StatusResponse> Status(StatusRequest request, ServerCallContext context)
    {
        var status = backend.GetStatus();
        var response = new StatusResponse
        {
            ChainId = status.ChainId,
            Height = status.HeadNumber,
            HeadHash = status.HeadHash.ToString(),
            HeadTimestampMs = status.HeadTimestampMs,
            FinalizedHeight = status.FinalizedNumber,
            Syncing = status.Syncing,
            SyncTargetHeight = status.SyncTargetHeight,
            PeerCount = (uint)status.PeerCount,
            NodeId = status.NodeId,
            Version = status.Version,
        };
        response.ListenAddresses.AddRange(status.ListenAddresses);
        return Task.FromResult(response);
    }

    public override Task<PeersResponse> Peers(PeersRequest request, ServerCallContext context)
    {
        var response = new PeersResponse();
        foreach (var peer in backend.GetPeers())
            response.Peers.Add(new Peer { PeerId = peer.PeerId, Address = peer.Address, Inbound = peer.Inbound, Height = peer.Height });
        return Task.FromResult(response);
    }

    public override async Task SubscribeBlocks(SubscribeBlocksRequest request, IServerStreamWriter<Block> responseStream, ServerCallContext context)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            await foreach (var block in backend.SubscribeBlocks(stop.Token))
                await responseStream.WriteAsync(ProtoMapper.Block(block, request.FullTransactions), stop.Token);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
        }
    }

    public override async Task SubscribeEvents(SubscribeEventsRequest request, IServerStreamWriter<Log> responseStream, ServerCallContext context)
    {
        var addresses = request.Addresses.Select((a, i) => GrpcInput.Address(a, $"addresses[{i}]")).ToArray();
        if (request.Topics.Count > 4) throw GrpcInput.Invalid($"{request.Topics.Count} topic positions: a log has at most 4 topics");
        var topics = request.Topics
            .Select((position, i) => position.Any.Count == 0
                ? null
                : (IReadOnlyList<Core.Types.Hash256>)position.Any.Select((t, j) => GrpcInput.Hash(t, $"topics[{i}].any[{j}]")).ToArray())
            .ToArray();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            await foreach (var block in backend.SubscribeBlocks(stop.Token))
            {
                var filter = new LogFilter(block.Number, block.Number, addresses, topics);
                foreach (var match in backend.GetLogs(filter))
                    await responseStream.WriteAsync(ProtoMapper.Log(match), stop.Token);
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
        }
    }
}
