using System.Text.Json;
using OpenLedger.Core.Encoding;

namespace OpenLedger.State.Tests.Support;

/// <summary>Loads the public test vectors copied (byte-exact) under tests/vectors.</summary>
public static class Vectors
{
    public static string PathOf(string relative) => Path.Combine(AppContext.BaseDirectory, "vectors", relative);

    public static JsonDocument Load(string relative) => JsonDocument.Parse(File.ReadAllText(PathOf(relative)));

    /// <summary>
    /// The ethereum/tests convention for trie keys and values: "0x…" is hex, anything else is the string's
    /// bytes, and JSON null (a value) means "delete".
    /// </summary>
    public static byte[]? DecodeTrieString(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => element.GetString()!.StartsWith("0x", StringComparison.Ordinal)
            ? Hex.Decode(element.GetString()!)
            : System.Text.Encoding.UTF8.GetBytes(element.GetString()!),
        _ => throw new InvalidDataException($"unexpected {element.ValueKind} in trie vector"),
    };
}
