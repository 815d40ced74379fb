namespace OpenLedger.Network.Multistream;

/// <summary>multistream-select negotiation failed (no common protocol or a malformed message).</summary>
public sealed class MultistreamException : IOException
{
    public MultistreamException(string message) : base(message) { }

    public MultistreamException(string message, Exception inner) : base(message, inner) { }
}
