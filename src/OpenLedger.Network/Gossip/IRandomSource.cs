using System.Security.Cryptography;

namespace OpenLedger.Network.Gossip;

/// <summary>Randomness for peer selection and sequence numbers, injectable so tests can be deterministic.</summary>
public interface IRandomSource
{
    /// <summary>A uniform integer in [0, maxExclusive).</summary>
    int Next(int maxExclusive);

    void Fill(Span<byte> destination);
}

/// <summary>The default source, backed by the operating system's CSPRNG.</summary>
public sealed class SystemRandomSource : IRandomSource
{
    public static readonly SystemRandomSource Instance = new();

    public int Next(int maxExclusive) => RandomNumberGenerator.GetInt32(maxExclusive);

    public void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);
}

/// <summary>A seeded source for reproducible tests.</summary>
public sealed class SeededRandomSource(int seed) : IRandomSource
{
    private readonly Random _random = new(seed);

    public int Next(int maxExclusive) { lock (_random) return _random.Next(maxExclusive); }

    public void Fill(Span<byte> destination) { lock (_random) _random.NextBytes(destination); }
}
