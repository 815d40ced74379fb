using System.Numerics;
using Grpc.Core;
using Grpc.Net.Client;
using Google.Protobuf;
using OpenLedger.Node.Tests.EndToEnd.Support;
using OpenLedger.Rpc.V1;
using Xunit;

namespace OpenLedger.Node.Tests.EndToEnd;

/// <summary>The openledger.v1 gRPC API from the generated C# client and from @grpc/grpc-js.</summary>
[Collection(DevnetCollection.Name)]
public class GrpcClientTests(DevnetFixture fixture)
{
    [Fact]
    public async Task CSharpClient_BroadcastsASignedTransfer_WaitsForItsReceipt_AndReadsAccountBlockAndStatus()
    {
        using var channel = GrpcChannel.ForAddress(fixture.Devnet.GrpcUrl);
        var tx = new TxService.TxServiceClient(channel);
        var query = new QueryService.QueryServiceClient(channel);
        var node = new NodeService.NodeServiceClient(channel);
        var key = DevAccounts.Key(DevAccounts.GrpcCSharp);
        var to = DevAccounts.Recipients[1];
        var deadline = () => DateTime.UtcNow.AddSeconds(30);

        var status = await node.StatusAsync(new StatusRequest(), deadline: deadline());
        Assert.Equal(161200UL, status.ChainId);
        Assert.True(status.Height >= 1);
        Assert.False(status.Syncing);
        Assert.Matches("^0x[0-9a-f]{64}$", status.HeadHash);

        var before = await query.GetAccountAsync(new GetAccountRequest { Address = key.Address.ToChecksumString() }, deadline: deadline());
        var value = (UInt128)987_654_321_000UL;
        var signed = TestTransactions.Sign(TestTransactions.Transfer(before.PendingNonce, to, value), key);
        var broadcast = await tx.BroadcastAsync(new BroadcastRequest { RawTransaction = ByteString.CopyFrom(signed.Encoded) }, deadline: deadline());
        Assert.Equal(signed.Hash.ToString(), broadcast.TransactionHash);

        var receipt = await tx.WaitReceiptAsync(new WaitReceiptRequest { Hash = broadcast.TransactionHash, TimeoutMs = 30_000 }, deadline: deadline());
        Assert.True(receipt.Success);
        Assert.Equal(21_000UL, receipt.GasUsed);
        Assert.Equal(key.Address.ToChecksumString(), receipt.From);
        Assert.Equal(to.ToChecksumString(), receipt.To);
        Assert.Equal(2U, receipt.Type);

        var at = (ulong n) => new BlockRef { Number = n };
        var senderBefore = await query.GetAccountAsync(new GetAccountRequest { Address = key.Address.ToString(), Block = at(receipt.BlockNumber - 1) });
        var senderAfter = await query.GetAccountAsync(new GetAccountRequest { Address = key.Address.ToString(), Block = at(receipt.BlockNumber) });
        var recipientBefore = await query.GetAccountAsync(new GetAccountRequest { Address = to.ToString(), Block = at(receipt.BlockNumber - 1) });
        var recipientAfter = await query.GetAccountAsync(new GetAccountRequest { Address = to.ToString(), Block = at(receipt.BlockNumber) });
        var fee = (BigInteger)receipt.GasUsed * BigInteger.Parse(receipt.EffectiveGasPrice);
        Assert.Equal(BigInteger.Parse(senderBefore.Balance) - (BigInteger)value - fee, BigInteger.Parse(senderAfter.Balance));
        Assert.Equal(BigInteger.Parse(recipientBefore.Balance) + (BigInteger)value, BigInteger.Parse(recipientAfter.Balance));
        Assert.Equal(before.PendingNonce + 1, senderAfter.Nonce);
        Assert.Equal(receipt.BlockNumber, senderAfter.BlockNumber);
        Assert.False(senderAfter.IsModule);

        var block = await query.GetBlockAsync(new GetBlockRequest { Block = at(receipt.BlockNumber), FullTransactions = true }, deadline: deadline());
        Assert.Equal(receipt.BlockNumber, block.Header.Number);
        Assert.Equal(receipt.BlockHash, block.Header.Hash);
        Assert.Contains(broadcast.TransactionHash, block.TransactionHashes);
        var included = Assert.Single(block.Transactions, t => t.Hash == broadcast.TransactionHash);
        Assert.Equal(signed.Encoded.ToArray(), included.Raw.ToByteArray());
        Assert.Equal(value.ToString(), included.Value);
        Assert.Equal(60_000_000UL, block.Header.GasLimit);
        var byHash = await query.GetBlockAsync(new GetBlockRequest { Block = new BlockRef { Hash = receipt.BlockHash } }, deadline: deadline());
        Assert.Equal(block.Header.StateRoot, byHash.Header.StateRoot);
        var viaJsonRpc = await fixture.Rpc.BlockAsync(receipt.BlockNumber);
        Assert.Equal(viaJsonRpc.GetProperty("stateRoot").GetString(), block.Header.StateRoot);

        var later = await node.StatusAsync(new StatusRequest(), deadline: deadline());
        Assert.True(later.Height >= receipt.BlockNumber);

        // Sending the same bytes again is a duplicate (nonce already used once the block committed).
        var again = await Assert.ThrowsAsync<RpcException>(async () =>
            await tx.BroadcastAsync(new BroadcastRequest { RawTransaction = ByteString.CopyFrom(signed.Encoded) }, deadline: deadline()));
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
        Assert.StartsWith("nonce too low", again.Status.Detail);
    }

    [Fact]
    public async Task GrpcJs_StatusAccountAndBroadcastOfAnEthersSignedTransfer()
    {
        var key = DevAccounts.Key(DevAccounts.GrpcJs);
        var to = DevAccounts.Recipients[2];
        var output = await InteropScript.RunAsync("grpc-js-client.mjs", new Dictionary<string, string?>
        {
            ["OL_GRPC"] = fixture.Devnet.GrpcUrl,
            ["OL_PROTO_DIR"] = InteropScript.ProtoDirectory,
            ["OL_KEY"] = key.ToHex(),
            ["OL_TO"] = to.ToChecksumString(),
            ["OL_CHAIN_ID"] = "161200",
        });
        var context = output.ToString();

        var status = output.GetProperty("status");
        Assert.Equal("161200", status.GetProperty("chain_id").GetString());
        Assert.True(ulong.Parse(status.GetProperty("height").GetString()!) >= 1, context);
        Assert.False(string.IsNullOrEmpty(status.GetProperty("version").GetString()), context);

        var before = output.GetProperty("before");
        Assert.Equal(key.Address.ToChecksumString(), output.GetProperty("address").GetString());
        var balanceNow = await fixture.Rpc.BalanceAsync(key.Address.ToString());
        Assert.True(BigInteger.Parse(before.GetProperty("balance").GetString()!) > balanceNow, context); // it paid since

        Assert.Equal(output.GetProperty("expectedHash").GetString(), output.GetProperty("broadcastHash").GetString());
        var receipt = output.GetProperty("receipt");
        Assert.True(receipt.GetProperty("success").GetBoolean(), context);
        Assert.Equal("21000", receipt.GetProperty("gas_used").GetString());
        Assert.Equal(key.Address.ToChecksumString(), receipt.GetProperty("from").GetString());
        Assert.Equal(to.ToChecksumString(), receipt.GetProperty("to").GetString());

        var beforeAtBlock = output.GetProperty("beforeAtBlock");
        var after = output.GetProperty("after");
        var fee = 21_000 * BigInteger.Parse(receipt.GetProperty("effective_gas_price").GetString()!);
        Assert.Equal(BigInteger.Parse(beforeAtBlock.GetProperty("balance").GetString()!) - 123_456_789 - fee,
            BigInteger.Parse(after.GetProperty("balance").GetString()!));
        Assert.Equal(ulong.Parse(beforeAtBlock.GetProperty("nonce").GetString()!) + 1, ulong.Parse(after.GetProperty("nonce").GetString()!));

        // The same raw transaction again: FAILED_PRECONDITION (9), nonce too low.
        var rejection = output.GetProperty("resubmitRejection");
        Assert.Equal((int)StatusCode.FailedPrecondition, rejection.GetProperty("code").GetInt32());
        Assert.StartsWith("nonce too low", rejection.GetProperty("details").GetString());

        // The node agrees with what grpc-js saw.
        var viaJsonRpc = await fixture.Rpc.CallAsync("eth_getTransactionReceipt", output.GetProperty("broadcastHash").GetString());
        Assert.Equal("0x1", viaJsonRpc.GetProperty("status").GetString());
    }
}
