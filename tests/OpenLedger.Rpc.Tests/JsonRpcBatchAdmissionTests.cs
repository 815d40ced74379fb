using System.Text.Json;
using System.Text.Json.Nodes;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Rpc.Backend;
using OpenLedger.Rpc.JsonRpc;
using OpenLedger.Rpc.Tests.Support;
using Xunit;

namespace OpenLedger.Rpc.Tests;

/// <summary>
/// A JSON-RPC batch of eth_sendRawTransaction is admitted as one backend batch (parallel sender recovery), while
/// every request keeps its own result or error, in request order, exactly as if sent one by one.
/// </summary>
public sealed class JsonRpcBatchAdmissionTests
{
    private static readonly PrivateKey Alice = PrivateKey.FromHex("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
    private static readonly PrivateKey Bob = PrivateKey.FromHex("0x8da4ef21b864d2cc526dbdb2a120bd2874c36c9d0a1fb7f8c63d7f7a8b41de8f");
    private static readonly PrivateKey Carol = PrivateKey.FromHex("0x0123456789012345678901234567890123456789012345678901234567890123");
    private static readonly Address Sink = Address.Parse("0x00000000000000000000000000000000000000c0");
    private static readonly UInt128 BaseFee = Wei.PerGwei;

    private readonly PoolBackend _backend = new(BaseFee);
    private readonly JsonRpcEndpoint _endpoint;

    public JsonRpcBatchAdmissionTests()
    {
        _backend.SetAccount(Alice.Address, 5, 10 * Wei.PerOpen);
        _backend.SetAccount(Bob.Address, 0, 10 * Wei.PerOpen);
        _backend.SetAccount(Carol.Address, 0, 0);
        var options = new RpcOptions();
        _endpoint = new JsonRpcEndpoint(new EthJsonRpcMethods(_backend, options), options, Serilog.Core.Logger.None);
    }

    [Fact]
    public async Task Raw_transactions_of_a_batch_are_admitted_together_with_one_answer_each_in_request_order()
    {
        var alice5 = Transfer(Alice, 5);
        var bob1 = Transfer(Bob, 1);
        var reply = await HandleAsync($$"""
            [{"jsonrpc":"2.0","id":"a","method":"eth_sendRawTransaction","params":["{{Raw(alice5)}}"]},
             {"jsonrpc":"2.0","id":2,"method":"eth_sendRawTransaction","params":["{{Raw(Transfer(Alice, 4))}}"]},
             {"jsonrpc":"2.0","id":3,"method":"eth_sendRawTransaction","params":["{{Raw(Transfer(Bob, 0))}}"]},
             {"jsonrpc":"2.0","id":4,"method":"eth_sendRawTransaction","params":["{{Raw(alice5)}}"]},
             {"jsonrpc":"2.0","id":5,"method":"eth_sendRawTransaction","params":["0xzz"]},
             {"jsonrpc":"2.0","method":"eth_sendRawTransaction","params":["{{Raw(bob1)}}"]},
             {"jsonrpc":"2.0","id":7,"method":"eth_sendRawTransaction","params":["{{Raw(Transfer(Carol, 0))}}"]},
             {"jsonrpc":"2.0","id":null,"method":"eth_sendRawTransaction","params":["{{Raw(Transfer(Alice, 6))}}"]}]
            """);

        var replies = reply!.AsArray();
        Assert.Equal(["\"a\"", "2", "3", "4", "5", "7", "null"], replies.Select(r => r!["id"]?.ToJsonString() ?? "null"));
        Assert.Equal(alice5.Hash.ToString(), replies[0]!["result"]!.GetValue<string>());
        AssertError(replies[1]!, JsonRpcErrorCodes.ServerError, "nonce too low");
        Assert.Equal(Transfer(Bob, 0).Hash.ToString(), replies[2]!["result"]!.GetValue<string>());
        AssertError(replies[3]!, JsonRpcErrorCodes.ServerError, "already known");
        AssertError(replies[4]!, JsonRpcErrorCodes.InvalidParams, "invalid argument 0");
        AssertError(replies[5]!, JsonRpcErrorCodes.ServerError, "insufficient funds");
        Assert.Equal(Transfer(Alice, 6).Hash.ToString(), replies[6]!["result"]!.GetValue<string>());
        foreach (var answer in replies) Assert.True(answer!["result"] is null ^ answer["error"] is null);

        // One admission for the seven decodable requests (the notification included), none one by one.
        Assert.Equal([7], _backend.Batches);
        Assert.Equal(0, _backend.SingleSubmissions);
        Assert.Equal(4, _backend.Pool.Count);
        Assert.True(_backend.Pool.Contains(bob1.Hash));
        Assert.Equal(7UL, _backend.GetPendingNonce(Alice.Address));
    }

    [Fact]
    public async Task A_request_between_submissions_sees_the_earlier_ones_admitted()
    {
        var reply = await HandleAsync($$"""
            [{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["{{Raw(Transfer(Alice, 5))}}"]},
             {"jsonrpc":"2.0","id":2,"method":"eth_getTransactionCount","params":["{{Alice.Address}}","pending"]},
             {"jsonrpc":"2.0","id":3,"method":"eth_sendRawTransaction","params":["{{Raw(Transfer(Alice, 6))}}"]},
             {"jsonrpc":"2.0","id":4,"method":"eth_sendRawTransaction","params":["{{Raw(Transfer(Alice, 7))}}"]},
             {"jsonrpc":"2.0","id":5,"method":"eth_getTransactionCount","params":["{{Alice.Address}}","pending"]}]
            """);

        var replies = reply!.AsArray();
        Assert.Equal(5, replies.Count);
        Assert.Equal("0x6", replies[1]!["result"]!.GetValue<string>());
        Assert.Equal("0x8", replies[4]!["result"]!.GetValue<string>());
        Assert.Equal([1, 2], _backend.Batches);
    }

    [Fact]
    public async Task A_failing_backend_answers_every_submission_of_the_run_with_the_error()
    {
        _backend.BatchFailure = new NodeBackendException(BackendErrorKind.Syncing, "the node is still syncing; try again when it has caught up");
        var reply = await HandleAsync($$"""
            [{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["{{Raw(Transfer(Alice, 5))}}"]},
             {"jsonrpc":"2.0","method":"eth_sendRawTransaction","params":["{{Raw(Transfer(Bob, 0))}}"]},
             {"jsonrpc":"2.0","id":3,"method":"eth_sendRawTransaction","params":["{{Raw(Transfer(Alice, 6))}}"]},
             {"jsonrpc":"2.0","id":4,"method":"eth_chainId","params":[]}]
            """);

        var replies = reply!.AsArray();
        Assert.Equal(3, replies.Count);
        AssertError(replies[0]!, JsonRpcErrorCodes.ServerError, "the node is still syncing");
        AssertError(replies[1]!, JsonRpcErrorCodes.ServerError, "the node is still syncing");
        Assert.Equal(3, replies[1]!["id"]!.GetValue<int>());
        Assert.Equal("0x275b0", replies[2]!["result"]!.GetValue<string>());
        Assert.Equal(0, _backend.Pool.Count);
    }

    [Fact]
    public async Task A_single_request_is_admitted_on_its_own()
    {
        var tx = Transfer(Alice, 5);
        var reply = await HandleAsync($$"""{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["{{Raw(tx)}}"]}""");

        Assert.Equal(tx.Hash.ToString(), reply!["result"]!.GetValue<string>());
        Assert.Equal(1, _backend.SingleSubmissions);
        Assert.Empty(_backend.Batches);
    }

    private async Task<JsonNode?> HandleAsync(string body)
    {
        using var document = JsonDocument.Parse(body);
        return await _endpoint.HandleDocumentAsync(document.RootElement, CancellationToken.None);
    }

    private static void AssertError(JsonNode reply, int code, string messageStart)
    {
        Assert.Null(reply["result"]);
        Assert.Equal(code, reply["error"]!["code"]!.GetValue<int>());
        Assert.StartsWith(messageStart, reply["error"]!["message"]!.GetValue<string>());
    }

    private static Transaction Transfer(PrivateKey from, ulong nonce) => TransactionSigner.Sign(new UnsignedTransaction
    {
        Type = TxType.DynamicFee, ChainId = FakeNodeBackend.Chain, Nonce = nonce, MaxPriorityFeePerGas = Wei.PerGwei,
        MaxFeePerGas = 2 * BaseFee + Wei.PerGwei, GasLimit = 21_000, To = Sink, Value = 1,
    }, from);

    private static string Raw(Transaction tx) => Hex.Encode(tx.Encoded);
}
