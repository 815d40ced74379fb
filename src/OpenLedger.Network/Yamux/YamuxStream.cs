using System.Buffers;

namespace OpenLedger.Network.Yamux;

/// <summary>
/// One Yamux stream. Reads return 0 after the peer's FIN; writes block while the peer's window is exhausted
/// (backpressure); <see cref="CloseWriteAsync"/> sends FIN (half-close); <see cref="Reset"/> aborts both ways.
/// </summary>
public sealed class YamuxStream : Stream
{
    private readonly YamuxSession _session;
    private readonly object _gate = new();
    // Data frames' payloads, in arrays rented by the session; each goes back to the pool once read to its end.
    private readonly Queue<(byte[] Array, int Length)> _chunks = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private int _chunkOffset;
    private int _buffered;
    private int _receiveWindow;
    private int _unacknowledgedRead;
    private long _sendWindow;
    private bool _remoteFin;
    private bool _localFin;
    private bool _reset;
    private bool _disposed;
    private TaskCompletionSource? _readWaiter;
    private TaskCompletionSource? _writeWaiter;

    internal YamuxStream(YamuxSession session, uint id, bool outbound)
    {
        _session = session;
        Id = id;
        IsOutbound = outbound;
        _receiveWindow = session.Options.InitialWindow;
        _sendWindow = session.Options.InitialWindow;
    }

    public uint Id { get; }

    public bool IsOutbound { get; }

    public int BufferedBytes { get { lock (_gate) return _buffered; } }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>
    /// A data frame's payload, the first <paramref name="length"/> bytes of <paramref name="payload"/> (a pooled array);
    /// true if the stream keeps the array (and returns it to the pool once read), false if the caller still owns it.
    /// </summary>
    internal bool OnData(byte[] payload, int length)
    {
        bool violation = false;
        bool kept = false;
        lock (_gate)
        {
            if (_reset) return false;
            if (length > _receiveWindow) violation = true;
            else
            {
                _receiveWindow -= length;
                if (_remoteFin || _disposed)
                {
                    // Data after FIN or after we stopped reading is dropped; credit it back so the window stays sane.
                    _unacknowledgedRead += length;
                }
                else if (length > 0)
                {
                    _chunks.Enqueue((payload, length));
                    _buffered += length;
                    kept = true;
                }
                WakeReader();
            }
        }
        if (violation) throw new YamuxException($"peer sent {length} bytes on stream {Id}, beyond the window it was granted");
        return kept;
    }

    internal void OnWindowUpdate(uint delta)
    {
        lock (_gate)
        {
            _sendWindow += delta;
            if (_sendWindow > int.MaxValue) throw new YamuxException($"window on stream {Id} grew beyond 2 GiB");
            WakeWriter();
        }
    }

    internal void OnRemoteFin()
    {
        bool remove;
        lock (_gate)
        {
            _remoteFin = true;
            WakeReader();
            remove = _localFin;
        }
        if (remove) _session.RemoveStream(this);
    }

    internal void OnReset()
    {
        lock (_gate)
        {
            _reset = true;
            WakeReader();
            WakeWriter();
        }
        _session.RemoveStream(this);
    }

    internal void OnSessionClosed() => OnReset();

    private void WakeReader()
    {
        var waiter = _readWaiter;
        _readWaiter = null;
        waiter?.TrySetResult();
    }

    private void WakeWriter()
    {
        var waiter = _writeWaiter;
        _writeWaiter = null;
        waiter?.TrySetResult();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0) return 0;
        while (true)
        {
            Task wait;
            uint windowCredit = 0;
            int copied = 0;
            lock (_gate)
            {
                if (_chunks.Count > 0)
                {
                    while (copied < buffer.Length && _chunks.Count > 0)
                    {
                        var (chunk, length) = _chunks.Peek();
                        int n = Math.Min(buffer.Length - copied, length - _chunkOffset);
                        chunk.AsMemory(_chunkOffset, n).CopyTo(buffer[copied..]);
                        copied += n;
                        _chunkOffset += n;
                        if (_chunkOffset == length)
                        {
                            _chunks.Dequeue();
                            _chunkOffset = 0;
                            ArrayPool<byte>.Shared.Return(chunk);
                        }
                    }
                    _buffered -= copied;
                    _unacknowledgedRead += copied;
                    // Grant more only once half the window is consumed, to avoid a window update per read.
                    if (_unacknowledgedRead >= _session.Options.InitialWindow / 2 && !_remoteFin)
                    {
                        windowCredit = (uint)_unacknowledgedRead;
                        _receiveWindow += _unacknowledgedRead;
                        _unacknowledgedRead = 0;
                    }
                }
                // A FIN that arrived before a reset (or before the connection closed) still means a clean end.
                else if (_remoteFin) return 0;
                else if (_reset) throw new YamuxException($"stream {Id} was reset");
                if (copied == 0)
                {
                    _readWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _readWaiter.Task;
                }
                else wait = Task.CompletedTask;
            }
            if (copied > 0)
            {
                if (windowCredit > 0) _session.SendFrameInBackground(new YamuxFrameHeader(YamuxFrameType.WindowUpdate, YamuxFlags.None, Id, windowCredit));
                return copied;
            }
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (buffer.Length > 0)
            {
                int chunk;
                Task? wait = null;
                lock (_gate)
                {
                    if (_reset) throw new YamuxException($"stream {Id} was reset");
                    if (_localFin) throw new YamuxException($"stream {Id} is closed for writing");
                    chunk = (int)Math.Min(Math.Min(buffer.Length, _sendWindow), _session.Options.MaxFrameSize);
                    if (chunk == 0)
                    {
                        _writeWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                        wait = _writeWaiter.Task;
                    }
                    else _sendWindow -= chunk;
                }
                if (wait is not null)
                {
                    await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }
                await _session.SendFrameAsync(new YamuxFrameHeader(YamuxFrameType.Data, YamuxFlags.None, Id, (uint)chunk), buffer[..chunk], cancellationToken).ConfigureAwait(false);
                buffer = buffer[chunk..];
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Sends FIN: we will write no more, but can still read until the peer closes.</summary>
    public async Task CloseWriteAsync(CancellationToken cancellationToken = default)
    {
        bool remove;
        lock (_gate)
        {
            if (_localFin || _reset) return;
            _localFin = true;
            remove = _remoteFin;
        }
        try
        {
            await _session.SendFrameAsync(new YamuxFrameHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Fin, Id, 0), default, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (remove) _session.RemoveStream(this);
        }
    }

    /// <summary>Aborts the stream in both directions (RST).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            if (_reset) return;
            _reset = true;
            WakeReader();
            WakeWriter();
        }
        _session.RemoveStream(this);
        if (!_session.IsClosed) _session.SendFrameInBackground(new YamuxFrameHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Rst, Id, 0));
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

    /// <summary>
    /// Closes our side gracefully (FIN) and stops buffering; if the peer has not closed its side within
    /// the half-closed timeout the stream is reset so it cannot linger.
    /// </summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            bool alreadyDone;
            lock (_gate)
            {
                alreadyDone = _disposed || _reset;
                _disposed = true;
                _chunks.Clear();
                _buffered = 0;
            }
            if (!alreadyDone && !_session.IsClosed)
            {
                _ = CloseWriteAsync().ContinueWith(_ => { }, TaskScheduler.Default);
                bool remoteOpen;
                lock (_gate) remoteOpen = !_remoteFin;
                if (remoteOpen)
                {
                    _ = Task.Delay(_session.Options.HalfClosedTimeout).ContinueWith(_ =>
                    {
                        bool stillOpen;
                        lock (_gate) stillOpen = !_remoteFin && !_reset;
                        if (stillOpen) Reset();
                    }, TaskScheduler.Default);
                }
            }
        }
        base.Dispose(disposing);
    }
}
