using System.Buffers;
using System.Buffers.Binary;

namespace OpenLedger.Network.Noise;

/// <summary>
/// The post-handshake Noise transport: each frame is a 2-byte big-endian length and a ChaChaPoly
/// ciphertext of at most 65535 bytes (65519 bytes of plaintext). Reads and writes may run concurrently
/// with each other; concurrent writers are serialised.
/// </summary>
public sealed class NoiseSecureStream : Stream
{
    public const int MaxPlaintextLength = NoiseHandshake.MaxFrameLength - NoiseCipherState.TagLength;
    private readonly Stream _inner;
    private readonly NoiseCipherState _send;
    private readonly NoiseCipherState _receive;
    /// <summary>Room for two whole frames: one receive call often brings several small ones.</summary>
    private const int ReceiveBufferLength = 2 * (2 + NoiseHandshake.MaxFrameLength);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    // Frames are read into this one buffer, as much as the socket has, and decrypted where they lie; the current
    // frame's plaintext is [_plainStart, _plainEnd), the ciphertext not yet decrypted [_receiveStart, _receiveEnd).
    private readonly byte[] _receiveBuffer = new byte[ReceiveBufferLength];
    private int _receiveStart;
    private int _receiveEnd;
    private int _plainStart;
    private int _plainEnd;
    private bool _disposed;

    internal NoiseSecureStream(Stream inner, NoiseCipherState send, NoiseCipherState receive)
    {
        _inner = inner;
        _send = send;
        _receive = receive;
    }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_plainStart >= _plainEnd)
        {
            if (!await FillAsync(2, cancellationToken).ConfigureAwait(false))
            {
                if (_receiveEnd == _receiveStart) return 0;
                throw new NoiseException("connection closed inside a noise frame header");
            }
            int length = BinaryPrimitives.ReadUInt16BigEndian(_receiveBuffer.AsSpan(_receiveStart));
            if (!await FillAsync(2 + length, cancellationToken).ConfigureAwait(false))
                throw new NoiseException("connection closed inside a noise frame");
            _plainStart = _receiveStart + 2;
            _plainEnd = _plainStart + _receive.DecryptInPlace(_receiveBuffer.AsSpan(_plainStart, length));
            _receiveStart += 2 + length;
        }
        int n = Math.Min(buffer.Length, _plainEnd - _plainStart);
        _receiveBuffer.AsMemory(_plainStart, n).CopyTo(buffer);
        _plainStart += n;
        return n;
    }

    /// <summary>
    /// Reads from the socket until at least <paramref name="count"/> undecrypted bytes are buffered; false at the end of
    /// the stream before that. Called only when the current plaintext is consumed, so moving the rest to the front of
    /// the buffer overwrites nothing still wanted.
    /// </summary>
    private async ValueTask<bool> FillAsync(int count, CancellationToken cancellationToken)
    {
        if (_receiveEnd - _receiveStart >= count) return true;
        if (_receiveStart + count > _receiveBuffer.Length)
        {
            _receiveBuffer.AsSpan(_receiveStart, _receiveEnd - _receiveStart).CopyTo(_receiveBuffer);
            _receiveEnd -= _receiveStart;
            _plainStart = _plainEnd = _receiveStart = 0;
        }
        while (_receiveEnd - _receiveStart < count)
        {
            int got = await _inner.ReadAsync(_receiveBuffer.AsMemory(_receiveEnd), cancellationToken).ConfigureAwait(false);
            if (got == 0) return false;
            _receiveEnd += got;
        }
        return true;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Encrypt every chunk into one buffer so a write is a single transport send.
            int frames = Math.Max(1, (buffer.Length + MaxPlaintextLength - 1) / MaxPlaintextLength);
            // Rented, and returned once the transport has taken the bytes: a write is in the kernel when WriteAsync completes.
            var output = ArrayPool<byte>.Shared.Rent(buffer.Length + frames * (2 + NoiseCipherState.TagLength));
            int offset = 0;
            for (int start = 0; start < buffer.Length || (start == 0 && buffer.Length == 0); start += MaxPlaintextLength)
            {
                int length = Math.Min(MaxPlaintextLength, buffer.Length - start);
                BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(offset), (ushort)(length + NoiseCipherState.TagLength));
                _send.Encrypt(ReadOnlySpan<byte>.Empty, buffer.Span.Slice(start, length), output.AsSpan(offset + 2, length + NoiseCipherState.TagLength));
                offset += 2 + length + NoiseCipherState.TagLength;
                if (buffer.Length == 0) break;
            }
            await _inner.WriteAsync(output.AsMemory(0, offset), cancellationToken).ConfigureAwait(false);
            await _inner.FlushAsync(cancellationToken).ConfigureAwait(false);
            // Not on a failed or cancelled write: the transport might still hold the buffer, so the collector takes it.
            ArrayPool<byte>.Shared.Return(output);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush() { }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _inner.Dispose();
            _send.Dispose();
            _receive.Dispose();
        }
        base.Dispose(disposing);
    }
}
