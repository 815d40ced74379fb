using BenchmarkDotNet.Attributes;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Benchmarks;

/// <summary>Keccak-256 of a hash-sized input and of a 1 KiB input (about seven sponge blocks).</summary>
[MemoryDiagnoser]
public class KeccakBenchmarks
{
    private readonly byte[] _small = new byte[32];
    private readonly byte[] _large = new byte[1024];
    private readonly byte[] _output = new byte[32];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        random.NextBytes(_small);
        random.NextBytes(_large);
    }

    [Benchmark]
    public void Keccak32Bytes() => Keccak256.Hash(_small, _output);

    [Benchmark]
    public void Keccak1KiB() => Keccak256.Hash(_large, _output);
}
