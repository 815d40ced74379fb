using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using OpenLedger.Rpc.Backend;

namespace OpenLedger.Rpc.JsonRpc;

/// <summary>
/// JSON-RPC 2.0 over HTTP POST: single requests and batches (JSON arrays), error objects per the spec,
/// notifications (no id) executed without a reply. Requests of a batch run in order.
/// </summary>
public sealed class JsonRpcEndpoint(EthJsonRpcMethods methods, RpcOptions options, Serilog.ILogger logger)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsPost(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "POST";
            await response.WriteAsync("JSON-RPC: send a POST with a JSON body, e.g. {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}\n");
            return;
        }

        JsonNode? reply;
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, DocumentOptions, context.RequestAborted);
        }
        catch (JsonException e)
        {
            await WriteAsync(response, ErrorResponse(null, JsonRpcErrorCodes.ParseError, "parse error: " + e.Message));
            return;
        }
        using (document)
        {
            reply = await HandleDocumentAsync(document.RootElement, context.RequestAborted);
        }
        if (reply is null)
        {
            response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        await WriteAsync(response, reply);
    }

    /// <summary>Answers a parsed body; null when nothing is to be sent (only notifications).</summary>
    public async Task<JsonNode?> HandleDocumentAsync(JsonElement root, CancellationToken cancellationToken)
    {
        if (root.ValueKind != JsonValueKind.Array) return await HandleOneAsync(root, cancellationToken);
        var count = root.GetArrayLength();
        if (count == 0) return ErrorResponse(null, JsonRpcErrorCodes.InvalidRequest, "empty batch: send at least one request");
        if (count > options.MaxBatchSize)
            return ErrorResponse(null, JsonRpcErrorCodes.InvalidRequest, $"batch too large: {count} requests, at most {options.MaxBatchSize}");
        var replies = new JsonArray();
        foreach (var item in root.EnumerateArray())
        {
            var reply = await HandleOneAsync(item, cancellationToken);
            if (reply is not null) replies.Add(reply);
        }
        return replies.Count == 0 ? null : replies;
    }

    private async Task<JsonNode?> HandleOneAsync(JsonElement request, CancellationToken cancellationToken)
    {
        if (request.ValueKind != JsonValueKind.Object)
            return ErrorResponse(null, JsonRpcErrorCodes.InvalidRequest, "invalid request: expected a JSON object {jsonrpc, id, method, params}");
        var hasId = request.TryGetProperty("id", out var idElement);
        JsonNode? id = null;
        if (hasId)
        {
            if (idElement.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null))
                return ErrorResponse(null, JsonRpcErrorCodes.InvalidRequest, "invalid request: id must be a string, a number or null");
            id = JsonNode.Parse(idElement.GetRawText());
        }
        if (!request.TryGetProperty("jsonrpc", out var version) || version.ValueKind != JsonValueKind.String || version.GetString() != "2.0")
            return ErrorResponse(id, JsonRpcErrorCodes.InvalidRequest, "invalid request: \"jsonrpc\" must be \"2.0\"");
        if (!request.TryGetProperty("method", out var methodElement) || methodElement.ValueKind != JsonValueKind.String)
            return ErrorResponse(id, JsonRpcErrorCodes.InvalidRequest, "invalid request: \"method\" must be a string");
        var method = methodElement.GetString()!;

        JsonElement[] positional;
        if (!request.TryGetProperty("params", out var paramsElement) || paramsElement.ValueKind == JsonValueKind.Null)
            positional = [];
        else if (paramsElement.ValueKind == JsonValueKind.Array)
            positional = [.. paramsElement.EnumerateArray()];
        else
            return hasId ? ErrorResponse(id, JsonRpcErrorCodes.InvalidParams, "invalid params: \"params\" must be an array (positional parameters)") : null;

        try
        {
            var result = await methods.InvokeAsync(method, new EthParams(positional), cancellationToken);
            return hasId ? new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["result"] = result } : null;
        }
        catch (JsonRpcException e)
        {
            return hasId ? ErrorResponse(id, e.Code, e.Message, e.ErrorData) : null;
        }
        catch (NodeBackendException e)
        {
            var code = e.Kind switch
            {
                BackendErrorKind.InvalidArgument => JsonRpcErrorCodes.InvalidParams,
                BackendErrorKind.Internal => JsonRpcErrorCodes.InternalError,
                _ => JsonRpcErrorCodes.ServerError,
            };
            return hasId ? ErrorResponse(id, code, e.Message) : null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            logger.Error(e, "JSON-RPC {Method} failed", method);
            return hasId ? ErrorResponse(id, JsonRpcErrorCodes.InternalError, $"internal error in {method}: {e.Message}") : null;
        }
    }

    private static JsonObject ErrorResponse(JsonNode? id, int code, string message, JsonNode? data = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (data is not null) error["data"] = data;
        return new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["error"] = error };
    }

    private static async Task WriteAsync(HttpResponse response, JsonNode body)
    {
        response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(response.BodyWriter.AsStream());
        body.WriteTo(writer);
        await writer.FlushAsync();
    }
}
