using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenLedger.Rpc.Tests.Support;
using Xunit;

namespace OpenLedger.Rpc.Tests;

/// <summary>JSON-RPC 2.0 framing: ids, batches, notifications and every protocol-level error code.</summary>
public sealed class JsonRpcProtocolTests(RpcServerFixture server) : IClassFixture<RpcServerFixture>
{
    [Fact]
    public async Task Echoes_string_and_numeric_ids()
    {
        var reply = await server.PostAsync("""{"jsonrpc":"2.0","id":"abc","method":"eth_chainId","params":[]}""");
        Assert.Equal("abc", reply!["id"]!.GetValue<string>());
        Assert.Equal("0x275b0", reply["result"]!.GetValue<string>());
        reply = await server.PostAsync("""{"jsonrpc":"2.0","id":42,"method":"eth_chainId"}""");
        Assert.Equal(42, reply!["id"]!.GetValue<int>());
    }

    [Fact]
    public async Task Batch_answers_every_request_in_order_with_its_own_id_and_error()
    {
        var reply = await server.PostAsync("""
            [{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]},
             {"jsonrpc":"2.0","id":2,"method":"eth_nope","params":[]},
             {"jsonrpc":"2.0","id":3,"method":"eth_blockNumber","params":[]},
             {"jsonrpc":"2.0","method":"eth_blockNumber","params":[]},
             5]
            """);
        var replies = reply!.AsArray();
        Assert.Equal(4, replies.Count);
        Assert.Equal(1, replies[0]!["id"]!.GetValue<int>());
        Assert.Equal("0x275b0", replies[0]!["result"]!.GetValue<string>());
        Assert.Equal(-32601, replies[1]!["error"]!["code"]!.GetValue<int>());
        Assert.Equal(3, replies[2]!["id"]!.GetValue<int>());
        Assert.Equal("0x2", replies[2]!["result"]!.GetValue<string>());
        Assert.Equal(-32600, replies[3]!["error"]!["code"]!.GetValue<int>());
        Assert.Null(replies[3]!["id"]);
    }

    [Fact]
    public async Task Malformed_json_is_a_parse_error_with_null_id()
    {
        var reply = await server.PostAsync("""{"jsonrpc":"2.0","id":1,"method":""");
        Assert.Equal(-32700, reply!["error"]!["code"]!.GetValue<int>());
        Assert.StartsWith("parse error", reply["error"]!["message"]!.GetValue<string>());
        Assert.True(reply.AsObject().ContainsKey("id"));
        Assert.Null(reply["id"]);
    }

    [Theory]
    [InlineData("""{"id":1,"method":"eth_chainId"}""", "\"jsonrpc\" must be \"2.0\"")]
    [InlineData("""{"jsonrpc":"1.0","id":1,"method":"eth_chainId"}""", "\"jsonrpc\" must be \"2.0\"")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":5}""", "\"method\" must be a string")]
    [InlineData("""{"jsonrpc":"2.0","id":{"a":1},"method":"eth_chainId"}""", "id must be a string")]
    [InlineData("""[]""", "empty batch")]
    [InlineData("""17""", "expected a JSON object")]
    public async Task Invalid_requests_get_minus_32600(string body, string expected)
    {
        var reply = await server.PostAsync(body);
        Assert.Equal(-32600, reply!["error"]!["code"]!.GetValue<int>());
        Assert.Contains(expected, reply["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Oversized_batch_is_refused_as_a_whole()
    {
        var body = "[" + string.Join(",", Enumerable.Range(0, 51).Select(i => $$"""{"jsonrpc":"2.0","id":{{i}},"method":"eth_chainId"}""")) + "]";
        var reply = await server.PostAsync(body);
        Assert.Equal(-32600, reply!["error"]!["code"]!.GetValue<int>());
        Assert.Contains("batch too large: 51 requests, at most 50", reply["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_method_is_minus_32601_naming_it()
    {
        var (code, message, _) = await server.ErrorAsync("eth_mining");
        Assert.Equal(-32601, code);
        Assert.Equal("the method eth_mining does not exist/is not available", message);
    }

    [Theory]
    [InlineData("eth_getBalance", "[\"0x12\",\"latest\"]", "invalid argument 0: invalid address")]
    [InlineData("eth_getBalance", "[\"1111111111111111111111111111111111111111\"]", "invalid argument 0: hex string without 0x prefix")]
    [InlineData("eth_getBalance", "[]", "missing value for required argument 0")]
    [InlineData("eth_getBlockByNumber", "[\"0x01\",false]", "invalid argument 0: hex number with leading zero digits")]
    [InlineData("eth_getBlockByNumber", "[\"newest\",false]", "invalid argument 0: 'newest' is not a block")]
    [InlineData("eth_getBlockByNumber", "[\"0x1\",\"yes\"]", "invalid argument 1: expected true or false")]
    [InlineData("eth_chainId", "[1]", "too many arguments, want at most 0")]
    [InlineData("eth_getTransactionByHash", "[\"0x1234\"]", "invalid argument 0: invalid hash")]
    [InlineData("eth_call", "[{\"to\":\"0x2222222222222222222222222222222222222222\",\"data\":\"0x01\",\"input\":\"0x02\"}]", "both \"data\" and \"input\" are set")]
    [InlineData("eth_feeHistory", "[\"0x0\",\"latest\",[]]", "block count must be at least 1")]
    [InlineData("eth_feeHistory", "[\"0x2\",\"latest\",[50,10]]", "percentiles must be in increasing order")]
    [InlineData("eth_getLogs", "[{\"fromBlock\":\"0x2\",\"toBlock\":\"0x1\"}]", "invalid block range params")]
    [InlineData("eth_sendRawTransaction", "[\"0xzz\"]", "invalid argument 0: invalid hex data")]
    public async Task Bad_parameters_are_minus_32602_with_the_reason(string method, string parameters, string expected)
    {
        var reply = await server.PostAsync($$"""{"jsonrpc":"2.0","id":1,"method":"{{method}}","params":{{parameters}}}""");
        Assert.Equal(-32602, reply!["error"]!["code"]!.GetValue<int>());
        Assert.Contains(expected, reply["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Named_params_are_refused()
    {
        var reply = await server.PostAsync("""{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":{"address":"0x1111111111111111111111111111111111111111"}}""");
        Assert.Equal(-32602, reply!["error"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Unexpected_backend_failure_is_minus_32603()
    {
        var (code, message, _) = await server.ErrorAsync("eth_getProof", FakeNodeBackend.Broken.ToString(), Array.Empty<string>(), "latest");
        Assert.Equal(-32603, code);
        Assert.Equal("internal error in eth_getProof: the trie node store is corrupt", message);
    }

    [Fact]
    public async Task Notifications_get_no_reply()
    {
        using var response = await server.Http.PostAsync("/", new StringContent(
            """[{"jsonrpc":"2.0","method":"eth_chainId"},{"jsonrpc":"2.0","method":"eth_blockNumber","params":[]}]""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Get_is_not_allowed_and_says_how_to_call()
    {
        using var response = await server.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("POST", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Replies_are_json_with_the_right_content_type()
    {
        using var response = await server.Http.PostAsync("/", new StringContent(
            """{"jsonrpc":"2.0","id":1,"method":"net_version"}""", Encoding.UTF8, "application/json"));
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var reply = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("161200", reply["result"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bodies_above_the_limit_are_refused_with_413()
    {
        var huge = "[" + string.Join(",", Enumerable.Repeat("\"" + new string('a', 1022) + "\"", 6 * 1024)) + "]";
        // Expect: 100-continue lets the server refuse on the declared length before the body is sent.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(huge, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        using var response = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        // The server keeps serving afterwards.
        Assert.Equal("0x275b0", (string?)await server.ResultAsync("eth_chainId"));
    }
}
