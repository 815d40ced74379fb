using System.CommandLine;
using OpenLedger.Node.Config;

namespace OpenLedger.Node.Cli;

/// <summary>
/// The config.json settings an operator most often sets on the command line (listeners and bootnodes), shared
/// by `init` (written into the new home) and `node` (override the home's config for this run).
/// </summary>
public sealed class NodeConfigOptions
{
    public Option<string?> Bootnodes { get; } = new("--bootnodes")
    {
        Description = "Comma-separated peer multiaddrs to dial, e.g. /ip4/10.0.0.5/tcp/26656/p2p/12D3KooW…",
    };

    public Option<string?> P2PListen { get; } = new("--p2p-listen") { Description = "p2p listen multiaddr, e.g. /ip4/0.0.0.0/tcp/26656" };

    public Option<string?> GrpcListen { get; } = new("--grpc-listen") { Description = "gRPC listen address host:port, e.g. 127.0.0.1:9090" };

    public Option<string?> JsonRpcListen { get; } = new("--jsonrpc-listen") { Description = "JSON-RPC listen address host:port, e.g. 127.0.0.1:8545" };

    public Option<string?> MetricsListen { get; } = new("--metrics-listen") { Description = "Prometheus metrics listen address host:port, e.g. 127.0.0.1:9464" };

    public void AddTo(Command command)
    {
        command.Options.Add(Bootnodes);
        command.Options.Add(P2PListen);
        command.Options.Add(GrpcListen);
        command.Options.Add(JsonRpcListen);
        command.Options.Add(MetricsListen);
    }

    /// <summary>The config with every option that was given applied.</summary>
    public NodeConfig Apply(ParseResult result, NodeConfig config) => config with
    {
        Bootnodes = result.GetValue(Bootnodes) is { } list ? ParseBootnodes(list) : config.Bootnodes,
        P2PListen = result.GetValue(P2PListen) ?? config.P2PListen,
        GrpcListen = result.GetValue(GrpcListen) ?? config.GrpcListen,
        JsonRpcListen = result.GetValue(JsonRpcListen) ?? config.JsonRpcListen,
        MetricsListen = result.GetValue(MetricsListen) ?? config.MetricsListen,
    };

    public static List<string> ParseBootnodes(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
