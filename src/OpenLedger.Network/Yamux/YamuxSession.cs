using System.Buffers;
using System.Collections.Concurrent;
using Serilog;

namespace OpenLedger.Network.Yamux;

/// <summary>
/// A Yamux (/yamux/1.0.0) session over a secured connection. The dialer uses odd stream ids, the listener
/// even ones. Flow control is per stream: a peer may send at most the window we granted, and we grant more
/// only as the application reads, so a peer that opens streams and sends without us reading can make us hold
/// at most MaxInboundStreams x InitialWindow bytes. Any protocol violation sends GoAway(protocol error) and
/// closes the session; it never throws out of the background loop.
/// </summary>
public sealed class YamuxSession : IAsyncDisposable
{
    public const uint GoAwayNormal = 0;
    public const uint GoAwayProtocolError = 1;
    public const uint GoAwayInternalError = 2;

    private readonly Stream _transport;
    private readonly bool _isClient;
    private readonly ILogger _log;
    private readonly Func<YamuxStream, Task> _onInboundStream;
    private readonly ConcurrentDictionary<uint, YamuxStream> _streams = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource<string> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private uint _nextStreamId;
    private int _inboundCount;
    private int _outboundCount;
    private volatile bool _remoteGoAway;
    private volatile bool _localGoAway;
    private long _lastPingAcked = 1;
    private uint _pingCounter;
    private int _started;

    public YamuxSession(Stream transport, bool isClient, YamuxOptions options, ILogger log, Func<YamuxStream, Task> onInboundStream)
    {
        _transport = transport;
        _isClient = isClient;
        Options = options;
        _log = log;
        _onInboundStream = onInboundStream;
        _nextStreamId = isClient ? 1u : 2u;
    }

    public YamuxOptions Options { get; }

    /// <summary>Completes with the reason once the session is closed.</summary>
    public Task<string> Completion => _completion.Task;

    public bool IsClosed => _completion.Task.IsCompleted;

    /// <summary>True when the session closed because the peer broke the protocol (the host bans for this).</summary>
    public bool ClosedForProtocolViolation { get; private set; }

    public int StreamCount => _streams.Count;

    /// <summary>Bytes received and not yet read by the application, over all streams.</summary>
    public long BufferedBytes => _streams.Values.Sum(s => (long)s.BufferedBytes);

    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) return;
        _ = Task.Run(ReadLoopAsync);
        if (Options.KeepAliveInterval > TimeSpan.Zero) _ = Task.Run(KeepAliveLoopAsync);
    }

    public async Task<YamuxStream> OpenStreamAsync(CancellationToken cancellationToken)
    {
        if (IsClosed) throw new YamuxException("yamux session is closed");
        if (_remoteGoAway || _localGoAway) throw new YamuxException("yamux session is going away; no new streams");
        if (Interlocked.Increment(ref _outboundCount) > Options.MaxOutboundStreams)
        {
            Interlocked.Decrement(ref _outboundCount);
            throw new YamuxException($"too many outbound yamux streams (limit {Options.MaxOutboundStreams})");
        }
        uint id;
        lock (_streams)
        {
            id = _nextStreamId;
            _nextStreamId += 2;
        }
        var stream = new YamuxStream(this, id, outbound: true);
        _streams[id] = stream;
        try
        {
            await SendFrameAsync(new YamuxFrameHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, id, 0), default, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            RemoveStream(stream);
            throw;
        }
        return stream;
    }

    internal async Task SendFrameAsync(YamuxFrameHeader header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        int length = YamuxFrameHeader.Size + payload.Length;
        var frame = ArrayPool<byte>.Shared.Rent(length);
        header.Write(frame);
        payload.Span.CopyTo(frame.AsSpan(YamuxFrameHeader.Size));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        await _writeLock.WaitAsync(linked.Token).ConfigureAwait(false);
        try
        {
            if (IsClosed) throw new YamuxException("yamux session is closed");
            await _transport.WriteAsync(frame.AsMemory(0, length), linked.Token).ConfigureAwait(false);
            // Only after a write that completed: a failed one might leave the transport holding the array.
            ArrayPool<byte>.Shared.Return(frame);
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new YamuxException("yamux session is closed");
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Sends the frame if possible; errors only close the session (for replies from the read loop).</summary>
    internal void SendFrameInBackground(YamuxFrameHeader header)
    {
        _ = SendFrameAsync(header, default, CancellationToken.None).ContinueWith(
            t => Close("write failed: " + t.Exception?.GetBaseException().Message, false),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    internal void RemoveStream(YamuxStream stream)
    {
        if (_streams.TryRemove(new KeyValuePair<uint, YamuxStream>(stream.Id, stream)))
        {
            if (stream.IsOutbound) Interlocked.Decrement(ref _outboundCount);
            else Interlocked.Decrement(ref _inboundCount);
        }
    }

    private async Task ReadLoopAsync()
    {
        var headerBuffer = new byte[YamuxFrameHeader.Size];
        try
        {
            while (true)
            {
                int got = await _transport.ReadAtLeastAsync(headerBuffer, YamuxFrameHeader.Size, throwOnEndOfStream: false, _closing.Token).ConfigureAwait(false);
                if (got == 0)
                {
                    Close("connection closed by peer", false);
                    return;
                }
                if (got < YamuxFrameHeader.Size) throw new YamuxException("connection closed inside a yamux header");
                var header = YamuxFrameHeader.Read(headerBuffer);
                await HandleFrameAsync(header).ConfigureAwait(false);
            }
        }
        catch (YamuxException e)
        {
            _log.Debug("yamux protocol violation: {Reason}", e.Message);
            await GoAwayAndCloseAsync(GoAwayProtocolError, "protocol violation: " + e.Message, protocolViolation: true).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Close("session closed", false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            bool violation = e is Noise.NoiseException;
            Close((violation ? "invalid encrypted frame: " : "connection error: ") + e.Message, violation);
        }
        catch (Exception e)
        {
            _log.Warning(e, "yamux read loop failed unexpectedly");
            Close("internal error: " + e.Message, false);
        }
    }

    private async Task HandleFrameAsync(YamuxFrameHeader header)
    {
        switch (header.Type)
        {
            case YamuxFrameType.Ping:
                if (header.StreamId != 0) throw new YamuxException("ping on a non-zero stream id");
                if ((header.Flags & YamuxFlags.Syn) != 0)
                    SendFrameInBackground(new YamuxFrameHeader(YamuxFrameType.Ping, YamuxFlags.Ack, 0, header.Length));
                else if ((header.Flags & YamuxFlags.Ack) != 0)
                    Interlocked.Exchange(ref _lastPingAcked, 1);
                return;
            case YamuxFrameType.GoAway:
                if (header.StreamId != 0) throw new YamuxException("go-away on a non-zero stream id");
                _remoteGoAway = true;
                _log.Debug("peer sent yamux go-away with code {Code}", header.Length);
                return;
        }

        if (header.StreamId == 0) throw new YamuxException($"{header.Type} frame on stream id 0");
        if (header.Type == YamuxFrameType.Data && header.Length > (uint)Options.InitialWindow)
            throw new YamuxException($"data frame of {header.Length} bytes exceeds the {Options.InitialWindow}-byte window");
        YamuxStream? stream;
        if ((header.Flags & YamuxFlags.Syn) != 0)
        {
            stream = AcceptInbound(header.StreamId);
        }
        else
        {
            _streams.TryGetValue(header.StreamId, out stream);
        }

        if (header.Type == YamuxFrameType.Data)
        {
            int length = (int)header.Length;
            byte[] payload = length == 0 ? [] : ArrayPool<byte>.Shared.Rent(length);
            if (length > 0)
                await _transport.ReadExactlyAsync(payload.AsMemory(0, length), _closing.Token).ConfigureAwait(false);
            if (stream?.OnData(payload, length) != true && length > 0) ArrayPool<byte>.Shared.Return(payload);
        }
        else if (stream is not null && header.Length > 0)
        {
            stream.OnWindowUpdate(header.Length);
        }

        if (stream is null) return;
        if ((header.Flags & YamuxFlags.Rst) != 0) stream.OnReset();
        else if ((header.Flags & YamuxFlags.Fin) != 0) stream.OnRemoteFin();
    }

    private YamuxStream? AcceptInbound(uint id)
    {
        bool remoteParity = _isClient ? id % 2 == 0 : id % 2 == 1;
        if (!remoteParity) throw new YamuxException($"peer opened stream {id} with our parity");
        if (_streams.ContainsKey(id)) throw new YamuxException($"peer reopened stream {id}");
        if (_localGoAway || Interlocked.Increment(ref _inboundCount) > Options.MaxInboundStreams)
        {
            if (!_localGoAway) Interlocked.Decrement(ref _inboundCount);
            _log.Debug("refusing yamux stream {Id}: {Reason}", id, _localGoAway ? "going away" : "inbound stream limit reached");
            SendFrameInBackground(new YamuxFrameHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Rst, id, 0));
            return null;
        }
        var stream = new YamuxStream(this, id, outbound: false);
        _streams[id] = stream;
        SendFrameInBackground(new YamuxFrameHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Ack, id, 0));
        _ = Task.Run(async () =>
        {
            try { await _onInboundStream(stream).ConfigureAwait(false); }
            catch (Exception e)
            {
                _log.Debug("inbound stream handler failed: {Reason}", e.Message);
                stream.Reset();
            }
        });
        return stream;
    }

    private async Task KeepAliveLoopAsync()
    {
        try
        {
            while (!IsClosed)
            {
                await Task.Delay(Options.KeepAliveInterval, _closing.Token).ConfigureAwait(false);
                if (Interlocked.Exchange(ref _lastPingAcked, 0) == 0)
                {
                    await GoAwayAndCloseAsync(GoAwayNormal, "keep-alive ping not answered", false).ConfigureAwait(false);
                    return;
                }
                await SendFrameAsync(new YamuxFrameHeader(YamuxFrameType.Ping, YamuxFlags.Syn, 0, ++_pingCounter), default, _closing.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The session is closing.
        }
    }

    /// <summary>Tells the peer we are leaving, then closes the connection.</summary>
    public async Task GoAwayAndCloseAsync(uint code, string reason, bool protocolViolation)
    {
        if (IsClosed) return;
        _localGoAway = true;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await SendFrameAsync(new YamuxFrameHeader(YamuxFrameType.GoAway, YamuxFlags.None, 0, code), default, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // Best effort: the connection may already be gone.
        }
        Close(reason, protocolViolation);
    }

    private void Close(string reason, bool protocolViolation)
    {
        if (protocolViolation) ClosedForProtocolViolation = true;
        if (!_completion.TrySetResult(reason)) return;
        _closing.Cancel();
        foreach (var stream in _streams.Values) stream.OnSessionClosed();
        _streams.Clear();
        try { _transport.Dispose(); }
        catch (Exception e) when (e is IOException or ObjectDisposedException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await GoAwayAndCloseAsync(GoAwayNormal, "closed locally", false).ConfigureAwait(false);
    }
}
