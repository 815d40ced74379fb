using System.Net;

namespace OpenLedger.Rpc;

/// <summary>
/// Where the RPC servers listen and the limits they enforce. Both endpoints default to loopback (SPEC §8);
/// port 0 picks a free port (see <see cref="RpcServers"/> for the bound addresses).
/// </summary>
public sealed record RpcOptions
{
    /// <summary>gRPC over HTTP/2 cleartext, e.g. "127.0.0.1:9090". Null disables the gRPC server.</summary>
    public string? GrpcEndpoint { get; init; } = "127.0.0.1:9090";

    /// <summary>Ethereum JSON-RPC over HTTP/1.1, e.g. "127.0.0.1:8545". Null disables the JSON-RPC server.</summary>
    public string? JsonRpcEndpoint { get; init; } = "127.0.0.1:8545";

    /// <summary>Largest JSON-RPC request body (a batch of raw transactions can be big).</summary>
    public long MaxRequestBodyBytes { get; init; } = 5 * 1024 * 1024;

    /// <summary>Most requests in one JSON-RPC batch.</summary>
    public int MaxBatchSize { get; init; } = 1000;

    /// <summary>Widest block range one eth_getLogs may scan.</summary>
    public ulong MaxLogsBlockRange { get; init; } = 10_000;

    /// <summary>Most logs one eth_getLogs may return.</summary>
    public int MaxLogsResults { get; init; } = 10_000;

    /// <summary>Most blocks one eth_feeHistory may cover (go-ethereum's cap).</summary>
    public int MaxFeeHistoryBlocks { get; init; } = 1024;

    /// <summary>WaitReceipt waits this long when the request gives no timeout, and never longer than the maximum.</summary>
    public TimeSpan DefaultWaitReceiptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxWaitReceiptTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Parses "host:port" (IPv4, [IPv6] or "localhost") into an endpoint Kestrel can bind.</summary>
    public static IPEndPoint ParseEndpoint(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) trimmed = trimmed[7..].TrimEnd('/');
        var colon = trimmed.LastIndexOf(':');
        if (colon <= 0 || !ushort.TryParse(trimmed[(colon + 1)..], out var port))
            throw new FormatException($"'{text}' is not an endpoint: expected host:port, e.g. 127.0.0.1:8545 (port 0 picks a free port)");
        var host = trimmed[..colon].Trim('[', ']');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return new IPEndPoint(IPAddress.Loopback, port);
        if (!IPAddress.TryParse(host, out var address))
            throw new FormatException($"'{host}' in '{text}' is not an IP address: use e.g. 127.0.0.1, 0.0.0.0 or [::1]");
        return new IPEndPoint(address, port);
    }
}
