namespace OpenLedger.Network.Encoding;

/// <summary>Unsigned LEB128 varints as used by multiformats and libp2p length prefixes.</summary>
public static class Varint
{
    /// <summary>Longest encoding of a 64-bit value.</summary>
    public const int MaxLength64 = 10;

    public static int Write(Span<byte> destination, ulong value)
    {
        int i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[i++] = (byte)value;
        return i;
    }

    public static byte[] Encode(ulong value)
    {
        Span<byte> buffer = stackalloc byte[MaxLength64];
        return buffer[..Write(buffer, value)].ToArray();
    }

    public static int SizeOf(ulong value)
    {
        int n = 1;
        while (value >= 0x80) { value >>= 7; n++; }
        return n;
    }

    /// <summary>Decodes a varint; returns false when the input is truncated. Throws on overlong or non-minimal encodings.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out ulong value, out int bytesRead)
    {
        value = 0;
        bytesRead = 0;
        int shift = 0;
        for (int i = 0; i < source.Length; i++)
        {
            byte b = source[i];
            if (i == MaxLength64 - 1 && b > 1)
                throw new FormatException("varint overflows 64 bits");
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (i > 0 && b == 0)
                    throw new FormatException("varint is not minimally encoded");
                bytesRead = i + 1;
                return true;
            }
            shift += 7;
            if (i + 1 >= MaxLength64)
                throw new FormatException("varint longer than 10 bytes");
        }
        return false;
    }

    public static ulong Read(ReadOnlySpan<byte> source, out int bytesRead)
    {
        if (!TryRead(source, out ulong value, out bytesRead))
            throw new FormatException("truncated varint");
        return value;
    }

    /// <summary>Reads a varint from a stream one byte at a time so nothing beyond it is consumed.</summary>
    public static async ValueTask<ulong?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var one = new byte[1];
        ulong value = 0;
        int shift = 0;
        for (int i = 0; i < MaxLength64; i++)
        {
            int n = await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                if (i == 0) return null;
                throw new EndOfStreamException("stream ended inside a varint");
            }
            byte b = one[0];
            if (i == MaxLength64 - 1 && b > 1)
                throw new FormatException("varint overflows 64 bits");
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (i > 0 && b == 0)
                    throw new FormatException("varint is not minimally encoded");
                return value;
            }
            shift += 7;
        }
        throw new FormatException("varint longer than 10 bytes");
    }
}
