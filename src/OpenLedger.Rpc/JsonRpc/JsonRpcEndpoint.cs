using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using OpenLedger.Rpc.Backend;

namespace OpenLedger.Rpc.JsonRpc;

/// <summary>
/// JSON-RPC 2.0 over HTTP POST: single requests and batches (JSON arrays), error objects per the spec,
/// notifications (no id) executed without a reply. Requests of a batch take effect in order; consecutive
/// eth_sendRawTransaction requests of a batch are admitted together (see <see cref="HandleDocumentAsync"/>).
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
        var items = root.EnumerateArray().ToArray();
        var answers = new JsonNode?[count];
        var submissions = new List<PendingSubmission>();
        for (var i = 0; i < count; i++)
        {
            // A run of consecutive eth_sendRawTransaction requests is admitted as one batch (senders recovered in
            // parallel); any other request first flushes the run, so the batch still takes effect in request order.
            var parsed = Parse(items[i], out var reply);
            if (parsed is { Method: EthJsonRpcMethods.SendRawTransactionMethod } send)
            {
                try
                {
                    submissions.Add(new PendingSubmission(i, send, EthJsonRpcMethods.RawTransactionArgument(send.Parameters)));
                }
                catch (JsonRpcException e)
                {
                    answers[i] = send.HasId ? ErrorResponse(send.Id, e.Code, e.Message, e.ErrorData) : null;
                }
                continue;
            }
            await SubmitAsync(submissions, answers, cancellationToken);
            answers[i] = parsed is null ? reply : await InvokeAsync(parsed, cancellationToken);
        }
        await SubmitAsync(submissions, answers, cancellationToken);
        var replies = new JsonArray();
        foreach (var answer in answers)
            if (answer is not null) replies.Add(answer);
        return replies.Count == 0 ? null : replies;
    }

    /// <summary>One request of a batch, parsed: the envelope checked, the parameters not yet.</summary>
    private sealed record ParsedRequest(bool HasId, JsonNode? Id, string Method, EthParams Parameters);

    private sealed record PendingSubmission(int Position, ParsedRequest Request, byte[] RawTransaction);

    /// <summary>Admits the collected transactions as one backend batch and answers each request in its position.</summary>
    private async Task SubmitAsync(List<PendingSubmission> submissions, JsonNode?[] answers, CancellationToken cancellationToken)
    {
        if (submissions.Count == 0) return;
        IReadOnlyList<Backend.SubmitResult> results;
        try
        {
            results = await methods.SubmitRawTransactionsAsync(submissions.Select(s => (ReadOnlyMemory<byte>)s.RawTransaction).ToArray(), cancellationToken);
            if (results.Count != submissions.Count)
                throw new InvalidOperationException($"the backend answered {results.Count} of {submissions.Count} transactions");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The whole admission failed: every request of the run gets the error a single submission would have got.
            foreach (var submission in submissions)
                answers[submission.Position] = Failure(submission.Request, e);
            submissions.Clear();
            return;
        }
        for (var k = 0; k < submissions.Count; k++)
        {
            var request = submissions[k].Request;
            try
            {
                var hash = EthJsonRpcMethods.SubmitAnswer(results[k]);
                answers[submissions[k].Position] = request.HasId ? Success(request.Id, hash) : null;
            }
            catch (JsonRpcException e)
            {
                answers[submissions[k].Position] = request.HasId ? ErrorResponse(request.Id, e.Code, e.Message, e.ErrorData) : null;
            }
        }
        submissions.Clear();
    }

    private async Task<JsonNode?> HandleOneAsync(JsonElement request, CancellationToken cancellationToken)
    {
        var parsed = Parse(request, out var reply);
        return parsed is null ? reply : await InvokeAsync(parsed, cancellationToken);
    }

    /// <summary>Checks the envelope; null with the reply to send (null for a notification) when it is not a valid request.</summary>
    private static ParsedRequest? Parse(JsonElement request, out JsonNode? reply)
    {
        reply = null;
        if (request.ValueKind != JsonValueKind.Object)
        {
            reply = ErrorResponse(null, JsonRpcErrorCodes.InvalidRequest, "invalid request: expected a JSON object {jsonrpc, id, method, params}");
            return null;
        }
        var hasId = request.TryGetProperty("id", out var idElement);
        JsonNode? id = null;
        if (hasId)
        {
            if (idElement.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null))
            {
                reply = ErrorResponse(null, JsonRpcErrorCodes.InvalidRequest, "invalid request: id must be a string, a number or null");
                return null;
            }
            id = JsonNode.Parse(idElement.GetRawText());
        }
        if (!request.TryGetProperty("jsonrpc", out var version) || version.ValueKind != JsonValueKind.String || version.GetString() != "2.0")
        {
            reply = ErrorResponse(id, JsonRpcErrorCodes.InvalidRequest, "invalid request: \"jsonrpc\" must be \"2.0\"");
            return null;
        }
        if (!request.TryGetProperty("method", out var methodElement) || methodElement.ValueKind != JsonValueKind.String)
        {
            reply = ErrorResponse(id, JsonRpcErrorCodes.InvalidRequest, "invalid request: \"method\" must be a string");
            return null;
        }
        var method = methodElement.GetString()!;

        JsonElement[] positional;
        if (!request.TryGetProperty("params", out var paramsElement) || paramsElement.ValueKind == JsonValueKind.Null)
            positional = [];
        else if (paramsElement.ValueKind == JsonValueKind.Array)
            positional = [.. paramsElement.EnumerateArray()];
        else
        {
            reply = hasId ? ErrorResponse(id, JsonRpcErrorCodes.InvalidParams, "invalid params: \"params\" must be an array (positional parameters)") : null;
            return null;
        }
        return new ParsedRequest(hasId, id, method, new EthParams(positional));
    }

    private async Task<JsonNode?> InvokeAsync(ParsedRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var result = await methods.InvokeAsync(request.Method, request.Parameters, cancellationToken);
            return request.HasId ? Success(request.Id, result) : null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return Failure(request, e);
        }
    }

    /// <summary>The error reply for a failed request (null for a notification); unexpected failures are logged.</summary>
    private JsonNode? Failure(ParsedRequest request, Exception exception)
    {
        int code;
        string message;
        JsonNode? data = null;
        switch (exception)
        {
            case JsonRpcException e:
                (code, message, data) = (e.Code, e.Message, e.ErrorData);
                break;
            case NodeBackendException e:
                code = e.Kind switch
                {
                    BackendErrorKind.InvalidArgument => JsonRpcErrorCodes.InvalidParams,
                    BackendErrorKind.Internal => JsonRpcErrorCodes.InternalError,
                    _ => JsonRpcErrorCodes.ServerError,
                };
                message = e.Message;
                break;
            default:
                logger.Error(exception, "JSON-RPC {Method} failed", request.Method);
                (code, message) = (JsonRpcErrorCodes.InternalError, $"internal error in {request.Method}: {exception.Message}");
                break;
        }
        return request.HasId ? ErrorResponse(request.Id, code, message, data) : null;
    }

    private static JsonObject Success(JsonNode? id, JsonNode? result) => new() { ["jsonrpc"] = "2.0", ["id"] = id, ["result"] = result };

    private static JsonObject ErrorResponse(JsonNode? id, int code, string message, JsonNode? data = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (data is not null) error["data"] = data;
        return new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["error"] = error };
    }

    private static async Task WriteAsync(HttpResponse response, JsonNode body)
    {
        response.ContentType = "application/json";
        // Straight into the response pipe's pooled segments: over a Stream the writer would first grow one buffer to
        // the whole answer (a batch of 250 receipts is ~300 KB, a large-object allocation per response).
        await using (var writer = new Utf8JsonWriter(response.BodyWriter))
            body.WriteTo(writer);
        await response.BodyWriter.FlushAsync();
    }
}
