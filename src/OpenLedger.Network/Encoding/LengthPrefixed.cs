namespace OpenLedger.Network.Encoding;

/// <summary>uvarint-length-prefixed messages on a stream, the framing shared by identify, gossipsub and request/response.</summary>
public static class LengthPrefixed
{
    /// <summary>Reads one message; returns null on a clean end of stream before the prefix.</summary>
    /// <exception cref="MessageTooLargeException">The declared length exceeds <paramref name="maxLength"/>.</exception>
    public static async Task<byte[]?> ReadAsync(Stream stream, int maxLength, CancellationToken cancellationToken)
    {
        ulong? length = await Varint.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
        if (length is null) return null;
        if (length.Value > (ulong)maxLength)
            throw new MessageTooLargeException($"message of {length.Value} bytes exceeds the limit of {maxLength} bytes");
        var buffer = new byte[(int)length.Value];
        await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer;
    }

    /// <summary>
    /// As <see cref="ReadAsync"/>, into an array rented from the shared pool (at least <c>Length</c> bytes long):
    /// the caller returns it once it has decoded what it keeps. For streams that carry a steady flow of frames
    /// (gossip), where a fresh array per frame is most of what the receive path allocates.
    /// </summary>
    public static async Task<(byte[] Buffer, int Length)?> ReadPooledAsync(Stream stream, int maxLength, CancellationToken cancellationToken)
    {
        ulong? length = await Varint.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
        if (length is null) return null;
        if (length.Value > (ulong)maxLength)
            throw new MessageTooLargeException($"message of {length.Value} bytes exceeds the limit of {maxLength} bytes");
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent((int)length.Value);
        try
        {
            await stream.ReadExactlyAsync(buffer.AsMemory(0, (int)length.Value), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        return (buffer, (int)length.Value);
    }

    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        int prefix = Varint.SizeOf((ulong)payload.Length);
        var framed = new byte[prefix + payload.Length];
        Varint.Write(framed, (ulong)payload.Length);
        payload.CopyTo(framed.AsSpan(prefix));
        return framed;
    }

    public static async Task WriteAsync(Stream stream, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Frame(payload.Span), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
