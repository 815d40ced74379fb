namespace OpenLedger.State.Tests.Support;

/// <summary>
/// Turns FsCheck's random byte arrays into trie contents that exercise the interesting shapes: keys are built
/// from a tiny alphabet (so they share prefixes, are prefixes of each other, and collide), values are a mix of
/// short (embedded nodes) and long (hashed nodes).
/// </summary>
public static class TrieEntries
{
    private static readonly byte[] Alphabet = [0x00, 0x01, 0x10, 0x11, 0x1f, 0xf1, 0xff];

    public static byte[] KeyFrom(byte[]? raw) => (raw ?? []).Take(6).Select(b => Alphabet[b % Alphabet.Length]).ToArray();

    /// <summary>Distinct keys (last value wins) in the order they were generated.</summary>
    public static List<KeyValuePair<byte[], byte[]>> From(byte[][]? rawKeys, byte[][]? rawValues)
    {
        rawKeys ??= [];
        rawValues ??= [];
        var byKey = new Dictionary<string, KeyValuePair<byte[], byte[]>>();
        var order = new List<string>();
        for (var i = 0; i < rawKeys.Length; i++)
        {
            var key = KeyFrom(rawKeys[i]);
            var raw = rawValues.Length == 0 ? [] : rawValues[i % rawValues.Length] ?? [];
            var value = raw.Length == 0 ? [(byte)(i + 1)] : raw;
            if (key.Length % 2 == 1) value = [.. value, .. new byte[40]];
            var id = Convert.ToHexString(key);
            if (!byKey.ContainsKey(id)) order.Add(id);
            byKey[id] = new(key, value);
        }
        return order.Select(id => byKey[id]).ToList();
    }

    public static List<T> Shuffled<T>(IEnumerable<T> items, int seed)
    {
        var random = new Random(seed);
        return items.OrderBy(_ => random.Next()).ToList();
    }
}
