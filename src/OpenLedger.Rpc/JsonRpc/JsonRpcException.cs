using System.Text.Json.Nodes;

namespace OpenLedger.Rpc.JsonRpc;

/// <summary>An error to return as a JSON-RPC error object: code, message and optional data.</summary>
public sealed class JsonRpcException(int code, string message, JsonNode? data = null) : Exception(message)
{
    public int Code { get; } = code;

    public JsonNode? ErrorData { get; } = data;

    public static JsonRpcException InvalidParams(string message) => new(JsonRpcErrorCodes.InvalidParams, message);

    public static JsonRpcException InvalidArgument(int index, string message) =>
        new(JsonRpcErrorCodes.InvalidParams, $"invalid argument {index}: {message}");
}
