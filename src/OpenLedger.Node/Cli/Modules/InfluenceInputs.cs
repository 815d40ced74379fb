using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace OpenLedger.Node.Cli.Modules;

/// <summary>
/// settleInference's influence list as one option: "--influence 1:2,2:1,3:1" (contribution id : weight), or
/// "--influence @file.json" with {"1": 2, "2": 1} or [[1, 2], [2, 1]] or [{"contributionId": 1, "weight": 2}].
/// Omitted: an empty list, so the model's training weights apply.
/// </summary>
public sealed class InfluenceInputs : ICustomInputs
{
    private readonly Option<string?> _influence = new("--influence")
    {
        Description = "Influence list: id:weight,id:weight,... or @file.json (default: none, the model's training weights apply)",
    };

    public IEnumerable<Option> Options => [_influence];

    public bool Handles(string inputName) => inputName is "contributionIds" or "influence";

    public IReadOnlyDictionary<string, object> Values(ParseResult parse)
    {
        var entries = Parse(parse.GetValue(_influence));
        return new Dictionary<string, object>
        {
            ["contributionIds"] = entries.Select(e => (object)e.Id).ToArray(),
            ["influence"] = entries.Select(e => (object)e.Weight).ToArray(),
        };
    }

    public static IReadOnlyList<(BigInteger Id, BigInteger Weight)> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        if (text.StartsWith('@')) return ParseFile(text[1..]);
        var entries = new List<(BigInteger, BigInteger)>();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var parts = item.Split(':', StringSplitOptions.TrimEntries);
            if (parts.Length != 2) throw new CliException($"--influence: '{item}' is not id:weight (e.g. --influence 1:2,2:1)");
            entries.Add((Number(parts[0], "contribution id"), Number(parts[1], "weight")));
        }
        return entries;
    }

    private static IReadOnlyList<(BigInteger, BigInteger)> ParseFile(string path)
    {
        if (!File.Exists(path)) throw new CliException($"--influence: file {path} does not exist");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new CliException($"--influence: {path} is not JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            var entries = new List<(BigInteger, BigInteger)>();
            if (root.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in root.EnumerateObject()) entries.Add((Number(property.Name, "contribution id"), Number(property.Value, "weight")));
                return entries;
            }
            if (root.ValueKind != JsonValueKind.Array) throw new CliException($"--influence: {path} must hold a JSON object or array");
            foreach (var item in root.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Array && item.GetArrayLength() == 2)
                    entries.Add((Number(item[0], "contribution id"), Number(item[1], "weight")));
                else if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("contributionId", out var id) && item.TryGetProperty("weight", out var weight))
                    entries.Add((Number(id, "contribution id"), Number(weight, "weight")));
                else
                    throw new CliException($"--influence: {path}: each entry must be [id, weight] or {{\"contributionId\", \"weight\"}}, got {item.GetRawText()}");
            }
            return entries;
        }
    }

    private static BigInteger Number(JsonElement element, string what) => element.ValueKind switch
    {
        JsonValueKind.Number or JsonValueKind.String => Number(element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText(), what),
        _ => throw new CliException($"--influence: {what} {element.GetRawText()} is not a number"),
    };

    private static BigInteger Number(string text, string what) =>
        BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new CliException($"--influence: {what} '{text}' is not a non-negative integer");
}
