using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using OpenLedger.Network.Addressing;
using OpenLedger.Network.Encoding;
using OpenLedger.Network.Gossip;
using OpenLedger.Network.Identity;
using OpenLedger.Network.Multistream;
using OpenLedger.Network.Noise;
using OpenLedger.Network.Protocols;
using OpenLedger.Network.Yamux;
using Serilog;

namespace OpenLedger.Network.Host;

/// <summary>
/// A libp2p host: TCP listeners and dialer, each connection upgraded with multistream-select, Noise and
/// Yamux; identify and ping built in; application protocols registered with <see cref="SetStreamHandler"/>;
/// gossipsub in <see cref="Gossip"/>. Peers that break a protocol are disconnected and banned for a while.
/// </summary>
public sealed class Libp2pHost : IAsyncDisposable
{
    private readonly Libp2pHostOptions _options;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<string, Func<Libp2pStream, CancellationToken, Task>> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<PeerId, List<PeerConnection>> _connections = new();
    private readonly ConcurrentDictionary<PeerId, DateTimeOffset> _bans = new();
    private readonly List<TcpListener> _listeners = [];
    private readonly List<Multiaddr> _listenAddresses = [];
    private readonly CancellationTokenSource _stopping = new();
    private int _started;

    private Libp2pHost(Libp2pHostOptions options)
    {
        _options = options;
        _log = options.Logger.ForContext("SourceContext", "p2p");
        LocalPeerId = options.NodeKey.PeerId;
        SetStreamHandler(IdentifyProtocol.ProtocolId, HandleIdentifyAsync);
        SetStreamHandler(IdentifyProtocol.PushProtocolId, HandleIdentifyPushAsync);
        SetStreamHandler(PingProtocol.ProtocolId, (stream, ct) => PingProtocol.RespondAsync(stream, ct));
        Gossip = new GossipRouter(this, options.Gossip, options.TimeProvider, options.Logger);
    }

    public static Libp2pHost Create(Libp2pHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxPeers < 1) throw new ArgumentException("MaxPeers must be at least 1", nameof(options));
        return new Libp2pHost(options);
    }

    public PeerId LocalPeerId { get; }

    public GossipRouter Gossip { get; }

    public string AgentVersion => _options.AgentVersion;

    /// <summary>The bound listen addresses (with the real port when 0 was requested), without /p2p.</summary>
    public IReadOnlyList<Multiaddr> ListenAddresses { get { lock (_listenAddresses) return _listenAddresses.ToArray(); } }

    public IReadOnlyCollection<PeerInfo> ConnectedPeers =>
        _connections.Values.Select(list => { lock (list) return list.FirstOrDefault(); }).Where(c => c is not null).Select(c => c!.ToPeerInfo()).ToArray();

    /// <summary>Raised when the first connection to a peer is established.</summary>
    public event Action<PeerInfo>? PeerConnected;

    /// <summary>Raised when the last connection to a peer closes.</summary>
    public event Action<PeerInfo>? PeerDisconnected;

    /// <summary>Protocols we answer, as announced by identify.</summary>
    public IReadOnlyList<string> SupportedProtocols => _handlers.Keys.OrderBy(p => p, StringComparer.Ordinal).ToArray();

    public void SetStreamHandler(string protocolId, Func<Libp2pStream, CancellationToken, Task> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(protocolId);
        _handlers[protocolId] = handler ?? throw new ArgumentNullException(nameof(handler));
    }

    public void RemoveStreamHandler(string protocolId) => _handlers.TryRemove(protocolId, out _);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) throw new InvalidOperationException("host already started");
        foreach (Multiaddr address in _options.ListenAddresses)
        {
            var (host, protocol, port) = address.GetTcpEndpoint();
            if (protocol is not (MultiaddrProtocol.Ip4 or MultiaddrProtocol.Ip6))
                throw new ArgumentException($"listen address {address} must use /ip4 or /ip6");
            var listener = new TcpListener(IPAddress.Parse(host), port);
            try
            {
                listener.Start(128);
            }
            catch (SocketException e)
            {
                throw new IOException($"cannot listen on {address}: {e.Message}", e);
            }
            _listeners.Add(listener);
            var bound = Multiaddr.FromEndPoint((IPEndPoint)listener.LocalEndpoint);
            lock (_listenAddresses) _listenAddresses.Add(bound);
            _log.Information("p2p listening on {Address}/p2p/{PeerId}", bound, LocalPeerId);
            _ = Task.Run(() => AcceptLoopAsync(listener));
        }
        Gossip.Start();
        if (_options.Bootnodes.Count > 0) _ = Task.Run(BootnodeLoopAsync);
        return Task.CompletedTask;
    }

    internal byte[] SignWithNodeKey(ReadOnlySpan<byte> message) => _options.NodeKey.Sign(message);

    internal byte[] NodeKeyPublicProtobuf => _options.NodeKey.PublicKey.ToProtobuf();

    public bool IsConnected(PeerId peer) => _connections.TryGetValue(peer, out var list) && ConnectionsOf(list).Any(c => !c.Session.IsClosed);

    public bool IsBanned(PeerId peer)
    {
        if (!_bans.TryGetValue(peer, out var until)) return false;
        if (until > _options.TimeProvider.GetUtcNow()) return true;
        _bans.TryRemove(peer, out _);
        return false;
    }

    /// <summary>Disconnects the peer and refuses it for <see cref="Libp2pHostOptions.BanDuration"/>.</summary>
    public void BanPeer(PeerId peer, string reason)
    {
        _bans[peer] = _options.TimeProvider.GetUtcNow() + _options.BanDuration;
        _log.Warning("banning peer {PeerId} for {Duration}: {Reason}", peer, _options.BanDuration, reason);
        if (_connections.TryGetValue(peer, out var list))
            foreach (var connection in ConnectionsOf(list))
                _ = connection.Session.GoAwayAndCloseAsync(YamuxSession.GoAwayProtocolError, "banned: " + reason, protocolViolation: false);
    }

    public async Task DisconnectAsync(PeerId peer)
    {
        if (!_connections.TryGetValue(peer, out var list)) return;
        foreach (var connection in ConnectionsOf(list))
            await connection.Session.GoAwayAndCloseAsync(YamuxSession.GoAwayNormal, "disconnected locally", false).ConfigureAwait(false);
    }

    /// <summary>Dials a TCP multiaddr (with or without /p2p) and returns the authenticated peer id.</summary>
    /// <exception cref="IOException">Connection, handshake or authentication failed (message says which).</exception>
    public async Task<PeerId> DialAsync(Multiaddr address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        PeerId? expected = address.PeerId;
        if (expected == LocalPeerId) throw new ArgumentException("refusing to dial ourselves", nameof(address));
        if (expected is not null && IsConnected(expected)) return expected;
        if (expected is not null && IsBanned(expected)) throw new IOException($"peer {expected} is banned");

        var (host, hostProtocol, port) = address.WithoutPeerId().GetTcpEndpoint();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        timeout.CancelAfter(_options.HandshakeTimeout);
        Socket socket;
        try
        {
            IPAddress[] candidates = hostProtocol is MultiaddrProtocol.Ip4 or MultiaddrProtocol.Ip6
                ? [IPAddress.Parse(host)]
                : await Dns.GetHostAddressesAsync(host, timeout.Token).ConfigureAwait(false);
            candidates = hostProtocol switch
            {
                MultiaddrProtocol.Dns4 => candidates.Where(a => a.AddressFamily == AddressFamily.InterNetwork).ToArray(),
                MultiaddrProtocol.Dns6 => candidates.Where(a => a.AddressFamily == AddressFamily.InterNetworkV6).ToArray(),
                _ => candidates,
            };
            if (candidates.Length == 0) throw new IOException($"{host} did not resolve to a usable address");
            socket = new Socket(candidates[0].AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(candidates[0], port, timeout.Token).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"dialing {address} timed out after {_options.HandshakeTimeout.TotalSeconds:0.#} s");
        }
        catch (SocketException e)
        {
            throw new IOException($"cannot connect to {address}: {e.Message}", e);
        }

        var remote = Multiaddr.FromEndPoint((IPEndPoint)socket.RemoteEndPoint!);
        var connection = await UpgradeAsync(socket, remote, ConnectionDirection.Outbound, expected, cancellationToken).ConfigureAwait(false);
        return connection.RemotePeer;
    }

    /// <summary>Opens a stream to a connected peer and negotiates <paramref name="protocolId"/>.</summary>
    /// <exception cref="IOException">Not connected, or the peer does not support the protocol.</exception>
    public async Task<Libp2pStream> OpenStreamAsync(PeerId peer, string protocolId, CancellationToken cancellationToken)
    {
        var connection = GetConnection(peer) ?? throw new IOException($"not connected to {peer}");
        YamuxStream stream = await connection.Session.OpenStreamAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.StreamNegotiationTimeout);
            string selected = await MultistreamSelect.SelectAsync(stream, [protocolId], timeout.Token).ConfigureAwait(false);
            return new Libp2pStream(stream, selected, peer);
        }
        catch
        {
            stream.Reset();
            throw;
        }
    }

    /// <summary>Opens a stream offering several protocol versions in preference order.</summary>
    public async Task<Libp2pStream> OpenStreamAsync(PeerId peer, IReadOnlyList<string> protocolIds, CancellationToken cancellationToken)
    {
        var connection = GetConnection(peer) ?? throw new IOException($"not connected to {peer}");
        YamuxStream stream = await connection.Session.OpenStreamAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.StreamNegotiationTimeout);
            string selected = await MultistreamSelect.SelectAsync(stream, protocolIds, timeout.Token).ConfigureAwait(false);
            return new Libp2pStream(stream, selected, peer);
        }
        catch
        {
            stream.Reset();
            throw;
        }
    }

    /// <summary>Measures a round trip with /ipfs/ping/1.0.0.</summary>
    public async Task<TimeSpan> PingAsync(PeerId peer, CancellationToken cancellationToken)
    {
        await using var stream = await OpenStreamAsync(peer, PingProtocol.ProtocolId, cancellationToken).ConfigureAwait(false);
        TimeSpan rtt = await PingProtocol.PingOnceAsync(stream, cancellationToken).ConfigureAwait(false);
        await stream.CloseWriteAsync(cancellationToken).ConfigureAwait(false);
        return rtt;
    }

    /// <summary>Runs identify against the peer and records its agent and protocols.</summary>
    public async Task<IdentifyMessage> IdentifyAsync(PeerId peer, CancellationToken cancellationToken)
    {
        var connection = GetConnection(peer) ?? throw new IOException($"not connected to {peer}");
        await using var stream = await OpenStreamAsync(peer, IdentifyProtocol.ProtocolId, cancellationToken).ConfigureAwait(false);
        byte[] body = await LengthPrefixed.ReadAsync(stream, IdentifyProtocol.MaxMessageSize, cancellationToken).ConfigureAwait(false)
            ?? throw new IOException($"peer {peer} closed identify without answering");
        IdentifyMessage message;
        try
        {
            message = IdentifyMessage.Decode(body);
        }
        catch (FormatException e)
        {
            throw new IOException($"peer {peer} sent an invalid identify message: {e.Message}", e);
        }
        if (message.PublicKey.Length > 0)
        {
            try
            {
                if (!peer.Matches(Ed25519PublicKey.FromProtobuf(message.PublicKey)))
                    throw new IOException($"peer {peer} identified with someone else's public key");
            }
            catch (FormatException e)
            {
                throw new IOException($"peer {peer} sent an invalid identify public key: {e.Message}", e);
            }
        }
        connection.AgentVersion = message.AgentVersion;
        connection.Protocols = message.Protocols;
        return message;
    }

    internal PeerConnection? GetConnection(PeerId peer) =>
        _connections.TryGetValue(peer, out var list) ? ConnectionsOf(list).FirstOrDefault(c => !c.Session.IsClosed) : null;

    private static PeerConnection[] ConnectionsOf(List<PeerConnection> list)
    {
        lock (list) return list.ToArray();
    }

    private async Task HandleIdentifyAsync(Libp2pStream stream, CancellationToken cancellationToken)
    {
        var connection = GetConnection(stream.RemotePeer);
        var message = new IdentifyMessage
        {
            ProtocolVersion = IdentifyProtocol.ProtocolVersion,
            AgentVersion = _options.AgentVersion,
            PublicKey = _options.NodeKey.PublicKey.ToProtobuf(),
            ListenAddrs = ListenAddresses.Select(a => a.ToBytes()).ToArray(),
            ObservedAddr = connection?.RemoteAddress.ToBytes(),
            Protocols = SupportedProtocols,
        };
        await LengthPrefixed.WriteAsync(stream, message.Encode(), cancellationToken).ConfigureAwait(false);
        await stream.CloseWriteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>identify/push: the peer tells us its protocols or addresses changed; we keep the fields it sent.</summary>
    private async Task HandleIdentifyPushAsync(Libp2pStream stream, CancellationToken cancellationToken)
    {
        byte[]? body = await LengthPrefixed.ReadAsync(stream, IdentifyProtocol.MaxMessageSize, cancellationToken).ConfigureAwait(false);
        if (body is null) return;
        IdentifyMessage message;
        try
        {
            message = IdentifyMessage.Decode(body);
        }
        catch (FormatException e)
        {
            throw new IOException($"peer {stream.RemotePeer} pushed an invalid identify message: {e.Message}", e);
        }
        var connection = GetConnection(stream.RemotePeer);
        if (connection is null) return;
        if (message.AgentVersion.Length > 0) connection.AgentVersion = message.AgentVersion;
        if (message.Protocols.Count > 0) connection.Protocols = message.Protocols;
    }

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                _log.Debug("accept failed: {Reason}", e.Message);
                continue;
            }
            socket.NoDelay = true;
            _ = Task.Run(async () =>
            {
                var remote = Multiaddr.FromEndPoint((IPEndPoint)socket.RemoteEndPoint!);
                try
                {
                    await UpgradeAsync(socket, remote, ConnectionDirection.Inbound, null, _stopping.Token).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    _log.Debug("inbound connection from {Remote} failed: {Reason}", remote, e.Message);
                }
            });
        }
    }

    /// <summary>Security (Noise) and muxer (Yamux) negotiation for a fresh TCP connection; closes the socket on failure.</summary>
    private async Task<PeerConnection> UpgradeAsync(Socket socket, Multiaddr remoteAddress, ConnectionDirection direction, PeerId? expected, CancellationToken cancellationToken)
    {
        var network = new NetworkStream(socket, ownsSocket: true);
        bool initiator = direction == ConnectionDirection.Outbound;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        timeout.CancelAfter(_options.HandshakeTimeout);
        NoiseSession noise;
        try
        {
            if (initiator) await MultistreamSelect.SelectAsync(network, [NoiseHandshake.ProtocolId], timeout.Token).ConfigureAwait(false);
            else await MultistreamSelect.HandleAsync(network, p => p == NoiseHandshake.ProtocolId, timeout.Token).ConfigureAwait(false);

            noise = await NoiseHandshake.PerformAsync(network, _options.NodeKey, initiator, expected, [YamuxOptions.ProtocolId], timeout.Token).ConfigureAwait(false);
            if (noise.RemotePeerId == LocalPeerId) throw new IOException("connected to ourselves");
            if (IsBanned(noise.RemotePeerId)) throw new IOException($"peer {noise.RemotePeerId} is banned");

            if (noise.RemoteMuxers.Count > 0)
            {
                // Inlined muxer negotiation (stream_muxers extension): both sides listed muxers, so no round trip.
                if (!noise.RemoteMuxers.Contains(YamuxOptions.ProtocolId))
                    throw new IOException($"peer {noise.RemotePeerId} offers no common stream muxer (offered: {string.Join(", ", noise.RemoteMuxers)})");
            }
            else if (initiator)
            {
                await MultistreamSelect.SelectAsync(noise.Stream, [YamuxOptions.ProtocolId], timeout.Token).ConfigureAwait(false);
            }
            else
            {
                await MultistreamSelect.HandleAsync(noise.Stream, p => p == YamuxOptions.ProtocolId, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            await network.DisposeAsync().ConfigureAwait(false);
            if (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
                throw new IOException($"handshake with {remoteAddress} timed out after {_options.HandshakeTimeout.TotalSeconds:0.#} s", e);
            if (e is NoiseException or MultistreamException or IOException or OperationCanceledException or SocketException) throw;
            throw new IOException($"handshake with {remoteAddress} failed: {e.Message}", e);
        }

        PeerId remotePeer = noise.RemotePeerId;
        PeerConnection? connection = null;
        var session = new YamuxSession(noise.Stream, initiator, _options.Yamux, _log, stream => HandleInboundStreamAsync(stream, remotePeer));
        connection = new PeerConnection(session, remotePeer, remoteAddress, direction);

        bool firstConnection;
        var list = _connections.GetOrAdd(remotePeer, _ => []);
        lock (list)
        {
            firstConnection = list.Count == 0;
            if (firstConnection && direction == ConnectionDirection.Inbound && _connections.Count(kv => kv.Value.Count > 0) >= _options.MaxPeers)
            {
                _log.Debug("refusing {PeerId}: max peers ({Max}) reached", remotePeer, _options.MaxPeers);
                _ = session.GoAwayAndCloseAsync(YamuxSession.GoAwayNormal, "max peers reached", false);
                throw new IOException($"max peers ({_options.MaxPeers}) reached");
            }
            list.Add(connection);
        }
        _log.Debug("connected to {PeerId} at {Address} ({Direction})", remotePeer, remoteAddress, direction);
        // Subscribers learn about the peer before its first stream can arrive.
        if (firstConnection)
        {
            try { PeerConnected?.Invoke(connection.ToPeerInfo()); }
            catch (Exception e) { _log.Warning(e, "peer-connected handler failed"); }
        }
        _ = session.Completion.ContinueWith(t => OnConnectionClosed(connection, t.Result), TaskScheduler.Default);
        session.Start();
        _ = Task.Run(async () =>
        {
            try
            {
                using var identifyTimeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                identifyTimeout.CancelAfter(_options.HandshakeTimeout);
                await IdentifyAsync(remotePeer, identifyTimeout.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _log.Debug("identify of {PeerId} failed: {Reason}", remotePeer, e.Message);
            }
        });
        return connection;
    }

    private void OnConnectionClosed(PeerConnection connection, string reason)
    {
        _log.Debug("connection to {PeerId} closed: {Reason}", connection.RemotePeer, reason);
        if (connection.Session.ClosedForProtocolViolation) BanPeer(connection.RemotePeer, reason);
        bool last = false;
        if (_connections.TryGetValue(connection.RemotePeer, out var list))
        {
            lock (list)
            {
                list.Remove(connection);
                last = list.Count == 0;
            }
        }
        if (!last) return;
        try { PeerDisconnected?.Invoke(connection.ToPeerInfo()); }
        catch (Exception e) { _log.Warning(e, "peer-disconnected handler failed"); }
    }

    private async Task HandleInboundStreamAsync(YamuxStream stream, PeerId remotePeer)
    {
        string protocol;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(_options.StreamNegotiationTimeout);
            protocol = await MultistreamSelect.HandleAsync(stream, p => _handlers.ContainsKey(p), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            _log.Debug("stream negotiation with {PeerId} failed: {Reason}", remotePeer, e.Message);
            stream.Reset();
            return;
        }
        if (!_handlers.TryGetValue(protocol, out var handler))
        {
            stream.Reset();
            return;
        }
        var appStream = new Libp2pStream(stream, protocol, remotePeer);
        try
        {
            await handler(appStream, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.Debug("{Protocol} handler for {PeerId} ended with error: {Reason}", protocol, remotePeer, e.Message);
            appStream.Reset();
        }
        finally
        {
            await appStream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task BootnodeLoopAsync()
    {
        var nextAttempt = new Dictionary<Multiaddr, (DateTimeOffset At, TimeSpan Backoff)>();
        foreach (var bootnode in _options.Bootnodes) nextAttempt[bootnode] = (DateTimeOffset.MinValue, _options.ReconnectInitialBackoff);
        var knownPeer = new Dictionary<Multiaddr, PeerId>();
        while (!_stopping.IsCancellationRequested)
        {
            foreach (var bootnode in _options.Bootnodes)
            {
                PeerId? peer = bootnode.PeerId ?? knownPeer.GetValueOrDefault(bootnode);
                if (peer is not null && IsConnected(peer)) continue;
                var (at, backoff) = nextAttempt[bootnode];
                DateTimeOffset now = _options.TimeProvider.GetUtcNow();
                if (now < at) continue;
                try
                {
                    knownPeer[bootnode] = await DialAsync(bootnode, _stopping.Token).ConfigureAwait(false);
                    nextAttempt[bootnode] = (now, _options.ReconnectInitialBackoff);
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ArgumentException)
                {
                    if (_stopping.IsCancellationRequested) return;
                    _log.Debug("bootnode {Address} unreachable, retrying in {Backoff}: {Reason}", bootnode, backoff, e.Message);
                    TimeSpan next = backoff * 2 > _options.ReconnectMaxBackoff ? _options.ReconnectMaxBackoff : backoff * 2;
                    nextAttempt[bootnode] = (now + backoff, next);
                }
            }
            try { await Task.Delay(TimeSpan.FromMilliseconds(250), _options.TimeProvider, _stopping.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        _stopping.Cancel();
        Gossip.Stop();
        foreach (var listener in _listeners) listener.Stop();
        var sessions = _connections.Values.SelectMany(ConnectionsOf).Select(c => c.Session).ToArray();
        await Task.WhenAll(sessions.Select(s => s.GoAwayAndCloseAsync(YamuxSession.GoAwayNormal, "host stopping", false))).ConfigureAwait(false);
    }
}
