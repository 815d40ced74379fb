using OpenLedger.Network.Encoding;
using OpenLedger.Network.Identity;

namespace OpenLedger.Network.Host;

/// <summary>
/// A request/response protocol over one stream per exchange: the requester writes one uvarint-length-prefixed
/// request and half-closes, the responder answers with one length-prefixed response. Both directions have a
/// size limit and a deadline (used for /openledger/&lt;chainId&gt;/status/1 and /blocks/1).
/// </summary>
public sealed class RequestResponseProtocol
{
    private readonly Libp2pHost _host;

    public RequestResponseProtocol(Libp2pHost host, string protocolId, int maxRequestBytes, int maxResponseBytes, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(protocolId);
        _host = host;
        ProtocolId = protocolId;
        MaxRequestBytes = maxRequestBytes;
        MaxResponseBytes = maxResponseBytes;
        Timeout = timeout;
    }

    public string ProtocolId { get; }
    public int MaxRequestBytes { get; }
    public int MaxResponseBytes { get; }
    public TimeSpan Timeout { get; }

    /// <summary>Answers requests with <paramref name="handler"/>; a handler exception resets the stream.</summary>
    public void SetHandler(Func<PeerId, byte[], CancellationToken, Task<byte[]>> handler)
    {
        _host.SetStreamHandler(ProtocolId, async (stream, cancellationToken) =>
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(Timeout);
            byte[] request = await LengthPrefixed.ReadAsync(stream, MaxRequestBytes, deadline.Token).ConfigureAwait(false)
                ?? throw new IOException($"{stream.RemotePeer} closed {ProtocolId} without a request");
            byte[] response = await handler(stream.RemotePeer, request, deadline.Token).ConfigureAwait(false);
            if (response.Length > MaxResponseBytes)
                throw new InvalidOperationException($"{ProtocolId} response of {response.Length} bytes exceeds the {MaxResponseBytes}-byte limit");
            await LengthPrefixed.WriteAsync(stream, response, deadline.Token).ConfigureAwait(false);
            await stream.CloseWriteAsync(deadline.Token).ConfigureAwait(false);
        });
    }

    /// <exception cref="TimeoutException">No complete response within <see cref="Timeout"/>.</exception>
    /// <exception cref="IOException">Not connected, protocol unsupported, oversized or missing response.</exception>
    public async Task<byte[]> RequestAsync(PeerId peer, byte[] request, CancellationToken cancellationToken)
    {
        if (request.Length > MaxRequestBytes)
            throw new ArgumentException($"request of {request.Length} bytes exceeds the {MaxRequestBytes}-byte limit of {ProtocolId}", nameof(request));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        try
        {
            await using var stream = await _host.OpenStreamAsync(peer, ProtocolId, deadline.Token).ConfigureAwait(false);
            await LengthPrefixed.WriteAsync(stream, request, deadline.Token).ConfigureAwait(false);
            await stream.CloseWriteAsync(deadline.Token).ConfigureAwait(false);
            return await LengthPrefixed.ReadAsync(stream, MaxResponseBytes, deadline.Token).ConfigureAwait(false)
                ?? throw new IOException($"{peer} closed {ProtocolId} without a response");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{ProtocolId} request to {peer} timed out after {Timeout.TotalSeconds:0.#} s");
        }
    }
}
