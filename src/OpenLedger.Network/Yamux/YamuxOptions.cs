namespace OpenLedger.Network.Yamux;

public sealed record YamuxOptions
{
    public const string ProtocolId = "/yamux/1.0.0";

    /// <summary>Per-stream receive window, also the most a stream ever buffers (spec default 256 KiB).</summary>
    public int InitialWindow { get; init; } = 256 * 1024;

    /// <summary>Largest data frame we send; fits one Noise frame together with the 12-byte header.</summary>
    public int MaxFrameSize { get; init; } = 32 * 1024;

    /// <summary>Inbound streams open at once; more are refused with RST. Bounds memory to this times the window.</summary>
    public int MaxInboundStreams { get; init; } = 128;

    public int MaxOutboundStreams { get; init; } = 128;

    /// <summary>Keep-alive ping period; a ping unanswered for a whole period closes the session. Zero disables.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a stream we closed waits for the peer's FIN before we reset it.</summary>
    public TimeSpan HalfClosedTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
