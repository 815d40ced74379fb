using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using OpenLedger.Rpc.Backend;
using OpenLedger.Rpc.V1;

namespace OpenLedger.Rpc.Grpc;

/// <summary>openledger.v1.TxService: submitting transactions, simulating calls and following receipts.</summary>
public sealed class TxGrpcService(INodeBackend backend, RpcOptions options, IHostApplicationLifetime lifetime) : TxService.TxServiceBase
{
    private const int MaxReportedRejections = 100;

    public override async Task<BroadcastResponse> Broadcast(BroadcastRequest request, ServerCallContext context)
    {
        if (request.RawTransaction.IsEmpty)
            throw GrpcInput.Invalid("raw_transaction is empty: send the signed EIP-2718 transaction bytes");
        var result = await backend.SubmitTransactionAsync(request.RawTransaction.Memory, context.CancellationToken);
        if (!result.Accepted)
            throw new RpcException(new Status(TxRejections.GrpcStatus(result.Rejection!.Value), TxRejections.FullMessage(result)));
        return new BroadcastResponse { TransactionHash = result.Hash!.Value.ToString() };
    }

    /// <summary>
    /// Reads the client stream in bursts: whatever has already arrived (up to <see cref="MaxBurst"/>) is admitted
    /// together, so the backend can recover the senders in parallel; when the stream has nothing more buffered, the
    /// burst so far is handed on before waiting. Bursts are admitted in stream order, each overlapping the preparation
    /// of the next (<see cref="StreamAdmission"/>); results are counted in stream order.
    /// </summary>
    public override async Task<BroadcastStreamResponse> BroadcastStream(IAsyncStreamReader<BroadcastRequest> requestStream, ServerCallContext context)
    {
        var summary = new BroadcastStreamResponse();
        var ct = context.CancellationToken;
        var admission = new StreamAdmission(backend, results => CountAll(summary, results), ct);
        var burst = new List<ReadOnlyMemory<byte>>(MaxBurst);
        while (true)
        {
            var next = requestStream.MoveNext(ct);
            if (!next.IsCompleted && burst.Count > 0) await HandOnAsync(admission, burst);
            if (!await next) break;
            burst.Add(requestStream.Current.RawTransaction.Memory);
            if (burst.Count >= MaxBurst) await HandOnAsync(admission, burst);
        }
        if (burst.Count > 0) await HandOnAsync(admission, burst);
        await admission.CompleteAsync();
        return summary;
    }

    private const int MaxBurst = 512;

    /// <summary>Each message's transactions are admitted in bursts of at most <see cref="MaxBurst"/>, in order.</summary>
    public override async Task<BroadcastStreamResponse> BroadcastBatches(IAsyncStreamReader<BroadcastBatchRequest> requestStream, ServerCallContext context)
    {
        var summary = new BroadcastStreamResponse();
        var ct = context.CancellationToken;
        var admission = new StreamAdmission(backend, results => CountAll(summary, results), ct);
        var burst = new List<ReadOnlyMemory<byte>>(MaxBurst);
        while (await requestStream.MoveNext(ct))
        {
            foreach (var raw in requestStream.Current.RawTransactions)
            {
                burst.Add(raw.Memory);
                if (burst.Count >= MaxBurst) await HandOnAsync(admission, burst);
            }
            if (burst.Count > 0) await HandOnAsync(admission, burst);
        }
        await admission.CompleteAsync();
        return summary;
    }

    private static async Task HandOnAsync(StreamAdmission admission, List<ReadOnlyMemory<byte>> burst)
    {
        await admission.AddAsync(burst);
        burst.Clear();
    }

    private static void CountAll(BroadcastStreamResponse summary, IReadOnlyList<SubmitResult> results)
    {
        foreach (var result in results) Count(summary, result);
    }

    private static void Count(BroadcastStreamResponse summary, SubmitResult result)
    {
        var index = summary.Received++;
        if (result.Accepted)
        {
            summary.Accepted++;
            return;
        }
        summary.Rejected++;
        var code = CodeName(TxRejections.GrpcStatus(result.Rejection!.Value));
        summary.RejectedByCode[code] = summary.RejectedByCode.GetValueOrDefault(code) + 1;
        if (summary.FirstRejections.Count < MaxReportedRejections)
        {
            summary.FirstRejections.Add(new BroadcastResult
            {
                Index = index,
                TransactionHash = result.Hash?.ToString() ?? "",
                Accepted = false,
                ErrorCode = code,
                ErrorMessage = TxRejections.FullMessage(result),
            });
        }
    }

    public override Task<CallResponse> Simulate(V1.CallRequest request, ServerCallContext context)
    {
        var result = backend.Call(ToBackend(request), GrpcBlocks.StateBlock(backend, request.Block));
        return Task.FromResult(new CallResponse
        {
            Success = result.Success,
            GasUsed = result.GasUsed,
            ReturnData = ByteString.CopyFrom(result.ReturnData),
            RevertReason = result.Success ? "" : result.RevertReason ?? Formatting.RevertReasons.TryDecode(result.ReturnData) ?? "",
        });
    }

    public override Task<EstimateGasResponse> EstimateGas(V1.CallRequest request, ServerCallContext context)
    {
        var result = backend.EstimateGas(ToBackend(request), GrpcBlocks.StateBlock(backend, request.Block));
        if (!result.Success)
        {
            var reason = result.RevertReason ?? Formatting.RevertReasons.TryDecode(result.ReturnData);
            var message = result.ReturnData.Length > 0 || reason is null
                ? "execution reverted" + (string.IsNullOrEmpty(reason) ? "" : ": " + reason)
                : reason;
            throw new RpcException(new Status(StatusCode.FailedPrecondition, message));
        }
        return Task.FromResult(new EstimateGasResponse { GasLimit = result.GasUsed });
    }

    public override Task<V1.Transaction> GetTransaction(TxHashRequest request, ServerCallContext context)
    {
        var hash = GrpcInput.Hash(request.Hash, "hash");
        var found = backend.GetTransaction(hash)
            ?? throw GrpcInput.NotFound($"transaction {hash} is not known to this node (neither in a block nor in the mempool)");
        return Task.FromResult(ProtoMapper.Transaction(found.Transaction, found.Location));
    }

    public override Task<Receipt> GetReceipt(TxHashRequest request, ServerCallContext context)
    {
        var hash = GrpcInput.Hash(request.Hash, "hash");
        return Task.FromResult(ProtoMapper.Receipt(backend.GetReceipt(hash) ?? throw NoReceipt(hash)));
    }

    public override async Task<Receipt> WaitReceipt(WaitReceiptRequest request, ServerCallContext context)
    {
        var hash = GrpcInput.Hash(request.Hash, "hash");
        var timeout = request.TimeoutMs == 0 ? options.DefaultWaitReceiptTimeout : TimeSpan.FromMilliseconds(request.TimeoutMs);
        if (timeout > options.MaxWaitReceiptTimeout)
            throw GrpcInput.Invalid($"timeout_ms {request.TimeoutMs} is above the maximum of {(long)options.MaxWaitReceiptTimeout.TotalMilliseconds} ms");

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        deadline.CancelAfter(timeout);
        try
        {
            var receipt = await WaitAsync(hash, deadline.Token);
            return ProtoMapper.Receipt(receipt);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"the node is shutting down; ask again for the receipt of {hash} once it is back"));
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            var pending = backend.GetTransaction(hash) is { Location: null };
            throw new RpcException(new Status(StatusCode.DeadlineExceeded,
                $"no receipt for {hash} after {(long)timeout.TotalMilliseconds} ms: " +
                (pending ? "the transaction is still pending in the mempool" : "the transaction is not known to this node; was it broadcast?")));
        }
    }

    /// <summary>
    /// Starts listening for blocks before the first look-up, so a block committed in between is not missed;
    /// if the backend drops the subscription (slow reader), falls back to polling.
    /// </summary>
    private async Task<ReceiptLookup> WaitAsync(Core.Types.Hash256 hash, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var blocks = backend.SubscribeBlocks(stop.Token).GetAsyncEnumerator(stop.Token);
        var next = blocks.MoveNextAsync().AsTask();
        try
        {
            while (true)
            {
                if (backend.GetReceipt(hash) is { } receipt) return receipt;
                if (await next)
                {
                    next = blocks.MoveNextAsync().AsTask();
                    continue;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
        }
        finally
        {
            // An async iterator cannot be disposed while a MoveNextAsync is in flight: cancel it and let it finish.
            stop.Cancel();
            try
            {
                await next;
            }
            catch (OperationCanceledException)
            {
            }
            await blocks.DisposeAsync();
        }
    }

    private RpcException NoReceipt(Core.Types.Hash256 hash) => backend.GetTransaction(hash) is { Location: null }
        ? GrpcInput.NotFound($"transaction {hash} is pending: it has no receipt until it is in a block (WaitReceipt waits for it)")
        : GrpcInput.NotFound($"no receipt for {hash}: the transaction is not known to this node");

    private static Backend.CallRequest ToBackend(V1.CallRequest request) => new()
    {
        From = GrpcInput.OptionalAddress(request.From, "from"),
        To = GrpcInput.OptionalAddress(request.To, "to"),
        Value = GrpcInput.Amount(request.Value, "value"),
        Data = request.Data.ToByteArray(),
        GasLimit = request.GasLimit == 0 ? null : request.GasLimit,
    };

    /// <summary>gRPC's canonical code names ("FAILED_PRECONDITION").</summary>
    public static string CodeName(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument => "INVALID_ARGUMENT",
        StatusCode.FailedPrecondition => "FAILED_PRECONDITION",
        StatusCode.AlreadyExists => "ALREADY_EXISTS",
        StatusCode.ResourceExhausted => "RESOURCE_EXHAUSTED",
        StatusCode.Unavailable => "UNAVAILABLE",
        StatusCode.NotFound => "NOT_FOUND",
        _ => code.ToString().ToUpperInvariant(),
    };
}
