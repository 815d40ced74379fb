using System.Text.Json.Nodes;
using OpenLedger.Core.Encoding;
using OpenLedger.Rpc.Backend;
using OpenLedger.Rpc.Tests.Support;
using Xunit;

namespace OpenLedger.Rpc.Tests;

/// <summary>Every Ethereum method's result shape and its chain-level errors, against the fake chain.</summary>
public sealed class JsonRpcMethodTests(RpcServerFixture server) : IClassFixture<RpcServerFixture>
{
    private FakeNodeBackend Chain => server.Backend;
    private static readonly string Alice = FakeNodeBackend.Alice.ToString();
    private static readonly string Staking = FakeNodeBackend.Staking.ToString();

    [Fact]
    public async Task Identity_methods()
    {
        Assert.Equal("0x275b0", (string?)await server.ResultAsync("eth_chainId"));
        Assert.Equal("161200", (string?)await server.ResultAsync("net_version"));
        Assert.Equal("openledger/v0.1.0-test/dotnet", (string?)await server.ResultAsync("web3_clientVersion"));
        Assert.True((bool)(await server.ResultAsync("net_listening"))!);
        Assert.Equal("0x2", (string?)await server.ResultAsync("net_peerCount"));
        Assert.Empty((await server.ResultAsync("eth_accounts"))!.AsArray());
        Assert.False((bool)(await server.ResultAsync("eth_syncing"))!);
    }

    [Fact]
    public async Task Block_number_balance_nonce_and_code()
    {
        Assert.Equal("0x2", (string?)await server.ResultAsync("eth_blockNumber"));
        Assert.Equal("0x56bc75e2d63100000", (string?)await server.ResultAsync("eth_getBalance", Alice, "latest"));
        Assert.Equal("0x56bc75e2d63100000", (string?)await server.ResultAsync("eth_getBalance", Alice));
        Assert.Equal("0x0", (string?)await server.ResultAsync("eth_getBalance", "0x3333333333333333333333333333333333333333", "finalized"));
        Assert.Equal("0x3", (string?)await server.ResultAsync("eth_getTransactionCount", Alice, "latest"));
        Assert.Equal("0x3", (string?)await server.ResultAsync("eth_getTransactionCount", Alice, "pending"));
        Assert.Equal("0x", (string?)await server.ResultAsync("eth_getCode", Alice, "latest"));
        Assert.Equal("0xfe", (string?)await server.ResultAsync("eth_getCode", Staking, "latest"));
        // A block-hash parameter (EIP-1898) naming the head is the latest state.
        var head = Chain.GetBlock(2)!.Hash.ToString();
        Assert.Equal("0x3", (string?)await server.ResultAsync("eth_getTransactionCount", Alice, new { blockHash = head }));
    }

    [Fact]
    public async Task Historical_state_and_future_blocks_are_server_errors_with_reasons()
    {
        var (code, message, _) = await server.ErrorAsync("eth_getBalance", Alice, "0x1");
        Assert.Equal(-32000, code);
        Assert.Contains("state of block 1 is not kept", message);
        (code, message, _) = await server.ErrorAsync("eth_getBalance", Alice, "0x9");
        Assert.Equal(-32000, code);
        Assert.Equal("header not found: block 9 is above the head 2", message);
        (code, message, _) = await server.ErrorAsync("eth_getBalance", Alice, "0x" + new string('7', 64));
        Assert.Equal(-32000, code);
        Assert.StartsWith("header for hash 0x7777", message);
    }

    [Fact]
    public async Task Fees()
    {
        Assert.Equal("0x89173700", (string?)await server.ResultAsync("eth_gasPrice")); // 0.8 + 1.5 gwei
        Assert.Equal("0x59682f00", (string?)await server.ResultAsync("eth_maxPriorityFeePerGas"));
        var history = (await server.ResultAsync("eth_feeHistory", "0x3", "latest", new[] { 10.0, 61.0 }))!;
        Assert.Equal("0x0", (string?)history["oldestBlock"]);
        Assert.Equal(["0x3b9aca00", "0x3b9aca00", "0x342770c0", "0x2faf0800"], history["baseFeePerGas"]!.AsArray().Select(n => (string)n!));
        var ratios = history["gasUsedRatio"]!.AsArray().Select(n => (double)n!).ToArray();
        Assert.Equal([0.0, 42_000 / 60e6, 75_000 / 60e6], ratios);
        var rewards = history["reward"]!.AsArray();
        Assert.Equal(["0x0", "0x0"], rewards[0]!.AsArray().Select(n => (string)n!));
        // Block 1: tips 1 gwei (type 2) and 2 gwei (legacy at 3 gwei over a 1 gwei base fee), 21,000 gas each.
        Assert.Equal(["0x3b9aca00", "0x77359400"], rewards[1]!.AsArray().Select(n => (string)n!));
        // Block 2: base 0.875 gwei; the type-1 tx paid 2 gwei (tip 1.125 gwei, 45,000 gas = 60% of the gas), the type-2
        // a 2 gwei tip (30,000 gas): the 61st percentile falls in the second.
        Assert.Equal(["0x430e2340", "0x77359400"], rewards[2]!.AsArray().Select(n => (string)n!));

        var narrow = (await server.ResultAsync("eth_feeHistory", 1, "0x1"))!;
        Assert.Equal("0x1", (string?)narrow["oldestBlock"]);
        Assert.Equal(["0x3b9aca00", "0x342770c0"], narrow["baseFeePerGas"]!.AsArray().Select(n => (string)n!));
        Assert.False(narrow.AsObject().ContainsKey("reward"));
    }

    [Fact]
    public async Task Call_and_estimate()
    {
        var call = new { to = Staking, data = "0x1234", from = Alice };
        Assert.Equal(Hex.Encode(Core.Crypto.Keccak256.HashToArray([0x12, 0x34])), (string?)await server.ResultAsync("eth_call", call, "latest"));
        Assert.Equal("0x5228", (string?)await server.ResultAsync("eth_estimateGas", call)); // 21,000 + 2 x 16
        Assert.Equal("0x5228", (string?)await server.ResultAsync("eth_estimateGas", new { to = Staking, input = "0x1234", gas = "0x30000", value = "0x0" }));
    }

    [Fact]
    public async Task Reverts_are_code_3_with_the_revert_bytes_and_other_failures_minus_32000()
    {
        var revert = new { to = Staking, data = "0xdeadbeef" };
        var expectedData = Hex.Encode(FakeNodeBackend.ErrorString("stake below minimum"));
        foreach (var method in new[] { "eth_call", "eth_estimateGas" })
        {
            var (code, message, data) = await server.ErrorAsync(method, revert, "latest");
            Assert.Equal(3, code);
            Assert.Equal("execution reverted: stake below minimum", message);
            Assert.Equal(expectedData, (string?)data);
        }
        var (oogCode, oogMessage, oogData) = await server.ErrorAsync("eth_call", new { to = Staking, gas = "0x100" });
        Assert.Equal(-32000, oogCode);
        Assert.Equal("out of gas: the call needs 21000 gas, the limit is 256", oogMessage);
        Assert.Null(oogData);
    }

    [Fact]
    public async Task Blocks_by_number_tag_and_hash()
    {
        var block = (await server.ResultAsync("eth_getBlockByNumber", "0x1", false))!.AsObject();
        var header = Chain.GetBlock(1)!.Header;
        string[] fields =
        [
            "number", "hash", "parentHash", "nonce", "sha3Uncles", "logsBloom", "transactionsRoot", "stateRoot", "receiptsRoot",
            "miner", "difficulty", "totalDifficulty", "extraData", "size", "gasLimit", "gasUsed", "timestamp", "baseFeePerGas",
            "mixHash", "transactions", "uncles",
        ];
        Assert.Equal(fields.Order(), block.Select(p => p.Key).Order());
        Assert.Equal("0x1", (string?)block["number"]);
        Assert.Equal(header.Hash.ToString(), (string?)block["hash"]);
        Assert.Equal(Chain.GetBlock(0)!.Hash.ToString(), (string?)block["parentHash"]);
        Assert.Equal("0x0000000000000000", (string?)block["nonce"]);
        Assert.Equal("0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347", (string?)block["sha3Uncles"]);
        Assert.Equal(514, ((string?)block["logsBloom"])!.Length);
        Assert.Equal(FakeNodeBackend.Proposer.ToString(), (string?)block["miner"]);
        Assert.Equal("0x0", (string?)block["difficulty"]);
        Assert.Equal("0x", (string?)block["extraData"]);
        Assert.Equal("0x3938700", (string?)block["gasLimit"]);
        Assert.Equal("0xa410", (string?)block["gasUsed"]);
        Assert.Equal(Hex.EncodeQuantity((FakeNodeBackend.GenesisTimeMs + 500) / 1000), (string?)block["timestamp"]);
        Assert.Equal("0x3b9aca00", (string?)block["baseFeePerGas"]);
        Assert.Equal(Hex.EncodeQuantity(Chain.GetBlock(1)!.SizeBytes), (string?)block["size"]);
        Assert.Equal([Chain.TransferAliceToBob.Hash.ToString(), Chain.TransferBobToAlice.Hash.ToString()],
            block["transactions"]!.AsArray().Select(t => (string)t!));
        Assert.Empty(block["uncles"]!.AsArray());

        var full = (await server.ResultAsync("eth_getBlockByHash", header.Hash.ToString(), true))!;
        Assert.Equal(Chain.TransferAliceToBob.Hash.ToString(), (string?)full["transactions"]![0]!["hash"]);
        Assert.Equal("0x1", (string?)full["transactions"]![1]!["blockNumber"]);

        foreach (var tag in new[] { "latest", "safe", "finalized", "pending" })
            Assert.Equal("0x2", (string?)(await server.ResultAsync("eth_getBlockByNumber", tag, false))!["number"]);
        Assert.Equal("0x0", (string?)(await server.ResultAsync("eth_getBlockByNumber", "earliest", false))!["number"]);
        Assert.Null(await server.ResultAsync("eth_getBlockByNumber", "0x99", false));
        Assert.Null(await server.ResultAsync("eth_getBlockByHash", "0x" + new string('a', 64), false));
    }

    [Fact]
    public async Task Transactions_of_each_type()
    {
        var eip1559 = (await server.ResultAsync("eth_getTransactionByHash", Chain.TransferAliceToBob.Hash.ToString()))!.AsObject();
        Assert.Equal("0x2", (string?)eip1559["type"]);
        Assert.Equal(Alice, (string?)eip1559["from"]);
        Assert.Equal(FakeNodeBackend.Bob.ToString(), (string?)eip1559["to"]);
        Assert.Equal("0xde0b6b3a7640000", (string?)eip1559["value"]);
        Assert.Equal("0x186a0", (string?)eip1559["gas"]);
        Assert.Equal("0x77359400", (string?)eip1559["maxFeePerGas"]);
        Assert.Equal("0x3b9aca00", (string?)eip1559["maxPriorityFeePerGas"]);
        Assert.Equal("0x77359400", (string?)eip1559["gasPrice"]); // base 1 gwei + tip 1 gwei, capped at 2 gwei
        Assert.Equal("0x", (string?)eip1559["input"]);
        Assert.Equal("0x0", (string?)eip1559["nonce"]);
        Assert.Equal("0x275b0", (string?)eip1559["chainId"]);
        Assert.Equal("0x1", (string?)eip1559["v"]);
        Assert.Equal("0x1", (string?)eip1559["yParity"]);
        Assert.Equal("0x" + new string('1', 64), (string?)eip1559["r"]);
        Assert.Equal("0x" + new string('2', 62), (string?)eip1559["s"]); // leading zero byte dropped: a quantity
        Assert.Empty(eip1559["accessList"]!.AsArray());
        Assert.Equal("0x0", (string?)eip1559["transactionIndex"]);
        Assert.Equal(Chain.GetBlock(1)!.Hash.ToString(), (string?)eip1559["blockHash"]);

        var legacy = (await server.ResultAsync("eth_getTransactionByHash", Chain.TransferBobToAlice.Hash.ToString()))!.AsObject();
        Assert.Equal("0x0", (string?)legacy["type"]);
        Assert.Equal("0xb2d05e00", (string?)legacy["gasPrice"]);
        Assert.Equal(Hex.EncodeQuantity(161200UL * 2 + 36), (string?)legacy["v"]);
        Assert.False(legacy.ContainsKey("yParity"));
        Assert.False(legacy.ContainsKey("accessList"));
        Assert.False(legacy.ContainsKey("maxFeePerGas"));

        var eip2930 = (await server.ResultAsync("eth_getTransactionByHash", Chain.Delegate.Hash.ToString()))!.AsObject();
        Assert.Equal("0x1", (string?)eip2930["type"]);
        Assert.Equal(Staking, (string?)eip2930["accessList"]![0]!["address"]);
        Assert.Equal([new string('0', 64).Insert(0, "0x")], eip2930["accessList"]![0]!["storageKeys"]!.AsArray().Select(k => (string)k!));
        Assert.Equal("0x5c19a95c" + new string('0', 64), (string?)eip2930["input"]);

        Assert.Null(await server.ResultAsync("eth_getTransactionByHash", "0x" + new string('b', 64)));
    }

    [Fact]
    public async Task Receipts_with_logs_and_failures()
    {
        var receipt = (await server.ResultAsync("eth_getTransactionReceipt", Chain.Delegate.Hash.ToString()))!.AsObject();
        string[] fields =
        [
            "blockHash", "blockNumber", "contractAddress", "cumulativeGasUsed", "effectiveGasPrice", "from", "gasUsed", "logs",
            "logsBloom", "status", "to", "transactionHash", "transactionIndex", "type",
        ];
        Assert.Equal(fields.Order(), receipt.Select(p => p.Key).Order());
        Assert.Equal("0x1", (string?)receipt["status"]);
        Assert.Equal("0x1", (string?)receipt["type"]);
        Assert.Null(receipt["contractAddress"]);
        Assert.Equal("0xafc8", (string?)receipt["gasUsed"]);
        Assert.Equal("0xafc8", (string?)receipt["cumulativeGasUsed"]);
        Assert.Equal("0x77359400", (string?)receipt["effectiveGasPrice"]);
        var log = receipt["logs"]![0]!.AsObject();
        Assert.Equal(Staking, (string?)log["address"]);
        Assert.Equal(FakeNodeBackend.DelegatedTopic.ToString(), (string?)log["topics"]![0]);
        Assert.Equal("0x0", (string?)log["logIndex"]);
        Assert.Equal("0x2", (string?)log["blockNumber"]);
        Assert.Equal(Chain.Delegate.Hash.ToString(), (string?)log["transactionHash"]);
        Assert.False((bool)log["removed"]!);

        var failed = (await server.ResultAsync("eth_getTransactionReceipt", Chain.FailedCall.Hash.ToString()))!;
        Assert.Equal("0x0", (string?)failed["status"]);
        Assert.Equal("0x1", (string?)failed["transactionIndex"]);
        Assert.Equal("0x124f8", (string?)failed["cumulativeGasUsed"]);
        Assert.Null(await server.ResultAsync("eth_getTransactionReceipt", "0x" + new string('c', 64)));
    }

    [Fact]
    public async Task Logs_by_range_address_topic_and_block_hash()
    {
        var all = (await server.ResultAsync("eth_getLogs", new { fromBlock = "earliest", toBlock = "latest" }))!.AsArray();
        Assert.Single(all);
        Assert.Equal(Chain.Delegate.Hash.ToString(), (string?)all[0]!["transactionHash"]);
        var aliceTopic = FakeNodeBackend.Word(FakeNodeBackend.Alice).ToString();
        var byTopic = (await server.ResultAsync("eth_getLogs", new { fromBlock = "0x0", address = new[] { Staking }, topics = new object?[] { null, new[] { aliceTopic } } }))!.AsArray();
        Assert.Single(byTopic);
        var otherTopic = (await server.ResultAsync("eth_getLogs", new { fromBlock = "0x0", topics = new[] { aliceTopic } }))!.AsArray();
        Assert.Empty(otherTopic);
        var byHash = (await server.ResultAsync("eth_getLogs", new { blockHash = Chain.GetBlock(2)!.Hash.ToString() }))!.AsArray();
        Assert.Single(byHash);
        Assert.Empty((await server.ResultAsync("eth_getLogs", new { fromBlock = "0x50", toBlock = "0x60" }))!.AsArray());

        var (code, message, _) = await server.ErrorAsync("eth_getLogs", new { blockHash = Chain.GetBlock(2)!.Hash.ToString(), fromBlock = "0x1" });
        Assert.Equal(-32602, code);
        Assert.Contains("cannot specify both BlockHash and FromBlock/ToBlock", message);
    }

    [Fact]
    public async Task Proof()
    {
        var proof = (await server.ResultAsync("eth_getProof", Alice, new[] { "0x01", "0x" + new string('0', 62) + "ff" }, "latest"))!;
        Assert.Equal(Alice, (string?)proof["address"]);
        Assert.Equal("0x56bc75e2d63100000", (string?)proof["balance"]);
        Assert.Equal("0x3", (string?)proof["nonce"]);
        Assert.Equal(Core.Types.Hash256.EmptyCodeHash.ToString(), (string?)proof["codeHash"]);
        Assert.Equal(Core.Types.Hash256.EmptyTrieRoot.ToString(), (string?)proof["storageHash"]);
        Assert.Single(proof["accountProof"]!.AsArray());
        var slots = proof["storageProof"]!.AsArray();
        Assert.Equal("0x" + new string('0', 63) + "1", (string?)slots[0]!["key"]);
        Assert.Equal("0x1", (string?)slots[0]!["value"]);
        Assert.Equal("0xff", (string?)slots[1]!["value"]);
    }

    [Fact]
    public async Task Send_raw_transaction_accepts_and_rejects_with_go_ethereum_messages()
    {
        var tx = FakeTransactionCodec.Seal(Chain.TransferAliceToBob with { Nonce = 77, To = FakeNodeBackend.Bob });
        var hash = (string?)await server.ResultAsync("eth_sendRawTransaction", Hex.Encode(tx.Encoded));
        Assert.Equal(tx.Hash.ToString(), hash);
        Assert.Equal(hash, (string?)(await server.ResultAsync("eth_getTransactionByHash", hash))!["hash"]);
        Assert.Null((await server.ResultAsync("eth_getTransactionByHash", hash))!["blockNumber"]);

        var (code, message, _) = await server.ErrorAsync("eth_sendRawTransaction", Hex.Encode(tx.Encoded));
        Assert.Equal(-32000, code);
        Assert.Equal("already known", message);

        var cases = new (TxRejectionReason Reason, string Detail, string Expected)[]
        {
            (TxRejectionReason.NonceTooLow, "next nonce 3, tx nonce 1", "nonce too low: next nonce 3, tx nonce 1"),
            (TxRejectionReason.InsufficientFunds, "balance 0, cost 21000000000000", "insufficient funds for gas * price + value: balance 0, cost 21000000000000"),
            (TxRejectionReason.Underpriced, "", "transaction underpriced"),
            (TxRejectionReason.ReplacementUnderpriced, "bump the fees by 10%", "replacement transaction underpriced: bump the fees by 10%"),
            (TxRejectionReason.MempoolFull, "", "txpool is full"),
        };
        foreach (var (reason, detail, expected) in cases)
        {
            Chain.RejectNext(reason, detail);
            (code, message, _) = await server.ErrorAsync("eth_sendRawTransaction", "0x02c0");
            Assert.Equal(-32000, code);
            Assert.Equal(expected, message);
        }
        (code, message, _) = await server.ErrorAsync("eth_sendRawTransaction", "0x02c0");
        Assert.Equal(-32000, code);
        Assert.StartsWith("invalid transaction encoding: ", message);
        var wrongChain = FakeTransactionCodec.Seal(tx with { ChainId = 1 });
        (code, message, _) = await server.ErrorAsync("eth_sendRawTransaction", Hex.Encode(wrongChain.Encoded));
        Assert.Equal("invalid chain id: transaction is signed for chain 1, this chain is 161200", message);
    }
}
