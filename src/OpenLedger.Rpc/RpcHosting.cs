using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenLedger.Rpc.Grpc;
using OpenLedger.Rpc.JsonRpc;
using Serilog;

namespace OpenLedger.Rpc;

/// <summary>
/// Starts the gRPC server (HTTP/2 cleartext) and the Ethereum JSON-RPC server (HTTP/1.1) on their own Kestrel
/// listeners, logging through Serilog. The node calls this once it can answer <see cref="INodeBackend"/>.
/// </summary>
public static class RpcHosting
{
    public static async Task<RpcServers> StartAsync(INodeBackend backend, RpcOptions options, Serilog.ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var applications = new List<WebApplication>();
        Uri? grpcAddress = null, jsonRpcAddress = null;
        try
        {
            if (options.GrpcEndpoint is { } grpcEndpoint)
            {
                var app = BuildGrpc(backend, options, logger.ForContext("Server", "grpc"), grpcEndpoint);
                applications.Add(app);
                await app.StartAsync(ct);
                grpcAddress = BoundAddress(app);
                logger.Information("gRPC listening on {Address}", grpcAddress);
            }
            if (options.JsonRpcEndpoint is { } jsonRpcEndpoint)
            {
                var app = BuildJsonRpc(backend, options, logger.ForContext("Server", "json-rpc"), jsonRpcEndpoint);
                applications.Add(app);
                await app.StartAsync(ct);
                jsonRpcAddress = BoundAddress(app);
                logger.Information("JSON-RPC listening on {Address}", jsonRpcAddress);
            }
        }
        catch
        {
            await new RpcServers(applications, null, null).DisposeAsync();
            throw;
        }
        return new RpcServers(applications, grpcAddress, jsonRpcAddress);
    }

    private static WebApplication BuildGrpc(INodeBackend backend, RpcOptions options, Serilog.ILogger logger, string endpoint)
    {
        var builder = CreateBuilder(logger, endpoint, HttpProtocols.Http2, options);
        builder.Services.AddSingleton(backend);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(logger);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<BackendErrorInterceptor>();
            grpc.MaxReceiveMessageSize = 4 * 1024 * 1024;
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks().AddCheck("node", () =>
            backend.GetStatus().Syncing
                ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Degraded("syncing")
                : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy());
        var app = builder.Build();
        app.MapGrpcService<TxGrpcService>();
        app.MapGrpcService<QueryGrpcService>();
        app.MapGrpcService<NodeGrpcService>();
        app.MapGrpcReflectionService();
        app.MapGrpcHealthChecksService();
        return app;
    }

    private static WebApplication BuildJsonRpc(INodeBackend backend, RpcOptions options, Serilog.ILogger logger, string endpoint)
    {
        var builder = CreateBuilder(logger, endpoint, HttpProtocols.Http1, options);
        var jsonRpc = new JsonRpcEndpoint(new EthJsonRpcMethods(backend, options), options, logger);
        var app = builder.Build();
        app.Map("/", (RequestDelegate)jsonRpc.HandleAsync);
        return app;
    }

    private static WebApplicationBuilder CreateBuilder(Serilog.ILogger logger, string endpoint, HttpProtocols protocols, RpcOptions options)
    {
        var address = RpcOptions.ParseEndpoint(endpoint);
        // The empty builder reads no appsettings files and sets up no file watchers: configuration comes from RpcOptions.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.Listen(address, listen => listen.Protocols = protocols);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSerilog(logger, dispose: false);
        return builder;
    }

    private static Uri BoundAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("the server started without a bound address");
        return new Uri(first);
    }
}
