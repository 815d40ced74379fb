using Google.Protobuf;
using Grpc.Core;
using OpenLedger.Rpc.Backend;
using OpenLedger.Rpc.Tests.Support;
using OpenLedger.Rpc.V1;
using Xunit;

namespace OpenLedger.Rpc.Tests;

/// <summary>openledger.v1.TxService through the C# gRPC client, including every status code it can return.</summary>
public sealed class GrpcTxServiceTests(RpcServerFixture server) : IClassFixture<RpcServerFixture>
{
    private TxService.TxServiceClient Client => new(server.Channel);
    private FakeNodeBackend Chain => server.Backend;

    private ByteString NewRawTransaction(ulong nonce) =>
        ByteString.CopyFrom(FakeTransactionCodec.Seal(Chain.TransferAliceToBob with { Nonce = nonce }).Encoded);

    [Fact]
    public async Task Broadcast_returns_the_hash_and_maps_rejections_to_status_codes()
    {
        var raw = NewRawTransaction(1000);
        var response = await Client.BroadcastAsync(new BroadcastRequest { RawTransaction = raw });
        Assert.Equal(Core.Crypto.Keccak256.Hash(raw.Span).ToString(), response.TransactionHash);

        var known = await Assert.ThrowsAsync<RpcException>(async () => await Client.BroadcastAsync(new BroadcastRequest { RawTransaction = raw }));
        Assert.Equal(StatusCode.AlreadyExists, known.StatusCode);
        Assert.Equal("already known", known.Status.Detail);

        var empty = await Assert.ThrowsAsync<RpcException>(async () => await Client.BroadcastAsync(new BroadcastRequest()));
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
        Assert.Contains("raw_transaction is empty", empty.Status.Detail);

        var garbage = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.BroadcastAsync(new BroadcastRequest { RawTransaction = ByteString.CopyFrom(0x02, 0xc1) }));
        Assert.Equal(StatusCode.InvalidArgument, garbage.StatusCode);
        Assert.StartsWith("invalid transaction encoding: ", garbage.Status.Detail);

        var cases = new (TxRejectionReason Reason, StatusCode Code, string Message)[]
        {
            (TxRejectionReason.NonceTooLow, StatusCode.FailedPrecondition, "nonce too low: next nonce 3"),
            (TxRejectionReason.NonceTooHigh, StatusCode.FailedPrecondition, "nonce too high: next nonce 3"),
            (TxRejectionReason.InsufficientFunds, StatusCode.FailedPrecondition, "insufficient funds for gas * price + value: next nonce 3"),
            (TxRejectionReason.FeeCapTooLow, StatusCode.FailedPrecondition, "max fee per gas less than block base fee: next nonce 3"),
            (TxRejectionReason.MempoolFull, StatusCode.ResourceExhausted, "txpool is full: next nonce 3"),
            (TxRejectionReason.InvalidSignature, StatusCode.InvalidArgument, "invalid transaction v, r, s values: next nonce 3"),
            (TxRejectionReason.GasLimitTooHigh, StatusCode.InvalidArgument, "exceeds block gas limit: next nonce 3"),
            (TxRejectionReason.Oversized, StatusCode.InvalidArgument, "oversized data: next nonce 3"),
            (TxRejectionReason.Syncing, StatusCode.Unavailable, "node is syncing: next nonce 3"),
        };
        foreach (var (reason, code, message) in cases)
        {
            Chain.RejectNext(reason, "next nonce 3");
            var error = await Assert.ThrowsAsync<RpcException>(async () => await Client.BroadcastAsync(new BroadcastRequest { RawTransaction = raw }));
            Assert.Equal(code, error.StatusCode);
            Assert.Equal(message, error.Status.Detail);
        }
    }

    [Fact]
    public async Task Broadcast_stream_summarises_every_transaction()
    {
        using var call = Client.BroadcastStream();
        for (ulong i = 0; i < 20; i++) await call.RequestStream.WriteAsync(new BroadcastRequest { RawTransaction = NewRawTransaction(2000 + i) });
        await call.RequestStream.WriteAsync(new BroadcastRequest { RawTransaction = NewRawTransaction(2000) });
        await call.RequestStream.WriteAsync(new BroadcastRequest { RawTransaction = ByteString.CopyFrom(0x02, 0xc1) });
        await call.RequestStream.CompleteAsync();
        var summary = await call;
        Assert.Equal(22UL, summary.Received);
        Assert.Equal(20UL, summary.Accepted);
        Assert.Equal(2UL, summary.Rejected);
        Assert.Equal(1UL, summary.RejectedByCode["ALREADY_EXISTS"]);
        Assert.Equal(1UL, summary.RejectedByCode["INVALID_ARGUMENT"]);
        Assert.Equal([20UL, 21UL], summary.FirstRejections.Select(r => r.Index));
        Assert.Equal("already known", summary.FirstRejections[0].ErrorMessage);
        Assert.StartsWith("invalid transaction encoding: ", summary.FirstRejections[1].ErrorMessage);
        Assert.False(summary.FirstRejections[0].Accepted);
    }

    [Fact]
    public async Task Broadcast_batches_number_results_across_messages()
    {
        using var call = Client.BroadcastBatches();
        var first = new BroadcastBatchRequest();
        for (ulong i = 0; i < 600; i++) first.RawTransactions.Add(NewRawTransaction(3000 + i));
        await call.RequestStream.WriteAsync(first);
        var second = new BroadcastBatchRequest();
        second.RawTransactions.Add(NewRawTransaction(3000));
        second.RawTransactions.Add(ByteString.Empty);
        second.RawTransactions.Add(NewRawTransaction(3600));
        second.RawTransactions.Add(ByteString.CopyFrom(0x02, 0xc1));
        await call.RequestStream.WriteAsync(second);
        await call.RequestStream.WriteAsync(new BroadcastBatchRequest());
        await call.RequestStream.CompleteAsync();
        var summary = await call;
        Assert.Equal(604UL, summary.Received);
        Assert.Equal(601UL, summary.Accepted);
        Assert.Equal(3UL, summary.Rejected);
        Assert.Equal(1UL, summary.RejectedByCode["ALREADY_EXISTS"]);
        Assert.Equal(2UL, summary.RejectedByCode["INVALID_ARGUMENT"]);
        Assert.Equal([600UL, 601UL, 603UL], summary.FirstRejections.Select(r => r.Index));
        Assert.Equal("already known", summary.FirstRejections[0].ErrorMessage);
        Assert.Equal("invalid transaction encoding: empty raw_transaction", summary.FirstRejections[1].ErrorMessage);
        Assert.StartsWith("invalid transaction encoding: ", summary.FirstRejections[2].ErrorMessage);
    }

    [Fact]
    public async Task Simulate_and_estimate()
    {
        var ok = await Client.SimulateAsync(new V1.CallRequest { To = FakeNodeBackend.Staking.ToString(), Data = ByteString.CopyFrom(1, 2, 3) });
        Assert.True(ok.Success);
        Assert.Equal(21_048UL, ok.GasUsed);
        Assert.Equal(Core.Crypto.Keccak256.HashToArray([1, 2, 3]), ok.ReturnData.ToByteArray());

        var reverted = await Client.SimulateAsync(new V1.CallRequest
        {
            To = FakeNodeBackend.Staking.ToString(), Data = ByteString.CopyFrom(FakeNodeBackend.RevertSelector), Value = "5",
        });
        Assert.False(reverted.Success);
        Assert.Equal("stake below minimum", reverted.RevertReason);
        Assert.Equal(FakeNodeBackend.ErrorString("stake below minimum"), reverted.ReturnData.ToByteArray());

        var estimate = await Client.EstimateGasAsync(new V1.CallRequest { From = FakeNodeBackend.Alice.ToString(), To = FakeNodeBackend.Bob.ToString() });
        Assert.Equal(21_000UL, estimate.GasLimit);

        var failed = await Assert.ThrowsAsync<RpcException>(async () => await Client.EstimateGasAsync(new V1.CallRequest
        {
            To = FakeNodeBackend.Staking.ToString(), Data = ByteString.CopyFrom(FakeNodeBackend.RevertSelector),
        }));
        Assert.Equal(StatusCode.FailedPrecondition, failed.StatusCode);
        Assert.Equal("execution reverted: stake below minimum", failed.Status.Detail);

        var badValue = await Assert.ThrowsAsync<RpcException>(async () => await Client.SimulateAsync(new V1.CallRequest { To = FakeNodeBackend.Bob.ToString(), Value = "1.5" }));
        Assert.Equal(StatusCode.InvalidArgument, badValue.StatusCode);
        Assert.StartsWith("value: '1.5' is not an amount in wei", badValue.Status.Detail);
        var badAddress = await Assert.ThrowsAsync<RpcException>(async () => await Client.SimulateAsync(new V1.CallRequest { To = "0x1234" }));
        Assert.Equal(StatusCode.InvalidArgument, badAddress.StatusCode);
        Assert.StartsWith("to: invalid address '0x1234'", badAddress.Status.Detail);
    }

    [Fact]
    public async Task Transactions_and_receipts()
    {
        var tx = await Client.GetTransactionAsync(new TxHashRequest { Hash = Chain.Delegate.Hash.ToString() });
        Assert.Equal(1U, tx.Type);
        Assert.Equal(FakeNodeBackend.Alice.ToString(), tx.From);
        Assert.Equal(FakeNodeBackend.Staking.ToString(), tx.To);
        Assert.Equal("5000000000000000000", tx.Value);
        Assert.Equal("2000000000", tx.GasPrice);
        Assert.Equal("", tx.MaxFeePerGas);
        Assert.Equal(2UL, tx.BlockNumber);
        Assert.False(tx.Pending);
        Assert.Equal(Chain.Delegate.Encoded, tx.Raw.ToByteArray());
        Assert.Single(tx.AccessList);

        var receipt = await Client.GetReceiptAsync(new TxHashRequest { Hash = Chain.FailedCall.Hash.ToString() });
        Assert.False(receipt.Success);
        Assert.Equal("stake below minimum", receipt.RevertReason);
        Assert.Equal(1U, receipt.TransactionIndex);
        Assert.Equal(30_000UL, receipt.GasUsed);
        Assert.Equal("2875000000", receipt.EffectiveGasPrice);

        var logged = await Client.GetReceiptAsync(new TxHashRequest { Hash = Chain.Delegate.Hash.ToString() });
        Assert.Equal(FakeNodeBackend.DelegatedTopic.ToString(), logged.Logs[0].Topics[0]);

        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await Client.GetTransactionAsync(new TxHashRequest { Hash = "0x" + new string('e', 64) }));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("is not known to this node", unknown.Status.Detail);
        var malformed = await Assert.ThrowsAsync<RpcException>(async () => await Client.GetReceiptAsync(new TxHashRequest { Hash = "0xabc" }));
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
    }

    [Fact]
    public async Task Wait_receipt_returns_once_the_transaction_is_mined_and_times_out_otherwise()
    {
        var raw = NewRawTransaction(4000);
        var hash = (await Client.BroadcastAsync(new BroadcastRequest { RawTransaction = raw })).TransactionHash;

        var pending = await Assert.ThrowsAsync<RpcException>(async () => await Client.GetReceiptAsync(new TxHashRequest { Hash = hash }));
        Assert.Equal(StatusCode.NotFound, pending.StatusCode);
        Assert.Contains("is pending", pending.Status.Detail);

        var timeout = await Assert.ThrowsAsync<RpcException>(async () => await Client.WaitReceiptAsync(new WaitReceiptRequest { Hash = hash, TimeoutMs = 300 }));
        Assert.Equal(StatusCode.DeadlineExceeded, timeout.StatusCode);
        Assert.Contains("still pending in the mempool", timeout.Status.Detail);

        var waiting = Client.WaitReceiptAsync(new WaitReceiptRequest { Hash = hash, TimeoutMs = 10_000 }).ResponseAsync;
        await WaitUntil(() => Chain.SubscriberCount > 0);
        Assert.False(waiting.IsCompleted);
        var block = Chain.Mine();
        var receipt = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(hash, receipt.TransactionHash);
        Assert.Equal(block.Number, receipt.BlockNumber);
        Assert.True(receipt.Success);

        var tooLong = await Assert.ThrowsAsync<RpcException>(async () => await Client.WaitReceiptAsync(new WaitReceiptRequest { Hash = hash, TimeoutMs = 3_600_000 }));
        Assert.Equal(StatusCode.InvalidArgument, tooLong.StatusCode);
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++) await Task.Delay(25);
        Assert.True(condition(), "condition not reached within 5 s");
    }
}
