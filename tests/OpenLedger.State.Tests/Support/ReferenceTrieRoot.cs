using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.State.Tests.Support;

/// <summary>
/// An independent, deliberately naive root computation: builds the canonical trie for a whole key/value map
/// at once, straight from the yellow paper's definition. Properties compare the incremental trie against it.
/// </summary>
public static class ReferenceTrieRoot
{
    public static Hash256 Compute(IEnumerable<KeyValuePair<byte[], byte[]>> entries)
    {
        var paths = entries
            .Select(e => (Path: e.Key.SelectMany(b => new[] { (byte)(b >> 4), (byte)(b & 0x0f) }).ToArray(), e.Value))
            .ToList();
        if (paths.Count == 0) return Hash256.EmptyTrieRoot;
        return Keccak256.Hash(Node(paths, 0));
    }

    private static byte[] Node(List<(byte[] Path, byte[] Value)> entries, int depth)
    {
        var writer = new RlpWriter();
        var list = writer.BeginList();
        if (entries.Count == 1)
        {
            writer.WriteBytes(HexPrefix(entries[0].Path[depth..], leaf: true));
            writer.WriteBytes(entries[0].Value);
            writer.EndList(list);
            return writer.ToArray();
        }

        var shared = SharedPrefixLength(entries, depth);
        if (shared > 0)
        {
            writer.WriteBytes(HexPrefix(entries[0].Path[depth..(depth + shared)], leaf: false));
            WriteReference(writer, Node(entries, depth + shared));
            writer.EndList(list);
            return writer.ToArray();
        }

        for (var nibble = 0; nibble < 16; nibble++)
        {
            var below = entries.Where(e => e.Path.Length > depth && e.Path[depth] == nibble).ToList();
            if (below.Count == 0) writer.WriteBytes([]);
            else WriteReference(writer, Node(below, depth + 1));
        }
        var here = entries.Where(e => e.Path.Length == depth).ToList();
        writer.WriteBytes(here.Count == 1 ? here[0].Value : []);
        writer.EndList(list);
        return writer.ToArray();
    }

    private static int SharedPrefixLength(List<(byte[] Path, byte[] Value)> entries, int depth)
    {
        var length = 0;
        while (true)
        {
            var at = depth + length;
            if (entries.Any(e => e.Path.Length <= at)) return length;
            var nibble = entries[0].Path[at];
            if (entries.Any(e => e.Path[at] != nibble)) return length;
            length++;
        }
    }

    private static void WriteReference(RlpWriter writer, byte[] child)
    {
        if (child.Length < 32) writer.WriteEncoded(child);
        else writer.WriteBytes(Keccak256.Hash(child).ToArray());
    }

    private static byte[] HexPrefix(byte[] nibbles, bool leaf)
    {
        var odd = nibbles.Length % 2;
        var flag = (leaf ? 2 : 0) + odd;
        var all = new List<byte> { (byte)flag };
        if (odd == 0) all.Add(0);
        all.AddRange(nibbles);
        var bytes = new byte[all.Count / 2];
        for (var i = 0; i < bytes.Length; i++) bytes[i] = (byte)((all[2 * i] << 4) | all[2 * i + 1]);
        return bytes;
    }
}
