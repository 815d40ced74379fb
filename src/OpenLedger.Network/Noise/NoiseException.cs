namespace OpenLedger.Network.Noise;

/// <summary>The Noise handshake or a transport frame failed (bad MAC, malformed payload, wrong identity).</summary>
public sealed class NoiseException : IOException
{
    public NoiseException(string message) : base(message) { }

    public NoiseException(string message, Exception inner) : base(message, inner) { }
}
