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
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly byte[] _lengthBuffer = new byte[2];
    private byte[] _readBuffer = [];
    private int _readOffset;
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
        while (_readOffset >= _readBuffer.Length)
        {
            int got = await ReadAtLeastOrEofAsync(_lengthBuffer, cancellationToken).ConfigureAwait(false);
            if (got == 0) return 0;
            if (got < 2) throw new NoiseException("connection closed inside a noise frame header");
            var ciphertext = new byte[BinaryPrimitives.ReadUInt16BigEndian(_lengthBuffer)];
            if (await ReadAtLeastOrEofAsync(ciphertext, cancellationToken).ConfigureAwait(false) < ciphertext.Length)
                throw new NoiseException("connection closed inside a noise frame");
            _readBuffer = _receive.Decrypt(ReadOnlySpan<byte>.Empty, ciphertext);
            _readOffset = 0;
        }
        int n = Math.Min(buffer.Length, _readBuffer.Length - _readOffset);
        _readBuffer.AsMemory(_readOffset, n).CopyTo(buffer);
        _readOffset += n;
        return n;
    }

    private async Task<int> ReadAtLeastOrEofAsync(byte[] buffer, CancellationToken cancellationToken) =>
        await _inner.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Encrypt every chunk into one buffer so a write is a single transport send.
            int frames = Math.Max(1, (buffer.Length + MaxPlaintextLength - 1) / MaxPlaintextLength);
            var output = new byte[buffer.Length + frames * (2 + NoiseCipherState.TagLength)];
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
