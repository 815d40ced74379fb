using System.Net.Http.Headers;
using System.Text.Json;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Node.Bench;

/// <summary>
/// JSON-RPC batches (arrays) of eth_sendRawTransaction, as wallets and relayers send them. The request bodies are
/// built before the clock starts (like the signatures); two batches are in flight at a time so the node always has
/// the next one waiting. Each reply item is matched to its transaction by id.
/// </summary>
public sealed class JsonRpcBatchSubmitter(string url, int batchSize) : ITransactionSubmitter
{
    private const int InFlight = 2;

    public string Name => $"JSON-RPC batches of {batchSize} eth_sendRawTransaction";

    public async Task<SubmitSummary> SubmitAsync(IReadOnlyList<Transaction> transactions, Action<int> sending, CancellationToken ct)
    {
        var batches = new List<(int First, int Count, byte[] Body)>();
        for (var first = 0; first < transactions.Count; first += batchSize)
        {
            var count = Math.Min(batchSize, transactions.Count - first);
            batches.Add((first, count, Body(transactions, first, count)));
        }
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
        var accepted = 0;
        var rejected = 0;
        var rejections = new List<(string, string)>();
        using var gate = new SemaphoreSlim(InFlight);
        var inFlight = new List<Task>();
        var tally = new Lock();
        foreach (var (first, count, body) in batches)
        {
            await gate.WaitAsync(ct);
            for (var i = first; i < first + count; i++) sending(i);
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    var replies = await PostAsync(http, body, count, ct);
                    lock (tally)
                    {
                        foreach (var (id, error) in replies)
                        {
                            if (error is null)
                            {
                                accepted++;
                                continue;
                            }
                            rejected++;
                            rejections.Add((transactions[first + id].Hash.ToString(), error));
                        }
                    }
                }
                finally
                {
                    gate.Release();
                }
            }, ct));
        }
        await Task.WhenAll(inFlight);
        return new SubmitSummary(accepted, rejected, rejections);
    }

    private static byte[] Body(IReadOnlyList<Transaction> transactions, int first, int count)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            for (var k = 0; k < count; k++)
            {
                json.WriteStartObject();
                json.WriteString("jsonrpc", "2.0");
                json.WriteNumber("id", k);
                json.WriteString("method", "eth_sendRawTransaction");
                json.WriteStartArray("params");
                json.WriteStringValue(Hex.Encode(transactions[first + k].Encoded));
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return buffer.ToArray();
    }

    /// <summary>(index in the batch, error message or null) for every reply; a reply missing or malformed is an error.</summary>
    private static async Task<List<(int Index, string? Error)>> PostAsync(HttpClient http, byte[] body, int count, CancellationToken ct)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync("", content, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"JSON-RPC batch refused with HTTP {(int)response.StatusCode}: {text}");
        using var reply = JsonDocument.Parse(text);
        if (reply.RootElement.ValueKind != JsonValueKind.Array)
            throw new InvalidOperationException($"JSON-RPC batch answered with a single object instead of an array: {text}");
        var answered = new string?[count];
        var seen = new bool[count];
        foreach (var item in reply.RootElement.EnumerateArray())
        {
            if (!item.TryGetProperty("id", out var idElement) || !idElement.TryGetInt32(out var id) || id < 0 || id >= count)
                throw new InvalidOperationException($"JSON-RPC batch reply item without a known id: {item.GetRawText()}");
            seen[id] = true;
            if (item.TryGetProperty("error", out var error))
                answered[id] = error.TryGetProperty("message", out var message) ? message.GetString() : error.GetRawText();
        }
        var list = new List<(int, string?)>(count);
        for (var i = 0; i < count; i++) list.Add((i, seen[i] ? answered[i] : "no reply for this request in the batch"));
        return list;
    }
}
