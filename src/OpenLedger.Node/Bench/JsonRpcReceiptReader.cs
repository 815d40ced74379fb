using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace OpenLedger.Node.Bench;

/// <summary>
/// Reads the status of many committed transactions with JSON-RPC batches of eth_getTransactionReceipt: far fewer
/// round trips than one gRPC GetReceipt each, which matters on a loaded machine after a 20,000-transaction run.
/// </summary>
public sealed class JsonRpcReceiptReader(string url)
{
    private const int BatchSize = 500;
    private const int Parallelism = 4;

    /// <summary>(hash, success, block number) for each hash, in order; throws if a receipt is missing.</summary>
    public async Task<(string Hash, bool Success, ulong Block)[]> ReadAsync(IReadOnlyList<string> hashes, CancellationToken ct)
    {
        var statuses = new (string, bool, ulong)[hashes.Count];
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
        var batches = Enumerable.Range(0, (hashes.Count + BatchSize - 1) / BatchSize);
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (b, token) =>
        {
            var first = b * BatchSize;
            var count = Math.Min(BatchSize, hashes.Count - first);
            var body = new StringBuilder("[");
            for (var k = 0; k < count; k++)
                body.Append(k == 0 ? "" : ",").Append($$"""{"jsonrpc":"2.0","id":{{k}},"method":"eth_getTransactionReceipt","params":["{{hashes[first + k]}}"]}""");
            body.Append(']');
            using var content = new StringContent(body.ToString(), Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync("", content, token);
            var text = await response.Content.ReadAsStringAsync(token);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"eth_getTransactionReceipt batch refused with HTTP {(int)response.StatusCode}: {text}");
            using var reply = JsonDocument.Parse(text);
            foreach (var item in reply.RootElement.EnumerateArray())
            {
                var id = item.GetProperty("id").GetInt32();
                var hash = hashes[first + id];
                if (!item.TryGetProperty("result", out var receipt) || receipt.ValueKind != JsonValueKind.Object)
                    throw new InvalidOperationException($"no receipt for committed transaction {hash}: {item.GetRawText()}");
                var block = ulong.Parse(receipt.GetProperty("blockNumber").GetString()![2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                statuses[first + id] = (hash, receipt.GetProperty("status").GetString() == "0x1", block);
            }
        });
        for (var i = 0; i < statuses.Length; i++)
            if (statuses[i].Item1 is null) throw new InvalidOperationException($"the node did not answer for the receipt of {hashes[i]}");
        return statuses;
    }
}
