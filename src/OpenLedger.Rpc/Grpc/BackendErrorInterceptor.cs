using Grpc.Core;
using Grpc.Core.Interceptors;
using OpenLedger.Rpc.Backend;

namespace OpenLedger.Rpc.Grpc;

/// <summary>
/// Turns backend failures into gRPC statuses (NOT_FOUND, FAILED_PRECONDITION for unavailable state, UNAVAILABLE
/// while syncing) and unexpected exceptions into INTERNAL with the method name, logging the latter.
/// </summary>
public sealed class BackendErrorInterceptor(Serilog.ILogger logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (Translate(e, context) is { } translated)
        {
            throw translated;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception e) when (Translate(e, context) is { } translated)
        {
            throw translated;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (Translate(e, context) is { } translated)
        {
            throw translated;
        }
    }

    private RpcException? Translate(Exception exception, ServerCallContext context)
    {
        switch (exception)
        {
            case RpcException:
                return null;
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return new RpcException(new Status(StatusCode.Cancelled, "the call was cancelled"));
            case NodeBackendException backend:
                var code = backend.Kind switch
                {
                    BackendErrorKind.InvalidArgument => StatusCode.InvalidArgument,
                    BackendErrorKind.NotFound => StatusCode.NotFound,
                    BackendErrorKind.StateUnavailable => StatusCode.FailedPrecondition,
                    BackendErrorKind.Syncing => StatusCode.Unavailable,
                    _ => StatusCode.Internal,
                };
                return new RpcException(new Status(code, backend.Message));
            default:
                logger.Error(exception, "gRPC {Method} failed", context.Method);
                return new RpcException(new Status(StatusCode.Internal, $"internal error in {context.Method}: {exception.Message}"));
        }
    }
}
