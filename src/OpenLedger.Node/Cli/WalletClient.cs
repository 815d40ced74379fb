using System.CommandLine;
using Google.Protobuf;
using Grpc.Net.Client;
using OpenLedger.Rpc.V1;

namespace OpenLedger.Node.Cli;

/// <summary>The wallet commands' connection to a node's gRPC endpoint (SPEC §9: the wallet CLI talks gRPC only).</summary>
public sealed class WalletClient : IDisposable
{
    private readonly GrpcChannel _channel;

    public WalletClient(string endpoint)
    {
        var address = endpoint.Contains("://", StringComparison.Ordinal) ? endpoint : "http://" + endpoint;
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri))
            throw new CliException($"'{endpoint}' is not a gRPC endpoint (expected host:port, e.g. 127.0.0.1:9090)");
        _channel = GrpcChannel.ForAddress(uri);
        Tx = new TxService.TxServiceClient(_channel);
        Query = new QueryService.QueryServiceClient(_channel);
        Node = new NodeService.NodeServiceClient(_channel);
    }

    public TxService.TxServiceClient Tx { get; }
    public QueryService.QueryServiceClient Query { get; }
    public NodeService.NodeServiceClient Node { get; }

    public static Option<string> EndpointOption() =>
        new("--grpc") { Description = "Node gRPC endpoint", DefaultValueFactory = _ => "127.0.0.1:9090" };

    /// <summary>Protobuf messages print as their canonical JSON, one object per command.</summary>
    public static void Print(IMessage message) =>
        Console.WriteLine(new JsonFormatter(JsonFormatter.Settings.Default.WithFormatDefaultValues(true)).Format(message));

    public void Dispose() => _channel.Dispose();
}
