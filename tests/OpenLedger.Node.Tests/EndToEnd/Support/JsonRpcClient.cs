using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenLedger.Node.Tests.EndToEnd.Support;

/// <summary>A minimal Ethereum JSON-RPC client over HTTP, as a wallet would talk to the node.</summary>
public sealed class JsonRpcClient(string url) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };
    private int _id;

    public string Url { get; } = url;

    /// <summary>The whole response object: exactly one of "result" and "error" is present.</summary>
    public async Task<JsonElement> RawCallAsync(string method, params object?[] parameters)
    {
        var request = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = Interlocked.Increment(ref _id),
            ["method"] = method,
            ["params"] = JsonSerializer.SerializeToNode(parameters),
        };
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(Url, content);
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The result; throws <see cref="JsonRpcError"/> when the node answered with an error.</summary>
    public async Task<JsonElement> CallAsync(string method, params object?[] parameters)
    {
        var response = await RawCallAsync(method, parameters);
        if (response.TryGetProperty("error", out var error))
            throw new JsonRpcError(error.GetProperty("code").GetInt32(), error.GetProperty("message").GetString() ?? "", method);
        return response.GetProperty("result");
    }

    /// <summary>Many calls in one JSON-RPC batch; results in request order.</summary>
    public async Task<JsonElement[]> BatchAsync(IReadOnlyList<(string Method, object?[] Params)> calls)
    {
        var batch = new JsonArray();
        for (var i = 0; i < calls.Count; i++)
            batch.Add(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = i, ["method"] = calls[i].Method, ["params"] = JsonSerializer.SerializeToNode(calls[i].Params) });
        using var content = new StringContent(batch.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(Url, content);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var results = new JsonElement[calls.Count];
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            var id = item.GetProperty("id").GetInt32();
            if (item.TryGetProperty("error", out var error))
                throw new JsonRpcError(error.GetProperty("code").GetInt32(), error.GetProperty("message").GetString() ?? "", calls[id].Method);
            results[id] = item.GetProperty("result").Clone();
        }
        return results;
    }

    public async Task<ulong> BlockNumberAsync() => (ulong)Quantity(await CallAsync("eth_blockNumber"));

    public async Task<BigInteger> BalanceAsync(string address, string block = "latest") =>
        Quantity(await CallAsync("eth_getBalance", address, block));

    public async Task<ulong> NonceAsync(string address, string block = "latest") =>
        (ulong)Quantity(await CallAsync("eth_getTransactionCount", address, block));

    public async Task<JsonElement> BlockAsync(ulong number) => await CallAsync("eth_getBlockByNumber", Hex(number), false);

    public async Task<string> SendRawAsync(byte[] raw) =>
        (await CallAsync("eth_sendRawTransaction", OpenLedger.Core.Encoding.Hex.Encode(raw))).GetString()!;

    /// <summary>Polls for the receipt (bounded); null if none appeared in time.</summary>
    public async Task<JsonElement?> WaitReceiptAsync(string hash, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var receipt = await CallAsync("eth_getTransactionReceipt", hash);
            if (receipt.ValueKind == JsonValueKind.Object) return receipt;
            await Task.Delay(100);
        }
        return null;
    }

    /// <summary>Waits (bounded) until the head is at least <paramref name="number"/>.</summary>
    public async Task WaitForBlockAsync(ulong number, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await BlockNumberAsync() < number)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"block {number} did not appear within {timeout.TotalSeconds:F0} s at {Url}");
            await Task.Delay(100);
        }
    }

    public static string Hex(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    public static BigInteger Quantity(JsonElement hex)
    {
        var text = hex.GetString() ?? throw new FormatException("quantity is null");
        if (!text.StartsWith("0x", StringComparison.Ordinal)) throw new FormatException($"'{text}' is not a 0x quantity");
        return BigInteger.Parse("0" + text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }

    public void Dispose() => _http.Dispose();
}

public sealed class JsonRpcError(int code, string message, string method) : Exception($"{method}: error {code}: {message}")
{
    public int Code { get; } = code;
    public string RpcMessage { get; } = message;
}
