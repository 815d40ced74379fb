using OpenLedger.Core.Encoding;
using OpenLedger.Execution.Chain;
using OpenLedger.Network.Host;
using OpenLedger.Network.Identity;
using OpenLedger.Network.Protocols;

namespace OpenLedger.Node.Network;

/// <summary>
/// <c>/openledger/&lt;chainId&gt;/status/1</c>: both sides exchange a <see cref="StatusMessage"/> — the requester
/// sends its own status, the responder answers with its own — so one exchange tells each side the other's
/// chain, genesis and head. Length-prefixed RLP over one stream, 5 s deadline each way.
/// </summary>
public sealed class StatusProtocol
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private const int MaxMessageBytes = 256;

    private readonly Blockchain _chain;
    private readonly RequestResponseProtocol _protocol;

    public StatusProtocol(Libp2pHost host, Blockchain chain)
    {
        _chain = chain;
        _protocol = new RequestResponseProtocol(host, OpenLedgerProtocolIds.Status(chain.ChainId), MaxMessageBytes, MaxMessageBytes, Timeout);
    }

    public string ProtocolId => _protocol.ProtocolId;

    /// <summary>Our status now (read from the committed head).</summary>
    public StatusMessage Local()
    {
        var head = _chain.Head;
        var genesis = _chain.Store.GetHash(0) ?? throw new InvalidOperationException("the chain has no genesis block");
        return new StatusMessage(StatusMessage.CurrentProtocolVersion, _chain.ChainId, genesis, head.Number, head.Hash);
    }

    /// <summary>Answers status requests; <paramref name="onPeerStatus"/> sees each requester's status (a malformed one resets the stream).</summary>
    public void Serve(Action<PeerId, StatusMessage> onPeerStatus)
    {
        _protocol.SetHandler((peer, request, _) =>
        {
            StatusMessage theirs;
            try
            {
                theirs = StatusMessage.Decode(request);
            }
            catch (RlpException e)
            {
                throw new IOException($"{peer} sent a malformed status: {e.Message}", e);
            }
            onPeerStatus(peer, theirs);
            return Task.FromResult(Local().Encode());
        });
    }

    /// <summary>Sends our status to <paramref name="peer"/> and returns its status.</summary>
    /// <exception cref="TimeoutException">No answer within <see cref="Timeout"/>.</exception>
    /// <exception cref="IOException">Not connected, the peer does not speak the protocol, or a malformed answer.</exception>
    public async Task<StatusMessage> RequestAsync(PeerId peer, CancellationToken ct)
    {
        var response = await _protocol.RequestAsync(peer, Local().Encode(), ct).ConfigureAwait(false);
        try
        {
            return StatusMessage.Decode(response);
        }
        catch (RlpException e)
        {
            throw new IOException($"{peer} answered with a malformed status: {e.Message}", e);
        }
    }
}
