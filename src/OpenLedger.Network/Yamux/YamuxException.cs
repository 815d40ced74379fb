namespace OpenLedger.Network.Yamux;

/// <summary>A Yamux protocol violation by the peer, or an operation on a closed/reset stream or session.</summary>
public sealed class YamuxException : IOException
{
    public YamuxException(string message) : base(message) { }
}
