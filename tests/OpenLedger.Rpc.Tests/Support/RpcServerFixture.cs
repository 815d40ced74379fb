using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using Serilog;
using Xunit;

namespace OpenLedger.Rpc.Tests.Support;

/// <summary>The real RPC servers on 127.0.0.1 free ports over a fresh <see cref="FakeNodeBackend"/>, with clients.</summary>
public sealed class RpcServerFixture : IAsyncLifetime
{
    public FakeNodeBackend Backend { get; } = new();

    public RpcServers Servers { get; private set; } = null!;

    public GrpcChannel Channel { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var logger = new LoggerConfiguration().MinimumLevel.Warning().CreateLogger();
        Servers = await RpcHosting.StartAsync(Backend, new RpcOptions
        {
            GrpcEndpoint = "127.0.0.1:0",
            JsonRpcEndpoint = "127.0.0.1:0",
            MaxBatchSize = 50,
            MaxLogsBlockRange = 100,
        }, logger, CancellationToken.None);
        Channel = GrpcChannel.ForAddress(Servers.GrpcAddress!);
        Http = new HttpClient { BaseAddress = Servers.JsonRpcAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        Channel.Dispose();
        await Servers.DisposeAsync();
    }

    /// <summary>POSTs a raw body and returns the parsed reply (null for an empty body).</summary>
    public async Task<JsonNode?> PostAsync(string body)
    {
        using var response = await Http.PostAsync("/", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    /// <summary>Calls one method and returns the whole response object (result or error).</summary>
    public async Task<JsonObject> CallAsync(string method, params object?[] parameters)
    {
        var request = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = 7,
            ["method"] = method,
            ["params"] = JsonSerializer.SerializeToNode(parameters),
        };
        var reply = (await PostAsync(request.ToJsonString()))!.AsObject();
        Assert.Equal(7, reply["id"]!.GetValue<int>());
        Assert.Equal("2.0", reply["jsonrpc"]!.GetValue<string>());
        return reply;
    }

    /// <summary>Calls a method that must succeed and returns its result.</summary>
    public async Task<JsonNode?> ResultAsync(string method, params object?[] parameters)
    {
        var reply = await CallAsync(method, parameters);
        Assert.True(reply.ContainsKey("result"), $"{method} failed: {reply.ToJsonString()}");
        Assert.False(reply.ContainsKey("error"));
        return reply["result"];
    }

    /// <summary>Calls a method that must fail and returns (code, message, data).</summary>
    public async Task<(int Code, string Message, JsonNode? Data)> ErrorAsync(string method, params object?[] parameters)
    {
        var reply = await CallAsync(method, parameters);
        Assert.True(reply.ContainsKey("error"), $"{method} unexpectedly succeeded: {reply.ToJsonString()}");
        Assert.False(reply.ContainsKey("result"));
        var error = reply["error"]!;
        return (error["code"]!.GetValue<int>(), error["message"]!.GetValue<string>(), error["data"]);
    }
}
