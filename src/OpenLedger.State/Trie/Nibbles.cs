namespace OpenLedger.State.Trie;

/// <summary>
/// Key paths as nibbles (one 4-bit value per byte) and their hex-prefix ("compact") encoding from the
/// Ethereum yellow paper, appendix C: a flag nibble (2 = leaf, +1 = odd length) then the nibbles packed.
/// </summary>
internal static class Nibbles
{
    public static void FromBytes(ReadOnlySpan<byte> bytes, Span<byte> nibbles)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            nibbles[2 * i] = (byte)(bytes[i] >> 4);
            nibbles[2 * i + 1] = (byte)(bytes[i] & 0x0f);
        }
    }

    /// <summary>Packs an even number of nibbles back into bytes (keys found while walking the trie).</summary>
    public static byte[] ToBytes(ReadOnlySpan<byte> nibbles)
    {
        var bytes = new byte[nibbles.Length / 2];
        for (var i = 0; i < bytes.Length; i++)
            bytes[i] = (byte)((nibbles[2 * i] << 4) | nibbles[2 * i + 1]);
        return bytes;
    }

    public static int HexPrefixLength(int nibbleCount) => nibbleCount / 2 + 1;

    public static void EncodeHexPrefix(ReadOnlySpan<byte> nibbles, bool isLeaf, Span<byte> output)
    {
        var flag = isLeaf ? 2 : 0;
        var odd = nibbles.Length % 2 == 1;
        int next;
        if (odd)
        {
            output[0] = (byte)(((flag + 1) << 4) | nibbles[0]);
            next = 1;
        }
        else
        {
            output[0] = (byte)(flag << 4);
            next = 0;
        }
        for (var o = 1; next < nibbles.Length; o++, next += 2)
            output[o] = (byte)((nibbles[next] << 4) | nibbles[next + 1]);
    }

    public static byte[] DecodeHexPrefix(ReadOnlySpan<byte> encoded, out bool isLeaf)
    {
        if (encoded.Length == 0) throw new TrieException("invalid trie node: empty hex-prefix path");
        var flag = encoded[0] >> 4;
        if (flag > 3) throw new TrieException($"invalid trie node: hex-prefix flag nibble {flag} (expected 0-3)");
        isLeaf = flag >= 2;
        var odd = (flag & 1) == 1;
        if (!odd && (encoded[0] & 0x0f) != 0)
            throw new TrieException("invalid trie node: even-length hex-prefix path with a non-zero padding nibble");
        var nibbles = new byte[(encoded.Length - 1) * 2 + (odd ? 1 : 0)];
        var n = 0;
        if (odd) nibbles[n++] = (byte)(encoded[0] & 0x0f);
        for (var i = 1; i < encoded.Length; i++)
        {
            nibbles[n++] = (byte)(encoded[i] >> 4);
            nibbles[n++] = (byte)(encoded[i] & 0x0f);
        }
        return nibbles;
    }

    public static byte[] Concat(byte first, ReadOnlySpan<byte> rest)
    {
        var path = new byte[rest.Length + 1];
        path[0] = first;
        rest.CopyTo(path.AsSpan(1));
        return path;
    }

    public static byte[] Concat(ReadOnlySpan<byte> head, ReadOnlySpan<byte> tail)
    {
        var path = new byte[head.Length + tail.Length];
        head.CopyTo(path);
        tail.CopyTo(path.AsSpan(head.Length));
        return path;
    }
}
