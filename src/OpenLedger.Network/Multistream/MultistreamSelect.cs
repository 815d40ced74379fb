using System.Text;
using OpenLedger.Network.Encoding;

namespace OpenLedger.Network.Multistream;

/// <summary>
/// multistream-select 1.0 (/multistream/1.0.0): every message is a uvarint length, the UTF-8 protocol id
/// and a trailing newline. The initiator proposes protocols one by one; the responder echoes a supported one
/// or answers "na". Reads consume exactly one message so bytes that follow stay in the stream.
/// </summary>
public static class MultistreamSelect
{
    public const string ProtocolId = "/multistream/1.0.0";
    public const string NotAvailable = "na";

    /// <summary>Longest message accepted (protocol ids are short; the spec caps messages at 64 KiB, we allow far less).</summary>
    public const int MaxMessageLength = 1024;

    /// <summary>How many proposals a responder hears before giving up on a peer.</summary>
    public const int MaxProposals = 32;

    /// <summary>Negotiates as initiator; returns the protocol the responder accepted.</summary>
    /// <exception cref="MultistreamException">No protocol accepted, or the responder broke the protocol.</exception>
    public static async Task<string> SelectAsync(Stream stream, IReadOnlyList<string> protocols, CancellationToken cancellationToken)
    {
        if (protocols.Count == 0) throw new ArgumentException("at least one protocol is required", nameof(protocols));
        // Header and first proposal go out together (one round trip), like js-libp2p and go-libp2p do.
        await WriteMessagesAsync(stream, cancellationToken, ProtocolId, protocols[0]).ConfigureAwait(false);
        string header = await ReadMessageAsync(stream, cancellationToken).ConfigureAwait(false);
        if (header != ProtocolId)
            throw new MultistreamException($"peer answered multistream header with '{Printable(header)}' instead of {ProtocolId}");
        for (int i = 0; i < protocols.Count; i++)
        {
            if (i > 0) await WriteMessagesAsync(stream, cancellationToken, protocols[i]).ConfigureAwait(false);
            string answer = await ReadMessageAsync(stream, cancellationToken).ConfigureAwait(false);
            if (answer == protocols[i]) return answer;
            if (answer != NotAvailable)
                throw new MultistreamException($"peer answered proposal '{protocols[i]}' with '{Printable(answer)}'");
        }
        throw new MultistreamException($"peer supports none of: {string.Join(", ", protocols)}");
    }

    /// <summary>Negotiates as responder; returns the first proposal that <paramref name="isSupported"/> accepts.</summary>
    public static async Task<string> HandleAsync(Stream stream, Func<string, bool> isSupported, CancellationToken cancellationToken)
    {
        string header = await ReadMessageAsync(stream, cancellationToken).ConfigureAwait(false);
        if (header != ProtocolId)
            throw new MultistreamException($"peer opened with '{Printable(header)}' instead of {ProtocolId}");
        await WriteMessagesAsync(stream, cancellationToken, ProtocolId).ConfigureAwait(false);
        for (int i = 0; i < MaxProposals; i++)
        {
            string proposal = await ReadMessageAsync(stream, cancellationToken).ConfigureAwait(false);
            if (proposal != "ls" && isSupported(proposal))
            {
                await WriteMessagesAsync(stream, cancellationToken, proposal).ConfigureAwait(false);
                return proposal;
            }
            await WriteMessagesAsync(stream, cancellationToken, NotAvailable).ConfigureAwait(false);
        }
        throw new MultistreamException($"peer made more than {MaxProposals} proposals without agreement");
    }

    public static byte[] EncodeMessage(string message)
    {
        byte[] body = System.Text.Encoding.UTF8.GetBytes(message + "\n");
        return LengthPrefixed.Frame(body);
    }

    private static async Task WriteMessagesAsync(Stream stream, CancellationToken cancellationToken, params string[] messages)
    {
        byte[] buffer = messages.SelectMany(EncodeMessage).ToArray();
        await stream.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <exception cref="MultistreamException">Malformed, oversized or truncated message.</exception>
    public static async Task<string> ReadMessageAsync(Stream stream, CancellationToken cancellationToken)
    {
        byte[]? body;
        try
        {
            body = await LengthPrefixed.ReadAsync(stream, MaxMessageLength, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or MessageTooLargeException)
        {
            throw new MultistreamException("malformed multistream message: " + e.Message, e);
        }
        if (body is null) throw new MultistreamException("stream closed during multistream negotiation");
        if (body.Length == 0 || body[^1] != (byte)'\n')
            throw new MultistreamException("multistream message does not end with a newline");
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body, 0, body.Length - 1);
        }
        catch (DecoderFallbackException e)
        {
            throw new MultistreamException("multistream message is not valid UTF-8", e);
        }
    }

    private static string Printable(string s) => s.Length > 64 ? s[..64] + "…" : s;
}
