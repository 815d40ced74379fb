using Microsoft.AspNetCore.Builder;

namespace OpenLedger.Rpc;

/// <summary>
/// The running RPC servers. The addresses are the ones actually bound (useful with port 0), e.g.
/// "http://127.0.0.1:9090"; null when that server is disabled. Disposing stops both gracefully.
/// </summary>
public sealed class RpcServers : IAsyncDisposable
{
    private readonly IReadOnlyList<WebApplication> _applications;
    private int _disposed;

    internal RpcServers(IReadOnlyList<WebApplication> applications, Uri? grpcAddress, Uri? jsonRpcAddress)
    {
        _applications = applications;
        GrpcAddress = grpcAddress;
        JsonRpcAddress = jsonRpcAddress;
    }

    public Uri? GrpcAddress { get; }

    public Uri? JsonRpcAddress { get; }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // Open streams (SubscribeBlocks, WaitReceipt) end when the host's stopping token fires; give them a moment.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        foreach (var application in _applications)
        {
            await application.StopAsync(timeout.Token);
            await application.DisposeAsync();
        }
    }
}
