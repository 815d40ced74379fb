using OpenLedger.Network.Identity;
using OpenLedger.Network.Yamux;

namespace OpenLedger.Network.Host;

/// <summary>A negotiated application stream to a peer. Dispose closes our side; <see cref="Reset"/> aborts.</summary>
public sealed class Libp2pStream : Stream
{
    private readonly YamuxStream _inner;

    internal Libp2pStream(YamuxStream inner, string protocol, PeerId remotePeer)
    {
        _inner = inner;
        Protocol = protocol;
        RemotePeer = remotePeer;
    }

    public string Protocol { get; }

    public PeerId RemotePeer { get; }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Half-close: tells the peer we are done writing (it reads end of stream).</summary>
    public Task CloseWriteAsync(CancellationToken cancellationToken = default) => _inner.CloseWriteAsync(cancellationToken);

    public void Reset() => _inner.Reset();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _inner.WriteAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override void Flush() { }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }
}
