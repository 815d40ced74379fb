using System.Diagnostics;
using System.Security.Cryptography;

namespace OpenLedger.Network.Protocols;

/// <summary>/ipfs/ping/1.0.0: the dialer sends 32 random bytes, the listener echoes them, repeatedly.</summary>
public static class PingProtocol
{
    public const string ProtocolId = "/ipfs/ping/1.0.0";
    public const int PayloadSize = 32;

    /// <summary>Echoes pings until the peer closes the stream.</summary>
    public static async Task RespondAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[PayloadSize];
        while (true)
        {
            int got = await stream.ReadAtLeastAsync(buffer, PayloadSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (got < PayloadSize) return;
            await stream.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One ping round trip on an open stream; returns the round-trip time.</summary>
    /// <exception cref="IOException">The echo did not match.</exception>
    public static async Task<TimeSpan> PingOnceAsync(Stream stream, CancellationToken cancellationToken)
    {
        byte[] payload = RandomNumberGenerator.GetBytes(PayloadSize);
        var echo = new byte[PayloadSize];
        long start = Stopwatch.GetTimestamp();
        await stream.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
        await stream.ReadExactlyAsync(echo, cancellationToken).ConfigureAwait(false);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        if (!payload.AsSpan().SequenceEqual(echo)) throw new IOException("ping echo does not match what was sent");
        return elapsed;
    }
}
