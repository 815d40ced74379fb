using System.Buffers;
using OpenLedger.Network.Encoding;
using OpenLedger.Network.Host;
using OpenLedger.Network.Identity;
using Serilog;

namespace OpenLedger.Network.Gossip;

/// <summary>
/// Gossipsub v1.2 (/meshsub/1.2.0, also /meshsub/1.1.0 and /meshsub/1.0.0): v1.1 plus IDONTWANT, which keeps
/// mesh peers from relaying a large message back to a node that already has it (in a small, fully meshed
/// validator set every large message used to arrive once from its author and once more from every other peer).
/// StrictSign messages with id = from ++ seqno; mesh maintenance, fanout, IHAVE/IWANT gossip,
/// PRUNE backoff, the v1.1 peer score (<see cref="PeerScore"/>: P1–P7 with decay, gossip/publish/graylist
/// thresholds) and per-topic application validators.
/// Each peer gets one outbound stream we write RPCs to; RPCs arrive on the streams the peer opens to us.
/// </summary>
public sealed class GossipRouter
{
    public const string MeshSub12 = "/meshsub/1.2.0";
    public const string MeshSub11 = "/meshsub/1.1.0";
    public const string MeshSub10 = "/meshsub/1.0.0";
    private static readonly byte[] SignaturePrefix = System.Text.Encoding.ASCII.GetBytes("libp2p-pubsub:");

    private readonly Libp2pHost _host;
    private readonly GossipOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly object _lock = new();
    private readonly Dictionary<PeerId, GossipPeer> _peers = [];
    private readonly Dictionary<string, Func<GossipMessage, ValidationResult>> _validators = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BatchValidationQueue> _batched = new(StringComparer.Ordinal);
    private readonly HashSet<string> _priorityTopics = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Dictionary<string, HashSet<PeerId>> _mesh = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<PeerId>> _fanout = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _fanoutLastPublish = new(StringComparer.Ordinal);
    private readonly Dictionary<(PeerId, string), DateTimeOffset> _backoff = [];
    private readonly MessageCache _cache;
    private readonly SeenCache _seen;
    private readonly PeerScore _score;
    private DateTimeOffset _lastDecay;
    private ITimer? _heartbeat;
    private long _heartbeats;
    private long _duplicates;
    private long _relaysSkipped;

    internal GossipRouter(Libp2pHost host, GossipOptions options, TimeProvider time, ILogger log)
    {
        _host = host;
        _options = options;
        _time = time;
        _log = log.ForContext("SourceContext", "gossipsub");
        _cache = new MessageCache(options.HistoryLength, options.HistoryGossip);
        _seen = new SeenCache(options.SeenTtl, options.MaxSeenEntries);
        _score = new PeerScore(options.Score);
        _lastDecay = time.GetUtcNow();
        foreach (string protocol in new[] { MeshSub12, MeshSub11, MeshSub10 })
            host.SetStreamHandler(protocol, HandleInboundStreamAsync);
        host.PeerConnected += OnPeerConnected;
        host.PeerDisconnected += OnPeerDisconnected;
    }

    /// <summary>Raised for every accepted message on a subscribed topic (not for our own publications).</summary>
    public event Action<GossipMessage>? MessageReceived;

    public IReadOnlyCollection<string> Topics { get { lock (_lock) return _validators.Keys.ToArray(); } }

    public IReadOnlyCollection<PeerId> MeshPeers(string topic)
    {
        lock (_lock) return _mesh.TryGetValue(topic, out var mesh) ? mesh.ToArray() : [];
    }

    public IReadOnlyCollection<PeerId> PeersSubscribedTo(string topic)
    {
        lock (_lock) return _peers.Values.Where(p => p.Topics.Contains(topic)).Select(p => p.Id).ToArray();
    }

    /// <summary>Messages that arrived again after their first copy (dropped on arrival; the cost IDONTWANT avoids).</summary>
    public long DuplicateMessages => Interlocked.Read(ref _duplicates);

    /// <summary>Relays not sent because the peer had told us (IDONTWANT) that it already has the message.</summary>
    public long RelaysSkipped => Interlocked.Read(ref _relaysSkipped);

    /// <summary>The peer's current gossipsub score (0 for a peer we know nothing about).</summary>
    public double GetScore(PeerId peer)
    {
        lock (_lock) return _score.Score(peer, _time.GetUtcNow());
    }

    /// <summary>The counters behind the peer's score on a topic, or null when it has none there.</summary>
    public TopicScoreCounters? GetScoreCounters(PeerId peer, string topic)
    {
        lock (_lock) return _score.Counters(peer, topic);
    }

    private double ScoreOf(GossipPeer peer) => _score.Score(peer.Id, _time.GetUtcNow());

    private void AddToMesh(HashSet<PeerId> mesh, PeerId peer, string topic)
    {
        if (mesh.Add(peer)) _score.Graft(peer, topic, _time.GetUtcNow());
    }

    private void RemoveFromMesh(HashSet<PeerId> mesh, PeerId peer, string topic)
    {
        if (mesh.Remove(peer)) _score.Prune(peer, topic);
    }

    public void Subscribe(string topic) => Subscribe(topic, _ => ValidationResult.Accept);

    /// <summary>Joins the topic; <paramref name="validator"/> decides for every incoming message before delivery or forwarding.</summary>
    public void Subscribe(string topic, Func<GossipMessage, ValidationResult> validator)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(validator);
        lock (_lock)
        {
            bool isNew = !_validators.ContainsKey(topic);
            _validators[topic] = validator;
            if (!isNew) return;
            // Join: start from fanout peers, then fill up to D with other subscribers.
            var mesh = new HashSet<PeerId>();
            if (_fanout.Remove(topic, out var fanout))
                foreach (var id in fanout) AddToMesh(mesh, id, topic);
            _fanoutLastPublish.Remove(topic);
            foreach (var peer in SelectPeers(topic, _options.D - mesh.Count, p => !mesh.Contains(p.Id) && CanGraft(p, topic)))
                AddToMesh(mesh, peer.Id, topic);
            _mesh[topic] = mesh;
            foreach (var peer in _peers.Values)
            {
                var rpc = new PubSubRpc();
                rpc.Subscriptions.Add(new SubscriptionChange(true, topic));
                if (mesh.Contains(peer.Id)) rpc.Graft.Add(topic);
                Enqueue(peer, rpc);
            }
        }
    }

    /// <summary>
    /// Joins the topic with a validator that judges messages in batches, off the peers' receive loops: arriving
    /// messages are queued (up to <see cref="GossipOptions.MaxValidationQueue"/>, beyond which they are dropped
    /// unvalidated), and one worker hands whatever has arrived (up to <see cref="GossipOptions.MaxValidationBatch"/>)
    /// to <paramref name="validator"/>, which returns one result per message in the same order. Signatures are
    /// checked in parallel first; accepted messages are delivered in arrival order and forwarded several per RPC.
    /// For expensive validation (transactions: sender recovery, mempool admission) where messages of other topics
    /// on the same stream (consensus) must not wait behind it.
    /// </summary>
    /// <param name="maxBatch">Messages handed to the validator at once (default <see cref="GossipOptions.MaxValidationBatch"/>);
    /// lower for topics whose messages are themselves large.</param>
    /// <param name="maxQueue">Messages waiting for validation (default <see cref="GossipOptions.MaxValidationQueue"/>).</param>
    public void SubscribeBatched(string topic, Func<IReadOnlyList<GossipMessage>, IReadOnlyList<ValidationResult>> validator,
        int? maxBatch = null, int? maxQueue = null)
    {
        ArgumentNullException.ThrowIfNull(validator);
        if (maxBatch is <= 0) throw new ArgumentOutOfRangeException(nameof(maxBatch), maxBatch, "at least one message per batch");
        if (maxQueue is <= 0) throw new ArgumentOutOfRangeException(nameof(maxQueue), maxQueue, "at least one queued message");
        BatchValidationQueue queue;
        lock (_lock)
        {
            if (_batched.ContainsKey(topic)) throw new InvalidOperationException($"topic {topic} already has a batch validator");
            queue = new BatchValidationQueue(topic, validator, maxQueue ?? _options.MaxValidationQueue, maxBatch ?? _options.MaxValidationBatch);
            _batched[topic] = queue;
        }
        // Joins the mesh; this per-message validator is never called for the topic.
        Subscribe(topic, _ => ValidationResult.Ignore);
        _ = Task.Run(() => ValidateBatchesAsync(queue, _lifetime.Token));
    }

    /// <summary>
    /// Messages we publish or forward on <paramref name="topic"/> jump the per-peer send queue (and are not dropped
    /// when it is full), so consensus traffic is not delayed by a transaction burst.
    /// </summary>
    public void PrioritiseTopic(string topic)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        lock (_lock) _priorityTopics.Add(topic);
    }

    public void Unsubscribe(string topic)
    {
        lock (_lock)
        {
            if (!_validators.Remove(topic)) return;
            _mesh.Remove(topic, out var mesh);
            if (mesh is not null) foreach (var id in mesh) _score.Prune(id, topic);
            foreach (var peer in _peers.Values)
            {
                var rpc = new PubSubRpc();
                rpc.Subscriptions.Add(new SubscriptionChange(false, topic));
                if (mesh is not null && mesh.Contains(peer.Id)) AddPrune(rpc, peer, topic);
                Enqueue(peer, rpc);
            }
        }
    }

    /// <summary>Signs and sends a message; returns how many peers it was sent to.</summary>
    public Task<int> PublishAsync(string topic, byte[] data)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(data);
        var message = NewMessage(topic, data);
        SignMessage(message);
        byte[] id = MessageId(message);
        int sent = 0;
        lock (_lock)
        {
            DateTimeOffset now = _time.GetUtcNow();
            _seen.TryAdd(id, now);
            _cache.Put(id, message);
            var rpc = new PubSubRpc();
            rpc.Messages.Add(message);
            byte[] frame = rpc.EncodeFramed();
            bool priority = _priorityTopics.Contains(topic);
            foreach (var peer in PublishTargets(topic, now))
                if (Send(peer, frame, priority)) sent++;
        }
        if (sent == 0) _log.Debug("published on {Topic} but no peer is subscribed", topic);
        return Task.FromResult(sent);
    }

    /// <summary>
    /// Signs and sends several messages on one topic (each its own gossipsub message, signed in parallel), packed
    /// several per RPC to each target peer; returns how many peers they were sent to. Same targets as
    /// <see cref="PublishAsync"/>.
    /// </summary>
    /// <param name="skipSubscribersOf">When given, peers subscribed to this other topic are left out (they get the
    /// same content another way); if no target is left, nothing is signed or sent.</param>
    public Task<int> PublishManyAsync(string topic, IReadOnlyList<byte[]> data, string? skipSubscribersOf = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) return Task.FromResult(0);
        if (skipSubscribersOf is not null && PublicationTargets(topic, skipSubscribersOf).Length == 0) return Task.FromResult(0);
        var messages = data.Select(d => NewMessage(topic, d)).ToArray();
        if (messages.Length >= 8) Parallel.ForEach(messages, SignMessage);
        else foreach (var message in messages) SignMessage(message);

        GossipPeer[] targets;
        lock (_lock)
        {
            DateTimeOffset now = _time.GetUtcNow();
            foreach (var message in messages)
            {
                byte[] id = MessageId(message);
                _seen.TryAdd(id, now);
                _cache.Put(id, message);
            }
            targets = PublishTargets(topic, now);
            if (skipSubscribersOf is not null) targets = targets.Where(p => !p.Topics.Contains(skipSubscribersOf)).ToArray();
            bool priority = _priorityTopics.Contains(topic);
            var rpc = new PubSubRpc();
            int rpcBytes = 0;
            foreach (var message in messages)
            {
                rpc.Messages.Add(message);
                rpcBytes += (message.Data?.Length ?? 0) + MessageOverheadBytes;
                if (rpc.Messages.Count >= _options.MaxForwardBatch || rpcBytes >= _options.MaxRpcSize / 2)
                {
                    SendToAll(targets, rpc, priority);
                    rpc = new PubSubRpc();
                    rpcBytes = 0;
                }
            }
            if (rpc.Messages.Count > 0) SendToAll(targets, rpc, priority);
        }
        if (targets.Length == 0) _log.Debug("published on {Topic} but no peer is subscribed", topic);
        return Task.FromResult(targets.Length);
    }

    /// <summary>Peers a publication on <paramref name="topic"/> would go to now, leaving out those subscribed to <paramref name="skipSubscribersOf"/>.</summary>
    public PeerId[] PublicationTargets(string topic, string? skipSubscribersOf = null)
    {
        lock (_lock)
            return PublishTargets(topic, _time.GetUtcNow())
                .Where(p => skipSubscribersOf is null || !p.Topics.Contains(skipSubscribersOf)).Select(p => p.Id).ToArray();
    }

    /// <summary>Bytes a pubsub message adds to an RPC beyond its data (from, seqno, topic, signature, key, tags), rounded up.</summary>
    private const int MessageOverheadBytes = 256;

    private void SendToAll(GossipPeer[] targets, PubSubRpc rpc, bool priority)
    {
        byte[] frame = rpc.EncodeFramed();
        foreach (var peer in targets) Send(peer, frame, priority);
    }

    /// <summary>A message of ours with a fresh random sequence number, not yet signed.</summary>
    private PubSubMessage NewMessage(string topic, byte[] data)
    {
        var seqno = new byte[8];
        _options.Random.Fill(seqno);
        return new PubSubMessage { From = _host.LocalPeerId.Bytes, Data = data, SequenceNumber = seqno, Topic = topic, Key = _host.NodeKeyPublicProtobuf };
    }

    /// <summary>StrictSign: the node key signs the prefixed message without its signature and key fields.</summary>
    private void SignMessage(PubSubMessage message)
    {
        var signed = message.RentSigningBytes(SignaturePrefix, out var length);
        message.Signature = _host.SignWithNodeKey(signed.AsSpan(0, length));
        ArrayPool<byte>.Shared.Return(signed);
    }

    /// <summary>Flood publish: every subscribed peer above the publish threshold; else the mesh, else the fanout. Under the lock.</summary>
    private GossipPeer[] PublishTargets(string topic, DateTimeOffset now)
    {
        if (_options.FloodPublish)
            return _peers.Values.Where(p => p.Topics.Contains(topic) && ScoreOf(p) >= _options.Thresholds.PublishThreshold).ToArray();
        if (_mesh.TryGetValue(topic, out var mesh))
            return mesh.Select(p => _peers[p]).ToArray();
        if (!_fanout.TryGetValue(topic, out var fanout) || fanout.Count == 0)
        {
            fanout = SelectPeers(topic, _options.D, p => ScoreOf(p) >= _options.Thresholds.PublishThreshold).Select(p => p.Id).ToHashSet();
            _fanout[topic] = fanout;
        }
        _fanoutLastPublish[topic] = now;
        return fanout.Select(p => _peers[p]).ToArray();
    }

    internal void Start()
    {
        _heartbeat = _time.CreateTimer(_ => Heartbeat(), null, _options.HeartbeatInterval, _options.HeartbeatInterval);
    }

    internal void Stop()
    {
        _heartbeat?.Dispose();
        _lifetime.Cancel();
        lock (_lock)
        {
            foreach (var peer in _peers.Values) peer.Lifetime.Cancel();
        }
    }

    private static byte[] MessageId(PubSubMessage message) => [.. message.From ?? [], .. message.SequenceNumber ?? []];

    private void OnPeerConnected(PeerInfo info) => EnsurePeer(info.PeerId);

    /// <summary>
    /// Creates the router state for a connected peer (once) and starts its send loop, which first announces
    /// our subscriptions. Called on connect and, defensively, when an RPC arrives from a peer not yet known.
    /// </summary>
    private GossipPeer EnsurePeer(PeerId id)
    {
        GossipPeer peer;
        lock (_lock)
        {
            if (_peers.TryGetValue(id, out var existing)) return existing;
            peer = new GossipPeer(id, _options.MaxOutboundQueue);
            _peers[id] = peer;
            _score.AddPeer(id, RemoteIp(id));
            var hello = new PubSubRpc();
            foreach (string topic in _validators.Keys) hello.Subscriptions.Add(new SubscriptionChange(true, topic));
            if (!hello.IsEmpty) Enqueue(peer, hello);
        }
        _ = Task.Run(() => SendLoopAsync(peer));
        return peer;
    }

    private System.Net.IPAddress? RemoteIp(PeerId id)
    {
        var address = _host.ConnectedPeers.FirstOrDefault(p => p.PeerId == id)?.RemoteAddress;
        var text = address?.Get(Addressing.MultiaddrProtocol.Ip4) ?? address?.Get(Addressing.MultiaddrProtocol.Ip6);
        return text is not null && System.Net.IPAddress.TryParse(text, out var ip) ? ip : null;
    }

    private void OnPeerDisconnected(PeerInfo info)
    {
        lock (_lock)
        {
            if (!_peers.Remove(info.PeerId, out var peer)) return;
            ForgetPeer(peer);
        }
    }

    private void ForgetPeer(GossipPeer peer)
    {
        peer.Lifetime.Cancel();
        foreach (var (topic, mesh) in _mesh) RemoveFromMesh(mesh, peer.Id, topic);
        foreach (var fanout in _fanout.Values) fanout.Remove(peer.Id);
        _score.RemovePeer(peer.Id, _time.GetUtcNow());
    }

    private async Task SendLoopAsync(GossipPeer peer)
    {
        CancellationToken token = peer.Lifetime.Token;
        for (int attempt = 0; attempt < 3 && !token.IsCancellationRequested; attempt++)
        {
            Libp2pStream? stream = null;
            try
            {
                stream = await _host.OpenStreamAsync(peer.Id, [MeshSub12, MeshSub11, MeshSub10], token).ConfigureAwait(false);
                lock (_lock) peer.Protocol = stream.Protocol;
                var buffer = new MemoryStream();
                while (await peer.Outbound.Reader.WaitToReadAsync(token).ConfigureAwait(false))
                {
                    // Priority frames first, then whatever else is queued, written together up to the coalescing limit.
                    buffer.SetLength(0);
                    while (buffer.Length < _options.MaxCoalescedWrite)
                    {
                        if (peer.Priority.TryDequeue(out byte[]? urgent)) buffer.Write(urgent);
                        else if (peer.Outbound.Reader.TryRead(out byte[]? frame)) buffer.Write(frame);
                        else break;
                    }
                    if (buffer.Length > 0) await stream.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), token).ConfigureAwait(false);
                }
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                _log.Debug("gossip stream to {PeerId} failed: {Reason}", peer.Id, e.Message);
                if (e is Multistream.MultistreamException) return; // the peer does not speak gossipsub
                try { await Task.Delay(TimeSpan.FromSeconds(1), _time, token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
            finally
            {
                if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task HandleInboundStreamAsync(Libp2pStream stream, CancellationToken cancellationToken)
    {
        PeerId from = stream.RemotePeer;
        while (!cancellationToken.IsCancellationRequested)
        {
            PubSubRpc rpc;
            try
            {
                var read = await LengthPrefixed.ReadPooledAsync(stream, _options.MaxRpcSize, cancellationToken).ConfigureAwait(false);
                if (read is not { } pooled) return;
                var (frame, length) = pooled;
                try
                {
                    rpc = PubSubRpc.Decode(frame, length);
                }
                finally
                {
                    // Decoding copies every field it keeps, so the frame can go back at once.
                    System.Buffers.ArrayPool<byte>.Shared.Return(frame);
                }
            }
            catch (Exception e) when (e is FormatException or MessageTooLargeException)
            {
                _host.BanPeer(from, "invalid gossipsub RPC: " + e.Message);
                return;
            }
            await HandleRpcAsync(from, rpc).ConfigureAwait(false);
        }
    }

    internal async Task HandleRpcAsync(PeerId from, PubSubRpc rpc)
    {
        List<PubSubMessage> candidates = [];
        if (!_host.IsConnected(from)) return;
        EnsurePeer(from);
        lock (_lock)
        {
            if (!_peers.TryGetValue(from, out var peer)) return;
            if (ScoreOf(peer) < _options.Thresholds.GraylistThreshold)
            {
                _log.Debug("ignoring an RPC from graylisted {PeerId}", from);
                return;
            }
            foreach (var sub in rpc.Subscriptions)
            {
                if (sub.Subscribe)
                {
                    if (peer.Topics.Count < 1000) peer.Topics.Add(sub.Topic);
                }
                else
                {
                    peer.Topics.Remove(sub.Topic);
                    if (_mesh.TryGetValue(sub.Topic, out var mesh)) RemoveFromMesh(mesh, from, sub.Topic);
                    if (_fanout.TryGetValue(sub.Topic, out var fanout)) fanout.Remove(from);
                }
            }
            DateTimeOffset now = _time.GetUtcNow();
            Dictionary<string, PubSubRpc>? dontWant = null;
            foreach (var message in rpc.Messages)
            {
                if (!_validators.ContainsKey(message.Topic)) continue;
                byte[] id = MessageId(message);
                if (_seen.TryAdd(id, now))
                {
                    candidates.Add(message);
                    _score.ValidationStarted(id, now);
                    if ((message.Data?.Length ?? 0) >= _options.IDontWantMessageThreshold)
                    {
                        dontWant ??= new Dictionary<string, PubSubRpc>(StringComparer.Ordinal);
                        if (!dontWant.TryGetValue(message.Topic, out var announcement)) dontWant[message.Topic] = announcement = new PubSubRpc();
                        announcement.IDontWant.Add(id);
                    }
                }
                else
                {
                    _duplicates++;
                    _score.DuplicateMessage(from, id, message.Topic, now);
                }
            }
            if (dontWant is not null) AnnounceIDontWant(from, dontWant);
            if (rpc.HasControl) HandleControl(peer, rpc);
        }

        foreach (var message in candidates)
        {
            BatchValidationQueue? batched;
            lock (_lock) batched = _batched.GetValueOrDefault(message.Topic);
            if (batched is not null)
            {
                if (!batched.Pending.Writer.TryWrite((from, message)))
                {
                    _log.Debug("validation queue of {Topic} is full; dropping a message from {PeerId}", message.Topic, from);
                    lock (_lock) _score.MessageIgnored(MessageId(message), _time.GetUtcNow());
                }
                continue;
            }
            await Task.Yield();
            ProcessMessage(from, message);
        }
    }

    /// <summary>
    /// Gossipsub v1.2: tells our other mesh peers of each topic, at once and ahead of queued traffic, that we already
    /// have these messages (the spec allows doing so before validation), so none of them relays them to us.
    /// Under the lock.
    /// </summary>
    private void AnnounceIDontWant(PeerId from, Dictionary<string, PubSubRpc> byTopic)
    {
        foreach (var (topic, announcement) in byTopic)
        {
            if (!_mesh.TryGetValue(topic, out var mesh)) continue;
            byte[]? frame = null;
            foreach (PeerId target in mesh)
            {
                if (target == from || !_peers.TryGetValue(target, out var peer) || !peer.SupportsIDontWant) continue;
                Send(peer, frame ??= announcement.EncodeFramed(), priority: true);
            }
        }
    }

    /// <summary>False when the peer told us (IDONTWANT) it has the message; counts the skipped relay. Under the lock.</summary>
    private bool WantsRelay(GossipPeer peer, ref string? hexId, byte[] id)
    {
        if (peer.DontSend.Count == 0 || !peer.DontSend.ContainsKey(hexId ??= Convert.ToHexString(id))) return true;
        _relaysSkipped++;
        return false;
    }

    /// <summary>The worker of one batch-validated topic (<see cref="SubscribeBatched"/>).</summary>
    private async Task ValidateBatchesAsync(BatchValidationQueue queue, CancellationToken token)
    {
        var batch = new List<(PeerId From, PubSubMessage Message)>(_options.MaxValidationBatch);
        try
        {
            while (await queue.Pending.Reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < queue.MaxBatch && queue.Pending.Reader.TryRead(out var item)) batch.Add(item);
                try
                {
                    ValidateBatch(queue, batch);
                }
                catch (Exception e)
                {
                    _log.Warning(e, "batch validation of {Topic} failed; {Count} messages dropped", queue.Topic, batch.Count);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void ValidateBatch(BatchValidationQueue queue, List<(PeerId From, PubSubMessage Message)> batch)
    {
        var invalid = new string?[batch.Count];
        var authors = new PeerId?[batch.Count];
        // Ed25519 verification is the costly part of the envelope check; spread it over the cores.
        if (batch.Count >= 8)
            Parallel.For(0, batch.Count, i => invalid[i] = CheckSignature(batch[i].Message, out authors[i]));
        else
            for (int i = 0; i < batch.Count; i++) invalid[i] = CheckSignature(batch[i].Message, out authors[i]);

        var delivered = new GossipMessage?[batch.Count];
        var toValidate = new List<GossipMessage>(batch.Count);
        for (int i = 0; i < batch.Count; i++)
        {
            if (invalid[i] is not null) continue;
            var (from, message) = batch[i];
            delivered[i] = new GossipMessage(message.Topic, message.Data ?? [], authors[i]!, message.SequenceNumber!, MessageId(message), from);
            toValidate.Add(delivered[i]!);
        }
        IReadOnlyList<ValidationResult> results;
        try
        {
            results = toValidate.Count == 0 ? [] : queue.Validator(toValidate);
            if (results.Count != toValidate.Count)
                throw new InvalidOperationException($"the batch validator returned {results.Count} results for {toValidate.Count} messages");
        }
        catch (Exception e)
        {
            _log.Warning(e, "validator for {Topic} threw; ignoring {Count} messages", queue.Topic, toValidate.Count);
            results = Enumerable.Repeat(ValidationResult.Ignore, toValidate.Count).ToArray();
        }

        var accepted = new List<(PeerId From, PubSubMessage Message, GossipMessage Delivered)>();
        int next = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            var (from, message) = batch[i];
            if (invalid[i] is not null)
            {
                _log.Debug("message from {PeerId} failed signature policy: {Reason}", from, invalid[i]);
                Penalise(from, message, invalid[i]!);
                continue;
            }
            var result = results[next++];
            if (result == ValidationResult.Reject) Penalise(from, message, "rejected by the validator");
            else if (result == ValidationResult.Ignore) lock (_lock) _score.MessageIgnored(delivered[i]!.MessageId, _time.GetUtcNow());
            else accepted.Add((from, message, delivered[i]!));
        }
        if (accepted.Count == 0) return;

        // Record and forward: per target peer, several accepted messages per RPC.
        lock (_lock)
        {
            DateTimeOffset now = _time.GetUtcNow();
            var forwards = new Dictionary<PeerId, (PubSubRpc Rpc, int Bytes)>();
            bool priority = _priorityTopics.Contains(queue.Topic);
            foreach (var (from, message, gossip) in accepted)
            {
                _score.MessageAccepted(from, gossip.MessageId, message.Topic, now);
                _cache.Put(gossip.MessageId, message);
                if (!_mesh.TryGetValue(message.Topic, out var mesh)) continue;
                int size = (message.Data?.Length ?? 0) + MessageOverheadBytes;
                string? hexId = null;
                foreach (PeerId target in mesh)
                {
                    if (target == from || target == gossip.From || !_peers.TryGetValue(target, out var peer)) continue;
                    if (!WantsRelay(peer, ref hexId, gossip.MessageId)) continue;
                    var (rpc, bytes) = forwards.TryGetValue(target, out var pending) ? pending : (new PubSubRpc(), 0);
                    rpc.Messages.Add(message);
                    bytes += size;
                    // Several messages per RPC, but never near the frame limit (batch-topic messages are large).
                    if (rpc.Messages.Count >= _options.MaxForwardBatch || bytes >= _options.MaxRpcSize / 2)
                    {
                        Send(peer, rpc.EncodeFramed(), priority);
                        (rpc, bytes) = (new PubSubRpc(), 0);
                    }
                    forwards[target] = (rpc, bytes);
                }
            }
            foreach (var (target, (rpc, _)) in forwards)
                if (rpc.Messages.Count > 0 && _peers.TryGetValue(target, out var peer)) Send(peer, rpc.EncodeFramed(), priority);
        }
        foreach (var (_, _, gossip) in accepted)
        {
            try { MessageReceived?.Invoke(gossip); }
            catch (Exception e) { _log.Warning(e, "gossip message handler failed"); }
        }
    }

    /// <summary>Queues a frame for the peer's send loop, on the priority lane for priority topics; false if dropped.</summary>
    private bool Send(GossipPeer peer, byte[] frame, bool priority)
    {
        if (!priority) return peer.Outbound.Writer.TryWrite(frame);
        if (peer.Priority.Count >= GossipPeer.MaxPriorityFrames) return false;
        peer.Priority.Enqueue(frame);
        // Wakes the send loop; if the normal queue is full the loop is busy anyway and finds the frame.
        peer.Outbound.Writer.TryWrite([]);
        return true;
    }

    private void ProcessMessage(PeerId from, PubSubMessage message)
    {
        string? invalid = CheckSignature(message, out PeerId? author);
        ValidationResult result;
        GossipMessage? delivered = null;
        if (invalid is not null)
        {
            _log.Debug("message from {PeerId} failed signature policy: {Reason}", from, invalid);
            result = ValidationResult.Reject;
        }
        else
        {
            delivered = new GossipMessage(message.Topic, message.Data ?? [], author!, message.SequenceNumber!, MessageId(message), from);
            Func<GossipMessage, ValidationResult>? validator;
            lock (_lock) validator = _validators.GetValueOrDefault(message.Topic);
            if (validator is null) return;
            try
            {
                result = validator(delivered);
            }
            catch (Exception e)
            {
                _log.Warning(e, "validator for {Topic} threw; ignoring the message", message.Topic);
                result = ValidationResult.Ignore;
            }
        }

        if (result == ValidationResult.Reject)
        {
            Penalise(from, message, invalid ?? "rejected by the validator");
            return;
        }
        if (result == ValidationResult.Ignore)
        {
            lock (_lock) _score.MessageIgnored(delivered!.MessageId, _time.GetUtcNow());
            return;
        }

        lock (_lock)
        {
            byte[] id = delivered!.MessageId;
            _score.MessageAccepted(from, id, message.Topic, _time.GetUtcNow());
            _cache.Put(id, message);
            if (_mesh.TryGetValue(message.Topic, out var mesh))
            {
                byte[]? frame = null;
                string? hexId = null;
                bool priority = _priorityTopics.Contains(message.Topic);
                foreach (PeerId target in mesh)
                {
                    if (target == from || target == delivered.From || !_peers.TryGetValue(target, out var peer)) continue;
                    if (!WantsRelay(peer, ref hexId, id)) continue;
                    if (frame is null)
                    {
                        var rpc = new PubSubRpc();
                        rpc.Messages.Add(message);
                        frame = rpc.EncodeFramed();
                    }
                    Send(peer, frame, priority);
                }
            }
        }
        try { MessageReceived?.Invoke(delivered); }
        catch (Exception e) { _log.Warning(e, "gossip message handler failed"); }
    }

    /// <summary>StrictSign: from, 8-byte seqno, signature and a key that matches from are all required.</summary>
    private static string? CheckSignature(PubSubMessage message, out PeerId? author)
    {
        author = null;
        if (message.From is null) return "missing from";
        if (message.SequenceNumber is not { Length: 8 }) return "seqno must be 8 bytes";
        if (message.Signature is null) return "missing signature";
        try
        {
            author = PeerId.FromBytes(message.From);
            Ed25519PublicKey? key = message.Key is not null ? Ed25519PublicKey.FromProtobuf(message.Key) : author.TryGetPublicKey();
            if (key is null) return "no public key for a hashed peer id";
            if (!author.Matches(key)) return "key does not match from";
            var signed = message.RentSigningBytes(SignaturePrefix, out var length);
            try
            {
                return key.Verify(signed.AsSpan(0, length), message.Signature) ? null : "bad signature";
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(signed);
            }
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>P4: an invalid message from <paramref name="peerId"/>; a peer whose score sinks to the ban threshold is banned.</summary>
    private void Penalise(PeerId peerId, PubSubMessage message, string reason)
    {
        bool ban;
        double score;
        lock (_lock)
        {
            if (!_peers.ContainsKey(peerId)) return;
            _score.MessageRejected(peerId, MessageId(message), message.Topic, _time.GetUtcNow());
            score = _score.Score(peerId, _time.GetUtcNow());
            _log.Debug("invalid message from {PeerId} on {Topic}: {Reason}; score now {Score:0.##}", peerId, message.Topic, reason, score);
            if (score < 0)
                foreach (var (topic, mesh) in _mesh) RemoveFromMesh(mesh, peerId, topic);
            ban = score <= _options.Thresholds.BanThreshold;
        }
        if (ban) _host.BanPeer(peerId, $"gossip score {score:0.##} fell to the ban threshold ({reason})");
    }

    private void HandleControl(GossipPeer peer, PubSubRpc rpc)
    {
        DateTimeOffset now = _time.GetUtcNow();
        var reply = new PubSubRpc();
        double score = ScoreOf(peer);
        if (score >= _options.Thresholds.GossipThreshold)
        {
            int wanted = 0;
            foreach (var ihave in rpc.IHave)
            {
                if (!_validators.ContainsKey(ihave.Topic)) continue;
                foreach (byte[] id in ihave.MessageIds.Take(_options.MaxIHaveLength))
                {
                    if (wanted >= _options.MaxIWantPerRpc) break;
                    if (_seen.Contains(id)) continue;
                    reply.IWant.Add(id);
                    wanted++;
                }
            }
            foreach (byte[] id in rpc.IWant.Take(_options.MaxIWantPerRpc))
            {
                var message = _cache.Get(id);
                if (message is not null) reply.Messages.Add(message);
            }
        }
        foreach (string topic in rpc.Graft)
        {
            if (!_mesh.TryGetValue(topic, out var mesh)) continue; // not subscribed: ignore, as the spec allows
            if (mesh.Contains(peer.Id)) continue;
            if (_backoff.TryGetValue((peer.Id, topic), out var until) && until > now)
            {
                _score.AddPenalty(peer.Id, 1); // P7: GRAFT during backoff
                AddPrune(reply, peer, topic);
                continue;
            }
            if (score < 0 || mesh.Count >= _options.DHigh)
            {
                AddPrune(reply, peer, topic);
                continue;
            }
            AddToMesh(mesh, peer.Id, topic);
        }
        foreach (var prune in rpc.Prune)
        {
            if (_mesh.TryGetValue(prune.Topic, out var mesh)) RemoveFromMesh(mesh, peer.Id, prune.Topic);
            TimeSpan backoff = prune.BackoffSeconds is { } seconds ? TimeSpan.FromSeconds(Math.Min(seconds, 3600)) : _options.PruneBackoff;
            _backoff[(peer.Id, prune.Topic)] = now + backoff;
        }
        foreach (byte[] id in rpc.IDontWant)
        {
            if (peer.IDontWantThisHeartbeat >= _options.MaxIDontWantPerHeartbeat) break;
            peer.IDontWantThisHeartbeat++;
            peer.DontSend[Convert.ToHexString(id)] = _heartbeats + _options.IDontWantTtlHeartbeats;
        }
        if (!reply.IsEmpty) Enqueue(peer, reply);
    }

    private void AddPrune(PubSubRpc rpc, GossipPeer peer, string topic)
    {
        rpc.Prune.Add(new ControlPrune(topic, peer.SupportsBackoff ? (ulong)_options.PruneBackoff.TotalSeconds : null));
        _backoff[(peer.Id, topic)] = _time.GetUtcNow() + _options.PruneBackoff;
    }

    private bool CanGraft(GossipPeer peer, string topic) =>
        ScoreOf(peer) >= 0 && !(_backoff.TryGetValue((peer.Id, topic), out var until) && until > _time.GetUtcNow());

    private List<GossipPeer> SelectPeers(string topic, int count, Func<GossipPeer, bool> filter)
    {
        if (count <= 0) return [];
        var candidates = _peers.Values.Where(p => p.Topics.Contains(topic) && filter(p)).ToList();
        // Partial Fisher-Yates shuffle with the injected randomness.
        for (int i = 0; i < Math.Min(count, candidates.Count); i++)
        {
            int j = i + _options.Random.Next(candidates.Count - i);
            (candidates[i], candidates[j]) = (candidates[j], candidates[i]);
        }
        return candidates.Take(count).ToList();
    }

    private void Enqueue(GossipPeer peer, PubSubRpc rpc)
    {
        if (!peer.Outbound.Writer.TryWrite(rpc.EncodeFramed()))
            _log.Debug("gossip queue to {PeerId} is full; dropping an RPC", peer.Id);
    }

    /// <summary>One heartbeat: decay scores, maintain mesh and fanout, emit IHAVE gossip, age caches.</summary>
    internal void Heartbeat()
    {
        try
        {
            lock (_lock) HeartbeatLocked();
        }
        catch (Exception e)
        {
            _log.Warning(e, "gossipsub heartbeat failed");
        }
    }

    private void HeartbeatLocked()
    {
        DateTimeOffset now = _time.GetUtcNow();
        var outgoing = new Dictionary<PeerId, PubSubRpc>();
        PubSubRpc For(PeerId id) => outgoing.TryGetValue(id, out var rpc) ? rpc : outgoing[id] = new PubSubRpc();

        _heartbeats++;
        foreach (var peer in _peers.Values)
        {
            peer.IDontWantThisHeartbeat = 0;
            if (peer.DontSend.Count == 0) continue;
            foreach (var (id, expiry) in peer.DontSend)
                if (expiry <= _heartbeats) peer.DontSend.Remove(id);
        }

        // Drop state of peers whose connection is gone but whose disconnect raced with a late RPC.
        foreach (var stale in _peers.Values.Where(p => !_host.IsConnected(p.Id)).ToList())
        {
            _peers.Remove(stale.Id);
            ForgetPeer(stale);
        }

        while (now - _lastDecay >= _options.Score.DecayInterval)
        {
            _score.Decay(now);
            _lastDecay += _options.Score.DecayInterval;
        }
        foreach (var key in _backoff.Where(kv => kv.Value <= now).Select(kv => kv.Key).ToList()) _backoff.Remove(key);

        foreach (var (topic, mesh) in _mesh)
        {
            foreach (PeerId id in mesh.Where(id => !_peers.TryGetValue(id, out var p) || ScoreOf(p) < 0 || !p.Topics.Contains(topic)).ToList())
                RemoveFromMesh(mesh, id, topic);
            if (mesh.Count < _options.DLow)
            {
                foreach (var peer in SelectPeers(topic, _options.D - mesh.Count, p => !mesh.Contains(p.Id) && CanGraft(p, topic)))
                {
                    AddToMesh(mesh, peer.Id, topic);
                    For(peer.Id).Graft.Add(topic);
                }
            }
            else if (mesh.Count > _options.DHigh)
            {
                var members = mesh.ToList();
                while (members.Count > _options.D)
                {
                    int index = _options.Random.Next(members.Count);
                    PeerId removed = members[index];
                    members.RemoveAt(index);
                    RemoveFromMesh(mesh, removed, topic);
                    AddPrune(For(removed), _peers[removed], topic);
                }
            }
        }

        foreach (string topic in _fanoutLastPublish.Where(kv => now - kv.Value > _options.FanoutTtl).Select(kv => kv.Key).ToList())
        {
            _fanout.Remove(topic);
            _fanoutLastPublish.Remove(topic);
        }
        foreach (var (topic, fanout) in _fanout)
        {
            fanout.RemoveWhere(id => !_peers.TryGetValue(id, out var p) || !p.Topics.Contains(topic) || ScoreOf(p) < _options.Thresholds.PublishThreshold);
            if (fanout.Count < _options.D)
                foreach (var peer in SelectPeers(topic, _options.D - fanout.Count, p => !fanout.Contains(p.Id) && ScoreOf(p) >= _options.Thresholds.PublishThreshold))
                    fanout.Add(peer.Id);
        }

        foreach (var (topic, members) in _mesh.Concat(_fanout))
        {
            List<byte[]> ids = _cache.GossipIds(topic);
            if (ids.Count == 0) continue;
            if (ids.Count > _options.MaxIHaveLength) ids = ids.TakeLast(_options.MaxIHaveLength).ToList();
            foreach (var peer in SelectPeers(topic, _options.DLazy, p => !members.Contains(p.Id) && ScoreOf(p) >= _options.Thresholds.GossipThreshold))
                For(peer.Id).IHave.Add(new ControlIHave(topic, ids));
        }

        foreach (var (id, rpc) in outgoing)
            if (_peers.TryGetValue(id, out var peer)) Enqueue(peer, rpc);

        _cache.Shift();
        _seen.Prune(now);
    }
}
